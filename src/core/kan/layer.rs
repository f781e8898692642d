//! Forward and backward of a KAN layer over M models (reference of `shaders/kan.wgsl`).
//!
//! Layer I → O: out[o] = bias[o] + Σ_i φ_{i,o}(x_i), φ(x) = w_b·silu(x) + w_s·Σ_j c_j B_j(x)
//! (Liu et al. 2024, eq. 2.10; `bspline` gives B; the `relu` and `rational` bases replace
//! Σ_j c_j B_j by their S(x) through [`KanLayer::branch`], `basis.rs`). Buffers: x [M, B, I] (or [B, I] shared by
//! every model with `x_stride_m = 0`), out and dout [M, B, O], parameters [M, P] laid out by
//! [`super::KanLayer`]. Backward: ∂/∂bias = Σ_b dout; ∂/∂w_b = Σ_b dout·silu(x);
//! ∂/∂w_s = Σ_b dout·S(x) with S = Σ_j c_j B_j; ∂/∂c_j = Σ_b dout·w_s·B_j(x);
//! ∂/∂x_i = Σ_o dout_o·(w_b·silu'(x) + w_s·Σ_j c_j B'_j(x)). The grid gets no gradient.

use super::basis::At;
use super::KanLayer;

/// silu(x) = x·σ(x).
pub fn silu(x: f32) -> f32 {
    x / (1.0 + (-x).exp())
}

/// silu'(x) = σ(x)·(1 + x·(1 − σ(x))).
pub fn silu_grad(x: f32) -> f32 {
    let s = 1.0 / (1.0 + (-x).exp());
    s * (1.0 + x * (1.0 - s))
}

/// Shape of one call: models, batch rows, the input's per-model stride (0 = shared).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Batch {
    pub models: usize,
    pub rows: usize,
    pub x_stride_m: usize,
    /// Parameters per model.
    pub p: usize,
}

/// Forward: out = layer(x).
pub fn kan_fwd(l: &KanLayer, bt: Batch, x: &[f32], params: &[f32], out: &mut [f32]) {
    let nb = l.n_basis();
    let mut at = At::default();
    for m in 0..bt.models {
        let pm = &params[m * bt.p..(m + 1) * bt.p];
        for r in 0..bt.rows {
            let o_row = &mut out[(m * bt.rows + r) * l.o..][..l.o];
            o_row.copy_from_slice(&pm[l.bias_off()..l.bias_off() + l.o]);
            for i in 0..l.i {
                let xv = x[m * bt.x_stride_m + r * l.i + i];
                l.prep_in(pm, i, xv, &mut at, false);
                let sx = silu(xv);
                for (o, acc) in o_row.iter_mut().enumerate() {
                    let s = l.branch(&at, &pm[l.coef_off(i, o)..][..nb]);
                    *acc += pm[l.wb_off() + i * l.o + o] * sx + pm[l.ws_off() + i * l.o + o] * s;
                }
            }
        }
    }
}

/// Backward: writes this layer's parameter gradients (grid entries 0) into `grads` [M, P] and,
/// when `dx` is given, the input gradient [M, B, I].
pub fn kan_bwd(
    l: &KanLayer,
    bt: Batch,
    x: &[f32],
    params: &[f32],
    dout: &[f32],
    grads: &mut [f32],
    dx: Option<&mut [f32]>,
) {
    let nb = l.n_basis();
    let mut at = At::default();
    let mut dx = dx;
    for m in 0..bt.models {
        let pm = &params[m * bt.p..(m + 1) * bt.p];
        let gm = &mut grads[m * bt.p..(m + 1) * bt.p];
        gm[l.off..l.off + l.size()].fill(0.0);
        for r in 0..bt.rows {
            let d_row = &dout[(m * bt.rows + r) * l.o..][..l.o];
            for (o, &d) in d_row.iter().enumerate() {
                gm[l.bias_off() + o] += d;
            }
            for i in 0..l.i {
                let xv = x[m * bt.x_stride_m + r * l.i + i];
                l.prep_in(pm, i, xv, &mut at, true);
                let (sx, dsx) = (silu(xv), silu_grad(xv));
                let mut gx = 0.0f32;
                for (o, &d) in d_row.iter().enumerate() {
                    let c0 = l.coef_off(i, o);
                    let (wb, ws) = (pm[l.wb_off() + i * l.o + o], pm[l.ws_off() + i * l.o + o]);
                    let (s, ds) = l.branch_bwd(&at, &pm[c0..][..nb], d * ws, &mut gm[c0..][..nb]);
                    gm[l.wb_off() + i * l.o + o] += d * sx;
                    gm[l.ws_off() + i * l.o + o] += d * s;
                    gx += d * (wb * dsx + ws * ds);
                }
                if let Some(dx) = dx.as_deref_mut() {
                    dx[(m * bt.rows + r) * l.i + i] = gx;
                }
            }
        }
    }
}
