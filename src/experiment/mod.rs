//! The `Experiment`: everything a run depends on, seed included (DESIGN.md §4).
//!
//! Pure data. Its URL form (`url.rs`) is the product's share format: versioned (`v=1`), only
//! non-default values, human-readable keys. `v=1` freezes the defaults below, the data generators
//! (`core::data`) and the random streams (`core::rng`); changing any of them bumps [`URL_VERSION`].

mod fields;
pub mod hostile;
mod kanfields;
mod keys;
mod lists;
pub mod presets;
mod rules;
pub mod sweepkeys;
pub mod types;
pub mod url;

use serde::{Deserialize, Serialize};

/// Version of the URL format and of everything it freezes (defaults, generators, random streams).
pub const URL_VERSION: u32 = 1;

/// Limits of the URL's numeric fields (inclusive). Out-of-range values are clamped and reported.
pub mod limits {
    pub const N: (u32, u32) = (20, 10_000);
    pub const TRAIN: (f32, f32) = (0.05, 0.9);
    pub const NOISE: (f32, f32) = (0.0, 50.0);
    pub const MAX_LAYERS: usize = 8;
    pub const WIDTH: (u32, u32) = (1, 1024);
    pub const LR: (f32, f32) = (1e-6, 1e3);
    pub const BS: (u32, u32) = (1, 10_000);
    pub const L2: (f32, f32) = (0.0, 10.0);
    pub const WD: (f32, f32) = (0.0, 20.0);
    pub const STEPS: (u64, u64) = (1, 10_000_000);
    pub const CLASSES: (u32, u32) = (2, 5);
    pub const DIM: (u32, u32) = (2, 100);
    pub const FLIP: (f32, f32) = (0.0, 1.0);
    pub const MAX_FREQS: usize = 8;
    pub const FREQ: (f32, f32) = (0.1, 64.0);
    /// Drawn points kept in the URL; beyond this the page offers a CSV file instead.
    pub const MAX_POINTS: usize = 300;
    pub const POINT_COORD: (f32, f32) = (-6.0, 6.0);
    pub const POINT_VALUE: (f32, f32) = (-10.0, 10.0);
    pub const RFF: (u32, u32) = (0, 1024);
    pub const RFF_SCALE: (f32, f32) = (0.01, 100.0);
    pub const W0: (f32, f32) = (0.1, 100.0);
    pub const HOURGLASS: (u32, u32) = (0, 1024);
    pub const MOMENTUM: (f32, f32) = (0.0, 0.999);
    pub const BETA1: (f32, f32) = (0.0, 0.9999);
    pub const BETA2: (f32, f32) = (0.0, 0.99999);
    pub const WARMUP: (u64, u64) = (0, 10_000_000);
    pub const DECAY_EVERY: (u64, u64) = (1, 10_000_000);
    pub const DECAY: (f32, f32) = (0.01, 1.0);
    pub const CLIP: (f32, f32) = (0.0, 1000.0);
    pub const L1: (f32, f32) = (0.0, 10.0);
    pub const DROPOUT: (f32, f32) = (0.0, 0.9);
    pub const SMOOTH: (f32, f32) = (0.0, 0.5);
    pub const GNOISE: (f32, f32) = (0.0, 10.0);
    pub const ALPHA: (f32, f32) = (0.0, 100.0);
    pub const BASE: (u32, u32) = (1, 1024);
    pub const SEEDS: (u32, u32) = (1, 128);
    /// Weights set by hand (`wedit`): at most this many, values within ±`WEDIT_VALUE`.
    pub const MAX_WEDITS: usize = 32;
    pub const WEDIT_VALUE: f32 = 1000.0;
    pub const RIDGE: (f32, f32) = (0.0, 1000.0);
    pub const SUBPOPS: (u32, u32) = (2, 200);
    pub const ZIPF: (f32, f32) = (0.0, 3.0);
    pub const SCORE_STEP: (u64, u64) = (1, 10_000_000);
    pub const PRUNE: (f32, f32) = (0.0, 0.9);
    /// `data=mod`: the modulus (a non-prime is moved to the nearest prime).
    pub const P: (u32, u32) = (5, 251);
    /// Fraction of training labels corrupted (`data=mod`, `data=digits`; Doshi et al. 2024).
    pub const CORRUPT: (f32, f32) = (0.0, 0.9);
    /// Smallest training fraction of the 2-D playground data (`data=mod` goes down to `TRAIN.0`).
    pub const TRAIN_PLAYGROUND_MIN: f32 = 0.1;
    /// KAN grid intervals G and spline order k.
    pub const GRID: (u32, u32) = (3, 100);
    pub const ORDER: (u32, u32) = (1, 5);
    /// Most entries of the `refine` schedule.
    pub const MAX_REFINES: usize = 8;
    /// Most entries of the `snap` schedule and of the `kprune` schedule.
    pub const MAX_SNAPS: usize = 64;
    pub const MAX_KPRUNES: usize = 8;
    /// KAN pruning threshold (attribution score) and sparsity weights (pykan `lamb`, `lamb_entropy`).
    pub const KPRUNE: (f32, f32) = (0.0, 10.0);
    pub const LAMB: (f32, f32) = (0.0, 10.0);
    pub const LAMB_ENTROPY: (f32, f32) = (0.0, 10.0);
    /// Transformer (`model=tfm`, Nanda et al. 2023): residual width, heads, blocks, MLP width.
    pub const D_MODEL: (u32, u32) = (2, 512);
    pub const HEADS: (u32, u32) = (1, 16);
    pub const TFM_LAYERS: (u32, u32) = (1, 2);
    pub const D_MLP: (u32, u32) = (0, 2048);
}

pub use sweepkeys::SweepAxis;
pub use types::*;

/// One experiment. Field names are the URL keys, in URL order (`keys.rs` documents each).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Experiment {
    pub seed: u64,
    pub data: Dataset,
    /// Total points generated (train + test).
    pub n: u32,
    /// Fraction of the `n` points used for training.
    pub train: f32,
    /// TFP's noise, 0–50 (percent of the data radius; jitters points before labelling).
    pub noise: f32,
    /// Classes of `rings` and `longtail`.
    pub classes: u32,
    /// Dimension of `xorclusters`.
    pub dim: u32,
    /// Fraction of training labels moved to a different class (test labels never change).
    pub flip: f32,
    pub labels: Labels,
    /// Frequencies of `sines`.
    pub freqs: Vec<f32>,
    /// Drawn points of `custom`.
    pub pts: Vec<Point>,
    /// Input features (never empty).
    pub features: Vec<Feature>,
    /// Random Fourier features (Tancik et al. 2020): count and scale σ.
    pub rff: u32,
    pub rff_scale: f32,
    /// Hidden widths; empty = no hidden layer.
    pub layers: Vec<u32>,
    /// One activation for every hidden layer, or one per hidden layer (the last repeats).
    pub act: Vec<Activation>,
    /// SIREN's ω₀ for `sin`.
    pub w0: f32,
    /// Residual connections around equal-width hidden layers.
    pub resid: bool,
    /// Hourglass blocks (wide-narrow-wide): the narrow width, 0 = off.
    pub hourglass: u32,
    pub loss: Loss,
    pub opt: Optimizer,
    pub lr: f32,
    pub momentum: f32,
    pub nesterov: bool,
    pub beta1: f32,
    pub beta2: f32,
    pub sched: Schedule,
    /// Warmup steps (`warmup` and `cosine` schedules).
    pub warmup: u64,
    /// `step` schedule: multiply the rate by `decay` every `decay_every` steps.
    pub decay_every: u64,
    pub decay: f32,
    /// Batch size; clamped at run time to the number of training points.
    pub bs: u32,
    /// Gradient clipping by global norm per model; 0 = off.
    pub clip: f32,
    /// L1 penalty on weights (not biases): g += l1·sign(w).
    pub l1: f32,
    /// L2 penalty on weights (not biases), added to the gradient as `l2 * w`.
    pub l2: f32,
    /// Decoupled weight decay on weights, w ← w − lr·wd·w each step (Loshchilov & Hutter 2019).
    pub wd: f32,
    pub dropout: f32,
    /// Label smoothing ε (cross-entropy).
    pub smooth: f32,
    /// Gradient noise η: variance η/(1+t)^0.55 (Neelakantan et al. 2015).
    pub gnoise: f32,
    pub init: Init,
    /// Init-scale multiplier α (Omnigrok, Liu et al. 2022).
    pub alpha: f32,
    /// muP base width.
    pub base: u32,
    /// Models trained together on the model axis, seeds `seed`, `seed + 1`, …
    pub seeds: u32,
    /// Run length for the CLI and presets; the page trains until paused.
    pub steps: u64,
    pub backend: BackendChoice,
    /// View: draw the test points on the boundary plot.
    pub show_test: bool,
    /// View: two-colour boundary instead of the continuous score.
    pub discretize: bool,
    /// View: log step axis on the curves.
    pub logx: bool,
    /// Classroom links: URL keys whose controls the page hides.
    pub hide: Vec<String>,
    /// Weights set by hand, in step order (applied by the session at their steps).
    pub wedit: Vec<WeightEdit>,
    /// Sweep axis (issue 5; `sweepkeys`): the models of the run take these values on it.
    pub sweep: SweepAxis,
    pub sweep_values: Vec<f64>,
    /// Second sweep axis: a phase diagram over values × values2 (value-major).
    pub sweep2: SweepAxis,
    pub sweep2_values: Vec<f64>,
    /// Random features: hidden layers frozen at their random init, the readout solved in closed
    /// form (`core::rf`), no training steps.
    pub frozen: bool,
    /// Ridge penalty λ of the closed-form readout; 0 = minimum-norm least squares.
    pub ridge: f32,
    /// Subpopulations of `longtail`.
    pub subpops: u32,
    /// Zipf exponent of the `longtail` subpopulation frequencies (∝ rank^−zipf).
    pub zipf: f32,
    /// Per-example score of the training points (`scores`): none, memorization, EL2N, GraNd.
    pub score: ScoreKind,
    /// Step at which EL2N / GraNd are computed (Paul et al. score early in training).
    pub score_step: u64,
    /// Fraction of the training set removed by score before retraining (data diet).
    pub prune: f32,
    /// Which end of the score ranking `prune` removes.
    pub prune_side: PruneSide,
    /// `data=mod`: the prime modulus p (inputs 2p, classes p).
    pub p: u32,
    /// `data=mod`: the operation.
    pub op: ModOp,
    /// `data=mod` / `data=digits`: fraction of training labels replaced by a different random
    /// class (Doshi et al. 2024, "To grok or not to grok"); test labels never change.
    pub corrupt: f32,
    /// The function of `data=fn` (URL key `fn`, a Rust keyword).
    pub func: Func,
    pub model: Model,
    /// KAN grid intervals G.
    pub grid: u32,
    /// KAN spline order k.
    pub order: u32,
    /// KAN grid refinements (step, G′), by increasing step: at that step every layer's grid
    /// becomes G′ intervals fitted to the activations, coefficients refitted by least squares.
    pub refine: Vec<(u64, u32)>,
    /// KAN symbolic snaps (pykan `fix_symbolic` / `auto_symbolic`), by step.
    pub snap: Vec<crate::core::kan::symbolic::Snap>,
    /// KAN pruning of nodes and edges by attribution: (step, threshold), by increasing step.
    pub kprune: Vec<(u64, f32)>,
    /// KAN sparsity penalty λ (L1 + entropy of the edges' mean |φ|, pykan `lamb`); 0 = off.
    pub lamb: f32,
    /// Weight μ of the entropy term inside the penalty (pykan `lamb_entropy`).
    pub lamb_entropy: f32,
    /// `model=tfm`: residual-stream width d_model (a multiple of `heads`).
    pub d_model: u32,
    /// `model=tfm`: attention heads per block (d_head = d_model / heads).
    pub heads: u32,
    /// `model=tfm`: transformer blocks (1–2).
    pub tfm_layers: u32,
    /// `model=tfm`: hidden width of each block's ReLU MLP; 0 = attention-only blocks.
    pub d_mlp: u32,
    /// `model=tfm`: pre-LayerNorm before attention, MLP and unembedding.
    pub ln: bool,
    /// KAN edge basis: B-splines (pykan), ReLU-KAN bumps, or KAT's rational P/Q.
    pub basis: crate::core::kan::Basis,
}

impl Default for Experiment {
    fn default() -> Self {
        Experiment {
            seed: 1,
            data: Dataset::Circle,
            n: 500,
            train: 0.5,
            noise: 0.0,
            classes: 3,
            dim: 2,
            flip: 0.0,
            labels: Labels::Given,
            freqs: vec![1.0, 3.0, 9.0],
            pts: Vec::new(),
            features: vec![Feature::X, Feature::Y],
            rff: 0,
            rff_scale: 1.0,
            layers: vec![4, 2],
            act: vec![Activation::Tanh],
            w0: 1.0,
            resid: false,
            hourglass: 0,
            loss: Loss::Mse,
            opt: Optimizer::Sgd,
            lr: 0.03,
            momentum: 0.9,
            nesterov: false,
            beta1: 0.9,
            beta2: 0.999,
            sched: Schedule::Constant,
            warmup: 100,
            decay_every: 1000,
            decay: 0.5,
            bs: 10,
            clip: 0.0,
            l1: 0.0,
            l2: 0.0,
            wd: 0.0,
            dropout: 0.0,
            smooth: 0.0,
            gnoise: 0.0,
            init: Init::Standard,
            alpha: 1.0,
            base: 8,
            seeds: 1,
            steps: 2000,
            backend: BackendChoice::Auto,
            show_test: true,
            discretize: false,
            logx: false,
            hide: Vec::new(),
            wedit: Vec::new(),
            sweep: SweepAxis::None,
            sweep_values: Vec::new(),
            sweep2: SweepAxis::None,
            sweep2_values: Vec::new(),
            frozen: false,
            ridge: 0.0,
            subpops: 40,
            zipf: 1.2,
            score: ScoreKind::None,
            score_step: 100,
            prune: 0.0,
            prune_side: PruneSide::Easy,
            p: 23,
            op: ModOp::Add,
            corrupt: 0.0,
            func: Func::Expsin,
            model: Model::Mlp,
            grid: 5,
            order: 3,
            refine: Vec::new(),
            snap: Vec::new(),
            kprune: Vec::new(),
            lamb: 0.0,
            lamb_entropy: 2.0,
            d_model: 128,
            heads: 4,
            tfm_layers: 1,
            d_mlp: 512,
            ln: false,
            basis: crate::core::kan::Basis::Bspline,
        }
    }
}

impl Experiment {
    /// Number of training points (at least 1, at most n-1).
    pub fn n_train(&self) -> usize {
        match self.data {
            Dataset::Mod => crate::core::data::n_train(self.n_pairs(), self.train),
            Dataset::Digits => crate::core::data::digits::n_train(self.n),
            _ => {
                let n = self.n as usize;
                ((self.n as f32 * self.train).round() as usize).clamp(1, n.saturating_sub(1).max(1))
            }
        }
    }
    /// Number of test points.
    pub fn n_test(&self) -> usize {
        match self.data {
            Dataset::Mod => self.n_pairs() - self.n_train(),
            Dataset::Digits => crate::core::data::digits::TEST,
            _ => (self.n as usize).saturating_sub(self.n_train()),
        }
    }
    /// `data=mod`: the modulus used (`p`, or the nearest prime).
    pub fn modulus(&self) -> usize {
        crate::core::data::modular::modulus(self.p)
    }
    /// `data=mod`: number of pairs (p², or p(p − 1) for `div`).
    pub fn n_pairs(&self) -> usize {
        crate::core::data::modular::n_pairs(self.modulus(), self.op)
    }
    /// Effective batch size: `bs` clamped to the training set.
    pub fn batch(&self) -> usize {
        (self.bs as usize).clamp(1, self.n_train())
    }
    /// Activation of hidden layer `l` (the last listed one repeats).
    pub fn act_of(&self, l: usize) -> Activation {
        self.act.get(l).or(self.act.last()).copied().unwrap_or(Activation::Tanh)
    }
    pub fn is_regression(&self) -> bool {
        self.data.is_regression()
    }
    /// Classes of the data: 0 for regression, `classes` for rings, 1 + the largest drawn class
    /// (at least 2) for custom points, else 2.
    pub fn classes_out(&self) -> usize {
        match self.data {
            d if d.is_regression() => 0,
            Dataset::Rings | Dataset::Longtail => self.classes as usize,
            Dataset::Mod => self.modulus(),
            Dataset::Digits => crate::core::data::digits::CLASSES,
            Dataset::Custom => {
                let top = self.pts.iter().map(|p| p.v.max(0.0) as usize).max().unwrap_or(1);
                (top + 1).clamp(2, limits::CLASSES.1 as usize)
            }
            _ => 2,
        }
    }
    /// Softmax cross-entropy: asked for, or needed (more than two classes under `mse`; any
    /// classification by a KAN or token model under `mse-onehot`, which only MLPs train).
    pub fn uses_ce(&self) -> bool {
        !self.is_regression() && !self.uses_onehot_mse() && (self.loss != Loss::Mse || self.classes_out() > 2)
    }
    /// The square loss on one-hot targets (`loss=mse-onehot`): an MLP on classification data.
    pub fn uses_onehot_mse(&self) -> bool {
        !self.is_regression() && self.loss == Loss::MseOnehot && self.model == Model::Mlp
    }
    /// Number of output units: 1 for regression and for TFP's tanh output (MSE, two classes),
    /// else one per class (logits, or the one-hot square loss's outputs).
    pub fn outputs(&self) -> usize {
        if self.uses_ce() || self.uses_onehot_mse() {
            self.classes_out()
        } else {
            1
        }
    }
    /// Model inputs: `dim` coordinates for XOR clusters, the function's d for `fn`, else the features (those using y
    /// dropped for 1-D data) plus two per random Fourier feature.
    pub fn inputs(&self) -> usize {
        match self.data {
            Dataset::Xorclusters => return self.dim as usize,
            Dataset::Mod => return 2 * self.modulus(),
            Dataset::Digits => return crate::core::data::digits::PIXELS,
            Dataset::Fn => return crate::core::data::fns::dim(self.func),
            _ => {}
        }
        let uses_y = |f: &Feature| matches!(f, Feature::Y | Feature::Y2 | Feature::Xy | Feature::Siny);
        let f = self.features.iter().filter(|f| !(self.data.is_1d() && uses_y(f))).count();
        f + 2 * self.rff as usize
    }
    /// Layer widths from input to output, e.g. `[2, 4, 2, 1]`.
    pub fn widths(&self) -> Vec<usize> {
        let mut w = vec![self.inputs()];
        w.extend(self.layers.iter().map(|&h| h as usize));
        w.push(self.outputs());
        w
    }
}
