//! The MLP: layer layout inside the flat parameter buffer, initialization, and a forward pass
//! for evaluation. Slot l holds W [I, O] then bias [O]; model m starts at `m * p`.
//! Init: Glorot/Xavier uniform, U(±√(6/(I+O))), zero biases (Glorot & Bengio 2010; also the
//! default of TF.js dense layers, so benchmarks compare like with like).
//!
//! Issue 4 (`ModelSpec`, `Layout::build`): one activation per hidden layer, SIREN's ω0, a
//! per-slot forward multiplier, residual skips, hourglass blocks, dropout and the loss head.
//! - `resid`: a hidden layer after the first whose input width equals its width W computes
//!   h ← h + σ(z) (He et al. 2016); the first hidden layer (fed by the features) never does.
//! - `hourglass` = n > 0 (wide-narrow-wide blocks with the skip at the wide dimension, after
//!   "Rethinking the shape convention of an MLP"): a hidden layer after the first whose input
//!   width equals its width W becomes the block h ← h + (W2·σ(W1·h + b1) + b2), W1: W→n,
//!   W2: n→W, as two slots: the down slot (W→n, the layer's σ) and the up slot (n→W, linear,
//!   `skip = 2`: adds the block input); parameters W·n + n + n·W + W instead of W·W + W.
//!   Hourglass takes precedence over `resid` for such layers.
//! - dropout p applies to the branch output u of every hidden slot (a = skip + dropout(u)).

use super::ops::{dense_fwd_ex, Act, DenseDims, FwdExtra, HeadKind};
use super::rng::{stream, Rng};
use crate::experiment::{Experiment, Loss};

/// One dense slot's place in the parameter buffer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerSlot {
    pub i: usize,
    pub o: usize,
    pub w_off: usize,
    pub b_off: usize,
    pub act: Act,
    /// Forward multiplier: z = bias + Σ (mult·x)·W (1.0 = standard; NTK / muP set others).
    pub mult: f32,
    /// Residual: 0 = none, 1 = a = (this slot's input) + u, 2 = a = (previous slot's input) + u.
    pub skip: usize,
}

/// What the lead fills from an `Experiment` (see `Layout::build`).
#[derive(Clone, Debug, PartialEq)]
pub struct ModelSpec {
    /// Input width, hidden widths…, output width.
    pub widths: Vec<usize>,
    /// One activation per hidden layer, or one value for every hidden layer.
    pub acts: Vec<Act>,
    /// SIREN ω0 for sin layers.
    pub w0: f32,
    pub resid: bool,
    /// Narrow width of hourglass blocks; 0 = off.
    pub hourglass: usize,
    /// Dropout probability on hidden activations, 0–0.9 (training only).
    pub dropout: f32,
    pub head: HeadKind,
    pub models: usize,
}

impl ModelSpec {
    /// The spec of `e`: widths, per-layer activations, w0, resid, hourglass, dropout, and the
    /// head: regression data → `Regression`, `loss=mse-onehot` → `OneHotMse`, cross-entropy (asked for or > 2 classes) →
    /// `Softmax { smooth }`, else TFP's tanh head. A default experiment gives today's layout.
    pub fn from_experiment(e: &Experiment, models: usize) -> Self {
        let widths = e.widths();
        let head = if e.is_regression() {
            HeadKind::Regression
        } else if e.uses_onehot_mse() {
            HeadKind::OneHotMse
        } else if e.uses_ce() {
            HeadKind::Softmax { smooth: e.smooth }
        } else {
            HeadKind::Tanh
        };
        ModelSpec {
            acts: (0..widths.len().saturating_sub(2)).map(|l| e.act_of(l).into()).collect(),
            widths,
            w0: e.w0,
            resid: e.resid,
            hourglass: e.hourglass as usize,
            dropout: e.dropout,
            head,
            models,
        }
    }
}

/// The parameter layout of an MLP (per model) and the number of models M.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub layers: Vec<LayerSlot>,
    /// Parameters per model.
    pub p: usize,
    pub models: usize,
    /// `Loss::Mse` for the tanh and regression heads, `Loss::Ce` for softmax, `Loss::MseOnehot`
    /// for the one-hot square loss.
    pub loss: Loss,
    pub head: HeadKind,
    pub w0: f32,
    pub dropout: f32,
}

impl Layout {
    /// `widths` from input to output; hidden layers use `hidden`, the output layer is tanh for
    /// MSE (TFP) and linear logits for cross-entropy.
    pub fn new(widths: &[usize], hidden: Act, loss: Loss, models: usize) -> Self {
        let spec = ModelSpec {
            widths: widths.to_vec(),
            acts: vec![hidden],
            w0: 1.0,
            resid: false,
            hourglass: 0,
            dropout: 0.0,
            head: loss.into(),
            models,
        };
        Layout::build(&spec)
    }

    /// The layout of `spec` (see the module doc). Output slot: tanh (TFP head), linear logits
    /// (softmax) or linear (regression).
    pub fn build(spec: &ModelSpec) -> Self {
        let w = &spec.widths;
        let hidden = w.len().saturating_sub(2);
        let mut layers = Vec::new();
        let mut off = 0;
        let mut push = |i: usize, o: usize, act: Act, skip: usize| {
            layers.push(LayerSlot { i, o, w_off: off, b_off: off + i * o, act, mult: 1.0, skip });
            off += i * o + o;
        };
        for h in 0..w.len().saturating_sub(1) {
            let (i, o) = (w[h], w[h + 1]);
            if h == hidden {
                let act = if spec.head == HeadKind::Tanh { Act::Tanh } else { Act::Linear };
                push(i, o, act, 0);
                continue;
            }
            let act = spec.acts.get(h).or(spec.acts.first()).copied().unwrap_or(Act::Tanh);
            let square = h >= 1 && i == o;
            if square && spec.hourglass > 0 {
                push(i, spec.hourglass, act, 0);
                push(spec.hourglass, o, Act::Linear, 2);
            } else {
                push(i, o, act, usize::from(square && spec.resid));
            }
        }
        let loss = match spec.head {
            HeadKind::Softmax { .. } => Loss::Ce,
            HeadKind::OneHotMse => Loss::MseOnehot,
            HeadKind::Tanh | HeadKind::Regression => Loss::Mse,
        };
        Layout { layers, p: off, models: spec.models, loss, head: spec.head, w0: spec.w0, dropout: spec.dropout }
    }

    /// The layout of `e` over `models` models (`ModelSpec::from_experiment`).
    pub fn from_experiment(e: &Experiment, models: usize) -> Self {
        Layout::build(&ModelSpec::from_experiment(e, models))
    }

    pub fn inputs(&self) -> usize {
        self.layers[0].i
    }
    pub fn outputs(&self) -> usize {
        self.layers.last().map_or(0, |l| l.o)
    }

    /// True when any slot or the head uses an issue-4 feature (the fused plan takes none).
    pub fn is_plain(&self) -> bool {
        self.dropout == 0.0
            && self.head.smooth() == 0.0
            && !matches!(self.head, HeadKind::Regression | HeadKind::OneHotMse)
            && self.layers.iter().all(|l| l.skip == 0 && l.mult == 1.0 && (l.act as u32) <= Act::Linear as u32)
    }

    /// Whether slot `k` is hidden and applies dropout in training.
    pub fn drops(&self, k: usize) -> bool {
        self.dropout > 0.0 && k + 1 < self.layers.len()
    }

    /// Whether slot `k` stores z in training: its σ' needs z, or its output is not σ(z).
    pub fn keeps_z(&self, k: usize) -> bool {
        let s = &self.layers[k];
        k + 1 < self.layers.len() && (s.act.needs_z() || s.skip > 0 || self.drops(k))
    }

    /// The activation that slot `k` adds as its residual (index into the activations), if any.
    pub fn skip_src(&self, k: usize) -> Option<usize> {
        let s = self.layers[k].skip;
        (s > 0 && k >= s).then(|| k - s)
    }

    /// The slot whose residual source is activation `k − 1` (its activation gradient is added
    /// when back-propagating through slot `k`).
    pub fn skip_consumer(&self, k: usize) -> Option<usize> {
        let src = k.checked_sub(1)?;
        (k..self.layers.len()).find(|&c| self.skip_src(c) == Some(src))
    }

    /// 1.0 for weights, 0.0 for biases (L2 applies to weights only), length `p`.
    pub fn decay_mask(&self) -> Vec<f32> {
        let mut mask = vec![0.0; self.p];
        for l in &self.layers {
            mask[l.w_off..l.b_off].fill(1.0);
        }
        mask
    }

    /// Dims of slot `l` for a batch of `b` with the given input stride.
    pub fn dims(&self, l: usize, b: usize, x_stride_m: usize) -> DenseDims {
        let s = &self.layers[l];
        DenseDims {
            m: self.models,
            b,
            i: s.i,
            o: s.o,
            act: s.act,
            x_stride_m,
            p_stride: self.p,
            w_off: s.w_off,
            b_off: s.b_off,
            mult: s.mult,
            w0: self.w0,
        }
    }

    /// Glorot-uniform weights, zero biases; model m uses seed `seed + m`. Returns [M, P].
    pub fn init(&self, seed: u64) -> Vec<f32> {
        let mut params = vec![0.0f32; self.models * self.p];
        for m in 0..self.models {
            let mut r = Rng::new(seed.wrapping_add(m as u64), stream::INIT);
            let p = &mut params[m * self.p..(m + 1) * self.p];
            for l in &self.layers {
                let lim = (6.0 / (l.i + l.o) as f64).sqrt();
                for w in &mut p[l.w_off..l.b_off] {
                    *w = r.range(-lim, lim) as f32;
                }
            }
        }
        params
    }

    /// Forward pass (evaluation: no dropout) of all models on a shared input x: [B, I]; returns
    /// every slot's activations (index 0 = slot 0 output), each [M, B, O_l].
    pub fn forward(&self, params: &[f32], x: &[f32], b: usize) -> Vec<Vec<f32>> {
        let mut acts: Vec<Vec<f32>> = Vec::with_capacity(self.layers.len());
        for l in 0..self.layers.len() {
            let (input, stride) = match acts.last() {
                None => (x, 0),
                Some(a) => (a.as_slice(), b * self.layers[l].i),
            };
            let d = self.dims(l, b, stride);
            let mut out = vec![0.0; d.m * b * d.o];
            let skip = self.skip_src(l).map(|s| acts[s].as_slice());
            dense_fwd_ex(&d, input, params, &mut out, FwdExtra { skip, ..Default::default() });
            acts.push(out);
        }
        acts
    }

    /// Boundary score of one output row: the tanh output (TFP head), p1 − p0 written as
    /// tanh((z1 − z0)/2) for 2-class softmax, (z1 − z0)/2 clamped to ±1 for the 2-class one-hot
    /// square loss, the argmax class index for C > 2 classes, and the raw prediction for
    /// regression.
    pub fn score(&self, out: &[f32]) -> f32 {
        match self.head {
            HeadKind::Tanh | HeadKind::Regression => out[0],
            HeadKind::Softmax { .. } if out.len() == 2 => ((out[1] - out[0]) * 0.5).tanh(),
            HeadKind::OneHotMse if out.len() == 2 => ((out[1] - out[0]) * 0.5).clamp(-1.0, 1.0),
            HeadKind::Softmax { .. } | HeadKind::OneHotMse => {
                let mut arg = 0;
                for (j, &v) in out.iter().enumerate() {
                    if v > out[arg] {
                        arg = j;
                    }
                }
                arg as f32
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_offsets() {
        let l = Layout::new(&[2, 4, 2, 1], Act::Tanh, Loss::Mse, 3);
        assert_eq!(l.p, 2 * 4 + 4 + 4 * 2 + 2 + 2 + 1);
        assert_eq!(l.layers[1].w_off, 12);
        assert_eq!(l.layers[2].act, Act::Tanh);
        let mask = l.decay_mask();
        assert_eq!(mask.iter().sum::<f32>(), 18.0);
        let p = l.init(5);
        assert_eq!(p.len(), 3 * l.p);
        assert_ne!(p[..l.p], p[l.p..2 * l.p]);
        assert!(p[8..12].iter().all(|&b| b == 0.0));
        let lim = (6.0f32 / 6.0).sqrt();
        assert!(p[..8].iter().all(|w| w.abs() <= lim));
        assert!(l.is_plain());
    }

    fn spec(widths: &[usize], resid: bool, hourglass: usize) -> ModelSpec {
        ModelSpec {
            widths: widths.to_vec(),
            acts: vec![Act::Relu, Act::Gelu, Act::Sin],
            w0: 30.0,
            resid,
            hourglass,
            dropout: 0.0,
            head: HeadKind::Softmax { smooth: 0.1 },
            models: 2,
        }
    }

    #[test]
    fn per_layer_acts_resid_and_hourglass_slots() {
        let l = Layout::build(&spec(&[2, 8, 8, 6, 3], true, 0));
        let acts: Vec<Act> = l.layers.iter().map(|s| s.act).collect();
        assert_eq!(acts, [Act::Relu, Act::Gelu, Act::Sin, Act::Linear]);
        assert_eq!(l.layers.iter().map(|s| s.skip).collect::<Vec<_>>(), [0, 1, 0, 0]);
        assert_eq!((l.skip_src(1), l.skip_consumer(1), l.skip_consumer(2)), (Some(0), Some(1), None));
        assert_eq!(l.loss, Loss::Ce);
        assert!(!l.is_plain());
        // Hourglass n = 3: the 8→8 layer becomes 8→3 (gelu) and 3→8 (linear, skip 2).
        let h = Layout::build(&spec(&[2, 8, 8, 8, 1], true, 3));
        let shape: Vec<(usize, usize, usize)> = h.layers.iter().map(|s| (s.i, s.o, s.skip)).collect();
        assert_eq!(shape, [(2, 8, 0), (8, 3, 0), (3, 8, 2), (8, 3, 0), (3, 8, 2), (8, 1, 0)]);
        assert_eq!(h.p, 2 * 8 + 8 + 2 * (8 * 3 + 3 + 3 * 8 + 8) + 8 + 1);
        assert_eq!((h.skip_src(2), h.skip_consumer(1), h.skip_consumer(2)), (Some(0), Some(2), None));
        assert_eq!(h.layers[1].act, Act::Gelu);
        assert_eq!(h.layers[3].act, Act::Sin);
        assert!(h.keeps_z(1) && h.keeps_z(2) && !h.keeps_z(0) && !h.keeps_z(5));
    }

    #[test]
    fn quad_onehot_square_layout_is_not_plain() {
        let d = crate::experiment::url::decode("data=mod&p=23&layers=16&act=quad&loss=mse-onehot").experiment;
        let l = Layout::from_experiment(&d, 1);
        assert_eq!((l.head, l.loss, l.outputs(), l.inputs()), (HeadKind::OneHotMse, Loss::MseOnehot, 23, 46));
        assert_eq!((l.layers[0].act, l.layers[1].act), (Act::Quad, Act::Linear));
        assert!(!l.is_plain() && l.keeps_z(0));
        assert!(!Layout::new(&[2, 3, 2], Act::Tanh, Loss::MseOnehot, 1).is_plain());
        let two = Layout::new(&[2, 3, 2], Act::Tanh, Loss::MseOnehot, 1);
        assert_eq!((two.score(&[0.0, 1.0]), two.score(&[0.0, 4.0]), two.score(&[1.0, 0.0])), (0.5, 1.0, -0.5));
    }
}
