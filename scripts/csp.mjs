// Trunk post-build hook: adds a Content-Security-Policy to the built index.html. WebAssembly
// needs 'wasm-unsafe-eval'; Trunk's inline loader script is allowed by its SHA-256 hash, so no
// other inline script (and no eval) can run. Everything else comes from the page's own origin.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

const dir = process.env.TRUNK_STAGING_DIR || process.argv[2] || 'dist';
const file = path.join(dir, 'index.html');
let html = fs.readFileSync(file, 'utf8');
const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)]
  .map((m) => `'sha256-${crypto.createHash('sha256').update(m[1], 'utf8').digest('base64')}'`);
const policy = [
  "default-src 'self'",
  `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`.trim(),
  "style-src 'self'",
  // The page's runtime sets `style` attributes (seen as ~100 style-src-attr reports per second
  // while training, from the wasm glue's setAttribute); attributes cannot run code, so they are
  // allowed while <style> elements and all scripts stay locked down.
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
html = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\s*/g, '');
html = html.replace(/<head>/, `<head>\n  <meta http-equiv="Content-Security-Policy" content="${policy}">`);
fs.writeFileSync(file, html);
console.log(`csp: ${hashes.length} inline script hash(es) -> ${file}`);
