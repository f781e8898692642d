//! The engine boundary: a `Backend` executes training steps and evaluations for M models of one
//! static layout. Two implementations: `cpu` (the plain-Rust reference, also the fallback in the
//! browser) and `gpu::GpuBackend` (wgpu: WebGPU in the browser, Vulkan natively).
//! The session (`train`) owns the schedule: batch order and per-step hyperparameters.

pub mod cpu;
pub mod kan;
pub mod tfm;

use crate::core::data::Split;
use crate::core::mlp::Layout;
use crate::core::optim::StepHyper;
use crate::experiment::Optimizer;

/// Boundary heatmap resolution (cells per side over [-6, 6]²).
pub const GRID_RES: usize = 64;

/// Everything a backend is built from.
#[derive(Clone, Debug)]
pub struct Setup {
    pub layout: Layout,
    pub opt: Optimizer,
    /// Minibatch size B.
    pub batch: usize,
    pub train: Split,
    pub test: Split,
    /// Initial parameters [M, P].
    pub params: Vec<f32>,
    /// Adam moments to resume from (device loss, backend switch); zeros when `None`.
    pub moments: Option<(Vec<f32>, Vec<f32>)>,
    /// The run's seed: keys the dropout masks (model m draws those of seed + m).
    pub seed: u64,
    /// The boundary grid lifted through the input features: [GRID_RES², layout.inputs()], row 0
    /// at y = +6 (`grid_points` when the inputs are the raw x, y). Any other length: no grid.
    pub grid: Vec<f32>,
    /// Per-parameter learning-rate multipliers: [P] shared by every model
    /// (`core::init::InitPlan::lr_mask`, e.g. μP), or [M, P] per model (sweeps: a learning-rate
    /// axis, or 0 on the padding of a width sweep); empty = all 1.
    pub lr_mask: Vec<f32>,
    /// Report model 0's per-example correctness with every snapshot (`Snapshot::correct`): the
    /// clean / flipped training accuracies of label-noise runs and the a × b table of `data=mod`.
    /// Off by default (the playground's snapshots stay as small as before).
    pub per_example: bool,
}

impl Setup {
    /// A setup with seed 0, no moments, no lr multipliers, and `grid_points()` as the grid
    /// when the layout has 2 inputs (else none).
    pub fn new(layout: Layout, opt: Optimizer, batch: usize, train: Split, test: Split, params: Vec<f32>) -> Self {
        let grid = if layout.inputs() == 2 { grid_points() } else { vec![] };
        Setup {
            layout,
            opt,
            batch,
            train,
            test,
            params,
            moments: None,
            seed: 0,
            grid,
            lr_mask: vec![],
            per_example: false,
        }
    }

    /// The u32 target buffers (train, test): class indices, or for a regression head the float
    /// targets `Split::r` as their bits (`f32::to_bits`; missing values read as NaN).
    pub fn targets(&self) -> (Vec<u32>, Vec<u32>) {
        let classes = |s: &Split| s.y.iter().map(|&v| v as u32).collect::<Vec<u32>>();
        let bits = |s: &Split| (0..s.len()).map(|k| s.r.get(k).copied().unwrap_or(f32::NAN).to_bits()).collect();
        match self.layout.head {
            crate::core::ops::HeadKind::Regression => (bits(&self.train), bits(&self.test)),
            _ => (classes(&self.train), classes(&self.test)),
        }
    }

    /// The grid rows when `grid` fits the layout.
    pub fn grid_ok(&self) -> bool {
        self.grid.len() == GRID_RES * GRID_RES * self.layout.inputs()
    }

    /// The learning-rate multipliers, [P] or [M, P] as given; [P] of 1 when `lr_mask` is empty
    /// (or has any other length).
    pub fn lr_mask(&self) -> Vec<f32> {
        let (p, m) = (self.layout.p, self.layout.models);
        if self.lr_mask.len() == p || (m > 1 && self.lr_mask.len() == m * p) {
            self.lr_mask.clone()
        } else {
            vec![1.0; p]
        }
    }

    /// Whether the learning-rate multipliers are per model ([M, P], M > 1).
    pub fn lr_per_model(&self) -> bool {
        let (p, m) = (self.layout.p, self.layout.models);
        m > 1 && p > 0 && self.lr_mask.len() == m * p
    }
}

/// Loss and accuracy of one model on one split, in evaluation mode over the whole split.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Stats {
    pub loss: f32,
    pub acc: f32,
}

/// Metrics after `step` steps.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub step: u64,
    /// Per model.
    pub train: Vec<Stats>,
    pub test: Vec<Stats>,
    /// Model 0's boundary scores in [-1, 1], `GRID_RES²`, row 0 at y = +6.
    pub grid: Option<Vec<f32>>,
    /// Per model: the first step after which a weight was NaN or infinite (divergence), found
    /// where training runs (on the GPU by the optimizer kernel) and read back with the metrics.
    pub bad: Vec<Option<u64>>,
    /// Per model: L2 norm of all parameters (weights and biases) now.
    pub wnorm: Vec<f32>,
    /// Per model: L2 norm of the raw minibatch gradient (before clipping, regularizers and noise)
    /// of the last step; NaN before the first step.
    pub gnorm: Vec<f32>,
    /// Model 0's per-example correctness (1 or 0) on the training split, then the test split,
    /// when the setup asked for it (`Setup::per_example`); else empty.
    pub correct: Vec<f32>,
}

/// Parameters, Adam first and second moments, each [M, P].
pub type ParamState = (Vec<f32>, Vec<f32>, Vec<f32>);
/// Result of polling an asynchronous readback: `None` while pending.
pub type Polled<T> = Option<Result<T, String>>;

/// A training backend. Calls never block on the web; natively `wait` blocks until idle.
pub trait Backend {
    /// Human-readable name: the adapter's name (or vendor/architecture) or "CPU".
    fn label(&self) -> String;
    /// Steps submitted so far.
    fn steps(&self) -> u64;
    /// Queue one training step per entry of `hyper`; `idx` holds `hyper.len() × M × B` indices
    /// into the training split.
    fn train(&mut self, hyper: &[StepHyper], idx: &[u32]);
    /// True while the backend wants no more work queued (GPU submits in flight).
    fn busy(&self) -> bool;
    /// True when all submitted work has completed (the CPU is always idle between calls).
    fn idle(&self) -> bool;
    /// Start an evaluation after all queued steps; false if one is already pending.
    fn request_snapshot(&mut self, grid: bool) -> bool;
    /// The pending evaluation, once ready. `Err` means the backend failed (device lost).
    fn poll_snapshot(&mut self) -> Option<Result<Snapshot, String>>;
    /// Natively: block until queued work and pending readbacks complete. No-op on the web.
    fn wait(&mut self);
    /// Start reading the parameters (and Adam moments) back; false if pending.
    fn request_params(&mut self) -> bool;
    /// The parameters [M, P] and moments once read.
    fn poll_params(&mut self) -> Polled<ParamState>;
    /// A KAN backend's current layout (grids, snapped and pruned edges) and parameters [M, P];
    /// `None` for other models.
    fn kan_state(&self) -> Option<(crate::core::kan::KanLayout, Vec<f32>)> {
        None
    }
}

/// The grid of evaluation points over [-6, 6]², [GRID_RES², 2], row 0 at y = +6.
pub fn grid_points() -> Vec<f32> {
    let mut g = Vec::with_capacity(GRID_RES * GRID_RES * 2);
    let step = 12.0 / GRID_RES as f32;
    for r in 0..GRID_RES {
        for c in 0..GRID_RES {
            g.push(-6.0 + (c as f32 + 0.5) * step);
            g.push(6.0 - (r as f32 + 0.5) * step);
        }
    }
    g
}

/// Reduce per-example loss and correctness [M, N] to per-model stats.
pub fn reduce_stats(loss: &[f32], correct: &[f32], m: usize, n: usize) -> Vec<Stats> {
    (0..m)
        .map(|mi| {
            if n == 0 {
                return Stats { loss: f32::NAN, acc: f32::NAN };
            }
            let l: f64 = loss[mi * n..(mi + 1) * n].iter().map(|&v| v as f64).sum();
            let c: f64 = correct[mi * n..(mi + 1) * n].iter().map(|&v| v as f64).sum();
            Stats { loss: (l / n as f64) as f32, acc: (c / n as f64) as f32 }
        })
        .collect()
}
