//! KAN on the GPU (issue 7): the dims of the B-spline layer kernels (`shaders/kan.wgsl`, mirror
//! of `core::kan::layer`), which experiments the GPU path trains ([`gpu_supports`]), and the
//! training backend [`KanGpu`] (`backend.rs`).

mod backend;
mod plan;

pub use backend::KanGpu;

use super::kernels::Dims;
use crate::core::kan::{Basis, Batch, KanLayer};
use crate::experiment::{Experiment, Model};

/// Rows per chunk of the parameter-gradient pass (`kan_bwd_weight`): its partial sums are then
/// added up by `kan_bwd_reduce`. Bounds each invocation's loop (lavapipe stops a loop after
/// 65535 iterations); with B ≤ this the gradients are the CPU's sums term by term.
pub const KAN_ROWS: usize = 128;

/// Floats of `kan_bwd_weight`'s partial sums for layer `l` over `bt`.
pub fn part_len(l: &KanLayer, bt: Batch) -> usize {
    bt.rows.div_ceil(KAN_ROWS) * bt.models * l.i * l.o * (l.n_basis() + 3)
}

/// Dims of one KAN layer dispatch (layout documented in `shaders/kan.wgsl`): `bt` as for the CPU
/// reference; `tanh` applies tanh to the forward's outputs (the last layer under the tanh head).
pub fn dims(l: &KanLayer, bt: Batch, tanh: bool) -> Dims {
    Dims {
        m: bt.models as u32,
        b: bt.rows as u32,
        i: l.i as u32,
        o: l.o as u32,
        x_stride_m: bt.x_stride_m as u32,
        p_stride: bt.p as u32,
        w_off: l.off as u32,
        kind: l.g as u32,
        act: l.k as u32,
        act_prev: u32::from(tanh),
        t_stride_m: KAN_ROWS as u32,
        mult: 1.0,
        ..Default::default()
    }
}

/// Whether [`KanGpu`] trains `e` exactly as `engine::kan::KanCpu` would: plain B-spline KANs.
/// Anything else falls back to the CPU with a notice (extend this as KAN features grow).
pub fn gpu_supports(e: &Experiment) -> bool {
    // Snapped and pruned edges (`snap`, `kprune`) and the L1 + entropy penalty (`lamb`) live in
    // the CPU reference only (`engine::kan::KanCpu`).
    // Only the B-spline basis has a WGSL kernel (`shaders/kan.wgsl`); `relu` and `rational`
    // (URL `basis`) train on the CPU reference.
    e.model == Model::Kan && e.snap.is_empty() && e.kprune.is_empty() && e.lamb <= 0.0 && e.basis == Basis::Bspline
}

/// Why [`gpu_supports`] is false for a KAN experiment `e` (for the CPU-fallback notice).
pub fn cpu_reason(e: &Experiment) -> &'static str {
    if e.basis != Basis::Bspline {
        "the GPU kernels evaluate B-spline edges only; basis=relu and basis=rational train on the CPU"
    } else {
        "the GPU path trains plain B-spline KANs, without snap, kprune or lamb"
    }
}
