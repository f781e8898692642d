//! The ops, forward and backward, in plain Rust: the reference that each WGSL kernel in
//! `shaders/` is checked against. Every tensor carries a leading model axis `M` (DESIGN.md §3),
//! parameters of all models live in one flat buffer, model `m` at `m * p_stride`.
//! Backprop formulas: Rumelhart, Hinton & Williams (1986); softmax cross-entropy gradient p − y.
//! Split by kind: `act` (activations), `dense` (dense layer with multiplier, residual skip and
//! dropout), `head` (loss heads), `attention` (causal multi-head attention), `layernorm`,
//! `embed` (embedding gather / scatter-add), `matmul` (strided products of parameter tables,
//! PAIR's factored embedding MLP); `gather` (minibatch copy) lives here.

mod act;
mod attention;
mod dense;
mod embed;
mod head;
mod layernorm;
mod matmul;

pub use act::*;
pub use attention::*;
pub use dense::*;
pub use embed::*;
pub use head::*;
pub use layernorm::*;
pub use matmul::*;

/// Copy minibatch rows: xb[m,b,:] = x[idx[m,b],:], tb[m,b] = t[idx[m,b]].
pub fn gather(i: usize, x: &[f32], t: &[u32], idx: &[u32], xb: &mut [f32], tb: &mut [u32]) {
    for (k, &r) in idx.iter().enumerate() {
        let r = r as usize;
        xb[k * i..(k + 1) * i].copy_from_slice(&x[r * i..(r + 1) * i]);
        tb[k] = t[r];
    }
}
