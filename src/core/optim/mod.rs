//! Optimizers over the flat parameter buffer (all models, all layers: one update), the CPU
//! reference of `shaders/optim.wgsl`.
//!
//! Methods (`Method`): SGD, SGD with momentum (heavy ball or Nesterov, PyTorch's `torch.optim.SGD`
//! convention with dampening 0: `buf ← μ·buf + g`, step `buf` or `g + μ·buf`), and Adam (Kingma &
//! Ba 2015, Alg. 1, bias-corrected moments, configurable β1/β2). AdamW is Adam: weight decay `wd`
//! is always decoupled (Loshchilov & Hutter 2019, PyTorch convention `w ← w − lr·wd·w`).
//!
//! The gradient each method sees, per element k of model m (`update::effective_grad`):
//! `g = c_m·g_raw + l2·mask·w + l1·mask·sign(w) + σ_t·z`, where
//! - `c_m = min(1, clip/‖g_raw,m‖)` clips by the global L2 norm of all of model m's raw
//!   gradients (`clip` > 0; Pascanu et al. 2013; PyTorch `clip_grad_norm_`), before the
//!   regularizers are added;
//! - `mask` is 1 on weights, 0 on biases (`Layout::decay_mask`): L2 (coupled), L1 and `wd` act on
//!   weights only;
//! - `σ_t·z` is annealed Gaussian gradient noise (Neelakantan et al. 2015, "Adding Gradient Noise
//!   Improves Learning for Very Deep Networks"): σ_t² = η/(1+t)^0.55 with t the 0-based step,
//!   z a counter-based standard normal (`noise`), identical on CPU and GPU up to `ln`/`cos`.
//!
//! Every parameter has a learning-rate multiplier `lr_mask` (`init::InitPlan`, e.g. μP), so the
//! step and the decoupled decay use `lr·lr_mask[k]`. All extra terms are skipped when their
//! coefficient is 0, so defaults compute exactly what they did before (bit-identical).

pub mod noise;
pub mod update;

pub use update::{adam, clip_scale, effective_grad, grad_norms, momentum, norms, sgd, update, Masks};

/// Which update rule (and which state buffers) a backend runs. `experiment::Optimizer` maps
/// onto it: sgd → Sgd, momentum → Momentum, adam and adamw → Adam.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Method {
    #[default]
    Sgd,
    /// Heavy-ball or Nesterov momentum (`StepHyper::momentum`, `StepHyper::nesterov`); the
    /// velocity lives in the first-moment buffer.
    Momentum,
    Adam,
}

impl From<crate::experiment::Optimizer> for Method {
    fn from(o: crate::experiment::Optimizer) -> Self {
        use crate::experiment::Optimizer as O;
        match o {
            O::Sgd => Method::Sgd,
            O::Momentum => Method::Momentum,
            O::Adam | O::Adamw => Method::Adam,
        }
    }
}

/// Hyperparameters of one update step, identical to the WGSL `Slot` uniform.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepHyper {
    pub lr: f32,
    pub l2: f32,
    pub beta1: f32,
    pub beta2: f32,
    pub eps: f32,
    /// 1 − β1^t and 1 − β2^t for the step t (1-based) being taken.
    pub bc1: f32,
    pub bc2: f32,
    /// Decoupled weight decay: w ← w − lr·wd·mask·w (PyTorch's AdamW convention).
    pub wd: f32,
    /// The step being taken, 1-based.
    pub t: u64,
    /// Momentum coefficient μ of `Method::Momentum`.
    pub momentum: f32,
    /// Nesterov momentum (step along g + μ·buf instead of buf).
    pub nesterov: bool,
    /// L1 coefficient: g += l1·mask·sign(w).
    pub l1: f32,
    /// Clip threshold on the per-model global gradient norm; 0 = off.
    pub clip: f32,
    /// Standard deviation σ_t of this step's gradient noise; 0 = off (`with_noise`).
    pub noise: f32,
    /// Seed word of the counter-based noise (`noise::key`).
    pub noise_key: u32,
}

impl StepHyper {
    /// Adam defaults (β1 = 0.9, β2 = 0.999, ε = 1e-8) for step `t` (1-based); every other
    /// option off.
    pub fn new(lr: f32, l2: f32, t: u64) -> Self {
        StepHyper {
            lr,
            l2,
            beta1: 0.0,
            beta2: 0.0,
            eps: 1e-8,
            bc1: 0.0,
            bc2: 0.0,
            wd: 0.0,
            t,
            momentum: 0.0,
            nesterov: false,
            l1: 0.0,
            clip: 0.0,
            noise: 0.0,
            noise_key: 0,
        }
        .with_betas(0.9, 0.999)
    }

    pub fn with_wd(self, wd: f32) -> Self {
        StepHyper { wd, ..self }
    }

    /// Adam's β1, β2 and their bias corrections at step `t`.
    pub fn with_betas(self, beta1: f32, beta2: f32) -> Self {
        let tt = self.t.min(i32::MAX as u64) as i32;
        StepHyper {
            beta1,
            beta2,
            bc1: 1.0 - (beta1 as f64).powi(tt) as f32,
            bc2: 1.0 - (beta2 as f64).powi(tt) as f32,
            ..self
        }
    }

    /// SGD momentum μ and the Nesterov flag (used by `Method::Momentum` only).
    pub fn with_momentum(self, momentum: f32, nesterov: bool) -> Self {
        StepHyper { momentum, nesterov, ..self }
    }

    /// L1 coefficient on weights.
    pub fn with_l1(self, l1: f32) -> Self {
        StepHyper { l1, ..self }
    }

    /// Clip the per-model global gradient norm at `clip` (0 = off).
    pub fn with_clip(self, clip: f32) -> Self {
        StepHyper { clip, ..self }
    }

    /// Gradient noise of scale η (`gnoise`) for experiment seed `seed`: σ_t = √(η/(1+t)^0.55),
    /// t = this step − 1 (0-based). η ≤ 0 turns it off.
    pub fn with_noise(self, eta: f32, seed: u64) -> Self {
        StepHyper { noise: noise::sigma(eta, self.t.saturating_sub(1)), noise_key: noise::key(seed), ..self }
    }
}

/// The session-wide optimizer options a step's `StepHyper` is built from (besides the live
/// lr, l2 and wd): URL keys `beta1`, `beta2`, `momentum`, `nesterov`, `l1`, `clip`, `gnoise`,
/// and the experiment seed (the noise key).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OptSpec {
    pub beta1: f32,
    pub beta2: f32,
    pub momentum: f32,
    pub nesterov: bool,
    pub l1: f32,
    pub clip: f32,
    /// Gradient-noise scale η.
    pub gnoise: f32,
    pub seed: u64,
}

impl Default for OptSpec {
    fn default() -> Self {
        OptSpec { beta1: 0.9, beta2: 0.999, momentum: 0.9, nesterov: false, l1: 0.0, clip: 0.0, gnoise: 0.0, seed: 0 }
    }
}

impl OptSpec {
    /// The options of an experiment (URL keys `beta1`, `beta2`, `momentum`, `nesterov`, `l1`,
    /// `clip`, `gnoise`, `seed`).
    pub fn from_experiment(e: &crate::experiment::Experiment) -> Self {
        OptSpec {
            beta1: e.beta1,
            beta2: e.beta2,
            momentum: e.momentum,
            nesterov: e.nesterov,
            l1: e.l1,
            clip: e.clip,
            gnoise: e.gnoise,
            seed: e.seed,
        }
    }

    /// The hyperparameters of step `t` (1-based) at learning rate `lr` (already scheduled).
    pub fn hyper(&self, lr: f32, l2: f32, wd: f32, t: u64) -> StepHyper {
        StepHyper::new(lr, l2, t)
            .with_wd(wd)
            .with_betas(self.beta1, self.beta2)
            .with_momentum(self.momentum, self.nesterov)
            .with_l1(self.l1)
            .with_clip(self.clip)
            .with_noise(self.gnoise, self.seed)
    }
}
