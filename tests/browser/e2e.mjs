// Browser end-to-end test (DESIGN.md §5 layer 4): serves dist/ on 127.0.0.1 and drives Debian's
// Chromium with Playwright. With WebGPU on, the page must train on the WebGPU adapter, the loss
// must fall, the boundary canvas must have pixels of both classes, control edits must update
// the URL and a reload must restore them, and a hostile hash must show a notice. On the CPU page:
// hide= removes the named controls, and space / → / r drive training. Without
// --enable-unsafe-webgpu the page must say it uses the CPU and still train.
// Usage: node tests/browser/e2e.mjs [--shots DIR] [--seconds N]
import { serve as serveDir, launch } from './harness.mjs';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(process.env.DIST || 'dist');
const shots = process.argv.includes('--shots') ? process.argv[process.argv.indexOf('--shots') + 1] : 'target/screenshots';



let failures = 0;
function check(cond, msg) {
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${msg}`);
  if (!cond) failures++;
}

const num = async (page, sel) => parseFloat(await page.textContent(sel));
const step = async (page) => parseInt(await page.getAttribute('#status', 'data-step'), 10);

async function trains(page, label) {
  await page.waitForFunction(() => document.querySelector('#train-loss')?.textContent !== '0.0000', null, { timeout: 60000 });
  const loss0 = await num(page, '#train-loss');
  await page.click('#play');
  await page.waitForFunction(() => parseInt(document.querySelector('#status').dataset.step, 10) > 1500, null, { timeout: 120000 });
  await page.waitForTimeout(1500);
  const loss1 = await num(page, '#train-loss');
  check(loss1 < loss0 * 0.5, `${label}: train loss falls (${loss0} -> ${loss1} at step ${await step(page)})`);
  const speed = await page.textContent('#speed');
  console.log(`     ${label}: ${speed} (${await page.textContent('#backend-label')})`);
  return speed;
}

async function canvasColours(page) {
  return page.evaluate(() => {
    const c = document.querySelector('#boundary');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let orange = 0, blue = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i] > 200 && d[i + 2] < 150) orange++;
      if (d[i + 2] > 150 && d[i] < 120) blue++;
    }
    return { orange, blue };
  });
}

const server = await serveDir(root);
const base = `http://127.0.0.1:${server.address().port}/`;
fs.mkdirSync(shots, { recursive: true });
const requests = [];
try {
  // 1. WebGPU on.
  const b = await launch(true);
  const page = await b.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => { console.log(`page error: ${e}`); failures++; });
  page.on('request', (r) => requests.push(r.url()));
  let cspViolations = 0;
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) { cspViolations++; console.log(`csp: ${m.text()}`); } });
  await page.goto(base + '#v=1&layers=8,8&lr=0.1');
  await page.waitForSelector('#status[data-backend="webgpu"]', { timeout: 60000 });
  const label = await page.textContent('#backend-label');
  check(!/CPU/.test(label), `WebGPU adapter in use: "${label}"`);
  // GPU-vs-CPU parity in this browser: fused and per-op paths, weights after K steps.
  const parity = await page.evaluate(() => window.wasmBindings.grokpad_parity_check(50).then((r) => ({ ok: true, r }), (e) => ({ ok: false, r: String(e) })));
  check(parity.ok, `WebGPU matches the CPU reference in Chromium:\n       ${parity.r.replace(/\n/g, '\n       ')}`);
  await trains(page, 'webgpu 2-8-8-1');
  const col = await canvasColours(page);
  check(col.orange > 1000 && col.blue > 1000, `boundary canvas has both classes (${JSON.stringify(col)})`);
  await page.screenshot({ path: path.join(shots, 'app.png') });
  // Device loss (simulated with device.destroy()): training continues on the CPU from the last
  // synced weights, the page says so, and the curves are kept.
  const before = await step(page);
  await page.evaluate(() => window.wasmBindings.grokpad_debug_lose_device());
  await page.waitForSelector('#status[data-backend="cpu"]', { timeout: 20000 })
    .then(() => check(true, 'device loss: switched to the CPU'), () => check(false, 'device loss: switched to the CPU'));
  const err = (await page.textContent('#error').catch(() => '')) || '';
  const resumedNote = (await page.textContent('#note').catch(() => '')) || '';
  const from = parseInt((resumedNote.match(/resumed on the CPU from step (\d+)/) || [])[1] || '0', 10);
  const resumed = await step(page);
  // `before` is the last displayed step (it lags the submitted steps the sync was taken at).
  check(/continuing on the CPU/.test(err) && from > 0 && from <= resumed,
    `device loss: resumed from the last synced step ${from} (lost at ~${before}), not from 0 ("${resumedNote.slice(0, 80)}")`);
  await page.waitForTimeout(1000);
  check(await step(page) > resumed, 'device loss: training goes on after the switch');
  await page.click('#play');
  await page.selectOption('#act', 'relu');
  await page.fill('#width-0', '12');
  await page.press('#width-0', 'Enter');
  await page.waitForFunction(() => location.hash.includes('act=relu') && location.hash.includes('layers=12,8'), null, { timeout: 5000 })
    .then(() => check(true, `URL follows controls: ${page.url()}`), () => check(false, `URL follows controls: ${page.url()}`));
  const edited = page.url();
  await page.reload();
  await page.waitForSelector('#status[data-backend="webgpu"]', { timeout: 60000 });
  check(await page.inputValue('#act') === 'relu' && await page.inputValue('#width-0') === '12', 'reload restores the controls');
  // Hostile hash in the same page.
  const scripts0 = await page.evaluate(() => document.scripts.length);
  await page.evaluate(() => { location.hash = '#v=1&lr=abc&n=-5&%3Cscript%3Ealert(1)%3C/script%3E=1'; });
  await page.waitForSelector('#notices', { timeout: 5000 }).catch(() => {});
  const notes = (await page.textContent('#notices').catch(() => '')) || '';
  check(/lr/.test(notes) && /n=/.test(notes), `hostile hash shows a notice naming the fields`);
  const injected = await page.evaluate(() => ({ scripts: document.scripts.length, raw: document.body.innerHTML.includes('<script>alert') }));
  check(injected.scripts === scripts0 && !injected.raw, `hostile hash is shown as text, never as markup (${JSON.stringify(injected)})`);
  // Divergence (lr = 1000 on a linear CE net): the fused kernel records the first step that left a
  // weight non-finite (the CPU reference says step 4 for this seed); training pauses, the page
  // names that step and suggests a lower learning rate.
  await page.goto(base + '#v=1&loss=ce&act=linear&lr=1000&layers=8,8');
  await page.reload();
  await page.waitForSelector('#status[data-backend="webgpu"]', { timeout: 60000 });
  await page.click('#play');
  await page.waitForFunction(() => /diverged/.test(document.querySelector('#error')?.textContent || ''), null, { timeout: 30000 })
    .then(() => check(true, 'divergence detected'), () => check(false, 'divergence detected'));
  const divMsg = (await page.textContent('#error').catch(() => '')) || '';
  const badStep = parseInt((divMsg.match(/diverged at step (\d+)/) || [])[1], 10);
  check(badStep >= 1 && badStep <= 6 && /lower learning rate/.test(divMsg), `divergence message names the step (${badStep}; CPU reference 4): "${divMsg.slice(0, 140)}"`);
  check(/Play/.test(await page.textContent('#play')), 'divergence paused training');
  // TF-Playground default (2→4→2→1 tanh, batch 10): speed for the issue note.
  await page.goto(base + '#v=1');
  await page.reload();
  await page.waitForSelector('#status[data-backend="webgpu"]', { timeout: 60000 });
  await trains(page, 'webgpu TFP default');
  const csp = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content || '');
  const scriptSrc = (csp.split(';').find((d) => d.trim().startsWith('script-src')) || '');
  check(/wasm-unsafe-eval/.test(scriptSrc) && !/unsafe-inline|unsafe-eval'/.test(scriptSrc.replace("'wasm-unsafe-eval'", '')) && cspViolations === 0,
    `the page runs under its Content-Security-Policy with no violations (${cspViolations})`);
  const foreign = requests.filter((u) => !u.startsWith(base));
  check(foreign.length === 0, `no requests outside the app (${foreign.slice(0, 3).join(', ')})`);
  await b.close();

  // 2. WebGPU off: CPU fallback, said on the page.
  const b2 = await launch(false);
  const p2 = await b2.newPage({ viewport: { width: 1280, height: 900 } });
  p2.on('pageerror', (e) => { console.log(`page error: ${e}`); failures++; });
  await p2.goto(base + '#v=1');
  await p2.waitForSelector('#status[data-backend="cpu"]', { timeout: 60000 });
  const note = await p2.textContent('#note');
  check(/WebGPU unavailable/.test(note) && /CPU/.test(note), `no-WebGPU note: "${note}"`);
  await trains(p2, 'cpu TFP default');
  await p2.screenshot({ path: path.join(shots, 'cpu.png') });
  // Classroom links: controls named in hide= are not rendered, the others are; controls that do
  // not apply (momentum for SGD) appear when they do.
  await p2.evaluate(() => { location.hash = '#v=1&hide=lr,data,layers'; });
  await p2.waitForFunction(() => !document.querySelector('#lr') && !document.querySelector('#data') && !document.querySelector('#layers')
    && !!document.querySelector('#bs') && !!document.querySelector('#opt') && !!document.querySelector('#noise'), null, { timeout: 10000 })
    .then(() => check(true, 'hide= removes exactly the named controls'), () => check(false, 'hide= removes exactly the named controls'));
  await p2.evaluate(() => { location.hash = '#v=1&opt=momentum'; });
  await p2.waitForFunction(() => !!document.querySelector('#momentum') && !!document.querySelector('#lr') && !document.querySelector('#beta1'), null, { timeout: 10000 })
    .then(() => check(true, 'optimizer-specific controls follow opt'), () => check(false, 'optimizer-specific controls follow opt'));
  // Keyboard: space plays and pauses, → trains one step, r resets (focus on the page, not a field).
  if (/Pause/.test(await p2.textContent('#play'))) await p2.click('#play');
  await p2.evaluate(() => { location.hash = '#v=1'; });
  await p2.waitForFunction(() => !document.querySelector('#momentum') && document.querySelector('#status').dataset.step === '0', null, { timeout: 20000 }).catch(() => {});
  await p2.waitForTimeout(1000); // the rebuilt session is installed
  await p2.click('h1');
  await p2.keyboard.press('ArrowRight');
  await p2.waitForFunction(() => document.querySelector('#status').dataset.step === '1', null, { timeout: 10000 })
    .then(() => check(true, 'ArrowRight trains one step'), () => check(false, 'ArrowRight trains one step'));
  await p2.keyboard.press(' ');
  await p2.waitForFunction(() => /Pause/.test(document.querySelector('#play').textContent), null, { timeout: 5000 })
    .then(() => check(true, 'space starts training'), () => check(false, 'space starts training'));
  await p2.keyboard.press(' ');
  await p2.waitForFunction(() => /Play/.test(document.querySelector('#play').textContent), null, { timeout: 5000 })
    .then(() => check(true, 'space pauses training'), () => check(false, 'space pauses training'));
  await p2.keyboard.press('r');
  await p2.waitForFunction(() => document.querySelector('#status').dataset.step === '0', null, { timeout: 10000 })
    .then(() => check(true, 'r resets to step 0'), () => check(false, 'r resets to step 0'));
  await p2.focus('#bs');
  await p2.keyboard.press(' ');
  await p2.waitForTimeout(300);
  check(/Play/.test(await p2.textContent('#play')), 'space while typing in a field does not start training');
  // Too large for the CPU path: refused with the knob named, the page stays alive.
  await p2.evaluate(() => { location.hash = '#v=1&layers=1024,1024,1024,1024,1024,1024,1024,1024&n=10000'; });
  await p2.waitForFunction(() => /too large/.test(document.querySelector('#error')?.textContent || ''), null, { timeout: 20000 })
    .then(() => check(true, 'huge model refused on the CPU path'), () => check(false, 'huge model refused on the CPU path'));
  const big = (await p2.textContent('#error').catch(() => '')) || '';
  check(/reduce `layers`/.test(big), `refusal names the knob: "${big.slice(0, 100)}"`);
  await p2.evaluate(() => { location.hash = '#v=1'; });
  await p2.waitForFunction(() => !document.querySelector('#error'), null, { timeout: 20000 })
    .then(() => check(true, 'page recovers after the refusal'), () => check(false, 'page recovers after the refusal'));
  await b2.close();
} catch (e) {
  console.log(`FAIL exception: ${e.stack || e}`);
  failures++;
} finally {
  server.close();
}
console.log(failures ? `${failures} browser check(s) failed` : 'browser e2e: all checks passed');
process.exit(failures ? 1 : 0);
