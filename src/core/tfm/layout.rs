//! `TfmLayout`: where every parameter tensor of the transformer lives in the flat [M, P]
//! parameter vector (DESIGN.md §3: all parameters in one buffer, model m at m·P). The GPU
//! backend builds on exactly these offsets and shapes: this layout is a contract, keep it stable.
//!
//! The model (Nanda et al. 2023, "Progress measures for grokking via mechanistic
//! interpretability", §3 and their `Transformer`): tokens a, b, '=' (vocab p + 1, '=' = p),
//! x₀ = W_E[tok] + W_pos[pos]; then `blocks` times (pre-LN when `ln`):
//! x ← x + O(attn(Q(h), K(h), V(h))) with h = LN₁(x) (or x), causal multi-head attention
//! (`core::ops::attention`, scale 1/√d_head); x ← x + W_out·relu(W_in·LN₂(x) + b_in) + b_out
//! when d_mlp > 0; finally logits = W_U·LN_f(x_last) + b_U at the last token ('=').
//!
//! Per model, in this order (each matrix row-major [in, out] as `core::ops::DenseDims` reads it,
//! so every linear map is a dense layer with a bias; head h owns columns h·d_head…(h+1)·d_head
//! of Q, K, V and rows h·d_head… of O):
//!
//! | tensor | shape | present |
//! |---|---|---|
//! | `tok_emb` | [p + 1, d] | always |
//! | `pos_emb` | [3, d] | always |
//! | block l: `ln1.g`, `ln1.b` | [d], [d] | `ln` |
//! | `q.w`, `q.b`, `k.w`, `k.b`, `v.w`, `v.b`, `o.w`, `o.b` | [d, d], [d] each | always |
//! | `ln2.g`, `ln2.b` | [d], [d] | `ln` and d_mlp > 0 |
//! | `in.w`, `in.b`, `out.w`, `out.b` | [d, d_mlp], [d_mlp], [d_mlp, d], [d] | d_mlp > 0 |
//! | `lnf.g`, `lnf.b` | [d], [d] | `ln` |
//! | `unembed.w`, `unembed.b` | [d, p], [p] | always |
//!
//! Departures from Nanda's code, on purpose: every linear map has a bias (zero at init, never
//! decayed) so that each is one `dense` op (the GPU reuses its kernels); weight decay acts on
//! matrices and embeddings only (the repo's convention: not on biases or LayerNorm gains).
//! Init as Nanda's: matrices and embeddings N(0, 1/d), the unembedding N(0, 1/p).

use crate::core::ops::{Act, DenseDims};
use crate::core::rng::{stream, Rng};

/// Tokens per example: a, b, '='.
pub const SEQ: usize = 3;

/// One linear map y = x·W + bias: W [i, o] at `w`, bias [o] at `b` (offsets within a model).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lin {
    pub w: usize,
    pub b: usize,
    pub i: usize,
    pub o: usize,
}

impl Lin {
    /// The dense op of this map over `rows` rows per model, inputs `x_stride_m` apart.
    pub fn dims(&self, models: usize, rows: usize, act: Act, p: usize) -> DenseDims {
        DenseDims {
            m: models,
            b: rows,
            i: self.i,
            o: self.o,
            act,
            x_stride_m: rows * self.i,
            p_stride: p,
            w_off: self.w,
            b_off: self.b,
            mult: 1.0,
            w0: 1.0,
        }
    }
}

/// LayerNorm gain and bias offsets ([d] each).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Norm {
    pub g: usize,
    pub b: usize,
}

/// One transformer block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    pub ln1: Option<Norm>,
    pub q: Lin,
    pub k: Lin,
    pub v: Lin,
    pub o: Lin,
    pub ln2: Option<Norm>,
    /// (W_in, W_out) when d_mlp > 0.
    pub mlp: Option<(Lin, Lin)>,
}

/// One named tensor: offset within a model, shape, and whether weight decay acts on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tensor {
    pub name: String,
    pub off: usize,
    pub shape: Vec<usize>,
    pub decay: bool,
}

impl Tensor {
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The transformer's shapes and parameter offsets (see the module doc).
#[derive(Clone, Debug, PartialEq)]
pub struct TfmLayout {
    /// Models M on the model axis.
    pub models: usize,
    /// Parameters per model.
    pub p: usize,
    /// Modulus = output classes; the vocabulary is p + 1 ('=' = p).
    pub classes: usize,
    pub d_model: usize,
    pub heads: usize,
    pub d_head: usize,
    pub d_mlp: usize,
    pub ln: bool,
    pub tok_emb: usize,
    pub pos_emb: usize,
    pub blocks: Vec<Block>,
    pub lnf: Option<Norm>,
    pub unembed: Lin,
    /// Every tensor, in memory order (they tile [0, p) exactly).
    pub tensors: Vec<Tensor>,
}

impl TfmLayout {
    /// The layout for modulus `classes`, `blocks` blocks; `heads` is lowered to a divisor of
    /// `d_model` if it is not one (the URL codec already ensures it), everything at least 1.
    pub fn new(
        classes: usize,
        d_model: usize,
        heads: usize,
        blocks: usize,
        d_mlp: usize,
        ln: bool,
        models: usize,
    ) -> Self {
        let d = d_model.max(1);
        let heads = (1..=heads.clamp(1, d)).rev().find(|h| d.is_multiple_of(*h)).unwrap_or(1);
        let mut t: Vec<Tensor> = Vec::new();
        let mut at = 0;
        let mut add = |name: String, shape: Vec<usize>, decay: bool| {
            let off = at;
            at += shape.iter().product::<usize>();
            t.push(Tensor { name, off, shape, decay });
            off
        };
        let lin = |name: &str, i: usize, o: usize, add: &mut dyn FnMut(String, Vec<usize>, bool) -> usize| Lin {
            w: add(format!("{name}.w"), vec![i, o], true),
            b: add(format!("{name}.b"), vec![o], false),
            i,
            o,
        };
        let norm = |name: &str, add: &mut dyn FnMut(String, Vec<usize>, bool) -> usize| Norm {
            g: add(format!("{name}.g"), vec![d], false),
            b: add(format!("{name}.b"), vec![d], false),
        };
        let tok_emb = add("tok_emb".into(), vec![classes + 1, d], true);
        let pos_emb = add("pos_emb".into(), vec![SEQ, d], true);
        let mut bl = Vec::new();
        for l in 0..blocks.max(1) {
            let n = |s: &str| format!("blocks.{l}.{s}");
            let ln1 = ln.then(|| norm(&n("ln1"), &mut add));
            let (q, k) = (lin(&n("q"), d, d, &mut add), lin(&n("k"), d, d, &mut add));
            let (v, o) = (lin(&n("v"), d, d, &mut add), lin(&n("o"), d, d, &mut add));
            let ln2 = (ln && d_mlp > 0).then(|| norm(&n("ln2"), &mut add));
            let mlp = (d_mlp > 0).then(|| (lin(&n("in"), d, d_mlp, &mut add), lin(&n("out"), d_mlp, d, &mut add)));
            bl.push(Block { ln1, q, k, v, o, ln2, mlp });
        }
        let lnf = ln.then(|| norm("lnf", &mut add));
        let unembed = lin("unembed", d, classes, &mut add);
        TfmLayout {
            models: models.max(1),
            p: at,
            classes,
            d_model: d,
            heads,
            d_head: d / heads,
            d_mlp,
            ln,
            tok_emb,
            pos_emb,
            blocks: bl,
            lnf,
            unembed,
            tensors: t,
        }
    }

    /// Vocabulary size p + 1.
    pub fn vocab(&self) -> usize {
        self.classes + 1
    }

    /// The tensor named `name`.
    pub fn tensor(&self, name: &str) -> Option<&Tensor> {
        self.tensors.iter().find(|t| t.name == name)
    }

    /// [P]: 1 where decoupled weight decay (and L1/L2) act, 0 on biases and LayerNorm.
    pub fn decay_mask(&self) -> Vec<f32> {
        let mut m = vec![0.0; self.p];
        for t in self.tensors.iter().filter(|t| t.decay) {
            m[t.off..t.off + t.len()].fill(1.0);
        }
        m
    }

    /// Initial parameters [M, P]: model m draws from `Rng::new(seed + m, INIT)` tensor by tensor
    /// in memory order; matrices and embeddings N(0, 1/d_model), the unembedding N(0, 1/p),
    /// biases 0, LayerNorm gains 1.
    pub fn init(&self, seed: u64) -> Vec<f32> {
        let mut out = vec![0.0; self.models * self.p];
        for (m, pm) in out.chunks_mut(self.p.max(1)).enumerate() {
            let mut r = Rng::new(seed.wrapping_add(m as u64), stream::INIT);
            for t in &self.tensors {
                let dst = &mut pm[t.off..t.off + t.len()];
                if t.decay {
                    let fan = if t.name == "unembed.w" { self.classes } else { self.d_model };
                    let var = 1.0 / fan.max(1) as f64;
                    dst.iter_mut().for_each(|v| *v = r.normal(0.0, var) as f32);
                } else if t.name.ends_with(".g") {
                    dst.fill(1.0);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tensors_tile_the_parameters() {
        for (ln, d_mlp, blocks) in [(false, 512, 1), (true, 0, 2), (true, 16, 2)] {
            let l = TfmLayout::new(7, 12, 5, blocks, d_mlp, ln, 2);
            assert_eq!((l.heads, l.d_head), (4, 3), "heads lowered to a divisor of 12");
            let mut at = 0;
            for t in &l.tensors {
                assert_eq!(t.off, at, "{}", t.name);
                at += t.len();
            }
            assert_eq!(at, l.p);
            let d = 12;
            let per_block = 4 * (d * d + d) + if d_mlp > 0 { 2 * d * d_mlp + d_mlp + d } else { 0 };
            let norms = if ln { 2 * d * (1 + blocks + usize::from(d_mlp > 0) * blocks) } else { 0 };
            assert_eq!(l.p, 8 * d + 3 * d + blocks * per_block + norms + d * 7 + 7);
            assert_eq!(l.tensor("unembed.w").map(|t| t.shape.clone()), Some(vec![12, 7]));
            let init = l.init(3);
            assert_eq!(init.len(), 2 * l.p);
            assert_ne!(init[..l.p], init[l.p..], "models draw their own seeds");
            let g = l.tensor("lnf.g").map(|t| init[t.off]);
            assert_eq!(g, ln.then_some(1.0));
            let mask = l.decay_mask();
            assert_eq!(mask[l.unembed.b], 0.0);
            assert_eq!(mask[l.tok_emb], 1.0);
        }
    }
}
