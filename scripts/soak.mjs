// Long-run soak (reliability issue): trains the default experiment at full speed in headless
// Chromium and samples memory (wasm linear memory, JS heap after a forced GC) and speed.
// Passes when the page survives, keeps training, and memory grows < 5 % after the first minute
// (short runs: after the first third, with 512 KiB of slack while the history fills). Speed is
// reported, never checked.
// Usage: node scripts/soak.mjs [--minutes 60] [--webgpu] [--url '#v=1'] (dist/ must be built)
import { serve, launch } from '../tests/browser/harness.mjs';
import fs from 'node:fs';
import path from 'node:path';

const arg = (k, d) => (process.argv.includes(k) ? process.argv[process.argv.indexOf(k) + 1] : d);
const minutes = parseFloat(arg('--minutes', '60'));
const hash = arg('--url', '#v=1');
const root = path.resolve(process.env.DIST || 'dist');
const server = await serve(root);
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await launch(process.argv.includes('--webgpu'));
const page = await browser.newPage();
let errors = 0;
page.on('pageerror', (e) => { errors++; console.log(`page error: ${e}`); });
await page.addInitScript(() => addEventListener('TrunkApplicationStarted', (e) => { window.__wasm = e.detail.wasm; }));
const cdp = await page.context().newCDPSession(page);
await page.goto(base + hash);
await page.waitForFunction(() => document.querySelector('#status')?.dataset.backend !== 'none', null, { timeout: 60000 });
await page.click('#play');
const sample = async () => {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value || 0;
  return page.evaluate((heap) => ({
    t: performance.now() / 1000,
    wasm: window.__wasm?.memory?.buffer?.byteLength || 0,
    heap,
    step: parseInt(document.querySelector('#status').dataset.step, 10),
    speed: document.querySelector('#speed').textContent,
  }), heap);
};
await cdp.send('Performance.enable');
const total = minutes * 60 * 1000;
const every = Math.min(10000, total / 12);
const warm = Math.min(60000, total / 3);
const samples = [];
const t0 = Date.now();
let base0 = null;
while (Date.now() - t0 < total) {
  await page.waitForTimeout(every);
  const s = await sample();
  samples.push(s);
  if (!base0 && Date.now() - t0 >= warm) base0 = s;
  console.log(`${((Date.now() - t0) / 1000).toFixed(0)} s: step ${s.step}, ${s.speed}, wasm ${(s.wasm / 2 ** 20).toFixed(1)} MiB, JS heap ${(s.heap / 2 ** 20).toFixed(1)} MiB`);
}
const last = samples[samples.length - 1];
const mem = (s) => s.wasm + s.heap;
const growth = base0 ? (mem(last) - mem(base0)) / mem(base0) : NaN;
const alive = last.step > (base0?.step ?? 0) && errors === 0;
console.log(`soak: ${minutes} min, ${samples.length} samples, steps ${last.step}, memory ${(mem(base0) / 2 ** 20).toFixed(1)} -> ${(mem(last) / 2 ** 20).toFixed(1)} MiB after warm-up (${(100 * growth).toFixed(2)} %), page errors ${errors}, speed first ${samples[0].speed} last ${last.speed}`);
fs.mkdirSync('target/soak', { recursive: true });
fs.writeFileSync('target/soak/soak.json', JSON.stringify({ minutes, samples, growth, errors }, null, 1));
await browser.close();
server.close();
// The metric history fills for its first ~3.5 minutes (2,000 rows at ~10 per second) before
// decimation bounds it, so a short run (CI) also allows up to 512 KiB of that bounded growth; a
// real leak (anything retained per frame or per snapshot) exceeds it within a minute.
const slack = minutes < 10 ? 512 * 1024 : 0;
const ok = alive && base0 && mem(last) - mem(base0) < Math.max(0.05 * mem(base0), slack);
console.log(ok ? 'soak: passed' : 'soak: FAILED');
process.exit(ok ? 0 : 1);
