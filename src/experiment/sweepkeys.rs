//! The sweep keys of the URL (issue 5): `sweep` (the axis), `sweep_values` (its values),
//! `sweep2`/`sweep2_values` (a second axis: a phase diagram over the product, value-major).
//! Each value is validated against its axis (widths whole numbers 1–1024, `train` 0.1–0.9, …);
//! bad entries are dropped with one notice, and the total number of models
//! (values × values2 × `seeds`) is capped at [`MAX_SWEEP_MODELS`].

use serde::{Deserialize, Serialize};

use super::fields::Notes;
use super::{limits, Experiment};

/// Most values on one axis.
pub const MAX_SWEEP_VALUES: usize = 128;
/// Most models of a whole sweep (values × values2 × seeds).
pub const MAX_SWEEP_MODELS: usize = 256;

/// What a sweep varies. `Width`: every hidden layer's width (one hidden layer when there is
/// none); `Depth`: the number of hidden layers (each as wide as the first, or 8); `Seed`: the
/// initialization seed of the models (as `seeds` does: the data and the batch order stay those
/// of `seed`); `Grid`: the KAN grid size G (`model=kan` only: scaling curves); the others set
/// the key of the same name. Which axes a model sweeps: [`axis_refusal`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SweepAxis {
    None,
    Width,
    Depth,
    N,
    Train,
    Flip,
    Wd,
    Lr,
    Alpha,
    Seed,
    Grid,
    Corrupt,
}

pub const SWEEP: &[(&str, SweepAxis)] = &[
    ("none", SweepAxis::None),
    ("width", SweepAxis::Width),
    ("depth", SweepAxis::Depth),
    ("n", SweepAxis::N),
    ("train", SweepAxis::Train),
    ("flip", SweepAxis::Flip),
    ("wd", SweepAxis::Wd),
    ("lr", SweepAxis::Lr),
    ("alpha", SweepAxis::Alpha),
    ("seed", SweepAxis::Seed),
    ("grid", SweepAxis::Grid),
    ("corrupt", SweepAxis::Corrupt),
];

impl SweepAxis {
    /// The inclusive range of the axis's values and whether they must be whole numbers.
    pub fn range(self) -> (f64, f64, bool) {
        let f = |(lo, hi): (f32, f32)| (lo as f64, hi as f64, false);
        match self {
            SweepAxis::None => (0.0, 0.0, false),
            SweepAxis::Width => (limits::WIDTH.0 as f64, limits::WIDTH.1 as f64, true),
            SweepAxis::Depth => (0.0, limits::MAX_LAYERS as f64, true),
            SweepAxis::N => (limits::N.0 as f64, limits::N.1 as f64, true),
            SweepAxis::Train => f(limits::TRAIN),
            SweepAxis::Flip => f(limits::FLIP),
            SweepAxis::Wd => f(limits::WD),
            SweepAxis::Lr => f(limits::LR),
            SweepAxis::Alpha => f(limits::ALPHA),
            // Seeds as exact f64 integers.
            SweepAxis::Seed => (0.0, 9_007_199_254_740_991.0, true),
            SweepAxis::Grid => (limits::GRID.0 as f64, limits::GRID.1 as f64, true),
            SweepAxis::Corrupt => f(limits::CORRUPT),
        }
    }

    /// Whether `v` is a valid value of the axis.
    pub fn accepts(self, v: f64) -> bool {
        let (lo, hi, int) = self.range();
        self != SweepAxis::None && v.is_finite() && v >= lo && v <= hi && (!int || v.fract() == 0.0)
    }

    /// The URL name.
    pub fn name(self) -> &'static str {
        super::fields::name(SWEEP, self)
    }

    /// `e` with this axis set to `v` (assumed valid, see [`SweepAxis::accepts`]). `Seed` leaves
    /// `e` unchanged: it varies the initialization only (`sweep::SweepPoint::init_seed`).
    pub fn apply(self, e: &mut Experiment, v: f64) {
        match self {
            SweepAxis::None | SweepAxis::Seed => {}
            SweepAxis::Width => {
                let w = v as u32;
                if e.layers.is_empty() {
                    e.layers.push(w);
                } else {
                    e.layers.iter_mut().for_each(|l| *l = w);
                }
            }
            SweepAxis::Depth => {
                let w = e.layers.first().copied().unwrap_or(8);
                e.layers = vec![w; v as usize];
            }
            SweepAxis::N => e.n = v as u32,
            SweepAxis::Train => e.train = v as f32,
            SweepAxis::Flip => e.flip = v as f32,
            SweepAxis::Wd => e.wd = v as f32,
            SweepAxis::Lr => e.lr = v as f32,
            SweepAxis::Alpha => e.alpha = v as f32,
            SweepAxis::Grid => e.grid = v as u32,
            SweepAxis::Corrupt => e.corrupt = v as f32,
        }
    }
}

/// A value list as written in the URL: `1,2,4`.
pub fn fmt_values(v: &[f64]) -> String {
    v.iter().map(f64::to_string).collect::<Vec<_>>().join(",")
}

impl Notes {
    /// The values of `axis`: entries that are not valid values of it are dropped, and more than
    /// [`MAX_SWEEP_VALUES`]: the first ones; one notice at most.
    pub(super) fn sweep_values(&mut self, key: &str, raw: &str, axis: SweepAxis) -> Vec<f64> {
        if raw.trim().is_empty() {
            return Vec::new();
        }
        let parts: Vec<Option<f64>> = raw.split(',').map(|s| s.trim().parse::<f64>().ok()).collect();
        if axis == SweepAxis::None {
            // No axis: numbers are kept for `reconcile` to drop with its notice; junk is dropped here.
            if parts.iter().all(|p| p.is_some_and(f64::is_finite)) {
                return parts.into_iter().flatten().take(MAX_SWEEP_VALUES).collect();
            }
            self.push(key, raw, "no sweep axis and not a list of numbers, ignored");
            return Vec::new();
        }
        let total = parts.len();
        let mut out: Vec<f64> = parts.into_iter().flatten().filter(|&v| axis.accepts(v)).collect();
        let valid = out.len();
        out.truncate(MAX_SWEEP_VALUES);
        let mut why = Vec::new();
        if valid < total {
            let (lo, hi, int) = axis.range();
            let kind = if int { "whole numbers" } else { "numbers" };
            why.push(format!("{} entries are not {kind} in {lo}–{hi} for `{}`, dropped", total - valid, axis.name()));
        }
        if valid > MAX_SWEEP_VALUES {
            why.push(format!("more than {MAX_SWEEP_VALUES} values, keeping the first"));
        }
        if !why.is_empty() {
            self.push(key, raw, why.join("; "));
        }
        out
    }
}

/// Why `axis` is no sweep axis for `e`'s model and data (`None`: it is one). KANs sweep every
/// MLP axis but `alpha` (their initialization has no scale), plus `grid`; the token models
/// (`emb`, `tfm`) sweep `seed`, `lr`, `wd`, `train` and `corrupt` (the grokking phase diagram
/// wd × train); `grid` is for KANs only, `corrupt` for `data=mod` and `data=digits`, where
/// `flip` has no effect.
pub fn axis_refusal(axis: SweepAxis, e: &Experiment) -> Option<String> {
    use super::types::Model;
    let name = super::url::model_name(e.model);
    match (e.model, axis) {
        (_, SweepAxis::None) => None,
        (Model::Emb | Model::Tfm, SweepAxis::Seed | SweepAxis::Lr | SweepAxis::Wd | SweepAxis::Train)
        | (Model::Emb | Model::Tfm, SweepAxis::Corrupt) => None,
        (Model::Emb | Model::Tfm, _) => Some(format!("model={name} sweeps seed, lr, wd, train or corrupt")),
        (Model::Kan, SweepAxis::Alpha) => Some("the KAN initialization has no scale (`alpha`)".into()),
        (_, SweepAxis::Grid) if e.model != Model::Kan => Some("`grid` is the KAN grid size (model=kan)".into()),
        (_, SweepAxis::Corrupt) if !e.data.is_vector() => {
            Some("`corrupt` corrupts the labels of data=mod and data=digits only".into())
        }
        (_, SweepAxis::Flip) if e.data.is_vector() => {
            Some("data=mod and data=digits corrupt labels with `corrupt`, not `flip`".into())
        }
        _ => None,
    }
}

/// Cross-key rules of the sweep keys, each reported: an axis the model does not sweep
/// ([`axis_refusal`]) is dropped with its values, values without an axis (or an axis
/// without values) are dropped, the second axis needs a first and must differ from it, and the
/// total number of models is capped at [`MAX_SWEEP_MODELS`] (dropping second-axis values first).
pub(super) fn reconcile(e: &mut Experiment, n: &mut Notes) {
    for second in [false, true] {
        let axis = if second { e.sweep2 } else { e.sweep };
        let Some(why) = axis_refusal(axis, e) else { continue };
        let (axis, values, key) = if second {
            (&mut e.sweep2, &mut e.sweep2_values, "sweep2")
        } else {
            (&mut e.sweep, &mut e.sweep_values, "sweep")
        };
        n.push(key, axis.name(), format_args!("{why}, no sweep on it"));
        if !values.is_empty() {
            n.push(&format!("{key}_values"), &fmt_values(values), format_args!("{why}, ignored"));
        }
        (*axis, *values) = (SweepAxis::None, Vec::new());
    }
    for second in [false, true] {
        let first_none = e.sweep == SweepAxis::None;
        let (axis, values, key) = if second {
            (&mut e.sweep2, &mut e.sweep2_values, "sweep2")
        } else {
            (&mut e.sweep, &mut e.sweep_values, "sweep")
        };
        if *axis == SweepAxis::None && !values.is_empty() {
            n.push(&format!("{key}_values"), &fmt_values(values), format_args!("no `{key}` axis, values ignored"));
            values.clear();
        } else if *axis != SweepAxis::None && values.is_empty() {
            n.push(key, axis.name(), format_args!("no valid `{key}_values`, no sweep"));
            *axis = SweepAxis::None;
        } else if second && *axis != SweepAxis::None && first_none {
            n.push(key, axis.name(), "a second axis needs `sweep`, ignored");
            (*axis, *values) = (SweepAxis::None, Vec::new());
        }
    }
    if e.sweep2 != SweepAxis::None && e.sweep2 == e.sweep {
        n.push("sweep2", e.sweep2.name(), "the same axis as `sweep`, ignored");
        (e.sweep2, e.sweep2_values) = (SweepAxis::None, Vec::new());
    }
    let seeds = e.seeds.max(1) as usize;
    let count = |e: &Experiment| e.sweep_values.len().max(1) * e.sweep2_values.len().max(1) * seeds;
    let before = count(e);
    if e.sweep == SweepAxis::None || before <= MAX_SWEEP_MODELS {
        return;
    }
    let (n1, n2) = (e.sweep_values.len(), e.sweep2_values.len());
    while count(e) > MAX_SWEEP_MODELS && e.sweep2_values.len() > 1 {
        e.sweep2_values.pop();
    }
    while count(e) > MAX_SWEEP_MODELS && e.sweep_values.len() > 1 {
        e.sweep_values.pop();
    }
    let why = format!(
        "{before} models (values × values2 × seeds) is more than {MAX_SWEEP_MODELS}, keeping the first values ({} models)",
        count(e)
    );
    if e.sweep2_values.len() < n2 {
        n.push("sweep2_values", &fmt_values(&e.sweep2_values), &why);
    }
    if e.sweep_values.len() < n1 {
        n.push("sweep_values", &fmt_values(&e.sweep_values), &why);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_accept_their_ranges() {
        assert!(SweepAxis::Width.accepts(1.0) && SweepAxis::Width.accepts(1024.0));
        assert!(!SweepAxis::Width.accepts(0.0) && !SweepAxis::Width.accepts(2.5) && !SweepAxis::Width.accepts(2000.0));
        assert!(SweepAxis::Train.accepts(0.5) && !SweepAxis::Train.accepts(0.95));
        assert!(SweepAxis::Lr.accepts(1e-6) && !SweepAxis::Lr.accepts(0.0));
        assert!(SweepAxis::Depth.accepts(0.0) && !SweepAxis::Depth.accepts(9.0));
        assert!(!SweepAxis::None.accepts(1.0) && !SweepAxis::Flip.accepts(f64::NAN));
        let mut e = Experiment { layers: vec![], ..Experiment::default() };
        SweepAxis::Width.apply(&mut e, 7.0);
        assert_eq!(e.layers, vec![7]);
        SweepAxis::Depth.apply(&mut e, 3.0);
        assert_eq!(e.layers, vec![7, 7, 7]);
    }
}
