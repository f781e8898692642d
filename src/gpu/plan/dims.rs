//! The static dims of the dense dispatches of a plan, from the layout: shapes and offsets, the
//! issue-4 fields (multiplier, ω0, dropout, flags) and which optional buffers each one binds.
//! The CPU step (`engine::cpu`) makes the same decisions from the same `Layout` methods.

use crate::core::mlp::Layout;
use crate::core::ops::{Act, Dropout};
use crate::gpu::kernels::{Dims, F_DROP, F_SKIP, F_STORE_G, F_Z};

/// Dims of slot `k` over `models` models and `bsz` rows with input stride `xs`, without flags.
pub fn base(l: &Layout, k: usize, bsz: usize, xs: usize, models: usize, seed: u64) -> Dims {
    let s = &l.layers[k];
    let prev = if k > 0 { l.layers[k - 1].act } else { Act::Linear };
    Dims {
        m: models as u32,
        b: bsz as u32,
        i: s.i as u32,
        o: s.o as u32,
        act: s.act as u32,
        act_prev: prev as u32,
        x_stride_m: xs as u32,
        p_stride: l.p as u32,
        w_off: s.w_off as u32,
        b_off: s.b_off as u32,
        mult: s.mult,
        w0: l.w0,
        seed: seed as u32,
        ..Default::default()
    }
}

fn with_drop(mut d: Dims, l: &Layout, k: usize) -> Dims {
    let dr = Dropout::new(l.dropout, 0, k, 0);
    d.p_drop = dr.p;
    d.drop_scale = dr.scale();
    d.salt = dr.salt;
    d.flags |= F_DROP;
    d
}

/// Forward of slot `k`: in training (`train`) it stores z when the layout keeps it and applies
/// dropout; evaluation only adds the residual.
pub fn fwd(l: &Layout, k: usize, bsz: usize, xs: usize, models: usize, seed: u64, train: bool) -> Dims {
    let mut d = base(l, k, bsz, xs, models, seed);
    if l.skip_src(k).is_some() {
        d.flags |= F_SKIP;
    }
    if train && l.keeps_z(k) {
        d.flags |= F_Z;
    }
    if train && l.drops(k) {
        d = with_drop(d, l, k);
    }
    d
}

/// Backward data of slot `k` (k ≥ 1) into slot k − 1 (training).
pub fn bwd_data(l: &Layout, k: usize, bsz: usize, xs: usize, models: usize, seed: u64) -> Dims {
    let mut d = base(l, k, bsz, xs, models, seed);
    if l.skip_consumer(k).is_some() {
        d.flags |= F_SKIP;
    }
    if l.layers[k - 1].skip > 0 {
        d.flags |= F_STORE_G;
    }
    if l.keeps_z(k - 1) {
        d.flags |= F_Z;
        if l.drops(k - 1) {
            d = with_drop(d, l, k - 1);
        }
    }
    d
}
