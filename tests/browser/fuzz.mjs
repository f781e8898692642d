// Browser fuzz of the share URL (reliability issue): opens the app once, then sets a few hundred
// seeded hostile hashes in the same page (`location.hash = ...`, i.e. hashchange, no reload).
// The categories mirror `src/experiment/hostile.rs`: long (≤ 64 KB, plus 3 of ~1 MB), unicode,
// control characters, special floats, bad integers, huge models, unknown keys, duplicate keys,
// versions, markup and quotes, mixes. After each hash: no `pageerror`, the app is alive
// (`#status` exists, `#play` toggles), no markup was injected, and every field the generator
// knows to be bad is named in a `#notices` item (`key=value: …`).
// Usage: node tests/browser/fuzz.mjs [--count 300] [--seed N] [--webgpu] [--huge N]
//   --huge N: add N models of the largest valid size (8 × 1024 widths, n = bs = 10000). Default 0:
//   on the CPU path one of them freezes the page (each snapshot evaluates ~10^11 multiply-adds,
//   every 100 ms, even when paused), which this script reports as a dead page.
// Serves $DIST (default dist/) on 127.0.0.1; Chromium from $CHROMIUM (default /usr/bin/chromium).
import { serve as serveDir, launch } from './harness.mjs';
import fs from 'node:fs';
import path from 'node:path';

const argv = process.argv.slice(2);
const opt = (name, def) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : def);
const COUNT = parseInt(opt('--count', '300'), 10);
const SEED = parseInt(opt('--seed', '20240601'), 10) >>> 0;
const HUGE = parseInt(opt('--huge', '0'), 10);
const WEBGPU = argv.includes('--webgpu');
const DEAD_MS = 30000; // a hash the page has not handled in this long: the page is dead
const MAX_LEN = 64 * 1024;
const GIANT = 1 << 20;

const root = path.resolve(process.env.DIST || 'dist');



// ---- Seeded generator (splitmix32-style; no Math.random) ----
function rng(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  const below = (n) => (n <= 1 ? 0 : next() % n);
  return { below, pick: (xs) => xs[below(xs.length)], chance: (p) => below(100) < p, digits: (n) => Array.from({ length: n }, () => below(10)).join('') };
}

const KNOWN = ['v', 'seed', 'data', 'n', 'train', 'noise', 'layers', 'act', 'loss', 'opt', 'lr', 'bs', 'l2', 'wd', 'steps', 'backend', 'show_test'];
const FLOAT_KEYS = ['train', 'noise', 'lr', 'l2', 'wd'];
const enc = (s) => encodeURIComponent(s);
const CATEGORIES = ['long', 'unicode', 'control', 'special_float', 'bad_int', 'huge_model', 'unknown_key', 'duplicate_key', 'version', 'markup', 'mixed'];

// Each generator returns { hash, expect: [keys that must be named in a notice] }.
const gen = {
  long(r, target) {
    const key = r.pick(KNOWN);
    const fill = (prefix, unit) => prefix + unit.repeat(Math.max(1, Math.floor((target - prefix.length) / unit.length)));
    switch (r.below(7)) {
      case 0: return { hash: fill('', 'a=b&'), expect: [] };
      case 1: return { hash: fill(`${key}=`, '9'), expect: [key] }; // too large or not a name: always bad
      case 2: return { hash: fill('layers=', '1,'), expect: ['layers'] };
      case 3: return { hash: fill('zz', 'x') + '=1', expect: [] };
      case 4: return { hash: fill('', '%FF'), expect: [] };
      case 5: return { hash: fill('', '&'), expect: [] };
      default: return { hash: fill('', `${key}=1&`), expect: [] };
    }
  },
  unicode(r) {
    const vals = ['１２', '٣', '🦀', 'e\u0301', '\u202exor', 'xor\u200b', '\ufeff1', 'ⅷ', '∞', '−1', '½', 'ＸＯＲ', '𝟙'];
    const key = r.pick(KNOWN);
    const plainKeys = ['ключ', 'データ', 'é', '🦀', 'ｌｒ'];
    if (r.chance(30)) { const k = r.pick(plainKeys); return { hash: `${r.chance(50) ? enc(k) : k}=1`, expect: [k] }; }
    const v = r.pick(vals);
    return { hash: `${key}=${r.chance(50) ? enc(v) : v}`, expect: [key] };
  },
  control(r) {
    const ctl = ['\0', '\x01', '\x1b', '\x7f', '\t', '\n', '\r', '\x85', '\u2028', '\x1b[31m'];
    const key = r.pick(KNOWN);
    // Percent-encoded: the URL parser would strip raw tabs and newlines.
    return { hash: `${key}=${enc(r.digits(1 + r.below(3)) + r.pick(ctl) + r.digits(1 + r.below(3)))}`, expect: [key] };
  },
  special_float(r) {
    const bad = ['NaN', 'nan', 'inf', '-inf', '+Infinity', '1e308', '-1e308', '1e39', '', '0x10', '1..2'];
    const odd = ['-0', '1e-400', '4.9e-324', '3.4028236e38'];
    const key = r.pick(FLOAT_KEYS);
    if (r.chance(25)) return { hash: `${key}=${enc(r.pick(odd))}`, expect: [] };
    return { hash: `${key}=${enc(r.pick(bad))}`, expect: [key] };
  },
  bad_int(r) {
    const key = r.pick(['n', 'bs', 'steps']);
    const bad = ['-1', '-0', '0', '1e308', '1.5', '0x10', '99999999999999999999999', '-2147483648', '+-1'];
    if (r.chance(25)) return { hash: `seed=${r.pick(['-1', '1.5', '18446744073709551616', '-' + r.digits(30)])}`, expect: ['seed'] };
    if (r.chance(25)) {
      // At most one width clamps to 1024 (two make a 1024 × 1024 layer: see --huge).
      const widths = [r.pick(['1025', '4294967297', '1e9', '-1']), ...Array.from({ length: r.below(12) }, () => r.pick(['-1', '0', '-0', 'x', '']))];
      return { hash: `layers=${widths.join(',')}`, expect: ['layers'] };
    }
    return { hash: `${key}=${r.chance(30) ? r.digits(20 + r.below(200)) : r.pick(bad)}`, expect: [key] };
  },
  huge_model(r) {
    // Sizes over the limits (clamped and named). Kept cheap once clamped: on the CPU path a
    // 1024 × 1024 layer, or n near 10000 with a 1024 layer, takes seconds per hash (see --huge).
    if (r.chance(50)) {
      const hash = `layers=${Array(9 + r.below(200)).fill(r.pick(['0', '-5', '1', '2'])).join(',')}&bs=${r.pick(['0', '-1', '1e308', '99999999999'])}`;
      return { hash, expect: ['layers', 'bs'] };
    }
    const hash = `layers=${r.pick(['1025', '99999', '1000000000', '1e308', '18446744073709551616'])}&n=${r.pick(['-1', '0', '19', '-1e308'])}&bs=-1`;
    return { hash, expect: ['layers', 'n', 'bs'] };
  },
  unknown_key(r) {
    const chars = 'abcdefghijklmnopqrstuvwxyz0123456789_';
    const keys = Array.from({ length: 1 + r.below(5) }, () => 'zz' + Array.from({ length: 1 + r.below(12) }, () => r.pick(chars)).join(''));
    const odd = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'LR', 'Layers', 'lr[]', 'show-test'];
    if (r.chance(30)) keys.push(r.pick(odd));
    return { hash: keys.map((k) => `${k}=${r.digits(r.below(4))}`).join('&'), expect: keys };
  },
  duplicate_key(r) {
    const key = r.pick(KNOWN);
    const vals = ['1', '0', '0.1', 'xor', 'relu', '4,4', 'adam'];
    return { hash: Array.from({ length: 2 + r.below(3) }, () => `${key}=${r.pick(vals)}`).join('&'), expect: [key] };
  },
  version(r) {
    const v = r.pick(['0', '2', '999', '-1', '1.5', 'one', '', '1e308', 'NaN']);
    const rest = r.pick(['', '&lr=0.1', '&data=xor&layers=8,8']);
    return { hash: `v=${v}${rest}`, expect: ['v'] };
  },
  markup(r) {
    const safe = ['<script>alert(1)</script>', "'", '"', '`', '</ul><b>x</b>', '{{7*7}}', '${7*7}', '<!--', ']]>', '<svg/onload'];
    const unsafe = ['"><img src=x onerror=alert(1)>', '<svg/onload=alert(1)>', '%3Cscript%3Ealert(1)%3C%2Fscript%3E', "'; DROP TABLE x;--"];
    if (r.chance(60)) { const m = r.pick(safe); return { hash: `${r.chance(50) ? enc(m) : m}=1`, expect: [m] }; }
    const m = r.pick(unsafe);
    const key = r.pick(['data', 'act', 'loss', 'opt', 'backend']);
    return { hash: `${key}=${enc(m)}&${m}`, expect: [key] };
  },
  mixed(r) {
    const parts = Array.from({ length: 2 + r.below(5) }, () => gen[r.pick(CATEGORIES.slice(1, -1).filter((c) => c !== 'huge_model'))](r));
    // A key repeated across parts is named anyway (as repeated), so the union is expected.
    return { hash: parts.map((p) => p.hash).join('&'), expect: [...new Set(parts.flatMap((p) => p.expect))] };
  },
};

function cases(seed, count) {
  const out = [];
  let long = 0;
  for (let i = 0; i < count; i++) {
    const cat = CATEGORIES[i % CATEGORIES.length];
    const r = rng((seed ^ Math.imul(i + 1, 0x27d4eb2d)) >>> 0);
    let c;
    if (cat === 'long') c = gen.long(r, ++long <= 3 ? GIANT : 1 + r.below(MAX_LEN));
    else c = gen[cat](r);
    out.push({ i, cat, ...c });
  }
  // Models far too large to train interactively (valid values, so no notice).
  const w = Array(8).fill('1024').join(',');
  for (let k = 0; k < HUGE; k++) {
    out.splice(Math.floor(((k + 1) * out.length) / (HUGE + 1)), 0,
      { i: `huge${k}`, cat: 'huge_model', hash: [`layers=${w}&n=10000&bs=10000`, `layers=${w}&loss=ce&opt=adam`, `layers=${w}&bs=10000&backend=cpu`][k % 3], expect: [] });
  }
  return out;
}

// Runs in the page: set the hash, wait for the app to handle it, report the state.
async function applyHash(page, hash) {
  return page.evaluate(async (h) => {
    const t0 = performance.now();
    const before = location.hash;
    const changed = new Promise((ok) => {
      window.addEventListener('hashchange', () => ok(true), { once: true });
      setTimeout(() => ok(false), 2000);
    });
    location.hash = '#' + h;
    const fired = location.hash === before ? false : await changed;
    for (let k = 0; k < 2; k++) await new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));
    const lis = [...document.querySelectorAll('#notices li')].map((li) => li.textContent);
    return {
      fired,
      ms: performance.now() - t0,
      lis,
      status: !!document.querySelector('#status'),
      error: document.querySelector('#error')?.textContent || '',
      scripts: document.scripts.length,
      injected: !!document.querySelector('#notices img, #notices svg, #notices b, #notices script') || document.body.innerHTML.includes('<script>alert'),
    };
  }, hash);
}

async function playToggles(page) {
  return page.evaluate(async () => {
    const b = document.querySelector('#play');
    if (!b) return false;
    const frame = () => new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));
    const t0 = b.textContent;
    b.click();
    await frame();
    const t1 = b.textContent;
    b.click();
    await frame();
    return t0 !== t1 && b.textContent === t0;
  });
}

const withTimeout = (p, ms, what) => Promise.race([p, new Promise((_, no) => setTimeout(() => no(new Error(`timeout: ${what}`)), ms))]);

const server = await serveDir(root);
const base = `http://127.0.0.1:${server.address().port}/`;
const list = cases(SEED, COUNT);
const t0 = Date.now();
let pageErrors = 0, dead = 0, noticesShown = 0, missing = 0, injected = 0, noEvent = 0, errorsShown = 0, checked = 0, capped = 0;
let maxMs = 0, maxAt = null;
const slow = [];
const problems = [];
let browser;
try {
  browser = await launch(WEBGPU);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  let lastHash = '';
  page.on('pageerror', (e) => { pageErrors++; problems.push(`page error after ${lastHash.slice(0, 120)}: ${e}`); });
  await page.goto(base + '#v=1');
  await page.waitForSelector('#status:not([data-backend="none"])', { timeout: 60000 });
  const scripts0 = await page.evaluate(() => document.scripts.length);
  console.log(`fuzz: ${list.length} hashes, backend ${await page.getAttribute('#status', 'data-backend')}, seed ${SEED}`);
  for (const c of list) {
    lastHash = c.hash;
    let st;
    try {
      st = await withTimeout(applyHash(page, c.hash), DEAD_MS, 'hash');
      if (!st.status || !(await withTimeout(playToggles(page), DEAD_MS, 'play'))) throw new Error('no #status or #play does not toggle');
    } catch (e) {
      dead++;
      problems.push(`dead page at case ${c.i} (${c.cat}): ${e.message}: ${c.hash.slice(0, 200)}`);
      break;
    }
    if (!st.fired) noEvent++;
    if (st.ms > maxMs) { maxMs = st.ms; maxAt = c; }
    if (st.ms > 2000) slow.push(`${Math.round(st.ms)} ms case ${c.i} (${c.cat}, ${c.hash.length} B): ${c.hash.slice(0, 100)}`);
    if (st.error) errorsShown++;
    noticesShown += st.lis.length;
    if (st.injected || st.scripts !== scripts0) { injected++; problems.push(`markup injected by case ${c.i}: ${c.hash.slice(0, 200)}`); }
    const isCapped = st.lis.length && st.lis[st.lis.length - 1].startsWith('…');
    if (isCapped) capped++;
    else if (st.fired) {
      for (const k of c.expect) {
        checked++;
        if (!st.lis.some((t) => t.startsWith(k + '='))) {
          missing++;
          problems.push(`notice missing for \`${k}\` in case ${c.i} (${c.cat}): #${c.hash.slice(0, 200)} -> ${JSON.stringify(st.lis.slice(0, 5))}`);
        }
      }
    }
  }
} catch (e) {
  problems.push(`exception: ${e.stack || e}`);
  dead++;
} finally {
  if (browser) await browser.close();
  server.close();
}
for (const p of problems.slice(0, 30)) console.log(`FAIL ${p}`);
for (const s of slow.slice(0, 10)) console.log(`slow ${s}`);
console.log(`browser fuzz: ${list.length} hashes tried (${WEBGPU ? 'webgpu' : 'cpu'}), ${pageErrors} page errors, ${dead} dead, ` +
  `${noticesShown} notices shown, ${checked} expected notices checked, ${missing} missing, ${capped} capped lists, ` +
  `${injected} injections, ${errorsShown} with #error, ${noEvent} without hashchange, ${slow.length} over 2 s, ` +
  `max ${Math.round(maxMs)} ms (case ${maxAt?.i}, ${maxAt?.cat}), total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
process.exit(pageErrors || dead || missing || injected ? 1 : 0);
