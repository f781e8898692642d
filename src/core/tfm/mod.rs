//! Token models of `data=mod`: the pair (a, b) read as token ids instead of one-hot floats.
//! - [`emb`]: PAIR's embedding MLP (`model=emb`, Pearce et al. 2023), ReLU(E[a] + E[b])·W_out;
//! - [`pair`]: the same as PAIR's notebook trains it (`model=emb&layers=D,H`): a D-wide tied
//!   embedding, ReLU(E[a]·W_h + E[b]·W_h)·W_o·Eᵀ;
//! - [`layout`]: the transformer's parameter layout (`model=tfm`, Nanda et al. 2023), the
//!   contract the GPU backend builds on; [`model`]: its forward and backward pass and the
//!   attention pattern of one input ([`attention_pattern`]).
//!
//! The tokens come from the same split as the MLP's one-hot inputs ([`tokens`] reads a and b
//! back from `core::data::modular`'s one-hot rows), so MLP, emb and tfm runs of one URL see the
//! same pairs, the same seed split and the same corrupted labels. The answer is read at the
//! last position, the '=' token (id p) of the transformer.

pub mod emb;
pub mod layout;
pub mod model;
pub mod pair;

pub use emb::EmbLayout;
pub use layout::{TfmLayout, SEQ};
pub use model::attention_pattern;
pub use pair::PairLayout;

use crate::core::data::Split;
use crate::core::ops::{loss_head_ex, HeadKind, HeadOut};

/// Token ids of N examples, `width` per example ([N, width], or [M, N, width] per model).
#[derive(Clone, Copy, Debug)]
pub struct Tokens<'a> {
    pub ids: &'a [u32],
    /// Examples per model.
    pub n: usize,
    /// Ids between models: `n * width`, or 0 when every model reads the same examples.
    pub stride_m: usize,
}

/// The token rows of `split` (one-hot a ‖ one-hot b over 2p columns, `core::data::modular`):
/// [N, 2] = (a, b), or with `eq` [N, 3] = (a, b, p), p being the '=' token. A row without a
/// one in a half reads as the token p (outside E, contributing nothing to `emb`).
pub fn tokens(split: &Split, p: usize, eq: bool) -> Vec<u32> {
    let n = split.len();
    let w = 2 * p;
    let mut out = Vec::with_capacity(n * 3);
    for i in 0..n {
        let row = split.x.get(i * w..(i + 1) * w).unwrap_or(&[]);
        for half in 0..2 {
            let hot = row.get(half * p..(half + 1) * p).and_then(|h| h.iter().position(|&v| v == 1.0));
            out.push(hot.unwrap_or(p) as u32);
        }
        if eq {
            out.push(p as u32);
        }
    }
    out
}

/// A token model: `model=emb` or `model=tfm`.
#[derive(Clone, Debug, PartialEq)]
pub enum Net {
    Emb(EmbLayout),
    Tfm(TfmLayout),
    Pair(PairLayout),
}

impl Net {
    pub fn models(&self) -> usize {
        match self {
            Net::Emb(l) => l.models,
            Net::Tfm(l) => l.models,
            Net::Pair(l) => l.models,
        }
    }
    /// Parameters per model.
    pub fn p(&self) -> usize {
        match self {
            Net::Emb(l) => l.p,
            Net::Tfm(l) => l.p,
            Net::Pair(l) => l.p,
        }
    }
    pub fn classes(&self) -> usize {
        match self {
            Net::Emb(l) => l.classes,
            Net::Tfm(l) => l.classes,
            Net::Pair(l) => l.classes,
        }
    }
    /// Tokens per example: 2 (a, b) for `emb`, 3 (a, b, =) for `tfm`.
    pub fn width(&self) -> usize {
        match self {
            Net::Emb(_) | Net::Pair(_) => 2,
            Net::Tfm(_) => SEQ,
        }
    }
    pub fn init(&self, seed: u64) -> Vec<f32> {
        match self {
            Net::Emb(l) => l.init(seed),
            Net::Tfm(l) => l.init(seed),
            Net::Pair(l) => l.init(seed),
        }
    }
    pub fn decay_mask(&self) -> Vec<f32> {
        match self {
            Net::Emb(l) => l.decay_mask(),
            Net::Tfm(l) => l.decay_mask(),
            Net::Pair(l) => l.decay_mask(),
        }
    }

    /// Logits [M, N, p].
    pub fn logits(&self, params: &[f32], t: &Tokens) -> Vec<f32> {
        match self {
            Net::Emb(l) => l.forward(params, t).0,
            Net::Tfm(l) => l.forward(params, t).0,
            Net::Pair(l) => l.forward(params, t).0,
        }
    }

    /// One minibatch ([M, B] examples `t`, class targets `y` [M, B]) through the softmax
    /// cross-entropy head (label smoothing `smooth`): writes the gradient of the mean loss into
    /// `grads` [M, P]; returns the per-example loss and correctness, each [M, B].
    pub fn grad(&self, params: &[f32], t: &Tokens, y: &[u32], smooth: f32, grads: &mut [f32]) -> (Vec<f32>, Vec<f32>) {
        let (m, b, c) = (self.models(), t.n, self.classes());
        let (mut dz, mut loss, mut correct) = (vec![0.0; m * b * c], vec![0.0; m * b], vec![0.0; m * b]);
        let head = HeadKind::Softmax { smooth };
        match self {
            Net::Emb(l) => {
                let (logits, cache) = l.forward(params, t);
                let out = HeadOut { dz: &mut dz, loss: &mut loss, correct: &mut correct };
                loss_head_ex(head, m, b, c, b, &logits, y, out);
                l.backward(params, t, &cache, &dz, grads);
            }
            Net::Tfm(l) => {
                let (logits, cache) = l.forward(params, t);
                let out = HeadOut { dz: &mut dz, loss: &mut loss, correct: &mut correct };
                loss_head_ex(head, m, b, c, b, &logits, y, out);
                l.backward(params, t, &cache, &dz, grads);
            }
            Net::Pair(l) => {
                let (logits, cache) = l.forward(params, t);
                let out = HeadOut { dz: &mut dz, loss: &mut loss, correct: &mut correct };
                loss_head_ex(head, m, b, c, b, &logits, y, out);
                l.backward(params, t, &cache, &dz, grads);
            }
        }
        (loss, correct)
    }

    /// Floating-point work of one pass over `n` examples per model, all models: the forward
    /// pass, or with `backward` a training step (forward and backward, ≈ 3× the forward).
    /// `emb` and `tfm`: 2 FLOP per parameter and token (the transformer's 3 tokens, the
    /// embedding MLP's readout); `pair` computes its [p, H] tables E·W_h and W_o·Eᵀ once per
    /// pass (2·p·D·H each), then 2·H·p per example, so PAIR's D = 500 costs little more
    /// than H = 24 alone.
    pub fn flops(&self, n: usize, backward: bool) -> f64 {
        let n = n as f64;
        let fwd = match self {
            Net::Emb(l) => 2.0 * (l.hidden * l.classes) as f64 * n,
            Net::Tfm(l) => 2.0 * l.p as f64 * SEQ as f64 * n,
            Net::Pair(l) => 4.0 * (l.classes * l.embed * l.hidden) as f64 + 2.0 * (l.hidden * l.classes) as f64 * n,
        };
        fwd * if backward { 3.0 } else { 1.0 } * self.models() as f64
    }

    /// Model `m`'s embedding of the residues 0…p−1: [p, width] (`emb`: E [p, H]; `tfm`:
    /// W_E without the '=' row, [p, d_model]; `pair`: E [p, D]).
    pub fn embedding_matrix(&self, params: &[f32], m: usize) -> Vec<f32> {
        match self {
            Net::Emb(l) => l.embedding(params, m),
            Net::Tfm(l) => params[m * l.p + l.tok_emb..][..l.classes * l.d_model].to_vec(),
            Net::Pair(l) => l.embedding(params, m),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::data::modular;
    use crate::core::data::DataSpec;

    #[test]
    fn work_estimates() {
        let pair = Net::Pair(PairLayout::new(67, 500, 24, 1));
        // PAIR at p = 67: two 67·500·24 tables, then 2·24·67 per example; a step ≈ 3 passes.
        assert_eq!(pair.flops(1000, false), 4.0 * 67.0 * 500.0 * 24.0 + 2.0 * 24.0 * 67.0 * 1000.0);
        assert_eq!(pair.flops(1000, true), 3.0 * pair.flops(1000, false));
        let emb = Net::Emb(EmbLayout::new(67, 24, 2));
        assert_eq!(emb.flops(10, false), 2.0 * 2.0 * 24.0 * 67.0 * 10.0, "two models");
        let tfm = Net::Tfm(TfmLayout::new(7, 8, 2, 1, 0, false, 1));
        assert_eq!(tfm.flops(1, false), 2.0 * tfm.p() as f64 * 3.0);
    }

    #[test]
    fn tokens_read_back_the_one_hot_pairs() {
        let spec = DataSpec { data: crate::core::data::Dataset::Mod, p: 7, corrupt: 0.2, ..DataSpec::default() };
        let d = modular::build(&spec);
        let t = tokens(&d.train, 7, true);
        assert_eq!(t.len(), 3 * d.train.len());
        for i in 0..d.train.len() {
            let (a, b) = (t[3 * i] as usize, t[3 * i + 1] as usize);
            assert_eq!(t[3 * i + 2], 7);
            assert_eq!((d.train.raw[2 * i], d.train.raw[2 * i + 1]), (modular::coord(a, 7), modular::coord(b, 7)));
            assert_eq!(d.train.clean[i] as u64, modular::apply(spec.op, a as u64, b as u64, 7));
        }
        assert_eq!(tokens(&d.test, 7, false).len(), 2 * d.test.len());
    }
}
