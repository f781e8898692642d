//! The dense layer with a leading model axis, forward and backward (reference of
//! `shaders/dense.wgsl`), generalized for issue 4:
//! - a forward multiplier `mult`: z = bias + Σ_i (mult·x_i)·W_io (NTK / muP parametrizations,
//!   Jacot et al. 2018, Yang & Hu 2021); mult = 1 multiplies exactly, so the plain layer is
//!   bit-for-bit the original one;
//! - a residual skip (He et al. 2016): a = s + u with s an earlier activation of the same width;
//! - inverted dropout (Srivastava et al. 2014) on the branch u = σ(z): u ← u/(1−p) where
//!   `core::rng::counter_uniform(key, step, row·O + unit) ≥ p`, else 0 (training only), with the
//!   same counter-based mask on the GPU;
//! - optional storage of z, for activations (and skip/dropout layers) whose σ' needs it.

use super::act::{act_fwd_w, act_grad_from_output, act_grad_z, Act};
use crate::core::rng::{counter_uniform, pcg_hash};

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
    /// Forward multiplier: z = bias + Σ (mult·x)·W. 1.0 for standard layers.
    pub mult: f32,
    /// SIREN ω0 for `Act::Sin` (ignored otherwise).
    pub w0: f32,
}

/// Inverted dropout on one layer at one step. Model m's key is `pcg_hash(seed + m) ^ salt`
/// (so model m of an ensemble draws the masks of a single run with seed + m), the element
/// (row b of the minibatch, unit u of a width-O layer) has index b·O + u.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dropout {
    pub p: f32,
    /// Low 32 bits of the run's seed.
    pub seed: u32,
    /// Per-layer salt (`Dropout::salt`).
    pub salt: u32,
    /// The step being taken (1-based, `kernels::Slot::step`).
    pub step: u32,
}

impl Dropout {
    /// The layer salt of slot `layer`: separates the masks of layers of equal width.
    pub fn salt(layer: usize) -> u32 {
        pcg_hash(0x6472_6f70 ^ layer as u32)
    }
    /// Dropout of slot `layer` at `step` for a run with `seed`.
    pub fn new(p: f32, seed: u64, layer: usize, step: u32) -> Self {
        Dropout { p, seed: seed as u32, salt: Self::salt(layer), step }
    }
    /// 1/(1−p), computed once in f32 (the GPU gets this value).
    pub fn scale(&self) -> f32 {
        1.0 / (1.0 - self.p)
    }
    pub fn key(&self, m: usize) -> u32 {
        pcg_hash(self.seed.wrapping_add(m as u32)) ^ self.salt
    }
    /// Whether unit `u` of row `row` (width `o`) of model `m` is kept.
    pub fn keep(&self, m: usize, row: usize, u: usize, o: usize) -> bool {
        counter_uniform(self.key(m), self.step, (row * o + u) as u32) >= self.p
    }
    /// v/(1−p) if kept, else 0.
    pub fn apply(&self, v: f32, m: usize, row: usize, u: usize, o: usize) -> f32 {
        if self.keep(m, row, u, o) {
            v * self.scale()
        } else {
            0.0
        }
    }
}

/// a[m,b,o] = σ(Σ_i x[m,b,i] · W[m,i,o] + bias[m,o]).  x: [M,B,I] (or [B,I]), out: [M,B,O].
pub fn dense_fwd(d: &DenseDims, x: &[f32], params: &[f32], out: &mut [f32]) {
    dense_fwd_ex(d, x, params, out, FwdExtra::default());
}

/// The optional parts of a forward pass.
#[derive(Default)]
pub struct FwdExtra<'a> {
    /// Residual source s: [M,B,O]; a = s + u.
    pub skip: Option<&'a [f32]>,
    /// Dropout on u (training).
    pub drop: Option<Dropout>,
    /// Where to store z: [M,B,O].
    pub z: Option<&'a mut [f32]>,
}

/// z = bias + Σ_i (mult·x_i)·W_io (sum from the bias, i = 0, 1, … in order); u = σ(z),
/// u ← dropout(u); a = skip + u. Writes a to `out` and z to `ex.z`.
pub fn dense_fwd_ex(d: &DenseDims, x: &[f32], params: &[f32], out: &mut [f32], mut ex: FwdExtra) {
    for m in 0..d.m {
        let p = &params[m * d.p_stride..];
        for b in 0..d.b {
            let xr = &x[m * d.x_stride_m + b * d.i..][..d.i];
            let at = (m * d.b + b) * d.o;
            let or = &mut out[at..][..d.o];
            or.copy_from_slice(&p[d.b_off..d.b_off + d.o]);
            for (i, &xv) in xr.iter().enumerate() {
                let xv = d.mult * xv;
                // One-hot inputs (P3): a zero input adds ±0 and is skipped.
                if xv == 0.0 {
                    continue;
                }
                let wr = &p[d.w_off + i * d.o..][..d.o];
                for (acc, &w) in or.iter_mut().zip(wr) {
                    *acc += xv * w;
                }
            }
            for (u, v) in or.iter_mut().enumerate() {
                if let Some(z) = ex.z.as_deref_mut() {
                    z[at + u] = *v;
                }
                let mut a = act_fwd_w(d.act, *v, d.w0);
                if let Some(dr) = &ex.drop {
                    a = dr.apply(a, m, b, u, d.o);
                }
                if let Some(s) = ex.skip {
                    a += s[at + u];
                }
                *v = a;
            }
        }
    }
}

/// dz_prev[m,b,i] = (mult·Σ_o dz[m,b,o] · W[m,i,o]) · σ'_prev(a_prev[m,b,i]).
/// dz: [M,B,O], a_prev: [M,B,I], out: [M,B,I].
pub fn dense_bwd_data(d: &DenseDims, dz: &[f32], params: &[f32], a_prev: &[f32], act_prev: Act, out: &mut [f32]) {
    dense_bwd_data_ex(d, dz, params, Prev::Output { a: a_prev, act: act_prev }, None, out, None);
}

/// How the previous layer's σ' is found.
#[derive(Clone, Copy)]
pub enum Prev<'a> {
    /// From its output a (plain relu / leaky / tanh / sigmoid / linear layers).
    Output { a: &'a [f32], act: Act },
    /// From its stored z, through its dropout mask (layers that keep z).
    Z { z: &'a [f32], act: Act, w0: f32, drop: Option<Dropout> },
}

/// g[m,b,i] = mult·Σ_o dz·W (o = 0, 1, … in order) + skip_g[m,b,i] (the activation gradient of
/// the later layer that adds a_prev as its residual, if any), stored to `out_g` if given;
/// then dz_prev = g·σ'(a_prev) (`Prev::Output`) or dz_prev = dropout(g)·σ'(z_prev) (`Prev::Z`).
pub fn dense_bwd_data_ex(
    d: &DenseDims,
    dz: &[f32],
    params: &[f32],
    prev: Prev,
    skip_g: Option<&[f32]>,
    out: &mut [f32],
    mut out_g: Option<&mut [f32]>,
) {
    for m in 0..d.m {
        let p = &params[m * d.p_stride..];
        for b in 0..d.b {
            let g = &dz[(m * d.b + b) * d.o..][..d.o];
            for i in 0..d.i {
                let wr = &p[d.w_off + i * d.o..][..d.o];
                let s: f32 = g.iter().zip(wr).map(|(a, b)| a * b).sum();
                let k = (m * d.b + b) * d.i + i;
                let mut gv = d.mult * s;
                if let Some(sg) = skip_g {
                    gv += sg[k];
                }
                if let Some(og) = out_g.as_deref_mut() {
                    og[k] = gv;
                }
                out[k] = match prev {
                    Prev::Output { a, act } => gv * act_grad_from_output(act, a[k]),
                    Prev::Z { z, act, w0, drop } => {
                        let f = drop.map_or(gv, |dr| dr.apply(gv, m, b, i, d.i));
                        f * act_grad_z(act, z[k], w0)
                    }
                };
            }
        }
    }
}

/// dW[m,i,o] = Σ_b (mult·x[m,b,i]) · dz[m,b,o];  dbias[m,o] = Σ_b dz[m,b,o]; written into `grads`
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
                let xv = d.mult * xv;
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
