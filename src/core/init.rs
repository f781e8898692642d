//! Initialization schemes and the parametrization they imply: per layer, the distribution of
//! the initial weights, the learning-rate multipliers of its weights and biases, and the forward
//! multiplier `fwd_mult` of its weight product (z = b + fwd_mult·Σ_i x_i W_io, applied by the
//! model; 1 except for NTK and μP). Biases start at 0 in every scheme. All weights are scaled by
//! `alpha` (the init-scale knob of Omnigrok, Liu et al. 2022, "Omnigrok: Grokking Beyond
//! Algorithmic Data"); model m draws from stream `INIT` of seed `seed + m`.
//!
//! - `Standard`: Glorot/Xavier uniform U(±√(6/(I+O))) (Glorot & Bengio 2010) — exactly
//!   `Layout::init` (today's default, bit-identical at alpha = 1).
//! - `Xavier`: Glorot normal N(0, 2/(I+O)).
//! - `He`: N(0, 2/I) (He et al. 2015).
//! - `Ntk`: N(0, 1) weights and forward multiplier 1/√I: the NTK parametrization (Jacot, Gabriel
//!   & Hongler 2018, "Neural Tangent Kernel").
//! - `Mup`: the Maximal Update Parametrization (Yang & Hu 2021, "Feature Learning in
//!   Infinite-Width Neural Networks"; the table used is Table 3 of Tensor Programs V, Yang et al.
//!   2022, "μP formulation in the style of Yang & Hu"):
//!
//!   |                 | input weights & all biases | output weights | hidden weights |
//!   |-----------------|----------------------------|----------------|----------------|
//!   | init variance   | 1/fan_in                   | 1              | 1/fan_in       |
//!   | multiplier      | 1                          | 1/fan_in       | 1              |
//!   | SGD LR          | fan_out                    | fan_in         | 1              |
//!   | Adam LR         | 1                          | 1              | 1/fan_in       |
//!
//!   Widths are taken relative to the base width `base` (so μP equals a standard-like
//!   parametrization at width `base` and the learning rate tuned there transfers): a hidden
//!   dimension n enters as the ratio r = n/base, the input and output dimensions (finite) as 1.
//!   With r_in, r_out the ratios of a layer's fan-in and fan-out, per layer:
//!   input layer: var 1/I, mult 1, SGD lr ×r_out, Adam lr ×1;
//!   hidden layer: var 1/I, mult 1, SGD lr ×1, Adam lr ×1/r_in;
//!   output layer: var r_in/I (= 1/base), mult 1/r_in, SGD lr ×r_in, Adam lr ×1;
//!   biases: SGD lr ×r_out, Adam lr ×1. A one-layer network is an input layer with r = 1.
//!   SGD momentum counts as SGD.
//! - `Zero`: all weights 0 (symmetry is never broken: a demonstration).

use super::mlp::Layout;
use super::optim::Method;
use super::rng::{stream, Rng};

/// Which scheme (the URL's `init`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Scheme {
    #[default]
    Standard,
    Xavier,
    He,
    Ntk,
    Mup,
    Zero,
}

/// A scheme with its knobs (URL keys `init`, `alpha`, `base`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InitSpec {
    pub scheme: Scheme,
    /// Init-scale multiplier on every weight.
    pub alpha: f32,
    /// μP base width (≥ 1; 0 acts as 1).
    pub base: usize,
}

impl Default for InitSpec {
    fn default() -> Self {
        InitSpec { scheme: Scheme::Standard, alpha: 1.0, base: 8 }
    }
}

impl InitSpec {
    /// The scheme of an experiment (URL keys `init`, `alpha`, `base`).
    pub fn from_experiment(e: &crate::experiment::Experiment) -> Self {
        use crate::experiment::Init as I;
        let scheme = match e.init {
            I::Standard => Scheme::Standard,
            I::Xavier => Scheme::Xavier,
            I::He => Scheme::He,
            I::Ntk => Scheme::Ntk,
            I::Mup => Scheme::Mup,
            I::Zero => Scheme::Zero,
        };
        InitSpec { scheme, alpha: e.alpha, base: e.base as usize }
    }
}

/// The distribution of one layer's initial weights.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Dist {
    /// U(−bound, bound).
    Uniform(f64),
    /// N(0, std²).
    Normal(f64),
    Zero,
}

/// One layer's parametrization.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerInit {
    pub dist: Dist,
    /// Learning-rate multipliers of the layer's weights and biases.
    pub lr_w: f32,
    pub lr_b: f32,
    /// Forward multiplier of the weight product: z = b + fwd_mult·(x·W).
    pub fwd_mult: f32,
}

/// Per-layer parametrization of a layout (`plan`).
#[derive(Clone, Debug, PartialEq)]
pub struct InitPlan {
    pub layers: Vec<LayerInit>,
}

/// The parametrization of `layout` under `spec` for an optimizer `method` (μP's learning-rate
/// multipliers differ between SGD and Adam; every other scheme ignores it).
pub fn plan(layout: &Layout, spec: &InitSpec, method: Method) -> InitPlan {
    let nl = layout.layers.len();
    let alpha = spec.alpha as f64;
    let base = spec.base.max(1) as f64;
    let layers = layout
        .layers
        .iter()
        .enumerate()
        .map(|(l, s)| {
            let (i, o) = (s.i.max(1) as f64, s.o.max(1) as f64);
            let plain = |dist| LayerInit { dist, lr_w: 1.0, lr_b: 1.0, fwd_mult: 1.0 };
            match spec.scheme {
                Scheme::Standard => plain(Dist::Uniform((6.0 / (s.i + s.o) as f64).sqrt() * alpha)),
                Scheme::Xavier => plain(Dist::Normal((2.0 / (i + o)).sqrt() * alpha)),
                Scheme::He => plain(Dist::Normal((2.0 / i).sqrt() * alpha)),
                Scheme::Ntk => LayerInit { fwd_mult: (1.0 / i.sqrt()) as f32, ..plain(Dist::Normal(alpha)) },
                Scheme::Zero => plain(Dist::Zero),
                Scheme::Mup => {
                    let r_in = if l > 0 { i / base } else { 1.0 };
                    let r_out = if l + 1 < nl { o / base } else { 1.0 };
                    let output = l > 0 && l + 1 == nl;
                    let hidden = l > 0 && l + 1 < nl;
                    let var = if output { r_in / i } else { 1.0 / i };
                    let adam = method == Method::Adam;
                    let lr_w = match (adam, l == 0, output) {
                        (true, _, _) if hidden => 1.0 / r_in,
                        (true, _, _) => 1.0,
                        (false, true, _) => r_out,
                        (false, _, true) => r_in,
                        (false, _, _) => 1.0,
                    };
                    LayerInit {
                        dist: Dist::Normal(var.sqrt() * alpha),
                        lr_w: lr_w as f32,
                        lr_b: if adam { 1.0 } else { r_out as f32 },
                        fwd_mult: if output { (1.0 / r_in) as f32 } else { 1.0 },
                    }
                }
            }
        })
        .collect();
    InitPlan { layers }
}

impl InitPlan {
    /// Initial parameters [M, P]: weights drawn per layer, biases 0; model m uses seed `seed + m`.
    pub fn params(&self, layout: &Layout, seed: u64) -> Vec<f32> {
        let mut params = vec![0.0f32; layout.models * layout.p];
        for m in 0..layout.models {
            let mut r = Rng::new(seed.wrapping_add(m as u64), stream::INIT);
            let p = &mut params[m * layout.p..(m + 1) * layout.p];
            for (l, li) in layout.layers.iter().zip(&self.layers) {
                let ws = &mut p[l.w_off..l.b_off];
                match li.dist {
                    Dist::Uniform(lim) => ws.iter_mut().for_each(|w| *w = r.range(-lim, lim) as f32),
                    Dist::Normal(std) => ws.iter_mut().for_each(|w| *w = r.normal(0.0, std * std) as f32),
                    Dist::Zero => {}
                }
            }
        }
        params
    }

    /// Per-parameter learning-rate multipliers (length P, tiled over models like the decay mask).
    pub fn lr_mask(&self, layout: &Layout) -> Vec<f32> {
        let mut mask = vec![1.0; layout.p];
        for (l, li) in layout.layers.iter().zip(&self.layers) {
            mask[l.w_off..l.b_off].fill(li.lr_w);
            mask[l.b_off..l.b_off + l.o].fill(li.lr_b);
        }
        mask
    }

    /// Forward multiplier per layer.
    pub fn fwd_mults(&self) -> Vec<f32> {
        self.layers.iter().map(|l| l.fwd_mult).collect()
    }
}
