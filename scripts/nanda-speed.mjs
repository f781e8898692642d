// Measures the grok-nanda preset's training speed in the page (headless Chromium, WebGPU or
// the CPU with backend=cpu): opens the preset's link, plays for SECS seconds (argv[2], default
// 300) and prints steps done, wall time and steps/s. Issue 6 asks for these numbers in its note.
// Usage: DIST=dist node scripts/nanda-speed.mjs [secs] [extra-url-keys]
import { serve as serveDir, launch, openPage } from '../tests/browser/harness.mjs';
import path from 'node:path';

const secs = Number(process.argv[2] || 300);
const extra = process.argv[3] ? `&${process.argv[3]}` : '';
const url = 'v=1&data=mod&train=0.3&loss=ce&opt=adamw&lr=0.001&beta2=0.98&sched=warmup&warmup=10&bs=10000&wd=1&steps=40000&logx=1&p=113&model=tfm' + extra;
const server = await serveDir(path.resolve(process.env.DIST || 'dist'));
const browser = await launch(true);
try {
  const page = await openPage(browser, `http://127.0.0.1:${server.address().port}/#${url}`, () => {});
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
} finally {
  await browser.close();
  server.close();
}
