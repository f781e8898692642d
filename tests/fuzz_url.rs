//! Hostile share URLs (`experiment::hostile`) against the codec and the CLI.
//!
//! Complements the proptests of `tests/url.rs`: 11,000 seeded hostile hashes across every
//! category (three of about 1 MB), each decoded under `catch_unwind` and timed (a decode over
//! 2 s counts as a hang; a worker thread lets the test report a real infinite loop instead of
//! hanging with it). Every decoded experiment must be within the limits and re-encode to a clean
//! link; every key whose value was not taken as written, every unknown key and every repeated
//! key must be named in a notice (unless the notice list is capped, which is counted). Then the
//! CLI runs ~100 of them, and refuses a model too large for the GPU by naming the knob.
#![cfg(not(target_arch = "wasm32"))]

use grokpad::experiment::hostile::{hostile_cases, Hostile, CATEGORIES};
use grokpad::experiment::url::{decode, encode, Decoded, KEYS};
use grokpad::experiment::{limits, Experiment};
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

const SEED: u64 = 0x6772_6f6b_7061_6421;
const COUNT: usize = 11_000;
const MAX_LEN: usize = 1 << 20;
const HANG: Duration = Duration::from_secs(2);

fn within_limits(e: &Experiment) -> bool {
    let f = |x: f32, (lo, hi): (f32, f32)| x.is_finite() && lo <= x && x <= hi;
    (limits::N.0..=limits::N.1).contains(&e.n)
        && f(e.train, limits::TRAIN)
        && f(e.noise, limits::NOISE)
        && e.layers.len() <= limits::MAX_LAYERS
        && e.layers.iter().all(|w| (limits::WIDTH.0..=limits::WIDTH.1).contains(w))
        && f(e.lr, limits::LR)
        && (limits::BS.0..=limits::BS.1).contains(&e.bs)
        && f(e.l2, limits::L2)
        && f(e.wd, limits::WD)
        && (limits::STEPS.0..=limits::STEPS.1).contains(&e.steps)
        && e.wedit.len() <= limits::MAX_WEDITS
        && e.wedit.windows(2).all(|w| w[0].step <= w[1].step)
        && e.wedit.iter().all(|w| w.layer >= 1 && w.from >= 1 && w.to >= 1 && f(w.value, (-1000.0, 1000.0)))
        && f(e.ridge, limits::RIDGE)
        && (limits::SUBPOPS.0..=limits::SUBPOPS.1).contains(&e.subpops)
        && f(e.zipf, limits::ZIPF)
        && (limits::SCORE_STEP.0..=limits::SCORE_STEP.1).contains(&e.score_step)
        && f(e.prune, limits::PRUNE)
}

/// The part of the input the codec reads (as `url::decode` documents it).
fn fragment(input: &str) -> &str {
    let s = input.trim();
    let (head, hash) = match s.split_once('#') {
        Some((h, x)) => (h, Some(x)),
        None => (s, None),
    };
    match (hash, head.split_once('?')) {
        (Some(x), _) if !x.is_empty() => x,
        (_, Some((_, q))) => q,
        (x, None) => x.unwrap_or(s),
    }
}

/// How a notice shows a key: control, zero-width and bidi characters escaped, ≤ 64 chars.
fn shown(s: &str) -> String {
    let mut out = String::new();
    let mut len = 0;
    for c in s.chars() {
        let odd = c.is_control()
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}'..='\u{200f}' | '\u{feff}');
        let piece = if odd { c.escape_unicode().to_string() } else { c.to_string() };
        len += piece.chars().count();
        if len > 64 {
            out.push('…');
            break;
        }
        out.push_str(&piece);
    }
    out
}

/// A whole number as written (plain digits exactly, else an integral float).
fn int_of(s: &str) -> Option<i128> {
    let s = s.trim();
    s.parse::<i128>()
        .ok()
        .or_else(|| s.parse::<f64>().ok().filter(|f| f.is_finite() && f.fract() == 0.0).map(|f| f as i128))
}

/// A comma list of names decoded as written (case-insensitively; `dedup`: repeats dropped).
fn names(t: &str, got: &[String], dedup: bool) -> bool {
    let mut want: Vec<String> = Vec::new();
    for p in t.split(',').map(|p| p.trim().to_ascii_lowercase()) {
        if !(dedup && want.contains(&p)) {
            want.push(p);
        }
    }
    want.len() == got.len() && want.iter().zip(got).all(|(a, b)| a.eq_ignore_ascii_case(b))
}

fn name_of<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).unwrap().as_str().unwrap().to_string()
}

/// Whether the decoded field `key` is exactly what `raw` says (then no notice is needed).
fn taken_as_written(key: &str, raw: &str, e: &Experiment) -> bool {
    let t = raw.trim();
    let float = |field: f32| t.parse::<f32>().is_ok_and(|x| x.is_finite() && x == field);
    let int = |field: i128| int_of(t) == Some(field);
    match key {
        "v" => int(1),
        "seed" => int(e.seed.into()),
        "data" => name_of(&e.data).eq_ignore_ascii_case(t),
        "n" => int(e.n.into()),
        "train" => float(e.train),
        "noise" => float(e.noise),
        "layers" => {
            if t.is_empty() {
                e.layers.is_empty()
            } else {
                let parts: Vec<_> = t.split(',').map(int_of).collect();
                parts.len() == e.layers.len() && parts.iter().zip(&e.layers).all(|(p, w)| *p == Some((*w).into()))
            }
        }
        "act" => names(t, &e.act.iter().map(name_of).collect::<Vec<_>>(), false),
        "features" => names(t, &e.features.iter().map(name_of).collect::<Vec<_>>(), true),
        "hide" => names(t, &e.hide, true) || t.is_empty() && e.hide.is_empty(),
        "labels" => name_of(&e.labels).eq_ignore_ascii_case(t),
        "sched" => name_of(&e.sched).eq_ignore_ascii_case(t),
        "init" => name_of(&e.init).eq_ignore_ascii_case(t),
        "classes" => int(e.classes.into()),
        "dim" => int(e.dim.into()),
        "rff" => int(e.rff.into()),
        "hourglass" => int(e.hourglass.into()),
        "base" => int(e.base.into()),
        "seeds" => int(e.seeds.into()),
        "warmup" => int(e.warmup.into()),
        "decay_every" => int(e.decay_every.into()),
        "flip" => float(e.flip),
        "rff_scale" => float(e.rff_scale),
        "w0" => float(e.w0),
        "momentum" => float(e.momentum),
        "beta1" => float(e.beta1),
        "beta2" => float(e.beta2),
        "decay" => float(e.decay),
        "clip" => float(e.clip),
        "l1" => float(e.l1),
        "dropout" => float(e.dropout),
        "smooth" => float(e.smooth),
        "gnoise" => float(e.gnoise),
        "alpha" => float(e.alpha),
        "freqs" => {
            let parts: Vec<Option<f32>> = t.split(',').map(|p| p.trim().parse::<f32>().ok()).collect();
            parts.len() == e.freqs.len() && parts.iter().zip(&e.freqs).all(|(p, f)| *p == Some(*f))
        }
        "pts" => {
            // Taken as written when every number is finite and in range, and whole triples: the
            // codec then keeps coordinates to 0.01 without a notice.
            let nums: Vec<Option<f32>> =
                t.split(',').map(|p| p.trim().parse::<f32>().ok().filter(|x| x.is_finite())).collect();
            if t.is_empty() {
                e.pts.is_empty()
            } else if !nums.len().is_multiple_of(3)
                || nums.len() / 3 > limits::MAX_POINTS
                || nums.iter().any(Option::is_none)
            {
                false
            } else {
                let q = |v: f32| (v * 100.0).round() / 100.0;
                let n: Vec<f32> = nums.into_iter().flatten().collect();
                n.chunks(3).zip(&e.pts).all(|(c, p)| {
                    c[0].abs() <= 6.0
                        && c[1].abs() <= 6.0
                        && c[2].abs() <= 10.0
                        && (q(c[0]), q(c[1]), c[2]) == (p.x, p.y, p.v)
                }) && n.len() / 3 == e.pts.len()
            }
        }
        "wedit" => {
            // Whole step:layer:from:to:value items (indices from 1, steps in range, finite values
            // within ±WEDIT_VALUE), at most MAX_WEDITS, in step order; empty items are skipped.
            let items: Vec<&str> = t.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
            let parse = |s: &str| -> Option<(u64, u32, u32, u32, f32)> {
                let f: Vec<&str> = s.split(':').collect();
                let int = |s: &str, lo: u64| s.trim().parse::<u64>().ok().filter(|&v| v >= lo && v <= limits::STEPS.1);
                let v =
                    f.get(4)?.trim().parse::<f32>().ok().filter(|v| v.is_finite() && v.abs() <= limits::WEDIT_VALUE)?;
                (f.len() == 5).then_some(())?;
                Some((int(f[0], 0)?, int(f[1], 1)? as u32, int(f[2], 1)? as u32, int(f[3], 1)? as u32, v))
            };
            let p: Vec<_> = items.iter().map(|s| parse(s)).collect();
            p.len() <= limits::MAX_WEDITS
                && p.iter().all(Option::is_some)
                && p.windows(2).all(|w| w[0].unwrap().0 <= w[1].unwrap().0)
                && p.len() == e.wedit.len()
                && p.iter().flatten().zip(&e.wedit).all(|(a, w)| *a == (w.step, w.layer, w.from, w.to, w.value))
        }
        "loss" => name_of(&e.loss).eq_ignore_ascii_case(t),
        "opt" => name_of(&e.opt).eq_ignore_ascii_case(t),
        "lr" => float(e.lr),
        "bs" => int(e.bs.into()),
        "l2" => float(e.l2),
        "wd" => float(e.wd),
        "steps" => int(e.steps.into()),
        "backend" => name_of(&e.backend).eq_ignore_ascii_case(t),
        "sweep" => name_of(&e.sweep).eq_ignore_ascii_case(t),
        "sweep2" => name_of(&e.sweep2).eq_ignore_ascii_case(t),
        "sweep_values" | "sweep2_values" => {
            let got = if key == "sweep_values" { &e.sweep_values } else { &e.sweep2_values };
            let parts: Vec<Option<f64>> = t.split(',').map(|p| p.trim().parse::<f64>().ok()).collect();
            (t.is_empty() && got.is_empty())
                || parts.len() == got.len() && parts.iter().zip(got).all(|(p, v)| *p == Some(*v))
        }
        "p" => int(e.p.into()),
        "op" => name_of(&e.op).eq_ignore_ascii_case(t),
        "corrupt" => float(e.corrupt),
        "ridge" => float(e.ridge),
        "zipf" => float(e.zipf),
        "prune" => float(e.prune),
        "subpops" => int(e.subpops.into()),
        "score_step" => int(e.score_step.into()),
        "score" => name_of(&e.score).eq_ignore_ascii_case(t),
        "prune_side" => name_of(&e.prune_side).eq_ignore_ascii_case(t),
        "d_model" => int(e.d_model.into()),
        "heads" => int(e.heads.into()),
        "tfm_layers" => int(e.tfm_layers.into()),
        "d_mlp" => int(e.d_mlp.into()),
        "show_test" | "resid" | "nesterov" | "discretize" | "logx" | "frozen" | "ln" => {
            let field = match key {
                "frozen" => e.frozen,
                "ln" => e.ln,
                "show_test" => e.show_test,
                "resid" => e.resid,
                "nesterov" => e.nesterov,
                "discretize" => e.discretize,
                _ => e.logx,
            };
            let want = if t == "1" || t.eq_ignore_ascii_case("true") {
                Some(true)
            } else if t == "0" || t.eq_ignore_ascii_case("false") {
                Some(false)
            } else {
                None
            };
            want == Some(field)
        }
        "fn" => name_of(&e.func).eq_ignore_ascii_case(t),
        "model" => name_of(&e.model).eq_ignore_ascii_case(t),
        "grid" => int(e.grid.into()),
        "order" => int(e.order.into()),
        "refine" => {
            // As written: in-range step:G pairs by strictly increasing step, at most 8.
            let pairs: Vec<Option<(i128, i128)>> = t
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| p.split_once(':').and_then(|(s, g)| Some((int_of(s)?, int_of(g)?))))
                .collect();
            pairs.len() == e.refine.len()
                && pairs.iter().zip(&e.refine).all(|(p, r)| *p == Some((r.0.into(), r.1.into())))
        }
        "snap" => {
            // As written: every entry parses, steps in range and non-decreasing, at most 64.
            let parts: Vec<Option<grokpad::core::kan::symbolic::Snap>> =
                t.split(',').map(str::trim).filter(|p| !p.is_empty()).map(|p| p.parse().ok()).collect();
            parts.len() == e.snap.len() && parts.iter().zip(&e.snap).all(|(p, s)| *p == Some(*s))
        }
        "kprune" => {
            let pairs: Vec<Option<(u64, f32)>> = t
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| p.split_once(':').and_then(|(s, v)| Some((s.trim().parse().ok()?, v.trim().parse().ok()?))))
                .collect();
            pairs.len() == e.kprune.len() && pairs.iter().zip(&e.kprune).all(|(p, k)| *p == Some(*k))
        }
        "lamb" => float(e.lamb),
        "lamb_entropy" => float(e.lamb_entropy),
        "basis" => name_of(&e.basis).eq_ignore_ascii_case(t),
        _ => unreachable!("{key}"),
    }
}

/// The keys that must be named in a notice: unknown keys (as shown), repeated known keys, and
/// known keys whose last value was not taken as written.
fn expected_notice_keys(input: &str, e: &Experiment) -> Vec<String> {
    let mut last: BTreeMap<String, String> = BTreeMap::new();
    let mut want = Vec::new();
    for (k, v) in form_urlencoded::parse(fragment(input).as_bytes()) {
        if k.is_empty() && v.is_empty() {
            continue;
        }
        if KEYS.iter().any(|d| d.key == k) {
            if last.insert(k.to_string(), v.to_string()).is_some() {
                want.push(k.to_string());
            }
        } else {
            want.push(shown(&k));
        }
    }
    for (k, raw) in &last {
        if !taken_as_written(k, raw, e) {
            want.push(k.clone());
        }
    }
    want.sort();
    want.dedup();
    want
}

fn is_capped(d: &Decoded) -> bool {
    d.notices.last().is_some_and(|n| n.key.is_empty() && n.message.starts_with('…'))
}

#[derive(Default)]
struct Tally {
    tried: usize,
    panics: Vec<usize>,
    hangs: Vec<usize>,
    notices: usize,
    capped: usize,
    per_key: BTreeMap<String, usize>,
    per_category: BTreeMap<&'static str, (usize, usize)>,
    max: (Duration, usize),
    missing: Vec<(usize, String)>,
    /// Expected keys checked, and known keys rejected but hidden by the notice cap.
    checked: usize,
    hidden: Vec<(usize, String)>,
}

#[test]
fn hostile_hashes_decode_safely_and_name_every_rejected_field() {
    let t0 = Instant::now();
    let cases = hostile_cases(SEED, COUNT, MAX_LEN);
    let giant = cases.iter().filter(|c| c.hash.len() >= MAX_LEN - 16).count();
    assert!(giant >= 3, "expected a few ~1 MB cases, got {giant}");
    assert!(CATEGORIES.iter().all(|c| cases.iter().filter(|h| h.category == *c).count() >= 900));

    // Decode in a worker so that a real infinite loop fails the test instead of hanging it.
    let (tx, rx) = mpsc::channel();
    let inputs: Vec<String> = cases.iter().map(|c| c.hash.clone()).collect();
    let worker = std::thread::spawn(move || {
        for (i, h) in inputs.iter().enumerate() {
            let t = Instant::now();
            let r = catch_unwind(AssertUnwindSafe(|| decode(h)));
            if tx.send((i, t.elapsed(), r.ok())).is_err() {
                return;
            }
        }
    });
    let mut tally = Tally::default();
    for _ in 0..cases.len() {
        let (i, took, res) = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(x) => x,
            Err(_) => panic!("decode hung (> 30 s) after {} cases", tally.tried),
        };
        let Hostile { category, hash } = &cases[i];
        tally.tried += 1;
        let cat = tally.per_category.entry(category).or_default();
        cat.0 += 1;
        if took > tally.max.0 {
            tally.max = (took, i);
        }
        if took > HANG {
            tally.hangs.push(i);
        }
        let Some(d) = res else {
            tally.panics.push(i);
            continue;
        };
        cat.1 += d.notices.len();
        tally.notices += d.notices.len();
        for n in &d.notices {
            let k = if KEYS.iter().any(|doc| doc.key == n.key) { n.key.clone() } else { "(unknown)".into() };
            *tally.per_key.entry(k).or_default() += 1;
        }
        assert!(within_limits(&d.experiment), "case {i} ({category}) out of limits: {:?}", d.experiment);
        let again = decode(&encode(&d.experiment));
        assert!(again.notices.is_empty() && again.experiment == d.experiment, "case {i}: re-encoding is not clean");
        let capped = is_capped(&d);
        tally.capped += usize::from(capped);
        for k in expected_notice_keys(hash, &d.experiment) {
            if d.notices.iter().any(|n| n.key == k) {
                tally.checked += 1;
            } else if !capped {
                tally.missing.push((i, k));
            } else if KEYS.iter().any(|doc| doc.key == k) && !tally.hidden.iter().any(|(j, x)| *j == i && *x == k) {
                tally.hidden.push((i, k));
            }
        }
    }
    worker.join().unwrap();

    let per_cat: Vec<String> = tally.per_category.iter().map(|(c, (n, k))| format!("{c} {n}/{k}")).collect();
    println!("per category (cases/notices): {}", per_cat.join(", "));
    println!(
        "fuzz_url: {} URLs tried ({} of ~1 MB), {} panics, {} hangs (> 2 s), {} notices ({} expected keys named), {} capped lists \
         (hiding {} rejected known keys), rejected per key {:?}, max decode {:.1} ms (case {}, {} bytes), total {:.1} s",
        tally.tried,
        giant,
        tally.panics.len(),
        tally.hangs.len(),
        tally.notices,
        tally.checked,
        tally.capped,
        tally.hidden.len(),
        tally.per_key,
        tally.max.0.as_secs_f64() * 1e3,
        tally.max.1,
        cases[tally.max.1].hash.len(),
        t0.elapsed().as_secs_f64()
    );
    let repro = |i: usize| {
        format!("case {i} ({}): {:?}", cases[i].category, cases[i].hash.chars().take(200).collect::<String>())
    };
    // The notice list keeps 50 notices: junk keys before a bad known field push it out.
    let probe = format!("{}lr=NaN", (0..60).map(|i| format!("zz{i}=1&")).collect::<String>());
    let d = decode(&probe);
    let named = d.notices.iter().any(|n| n.key == "lr");
    println!(
        "probe `zz0=1&…&zz59=1&lr=NaN`: lr {} (last notice {:?})",
        if named { "named" } else { "NOT named" },
        d.notices.last().map(|n| n.to_string())
    );
    if let Some((i, k)) = tally.hidden.first() {
        println!("e.g. `{k}` rejected but hidden behind \"… and N more\": {}", repro(*i));
    }
    assert!(tally.panics.is_empty(), "panics: {:?}", tally.panics.iter().map(|&i| repro(i)).collect::<Vec<_>>());
    assert!(tally.hangs.is_empty(), "hangs: {:?}", tally.hangs.iter().map(|&i| repro(i)).collect::<Vec<_>>());
    assert!(
        tally.missing.is_empty(),
        "{} rejected keys not named in a notice, e.g. {:?}",
        tally.missing.len(),
        tally.missing.iter().take(10).map(|(i, k)| format!("`{k}` in {}", repro(*i))).collect::<Vec<_>>()
    );
}

/// Known-bad keys, built one at a time: the notice names exactly that key.
#[test]
fn each_bad_field_alone_is_named_and_defaulted_or_clamped() {
    let bad: &[(&str, &[&str])] = &[
        ("v", &["0", "2", "-1", "1.5", "one", "1e308", ""]),
        ("seed", &["-1", "18446744073709551616", "NaN", "1.5", "1e308"]),
        ("data", &["donut", "<script>alert(1)</script>", "xor\u{0}", ""]),
        ("n", &["-5", "0", "1e308", "NaN", "99999999999999999999999", "-0", "10001"]),
        ("train", &["NaN", "inf", "-inf", "1e308", "-0", "0", "1"]),
        ("noise", &["NaN", "inf", "1e39", "-1", "51"]),
        ("layers", &["-1", "0", "1025", "x", "1,2,3,4,5,6,7,8,9", "4,,2", "1e308"]),
        ("lr", &["NaN", "-0", "0", "1e308", "-1e308", "inf", "\"'"]),
        ("bs", &["-1", "0", "10001", "1.5", "NaN"]),
        ("l2", &["-1", "11", "NaN"]),
        ("wd", &["-1", "21", "inf"]),
        ("steps", &["0", "-1", "10000001", "1e308"]),
        ("act", &["swish", ""]),
        ("flip", &["-0.1", "1.5", "NaN"]),
        ("classes", &["1", "6", "x"]),
        ("dim", &["1", "101"]),
        ("freqs", &["", "a", "0", "1,2,3,4,5,6,7,8,9"]),
        ("pts", &["1,2", "x,1,0", "7,0,1"]),
        ("features", &["z", ""]),
        ("rff", &["-1", "1025"]),
        ("opt", &["lion"]),
        ("sched", &["linear"]),
        ("init", &["orthogonal"]),
        ("dropout", &["0.95", "-1"]),
        ("seeds", &["0", "129"]),
        ("hide", &["nope"]),
        ("wedit", &["1:1:1:1", "x", "1:0:1:1:1", "1:1:1:1:nan", "1:1:1:1:2000", "5:1:1:1:1,2:1:1:1:1"]),
        ("loss", &["hinge"]),
        ("opt", &["rmsprop"]),
        ("backend", &["cuda", "gpu"]),
        ("show_test", &["2", "yes", ""]),
        ("sweep", &["height", "width"]),
        ("sweep_values", &["1,2"]),
        ("sweep2", &["lr"]),
        ("p", &["4", "24", "252", "x", "-1"]),
        ("op", &["pow", ""]),
        ("corrupt", &["0.95", "-1", "NaN"]),
    ];
    for (key, values) in bad {
        for v in *values {
            let input: String = form_urlencoded::Serializer::new(String::new()).append_pair(key, v).finish();
            let d = decode(&input);
            assert_eq!(d.notices.len(), 1, "{input}: {:?}", d.notices);
            assert_eq!(d.notices[0].key, *key, "{input}: {:?}", d.notices);
            assert!(within_limits(&d.experiment), "{input}: {:?}", d.experiment);
            // Everything else stays default.
            let mut e = d.experiment.clone();
            let def = Experiment::default();
            match *key {
                "seed" => e.seed = def.seed,
                "data" => e.data = def.data,
                "n" => e.n = def.n,
                "train" => e.train = def.train,
                "noise" => e.noise = def.noise,
                "layers" => e.layers = def.layers.clone(),
                "lr" => e.lr = def.lr,
                "bs" => e.bs = def.bs,
                "l2" => e.l2 = def.l2,
                "wd" => e.wd = def.wd,
                "steps" => e.steps = def.steps,
                "act" => e.act = def.act.clone(),
                "flip" => e.flip = def.flip,
                "classes" => e.classes = def.classes,
                "dim" => e.dim = def.dim,
                "freqs" => e.freqs = def.freqs.clone(),
                "pts" => e.pts = def.pts.clone(),
                "features" => e.features = def.features.clone(),
                "rff" => e.rff = def.rff,
                "sched" => e.sched = def.sched,
                "init" => e.init = def.init,
                "dropout" => e.dropout = def.dropout,
                "seeds" => e.seeds = def.seeds,
                "hide" => e.hide = def.hide.clone(),
                "loss" => e.loss = def.loss,
                "opt" => e.opt = def.opt,
                "backend" => e.backend = def.backend,
                "show_test" => e.show_test = def.show_test,
                "wedit" => e.wedit = def.wedit.clone(),
                "p" => e.p = def.p,
                "op" => e.op = def.op,
                "corrupt" => e.corrupt = def.corrupt,
                _ => {}
            }
            assert_eq!(e, def, "{input}");
        }
    }
}

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_grokpad"))
}

/// Multiply-adds of a CLI run of `steps` steps (7 evaluations of train + test, 3 passes a step).
fn cost(e: &Experiment, steps: u64) -> u64 {
    if let Some(net) = grokpad::engine::tfm::net_of(e) {
        // Token models: ~3 multiply-adds per parameter and example (3 tokens), M models.
        let per = 3 * (net.p() * net.models()) as u64;
        return per * (7 * (e.n_train() + e.n_test()) as u64 + 3 * steps * e.batch() as u64);
    }
    let w = e.widths();
    let edge = if e.model == grokpad::experiment::Model::Kan { (e.grid + e.order + 2) as u64 } else { 1 };
    let p: u64 = w.windows(2).map(|x| (x[0] * x[1]) as u64).sum::<u64>() * edge;
    let points = (e.n_train() + e.n_test()) as u64;
    p * (7 * points + 3 * steps * e.batch() as u64)
}

#[test]
fn cli_runs_hostile_urls() {
    let t0 = Instant::now();
    let cases = hostile_cases(SEED ^ 1, 4000, 100 << 10);
    // ~100 cases, every category, cheap enough to train 5 steps on the CPU; raw NULs cannot
    // go through argv, so they are sent percent-encoded (the decoded link is the same).
    let mut picked: Vec<String> = Vec::new();
    for c in CATEGORIES {
        let mine = cases.iter().filter(|h| h.category == *c);
        let cheap = mine.map(|h| h.hash.replace('\0', "%00")).filter(|h| cost(&decode(h).experiment, 5) < 50_000_000);
        picked.extend(cheap.take(9));
    }
    picked.push(String::new());
    picked.push(" \t ".into());
    picked.push("#".into());
    let (mut ok, mut notices, mut max) = (0, 0, Duration::ZERO);
    for h in &picked {
        let t = Instant::now();
        let out = cli().args(["run", "--url", h, "--steps", "5", "--backend", "cpu", "--json"]).output().unwrap();
        max = max.max(t.elapsed());
        let stderr = String::from_utf8_lossy(&out.stderr);
        let head: String = h.chars().take(120).collect();
        assert!(!stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"), "{head:?}: {stderr}");
        if h.trim().is_empty() {
            assert_eq!(out.status.code(), Some(2), "{head:?}: {stderr}");
            continue;
        }
        assert_eq!(out.status.code(), Some(0), "{head:?}: {stderr}");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{head:?}: {e}"));
        let got: Vec<String> =
            json["notices"].as_array().expect("notices").iter().map(|n| n.as_str().unwrap().to_string()).collect();
        let want: Vec<String> = decode(h).notices.iter().map(|n| n.to_string()).collect();
        assert_eq!(got, want, "{head:?}");
        let url = json["url"].as_str().unwrap();
        assert!(decode(url).notices.is_empty(), "{head:?}: {url}");
        assert!(json["train_loss"].as_f64().is_some_and(f64::is_finite), "{head:?}: {json}");
        notices += got.len();
        ok += 1;
    }
    println!(
        "cli fuzz: {} URLs, {ok} ran (exit 0), {} empty (exit 2), {notices} notices, max {:.0} ms, total {:.1} s",
        picked.len(),
        picked.len() - ok,
        max.as_secs_f64() * 1e3,
        t0.elapsed().as_secs_f64()
    );
}

/// The largest model a URL can ask for: the GPU path refuses it naming a knob (never a crash).
#[test]
fn cli_refuses_models_too_large_for_the_gpu() {
    let w = ["1024"; 8].join(",");
    let urls =
        [format!("layers={w}&n=10000&bs=10000"), format!("layers={w},1024,1024&n=1e308&bs=1e308&loss=ce&opt=adam")];
    let icd = "/usr/share/vulkan/icd.d/lvp_icd.x86_64.json";
    let _ = std::fs::create_dir_all("/tmp/xdg");
    for u in &urls {
        let mut c = cli();
        c.args(["run", "--url", u, "--steps", "5", "--backend", "gpu", "--json"]);
        if std::env::var_os("VK_ICD_FILENAMES").is_none() && std::path::Path::new(icd).exists() {
            c.env("WGPU_BACKEND", "vulkan").env("VK_ICD_FILENAMES", icd).env("XDG_RUNTIME_DIR", "/tmp/xdg");
        }
        let out = c.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        println!("gpu {u:.60}…: exit {:?}: {}", out.status.code(), stderr.lines().last().unwrap_or(""));
        assert!(!stderr.contains("panicked"), "{u}: {stderr}");
        if out.status.code() == Some(1) && !stderr.contains("reduce `") && stderr.to_lowercase().contains("adapter") {
            println!("no GPU adapter here: skipped ({stderr})");
            continue;
        }
        assert_eq!(out.status.code(), Some(1), "{u}: {stderr}");
        assert!(stderr.contains("reduce `"), "{u}: {stderr}");
    }
    // The CPU path: the largest URL model against the memory budget the page enforces.
    let e = decode(&urls[1]).experiment;
    let (_, s) = grokpad::train::setup(&e);
    let plan = grokpad::gpu::memory::plan(&s.layout, s.batch, s.train.len(), s.test.len());
    let total: u64 = plan.iter().map(|n| n.bytes).sum();
    let verdict = grokpad::gpu::memory::check(&plan, u64::MAX, u64::MAX);
    println!(
        "cpu budget: largest URL model needs {} MiB of {} MiB: {verdict:?}",
        total >> 20,
        grokpad::gpu::memory::BUDGET >> 20
    );
}
