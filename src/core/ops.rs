//! The ops, forward and backward, in plain Rust: the reference that each WGSL kernel in
//! `shaders/` is checked against. Every tensor carries a leading model axis `M` (DESIGN.md §3),
//! parameters of all models live in one flat buffer, model `m` at `m * p_stride`.
//! Backprop formulas: Rumelhart, Hinton & Williams (1986); softmax cross-entropy gradient p − y.

use crate::experiment::{Activation, Loss};

/// Activation code shared with WGSL (`shaders/dense.wgsl`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Act {
    Relu = 0,
    Tanh = 1,
    Sigmoid = 2,
    Linear = 3,
}

impl From<Activation> for Act {
    fn from(a: Activation) -> Self {
        match a {
            Activation::Relu => Act::Relu,
            Activation::Tanh => Act::Tanh,
            Activation::Sigmoid => Act::Sigmoid,
            Activation::Linear => Act::Linear,
            // Interim (schema commit): the model branch adds these activations.
            Activation::Leaky | Activation::Gelu | Activation::Silu | Activation::Sin => Act::Relu,
        }
    }
}

/// σ(z).
pub fn act_fwd(act: Act, z: f32) -> f32 {
    match act {
        Act::Relu => z.max(0.0),
        Act::Tanh => z.tanh(),
        Act::Sigmoid => 1.0 / (1.0 + (-z).exp()),
        Act::Linear => z,
    }
}

/// σ'(z) written in terms of the output a = σ(z), so the backward pass needs only activations.
pub fn act_grad_from_output(act: Act, a: f32) -> f32 {
    match act {
        Act::Relu => f32::from(a > 0.0),
        Act::Tanh => 1.0 - a * a,
        Act::Sigmoid => a * (1.0 - a),
        Act::Linear => 1.0,
    }
}

/// Shapes and parameter offsets of one dense layer, identical to the WGSL uniform.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DenseDims {
    pub m: usize,
    pub b: usize,
    pub i: usize,
    pub o: usize,
    pub act: Act,
    /// Elements between models in the input (0 = input shared by all models).
    pub x_stride_m: usize,
    /// Parameters per model.
    pub p_stride: usize,
    pub w_off: usize,
    pub b_off: usize,
}

/// a[m,b,o] = σ(Σ_i x[m,b,i] · W[m,i,o] + bias[m,o]).  x: [M,B,I] (or [B,I]), out: [M,B,O].
pub fn dense_fwd(d: &DenseDims, x: &[f32], params: &[f32], out: &mut [f32]) {
    for m in 0..d.m {
        let p = &params[m * d.p_stride..];
        for b in 0..d.b {
            let xr = &x[m * d.x_stride_m + b * d.i..][..d.i];
            let or = &mut out[(m * d.b + b) * d.o..][..d.o];
            or.copy_from_slice(&p[d.b_off..d.b_off + d.o]);
            for (i, &xv) in xr.iter().enumerate() {
                // One-hot inputs (P3): a zero input adds ±0 and is skipped.
                if xv == 0.0 {
                    continue;
                }
                let wr = &p[d.w_off + i * d.o..][..d.o];
                for (acc, &w) in or.iter_mut().zip(wr) {
                    *acc += xv * w;
                }
            }
            for v in or.iter_mut() {
                *v = act_fwd(d.act, *v);
            }
        }
    }
}

/// dz_prev[m,b,i] = (Σ_o dz[m,b,o] · W[m,i,o]) · σ'_prev(a_prev[m,b,i]).
/// dz: [M,B,O], a_prev: [M,B,I], out: [M,B,I].
pub fn dense_bwd_data(d: &DenseDims, dz: &[f32], params: &[f32], a_prev: &[f32], act_prev: Act, out: &mut [f32]) {
    for m in 0..d.m {
        let p = &params[m * d.p_stride..];
        for b in 0..d.b {
            let g = &dz[(m * d.b + b) * d.o..][..d.o];
            for i in 0..d.i {
                let wr = &p[d.w_off + i * d.o..][..d.o];
                let s: f32 = g.iter().zip(wr).map(|(a, b)| a * b).sum();
                let k = (m * d.b + b) * d.i + i;
                out[k] = s * act_grad_from_output(act_prev, a_prev[k]);
            }
        }
    }
}

/// dW[m,i,o] = Σ_b x[m,b,i] · dz[m,b,o];  dbias[m,o] = Σ_b dz[m,b,o]; written into `grads`
/// (same layout as the parameters). Each sum starts at 0 and adds b = 0, 1, … in order (the GPU
/// kernels' order); the loops run b outermost so the innermost loop is a contiguous axpy over o
/// (vectorized in wasm with simd128). Inputs that are exactly 0 (one-hot rows, P3) are skipped:
/// adding ±0 to a sum that started at +0 leaves it bit-for-bit unchanged.
pub fn dense_bwd_weight(d: &DenseDims, x: &[f32], dz: &[f32], grads: &mut [f32]) {
    for m in 0..d.m {
        let g = &mut grads[m * d.p_stride..];
        g[d.w_off..d.w_off + d.i * d.o].fill(0.0);
        g[d.b_off..d.b_off + d.o].fill(0.0);
        for b in 0..d.b {
            let dzr = &dz[(m * d.b + b) * d.o..][..d.o];
            let xr = &x[m * d.x_stride_m + b * d.i..][..d.i];
            for (i, &xv) in xr.iter().enumerate() {
                if xv == 0.0 {
                    continue;
                }
                for (acc, &v) in g[d.w_off + i * d.o..][..d.o].iter_mut().zip(dzr) {
                    *acc += xv * v;
                }
            }
            for (acc, &v) in g[d.b_off..][..d.o].iter_mut().zip(dzr) {
                *acc += v;
            }
        }
    }
}

/// Loss head over outputs a: [M,B,C] and class targets t: [M,B] (or [B] with `t_stride_m = 0`).
/// Writes dz = ∂(mean loss)/∂z (z = pre-activation of the output layer), per-example loss and
/// 1.0/0.0 correctness.
/// - `Mse` (TFP): C = 1, a = tanh(z), target ±1, loss ½(a − y)², dz = (a − y)(1 − a²)/B.
/// - `Ce`: a = logits, loss = logsumexp(z) − z_t, dz = (softmax(z) − onehot(t))/B.
pub struct HeadOut<'a> {
    pub dz: &'a mut [f32],
    pub loss: &'a mut [f32],
    pub correct: &'a mut [f32],
}

#[allow(clippy::too_many_arguments)]
pub fn loss_head(kind: Loss, m: usize, b: usize, c: usize, t_stride_m: usize, a: &[f32], t: &[u32], out: HeadOut) {
    let inv_b = 1.0 / b as f32;
    for mi in 0..m {
        for bi in 0..b {
            let k = mi * b + bi;
            let tc = t[mi * t_stride_m + bi] as usize;
            let z = &a[k * c..][..c];
            match kind {
                Loss::Mse => {
                    let y = if tc == 1 { 1.0 } else { -1.0 };
                    let e = z[0] - y;
                    out.loss[k] = 0.5 * e * e;
                    out.dz[k] = e * (1.0 - z[0] * z[0]) * inv_b;
                    out.correct[k] = f32::from((z[0] >= 0.0) == (tc == 1));
                }
                Loss::Ce => {
                    let mx = z.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
                    let se: f32 = z.iter().map(|v| (v - mx).exp()).sum();
                    out.loss[k] = mx + se.ln() - z[tc];
                    let mut arg = 0;
                    for j in 0..c {
                        let p = (z[j] - mx).exp() / se;
                        out.dz[k * c + j] = (p - f32::from(j == tc)) * inv_b;
                        if z[j] > z[arg] {
                            arg = j;
                        }
                    }
                    out.correct[k] = f32::from(arg == tc);
                }
            }
        }
    }
}

/// Copy minibatch rows: xb[m,b,:] = x[idx[m,b],:], tb[m,b] = t[idx[m,b]].
pub fn gather(i: usize, x: &[f32], t: &[u32], idx: &[u32], xb: &mut [f32], tb: &mut [u32]) {
    for (k, &r) in idx.iter().enumerate() {
        let r = r as usize;
        xb[k * i..(k + 1) * i].copy_from_slice(&x[r * i..(r + 1) * i]);
        tb[k] = t[r];
    }
}
