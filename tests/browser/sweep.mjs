// Browser test of issue 5's sweep lab (src/ui/sweeplab.rs; DESIGN.md §5 layer 4): serves dist/
// (DIST env) and drives Debian's Chromium (WebGPU on) with Playwright.
// (a) the `rf-double-descent` preset from the gallery: 64 random-features readouts solved in
//     closed form, the status line says so and the error-vs-width chart is drawn;
// (b) a small trained width sweep from a link: play trains every point, the status reaches
//     "Sweep done", both charts (error vs width, test error over width × steps) have ink, and
//     the sweep keys stay in the link;
// (c) a measurement (printed, not a pass/fail timing): the wall time of a 64-width model-wise
//     sweep on 2-D data with label noise in this page.
// Usage: DIST=dist node tests/browser/sweep.mjs
import { serve as serveDir, launch, inkPixels, waitFor, openPage } from './harness.mjs';
import path from 'node:path';

const root = path.resolve(process.env.DIST || 'dist');
let failures = 0;
function check(cond, msg) {
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${msg}`);
  if (!cond) failures++;
}
const statusText = (page) => page.evaluate(() => document.querySelector('#sweep-status')?.textContent || '');

const open = (browser, base, hash) => openPage(browser, base + hash, () => failures++);

const server = await serveDir(root);
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await launch(true);
try {
  // (a) Random-features double descent from the gallery.
  const page = await open(browser, base, '#v=1');
  await page.click('#preset-rf-double-descent');
  const solved = await waitFor(page, () => /solved in closed form/.test(document.querySelector('#sweep-status')?.textContent || ''), null, 60000);
  check(solved, `rf-double-descent: ${await statusText(page)}`);
  check(/64 random-features fits/.test(await statusText(page)), 'all 64 widths fitted');
  await page.waitForTimeout(500);
  check((await inkPixels(page, '#sweep-error')) > 2000, 'error-vs-width chart drawn');
  const hash = await page.evaluate(() => location.hash);
  check(hash.includes('frozen=1') && hash.includes('sweep=width'), 'the link holds the sweep');
  await page.close();

  // (b) A small trained width sweep.
  const small = '#v=1&data=xor&n=200&layers=4&act=relu&loss=ce&opt=adam&lr=0.01&steps=300&sweep=width&sweep_values=2,8,32';
  const p2 = await open(browser, base, small);
  check(await page2Has(p2, '#sweep-error'), 'sweep charts shown for a sweep link');
  await p2.click('#play');
  const done = await waitFor(p2, () => /Sweep done/.test(document.querySelector('#sweep-status')?.textContent || ''), null, 180000);
  check(done, `trained sweep: ${await statusText(p2)}`);
  await p2.waitForTimeout(600);
  check((await inkPixels(p2, '#sweep-error')) > 2000, 'error-vs-width chart drawn');
  check((await inkPixels(p2, '#sweep-heat')) > 20000, 'width × steps heatmap drawn');
  // Changing the values from the control restarts the sweep with them, in the link.
  await p2.fill('#sweep_values', '4,16');
  await p2.press('#sweep_values', 'Enter');
  const relinked = await waitFor(p2, () => location.hash.includes('sweep_values=4,16'), null, 10000);
  check(relinked, 'edited sweep values go into the link');
  await p2.close();

  // (c) Measurement: 64 widths, 2-D data, 15 % flipped labels.
  const widths = Array.from({ length: 64 }, (_, i) => i + 1).join(',');
  const big = `#v=1&data=gauss&n=400&train=0.25&noise=30&flip=0.15&layers=8&act=relu&loss=ce&opt=adam&lr=0.01&bs=100&steps=500&sweep=width&sweep_values=${widths}`;
  const p3 = await open(browser, base, big);
  const backend = await p3.getAttribute('#status', 'data-backend');
  const t0 = Date.now();
  await p3.click('#play');
  const fin = await waitFor(p3, () => /Sweep done/.test(document.querySelector('#sweep-status')?.textContent || ''), null, 240000);
  console.log(`measure: 64-width sweep (500 steps each, ${backend}) ${fin ? 'finished' : 'not finished'} after ${((Date.now() - t0) / 1000).toFixed(1)} s: ${await statusText(p3)}`);
  await p3.close();
} catch (e) {
  console.log(`FAIL exception: ${e.stack || e}`);
  failures++;
} finally {
  await browser.close();
  server.close();
}

async function page2Has(p, sel) {
  return waitFor(p, (s) => !!document.querySelector(s), sel, 10000);
}

console.log(failures ? `${failures} failure(s)` : 'all sweep checks passed');
process.exit(failures ? 1 : 0);
