//! The embedding MLP of PAIR's explorable ("Do Machine Learning Models Memorize or
//! Generalize?", Pearce, Ghandeharioun, Thain, Wattenberg & Dixon 2023):
//! logits = ReLU(a_onehot·W_in + b_onehot·W_in)·W_out, a one-layer MLP of 24 neurons whose input
//! map is a tied embedding E = W_in [p, H] *summed* over the two operands (the explorable's
//! formula; Liu et al. 2022, "Towards Understanding Grokking", also sum their embeddings).
//! The readout is a dense layer W_out [H, p] with a bias (zero at init, never decayed), so it is
//! the repo's `dense` op; the hidden layer has no bias, as in the explorable.
//!
//! Parameters per model: `emb` [p, H] at 0, `out.w` [H, p] at p·H, `out.b` [p] after it.
//! Init ([`EmbLayout::init`]): E and W_out ~ N(0, 1/H), bias 0.

use super::Tokens;
use crate::core::ops::{dense_bwd_data_ex, dense_bwd_weight, dense_fwd, embed_bwd, embed_fwd, Act, EmbedDims, Prev};
use crate::core::rng::{stream, Rng};

/// Shapes and offsets of the embedding MLP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmbLayout {
    pub models: usize,
    /// Parameters per model.
    pub p: usize,
    /// Modulus = vocabulary = classes.
    pub classes: usize,
    /// Hidden width H (= embedding width).
    pub hidden: usize,
}

/// What the backward pass needs from the forward pass.
pub struct EmbCache {
    /// ReLU(E[a] + E[b]): [M, B, H].
    pub h: Vec<f32>,
}

impl EmbLayout {
    pub fn new(classes: usize, hidden: usize, models: usize) -> Self {
        let hidden = hidden.max(1);
        EmbLayout { models: models.max(1), p: classes * hidden * 2 + classes, classes, hidden }
    }
    pub fn out_w(&self) -> usize {
        self.classes * self.hidden
    }
    pub fn out_b(&self) -> usize {
        2 * self.classes * self.hidden
    }
    fn embed(&self, rows: usize, ids_stride_m: usize) -> EmbedDims {
        let (m, d, vocab, p_stride) = (self.models, self.hidden, self.classes, self.p);
        EmbedDims { m, rows, k: 2, d, vocab, p_stride, off: 0, ids_stride_m }
    }
    fn readout(&self, rows: usize) -> crate::core::ops::DenseDims {
        let l = super::layout::Lin { w: self.out_w(), b: self.out_b(), i: self.hidden, o: self.classes };
        l.dims(self.models, rows, Act::Linear, self.p)
    }

    /// [P]: 1 on the embedding and W_out, 0 on the readout bias.
    pub fn decay_mask(&self) -> Vec<f32> {
        let mut m = vec![1.0; self.p];
        m[self.out_b()..].fill(0.0);
        m
    }

    /// Initial parameters [M, P] (model m: `Rng::new(seed + m, INIT)`): E and W_out
    /// N(0, 1/H), bias 0. With H = 24, pre-activations E[a] + E[b] have variance 1/12.
    pub fn init(&self, seed: u64) -> Vec<f32> {
        let mut out = vec![0.0; self.models * self.p];
        let var = 1.0 / self.hidden as f64;
        for (m, pm) in out.chunks_mut(self.p.max(1)).enumerate() {
            let mut r = Rng::new(seed.wrapping_add(m as u64), stream::INIT);
            pm[..self.out_b()].iter_mut().for_each(|v| *v = r.normal(0.0, var) as f32);
        }
        out
    }

    /// Logits [M, N, p] of the tokens (pairs a, b; `Tokens::width` 2) and the cache.
    pub fn forward(&self, params: &[f32], t: &Tokens) -> (Vec<f32>, EmbCache) {
        let (m, n) = (self.models, t.n);
        let mut h = vec![0.0; m * n * self.hidden];
        embed_fwd(&self.embed(n, t.stride_m), t.ids, params, &mut h, false);
        h.iter_mut().for_each(|v| *v = v.max(0.0));
        let mut logits = vec![0.0; m * n * self.classes];
        dense_fwd(&self.readout(n), &h, params, &mut logits);
        (logits, EmbCache { h })
    }

    /// Gradients of the loss whose logit gradient is `dz` [M, B, p] into `grads` [M, P]
    /// (every entry written).
    pub fn backward(&self, params: &[f32], t: &Tokens, c: &EmbCache, dz: &[f32], grads: &mut [f32]) {
        let (m, b) = (self.models, t.n);
        let r = self.readout(b);
        dense_bwd_weight(&r, &c.h, dz, grads);
        let mut dpre = vec![0.0; m * b * self.hidden];
        dense_bwd_data_ex(&r, dz, params, Prev::Output { a: &c.h, act: Act::Relu }, None, &mut dpre, None);
        for mi in 0..m {
            grads[mi * self.p..][..self.out_w()].fill(0.0);
        }
        embed_bwd(&self.embed(b, t.stride_m), t.ids, &dpre, grads);
    }

    /// The embedding matrix E [p, H] of model `m`.
    pub fn embedding(&self, params: &[f32], m: usize) -> Vec<f32> {
        params[m * self.p..][..self.out_w()].to_vec()
    }
}
