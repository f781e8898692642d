// Grokpad bench page: times Grokpad (wasm exports `bench_workload`, `bench_grokpad`) and TF.js on
// the workloads of src/bench/mod.rs, in this browser. `window.runBench(options)` returns the rows
// `{workload, engine, backend, adapter, steps_per_s, samples, ...}` and fills the table.
//
// Grokpad: the glue JS and wasm have Trunk's hashed names, so this page reads index.html (same
// folder) and takes the `grokpad-*.js` / `grokpad-*_bg.wasm` it references.
// TF.js: UMD bundles loaded from `<vendor>/tfjs/tf.min.js`, `<vendor>/tfjs-backend-webgpu/...`,
// `<vendor>/tfjs-backend-wasm/...` (vendor = `?vendor=` or "vendor/"), served by
// scripts/bench-browser.mjs from node_modules. When they are missing, only Grokpad runs.

const logEl = () => document.getElementById('log');
function log(msg) {
  console.log(`[bench] ${msg}`);
  const el = logEl();
  if (el) { el.textContent += msg + '\n'; el.scrollTop = el.scrollHeight; }
}
const params = new URLSearchParams(location.search);
const VENDOR = params.get('vendor') || new URL('vendor/', location.href).href;
const now = () => performance.now();
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

function median(v) {
  const s = v.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

// ---------------------------------------------------------------- Grokpad wasm
let grokpadP = null;
/** The Grokpad wasm module (its glue's exports), loaded once. */
function grokpad() {
  if (!grokpadP) grokpadP = (async () => {
    const html = await (await fetch(new URL('index.html', location.href))).text();
    const js = html.match(/["']([^"']*grokpad[^"']*?\.js)["']/);
    const wasm = html.match(/["']([^"']*grokpad[^"']*?_bg\.wasm)["']/);
    if (!js) throw new Error('no grokpad*.js referenced by index.html (is dist/ built by Trunk?)');
    const jsUrl = new URL(js[1], new URL('index.html', location.href)).href;
    const mod = await import(jsUrl);
    const wasmUrl = wasm ? new URL(wasm[1], new URL('index.html', location.href)).href : undefined;
    await mod.default(wasmUrl ? { module_or_path: wasmUrl } : undefined);
    for (const f of ['bench_workload', 'bench_grokpad']) {
      if (typeof mod[f] !== 'function') throw new Error(`the Grokpad wasm does not export ${f}`);
    }
    log(`grokpad: ${jsUrl.split('/').pop()} + ${wasmUrl ? wasmUrl.split('/').pop() : '(default wasm)'}`);
    return mod;
  })();
  return grokpadP;
}

// ---------------------------------------------------------------- TF.js
function loadScript(src) {
  return new Promise((ok, fail) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = () => ok();
    s.onerror = () => fail(new Error(`cannot load ${src}`));
    document.head.appendChild(s);
  });
}
let tfP = null;
/** Global `tf` with the webgpu and wasm backends registered (null when /vendor/ is absent). */
function tfjs() {
  if (!tfP) tfP = (async () => {
    try {
      await loadScript(VENDOR + 'tfjs/tf.min.js');
    } catch (e) {
      log(`TF.js not available (${e.message}): Grokpad rows only`);
      return null;
    }
    const tf = window.tf;
    await loadScript(VENDOR + 'tfjs-backend-webgpu/tf-backend-webgpu.min.js').catch((e) => log(e.message));
    await loadScript(VENDOR + 'tfjs-backend-wasm/tf-backend-wasm.min.js').catch((e) => log(e.message));
    if (tf.wasm && tf.wasm.setWasmPaths) tf.wasm.setWasmPaths(VENDOR + 'tfjs-backend-wasm/');
    log(`TF.js ${tf.version && tf.version.tfjs}; backends ${Object.keys(tf.engine().registryFactory).join(', ')}`);
    return tf;
  })();
  return tfP;
}

async function useBackend(tf, name) {
  if (name === 'webgpu') tf.env().set('WEBGPU_MATMUL_PROGRAM_TYPE', 3); // see DESIGN.md §7: 6 → 170 steps/s on P1
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) throw new Error(`TF.js backend ${name} did not initialize`);
  if (name === 'wasm') {
    const flag = async (f) => { try { return await tf.env().getAsync(f); } catch (e) { return false; } };
    return `wasm${(await flag('WASM_HAS_SIMD_SUPPORT')) ? ' simd' : ''}${(await flag('WASM_HAS_MULTITHREAD_SUPPORT')) ? ' threads' : ''}`;
  }
  if (name === 'webgpu') {
    const info = tf.backend().adapterInfo;
    return info ? `${info.vendor || ''} ${info.architecture || ''}`.trim() || 'webgpu' : 'webgpu';
  }
  return 'js';
}

/**
 * The workload's model in TF.js: dense layers as raw variables (Glorot-uniform kernels, zero
 * biases — TF.js's dense default and Grokpad's init scheme), `act` on hidden layers; output tanh
 * with ±1 targets and mean ½(a−y)² for "mse", logits + softmax cross-entropy for "ce".
 * Batches are taken in order from the (already shuffled) training split, wrapping around; they
 * are uploaded once (at most 32 distinct ones), as Grokpad keeps its data on the device too.
 */
function tfModel(tf, w) {
  const s = w.spec;
  const n = w.y.length, d = s.widths[0], c = s.widths[s.widths.length - 1], b = s.batch;
  const vars = [], kernels = [];
  for (let l = 0; l + 1 < s.widths.length; l++) {
    // Variables outlive tf.tidy; the initial-value tensors do not leak.
    const k = tf.tidy(() => tf.variable(tf.initializers.glorotUniform({ seed: 1 + l }).apply([s.widths[l], s.widths[l + 1]]), true, `k${l}`));
    const bias = tf.tidy(() => tf.variable(tf.zeros([s.widths[l + 1]]), true, `b${l}`));
    vars.push(k, bias);
    kernels.push(k);
  }
  const gcd = (a, q) => (q ? gcd(q, a % q) : a);
  const distinct = Math.min(32, n / gcd(n, b));
  const batches = [];
  for (let k = 0; k < distinct; k++) {
    const xb = new Float32Array(b * d);
    const idx = [];
    for (let i = 0; i < b; i++) {
      const r = (k * b + i) % n;
      xb.set(w.x.subarray(r * d, r * d + d), i * d);
      idx.push(w.y[r]);
    }
    const x = tf.tensor2d(xb, [b, d]);
    const y = tf.tidy(() => (s.loss === 'mse'
      ? tf.tensor2d(Float32Array.from(idx, (v) => (v === 1 ? 1 : -1)), [b, 1])
      : tf.oneHot(tf.tensor1d(Int32Array.from(idx), 'int32'), c).toFloat()));
    batches.push({ x, y });
  }
  const act = s.act === 'relu' ? tf.relu : tf.tanh;
  const forward = (x) => {
    let h = x;
    for (let l = 0; l < kernels.length; l++) {
      h = tf.add(tf.matMul(h, vars[2 * l]), vars[2 * l + 1]);
      if (l + 1 < kernels.length) h = act(h);
    }
    return h;
  };
  const lossFn = ({ x, y }) => s.loss === 'mse'
    ? tf.mul(0.5, tf.mean(tf.square(tf.sub(tf.tanh(forward(x)), y))))
    : tf.losses.softmaxCrossEntropy(y, forward(x));
  // TF.js has no AdamW: Adam (ε = 1e-8 as Grokpad) + decoupled decay w ← w − lr·wd·w on kernels.
  const opt = s.opt === 'sgd' ? tf.train.sgd(s.lr) : tf.train.adam(s.lr, 0.9, 0.999, 1e-8);
  const decay = s.opt === 'adamw' && s.wd > 0 ? 1 - s.lr * s.wd : 0;
  let k = 0;
  const step = () => {
    const batch = batches[k];
    k = (k + 1) % batches.length;
    const loss = opt.minimize(() => lossFn(batch), true, vars);
    if (decay) tf.tidy(() => { for (const w of kernels) w.assign(tf.mul(w, decay)); });
    return loss;
  };
  const dispose = () => {
    for (const v of vars) v.dispose();
    for (const { x, y } of batches) { x.dispose(); y.dispose(); }
    opt.dispose();
  };
  return { step, dispose, note: s.opt === 'adamw' ? 'Adam + manual decoupled decay on kernels (TF.js has no AdamW)' : '' };
}

/** Runs steps until ≥ minSteps and ≥ minMs (or maxMs once a step is done); loss read every 100 ms. */
async function tfRun(model, { minSteps, minMs, maxMs }) {
  const t0 = now();
  let last = t0, n = 0, loss = null;
  for (;;) {
    if (loss) loss.dispose();
    loss = model.step();
    n++;
    const t = now();
    if (t - last >= 100) { await loss.data(); last = now(); }
    if ((n >= minSteps && t - t0 >= minMs) || (t - t0 >= maxMs)) break;
  }
  const v = (await loss.data())[0];
  loss.dispose();
  return { steps: n, secs: (now() - t0) / 1000, loss: v };
}

async function benchTf(tf, w, backend, o) {
  const adapter = await useBackend(tf, backend);
  const model = tfModel(tf, w);
  try {
    const tw = now();
    const warm = await tfRun(model, { minSteps: o.quick ? 1 : 5, minMs: o.quick ? 0 : 200, maxMs: 60000 });
    const warmup_s = (now() - tw) / 1000;
    const samples = [], steps = [];
    for (let r = 0; r < o.repeats; r++) {
      const t = await tfRun(model, { minSteps: o.minSteps, minMs: o.minMs, maxMs: o.maxMs });
      samples.push(t.steps / t.secs);
      steps.push(t.steps);
    }
    if (!Number.isFinite(warm.loss)) throw new Error(`loss is ${warm.loss}`);
    return { adapter, steps_per_s: median(samples), samples, steps, warmup_s, note: model.note };
  } finally {
    model.dispose();
    tf.disposeVariables();
  }
}

// ---------------------------------------------------------------- page
function fmt(v) {
  if (v == null || !Number.isFinite(v)) return '—';
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toPrecision(3);
}
function addRow(r) {
  const tr = document.createElement('tr');
  const cells = [r.workload, r.engine, r.backend, r.adapter || '', fmt(r.steps_per_s),
    (r.samples || []).map(fmt).join(' '), r.error ? `error: ${r.error}` : (r.note || '')];
  cells.forEach((c, i) => {
    const td = document.createElement('td');
    td.textContent = c;
    if (i === 4) td.className = 'num';
    if (i === 6 && r.error) td.className = 'err';
    tr.appendChild(td);
  });
  document.querySelector('#results tbody').appendChild(tr);
}
function setState(s) {
  const el = document.getElementById('state');
  if (el) { el.textContent = s; el.dataset.state = s; }
}

/** Info about this browser for the report. */
async function benchInfo() {
  let adapter = null;
  if (navigator.gpu) {
    try {
      const a = await navigator.gpu.requestAdapter();
      if (a) {
        const i = a.info || {};
        adapter = { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description };
      }
    } catch (e) { adapter = { error: String(e) }; }
  }
  return { userAgent: navigator.userAgent, webgpu: !!navigator.gpu, adapter, hardwareConcurrency: navigator.hardwareConcurrency };
}

/**
 * options: {workloads: ["P1","P2","P3","P4-seeds","P4-widths"], repeats: 5, quick: false,
 *           grokpad: ["webgpu","cpu"], tfjs: ["webgpu","wasm","cpu"],
 *           minMs: 1000, minSteps: 3, maxMs: 20000 (TF.js timed-repeat budget),
 *           grokpadSteps: 0 (steps per Grokpad repeat; 0 = the spec's; quick: spec/10 — only
 *                            passed when bench_grokpad takes a 5th argument),
 *           budgetS: Infinity (quick: 100; rows not started by then are reported as skipped)}
 */
async function runBench(options = {}) {
  const quick = !!options.quick;
  const o = {
    workloads: options.workloads || ['P1', 'P2', 'P3', 'P4-seeds', 'P4-widths'],
    repeats: options.repeats || (quick ? 1 : 5),
    quick,
    grokpad: options.grokpad || ['webgpu', 'cpu'],
    tfjs: options.tfjs || ['webgpu', 'wasm', 'cpu'],
    minMs: options.minMs ?? (quick ? 200 : 1000),
    minSteps: options.minSteps ?? (quick ? 1 : 3),
    maxMs: options.maxMs ?? (quick ? 2000 : 20000),
    grokpadSteps: options.grokpadSteps ?? 0,
    budgetS: options.budgetS ?? (quick ? 100 : Infinity),
  };
  const start = now();
  const overBudget = () => (now() - start) / 1000 > o.budgetS;
  const skip = (workload, engine, backend) => push({ workload, engine, backend, steps_per_s: null, skipped: true, note: `skipped: over the ${o.budgetS} s budget` });
  setState('running');
  const rows = [];
  const push = (r) => { rows.push(r); addRow(r); log(`${r.workload} ${r.engine} ${r.backend}: ${r.error ? 'ERROR ' + r.error : r.skipped ? r.note : fmt(r.steps_per_s) + ' steps/s'}`); };
  let gp = null;
  try { gp = await grokpad(); } catch (e) { log(`grokpad: ${e.message || e}`); push({ workload: '*', engine: 'grokpad', backend: '*', steps_per_s: null, error: String(e.message || e) }); }
  const tf = o.tfjs.length ? await tfjs() : null;
  // Tasks: the CPU-side rows first, then the WebGPU ones cheapest workload first (P1, P4s, P2, P3),
  // so that a time budget (quick mode) cuts the slowest rows; the table is sorted afterwards.
  const tasks = [];
  for (const name of o.workloads) {
    const p4 = name.startsWith('P4');
    if (gp) for (const backend of o.grokpad) for (const sequential of p4 ? [false, true] : [false]) {
      tasks.push({ name, engine: 'grokpad', backend, sequential, label: sequential ? `${name}-sequential` : name });
    }
    // P4 compares Grokpad with itself; TF.js needs the data from the wasm.
    if (!p4 && tf && gp) for (const backend of o.tfjs) tasks.push({ name, engine: 'tfjs', backend, label: name });
  }
  const cost = (t) => (t.backend === 'webgpu' ? 10 : 0) + ({ P1: 0, 'P4-seeds': 1, 'P4-widths': 1.5, P2: 2, P3: 3 }[t.name] ?? 4);
  const ordered = tasks.map((t, i) => ({ t, i })).sort((a, b) => cost(a.t) - cost(b.t) || a.i - b.i);
  const data = {};
  for (const { t } of ordered) {
    if (overBudget()) { skip(t.label, t.engine, t.backend); continue; }
    const t0 = now();
    try {
      if (t.engine === 'grokpad') {
        // A 5th argument (steps per repeat, 0 = the spec's) only where the export takes it.
        const args = [t.name, t.backend, o.repeats, t.sequential];
        if (gp.bench_grokpad.length >= 5) {
          let steps = o.grokpadSteps;
          if (!steps && o.quick) steps = Math.max(1, Math.ceil(gp.bench_workload(t.name).spec.steps / 10));
          args.push(steps || 0);
        }
        const r = JSON.parse(await gp.bench_grokpad(...args));
        push({ ...r, wall_s: (now() - t0) / 1000 });
      } else {
        data[t.name] ??= gp.bench_workload(t.name);
        const r = await benchTf(tf, data[t.name], t.backend, o);
        push({ workload: t.name, engine: 'tfjs', backend: t.backend, ...r, wall_s: (now() - t0) / 1000 });
      }
    } catch (e) {
      push({ workload: t.label, engine: t.engine, backend: t.backend, steps_per_s: null, error: String(e.message || e) });
    }
    await sleep(0);
  }
  const key = (r) => {
    const w = o.workloads.indexOf(r.workload.replace(/-sequential$/, ''));
    return [w < 0 ? 99 : w, r.workload.endsWith('-sequential') ? 1 : 0, r.engine === 'grokpad' ? 0 : 1,
      ['webgpu', 'wasm', 'cpu'].indexOf(r.backend)];
  };
  rows.sort((a, b) => { const ka = key(a), kb = key(b); for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] - kb[i]; return 0; });
  document.querySelector('#results tbody').replaceChildren();
  rows.forEach(addRow);
  setState('done');
  window.benchRows = rows;
  return rows;
}

window.runBench = runBench;
window.benchInfo = benchInfo;
/** TF.js alone on a workload `{spec, x, y}` (as `bench_workload` returns), for debugging. */
window.benchTf = async (w, backend, o = {}) => benchTf(await tfjs(), w, backend, { repeats: 1, quick: true, minMs: 300, minSteps: 2, maxMs: 3000, ...o });
/** A token model's steps/s on "webgpu" or "cpu" (wasm export `bench_token`; scripts/nanda-speed.mjs). */
window.benchToken = async (url, backend, steps) => JSON.parse(await (await grokpad()).bench_token(url, backend, steps));
window.benchReady = true;
document.getElementById('run')?.addEventListener('click', () => {
  runBench({ repeats: +document.getElementById('repeats').value || 5, quick: document.getElementById('quick').checked })
    .catch((e) => { log(`failed: ${e}`); setState('failed'); });
});
if (params.has('auto')) {
  runBench({ quick: params.has('quick'), workloads: params.get('workloads')?.split(',') })
    .catch((e) => { log(`failed: ${e}`); setState('failed'); });
}
