//! Recording one pass of PAIR's factored embedding MLP (`core::tfm::pair`, Pearce et al. 2023,
//! `model=emb&layers=D,H`) on the GPU, op for op as the CPU reference computes it:
//! logits = ReLU(P[a] + P[b])·U with the tables P = E·W_h [p, H] and U = W_o·Eᵀ [H, p].
//! - The table products (parameter × parameter, operands at offsets of the flat parameters, some
//!   transposed) run on `shaders/matmul.wgsl` (`core::ops::mm`): P, U, and in the backward
//!   dE = dP·W_hᵀ + dUᵀ·W_o, dW_h = Eᵀ·dP, dW_o = dU·E.
//! - The per-example work reuses the shared kernels: the lookup-sum E[a] + E[b] with ReLU and its
//!   scatter-add (`shaders/embed.wgsl`, here over the table P), and the dense kernels for
//!   logits = h·U (U's buffer carries a zero bias row after it), dU = hᵀ·dz and
//!   dh = dz·Uᵀ ⊙ ReLU′ (`shaders/dense.wgsl`).
//!
//! Every sum runs in the reference's order; every gradient entry is overwritten each step.

use super::record::Pass;
use super::{all, Rec};
use crate::core::ops::{Act, EmbedDims, MmDims, Operand};
use crate::core::tfm::layout::Lin;
use crate::core::tfm::PairLayout;
use crate::gpu::builder::Dispatch;
use crate::gpu::kernels::{Dims, K};
use crate::gpu::tfm_kernels::{embed_dims, mm_dims};

/// Floats per model of the U and dU buffers: [H, p] and a row of p after it (U: zeros, the
/// dense forward's bias; dU: the dense weight gradient's bias row, unused).
pub fn u_len(l: &PairLayout) -> usize {
    (l.hidden + 1) * l.classes
}

pub fn pair(r: &mut Rec, l: &PairLayout, p: &Pass) -> Vec<Dispatch> {
    let (m, n, c, dd, hd, pp) = (l.models, p.n, l.classes, l.embed, l.hidden, l.p);
    let (params, grads) = (r.params.clone(), r.grads.clone());
    let at = |off: usize, stride_m: usize, t: bool| Operand { off, stride_m, t };
    let mat = |rows: usize, k: usize, cols: usize, a: Operand, b: Operand, out: Operand, acc: bool| {
        mm_dims(&MmDims { m, r: rows, k, c: cols, a, b, out, acc })
    };
    let (e, w_h, w_o) = (at(0, pp, false), at(l.w_h(), pp, false), at(l.w_o(), pp, false));
    let ulen = u_len(l);
    let (tp, tu) = (r.buf("pair P", m * c * hd), r.buf("pair U", m * ulen));
    let mut v = vec![
        // P = E·W_h [p, H]; U = W_o·Eᵀ [H, p] (E read transposed).
        r.add(
            K::MatMul,
            mat(c, dd, hd, e, w_h, at(0, c * hd, false), false),
            [all(&params), all(&params), None],
            [all(&tp), None, None],
        ),
        r.add(
            K::MatMul,
            mat(hd, dd, c, w_o, Operand { t: true, ..e }, at(0, ulen, false), false),
            [all(&params), all(&params), None],
            [all(&tu), None, None],
        ),
    ];
    // h = ReLU(P[a] + P[b]) [M, n, H].
    let lookup = EmbedDims { m, rows: n, k: 2, d: hd, vocab: c, p_stride: c * hd, off: 0, ids_stride_m: p.ids_stride };
    let h = r.buf("pair h", m * n * hd);
    v.push(r.add(
        K::EmbedFwd,
        embed_dims(&lookup, Act::Relu, false),
        [all(p.ids), all(&tp), None],
        [all(&h), None, None],
    ));
    // logits = h·U: the dense forward with U as its weights and the zero row after U as its bias.
    let readout = Lin { w: 0, b: hd * c, i: hd, o: c };
    let dense = |act_prev| Dims::from_dense(&readout.dims(m, n, Act::Linear, ulen), act_prev);
    let logits = r.buf("pair logits", m * n * c);
    v.push(r.add(K::Fwd, dense(Act::Linear), [all(&h), all(&tu), None], [all(&logits), None, None]));
    v.push(r.head(m, c, p, &logits));
    if !p.train {
        return v;
    }
    let dz = p.head[0];
    // dU = hᵀ·dz [H, p] (the bias row after it gets Σ dz, unused); dpre = dz·Uᵀ ⊙ ReLU′(h).
    let du = r.buf("pair dU", m * ulen);
    v.push(r.add(K::BwdWeight, dense(Act::Linear), [all(&h), all(dz), None], [all(&du), None, None]));
    let dpre = r.buf("pair dpre", m * n * hd);
    v.push(r.add(K::BwdData, dense(Act::Relu), [all(dz), all(&tu), all(&h)], [all(&dpre), None, None]));
    // dP [p, H]: the rows of both operands scattered back (overwritten).
    let dp = r.buf("pair dP", m * c * hd);
    v.push(r.add(
        K::EmbedBwd,
        embed_dims(&lookup, Act::Linear, false),
        [all(p.ids), all(&dpre), None],
        [all(&dp), None, None],
    ));
    let (dpm, dum) = (at(0, c * hd, false), at(0, ulen, false));
    let (ge, gh, go) = (at(0, pp, false), at(l.w_h(), pp, false), at(l.w_o(), pp, false));
    let t = |o: Operand| Operand { t: true, ..o };
    for (d, a, b) in [
        // dE = dP·W_hᵀ, then += dUᵀ·W_o (as the reference adds its second product on).
        (mat(c, hd, dd, dpm, t(w_h), ge, false), &dp, &params),
        (mat(c, hd, dd, t(dum), w_o, ge, true), &du, &params),
        // dW_h = Eᵀ·dP [D, H]; dW_o = dU·E [H, D].
        (mat(dd, c, hd, t(e), dpm, gh, false), &params, &dp),
        (mat(hd, c, dd, dum, e, go, false), &du, &params),
    ] {
        v.push(r.add(K::MatMul, d, [all(a), all(b), None], [all(&grads), None, None]));
    }
    v
}
