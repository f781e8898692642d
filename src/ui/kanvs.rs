//! KAN vs MLP at equal parameters (issue 7, "Seeing"; Liu et al. 2024, "KAN: Kolmogorov–Arnold
//! Networks", §3.1 and Fig. 3.1: test RMSE against parameter count). Pure logic, compiled on
//! every target so it is unit-tested natively and shared by the page and the CLI:
//! - parameter matching: the MLP with as many hidden layers as the KAN, all of one width, whose
//!   parameter count is closest to the KAN's trainable parameters (grids excluded; for a KAN
//!   refined during the run, its largest size);
//! - the runs: the link's KAN and its matched MLP trained side by side (test RMSE against
//!   steps), then a scaling series, KANs of the link's shape on the grids [`GRIDS`] and an MLP
//!   matched to each (test RMSE against parameters);
//! - [`KanVsMlp`], a driver that trains them in budget-sized pieces (the page calls it once per
//!   animation frame, as `sweeplab` does; natively [`KanVsMlp::run_blocking`]). Backends come
//!   from a factory, so the page can put the MLPs on WebGPU; [`cpu_backend`] is the default.
//!
//! Classification runs compare test error (1 − accuracy) instead of RMSE ([`Metric`]).

use crate::core::data::Data;
use crate::core::kan::{KanLayout, GRID};
use crate::core::mlp::Layout;
use crate::engine::{Backend, Snapshot};
use crate::experiment::{Experiment, Model, ScoreKind, SweepAxis};

/// KAN grid sizes of the scaling series (pykan's scaling study varies G at a fixed shape).
pub const GRIDS: &[u32] = &[3, 5, 10, 20, 50];
/// Widest MLP hidden layer considered when matching.
pub const MAX_WIDTH: usize = 4096;
/// Most steps of a comparison run (longer links are compared over their first `MAX_STEPS`).
pub const MAX_STEPS: u64 = 20_000;
/// Test metric points recorded per run.
pub const POINTS: u64 = 60;

/// Which model a run trains.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arch {
    Kan,
    Mlp,
}

/// What the charts compare: test RMSE (regression) or test error (classification).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    Rmse,
    Error,
}

impl Metric {
    pub fn of(e: &Experiment) -> Metric {
        if e.is_regression() {
            Metric::Rmse
        } else {
            Metric::Error
        }
    }
    /// The metric of model 0 in `s`: √(2·loss) (the regression loss is ½·error²) or 1 − acc.
    pub fn value(self, s: &Snapshot) -> f64 {
        let t = s.test.first().copied().unwrap_or_default();
        match self {
            Metric::Rmse => (2.0 * t.loss as f64).max(0.0).sqrt(),
            Metric::Error => 1.0 - t.acc as f64,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Metric::Rmse => "test RMSE",
            Metric::Error => "test error",
        }
    }
}

/// Trainable parameters per model of the KAN of `e` on `g` intervals (grids excluded).
pub fn kan_params(e: &Experiment, g: u32) -> usize {
    KanLayout::new(&e.widths(), g as usize, e.order as usize, crate::engine::kan::head_of(e), 1)
        .with_basis(e.basis)
        .trainable()
}

/// The largest grid the KAN of `e` has during its run (`grid`, then its refinements).
pub fn largest_grid(e: &Experiment) -> u32 {
    e.refine.iter().map(|r| r.1).fold(e.grid, u32::max)
}

/// `e` as a single-model run of the comparison: one seed, no sweep, scores, hand edits, snaps
/// or pruning.
fn single(e: &Experiment) -> Experiment {
    let mut x = e.clone();
    x.seeds = 1;
    (x.sweep, x.sweep2) = (SweepAxis::None, SweepAxis::None);
    (x.sweep_values, x.sweep2_values) = (Vec::new(), Vec::new());
    x.score = ScoreKind::None;
    x.prune = 0.0;
    x.wedit.clear();
    // Snapping and pruning are analysis, not training: the comparison trains plain KANs.
    x.snap.clear();
    x.kprune.clear();
    x.frozen = false;
    x.steps = e.steps.clamp(1, MAX_STEPS);
    x
}

/// The MLP of `e` (its data, optimizer, activation, …) with `hidden` layers of width `w`.
pub fn mlp_exp(e: &Experiment, hidden: usize, w: usize) -> Experiment {
    let mut x = single(e);
    x.model = Model::Mlp;
    x.layers = vec![w.clamp(1, MAX_WIDTH) as u32; hidden.max(1)];
    x.refine.clear();
    x
}

/// The KAN of `e` on `g` intervals without refinement (a scaling point).
pub fn kan_exp(e: &Experiment, g: u32) -> Experiment {
    let mut x = single(e);
    x.model = Model::Kan;
    x.grid = g.clamp(GRID.0 as u32, GRID.1 as u32);
    x.refine.clear();
    x
}

/// Parameters per model of the MLP `e`.
pub fn mlp_params(e: &Experiment) -> usize {
    Layout::from_experiment(e, 1).p
}

/// The width w in 1..=[`MAX_WIDTH`] whose `count(w)` (increasing in w) is closest to `target`
/// (the narrower one on a tie).
pub fn match_width(target: usize, count: impl Fn(usize) -> usize) -> usize {
    let (mut lo, mut hi) = (1, MAX_WIDTH);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if count(mid) < target {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    // lo: the narrowest width with count ≥ target (or MAX_WIDTH).
    if lo > 1 && target.abs_diff(count(lo - 1)) <= target.abs_diff(count(lo)) {
        lo - 1
    } else {
        lo
    }
}

/// The MLP matched to `target` parameters for the data and settings of `e` (as many hidden
/// layers as the KAN of `e`).
pub fn matched_mlp(e: &Experiment, target: usize) -> Experiment {
    let hidden = e.layers.len().max(1);
    let w = match_width(target, |w| mlp_params(&mlp_exp(e, hidden, w)));
    mlp_exp(e, hidden, w)
}

/// One run of the comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Spec {
    pub arch: Arch,
    pub exp: Experiment,
    /// Trainable parameters per model.
    pub params: usize,
    /// Legend text, e.g. "KAN [2,5,1] G=5".
    pub label: String,
    /// Part of the side-by-side pair (runs 0 and 1) rather than only of the scaling series.
    pub pair: bool,
}

fn shape(e: &Experiment) -> String {
    let w: Vec<String> = e.widths().iter().map(|w| w.to_string()).collect();
    format!("[{}]", w.join(","))
}

fn kan_spec(x: Experiment, pair: bool) -> Spec {
    let params = kan_params(&x, largest_grid(&x));
    let refine = x.refine.iter().map(|r| format!("→{}", r.1)).collect::<String>();
    let label = format!("KAN {} G={}{refine}", shape(&x), x.grid);
    Spec { arch: Arch::Kan, params, label, pair, exp: x }
}

fn mlp_spec(x: Experiment, pair: bool) -> Spec {
    let params = mlp_params(&x);
    let act = x.act_of(0);
    let act = crate::experiment::types::ACT.iter().find(|a| a.1 == act).map_or("", |a| a.0);
    let label = format!("MLP {} {act}", shape(&x));
    Spec { arch: Arch::Mlp, params, label, pair, exp: x }
}

/// The runs comparing the KAN of `e`: [0] the link's KAN, [1] its matched MLP, then for every
/// grid of [`GRIDS`] not already run 0's a KAN and its matched MLP. Empty for an MLP link.
pub fn plan(e: &Experiment) -> Vec<Spec> {
    if e.model != Model::Kan {
        return Vec::new();
    }
    let mut own = single(e);
    own.model = Model::Kan;
    let kan = kan_spec(own, true);
    let mlp = mlp_spec(matched_mlp(e, kan.params), true);
    let mut v = vec![kan, mlp];
    let plain = e.refine.is_empty();
    for &g in GRIDS {
        if plain && g == e.grid {
            continue;
        }
        let k = kan_spec(kan_exp(e, g), false);
        let m = mlp_spec(matched_mlp(e, k.params), false);
        v.extend([k, m]);
    }
    v
}

/// Steps between recorded metric points for a run of `steps` steps.
pub fn every(steps: u64) -> u64 {
    steps.div_ceil(POINTS).max(1)
}

/// The data and a CPU backend for `e` (the KAN reference or the MLP CPU backend).
pub fn cpu_backend(e: &Experiment) -> Result<(Data, Box<dyn Backend>), String> {
    if e.model == Model::Kan {
        let (d, s) = crate::engine::kan::setup(e);
        crate::engine::kan::check_size(&s)?;
        Ok((d, Box::new(crate::engine::kan::KanCpu::new(s, 0))))
    } else {
        let (d, s) = crate::train::setup(e);
        Ok((d, Box::new(crate::engine::cpu::CpuBackend::new(s, 0))))
    }
}

/// The data and a WebGPU backend for `e` (`backend=webgpu` links): `gpu::kan::KanGpu` for a KAN
/// the GPU path supports (else the CPU reference), the MLP plan for an MLP.
pub fn gpu_backend(
    ctx: &std::sync::Arc<crate::gpu::GpuContext>,
    e: &Experiment,
) -> Result<(Data, Box<dyn Backend>), String> {
    if e.model == Model::Kan {
        if !crate::gpu::kan::gpu_supports(e) {
            return cpu_backend(e);
        }
        let (d, s) = crate::engine::kan::setup(e);
        crate::engine::kan::check_size(&s)?;
        Ok((d, Box::new(crate::gpu::kan::KanGpu::new(ctx.clone(), s, 0)?)))
    } else {
        let (d, s) = crate::train::setup(e);
        Ok((d, Box::new(crate::gpu::GpuBackend::new(ctx.clone(), s, 0)?)))
    }
}

#[cfg(test)]
#[path = "kanvs_tests.rs"]
mod tests;
