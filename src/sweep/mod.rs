//! Sweeps (issue 5): many models of one experiment that differ along one or two axes (URL keys
//! `sweep`, `sweep_values`, `sweep2`, `sweep2_values`; `experiment::sweepkeys`), trained
//! together on the model axis M where the axis allows it (DESIGN.md §3 "Ensemble axis").
//!
//! - [`expand`]: the pure seam, one [`SweepPoint`] per value (value-major for two axes).
//! - [`groups`]: which points share one backend. `seed`, `lr` and `alpha` always batch (other
//!   initial parameters; a per-model learning-rate multiplier value/lr), `width` batches by
//!   padding every model to the largest width ([`build`]) when that is exact (see
//!   [`width_batches`]); `depth`, `n`, `train`, `flip` and `wd` change the data, the layer count
//!   or the regularizer: one group (backend) per value, run one after another.
//!   KANs and token models (`model=kan|emb|tfm`, [`models`]) batch the `seed` axis only (their
//!   backends take M models of one shape, one learning rate and one regularizer); every other
//!   value of theirs, `grid` included, is a group of its own.
//! - [`run::SweepRun`]: the steppable runner (native and in the browser) recording train/test
//!   loss and accuracy (and clean/noisy train accuracy under label noise) per point over steps.
//!
//! Model-wise double descent: Belkin et al. 2019, "Reconciling modern machine-learning practice
//! and the classical bias–variance trade-off"; Nakkiran et al. 2020, "Deep Double Descent".

pub mod build;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod frozen;
pub mod models;
pub mod report;
pub mod run;
pub mod view;

use crate::core::mlp::Layout;
use crate::experiment::{Activation, Experiment, Init, Model, SweepAxis};

/// One point of a sweep: its value(s) and the experiment it trains.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepPoint {
    pub value: f64,
    /// The second axis's value (phase diagrams).
    pub value2: Option<f64>,
    /// Model `s` of the point (of `exp.seeds`) is initialized from seed `init_seed + s`. Equal to
    /// `exp.seed` except on the `seed` axis, which varies the initialization only (data and
    /// batch order stay those of `exp.seed`, as for the `seeds` key).
    pub init_seed: u64,
    /// The experiment with the axis value(s) substituted and the sweep keys cleared.
    pub exp: Experiment,
}

/// Whether `e` describes a sweep (an axis with values).
pub fn is_sweep(e: &Experiment) -> bool {
    e.sweep != SweepAxis::None && !e.sweep_values.is_empty()
}

/// The points of `e`'s sweep, in the order of `sweep_values` (value-major over `sweep2_values`
/// for two axes); empty when `e` is not a sweep. Pure: no data, no training.
pub fn expand(e: &Experiment) -> Vec<SweepPoint> {
    if !is_sweep(e) {
        return Vec::new();
    }
    let mut base = e.clone();
    (base.sweep, base.sweep2) = (SweepAxis::None, SweepAxis::None);
    (base.sweep_values, base.sweep2_values) = (Vec::new(), Vec::new());
    let second: Vec<Option<f64>> = if e.sweep2 != SweepAxis::None && !e.sweep2_values.is_empty() {
        e.sweep2_values.iter().map(|&v| Some(v)).collect()
    } else {
        vec![None]
    };
    let mut out = Vec::with_capacity(e.sweep_values.len() * second.len());
    for &v in &e.sweep_values {
        for &v2 in &second {
            let mut exp = base.clone();
            let mut init_seed = e.seed;
            for (axis, val) in [(e.sweep, Some(v)), (e.sweep2, v2)] {
                let Some(val) = val else { continue };
                axis.apply(&mut exp, val);
                if axis == SweepAxis::Seed {
                    init_seed = val as u64;
                }
            }
            out.push(SweepPoint { value: v, value2: v2, init_seed, exp });
        }
    }
    out
}

/// Parameters of one model of `e`: an MLP's weights and biases, a KAN's trainable parameters
/// (its grids excluded, as `KanLayout::trainable`), a token model's parameters.
pub fn param_count(e: &Experiment) -> usize {
    match e.model {
        Model::Mlp => Layout::from_experiment(e, 1).p,
        Model::Kan => models::kan_layout(e, 1).trainable(),
        Model::Emb | Model::Tfm => {
            crate::engine::tfm::net_of(&Experiment { seeds: 1, ..e.clone() }).map_or(0, |n| n.p())
        }
    }
}

/// The interpolation threshold of a width sweep: the width (interpolated between whole widths)
/// at which a model has as many parameters as the training set has target values, n_train ×
/// outputs (Belkin et al. 2019; Nakkiran et al. 2020). `None` without a width axis or when no
/// width up to 1024 reaches it.
pub fn interpolation_threshold(e: &Experiment) -> Option<f64> {
    if e.sweep != SweepAxis::Width && e.sweep2 != SweepAxis::Width {
        return None;
    }
    let target = (e.n_train() * e.outputs()) as f64;
    let at = |w: u32| {
        let mut x = e.clone();
        SweepAxis::Width.apply(&mut x, w as f64);
        param_count(&x) as f64
    };
    let mut prev = at(1);
    if prev >= target {
        return Some(1.0);
    }
    for w in 2..=crate::experiment::limits::WIDTH.1 {
        let p = at(w);
        if p >= target {
            return Some((w - 1) as f64 + (target - prev) / (p - prev).max(1e-9));
        }
        prev = p;
    }
    None
}

/// Whether models of different widths of `e` train exactly as alone when padded to a common
/// width: the parametrization must not depend on the width (no NTK/μP multipliers), the
/// padded units must output 0 (σ(0) = 0: not sigmoid), and no random draw may be indexed by
/// the unit (dropout, gradient noise). Otherwise a width sweep runs one group per width.
pub fn width_batches(e: &Experiment) -> bool {
    matches!(e.init, Init::Standard | Init::Xavier | Init::He | Init::Zero)
        && e.dropout == 0.0
        && e.gnoise == 0.0
        && (0..e.layers.len()).all(|l| e.act_of(l) != Activation::Sigmoid)
}

/// Whether points that differ on `axis` can share one backend (KANs and token models: only
/// `seed`).
pub fn axis_batches(axis: SweepAxis, e: &Experiment) -> bool {
    if e.model != Model::Mlp {
        return matches!(axis, SweepAxis::None | SweepAxis::Seed);
    }
    match axis {
        SweepAxis::None | SweepAxis::Seed | SweepAxis::Lr | SweepAxis::Alpha => true,
        SweepAxis::Width => width_batches(e),
        SweepAxis::Depth
        | SweepAxis::N
        | SweepAxis::Train
        | SweepAxis::Flip
        | SweepAxis::Wd
        | SweepAxis::Grid
        | SweepAxis::Corrupt => false,
    }
}

/// The fixed cost of one more backend per training step (its ~2L+3 dispatches), in the unit of
/// [`width_buckets`]: padded units × batch rows, one model. Measured on lavapipe (the CPU
/// Vulkan that stands in for SwiftShader): a dispatch costs about as much as ~2k such units.
pub const GROUP_COST: usize = 16_384;

/// The points of each backend, in order: points that agree on every axis that does not batch.
/// `pad_widths`: whether a width axis batches by padding (worth it on a GPU, where the padded
/// models run in parallel; on the CPU padding costs max width × models instead of the sum of
/// the widths, so the CPU runs one group per width). Padded groups are split into width
/// buckets ([`width_buckets`]) so that narrow models are not padded to the widest.
pub fn groups(e: &Experiment, points: &[SweepPoint], pad_widths: bool) -> Vec<Vec<usize>> {
    let keyed = key_groups(e, points, pad_widths);
    if !(pad_widths && [e.sweep, e.sweep2].contains(&SweepAxis::Width) && axis_batches(SweepAxis::Width, e)) {
        return keyed;
    }
    let rows = e.bs.max(1) as usize * e.seeds.max(1) as usize;
    keyed.into_iter().flat_map(|g| width_buckets(points, g, rows)).collect()
}

/// Splits a padded group (point indices `g`) into buckets of neighbouring widths (each point's
/// widest hidden layer) minimizing Σ over buckets of [`GROUP_COST`] + points × bucket width ×
/// `rows` (batch rows × seeds per point): the padded work plus each backend's fixed cost. A
/// bucket keeps its points in their original order; buckets come narrowest first. Each model
/// still trains exactly as alone (`build`), whatever its bucket.
pub fn width_buckets(points: &[SweepPoint], g: Vec<usize>, rows: usize) -> Vec<Vec<usize>> {
    let width = |i: usize| points[i].exp.layers.iter().copied().max().unwrap_or(0) as usize;
    let mut order = g.clone();
    order.sort_by_key(|&i| width(i));
    let n = order.len();
    // best[j]: least cost of the first j points (by width); cut[j]: where its last bucket starts.
    let mut best = vec![0usize; n + 1];
    let mut cut = vec![0usize; n + 1];
    for j in 1..=n {
        best[j] = usize::MAX;
        for i in 0..j {
            // Equal widths stay together.
            if i > 0 && width(order[i - 1]) == width(order[i]) {
                continue;
            }
            let c = best[i].saturating_add(GROUP_COST + (j - i) * width(order[j - 1]) * rows);
            if c < best[j] {
                (best[j], cut[j]) = (c, i);
            }
        }
    }
    let mut bounds = vec![];
    let mut j = n;
    while j > 0 {
        bounds.push((cut[j], j));
        j = cut[j];
    }
    bounds
        .into_iter()
        .rev()
        .map(|(a, b)| {
            let mut bucket: Vec<usize> = order[a..b].to_vec();
            bucket.sort_unstable();
            bucket
        })
        .collect()
}

/// [`groups`] before width bucketing: points that agree on every axis that does not batch.
fn key_groups(e: &Experiment, points: &[SweepPoint], pad_widths: bool) -> Vec<Vec<usize>> {
    let batches = |axis| axis_batches(axis, e) && (pad_widths || axis != SweepAxis::Width);
    let (b1, b2) = (batches(e.sweep), batches(e.sweep2));
    let mut keys: Vec<(Option<u64>, Option<u64>)> = Vec::new();
    let mut out: Vec<Vec<usize>> = Vec::new();
    for (i, p) in points.iter().enumerate() {
        let key = ((!b1).then(|| p.value.to_bits()), (!b2).then(|| p.value2.unwrap_or(0.0).to_bits()));
        match keys.iter().position(|k| *k == key) {
            Some(g) => out[g].push(i),
            None => {
                keys.push(key);
                out.push(vec![i]);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::url::decode;

    #[test]
    fn thresholds_by_hand() {
        // 2 → w → 1 (tanh head): 4w + 1 parameters; n_train = 250 targets → w = 62.25.
        let e = decode("v=1&layers=8&sweep=width&sweep_values=1,2").experiment;
        assert_eq!(param_count(&Experiment { layers: vec![62], ..e.clone() }), 249);
        let t = interpolation_threshold(&e).unwrap();
        assert!((t - 62.25).abs() < 1e-9, "{t}");
        assert_eq!(interpolation_threshold(&Experiment { sweep: SweepAxis::Lr, ..e }), None);
    }

    #[test]
    fn width_buckets_bound_the_padding() {
        let widths: Vec<String> = crate::bench::widths::sweep().iter().map(|w| w.to_string()).collect();
        let e = decode(&format!("v=1&layers=8&sweep=width&sweep_values={}", widths.join(","))).experiment;
        let pts = expand(&e);
        let g = groups(&e, &pts, true);
        let w = |i: usize| pts[i].exp.layers[0] as usize;
        // Every point once; buckets of neighbouring widths, narrowest first.
        let mut all: Vec<usize> = g.iter().flatten().copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..64).collect::<Vec<_>>());
        assert!(g.len() > 1 && g.len() < 8, "{} buckets", g.len());
        for pair in g.windows(2) {
            assert!(pair[0].iter().map(|&i| w(i)).max() < pair[1].iter().map(|&i| w(i)).min());
        }
        let padded: usize = g.iter().map(|b| b.len() * b.iter().map(|&i| w(i)).max().unwrap()).sum();
        assert!(padded < 64 * 512 * 3 / 4, "padded units {padded}");
        // Small sweeps stay one group; the CPU (no padding) one per width.
        let small = decode("v=1&sweep=width&sweep_values=1,2,3,8&seeds=2").experiment;
        assert_eq!(groups(&small, &expand(&small), true).len(), 1);
        assert_eq!(groups(&e, &pts, false).len(), 64);
    }
}
