// Browser test of the playground's network view (issue 4, "Seeing"), serving dist/ (DIST env)
// to Debian's Chromium (WebGPU on) with Playwright:
// (a) the network diagram draws weight lines and thumbnails; hovering a line reads its weight;
//     clicking it opens the editor; a bad value is refused; a good one is set: training goes on
//     from the current step (not reset), the hover reads the new value, a marker note appears,
//     and playing continues;
// (b) a 3-class rings link draws class probabilities: the boundary's cells take many colours
//     (blends and fades), against a handful with "discretize" (arg-max);
// (c) a 450-point CSV import trains on all 450 points while the link holds the first 300, and
//     the page says so and offers the CSV.
// Usage: DIST=dist node tests/browser/network.mjs
import { serve as serveDir, launch } from './harness.mjs';
import path from 'node:path';

const root = path.resolve(process.env.DIST || 'dist');
let failures = 0;
function check(cond, msg) {
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${msg}`);
  if (!cond) failures++;
}
const step = async (page) => parseInt(await page.getAttribute('#status', 'data-step'), 10);
const waitFor = (page, fn, arg, ms) => page.waitForFunction(fn, arg, { timeout: ms }).then(() => true, () => false);
const text = async (page, sel) => (await page.textContent(sel).catch(() => '')) || '';

async function open(browser, hash) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page.on('pageerror', (e) => { console.log(`page error: ${e}`); failures++; });
  await page.goto(base + hash);
  await page.waitForSelector('#status:not([data-backend="none"])', { timeout: 60000 });
  return page;
}

/** Distinct colours at the centres of the boundary's 64×64 cells. */
const cellColours = (page) => page.evaluate(() => {
  const c = document.querySelector('#boundary');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const seen = new Set();
  for (let r = 0; r < 64; r++) for (let k = 0; k < 64; k++) {
    const x = Math.floor((k + 0.5) * c.width / 64), y = Math.floor((r + 0.5) * c.height / 64);
    const i = (y * c.width + x) * 4;
    seen.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
  }
  return seen.size;
});

/** The diagram scrolled into view and its box (mouse events need on-screen coordinates). */
async function diagramBox(page) {
  await page.locator('#net-diagram').scrollIntoViewIfNeeded();
  return page.locator('#net-diagram').boundingBox();
}
/** Page coordinates of (x, y) relative to the diagram, scrolled into view. */
async function onDiagram(page, rel) {
  const box = await diagramBox(page);
  return { x: box.x + rel.x, y: box.y + rel.y };
}

/** Move over the diagram between its first two columns until the hover names a weight; the
 *  position relative to the diagram's box. */
async function findWeight(page) {
  const box = await diagramBox(page);
  const w = await page.evaluate(() => document.querySelector('#net-diagram').width);
  const s = box.width / w;
  // Column 0 sits at x = 6, the last column at the right; with two hidden layers the first gap
  // is the first third. Scan a vertical line there.
  const x = (6 + 24 + (w - 6 - 24 - 6) / 3 / 2) * s;
  for (let y = 2; y < box.height - 2; y += 2) {
    await page.mouse.move(box.x + x, box.y + y);
    if (/^weight /.test(await text(page, '#diagram-hover'))) return { x, y };
  }
  return null;
}

const server = await serveDir(root);
const base = `http://127.0.0.1:${server.address().port}/`;
let browser;
try {
  browser = await launch(true);
  // (a) Diagram and weight editor.
  let page = await open(browser, '#v=1&layers=4,3&seed=3');
  await page.click('#play');
  await waitFor(page, () => parseInt(document.querySelector('#status').dataset.step, 10) > 300, null, 60000);
  await page.click('#play'); // pause
  await page.waitForTimeout(800);
  const ink = await page.evaluate(() => {
    const c = document.querySelector('#net-diagram');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let blue = 0, orange = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 2] > d[i] + 60) blue++;
      if (d[i] > d[i + 2] + 60) orange++;
    }
    return { blue, orange };
  });
  check(ink.blue > 200 && ink.orange > 200, `diagram draws blue and orange lines/thumbnails (${JSON.stringify(ink)})`);
  const caps = await text(page, '.diagram-cols');
  check(/x, y/.test(caps) && /layer 1/.test(caps) && /output/.test(caps), `column captions ("${caps}")`);
  const rel = await findWeight(page);
  const hover = await text(page, '#diagram-hover');
  check(rel && /^weight (x|y) → layer 1 unit \d = -?\d+\.\d{4}/.test(hover), `hovering a line reads its weight ("${hover}")`);
  if (rel) {
    const before = await step(page);
    const loss0 = await text(page, '#train-loss');
    let at = await onDiagram(page, rel);
    await page.mouse.click(at.x, at.y);
    check(await page.isVisible('#weight-editor'), 'clicking a line opens the weight editor');
    await page.fill('#weight-value', '1e9');
    await page.click('#weight-set');
    check(/between/.test(await text(page, '.weight-editor .problem')), 'a bad value is refused, saying why');
    await page.fill('#weight-value', '3.5');
    await page.click('#weight-set');
    const noted = await waitFor(page, () => /weight L1 .*→ 3\.5/.test(document.querySelector('#edit-note')?.textContent || ''), null, 20000);
    check(noted, `the edit is noted ("${await text(page, '#edit-note')}")`);
    check(!(await page.isVisible('#weight-editor')), 'the editor closes');
    await page.waitForTimeout(800);
    const after = await step(page);
    check(after === before, `training continues at the same step, not from the seed (${before} → ${after})`);
    at = await onDiagram(page, rel);
    await page.mouse.move(at.x, at.y + 0.5);
    await page.mouse.move(at.x, at.y);
    const h2 = await text(page, '#diagram-hover');
    check(/= 3\.5000/.test(h2), `the diagram shows the new weight ("${h2}")`);
    const loss1 = await text(page, '#train-loss');
    check(loss1 !== loss0, `the loss reflects the edit (${loss0} → ${loss1})`);
    await page.click('#play');
    const moved = await waitFor(page, (s) => parseInt(document.querySelector('#status').dataset.step, 10) > s + 100, after, 30000);
    check(moved, `training goes on from the edited weights (step ${await step(page)})`);
    // The edit is in the link; removing it restarts from the seed without it.
    const wedit = await page.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('wedit'));
    check(new RegExp(`^${before}:1:\\d:\\d:3\\.5$`).test(wedit || ''), `the link records the edit (wedit=${wedit})`);
    check(/1 weight set by hand/.test(await text(page, '#wedit-note')), 'the page says the link has a hand edit');
    await page.click('#wedit-clear');
    const gone = await waitFor(page, () => !new URLSearchParams(location.hash.slice(1)).get('wedit'), null, 10000);
    check(gone && /wedit changed/.test(await text(page, '#edit-note')), `Remove hand edits: link without wedit, restarted ("${await text(page, '#edit-note')}")`);
  }
  await page.close();

  // A link's edit at step 0 is applied when the page opens (replay), before any training.
  page = await open(browser, '#v=1&layers=4,3&seed=3&wedit=0:1:1:2:-2.5');
  const replayed = await waitFor(page, () => /Step 0: weight L1 1→2: .* → -2\.5/.test(document.querySelector('#edit-note')?.textContent || ''), null, 20000);
  check(replayed, `the link's edit is replayed at step 0 ("${await text(page, '#edit-note')}")`);
  await page.waitForTimeout(800);
  {
    // Hover the x → unit 2 line at its middle.
    const box = await diagramBox(page);
    const [w, h] = await page.evaluate(() => [document.querySelector('#net-diagram').width, document.querySelector('#net-diagram').height]);
    const s = (box.width - 2) / w;
    const col1 = 6 + Math.floor((w - 12 - 24) / 3);
    const y0 = Math.floor((h - (2 * 24 + 5)) / 2) + 12, y1 = Math.floor((h - (4 * 24 + 3 * 5)) / 2) + 29 + 12;
    await page.mouse.move(box.x + 1 + ((30 + col1) / 2) * s, box.y + 1 + ((y0 + y1) / 2) * s);
    const hv = await text(page, '#diagram-hover');
    check(/x → layer 1 unit 2 = -2\.5000/.test(hv), `the replayed weight is in the model ("${hv}")`);
  }
  await page.close();

  // (b) Class probabilities on a 3-class boundary; discretize shows the arg-max only.
  page = await open(browser, '#v=1&data=rings&classes=3&n=40&loss=ce&layers=8,8&lr=0.1');
  await page.click('#play');
  await waitFor(page, () => parseInt(document.querySelector('#status').dataset.step, 10) > 500, null, 60000);
  await page.waitForTimeout(1000);
  const soft = await cellColours(page);
  const legend = await text(page, '#boundary-legend');
  check(soft > 40 && /probabilities/.test(legend), `3 classes: probability colours (${soft} distinct cell colours; "${legend.slice(-70)}")`);
  await page.evaluate(() => { location.hash = location.hash + '&discretize=1'; });
  await page.waitForTimeout(1500);
  const hard = await cellColours(page);
  check(hard < soft / 4 && hard <= 30, `discretized: arg-max colours only (${hard} distinct)`);
  await page.close();

  // (c) A CSV import over the link's 300 points trains on all of them.
  page = await open(browser, '#v=1');
  const rows = Array.from({ length: 450 }, (_, i) => `${((i * 7) % 110) / 10 - 5.5},${((i * 13) % 110) / 10 - 5.5},${i % 3}`);
  await page.setInputFiles('#import-data-csv', { name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.from(`x,y,label\n${rows.join('\n')}\n`) });
  await waitFor(page, () => document.querySelector('#link-note'), null, 10000);
  const pts = (await page.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('pts')) || '').split(',').length / 3;
  const note = await text(page, '#link-note');
  check(pts === 300 && /All 450 points train here/.test(note) && /first 300/.test(note), `450 imported: link holds ${pts}, page says "${note.slice(0, 60)}…"`);
  check(/450 drawn points/.test(await text(page, '#point-count')), `point count: "${await text(page, '#point-count')}"`);
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), page.click('#link-note-csv')]);
  const csv = await (await import('node:fs')).promises.readFile(await dl.path(), 'utf8');
  check(csv.trim().split('\n').length === 451, `the offered CSV has all 450 rows (${csv.trim().split('\n').length - 1})`);
  await page.close();
} catch (e) {
  console.log(`FAIL exception: ${e.stack || e}`);
  failures++;
} finally {
  if (browser) await browser.close();
  server.close();
}
console.log(failures ? `${failures} failure(s)` : 'network: all ok');
process.exit(failures ? 1 : 0);
