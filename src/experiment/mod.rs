//! The `Experiment`: everything a run depends on, seed included (DESIGN.md §4).
//!
//! Pure data. Its URL form (`url.rs`) is the product's share format: versioned (`v=1`), only
//! non-default values, human-readable keys. `v=1` freezes the defaults below, the data generators
//! (`core::data`) and the random streams (`core::rng`); changing any of them bumps [`URL_VERSION`].

mod fields;
pub mod hostile;
pub mod url;

use serde::{Deserialize, Serialize};

/// Version of the URL format and of everything it freezes (defaults, generators, random streams).
pub const URL_VERSION: u32 = 1;

/// Limits of the URL's numeric fields (inclusive). Out-of-range values are clamped and reported.
pub mod limits {
    pub const N: (u32, u32) = (20, 10_000);
    pub const TRAIN: (f32, f32) = (0.1, 0.9);
    pub const NOISE: (f32, f32) = (0.0, 50.0);
    pub const MAX_LAYERS: usize = 8;
    pub const WIDTH: (u32, u32) = (1, 1024);
    pub const LR: (f32, f32) = (1e-6, 1e3);
    pub const BS: (u32, u32) = (1, 10_000);
    pub const L2: (f32, f32) = (0.0, 10.0);
    pub const WD: (f32, f32) = (0.0, 20.0);
    pub const STEPS: (u64, u64) = (1, 10_000_000);
}

/// TensorFlow Playground's four classification datasets (TFP `dataset.ts`), on [-6, 6]².
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dataset {
    Circle,
    Xor,
    Gauss,
    Spiral,
}

/// Hidden-layer activation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    Relu,
    Tanh,
    Sigmoid,
    Linear,
}

/// Loss: `mse` = TFP's square loss on a tanh output with labels ±1; `ce` = softmax cross-entropy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Loss {
    Mse,
    Ce,
}

/// Optimizer: plain SGD or Adam (Kingma & Ba 2015, with bias correction).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Optimizer {
    Sgd,
    Adam,
}

/// Where training runs. `webgpu` in a URL means the native wgpu backend in the CLI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendChoice {
    Auto,
    Webgpu,
    Cpu,
}

/// One experiment. Field names are the URL keys.
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
    /// Hidden widths; empty = no hidden layer.
    pub layers: Vec<u32>,
    pub act: Activation,
    pub loss: Loss,
    pub opt: Optimizer,
    pub lr: f32,
    /// Batch size; clamped at run time to the number of training points.
    pub bs: u32,
    /// L2 penalty on weights (not biases), added to the gradient as `l2 * w`.
    pub l2: f32,
    /// Decoupled weight decay on weights, w ← w − lr·wd·w each step (with Adam: AdamW,
    /// Loshchilov & Hutter 2019).
    pub wd: f32,
    /// Run length for the CLI and presets; the page trains until paused.
    pub steps: u64,
    pub backend: BackendChoice,
    /// View: draw the test points on the boundary plot.
    pub show_test: bool,
}

impl Default for Experiment {
    fn default() -> Self {
        Experiment {
            seed: 1,
            data: Dataset::Circle,
            n: 500,
            train: 0.5,
            noise: 0.0,
            layers: vec![4, 2],
            act: Activation::Tanh,
            loss: Loss::Mse,
            opt: Optimizer::Sgd,
            lr: 0.03,
            bs: 10,
            l2: 0.0,
            wd: 0.0,
            steps: 2000,
            backend: BackendChoice::Auto,
            show_test: true,
        }
    }
}

impl Experiment {
    /// Number of training points (at least 1, at most n-1).
    pub fn n_train(&self) -> usize {
        let n = self.n as usize;
        ((self.n as f32 * self.train).round() as usize).clamp(1, n.saturating_sub(1).max(1))
    }
    /// Number of test points.
    pub fn n_test(&self) -> usize {
        (self.n as usize).saturating_sub(self.n_train())
    }
    /// Effective batch size: `bs` clamped to the training set.
    pub fn batch(&self) -> usize {
        (self.bs as usize).clamp(1, self.n_train())
    }
    /// Number of output units: 1 (tanh, ±1 targets) for MSE, 2 (softmax) for cross-entropy.
    pub fn outputs(&self) -> usize {
        match self.loss {
            Loss::Mse => 1,
            Loss::Ce => 2,
        }
    }
    /// Layer widths from input to output, e.g. `[2, 4, 2, 1]`.
    pub fn widths(&self) -> Vec<usize> {
        let mut w = vec![2usize];
        w.extend(self.layers.iter().map(|&h| h as usize));
        w.push(self.outputs());
        w
    }
}
