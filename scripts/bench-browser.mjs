// Browser benchmark harness: Grokpad (WebGPU and wasm CPU) against TF.js 4.22 (webgpu, wasm, cpu)
// on the workloads of src/bench/mod.rs, in headless Chromium driven by Playwright. Also measures
// the wasm size (raw, gzip), the main app's first load to its first trained step, and its frame
// rate while training.
//
// Usage: node scripts/bench-browser.mjs [--quick] [--repeats N] [--workloads P1,P2] [--dist DIR]
//                                       [--out DIR] [--no-app] [--tfjs webgpu,wasm,cpu]
//                                       [--grokpad webgpu,cpu] [--budget SECONDS] [--grokpad-steps N]
// Needs a built dist/ (`trunk build --release`; it holds bench.html and bench.js) and `npm ci`
// (playwright-core and the TF.js packages). Serves dist/ and, under /vendor/, the TF.js dist files
// from node_modules (never a CDN) on 127.0.0.1. Writes target/bench/browser.json (the rows),
// browser-meta.json and browser.md, and prints the Markdown. --quick: 1 repeat, short TF.js
// budgets, and rows not started within --budget (default 100 s) reported as skipped (CI smoke,
// under 3 minutes). Exits non-zero only when the harness itself fails,
// never because something is slow.
import { chromium } from 'playwright-core';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = (n) => argv.includes(n);
const opt = (n, d) => (argv.includes(n) ? argv[argv.indexOf(n) + 1] : d);
const quick = flag('--quick');
const repeats = parseInt(opt('--repeats', quick ? '1' : '5'), 10);
const workloads = opt('--workloads', 'P1,P2,P3,P4-seeds,P4-widths').split(',').filter(Boolean);
const dist = path.resolve(opt('--dist', process.env.DIST || path.join(repo, 'dist')));
const outDir = path.resolve(opt('--out', path.join(repo, 'target', 'bench')));
const tfBackends = opt('--tfjs', 'webgpu,wasm,cpu').split(',').filter(Boolean);
const gpBackends = opt('--grokpad', 'webgpu,cpu').split(',').filter(Boolean);
const withApp = !flag('--no-app');
const budget = argv.includes('--budget') ? parseFloat(opt('--budget')) : undefined;
const grokpadSteps = argv.includes('--grokpad-steps') ? parseInt(opt('--grokpad-steps'), 10) : undefined;
const chromiumPath = opt('--chromium', process.env.CHROMIUM || '/usr/bin/chromium');
const t0 = Date.now();
const say = (m) => console.log(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${m}`);

// ------------------------------------------------------------------ server
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png' };
const vendor = { 'tfjs': 'tfjs', 'tfjs-backend-webgpu': 'tfjs-backend-webgpu', 'tfjs-backend-wasm': 'tfjs-backend-wasm' };
const nodeModules = path.join(repo, 'node_modules', '@tensorflow');
// bench.html/bench.js come from dist/; a dist built before they existed gets them from www/.
const fallback = { '/bench.html': path.join(repo, 'www', 'bench.html'), '/bench.js': path.join(repo, 'www', 'bench.js') };

function resolve(p) {
  const m = p.match(/^\/vendor\/([^/]+)\/([^/]+)$/);
  if (m) {
    if (!vendor[m[1]]) return null;
    const dir = path.join(nodeModules, vendor[m[1]], 'dist');
    const f = path.join(dir, m[2]);
    return f.startsWith(dir + path.sep) ? f : null;
  }
  const f = path.join(dist, p === '/' ? 'index.html' : p);
  if (!f.startsWith(dist)) return null;
  if (!fs.existsSync(f) && fallback[p]) return fallback[p];
  return f;
}

function serve() {
  const server = http.createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const f = resolve(p);
    if (!f || !fs.existsSync(f) || !fs.statSync(f).isFile()) { res.writeHead(404); res.end('not found'); return; }
    res.writeHead(200, { 'content-type': types[path.extname(f)] || 'application/octet-stream', 'cache-control': 'no-cache' });
    fs.createReadStream(f).pipe(res);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

async function launch() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grokpad-bench-'));
  const args = ['--headless', '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--enable-unsafe-webgpu', '--remote-debugging-pipe', `--user-data-dir=${dir}`];
  const browser = await chromium.launch({ executablePath: chromiumPath, ignoreDefaultArgs: true, args });
  return { browser, dir };
}

// ------------------------------------------------------------------ measurements
function wasmSizes() {
  const files = fs.existsSync(dist) ? fs.readdirSync(dist).filter((f) => f.endsWith('.wasm')) : [];
  return files.map((f) => {
    const buf = fs.readFileSync(path.join(dist, f));
    return { file: f, bytes: buf.length, gzip_bytes: zlib.gzipSync(buf, { level: 9 }).length };
  });
}

/** Main app: navigation start → first trained step (after clicking #play), and rAF rate while training. */
async function appMetrics(browser, base) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(base + 'index.html#v=1');
  await page.waitForSelector('#play', { timeout: 60000 });
  await page.waitForSelector('#status[data-backend]', { timeout: 60000 });
  const ready_ms = await page.evaluate(() => performance.now());
  const backend = await page.getAttribute('#status', 'data-backend');
  const label = (await page.textContent('#backend-label').catch(() => '')) || '';
  await page.click('#play');
  const h = await page.waitForFunction(() => {
    const s = parseInt(document.querySelector('#status')?.dataset.step || '0', 10);
    return s > 0 ? performance.now() : false;
  }, null, { timeout: 60000, polling: 5 });
  const first_trained_ms = await h.jsonValue();
  await page.waitForTimeout(500);
  const play = await page.evaluate(() => new Promise((ok) => {
    const step = () => parseInt(document.querySelector('#status')?.dataset.step || '0', 10);
    const s0 = step(), t0 = performance.now();
    let n = 0;
    const f = () => {
      n++;
      const t = performance.now();
      if (t - t0 < 3000) requestAnimationFrame(f);
      else ok({ fps: n * 1000 / (t - t0), steps_per_s: (step() - s0) * 1000 / (t - t0), seconds: (t - t0) / 1000 });
    };
    requestAnimationFrame(f);
  }));
  await ctx.close();
  return { backend, adapter: label.trim(), ready_ms, first_trained_ms, ...play, errors };
}

// ------------------------------------------------------------------ report
const fmt = (v) => (v == null || !Number.isFinite(v) ? '—' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toPrecision(3));
const ratio = (a, b) => (a && b && Number.isFinite(a) && Number.isFinite(b) ? `${fmt(a / b)}×` : '—');

function ratios(rows) {
  const get = (w, e, b) => rows.find((r) => r.workload === w && r.engine === e && r.backend === b && Number.isFinite(r.steps_per_s))?.steps_per_s;
  const out = [];
  for (const w of ['P1', 'P2', 'P3']) {
    if (!rows.some((r) => r.workload === w)) continue;
    const gw = get(w, 'grokpad', 'webgpu'), gc = get(w, 'grokpad', 'cpu');
    if (w === 'P1') {
      const tf = rows.filter((r) => r.workload === w && r.engine === 'tfjs' && Number.isFinite(r.steps_per_s));
      const best = tf.sort((a, b) => b.steps_per_s - a.steps_per_s)[0];
      out.push([w, `Grokpad WebGPU / TF.js best (${best ? best.backend : '—'})`, ratio(gw, best?.steps_per_s)]);
    } else {
      out.push([w, 'Grokpad WebGPU / TF.js webgpu', ratio(gw, get(w, 'tfjs', 'webgpu'))]);
    }
    out.push([w, 'Grokpad CPU / TF.js wasm', ratio(gc, get(w, 'tfjs', 'wasm'))]);
  }
  for (const p4 of ['P4-seeds', 'P4-widths']) for (const b of ['webgpu', 'cpu']) {
    const t = get(p4, 'grokpad', b), s = get(`${p4}-sequential`, 'grokpad', b);
    if (t || s) out.push([p4, `together / sequential (Grokpad ${b})`, ratio(t, s)]);
  }
  return out;
}

function markdown(rows, meta) {
  const L = [];
  L.push('# Grokpad browser benchmark', '');
  L.push(`- Date: ${meta.date}`);
  L.push(`- Browser: ${meta.browser} (headless, \`--enable-unsafe-webgpu\`)`);
  L.push(`- WebGPU adapter: ${meta.adapter}`);
  L.push(`- Machine: ${meta.machine}`);
  L.push(`- TF.js: ${meta.tfjs}`);
  L.push(`- Command: \`${meta.command}\``);
  L.push(`- Steps/s are model-steps per second (P4: 64 models × steps), warm-up excluded, median of ${meta.repeats} repeat(s); TF.js reads its loss about every 100 ms, Grokpad its metrics at the app's cadence (\`src/train/cadence.rs\`).`);
  L.push('');
  L.push('| workload | engine | backend | steps/s | samples | note |');
  L.push('| --- | --- | --- | ---: | --- | --- |');
  for (const r of rows) {
    const note = r.error ? `**error**: ${r.error}` : [r.note, r.warmup_s != null ? `warm-up ${r.warmup_s.toFixed(1)} s` : ''].filter(Boolean).join('; ');
    L.push(`| ${r.workload} | ${r.engine} | ${r.backend} | ${fmt(r.steps_per_s)} | ${(r.samples || []).map(fmt).join(' ')} | ${note.replace(/\|/g, '\\|')} |`);
  }
  L.push('', '## Ratios', '', '| workload | ratio | value |', '| --- | --- | ---: |');
  for (const [w, what, v] of ratios(rows)) L.push(`| ${w} | ${what} | ${v} |`);
  L.push('', '## App', '');
  for (const s of meta.wasm) L.push(`- wasm \`${s.file}\`: ${(s.bytes / 1024).toFixed(0)} KiB raw, ${(s.gzip_bytes / 1024).toFixed(0)} KiB gzip (level 9)`);
  const a = meta.app;
  if (a && !a.error) {
    L.push(`- First load (index.html#v=1, localhost, cold cache): app ready (backend chosen) at ${a.ready_ms.toFixed(0)} ms, first trained step at ${a.first_trained_ms.toFixed(0)} ms after navigation start (including the harness's click on #play) — backend ${a.backend}, ${a.adapter}`);
    L.push(`- While training (default page): ${a.fps.toFixed(1)} frames/s (requestAnimationFrame over ${a.seconds.toFixed(1)} s), ${fmt(a.steps_per_s)} steps/s`);
    if (a.errors.length) L.push(`- Page errors: ${a.errors.join('; ')}`);
  } else if (a) {
    L.push(`- App metrics failed: ${a.error}`);
  }
  return L.join('\n') + '\n';
}

// ------------------------------------------------------------------ main
let server, browser, dir;
let status = 0;
try {
  if (!fs.existsSync(path.join(dist, 'index.html'))) throw new Error(`${dist}/index.html missing: run \`trunk build --release\` first (or pass --dist DIR)`);
  for (const p of Object.keys(vendor)) {
    if (!fs.existsSync(path.join(nodeModules, p, 'dist'))) say(`warning: node_modules/@tensorflow/${p} missing (npm ci): TF.js rows will fail`);
  }
  server = await serve();
  const base = `http://127.0.0.1:${server.address().port}/`;
  ({ browser, dir } = await launch());
  const version = browser.version();
  say(`${version}; serving ${dist} at ${base}`);

  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const pageErrors = [];
  page.on('console', (m) => { const t = m.text(); if (t.startsWith('[bench]')) say(t.slice(8)); });
  page.on('pageerror', (e) => { pageErrors.push(String(e)); say(`page error: ${e}`); });
  await page.goto(base + 'bench.html');
  await page.waitForFunction(() => window.benchReady === true, null, { timeout: 60000 });
  const info = await page.evaluate(() => window.benchInfo());
  const options = { workloads, repeats, quick, tfjs: tfBackends, grokpad: gpBackends, budgetS: budget, grokpadSteps };
  say(`runBench(${JSON.stringify(options)})`);
  const rows = await page.evaluate((o) => window.runBench(o), options);
  const tfVersion = await page.evaluate(() => window.tf?.version?.tfjs || null);
  await ctx.close();

  let app = null;
  if (withApp) {
    say('main app: first load and frame rate');
    try { app = await appMetrics(browser, base); } catch (e) { app = { error: String(e.message || e).split('\n')[0] }; }
  }

  const a = info.adapter;
  const gpRow = rows.find((r) => r.engine === 'grokpad' && r.backend === 'webgpu' && r.adapter);
  const meta = {
    date: new Date().toISOString(),
    browser: `Chromium ${version}`,
    adapter: a ? [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' / ') + (gpRow ? ` (Grokpad: ${gpRow.adapter})` : '') : 'none (no navigator.gpu)',
    machine: `${os.cpus()[0]?.model || 'cpu'} × ${os.cpus().length}, ${os.platform()} ${os.release()}`,
    tfjs: tfVersion ? `${tfVersion} (@tensorflow/tfjs, -backend-webgpu with WEBGPU_MATMUL_PROGRAM_TYPE=3, -backend-wasm from /vendor/)` : 'not loaded',
    command: `node scripts/bench-browser.mjs ${argv.join(' ')}`.trim(),
    repeats,
    quick,
    wasm: wasmSizes(),
    app,
    info,
    page_errors: pageErrors,
  };
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'browser.json'), JSON.stringify(rows, null, 2) + '\n');
  fs.writeFileSync(path.join(outDir, 'browser-meta.json'), JSON.stringify(meta, null, 2) + '\n');
  const md = markdown(rows, meta);
  fs.writeFileSync(path.join(outDir, 'browser.md'), md);
  console.log('\n' + md);
  say(`wrote ${path.relative(process.cwd(), path.join(outDir, 'browser.json'))}, browser-meta.json and browser.md`);
  if (!rows.length) throw new Error('no rows');
} catch (e) {
  console.error(`bench-browser: ${e.stack || e}`);
  status = 1;
} finally {
  if (browser) await browser.close().catch(() => {});
  if (server) server.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(status);
