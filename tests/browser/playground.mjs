// Browser test of issue 4's playground features (DESIGN.md §5 layer 4): serves dist/ (DIST env)
// on 127.0.0.1 and drives Debian's Chromium (WebGPU on) with Playwright.
// (a) two preset-style links (1-D regression `sines`, 4-class `rings` with CE) train: the step
//     counter and the loss curve update and the boundary canvas has pixels;
// (b) importing a valid CSV switches to drawn data with its points in the link's `pts`; a bad CSV
//     shows an error naming the line and leaves the link unchanged;
// (c) "Export CSV" downloads the data, starting with the header `x,y,label,split,flipped`;
// (d) clicking the boundary canvas adds a point at the clicked position (shift: next class),
//     alt-click erases it, Clear empties (the page says there is nothing to train on, no crash)
//     and a single drawn point trains.
// Usage: DIST=dist node tests/browser/playground.mjs
import { serve as serveDir, launch, inkPixels, waitFor } from './harness.mjs';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(process.env.DIST || 'dist');

let failures = 0;
function check(cond, msg) {
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${msg}`);
  if (!cond) failures++;
}

const step = async (page) => parseInt(await page.getAttribute('#status', 'data-step'), 10);
const hashParam = (page, key) => page.evaluate((k) => new URLSearchParams(location.hash.slice(1)).get(k), key);
/** The link's drawn points as [[x, y, v], …]. */
async function points(page) {
  const raw = (await hashParam(page, 'pts')) || '';
  const nums = raw ? raw.split(',').map(Number) : [];
  const out = [];
  for (let i = 0; i + 2 < nums.length; i += 3) out.push(nums.slice(i, i + 3));
  return out;
}
const canvasData = (page, sel) => page.evaluate((s) => document.querySelector(s).toDataURL(), sel);

async function open(browser, hash) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page.on('pageerror', (e) => { console.log(`page error: ${e}`); failures++; });
  await page.goto(base + hash);
  await page.waitForSelector('#status:not([data-backend="none"])', { timeout: 60000 });
  return page;
}

async function trainsPreset(browser, hash, label) {
  const page = await open(browser, hash);
  const backend = await page.getAttribute('#status', 'data-backend');
  const curve0 = await canvasData(page, '#loss-chart');
  const s0 = await step(page);
  await page.click('#play');
  const moved = await waitFor(page, (s) => parseInt(document.querySelector('#status').dataset.step, 10) > s + 200, s0, 60000);
  await page.waitForTimeout(500);
  check(moved, `${label}: step counter advances (${s0} -> ${await step(page)}, ${backend})`);
  check(await canvasData(page, '#loss-chart') !== curve0, `${label}: the loss curve is redrawn`);
  const loss = parseFloat(await page.textContent('#train-loss'));
  check(Number.isFinite(loss) && loss > 0, `${label}: train loss shown (${loss})`);
  const ink = await inkPixels(page, '#boundary');
  check(ink > 5000, `${label}: boundary canvas has pixels (${ink} non-white)`);
  await page.close();
}

const server = await serveDir(root);
const base = `http://127.0.0.1:${server.address().port}/`;
let browser;
try {
  browser = await launch(true);
  // (a) Two links: 1-D regression and 4-class rings.
  await trainsPreset(browser, '#v=1&data=sines&n=200&freqs=1,3&layers=16,16&opt=adam&lr=0.01&bs=50', 'sines (1-D regression)');
  await trainsPreset(browser, '#v=1&data=rings&classes=4&loss=ce&layers=16,16&act=relu&lr=0.1', 'rings, 4 classes, CE');

  const page = await open(browser, '#v=1&layers=8');
  // (b) CSV import: valid file.
  const good = 'x,y,label\n# six points\n1,1,0\n-1,1,1\n1,-1,1\n-1,-1,0\n2.345,0.5,0\n0,-2,1\n';
  await page.setInputFiles('#import-data-csv', { name: 'six.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  const imported = await waitFor(page, () => new URLSearchParams(location.hash.slice(1)).get('data') === 'custom', null, 10000);
  const pts = await points(page);
  check(imported && pts.length === 6, `CSV import: data=custom with 6 points in pts (${pts.length}: ${page.url().slice(-80)})`);
  check(pts[4] && pts[4][0] === 2.35 && pts[4][2] === 0, `CSV import: coordinates kept to 0.01 (${JSON.stringify(pts[4])})`);
  check(/Imported 6 points/.test(await page.textContent('#dataedit-msg')), 'CSV import: the page says how many points');
  // Bad file: error naming the line, link unchanged.
  const before = page.url();
  const bad = 'x,y,label\n1,1,0\n1,abc,1\n';
  await page.setInputFiles('#import-data-csv', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await waitFor(page, () => /line/.test(document.querySelector('#dataedit-msg')?.textContent || ''), null, 10000);
  const err = (await page.textContent('#dataedit-msg').catch(() => '')) || '';
  check(/line 3/.test(err) && /not changed/.test(err), `bad CSV: error names the line ("${err.slice(0, 100)}")`);
  check(page.url() === before, 'bad CSV: the link is unchanged');

  // (c) Export CSV: a download with the header and the six points.
  await page.waitForSelector('#status:not([data-backend="none"])', { timeout: 60000 });
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), page.click('#export-data-csv')]);
  const text = fs.readFileSync(await dl.path(), 'utf8');
  const lines = text.trim().split('\n');
  check(dl.suggestedFilename() === 'grokpad-data.csv' && text.startsWith('x,y,label,split,flipped'),
    `export: ${dl.suggestedFilename()} starts with the header (${JSON.stringify(lines[0])})`);
  check(lines.length === 7 && lines.some((l) => l.startsWith('2.35,0.5,0,')), `export: one row per point (${lines.length - 1} rows)`);

  // (d) Clicking the canvas adds a point where clicked; shift-click the next class; alt-click erases.
  const box = await page.locator('#boundary').boundingBox();
  const sx = box.width / 320, sy = box.height / 320;
  await page.click('#boundary', { position: { x: 100 * sx, y: 60 * sy } });
  let p = await points(page);
  const last = p[p.length - 1] || [];
  check(p.length === 7 && Math.abs(last[0] + 2.25) < 0.05 && Math.abs(last[1] - 3.75) < 0.05 && last[2] === 0,
    `click adds a class-0 point at the click (${JSON.stringify(last)}, ${p.length} points)`);
  await page.click('#boundary', { position: { x: 220 * sx, y: 260 * sy }, modifiers: ['Shift'] });
  p = await points(page);
  check(p.length === 8 && p[7][2] === 1, `shift-click adds the next class (${JSON.stringify(p[7])})`);
  await page.click('#boundary', { position: { x: 221 * sx, y: 261 * sy }, modifiers: ['Alt'] });
  p = await points(page);
  check(p.length === 7, `alt-click erases the nearest point (${p.length} points)`);
  check(/7 \/ 300/.test(await page.textContent('#point-count')), `point count shown: "${await page.textContent('#point-count')}"`);
  // Clear: no points, the page says so instead of crashing; one drawn point then trains.
  await page.click('#clear-points');
  const empty = await waitFor(page, () => /No points yet/.test(document.querySelector('#error')?.textContent || ''), null, 10000);
  check(empty && (await points(page)).length === 0, 'Clear empties the data and the page asks for points');
  await page.click('#boundary', { position: { x: 160 * sx, y: 160 * sy } });
  const rebuilt = await waitFor(page, () => !document.querySelector('#error'), null, 20000);
  check(rebuilt && (await points(page)).length === 1, 'after Clear, a click adds a point and the error goes');
  await page.waitForSelector('#status:not([data-backend="none"])', { timeout: 60000 });
  const s0 = await step(page);
  if (!/Pause/.test(await page.textContent('#play'))) await page.click('#play');
  check(await waitFor(page, (s) => parseInt(document.querySelector('#status').dataset.step, 10) > s + 50, s0, 30000),
    `a single drawn point trains (step ${await step(page)})`);
  // The link reloads to the same drawing.
  const url = page.url();
  await page.reload();
  await page.waitForSelector('#status:not([data-backend="none"])', { timeout: 60000 });
  check(page.url() === url && (await points(page)).length === 1, 'reload keeps the drawn points');
  await page.close();
} catch (e) {
  console.log(`FAIL exception: ${e.stack || e}`);
  failures++;
} finally {
  if (browser) await browser.close();
  server.close();
}
console.log(failures ? `${failures} failure(s)` : 'playground: all ok');
process.exit(failures ? 1 : 0);
