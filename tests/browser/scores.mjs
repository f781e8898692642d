// Browser test of issue 5's per-example score lab (src/ui/scorelab.rs; DESIGN.md §5 layer 4):
// serves dist/ (DIST env) and drives Debian's Chromium (WebGPU on) with Playwright.
// (a) a small memorization-score link on long-tail data with pruning: play trains the scoring
//     models on random halves, then the pruned sets; the status reaches "Scores done", the score
//     plane, score-vs-frequency and pruning charts have ink, then the single run trains on;
// (b) the `long-tail` preset from the gallery: measured (printed) wall time of its 32-model
//     scoring run in this page.
// Usage: DIST=dist node tests/browser/scores.mjs
import { serve as serveDir, launch, inkPixels, waitFor, openPage } from './harness.mjs';
import path from 'node:path';

const root = path.resolve(process.env.DIST || 'dist');
let failures = 0;
function check(cond, msg) {
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${msg}`);
  if (!cond) failures++;
}
const statusText = (page) => page.evaluate(() => document.querySelector('#score-status')?.textContent || '');
const step = (page) => page.evaluate(() => Number(document.querySelector('#status')?.dataset.step || 0));

const open = (browser, base, hash) => openPage(browser, base + hash, () => failures++);

const server = await serveDir(root);
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await launch(true);
try {
  // (a) Memorization scores and a pruning curve from a link.
  const small = '#v=1&data=longtail&n=200&classes=2&layers=16&act=relu&loss=ce&opt=adam&lr=0.01&bs=20&seeds=8&steps=150&score=memo&prune=0.2';
  const p = await open(browser, base, small);
  check(await p.$('#score-plane') !== null, 'score charts shown for a score link');
  await p.click('#play');
  const scoring = await waitFor(p, () => /Scoring:/.test(document.querySelector('#score-status')?.textContent || ''), null, 30000);
  check(scoring, `scoring reported while it trains: ${await statusText(p)}`);
  const done = await waitFor(p, () => /Scores done/.test(document.querySelector('#score-status')?.textContent || ''), null, 180000);
  check(done, `scores: ${await statusText(p)}`);
  await p.waitForTimeout(800);
  check((await inkPixels(p, '#score-plane')) > 500, 'training points coloured by score');
  check((await inkPixels(p, '#score-freq')) > 2000, 'score vs subpopulation frequency drawn');
  check((await inkPixels(p, '#prune-curve')) > 2000, 'test accuracy vs fraction pruned drawn');
  const s0 = await step(p);
  await p.waitForTimeout(1500);
  check((await step(p)) > s0, 'the single run trains after the scores');
  const hash = await p.evaluate(() => location.hash);
  check(hash.includes('score=memo') && hash.includes('prune=0.2'), 'the link keeps the score keys');
  // Changing the score kind from its control restarts with it, in the link.
  await p.selectOption('#score', 'el2n');
  check(await waitFor(p, () => location.hash.includes('score=el2n'), null, 10000), 'score kind edited into the link');
  await p.close();

  // (b) The long-tail preset: how long its scoring takes here (printed, not a pass/fail timing).
  const g = await open(browser, base, '#v=1');
  await g.click('#preset-long-tail');
  await g.waitForTimeout(500);
  const playing = await g.evaluate(() => /Pause/.test(document.querySelector('#play')?.textContent || ''));
  if (!playing) await g.click('#play');
  const t0 = Date.now();
  const ok = await waitFor(g, () => /Scores done/.test(document.querySelector('#score-status')?.textContent || ''), null, 400000);
  check(ok, `long-tail preset: ${await statusText(g)}`);
  console.log(`measure: long-tail preset scoring (32 models x 400 steps) in the page: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  await g.waitForTimeout(800);
  check((await inkPixels(g, '#score-freq')) > 2000, 'long-tail: score vs frequency drawn');
  await g.close();
} finally {
  await browser.close();
  server.close();
}
console.log(failures ? `${failures} check(s) failed` : 'all score-lab checks passed');
process.exit(failures ? 1 : 0);
