// Shared by the browser tests and scripts: a static server for dist/ on 127.0.0.1 and Debian's
// Chromium launched through Playwright with the flags DESIGN.md §7 found to work here
// (`--enable-unsafe-webgpu` turns on WebGPU, i.e. SwiftShader on this machine).
import { chromium } from 'playwright-core';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json' };

/** Serve `root` on an ephemeral 127.0.0.1 port; resolves to the http.Server. */
export function serve(root) {
  const server = http.createServer((req, res) => {
    let p;
    try { p = decodeURIComponent(new URL(req.url, 'http://x').pathname); } catch { p = '/'; }
    const f = path.join(root, p === '/' ? 'index.html' : p);
    if (!f.startsWith(root) || !fs.existsSync(f) || fs.statSync(f).isDirectory()) { res.writeHead(404); res.end('not found'); return; }
    res.writeHead(200, { 'content-type': types[path.extname(f)] || 'application/octet-stream' });
    fs.createReadStream(f).pipe(res);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

/** Launch headless Chromium (WebGPU on when `webgpu`), with a fresh profile. */
export function launch(webgpu) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grokpad-chromium-'));
  const args = ['--headless', '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--remote-debugging-pipe', `--user-data-dir=${dir}`];
  if (webgpu) args.push('--enable-unsafe-webgpu');
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', ignoreDefaultArgs: true, args });
}

/** Pixels of canvas `sel` darker than near-white (0 when there is no such canvas). */
export async function inkPixels(page, sel) {
  return page.evaluate((s) => {
    const c = document.querySelector(s);
    if (!c) return 0;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235) ink++;
    return ink;
  }, sel);
}

/** Wait up to `ms` for `fn(arg)` to hold in the page; resolves to whether it did. */
export const waitFor = (page, fn, arg, ms) => page.waitForFunction(fn, arg, { timeout: ms }).then(() => true, () => false);

// A new page at `url` once the app has chosen its backend; page errors are printed and passed
// to `onError` (the tests count them as failures).
export async function openPage(browser, url, onError, height = 900) {
  const page = await browser.newPage({ viewport: { width: 1280, height } });
  page.on('pageerror', (e) => { console.log(`page error: ${e}`); onError(e); });
  await page.goto(url);
  await page.waitForSelector('#status:not([data-backend="none"])', { timeout: 60000 });
  return page;
}
