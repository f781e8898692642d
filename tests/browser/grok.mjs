// Browser test of issue 6's grokking view (src/ui/grok.rs; DESIGN.md §5 layer 4): serves dist/
// (DIST env) and drives Debian's Chromium (WebGPU on) with Playwright.
// (a) the `grok-mlp` preset from the gallery: the grokking panel is shown, the feature and noise
//     controls are not; play trains a few hundred steps; the accuracy curves gain ink and the
//     a × b table (on the boundary canvas) turns from red (wrong) to dark blue (training pairs
//     predicted right); the Fourier spectrum and IPR histogram are drawn; the prune button
//     reports accuracies before and after;
// (b) `grok-corrupted`: the accuracy chart's legend has the clean / flipped training curves
//     (their colours are on the canvas) and the table marks corrupted pairs;
// (c) a small transformer (`model=tfm`) trains on WebGPU: the attention panel draws one heatmap
//     per head and names model 0's answer for the chosen (a, b);
// (d) `grok-pair-mlp` (PAIR's factored embedding MLP) trains in the page on WebGPU.
// Usage: DIST=dist node tests/browser/grok.mjs
import { serve as serveDir, launch, inkPixels, waitFor, openPage } from './harness.mjs';
import path from 'node:path';

const root = path.resolve(process.env.DIST || 'dist');
let failures = 0;
function check(cond, msg) {
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${msg}`);
  if (!cond) failures++;
}

/** Pixels of canvas `sel` within 6 of colour `rgb` in every channel. */
async function colorPixels(page, sel, rgb) {
  return page.evaluate(([s, c]) => {
    const el = document.querySelector(s);
    if (!el) return 0;
    const d = el.getContext('2d').getImageData(0, 0, el.width, el.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (Math.abs(d[i] - c[0]) <= 6 && Math.abs(d[i + 1] - c[1]) <= 6 && Math.abs(d[i + 2] - c[2]) <= 6) n++;
    }
    return n;
  }, [sel, rgb]);
}

const step = (page) => page.evaluate(() => Number(document.querySelector('#status')?.dataset.step || 0));
const TRAIN_OK = [8, 81, 156]; // plot::grok::TRAIN_OK
const TRAIN_WRONG = [180, 20, 30]; // plot::grok::TRAIN_WRONG
const CLEAN = [44, 160, 44]; // ui::draw::CLEAN
const FLIPPED = [214, 39, 40]; // ui::draw::FLIPPED

const errorText = async (page) => ((await page.$('#error')) ? await page.textContent('#error') : '');
const open = (browser, base, hash) => openPage(browser, base + hash, () => failures++, 1400);

const server = await serveDir(root);
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await launch(true);
try {
  // (a) grok-mlp from the gallery.
  const page = await open(browser, base, '#v=1');
  await page.click('#preset-grok-mlp');
  check(await waitFor(page, () => location.hash.includes('data=mod'), null, 10000), 'the preset link is data=mod');
  check(await waitFor(page, () => !!document.querySelector('#grok-panel'), null, 10000), 'grokking panel shown');
  check(!(await page.$('#features')) && !(await page.$('#noise')) && !(await page.$('#rff')), 'features and noise controls hidden');
  // The untrained table appears with the step-0 snapshot (after the session's pipelines compile).
  const tDraw = Date.now();
  let wrong0 = 0, right0 = 0;
  while (wrong0 + right0 === 0 && Date.now() - tDraw < 20000) {
    await page.waitForTimeout(250);
    wrong0 = await colorPixels(page, '#boundary', TRAIN_WRONG);
    right0 = await colorPixels(page, '#boundary', TRAIN_OK);
  }
  console.log(`     untrained table drawn ${Date.now() - tDraw} ms after the grokking panel`);
  const acc0 = await inkPixels(page, '#acc-chart');
  check(wrong0 > 5000, `untrained table mostly wrong (${wrong0} dark red px, ${right0} dark blue px)`);
  await page.click('#play');
  const trained = await waitFor(page, () => Number(document.querySelector('#status')?.dataset.step || 0) >= 300, null, 180000);
  check(trained, `trained to step ${await step(page)}`);
  await page.click('#play'); // pause
  await page.waitForTimeout(1500); // the last snapshot and a weights readback land
  const right1 = await colorPixels(page, '#boundary', TRAIN_OK);
  const wrong1 = await colorPixels(page, '#boundary', TRAIN_WRONG);
  check(right1 > 5000 && right1 > 5 * right0 && wrong1 < wrong0 / 2,
    `table updated: dark blue ${right0} → ${right1} px, dark red ${wrong0} → ${wrong1} px`);
  const acc1 = await inkPixels(page, '#acc-chart');
  check(acc1 > acc0 + 300, `accuracy curves drawn (${acc0} → ${acc1} ink px)`);
  check(await page.isChecked('#logx'), 'log step axis on');
  check((await inkPixels(page, '#grok-spectrum')) > 500, 'Fourier spectrum drawn');
  check((await inkPixels(page, '#grok-ipr')) > 500, 'IPR histogram drawn');
  check(/Key frequencies/.test(await page.textContent('#grok-summary')), `summary: ${await page.textContent('#grok-summary')}`);
  await page.click('#grok-prune');
  const pruned = await waitFor(page, () => /lowest-IPR neurons pruned/.test(document.querySelector('#grok-prune-result')?.textContent || ''), null, 10000);
  check(pruned, `prune result: ${await page.textContent('#grok-prune-result')}`);
  await page.close();

  // (b) grok-corrupted: clean / flipped curves and corrupted pairs marked.
  const p2 = await open(browser, base, '#v=1');
  await p2.click('#preset-grok-corrupted');
  check(await waitFor(p2, () => location.hash.includes('corrupt='), null, 10000), 'the preset link has corrupt=');
  await p2.click('#play');
  await waitFor(p2, () => Number(document.querySelector('#status')?.dataset.step || 0) >= 200, null, 180000);
  await p2.click('#play');
  await p2.waitForTimeout(1000);
  check((await colorPixels(p2, '#acc-chart', CLEAN)) > 30, 'clean-train accuracy curve drawn');
  check((await colorPixels(p2, '#acc-chart', FLIPPED)) > 30, 'flipped-train accuracy curve drawn');
  check((await colorPixels(p2, '#boundary', [0, 0, 0])) > 20, 'corrupted pairs dotted in the table');
  const legend = await p2.textContent('#boundary-legend');
  check(/corrupted training label/.test(legend), `table legend: ${legend}`);
  await p2.close();

  // (c) a small transformer on WebGPU: attention heatmaps and the answer for (a, b).
  const p3 = await open(browser, base, '#v=1&data=mod&p=7&train=0.6&model=tfm&d_model=16&heads=2&d_mlp=16&opt=adamw&lr=0.01&bs=1000&steps=400');
  const label = await p3.textContent('#backend-label');
  check(/WebGPU|swiftshader/i.test(label), `the transformer trains on WebGPU: ${label}`);
  await p3.click('#play');
  check(await waitFor(p3, () => Number(document.querySelector('#status')?.dataset.step || 0) >= 50, null, 120000), 'the transformer trains');
  await p3.click('#play');
  check(await waitFor(p3, () => /model 0 answers/.test(document.querySelector('#attn-summary')?.textContent || ''), null, 20000),
    `attention summary: ${await p3.textContent('#attn-summary').catch(() => '')}`);
  const attnInk = await inkPixels(p3, '#grok-attn');
  check(attnInk > 2000, `the attention heatmaps are drawn (${attnInk} ink pixels)`);
  const err3 = await errorText(p3);
  check(!err3, `no error: ${err3}`);
  await p3.close();

  // (d) grok-pair-mlp from the gallery trains in the page on WebGPU.
  const p4 = await open(browser, base, '#v=1');
  await p4.click('#preset-grok-pair-mlp');
  check(await waitFor(p4, () => location.hash.includes('model=emb'), null, 10000), 'the preset link is model=emb');
  const label4 = await p4.textContent('#backend-label');
  check(/WebGPU|swiftshader/i.test(label4), `grok-pair-mlp trains on WebGPU: ${label4}`);
  await p4.click('#play');
  check(await waitFor(p4, () => Number(document.querySelector('#status')?.dataset.step || 0) >= 20, null, 120000),
    `grok-pair-mlp trains (step ${await step(p4)}; error: ${await errorText(p4)})`);
  await p4.close();
} catch (e) {
  console.log(`FAIL exception: ${e.stack || e}`);
  failures++;
} finally {
  await browser.close();
  server.close();
}

console.log(failures ? `${failures} failure(s)` : 'all browser grok checks passed');
process.exit(failures ? 1 : 0);
