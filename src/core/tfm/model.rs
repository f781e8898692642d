//! The transformer of `model=tfm`, forward and backward over the [`TfmLayout`] (see its doc for
//! the architecture: Nanda et al. 2023), composed from the reference ops: `embed` (token and
//! position embeddings), `dense` (every linear map, ReLU MLP, residual skips), `attention`
//! (causal multi-head), `layernorm` (pre-LN when `ln`).
//!
//! Only the last token's output is read (the answer after '='), so the last block runs its
//! attention for every query but its output map O, its MLP and the unembedding for the last
//! position only: the loss is the same function, with a third of the MLP work. Earlier blocks
//! run every position (the next block attends to them).
//!
//! Rows: R = n·3 per model, [M, n, 3, d] = [M·n, seq, d] as `attn_fwd` reads it.

use super::layout::{Block, Norm, TfmLayout, SEQ};
use super::Tokens;
use crate::core::ops::{
    attn_bwd, attn_fwd, dense_bwd_data_ex, dense_bwd_weight, dense_fwd, dense_fwd_ex, embed_bwd, embed_fwd, ln_bwd,
    ln_fwd, Act, Attn, EmbedDims, FwdExtra, Prev,
};

/// A LayerNorm's output and saved statistics.
pub struct NormOut {
    pub y: Vec<f32>,
    pub mean: Vec<f32>,
    pub rstd: Vec<f32>,
}

/// What one block keeps for the backward pass.
pub struct BlockCache {
    /// Residual stream into the block, [M, R, d].
    pub x: Vec<f32>,
    pub ln1: Option<NormOut>,
    pub q: Vec<f32>,
    pub k: Vec<f32>,
    pub v: Vec<f32>,
    /// [M·n, heads, 3, 3].
    pub probs: Vec<f32>,
    /// Attention output into O: [M, R', d] (R' = n in the last block: last position only).
    pub z: Vec<f32>,
    /// Residual after attention, [M, R', d].
    pub mid: Vec<f32>,
    pub ln2: Option<NormOut>,
    /// ReLU(W_in·h2 + b_in), [M, R', d_mlp].
    pub u: Vec<f32>,
}

/// The forward pass's saved tensors.
pub struct TfmCache {
    pub blocks: Vec<BlockCache>,
    /// Final residual at the last position, [M, n, d].
    pub x_last: Vec<f32>,
    pub lnf: Option<NormOut>,
}

impl TfmLayout {
    fn norm_fwd(&self, n: &Norm, params: &[f32], x: &[f32], rows: usize) -> NormOut {
        let (d, m) = (self.d_model, self.models);
        let mut o = NormOut { y: vec![0.0; x.len()], mean: vec![0.0; m * rows], rstd: vec![0.0; m * rows] };
        for mi in 0..m {
            let (g, b) = (&params[mi * self.p + n.g..][..d], &params[mi * self.p + n.b..][..d]);
            let r = mi * rows * d..(mi + 1) * rows * d;
            let s = mi * rows..(mi + 1) * rows;
            ln_fwd(rows, d, &x[r.clone()], g, b, &mut o.y[r], &mut o.mean[s.clone()], &mut o.rstd[s]);
        }
        o
    }

    /// dx of a LayerNorm (plus `skip`, the residual gradient), its γ, β gradients accumulated.
    #[allow(clippy::too_many_arguments)]
    fn norm_bwd(
        &self,
        n: &Norm,
        params: &[f32],
        x: &[f32],
        o: &NormOut,
        dy: &[f32],
        skip: &[f32],
        grads: &mut [f32],
    ) -> Vec<f32> {
        let (d, m, p) = (self.d_model, self.models, self.p);
        let rows = x.len() / (m * d).max(1);
        let mut dx = vec![0.0; x.len()];
        let (mut dg, mut db) = (vec![0.0; d], vec![0.0; d]);
        for mi in 0..m {
            let g = &params[mi * p + n.g..][..d];
            let r = mi * rows * d..(mi + 1) * rows * d;
            let s = mi * rows..(mi + 1) * rows;
            dg.fill(0.0);
            db.fill(0.0);
            ln_bwd(
                rows,
                d,
                &x[r.clone()],
                g,
                &o.mean[s.clone()],
                &o.rstd[s],
                &dy[r.clone()],
                &mut dx[r],
                &mut dg,
                &mut db,
            );
            grads[mi * p + n.g..][..d].iter_mut().zip(&dg).for_each(|(a, v)| *a += v);
            grads[mi * p + n.b..][..d].iter_mut().zip(&db).for_each(|(a, v)| *a += v);
        }
        dx.iter_mut().zip(skip).for_each(|(a, s)| *a += s);
        dx
    }

    /// Rows of the last position of `x` [M, n·3, d] → [M, n, d].
    fn last_rows(&self, x: &[f32], n: usize) -> Vec<f32> {
        let d = self.d_model;
        let mut out = Vec::with_capacity(self.models * n * d);
        for r in 0..self.models * n {
            out.extend_from_slice(&x[(r * SEQ + SEQ - 1) * d..][..d]);
        }
        out
    }

    /// [M, n, d] placed at the last position of a zero [M, n·3, d].
    fn spread_last(&self, x: &[f32], n: usize) -> Vec<f32> {
        let d = self.d_model;
        let mut out = vec![0.0; self.models * n * SEQ * d];
        for r in 0..self.models * n {
            out[(r * SEQ + SEQ - 1) * d..][..d].copy_from_slice(&x[r * d..][..d]);
        }
        out
    }

    fn attn(&self, n: usize) -> Attn {
        Attn { batch: self.models * n, seq: SEQ, heads: self.heads, d_head: self.d_head }
    }

    /// Logits [M, n, p] of token rows (a, b, =) and the saved tensors.
    pub fn forward(&self, params: &[f32], t: &Tokens) -> (Vec<f32>, TfmCache) {
        let (m, n, d, p) = (self.models, t.n, self.d_model, self.p);
        let rows = n * SEQ;
        let mut x = vec![0.0; m * rows * d];
        let tok = EmbedDims {
            m,
            rows,
            k: 1,
            d,
            vocab: self.vocab(),
            p_stride: p,
            off: self.tok_emb,
            ids_stride_m: t.stride_m,
        };
        embed_fwd(&tok, t.ids, params, &mut x, false);
        let pos_ids: Vec<u32> = (0..rows).map(|r| (r % SEQ) as u32).collect();
        let pos = EmbedDims { vocab: SEQ, off: self.pos_emb, ids_stride_m: 0, ..tok };
        embed_fwd(&pos, &pos_ids, params, &mut x, true);
        let mut blocks = Vec::with_capacity(self.blocks.len());
        for (l, bl) in self.blocks.iter().enumerate() {
            let last = l + 1 == self.blocks.len();
            let ln1 = bl.ln1.map(|nm| self.norm_fwd(&nm, params, &x, rows));
            let h = ln1.as_ref().map_or(&x, |o| &o.y);
            let lin = |w: &super::layout::Lin, h: &[f32], r: usize, act: Act| {
                let mut out = vec![0.0; m * r * w.o];
                dense_fwd(&w.dims(m, r, act, p), h, params, &mut out);
                out
            };
            let (q, k, v) =
                (lin(&bl.q, h, rows, Act::Linear), lin(&bl.k, h, rows, Act::Linear), lin(&bl.v, h, rows, Act::Linear));
            let a = self.attn(n);
            let (mut probs, mut z) = (vec![0.0; a.probs_len()], vec![0.0; a.qkv_len()]);
            attn_fwd(&a, &q, &k, &v, &mut probs, &mut z);
            let (r2, z, skip) =
                if last { (n, self.last_rows(&z, n), self.last_rows(&x, n)) } else { (rows, z, x.clone()) };
            let mut mid = vec![0.0; m * r2 * d];
            let ex = FwdExtra { skip: Some(&skip), ..FwdExtra::default() };
            dense_fwd_ex(&bl.o.dims(m, r2, Act::Linear, p), &z, params, &mut mid, ex);
            let (ln2, u, out) = self.mlp_fwd(bl, params, &mid, r2);
            blocks.push(BlockCache { x, ln1, q, k, v, probs, z, mid, ln2, u });
            x = out;
        }
        let lnf = self.lnf.map(|nm| self.norm_fwd(&nm, params, &x, n));
        let mut logits = vec![0.0; m * n * self.classes];
        dense_fwd(&self.unembed.dims(m, n, Act::Linear, p), lnf.as_ref().map_or(&x, |o| &o.y), params, &mut logits);
        (logits, TfmCache { blocks, x_last: x, lnf })
    }

    /// The MLP sublayer on `mid` [M, r, d]: (LN₂ output, hidden u, block output).
    fn mlp_fwd(&self, bl: &Block, params: &[f32], mid: &[f32], r: usize) -> (Option<NormOut>, Vec<f32>, Vec<f32>) {
        let Some((win, wout)) = bl.mlp else {
            return (None, vec![], mid.to_vec());
        };
        let (m, p) = (self.models, self.p);
        let ln2 = bl.ln2.map(|nm| self.norm_fwd(&nm, params, mid, r));
        let h2 = ln2.as_ref().map_or(mid, |o| &o.y);
        let mut u = vec![0.0; m * r * win.o];
        dense_fwd(&win.dims(m, r, Act::Relu, p), h2, params, &mut u);
        let mut out = vec![0.0; mid.len()];
        let ex = FwdExtra { skip: Some(mid), ..FwdExtra::default() };
        dense_fwd_ex(&wout.dims(m, r, Act::Linear, p), &u, params, &mut out, ex);
        (ln2, u, out)
    }

    /// Gradients of the loss whose logit gradient is `dz` [M, n, p] into `grads` [M, P]
    /// (every entry written).
    pub fn backward(&self, params: &[f32], t: &Tokens, c: &TfmCache, dz: &[f32], grads: &mut [f32]) {
        let (m, n, d, p) = (self.models, t.n, self.d_model, self.p);
        let rows = n * SEQ;
        grads.fill(0.0);
        // σ' of a linear input is 1: `Prev::Output` reads zeros of the right length for it.
        let zeros = vec![0.0; m * rows * d.max(self.d_mlp)];
        let data = |w: &super::layout::Lin, r: usize, dz: &[f32], skip: Option<&[f32]>| {
            let mut out = vec![0.0; m * r * w.i];
            let prev = Prev::Output { a: &zeros[..out.len()], act: Act::Linear };
            dense_bwd_data_ex(&w.dims(m, r, Act::Linear, p), dz, params, prev, skip, &mut out, None);
            out
        };
        let hf = c.lnf.as_ref().map_or(&c.x_last, |o| &o.y);
        dense_bwd_weight(&self.unembed.dims(m, n, Act::Linear, p), hf, dz, grads);
        let dhf = data(&self.unembed, n, dz, None);
        let mut dx = match (&self.lnf, &c.lnf) {
            (Some(nm), Some(o)) => self.norm_bwd(nm, params, &c.x_last, o, &dhf, &vec![0.0; dhf.len()], grads),
            _ => dhf,
        };
        for (l, (bl, bc)) in self.blocks.iter().zip(&c.blocks).enumerate().rev() {
            let last = l + 1 == self.blocks.len();
            let r2 = if last { n } else { rows };
            // MLP sublayer: out = mid + W_out·u + b_out.
            let dmid = match bl.mlp {
                Some((win, wout)) => {
                    dense_bwd_weight(&wout.dims(m, r2, Act::Linear, p), &bc.u, &dx, grads);
                    let mut du = vec![0.0; bc.u.len()];
                    let prev = Prev::Output { a: &bc.u, act: Act::Relu };
                    dense_bwd_data_ex(&wout.dims(m, r2, Act::Linear, p), &dx, params, prev, None, &mut du, None);
                    let h2 = bc.ln2.as_ref().map_or(&bc.mid, |o| &o.y);
                    dense_bwd_weight(&win.dims(m, r2, Act::Relu, p), h2, &du, grads);
                    match (&bl.ln2, &bc.ln2) {
                        (Some(nm), Some(o)) => {
                            let dh2 = data(&win, r2, &du, None);
                            self.norm_bwd(nm, params, &bc.mid, o, &dh2, &dx, grads)
                        }
                        _ => data(&win, r2, &du, Some(&dx)),
                    }
                }
                None => dx,
            };
            // Attention sublayer: mid = x + O(z) + b_O.
            dense_bwd_weight(&bl.o.dims(m, r2, Act::Linear, p), &bc.z, &dmid, grads);
            let dzo = data(&bl.o, r2, &dmid, None);
            let (dz_all, dres) =
                if last { (self.spread_last(&dzo, n), self.spread_last(&dmid, n)) } else { (dzo, dmid) };
            let a = self.attn(n);
            let (mut dq, mut dk, mut dv) = (vec![0.0; a.qkv_len()], vec![0.0; a.qkv_len()], vec![0.0; a.qkv_len()]);
            attn_bwd(&a, &bc.q, &bc.k, &bc.v, &bc.probs, &dz_all, &mut dq, &mut dk, &mut dv);
            let h = bc.ln1.as_ref().map_or(&bc.x, |o| &o.y);
            for (w, g) in [(&bl.q, &dq), (&bl.k, &dk), (&bl.v, &dv)] {
                dense_bwd_weight(&w.dims(m, rows, Act::Linear, p), h, g, grads);
            }
            let dh = data(&bl.q, rows, &dq, None);
            let dh = data(&bl.k, rows, &dk, Some(&dh));
            dx = match (&bl.ln1, &bc.ln1) {
                (Some(nm), Some(o)) => {
                    let dh = data(&bl.v, rows, &dv, Some(&dh));
                    self.norm_bwd(nm, params, &bc.x, o, &dh, &dres, grads)
                }
                _ => {
                    let mut dh = data(&bl.v, rows, &dv, Some(&dh));
                    dh.iter_mut().zip(&dres).for_each(|(a, s)| *a += s);
                    dh
                }
            };
        }
        let tok = EmbedDims {
            m,
            rows,
            k: 1,
            d,
            vocab: self.vocab(),
            p_stride: p,
            off: self.tok_emb,
            ids_stride_m: t.stride_m,
        };
        embed_bwd(&tok, t.ids, &dx, grads);
        let pos_ids: Vec<u32> = (0..rows).map(|r| (r % SEQ) as u32).collect();
        embed_bwd(&EmbedDims { vocab: SEQ, off: self.pos_emb, ids_stride_m: 0, ..tok }, &pos_ids, &dx, grads);
    }
}

/// The attention pattern of one model on the input (a, b, =): [blocks, heads, 3, 3], row i the
/// query position, column j the key (zero above the diagonal). `params` holds that model's
/// parameters ([P], e.g. `&all[m * P..(m + 1) * P]`); a, b are taken mod p.
pub fn attention_pattern(layout: &TfmLayout, params: &[f32], a: usize, b: usize) -> Vec<f32> {
    let one = TfmLayout { models: 1, ..layout.clone() };
    let p = layout.classes.max(1);
    let ids = [(a % p) as u32, (b % p) as u32, p as u32];
    let (_, cache) = one.forward(&params[..one.p.min(params.len())], &Tokens { ids: &ids, n: 1, stride_m: 0 });
    cache.blocks.into_iter().flat_map(|c| c.probs).collect()
}
