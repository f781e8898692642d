//! The transformer kernels' registration, dims and work sizes (issue 6): causal multi-head
//! attention (`shaders/attention.wgsl`, reference `core::ops::attn_fwd` / `attn_bwd`) and
//! LayerNorm (`shaders/layernorm.wgsl`, reference `core::ops::ln_fwd` / `ln_bwd`). They use the
//! shared bind-group layout of `gpu::kernels` (bindings per kernel in the WGSL file headers):
//! - `AttnFwd`: ro 2 = qkv; rw 5 = probs [B,H,T,T], 6 = out [B,T,H·dh].
//! - `AttnBwdDs`: ro 2 = qkv, 3 = probs, 4 = dout; rw 6 = ds scratch [B,H,T,T].
//! - `AttnBwdQkv` (after `AttnBwdDs`): same ro; rw 5 = dqkv (qkv layout, overwritten), 6 = ds.
//! - `LnFwd`: ro 2 = x, 3 = params (γ at w_off, β at b_off); rw 5 = y, 6 = stats [2·rows].
//! - `LnBwdX`: ro 2 = x, 3 = params, 4 = dy; rw 5 = dx (`F_SKIP`: +=), 6 = stats.
//! - `LnBwdParam`: ro 2 = x, 4 = dy; rw 6 = stats, 7 = grads (dγ at w_off, dβ at b_off, +=).
//! - LayerNorm over M models ([`ln_dims_models`]): rows of model mi read γ, β (and add dγ, dβ)
//!   at mi·P + offset.
//! - `EmbedFwd`: ro 2 = ids (f32), 3 = params; rw 5 = out. `EmbedBwd`: ro 2 = ids, 3 = dout;
//!   rw 5 = grads (the table's gradient overwritten). `RowsPick`, `RowsSpread`, `AddTo`: ro 2 =
//!   src; rw 5 = out (`shaders/embed.wgsl`, dims in [`embed_dims`], [`rows_dims`]).
//! - `MatMul` (PAIR's table products, `shaders/matmul.wgsl`, reference `core::ops::mm`): ro 2 =
//!   A, 3 = B; rw 5 = out (dims in [`mm_dims`]).

use super::kernels::{Dims, F_SKIP, K, WG};
use crate::core::ops::{Act, Attn, EmbedDims, MmDims};

/// A WGSL file: name, source, and its (kernel, entry point) pairs.
pub type KernelFile = (&'static str, &'static str, &'static [(K, &'static str)]);

/// The transformer's kernel files, compiled by `Kernels::new` after `shaders/common.wgsl`.
pub const FILES: [KernelFile; 4] = [
    (
        "attention",
        include_str!("../../shaders/attention.wgsl"),
        &[(K::AttnFwd, "attn_fwd"), (K::AttnBwdDs, "attn_bwd_ds"), (K::AttnBwdQkv, "attn_bwd_qkv")],
    ),
    (
        "layernorm",
        include_str!("../../shaders/layernorm.wgsl"),
        &[(K::LnFwd, "ln_fwd"), (K::LnBwdX, "ln_bwd_x"), (K::LnBwdParam, "ln_bwd_param")],
    ),
    (
        "embed",
        include_str!("../../shaders/embed.wgsl"),
        &[
            (K::EmbedFwd, "embed_fwd"),
            (K::EmbedBwd, "embed_bwd"),
            (K::RowsPick, "rows_pick"),
            (K::RowsSpread, "rows_spread"),
            (K::AddTo, "add_to"),
        ],
    ),
    ("matmul", include_str!("../../shaders/matmul.wgsl"), &[(K::MatMul, "mm")]),
];

/// Where q, k and v sit in the token rows of the qkv buffer: row stride and column offsets
/// (elements). [`QkvLayout::fused`] is the output of one [d_model, 3·H·dh] projection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QkvLayout {
    pub stride: usize,
    pub q_off: usize,
    pub k_off: usize,
    pub v_off: usize,
}

impl QkvLayout {
    /// Rows [q | k | v] of width 3·H·dh.
    pub fn fused(a: &Attn) -> Self {
        let w = a.width();
        QkvLayout { stride: 3 * w, q_off: 0, k_off: w, v_off: 2 * w }
    }
    /// q, k and v as three dense [B·T, H·dh] blocks of one buffer, `chunk` elements apart
    /// (≥ B·T·H·dh; a multiple of 64 lets three separate projections write them through
    /// 256-byte-aligned binding offsets).
    pub fn chunked(a: &Attn, chunk: usize) -> Self {
        QkvLayout { stride: a.width(), q_off: 0, k_off: chunk, v_off: 2 * chunk }
    }
    /// Elements a buffer of this layout needs for `a` (0 when there are no tokens).
    pub fn buf_len(&self, a: &Attn) -> usize {
        match a.batch * a.seq {
            0 => 0,
            rows => (rows - 1) * self.stride + self.q_off.max(self.k_off).max(self.v_off) + a.width(),
        }
    }
}

/// Dims of the three attention kernels.
pub fn attn_dims(a: &Attn, l: &QkvLayout) -> Dims {
    Dims {
        m: a.batch as u32,
        b: a.seq as u32,
        i: a.heads as u32,
        o: a.d_head as u32,
        x_stride_m: l.stride as u32,
        w_off: l.q_off as u32,
        b_off: l.k_off as u32,
        t_stride_m: l.v_off as u32,
        mult: a.scale(),
        ..Default::default()
    }
}

/// Dims of the LayerNorm kernels: `rows` rows of width `d`, γ/β (and dγ/dβ) at `gamma_off` /
/// `beta_off`; `accumulate_dx`: `LnBwdX` adds into dx.
pub fn ln_dims(rows: usize, d: usize, gamma_off: usize, beta_off: usize, accumulate_dx: bool) -> Dims {
    Dims {
        m: rows as u32,
        i: d as u32,
        w_off: gamma_off as u32,
        b_off: beta_off as u32,
        flags: if accumulate_dx { F_SKIP } else { 0 },
        ..Default::default()
    }
}

/// [`ln_dims`] over `models` models of `rows` rows each, model mi's γ, β at mi·`p_stride` + offset.
pub fn ln_dims_models(models: usize, rows: usize, d: usize, p_stride: usize, gb: (usize, usize), acc: bool) -> Dims {
    Dims { b: rows as u32, p_stride: p_stride as u32, ..ln_dims(models * rows, d, gb.0, gb.1, acc) }
}

/// Dims of `EmbedFwd` / `EmbedBwd` for the CPU's [`EmbedDims`] (`act` applied to the forward's
/// sums; `add`: the forward adds onto the output).
pub fn embed_dims(e: &EmbedDims, act: Act, add: bool) -> Dims {
    Dims {
        m: e.m as u32,
        b: e.rows as u32,
        i: e.k as u32,
        o: e.d as u32,
        kind: e.vocab as u32,
        p_stride: e.p_stride as u32,
        w_off: e.off as u32,
        x_stride_m: e.ids_stride_m as u32,
        act: act as u32,
        flags: if add { F_SKIP } else { 0 },
        ..Default::default()
    }
}

/// Dims of `MatMul` for the CPU's [`MmDims`] (`shaders/matmul.wgsl` names the fields).
pub fn mm_dims(e: &MmDims) -> Dims {
    let flags = u32::from(e.a.t) | (u32::from(e.b.t) << 1) | (u32::from(e.acc) << 2);
    Dims {
        m: e.m as u32,
        b: e.r as u32,
        i: e.k as u32,
        o: e.c as u32,
        x_stride_m: e.a.stride_m as u32,
        w_off: e.a.off as u32,
        p_stride: e.b.stride_m as u32,
        b_off: e.b.off as u32,
        t_stride_m: e.out.stride_m as u32,
        kind: e.out.off as u32,
        flags,
        ..Default::default()
    }
}

/// Dims of `RowsPick` / `RowsSpread`: `groups` groups of `seq` rows of width `d`, position `pos`.
/// `AddTo` reads only `m` (the element count): `rows_dims(n, 0, 0, 0)`.
pub fn rows_dims(groups: usize, seq: usize, d: usize, pos: usize) -> Dims {
    Dims { m: groups as u32, b: seq as u32, i: d as u32, o: pos as u32, ..Default::default() }
}

/// Invocations of the transformer kernels: one per (batch, head, token) row for attention, one
/// per row for `LnFwd`/`LnBwdX`, one workgroup per column for `LnBwdParam`, one per output
/// element for the row kernels and `EmbedFwd`, one per 4 columns of a row for `EmbedBwd` and
/// `MatMul`. 0 for the others.
pub fn work(k: K, d: &Dims) -> usize {
    let (m, b, i) = (d.m as usize, d.b as usize, d.i as usize);
    match k {
        K::AttnFwd | K::AttnBwdDs | K::AttnBwdQkv => m * i * b,
        K::LnFwd | K::LnBwdX => m,
        K::LnBwdParam => i * WG * m.checked_div(b).unwrap_or(1),
        K::EmbedFwd => m * b * d.o as usize,
        K::EmbedBwd => m * d.kind as usize * (d.o as usize).div_ceil(4),
        K::RowsPick | K::AddTo => m * i.max(1),
        K::RowsSpread => m * b * i,
        K::MatMul => m * b * (d.o as usize).div_ceil(4),
        _ => 0,
    }
}
