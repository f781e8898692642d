//! The share URL: an [`Experiment`] written as the hash of a Grokpad link, and read back.
//!
//! DESIGN: the URL *is* the experiment's serialization (`#v=1&data=xor&layers=8,8&lr=0.1`).
//! - Versioned: it starts with `v=` [`URL_VERSION`], which freezes the defaults, the data
//!   generators and the random streams, so a link means the same experiment forever.
//! - Minimal and readable: only the fields that differ from [`Experiment::default`], in struct
//!   field order, keyed by field name ([`KEYS`] documents every key, [`keys_markdown`] renders it).
//! - In the hash (`#…`), not the query: browsers never send it, so experiments stay out of
//!   server logs.
//! - Total: [`decode`] turns *any* string into a valid experiment (never panics, linear time)
//!   plus [`Notice`]s saying what was ignored, defaulted or clamped. Notice text is stripped of
//!   control and bidi characters but not HTML-escaped; the UI must render it as text.

use std::borrow::Cow;
use std::fmt;

use super::fields::{join, name, wide, Notes};
pub use super::keys::{keys_markdown, KeyDoc, KEYS};
use super::lists::{fmt_names, fmt_points, fmt_wedits};
use super::rules;
use super::sweepkeys::{fmt_values, SWEEP};
use super::types::*;
use super::{limits, Experiment, URL_VERSION};

/// Every field's URL value, in struct (= URL) order. Floats use the shortest round-trip form.
fn field_values(e: &Experiment) -> Vec<(&'static str, String)> {
    let b = |v: bool| u8::from(v).to_string();
    let floats = |v: &[f32]| v.iter().map(f32::to_string).collect::<Vec<_>>().join(",");
    vec![
        ("seed", e.seed.to_string()),
        ("data", name(DATA, e.data).to_string()),
        ("n", e.n.to_string()),
        ("train", e.train.to_string()),
        ("noise", e.noise.to_string()),
        ("classes", e.classes.to_string()),
        ("dim", e.dim.to_string()),
        ("flip", e.flip.to_string()),
        ("labels", name(LABELS, e.labels).to_string()),
        ("freqs", floats(&e.freqs)),
        ("pts", fmt_points(&e.pts[..e.pts.len().min(limits::MAX_POINTS)])),
        ("features", fmt_names(FEATURES, &e.features)),
        ("rff", e.rff.to_string()),
        ("rff_scale", e.rff_scale.to_string()),
        ("layers", join(&e.layers)),
        ("act", fmt_names(ACT, &e.act)),
        ("w0", e.w0.to_string()),
        ("resid", b(e.resid)),
        ("hourglass", e.hourglass.to_string()),
        ("loss", name(LOSS, e.loss).to_string()),
        ("opt", name(OPT, e.opt).to_string()),
        ("lr", e.lr.to_string()),
        ("momentum", e.momentum.to_string()),
        ("nesterov", b(e.nesterov)),
        ("beta1", e.beta1.to_string()),
        ("beta2", e.beta2.to_string()),
        ("sched", name(SCHED, e.sched).to_string()),
        ("warmup", e.warmup.to_string()),
        ("decay_every", e.decay_every.to_string()),
        ("decay", e.decay.to_string()),
        ("bs", e.bs.to_string()),
        ("clip", e.clip.to_string()),
        ("l1", e.l1.to_string()),
        ("l2", e.l2.to_string()),
        ("wd", e.wd.to_string()),
        ("dropout", e.dropout.to_string()),
        ("smooth", e.smooth.to_string()),
        ("gnoise", e.gnoise.to_string()),
        ("init", name(INIT, e.init).to_string()),
        ("alpha", e.alpha.to_string()),
        ("base", e.base.to_string()),
        ("seeds", e.seeds.to_string()),
        ("steps", e.steps.to_string()),
        ("backend", name(BACKEND, e.backend).to_string()),
        ("show_test", b(e.show_test)),
        ("discretize", b(e.discretize)),
        ("logx", b(e.logx)),
        ("hide", e.hide.join(",")),
        ("wedit", fmt_wedits(&e.wedit)),
        ("sweep", e.sweep.name().to_string()),
        ("sweep_values", fmt_values(&e.sweep_values)),
        ("sweep2", e.sweep2.name().to_string()),
        ("sweep2_values", fmt_values(&e.sweep2_values)),
        ("frozen", b(e.frozen)),
        ("ridge", e.ridge.to_string()),
        ("subpops", e.subpops.to_string()),
        ("zipf", e.zipf.to_string()),
        ("score", name(SCORE, e.score).to_string()),
        ("score_step", e.score_step.to_string()),
        ("prune", e.prune.to_string()),
        ("prune_side", name(PRUNE_SIDE, e.prune_side).to_string()),
        ("p", e.p.to_string()),
        ("op", name(OP, e.op).to_string()),
        ("corrupt", e.corrupt.to_string()),
        ("fn", name(FUNC, e.func).to_string()),
        ("model", name(MODEL, e.model).to_string()),
        ("grid", e.grid.to_string()),
        ("order", e.order.to_string()),
        ("refine", e.refine.iter().map(|(s, g)| format!("{s}:{g}")).collect::<Vec<_>>().join(",")),
        ("snap", e.snap.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(",")),
        ("kprune", e.kprune.iter().map(|(s, t)| format!("{s}:{t}")).collect::<Vec<_>>().join(",")),
        ("lamb", e.lamb.to_string()),
        ("lamb_entropy", e.lamb_entropy.to_string()),
        ("d_model", e.d_model.to_string()),
        ("heads", e.heads.to_string()),
        ("tfm_layers", e.tfm_layers.to_string()),
        ("d_mlp", e.d_mlp.to_string()),
        ("ln", b(e.ln)),
        ("basis", name(BASIS, e.basis).to_string()),
    ]
}

/// The URL name of a model (`mlp`, `kan`, `emb`, `tfm`).
pub fn model_name(m: Model) -> &'static str {
    name(MODEL, m)
}

/// The link's hash content, without `#`: `v=1` then the non-default fields, e.g.
/// `v=1&data=xor&layers=8,8&lr=0.1`. An empty `layers=` means no hidden layer. Of more than
/// `limits::MAX_POINTS` drawn points (a large CSV import the page keeps) only the first ones.
pub fn encode(e: &Experiment) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    out.append_pair("v", &URL_VERSION.to_string());
    let defaults = field_values(&Experiment::default());
    for ((key, value), (_, default)) in field_values(e).iter().zip(&defaults) {
        if value != default {
            out.append_pair(key, value);
        }
    }
    // Keep list values readable (decoding accepts both forms).
    out.finish().replace("%2C", ",").replace("%3A", ":")
}

/// Something [`decode`] ignored, defaulted or clamped. `key` and `value` are safe to display
/// as text: at most ~64 characters, control and bidi characters escaped.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub key: String,
    pub value: String,
    pub message: String,
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() && self.value.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}={}: {}", self.key, self.value, self.message)
        }
    }
}

/// The result of [`decode`]: always a valid experiment, plus what had to be fixed.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    pub experiment: Experiment,
    pub notices: Vec<Notice>,
}

/// Reads a link: a full URL (the part after the first `#`, or else after the first `?`), a
/// `#…` hash or the bare hash content. Never fails; see the module docs and [`Notice`].
pub fn decode(input: &str) -> Decoded {
    let mut notes = Notes::default();
    // The last value of each known key (indexed like KEYS); earlier duplicates are reported.
    let mut slots: Vec<Option<Cow<str>>> = vec![None; KEYS.len()];
    for (key, value) in form_urlencoded::parse(fragment(input).as_bytes()) {
        if key.is_empty() && value.is_empty() {
            continue;
        }
        match KEYS.iter().position(|d| d.key == key) {
            None => notes.push(&key, &value, "unknown key, ignored"),
            Some(i) => {
                if let Some(old) = slots[i].replace(value) {
                    notes.push(&key, &old, "key repeated, the last value wins");
                }
            }
        }
    }
    let d = Experiment::default();
    let mut e = d.clone();
    for (doc, raw) in KEYS.iter().zip(&slots) {
        let Some(raw) = raw.as_deref() else { continue };
        let (k, n) = (doc.key, &mut notes);
        match k {
            "v" => n.version(raw),
            "seed" => e.seed = n.seed(raw, d.seed),
            "data" => e.data = n.pick(k, raw, DATA, d.data),
            "n" => e.n = n.int(k, raw, d.n.into(), rules::n_range(e.data)) as u32,
            // `data` is read first: only `mod` trains on less than a tenth of its points.
            "train" => e.train = n.float(k, raw, d.train, rules::train_range(e.data)),
            "noise" => e.noise = n.float(k, raw, d.noise, limits::NOISE),
            "classes" => e.classes = n.int(k, raw, d.classes.into(), wide(limits::CLASSES)) as u32,
            "dim" => e.dim = n.int(k, raw, d.dim.into(), wide(limits::DIM)) as u32,
            "flip" => e.flip = rules::flip(n, raw, e.data),
            "labels" => e.labels = n.pick(k, raw, LABELS, d.labels),
            "freqs" => e.freqs = n.floats(k, raw, &d.freqs, limits::FREQ, limits::MAX_FREQS),
            "pts" => e.pts = n.points(raw),
            "features" => e.features = n.picks(k, raw, FEATURES, &d.features, FEATURES.len()),
            "rff" => e.rff = n.int(k, raw, d.rff.into(), wide(limits::RFF)) as u32,
            "rff_scale" => e.rff_scale = n.float(k, raw, d.rff_scale, limits::RFF_SCALE),
            "layers" => e.layers = n.layers(raw, &d.layers),
            "act" => e.act = n.picks(k, raw, ACT, &d.act, limits::MAX_LAYERS),
            "w0" => e.w0 = n.float(k, raw, d.w0, limits::W0),
            "resid" => e.resid = n.flag(k, raw, d.resid),
            "hourglass" => e.hourglass = n.int(k, raw, d.hourglass.into(), wide(limits::HOURGLASS)) as u32,
            "loss" => e.loss = n.pick(k, raw, LOSS, d.loss),
            "opt" => e.opt = n.pick(k, raw, OPT, d.opt),
            "lr" => e.lr = n.float(k, raw, d.lr, limits::LR),
            "momentum" => e.momentum = n.float(k, raw, d.momentum, limits::MOMENTUM),
            "nesterov" => e.nesterov = n.flag(k, raw, d.nesterov),
            "beta1" => e.beta1 = n.float(k, raw, d.beta1, limits::BETA1),
            "beta2" => e.beta2 = n.float(k, raw, d.beta2, limits::BETA2),
            "sched" => e.sched = n.pick(k, raw, SCHED, d.sched),
            "warmup" => e.warmup = n.int(k, raw, d.warmup.into(), wide(limits::WARMUP)) as u64,
            "decay_every" => e.decay_every = n.int(k, raw, d.decay_every.into(), wide(limits::DECAY_EVERY)) as u64,
            "decay" => e.decay = n.float(k, raw, d.decay, limits::DECAY),
            "bs" => e.bs = n.int(k, raw, d.bs.into(), wide(limits::BS)) as u32,
            "clip" => e.clip = n.float(k, raw, d.clip, limits::CLIP),
            "l1" => e.l1 = n.float(k, raw, d.l1, limits::L1),
            "l2" => e.l2 = n.float(k, raw, d.l2, limits::L2),
            "wd" => e.wd = n.float(k, raw, d.wd, limits::WD),
            "dropout" => e.dropout = n.float(k, raw, d.dropout, limits::DROPOUT),
            "smooth" => e.smooth = n.float(k, raw, d.smooth, limits::SMOOTH),
            "gnoise" => e.gnoise = n.float(k, raw, d.gnoise, limits::GNOISE),
            "init" => e.init = n.pick(k, raw, INIT, d.init),
            "alpha" => e.alpha = n.float(k, raw, d.alpha, limits::ALPHA),
            "base" => e.base = n.int(k, raw, d.base.into(), wide(limits::BASE)) as u32,
            "seeds" => e.seeds = n.int(k, raw, d.seeds.into(), wide(limits::SEEDS)) as u32,
            "steps" => e.steps = n.int(k, raw, d.steps.into(), wide(limits::STEPS)) as u64,
            "backend" => e.backend = n.pick(k, raw, BACKEND, d.backend),
            "show_test" => e.show_test = n.flag(k, raw, d.show_test),
            "discretize" => e.discretize = n.flag(k, raw, d.discretize),
            "logx" => e.logx = n.flag(k, raw, d.logx),
            "hide" => e.hide = n.hidden(raw),
            "wedit" => e.wedit = n.wedits(raw),
            "sweep" => e.sweep = n.pick(k, raw, SWEEP, d.sweep),
            "sweep_values" => e.sweep_values = n.sweep_values(k, raw, e.sweep),
            "sweep2" => e.sweep2 = n.pick(k, raw, SWEEP, d.sweep2),
            "sweep2_values" => e.sweep2_values = n.sweep_values(k, raw, e.sweep2),
            "frozen" => e.frozen = n.flag(k, raw, d.frozen),
            "ridge" => e.ridge = n.float(k, raw, d.ridge, limits::RIDGE),
            "subpops" => e.subpops = n.int(k, raw, d.subpops.into(), wide(limits::SUBPOPS)) as u32,
            "zipf" => e.zipf = n.float(k, raw, d.zipf, limits::ZIPF),
            "score" => e.score = n.pick(k, raw, SCORE, d.score),
            "score_step" => e.score_step = n.int(k, raw, d.score_step.into(), wide(limits::SCORE_STEP)) as u64,
            "prune" => e.prune = n.float(k, raw, d.prune, limits::PRUNE),
            "prune_side" => e.prune_side = n.pick(k, raw, PRUNE_SIDE, d.prune_side),
            "p" => e.p = rules::prime(n, raw),
            "op" => e.op = n.pick(k, raw, OP, d.op),
            "corrupt" => e.corrupt = n.float(k, raw, d.corrupt, limits::CORRUPT),
            "fn" => e.func = n.pick(k, raw, FUNC, d.func),
            "model" => e.model = n.pick(k, raw, MODEL, d.model),
            "grid" => e.grid = n.int(k, raw, d.grid.into(), wide(limits::GRID)) as u32,
            "order" => e.order = n.int(k, raw, d.order.into(), wide(limits::ORDER)) as u32,
            "refine" => e.refine = n.refines(raw),
            "snap" => e.snap = n.snaps(raw),
            "kprune" => e.kprune = n.kprunes(raw),
            "lamb" => e.lamb = n.float(k, raw, d.lamb, limits::LAMB),
            "lamb_entropy" => e.lamb_entropy = n.float(k, raw, d.lamb_entropy, limits::LAMB_ENTROPY),
            "d_model" => e.d_model = n.int(k, raw, d.d_model.into(), wide(limits::D_MODEL)) as u32,
            "heads" => e.heads = n.int(k, raw, d.heads.into(), wide(limits::HEADS)) as u32,
            "tfm_layers" => e.tfm_layers = n.int(k, raw, d.tfm_layers.into(), wide(limits::TFM_LAYERS)) as u32,
            "d_mlp" => e.d_mlp = n.int(k, raw, d.d_mlp.into(), wide(limits::D_MLP)) as u32,
            "ln" => e.ln = n.flag(k, raw, d.ln),
            "basis" => e.basis = n.pick(k, raw, BASIS, d.basis),
            _ => unreachable!("every key in KEYS is handled"),
        }
    }
    reconcile(&mut e, &mut notes);
    Decoded { experiment: e, notices: notes.finish() }
}

/// Cross-key rules, each reported: what a combination of valid values cannot mean.
fn reconcile(e: &mut Experiment, n: &mut Notes) {
    let hidden = e.layers.len();
    if e.act.len() > 1 && e.act.len() != hidden {
        let why = format_args!(
            "{} activations for {hidden} hidden layers: the last one repeats, extras are unused",
            e.act.len()
        );
        n.push("act", &fmt_names(ACT, &e.act), why);
    }
    if e.data.is_1d() && e.rff == 0 && !e.features.iter().any(|f| matches!(f, Feature::X | Feature::X2 | Feature::Sinx))
    {
        n.push("features", &fmt_names(FEATURES, &e.features), "1-D data needs a feature of x, adding x");
        e.features.insert(0, Feature::X);
    }
    if e.is_regression() {
        if e.loss == Loss::Ce {
            n.push("loss", "ce", "regression data uses the square loss on a linear output");
        }
        if e.loss == Loss::MseOnehot {
            n.push("loss", "mse-onehot", "regression data uses the square loss on a linear output, using mse");
            e.loss = Loss::Mse;
        }
        if e.flip > 0.0 || e.labels == Labels::Random {
            n.push("flip", &e.flip.to_string(), "label noise applies to classification data only, ignored");
        }
    } else if e.loss == Loss::Mse && e.classes_out() > 2 && !e.data.is_vector() {
        n.push("loss", "mse", "more than two classes use softmax cross-entropy");
    }
    rules::token_models(e, n);
    rules::onehot_mse(e, n);
    rules::kan_basis(e, n);
    super::sweepkeys::reconcile(e, n);
    if e.data == Dataset::Custom && e.pts.len() < 4 {
        n.push(
            "pts",
            &e.pts.len().to_string(),
            "custom data needs at least 4 drawn points; add points or import a CSV",
        );
    }
}

/// The part of `input` holding the pairs: after the first `#`; if there is none or it is empty,
/// after the first `?`; else all of it.
fn fragment(input: &str) -> &str {
    let s = input.trim();
    let (head, hash) = match s.split_once('#') {
        Some((head, hash)) => (head, Some(hash)),
        None => (s, None),
    };
    match (hash, head.split_once('?')) {
        (Some(hash), _) if !hash.is_empty() => hash,
        (_, Some((_, query))) => query,
        (hash, None) => hash.unwrap_or(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_docs_match_fields_and_defaults() {
        let fields = field_values(&Experiment::default());
        assert_eq!(KEYS.len(), fields.len() + 1);
        assert_eq!((KEYS[0].key, KEYS[0].default), ("v", "1"));
        for (doc, (key, default)) in KEYS[1..].iter().zip(&fields) {
            assert_eq!((doc.key, doc.default), (*key, default.as_str()));
        }
    }
}
