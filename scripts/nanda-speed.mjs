// Measures the grok-nanda preset's training speed in headless Chromium, the numbers issue 6 asks
// for in its note. Two modes (DIST = a Trunk build, `trunk build --release`):
//   DIST=dist node scripts/nanda-speed.mjs page [secs]   the app itself: opens the preset's link,
//       plays for SECS seconds (default 300) and prints steps done and steps/s as the page shows them;
//   DIST=dist node scripts/nanda-speed.mjs bench [steps] [webgpu|cpu|both]   the bench page's
//       `bench_token` (src/bench/webtoken.rs): one warm-up step, then STEPS timed steps (default 2) on
//       WebGPU and on the wasm CPU reference (which the app refuses at this size: a step blocks the tab).
// Extra URL keys may follow as the last argument (e.g. `p=23`) to time a smaller model.
import { serve as serveDir, launch, openPage } from '../tests/browser/harness.mjs';
import path from 'node:path';

const mode = process.argv[2] || 'page';
const base = 'v=1&data=mod&train=0.3&loss=ce&opt=adamw&lr=0.001&beta2=0.98&sched=warmup&warmup=10&bs=10000&wd=1&steps=40000&logx=1&p=113&model=tfm';
const server = await serveDir(path.resolve(process.env.DIST || 'dist'));
const browser = await launch(true);
const origin = `http://127.0.0.1:${server.address().port}/`;
try {
  if (mode === 'bench') {
    const steps = Number(process.argv[3] || 2);
    const which = process.argv[4] || 'both';
    const url = base + (process.argv[5] ? `&${process.argv[5]}` : '');
    const page = await browser.newPage();
    page.on('console', (m) => { if (m.type() === 'error') console.log(`console: ${m.text()}`); });
    await page.goto(origin + 'bench.html');
    await page.waitForFunction(() => window.benchReady === true, null, { timeout: 60000 });
    for (const b of which === 'both' ? ['webgpu', 'cpu'] : [which]) {
      const t0 = Date.now();
      try {
        const r = await page.evaluate(([u, be, n]) => window.benchToken(u, be, n), [url, b, steps]);
        console.log(`${b} (${r.adapter}): ${r.gflop_per_step.toFixed(1)} GFLOP/step, warm-up step ${r.warmup_s.toFixed(1)} s, ` +
          `${r.steps} steps in ${r.secs.toFixed(1)} s: ${r.steps_per_s.toFixed(4)} steps/s`);
      } catch (e) {
        console.log(`${b}: failed after ${((Date.now() - t0) / 1000).toFixed(0)} s: ${String(e.message || e).split('\n')[0]}`);
      }
    }
  } else {
    const secs = Number(process.argv[3] || 300);
    const url = base + (process.argv[4] ? `&${process.argv[4]}` : '');
    const page = await openPage(browser, `${origin}#${url}`, () => {});
    console.log(await page.textContent('#backend-label'));
    const err = (await page.$('#error')) ? await page.textContent('#error') : '';
    if (err) console.log(`error: ${err}`);
    const t0 = Date.now();
    await page.click('#play');
    const step = () => page.evaluate(() => Number(document.querySelector('#status')?.dataset.step || 0));
    let first = null;
    while (Date.now() - t0 < secs * 1000) {
      await page.waitForTimeout(2000);
      const s = await step();
      if (s > 0 && first === null) first = { s, t: (Date.now() - t0) / 1000 };
    }
    const s = await step();
    const t = (Date.now() - t0) / 1000;
    console.log(`steps ${s} in ${t.toFixed(0)} s: ${(s / t).toFixed(4)} steps/s` + (first ? `; first step seen at ${first.t.toFixed(0)} s` : ''));
    if (first && s > first.s) console.log(`after the first: ${((s - first.s) / (t - first.t)).toFixed(4)} steps/s`);
  }
} finally {
  await browser.close();
  server.close();
}
