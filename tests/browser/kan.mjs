// Browser test of the KAN views (issue 7, "Seeing"), serving dist/ (DIST env) to Debian's
// Chromium (WebGPU on) with Playwright:
// (a) the hello-kan preset from the gallery shows the KAN panel instead of the MLP diagram;
//     playing draws the edge boxes with their curves;
// (b) hovering an edge box names its φ; clicking opens it large with symbolic suggestions
//     ("Snap to …" buttons, R² values) and the enlarged curve;
// (c) snapping goes into the link (`snap=`) at the current step without resetting the run;
//     auto-snap snaps the rest, the learned formula appears as training goes on, snapped
//     edges turn purple, and the copied link replays the snaps;
// (d) the KAN-vs-MLP charts (steps and scaling) fill with both models' colours as it plays.
// Usage: DIST=dist node tests/browser/kan.mjs
import { serve as serveDir, launch, inkPixels, waitFor } from './harness.mjs';
import path from 'node:path';

const root = path.resolve(process.env.DIST || 'dist');
let failures = 0;
function check(cond, msg) {
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${msg}`);
  if (!cond) failures++;
}
const step = async (page) => parseInt(await page.getAttribute('#status', 'data-step'), 10);
const text = async (page, sel) => (await page.textContent(sel).catch(() => '')) || '';
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

async function open(browser, hash) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => { console.log(`page error: ${e}`); failures++; });
  await page.goto(base + hash);
  await page.waitForSelector('#status:not([data-backend="none"])', { timeout: 60000 });
  return page;
}

/** Poll `inkPixels(sel)` until it exceeds `min` (up to `ms`); the last count. */
async function inkAtLeast(page, sel, min, ms) {
  const t0 = Date.now();
  let ink = 0;
  while (Date.now() - t0 < ms) {
    ink = await inkPixels(page, sel);
    if (ink > min) break;
    await sleep(300);
  }
  return ink;
}

/** Pixels of canvas `sel` near colour `rgb` (±40 per channel). */
const colourPixels = (page, sel, rgb) => page.evaluate(([s, c]) => {
  const el = document.querySelector(s);
  if (!el) return 0;
  const d = el.getContext('2d').getImageData(0, 0, el.width, el.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (Math.abs(d[i] - c[0]) < 40 && Math.abs(d[i + 1] - c[1]) < 40 && Math.abs(d[i + 2] - c[2]) < 40) n++;
  }
  return n;
}, [sel, rgb]);

/** Scan the first column of edge boxes (layer 1) until the hover names an edge; its position
 *  relative to the diagram's box. [2,5,1] on 580 px: boxes of layer 1 at x = 8 + 564/4 = 149. */
async function findEdge(page) {
  await page.locator('#kan-diagram').scrollIntoViewIfNeeded();
  const box = await page.locator('#kan-diagram').boundingBox();
  const w = await page.evaluate(() => document.querySelector('#kan-diagram').width);
  const x = (8 + (w - 16) / 4) * (box.width / w);
  for (let y = 2; y < box.height - 2; y += 3) {
    await page.mouse.move(box.x + x, box.y + y);
    if (/^φ x\d → h1\.\d/.test(await text(page, '#kan-hover'))) return { x: box.x + x, y: box.y + y };
  }
  return null;
}

const server = await serveDir(root);
const base = `http://127.0.0.1:${server.address().port}/`;
let browser;
try {
  browser = await launch(true);
  // (a) The preset and the diagram. Paused early: the preset itself prunes at step 1500 and
  //     auto-snaps at 2500 (`kprune=1500:0.1&snap=2500:auto`); this test snaps before that.
  const page = await open(browser, '#v=1');
  await page.click('#preset-hello-kan');
  await page.waitForSelector('#kan-panel', { timeout: 20000 });
  check(await page.$('#net-diagram') === null, 'the MLP diagram is replaced by the KAN panel');
  check(/model=kan/.test(page.url()), `the preset's link is a KAN: ${page.url()}`);
  await page.click('#play');
  check(await waitFor(page, () => parseInt(document.querySelector('#status').dataset.step, 10) > 300, null, 60000),
    'the KAN trains');
  await page.click('#play'); // pause
  await sleep(800);
  const ink = await inkAtLeast(page, '#kan-diagram', 800, 20000);
  check(ink > 800, `the KAN diagram draws edges and curves (${ink} ink pixels)`);

  // (b) An edge, enlarged, with its suggestions.
  const at = await findEdge(page);
  check(at !== null, `hovering an edge box names it: ${await text(page, '#kan-hover')}`);
  if (at) {
    await page.mouse.click(at.x, at.y);
    check(await waitFor(page, () => document.querySelectorAll('#kan-suggestions li').length >= 3, null, 20000),
      'clicking an edge lists symbolic suggestions');
    const first = await text(page, '#kan-suggestions li');
    check(/R² = -?[0-9]\.\d{4}/.test(first), `suggestions carry R²: ${first}`);
    check(/Snap to /.test(await text(page, '#kan-snap-0')), 'each suggestion has a snap button');
    const big = await inkAtLeast(page, '#kan-edge', 1500, 5000);
    check(big > 1500, `the edge is drawn large (${big} ink pixels)`);

    // (c) Snap at the current step: into the link, the run not reset; auto-snap the rest.
    const before = await step(page);
    const snapList = () => page.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('snap') || '');
    await page.click('#kan-snap-0');
    // The schedule is sorted by step: the new snap sits before or after the preset's 2500:auto,
    // depending on how far the run got before the pause.
    const mine = new RegExp(`(^|,)${before}:0:\\d:\\d:[a-z0-9^/]+(,|$)`);
    check(await waitFor(page, (re) => new RegExp(re).test(new URLSearchParams(location.hash.slice(1)).get('snap') || ''), mine.source, 5000),
      `the snap goes into the link at step ${before}: snap=${await snapList()}`);
    check(await step(page) === before, `the run goes on from the same step (${before} → ${await step(page)})`);
    check(/snap/.test(await text(page, '#edit-note')), `the page says what was snapped: ${await text(page, '#edit-note')}`);
    await page.click('#kan-autosnap');
    check(await waitFor(page, (b) => (new URLSearchParams(location.hash.slice(1)).get('snap') || '').split(',').includes(`${b}:auto`), before, 5000),
      `auto-snap goes into the link: snap=${await snapList()}`);
    await page.click('#play');
    check(await waitFor(page, () => !!document.querySelector('#kan-formula'), null, 30000),
      `the learned formula appears: ${await text(page, '#kan-formula')}`);
    check(/x1/.test(await text(page, '#kan-formula')) && /x2/.test(await text(page, '#kan-formula')), 'the formula names both inputs');
    const purple = await colourPixels(page, '#kan-diagram', [0x94, 0x67, 0xbd]);
    check(purple > 50, `snapped edges are drawn purple (${purple} pixels)`);

    // The copied link replays the snaps from the seed.
    const link = page.url();
    const again = await open(browser, link.slice(link.indexOf('#')));
    await again.click('#play');
    check(await waitFor(again, () => !!document.querySelector('#kan-formula'), null, 90000),
      'the copied link replays the snaps: the formula appears');
    await again.close();
  } else {
    await page.click('#play');
  }

  // (d) KAN vs MLP: trains while the run plays.
  check(await waitFor(page, () => /Comparison/.test(document.querySelector('#kan-vs-mlp-status')?.textContent || ''), null, 20000),
    'the comparison reports progress');
  const chartInk = await inkAtLeast(page, '#kan-vs-mlp', 3000, 30000);
  check(chartInk > 3000, `the KAN-vs-MLP chart draws (${chartInk} ink pixels)`);
  const blue = await colourPixels(page, '#kan-vs-mlp', [0x08, 0x77, 0xbd]);
  const orange = await colourPixels(page, '#kan-vs-mlp', [0xf5, 0x93, 0x22]);
  check(blue > 50 && orange > 50, `both curves are drawn (KAN blue ${blue}, MLP orange ${orange} pixels)`);
  check(await waitFor(page, () => /done/.test(document.querySelector('#kan-vs-mlp-status')?.textContent || ''), null, 240000),
    `the comparison finishes: ${await text(page, '#kan-vs-mlp-status')}`);
  await sleep(500);
  const dots = await colourPixels(page, '#kan-scaling', [0x08, 0x77, 0xbd]);
  const mdots = await colourPixels(page, '#kan-scaling', [0xf5, 0x93, 0x22]);
  check(dots > 100 && mdots > 100, `the scaling chart shows both series (${dots} blue, ${mdots} orange pixels)`);
  await page.close();

  // (e) backend=webgpu: the KAN and the comparison train on WebGPU; the Prune button puts a
  //     pruning into the link at the current step and says what it removed.
  const g = await open(browser, '#v=1&data=fn&fn=expsin&model=kan&layers=3&grid=3&opt=adam&lr=0.01&steps=200&backend=webgpu');
  const label = await text(g, '#backend-label');
  check(/WebGPU|swiftshader/i.test(label), `the KAN trains on WebGPU: ${label}`);
  await g.click('#play');
  check(await waitFor(g, () => parseInt(document.querySelector('#status').dataset.step, 10) >= 100, null, 120000), 'the GPU KAN trains');
  await g.click('#play'); // pause
  await sleep(500);
  await g.click('#kan-prune');
  check(await waitFor(g, () => /kprune=/.test(location.hash), null, 10000), `the pruning goes into the link: ${g.url()}`);
  check(await waitFor(g, () => /Pruned now/.test(document.querySelector('#kan-pruned')?.textContent || ''), null, 20000),
    `the panel says what is pruned: ${await text(g, '#kan-pruned')}`);
  await g.click('#play');
  check(await waitFor(g, () => /done/.test(document.querySelector('#kan-vs-mlp-status')?.textContent || ''), null, 300000),
    `the WebGPU comparison finishes: ${await text(g, '#kan-vs-mlp-status')}`);
  await g.close();
} finally {
  await browser?.close();
  server.close();
}
console.log(failures ? `${failures} check(s) failed` : 'all KAN browser checks passed');
process.exit(failures ? 1 : 0);
