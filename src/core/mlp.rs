//! The MLP: layer layout inside the flat parameter buffer, initialization, and a forward pass
//! for evaluation. Layer l holds W [I, O] then bias [O]; model m starts at `m * p`.
//! Init: Glorot/Xavier uniform, U(±√(6/(I+O))), zero biases (Glorot & Bengio 2010; also the
//! default of TF.js dense layers, so benchmarks compare like with like).

use super::ops::{dense_fwd, Act, DenseDims};
use super::rng::{stream, Rng};
use crate::experiment::{Experiment, Loss};

/// One dense layer's place in the parameter buffer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerSlot {
    pub i: usize,
    pub o: usize,
    pub w_off: usize,
    pub b_off: usize,
    pub act: Act,
}

/// The parameter layout of an MLP (per model) and the number of models M.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub layers: Vec<LayerSlot>,
    /// Parameters per model.
    pub p: usize,
    pub models: usize,
    pub loss: Loss,
}

impl Layout {
    /// `widths` from input to output; hidden layers use `hidden`, the output layer is tanh for
    /// MSE (TFP) and linear logits for cross-entropy.
    pub fn new(widths: &[usize], hidden: Act, loss: Loss, models: usize) -> Self {
        let mut layers = Vec::new();
        let mut off = 0;
        for (l, w) in widths.windows(2).enumerate() {
            let last = l + 2 == widths.len();
            let act = match (last, loss) {
                (false, _) => hidden,
                (true, Loss::Mse) => Act::Tanh,
                (true, Loss::Ce) => Act::Linear,
            };
            let (i, o) = (w[0], w[1]);
            layers.push(LayerSlot { i, o, w_off: off, b_off: off + i * o, act });
            off += i * o + o;
        }
        Layout { layers, p: off, models, loss }
    }

    pub fn from_experiment(e: &Experiment, models: usize) -> Self {
        Layout::new(&e.widths(), e.act_of(0).into(), e.loss, models)
    }

    pub fn inputs(&self) -> usize {
        self.layers[0].i
    }
    pub fn outputs(&self) -> usize {
        self.layers.last().map_or(0, |l| l.o)
    }

    /// 1.0 for weights, 0.0 for biases (L2 applies to weights only), length `p`.
    pub fn decay_mask(&self) -> Vec<f32> {
        let mut mask = vec![0.0; self.p];
        for l in &self.layers {
            mask[l.w_off..l.b_off].fill(1.0);
        }
        mask
    }

    /// Dims of layer `l` for a batch of `b` with the given input stride.
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

    /// Forward pass of all models on a shared input x: [B, I]; returns every layer's
    /// activations (index 0 = layer 0 output), each [M, B, O_l].
    pub fn forward(&self, params: &[f32], x: &[f32], b: usize) -> Vec<Vec<f32>> {
        let mut acts: Vec<Vec<f32>> = Vec::with_capacity(self.layers.len());
        for l in 0..self.layers.len() {
            let (input, stride) = match acts.last() {
                None => (x, 0),
                Some(a) => (a.as_slice(), b * self.layers[l].i),
            };
            let d = self.dims(l, b, stride);
            let mut out = vec![0.0; d.m * b * d.o];
            dense_fwd(&d, input, params, &mut out);
            acts.push(out);
        }
        acts
    }

    /// Boundary score in [-1, 1] from one output row: tanh output for MSE, p1 − p0 for CE.
    pub fn score(&self, out: &[f32]) -> f32 {
        match self.loss {
            Loss::Mse => out[0],
            Loss::Ce => ((out[1] - out[0]) * 0.5).tanh(),
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
    }
}
