//! Which edits of an experiment apply to a running session (issue 4: "every change that can
//! apply live does … and drops a marker on the curves; changes that need a new model say so and
//! reset"). Per-step hyperparameters (rate and schedule, momentum and Adam's β, clipping,
//! penalties, decay, gradient noise) are live; view keys change nothing in training; every other
//! key changes the data, the model or its plan, so the session restarts from the seed.

use crate::experiment::{url, Experiment};
use std::collections::BTreeMap;

/// Keys a running session takes from the next queued step on.
pub const LIVE: &[&str] = &[
    "lr",
    "sched",
    "warmup",
    "decay_every",
    "decay",
    "momentum",
    "nesterov",
    "beta1",
    "beta2",
    "clip",
    "l1",
    "l2",
    "wd",
    "gnoise",
    "steps",
];
/// Keys that only change what the page shows.
pub const VIEW: &[&str] = &["show_test", "discretize", "logx", "hide"];

/// The URL keys whose values differ between `a` and `b` (URL order).
pub fn changed_keys(a: &Experiment, b: &Experiment) -> Vec<&'static str> {
    let pairs = |e: &Experiment| -> BTreeMap<String, String> {
        form_urlencoded::parse(url::encode(e).as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
    };
    let (pa, pb) = (pairs(a), pairs(b));
    url::KEYS.iter().map(|k| k.key).filter(|k| pa.get(*k) != pb.get(*k)).collect()
}

/// What an edit from `old` to `new` means for a running session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    /// Nothing that training uses changed (view keys only, or nothing).
    View,
    /// Only live keys (and view keys) changed: these.
    Live(Vec<&'static str>),
    /// These keys need a new model: the session restarts.
    Rebuild(Vec<&'static str>),
}

pub fn classify(old: &Experiment, new: &Experiment) -> Edit {
    let keys = changed_keys(old, new);
    let rebuild: Vec<&'static str> = keys.iter().copied().filter(|k| !LIVE.contains(k) && !VIEW.contains(k)).collect();
    let live: Vec<&'static str> = keys.iter().copied().filter(|k| LIVE.contains(k)).collect();
    if !rebuild.is_empty() {
        Edit::Rebuild(rebuild)
    } else if !live.is_empty() {
        Edit::Live(live)
    } else {
        Edit::View
    }
}

/// The marker text of a live edit: `key=value` for each changed key.
pub fn marker(new: &Experiment, keys: &[&str]) -> String {
    let pairs: BTreeMap<String, String> =
        form_urlencoded::parse(url::encode(new).as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let doc_default = |k: &str| url::KEYS.iter().find(|d| d.key == k).map_or("", |d| d.default).to_string();
    keys.iter()
        .map(|k| format!("{k}={}", pairs.get(*k).cloned().unwrap_or_else(|| doc_default(k))))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_are_classified() {
        let a = Experiment::default();
        assert_eq!(classify(&a, &a), Edit::View);
        assert_eq!(classify(&a, &Experiment { logx: true, ..a.clone() }), Edit::View);
        let b = Experiment { lr: 0.1, wd: 1.0, ..a.clone() };
        assert_eq!(classify(&a, &b), Edit::Live(vec!["lr", "wd"]));
        assert_eq!(marker(&b, &["lr", "wd"]), "lr=0.1, wd=1");
        assert_eq!(marker(&a, &["wd"]), "wd=0");
        let c = Experiment { lr: 0.1, layers: vec![8], dropout: 0.5, ..a.clone() };
        assert_eq!(classify(&a, &c), Edit::Rebuild(vec!["layers", "dropout"]));
        // Every key is exactly one of live, view or rebuild, and all live/view names are keys.
        for k in LIVE.iter().chain(VIEW) {
            assert!(url::KEYS.iter().any(|d| d.key == *k), "{k}");
        }
    }

    fn params(s: &mut crate::train::Session) -> Vec<f32> {
        assert!(s.backend.request_params());
        s.backend.poll_params().unwrap().unwrap().0
    }

    #[test]
    fn a_live_edit_applies_from_the_next_step_and_leaves_a_marker() {
        let e = Experiment::default();
        let mut s = crate::train::Session::cpu(&e);
        s.train(5);
        let before = params(&mut s);
        let text = s.apply_live(&Experiment { lr: 0.0, logx: true, ..e.clone() });
        assert_eq!((text.as_str(), s.exp.lr, s.exp.logx), ("lr=0", 0.0, true));
        assert_eq!(s.markers, vec![(5, "lr=0".to_string())]);
        s.train(5);
        assert_eq!(params(&mut s), before, "lr = 0 must freeze the weights");
        assert_eq!(s.apply_live(&Experiment { lr: 0.0, logx: false, ..e }), "");
        assert_eq!(s.markers.len(), 1);
    }
}
