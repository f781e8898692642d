//! Recording one pass of the transformer (`core::tfm::model`, Nanda et al. 2023) on the GPU:
//! token + position embeddings (`shaders/embed.wgsl`), per block optional pre-LN
//! (`shaders/layernorm.wgsl` over M models), q, k, v as three dense maps into one chunked
//! buffer, causal attention (`shaders/attention.wgsl`), O with the residual skip, the optional
//! ReLU MLP; the last block keeps only the last position ('=') after attention, as the CPU
//! does; final LN, unembedding, head. The backward mirrors `TfmLayout::backward` step by step
//! (the LayerNorm gains and biases accumulate: the backend clears the gradients first).

use super::record::Pass;
use super::{all, Rec, View};
use crate::core::ops::{Act, Attn, EmbedDims};
use crate::core::tfm::layout::{Norm, TfmLayout, SEQ};
use crate::gpu::builder::Dispatch;
use crate::gpu::kernels::K;
use crate::gpu::tfm_kernels::{attn_dims, embed_dims, ln_dims_models, rows_dims, QkvLayout};
use wgpu::Buffer;

/// What one block's forward leaves for its backward.
struct Saved {
    /// Block input [M, R, d] and its LN₁ output (or the input) with LN₁'s statistics.
    x: Buffer,
    h: Buffer,
    st1: Option<Buffer>,
    qkv: Buffer,
    probs: Buffer,
    /// O's input and residual source (last position only in the last block), rows r2.
    z: Buffer,
    mid: Buffer,
    h2: Buffer,
    st2: Option<Buffer>,
    u: Option<Buffer>,
}

impl Rec<'_> {
    fn ln_fwd(
        &mut self,
        nm: &Norm,
        m: usize,
        rows: usize,
        d: usize,
        x: &Buffer,
        tag: &str,
    ) -> (Buffer, Buffer, Dispatch) {
        let (y, st) = (self.buf(tag, m * rows * d), self.buf(tag, 2 * m * rows));
        let dims = ln_dims_models(m, rows, d, self.p, (nm.g, nm.b), false);
        let params = self.params.clone();
        let k = self.add(K::LnFwd, dims, [all(x), all(&params), None], [all(&y), all(&st), None]);
        (y, st, k)
    }

    /// dx of a LayerNorm written into (`acc` false) or added onto (`acc`) `dx`; dγ, dβ added.
    #[allow(clippy::too_many_arguments)]
    fn ln_bwd(
        &mut self,
        nm: &Norm,
        m: usize,
        rows: usize,
        d: usize,
        x: &Buffer,
        st: &Buffer,
        dy: &Buffer,
        dx: &Buffer,
        acc: bool,
    ) -> [Dispatch; 2] {
        let dims = ln_dims_models(m, rows, d, self.p, (nm.g, nm.b), acc);
        let (params, grads) = (self.params.clone(), self.grads.clone());
        [
            self.add(K::LnBwdX, dims, [all(x), all(&params), all(dy)], [all(dx), all(st), None]),
            self.add(K::LnBwdParam, dims, [all(x), None, all(dy)], [None, all(st), all(&grads)]),
        ]
    }
}

pub fn tfm(r: &mut Rec, l: &TfmLayout, p: &Pass) -> Vec<Dispatch> {
    let (m, n, d, c) = (l.models, p.n, l.d_model, l.classes);
    let rows = n * SEQ;
    let big = m * rows * d;
    let a = Attn { batch: m * n, seq: SEQ, heads: l.heads, d_head: l.d_head };
    let chunk = big.next_multiple_of(64);
    let ql = QkvLayout::chunked(&a, chunk);
    let (params, grads) = (r.params.clone(), r.grads.clone());
    let mut v = vec![];
    let tok =
        EmbedDims { m, rows, k: 1, d, vocab: l.vocab(), p_stride: l.p, off: l.tok_emb, ids_stride_m: p.ids_stride };
    let pos = EmbedDims { vocab: SEQ, off: l.pos_emb, ids_stride_m: 0, ..tok };
    let pos_ids = r.pos_ids.clone();
    let mut x = r.buf("tfm x0", big);
    v.push(r.add(
        K::EmbedFwd,
        embed_dims(&tok, Act::Linear, false),
        [all(p.ids), all(&params), None],
        [all(&x), None, None],
    ));
    v.push(r.add(
        K::EmbedFwd,
        embed_dims(&pos, Act::Linear, true),
        [all(&pos_ids), all(&params), None],
        [all(&x), None, None],
    ));
    let mut saved = vec![];
    for (li, bl) in l.blocks.iter().enumerate() {
        let last = li + 1 == l.blocks.len();
        let (h, st1) = match bl.ln1 {
            Some(nm) => {
                let (y, st, k) = r.ln_fwd(&nm, m, rows, d, &x, "tfm ln1");
                v.push(k);
                (y, Some(st))
            }
            None => (x.clone(), None),
        };
        let qkv = r.buf("tfm qkv", 3 * chunk);
        for (w, off) in [(&bl.q, ql.q_off), (&bl.k, ql.k_off), (&bl.v, ql.v_off)] {
            let dd = crate::gpu::kernels::Dims::from_dense(&w.dims(m, rows, Act::Linear, l.p), Act::Linear);
            v.push(r.add(K::Fwd, dd, [all(&h), all(&params), None], [Some((&qkv, off)), None, None]));
        }
        let (probs, zall) = (r.buf("tfm probs", a.probs_len()), r.buf("tfm z", big));
        v.push(r.add(K::AttnFwd, attn_dims(&a, &ql), [all(&qkv), None, None], [all(&probs), all(&zall), None]));
        let (r2, z, skip) = if last {
            let (zl, xl) = (r.buf("tfm z last", m * n * d), r.buf("tfm x last", m * n * d));
            let pick = rows_dims(m * n, SEQ, d, SEQ - 1);
            v.push(r.add(K::RowsPick, pick, [all(&zall), None, None], [all(&zl), None, None]));
            v.push(r.add(K::RowsPick, pick, [all(&x), None, None], [all(&xl), None, None]));
            (n, zl, xl)
        } else {
            (rows, zall, x.clone())
        };
        let mid = r.buf("tfm mid", m * r2 * d);
        v.push(r.fwd(&bl.o, m, r2, Act::Linear, all(&z), &mid, Some(&skip)));
        let (h2, st2) = match bl.ln2 {
            Some(nm) => {
                let (y, st, k) = r.ln_fwd(&nm, m, r2, d, &mid, "tfm ln2");
                v.push(k);
                (y, Some(st))
            }
            None => (mid.clone(), None),
        };
        let (u, out) = match bl.mlp {
            Some((win, wout)) => {
                let (u, out) = (r.buf("tfm u", m * r2 * win.o), r.buf("tfm out", m * r2 * d));
                v.push(r.fwd(&win, m, r2, Act::Relu, all(&h2), &u, None));
                v.push(r.fwd(&wout, m, r2, Act::Linear, all(&u), &out, Some(&mid)));
                (Some(u), out)
            }
            None => (None, mid.clone()),
        };
        saved.push(Saved { x, h, st1, qkv, probs, z, mid, h2, st2, u });
        x = out;
    }
    let (hf, stf) = match l.lnf {
        Some(nm) => {
            let (y, st, k) = r.ln_fwd(&nm, m, n, d, &x, "tfm lnf");
            v.push(k);
            (y, Some(st))
        }
        None => (x.clone(), None),
    };
    let logits = r.buf("tfm logits", m * n * c);
    v.push(r.fwd(&l.unembed, m, n, Act::Linear, all(&hf), &logits, None));
    v.push(r.head(m, c, p, &logits));
    if !p.train {
        return v;
    }
    // Backward (`TfmLayout::backward`).
    let dz = p.head[0];
    v.push(r.bwd_w(&l.unembed, m, n, all(&hf), all(dz)));
    let dhf = r.buf("tfm dhf", m * n * d);
    v.push(r.bwd_x(&l.unembed, m, n, all(dz), all(&hf), Act::Linear, &dhf, None));
    let mut dx = match (&l.lnf, &stf) {
        (Some(nm), Some(st)) => {
            let out = r.buf("tfm dxf", m * n * d);
            v.extend(r.ln_bwd(nm, m, n, d, &x, st, &dhf, &out, false));
            out
        }
        _ => dhf,
    };
    for (li, (bl, s)) in l.blocks.iter().zip(&saved).enumerate().rev() {
        let last = li + 1 == l.blocks.len();
        let r2 = if last { n } else { rows };
        let dmid = match bl.mlp {
            Some((win, wout)) => {
                let u = s.u.as_ref().unwrap_or(&s.mid);
                v.push(r.bwd_w(&wout, m, r2, all(u), all(&dx)));
                let du = r.buf("tfm du", m * r2 * win.o);
                v.push(r.bwd_x(&wout, m, r2, all(&dx), all(u), Act::Relu, &du, None));
                v.push(r.bwd_w(&win, m, r2, all(&s.h2), all(&du)));
                match (&bl.ln2, &s.st2) {
                    (Some(nm), Some(st)) => {
                        // dmid = LN₂'s dx + dx, added onto dx in place.
                        let dh2 = r.buf("tfm dh2", m * r2 * d);
                        v.push(r.bwd_x(&win, m, r2, all(&du), all(&s.h2), Act::Linear, &dh2, None));
                        v.extend(r.ln_bwd(nm, m, r2, d, &s.mid, st, &dh2, &dx, true));
                        dx.clone()
                    }
                    _ => {
                        let out = r.buf("tfm dmid", m * r2 * d);
                        v.push(r.bwd_x(&win, m, r2, all(&du), all(&s.h2), Act::Linear, &out, Some(&dx)));
                        out
                    }
                }
            }
            None => dx.clone(),
        };
        v.push(r.bwd_w(&bl.o, m, r2, all(&s.z), all(&dmid)));
        let dzo = r.buf("tfm dzo", m * r2 * d);
        v.push(r.bwd_x(&bl.o, m, r2, all(&dmid), all(&s.z), Act::Linear, &dzo, None));
        let (dz_all, dres) = if last {
            let (za, ra) = (r.buf("tfm dz all", big), r.buf("tfm dres", big));
            let sp = rows_dims(m * n, SEQ, d, SEQ - 1);
            v.push(r.add(K::RowsSpread, sp, [all(&dzo), None, None], [all(&za), None, None]));
            v.push(r.add(K::RowsSpread, sp, [all(&dmid), None, None], [all(&ra), None, None]));
            (za, ra)
        } else {
            (dzo, dmid)
        };
        let (dqkv, ds) = (r.buf("tfm dqkv", 3 * chunk), r.buf("tfm ds", a.probs_len()));
        let ad = attn_dims(&a, &ql);
        let ro: [View; 3] = [all(&s.qkv), all(&s.probs), all(&dz_all)];
        v.push(r.add(K::AttnBwdDs, ad, ro, [None, all(&ds), None]));
        v.push(r.add(K::AttnBwdQkv, ad, ro, [all(&dqkv), all(&ds), None]));
        for (w, off) in [(&bl.q, ql.q_off), (&bl.k, ql.k_off), (&bl.v, ql.v_off)] {
            v.push(r.bwd_w(w, m, rows, all(&s.h), Some((&dqkv, off))));
        }
        let (da, db) = (r.buf("tfm dh a", big), r.buf("tfm dh b", big));
        v.push(r.bwd_x(&bl.q, m, rows, Some((&dqkv, ql.q_off)), all(&s.h), Act::Linear, &da, None));
        v.push(r.bwd_x(&bl.k, m, rows, Some((&dqkv, ql.k_off)), all(&s.h), Act::Linear, &db, Some(&da)));
        v.push(r.bwd_x(&bl.v, m, rows, Some((&dqkv, ql.v_off)), all(&s.h), Act::Linear, &da, Some(&db)));
        dx = match (&bl.ln1, &s.st1) {
            (Some(nm), Some(st)) => {
                v.extend(r.ln_bwd(nm, m, rows, d, &s.x, st, &da, &dres, true));
                dres
            }
            _ => {
                v.push(r.add(K::AddTo, rows_dims(big, 0, 0, 0), [all(&dres), None, None], [all(&da), None, None]));
                da
            }
        };
    }
    let gd = |e: &EmbedDims| embed_dims(e, Act::Linear, false);
    v.push(r.add(K::EmbedBwd, gd(&tok), [all(p.ids), all(&dx), None], [all(&grads), None, None]));
    v.push(r.add(K::EmbedBwd, gd(&pos), [all(&pos_ids), all(&dx), None], [all(&grads), None, None]));
    v
}
