//! PAIR's embedding MLP exactly as their notebook trains it (`model=emb&layers=D,H`): Pearce,
//! Ghandeharioun, Hussein, Thain, Wattenberg & Dixon 2023, "Do Machine Learning Models Memorize
//! or Generalize?" (pair.withgoogle.com/explorables/grokking, notebook
//! `server-side/grokking/MLP_Modular_Addition.ipynb` of PAIR-code/ai-explorables, config
//! `embed_config='tied'`, `is_tied_hidden=True`, embed_size 500, hidden_size 24):
//!
//! logits = ReLU(E[a]·W_h + E[b]·W_h)·W_o·Eᵀ
//!
//! with one embedding E [p, D] used for both operands *and* (transposed) as the unembedding,
//! a hidden map W_h [D, H] shared by both operands, an output map W_o [H, D], and no biases.
//! `emb.rs` is the same function class with the products collapsed (E·W_h → E′ [p, H],
//! W_o·Eᵀ → W′ [H, p]); weight decay on the *factors* is what differs: it penalizes the products'
//! nuclear norm rather than their Frobenius norm, which favours the low-rank Fourier solution.
//!
//! Parameters per model: E [p, D] at 0, W_h [D, H] at p·D, W_o [H, D] after it; all decayed.
//! Init as haiku's: E truncated normal of scale √(2/p) (VarianceScaling(2), fan-in p), W_h and
//! W_o truncated normal of std 1/√fan-in (hk.Linear's default), truncated at 2 std.
//!
//! Cost per step: E·W_h and W_o·Eᵀ once per model (p·D·H each), then the batch works on
//! [p, H] tables: P = E·W_h, pre = P[a] + P[b], logits = ReLU(pre)·U with U = W_o·Eᵀ [H, p].

use super::Tokens;
use crate::core::rng::{stream, Rng};

/// Shapes and offsets of PAIR's factored embedding MLP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PairLayout {
    pub models: usize,
    /// Parameters per model.
    pub p: usize,
    /// Modulus = vocabulary = classes.
    pub classes: usize,
    /// Embedding width D.
    pub embed: usize,
    /// Hidden width H.
    pub hidden: usize,
}

/// What the backward pass needs from the forward pass.
pub struct PairCache {
    /// E·W_h [M, p, H].
    pub ew: Vec<f32>,
    /// W_o·Eᵀ [M, H, p].
    pub u: Vec<f32>,
    /// ReLU(pre) [M, B, H].
    pub h: Vec<f32>,
}

/// `out [r, c] = a [r, k] · b [k, c]` (row-major), or with `bt` b read as [c, k] (b transposed).
fn matmul(a: &[f32], b: &[f32], out: &mut [f32], (r, k, c): (usize, usize, usize), bt: bool) {
    for i in 0..r {
        let row = &a[i * k..(i + 1) * k];
        let o = &mut out[i * c..(i + 1) * c];
        if bt {
            for (j, oj) in o.iter_mut().enumerate() {
                *oj = row.iter().zip(&b[j * k..(j + 1) * k]).map(|(x, y)| x * y).sum();
            }
        } else {
            o.fill(0.0);
            for (kk, &x) in row.iter().enumerate() {
                if x != 0.0 {
                    o.iter_mut().zip(&b[kk * c..(kk + 1) * c]).for_each(|(oj, y)| *oj += x * y);
                }
            }
        }
    }
}

/// `out [k, c] = aᵀ · b` for a [r, k], b [r, c].
fn matmul_tn(a: &[f32], b: &[f32], out: &mut [f32], (r, k, c): (usize, usize, usize)) {
    out.fill(0.0);
    for i in 0..r {
        let brow = &b[i * c..(i + 1) * c];
        for (kk, &x) in a[i * k..(i + 1) * k].iter().enumerate() {
            if x != 0.0 {
                out[kk * c..(kk + 1) * c].iter_mut().zip(brow).for_each(|(o, y)| *o += x * y);
            }
        }
    }
}

impl PairLayout {
    pub fn new(classes: usize, embed: usize, hidden: usize, models: usize) -> Self {
        let (embed, hidden) = (embed.max(1), hidden.max(1));
        PairLayout { models: models.max(1), p: classes * embed + 2 * embed * hidden, classes, embed, hidden }
    }
    /// Offset of W_h.
    pub fn w_h(&self) -> usize {
        self.classes * self.embed
    }
    /// Offset of W_o.
    pub fn w_o(&self) -> usize {
        self.w_h() + self.embed * self.hidden
    }

    /// [P]: every tensor is a matrix, all decayed (optax.adamw over all parameters).
    pub fn decay_mask(&self) -> Vec<f32> {
        vec![1.0; self.p]
    }

    /// Initial parameters [M, P] (model m: `Rng::new(seed + m, INIT)`), see the module doc.
    pub fn init(&self, seed: u64) -> Vec<f32> {
        let mut out = vec![0.0; self.models * self.p];
        // haiku's truncated normal: std `s` before truncation at ±2 std (scale s / 0.8796 for
        // VarianceScaling, so that the truncated draw has the std asked for).
        let trunc = |r: &mut Rng, s: f64| loop {
            let v = r.normal(0.0, s * s);
            if v.abs() <= 2.0 * s {
                break v as f32;
            }
        };
        let s_e = (2.0 / self.classes.max(1) as f64).sqrt() / 0.879_625_661_034_239_8;
        let s_h = 1.0 / (self.embed as f64).sqrt();
        let s_o = 1.0 / (self.hidden as f64).sqrt();
        for (m, pm) in out.chunks_mut(self.p.max(1)).enumerate() {
            let mut r = Rng::new(seed.wrapping_add(m as u64), stream::INIT);
            let (wh, wo) = (self.w_h(), self.w_o());
            pm[..wh].iter_mut().for_each(|v| *v = trunc(&mut r, s_e));
            pm[wh..wo].iter_mut().for_each(|v| *v = trunc(&mut r, s_h));
            pm[wo..].iter_mut().for_each(|v| *v = trunc(&mut r, s_o));
        }
        out
    }

    /// Logits [M, N, p] of the tokens (pairs a, b; width 2) and the cache.
    pub fn forward(&self, params: &[f32], t: &Tokens) -> (Vec<f32>, PairCache) {
        let (m, n, c, d, hd) = (self.models, t.n, self.classes, self.embed, self.hidden);
        let mut ew = vec![0.0; m * c * hd];
        let mut u = vec![0.0; m * hd * c];
        let mut h = vec![0.0; m * n * hd];
        let mut logits = vec![0.0; m * n * c];
        for mi in 0..m {
            let pm = &params[mi * self.p..(mi + 1) * self.p];
            let e = &pm[..self.w_h()];
            let ewm = &mut ew[mi * c * hd..(mi + 1) * c * hd];
            matmul(e, &pm[self.w_h()..self.w_o()], ewm, (c, d, hd), false);
            let um = &mut u[mi * hd * c..(mi + 1) * hd * c];
            matmul(&pm[self.w_o()..], e, um, (hd, d, c), true);
            let ids = &t.ids[mi * t.stride_m..];
            let hm = &mut h[mi * n * hd..(mi + 1) * n * hd];
            for i in 0..n {
                let (a, b) = (ids[2 * i] as usize, ids[2 * i + 1] as usize);
                let row = &mut hm[i * hd..(i + 1) * hd];
                // A token outside the vocabulary (an unreadable row) contributes nothing.
                for tok in [a, b].into_iter().filter(|&k| k < c) {
                    row.iter_mut().zip(&ewm[tok * hd..(tok + 1) * hd]).for_each(|(o, v)| *o += v);
                }
                row.iter_mut().for_each(|v| *v = v.max(0.0));
            }
            matmul(hm, um, &mut logits[mi * n * c..(mi + 1) * n * c], (n, hd, c), false);
        }
        (logits, PairCache { ew, u, h })
    }

    /// Gradients of the loss whose logit gradient is `dz` [M, B, p] into `grads` [M, P]
    /// (every entry written).
    pub fn backward(&self, params: &[f32], t: &Tokens, cache: &PairCache, dz: &[f32], grads: &mut [f32]) {
        let (m, n, c, d, hd) = (self.models, t.n, self.classes, self.embed, self.hidden);
        let (wh, wo) = (self.w_h(), self.w_o());
        let (mut du, mut dh, mut dp) = (vec![0.0; hd * c], vec![0.0; n * hd], vec![0.0; c * hd]);
        for mi in 0..m {
            let pm = &params[mi * self.p..(mi + 1) * self.p];
            let (e, w_h, w_o) = (&pm[..wh], &pm[wh..wo], &pm[wo..]);
            let hm = &cache.h[mi * n * hd..(mi + 1) * n * hd];
            let um = &cache.u[mi * hd * c..(mi + 1) * hd * c];
            let dzm = &dz[mi * n * c..(mi + 1) * n * c];
            matmul_tn(hm, dzm, &mut du, (n, hd, c)); // dU = hᵀ·dz [H, p]
            matmul(dzm, um, &mut dh, (n, c, hd), true); // dh = dz·Uᵀ [B, H]
            dp.fill(0.0);
            let ids = &t.ids[mi * t.stride_m..];
            for i in 0..n {
                let row = &dh[i * hd..(i + 1) * hd];
                let live = &hm[i * hd..(i + 1) * hd];
                for tok in [ids[2 * i] as usize, ids[2 * i + 1] as usize].into_iter().filter(|&k| k < c) {
                    for ((g, &v), &a) in dp[tok * hd..(tok + 1) * hd].iter_mut().zip(row).zip(live) {
                        if a > 0.0 {
                            *g += v;
                        }
                    }
                }
            }
            let gm = &mut grads[mi * self.p..(mi + 1) * self.p];
            let (ge, rest) = gm.split_at_mut(wh);
            let (gh, go) = rest.split_at_mut(wo - wh);
            // dE = dP·W_hᵀ + dUᵀ·W_o; dW_h = Eᵀ·dP; dW_o = dU·E.
            matmul(&dp, w_h, ge, (c, hd, d), true);
            let mut extra = vec![0.0; c * d];
            matmul_tn(&du, w_o, &mut extra, (hd, c, d));
            ge.iter_mut().zip(&extra).for_each(|(g, x)| *g += x);
            matmul_tn(e, &dp, gh, (c, d, hd));
            matmul(&du, e, go, (hd, c, d), false);
        }
    }

    /// The embedding E [p, D] of model `m`.
    pub fn embedding(&self, params: &[f32], m: usize) -> Vec<f32> {
        params[m * self.p..][..self.w_h()].to_vec()
    }
}
