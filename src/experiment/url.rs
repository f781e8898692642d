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
use std::fmt::{self, Write as _};

use super::fields::{join, name, wide, Notes};
use super::{limits, Activation, BackendChoice, Dataset, Experiment, Loss, Optimizer, URL_VERSION};

/// Documentation of one URL key (README table, UI help).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyDoc {
    pub key: &'static str,
    pub range: &'static str,
    pub default: &'static str,
    pub meaning: &'static str,
}

const fn doc(key: &'static str, range: &'static str, default: &'static str, meaning: &'static str) -> KeyDoc {
    KeyDoc { key, range, default, meaning }
}

/// Every key of the URL, in the order [`encode`] writes them: `v`, then the struct's fields.
pub const KEYS: &[KeyDoc] = &[
    doc("v", "1", "1", "Format version. Missing means 1; newer versions are read as 1."),
    doc("seed", "0–18446744073709551615", "1", "Random seed: data, initial weights, batch order."),
    doc("data", "circle, xor, gauss, spiral", "circle", "Dataset (TensorFlow Playground's four)."),
    doc("n", "20–10000", "500", "Total points generated (train + test)."),
    doc("train", "0.1–0.9", "0.5", "Fraction of the points used for training."),
    doc("noise", "0–50", "0", "Noise, in percent of the data radius."),
    doc("layers", "up to 8 widths of 1–1024", "4,2", "Hidden widths, comma-separated; empty = none."),
    doc("act", "relu, tanh, sigmoid, linear", "tanh", "Hidden-layer activation."),
    doc("loss", "mse, ce", "mse", "Square loss on a tanh output, or softmax cross-entropy."),
    doc("opt", "sgd, adam", "sgd", "Optimizer."),
    doc("lr", "0.000001–1000", "0.03", "Learning rate."),
    doc("bs", "1–10000", "10", "Batch size (at most the training set at run time)."),
    doc("l2", "0–10", "0", "L2 penalty on weights (not biases)."),
    doc("wd", "0–20", "0", "Decoupled weight decay on weights (Adam + wd = AdamW)."),
    doc("steps", "1–10000000", "2000", "Run length in steps (CLI and presets)."),
    doc("backend", "auto, webgpu, cpu", "auto", "Where training runs."),
    doc("show_test", "0, 1", "1", "Draw the test points on the boundary plot."),
];

/// [`KEYS`] as a Markdown table (columns: key, range, default, meaning).
pub fn keys_markdown() -> String {
    let mut s = String::from("| key | range | default | meaning |\n|---|---|---|---|\n");
    for k in KEYS {
        let _ = writeln!(s, "| `{}` | {} | `{}` | {} |", k.key, k.range, k.default, k.meaning);
    }
    s
}

const DATA: &[(&str, Dataset)] =
    &[("circle", Dataset::Circle), ("xor", Dataset::Xor), ("gauss", Dataset::Gauss), ("spiral", Dataset::Spiral)];
const ACT: &[(&str, Activation)] = &[
    ("relu", Activation::Relu),
    ("tanh", Activation::Tanh),
    ("sigmoid", Activation::Sigmoid),
    ("linear", Activation::Linear),
];
const LOSS: &[(&str, Loss)] = &[("mse", Loss::Mse), ("ce", Loss::Ce)];
const OPT: &[(&str, Optimizer)] = &[("sgd", Optimizer::Sgd), ("adam", Optimizer::Adam)];
const BACKEND: &[(&str, BackendChoice)] =
    &[("auto", BackendChoice::Auto), ("webgpu", BackendChoice::Webgpu), ("cpu", BackendChoice::Cpu)];

/// Every field's URL value, in struct (= URL) order. Floats use the shortest round-trip form.
fn field_values(e: &Experiment) -> [(&'static str, String); 16] {
    [
        ("seed", e.seed.to_string()),
        ("data", name(DATA, e.data).to_string()),
        ("n", e.n.to_string()),
        ("train", e.train.to_string()),
        ("noise", e.noise.to_string()),
        ("layers", join(&e.layers)),
        ("act", name(ACT, e.act).to_string()),
        ("loss", name(LOSS, e.loss).to_string()),
        ("opt", name(OPT, e.opt).to_string()),
        ("lr", e.lr.to_string()),
        ("bs", e.bs.to_string()),
        ("l2", e.l2.to_string()),
        ("wd", e.wd.to_string()),
        ("steps", e.steps.to_string()),
        ("backend", name(BACKEND, e.backend).to_string()),
        ("show_test", u8::from(e.show_test).to_string()),
    ]
}

/// The link's hash content, without `#`: `v=1` then the non-default fields, e.g.
/// `v=1&data=xor&layers=8,8&lr=0.1`. An empty `layers=` means no hidden layer.
pub fn encode(e: &Experiment) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    out.append_pair("v", &URL_VERSION.to_string());
    let defaults = field_values(&Experiment::default());
    for ((key, value), (_, default)) in field_values(e).iter().zip(&defaults) {
        if value != default {
            out.append_pair(key, value);
        }
    }
    // Only `layers` can contain a comma; keep it readable (decoding accepts both forms).
    out.finish().replace("%2C", ",")
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
            "n" => e.n = n.int(k, raw, d.n.into(), wide(limits::N)) as u32,
            "train" => e.train = n.float(k, raw, d.train, limits::TRAIN),
            "noise" => e.noise = n.float(k, raw, d.noise, limits::NOISE),
            "layers" => e.layers = n.layers(raw, &d.layers),
            "act" => e.act = n.pick(k, raw, ACT, d.act),
            "loss" => e.loss = n.pick(k, raw, LOSS, d.loss),
            "opt" => e.opt = n.pick(k, raw, OPT, d.opt),
            "lr" => e.lr = n.float(k, raw, d.lr, limits::LR),
            "bs" => e.bs = n.int(k, raw, d.bs.into(), wide(limits::BS)) as u32,
            "l2" => e.l2 = n.float(k, raw, d.l2, limits::L2),
            "wd" => e.wd = n.float(k, raw, d.wd, limits::WD),
            "steps" => e.steps = n.int(k, raw, d.steps.into(), wide(limits::STEPS)) as u64,
            "backend" => e.backend = n.pick(k, raw, BACKEND, d.backend),
            "show_test" => e.show_test = n.flag(k, raw, d.show_test),
            _ => unreachable!("every key in KEYS is handled"),
        }
    }
    Decoded { experiment: e, notices: notes.finish() }
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
