// Fused small-model training (DESIGN.md §3, fused tiny-model path): one dispatch runs `ctl.count`
// whole training steps (gather → forward → loss head → backward → optimizer) for all M models,
// one invocation per model, no barriers (a submit's K steps take one dispatch or a few, see
// `fused::LOOP_BUDGET`). A template: `src/gpu/fused.rs` replaces the dollar
// placeholders and section-marker lines with code specialized to one layout, so every private
// array has a compile-time size. Formulas and summation orders are those of `src/core/ops.rs`,
// `src/core/optim.rs` and the per-op kernels (`dense.wgsl`, `head.wgsl`, `optim.wgsl`), so a
// fused run tracks the CPU reference step for step.

// Per-step hyperparameters; the layout of `Slot` in `shaders/common.wgsl` (64 bytes). The fused
// path runs no momentum, L1, clipping or gradient noise (`fused::supports_step`).
struct Hyp {
    lr: f32, l2: f32, beta1: f32, beta2: f32,
    eps: f32, bc1: f32, bc2: f32, idx_off: u32,
    wd: f32, step: u32, momentum: f32, nesterov: u32,
    l1: f32, clip: f32, noise: f32, noise_key: u32,
};

// This dispatch's steps: slots first .. first + count (dynamic offset per dispatch).
struct Ctl {
    first: u32, count: u32, _a: u32, _b: u32,
};

@group(0) @binding(0) var<uniform> ctl: Ctl;
@group(0) @binding(1) var<storage, read> hyp: array<Hyp>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> t: array<u32>;
@group(0) @binding(4) var<storage, read> idx: array<u32>;
@group(0) @binding(5) var<storage, read_write> params: array<f32>;
@group(0) @binding(6) var<storage, read_write> m1: array<f32>;
@group(0) @binding(7) var<storage, read_write> m2: array<f32>;
// Divergence record per model: the first step whose update left a weight NaN or infinite
// ([0, M)); then, at [M, 2M), the bits of each model's raw gradient norm of the last step
// (the per-op plan reads them back after fused steps: `GpuBackend::request_snapshot`).
@group(0) @binding(8) var<storage, read_write> bad: array<u32>;

const M: u32 = $Mu;
const B: u32 = $Bu;
const P: u32 = $Pu;
const I0: u32 = $I0u;

// Stable tanh, exactly as `shaders/common.wgsl`.
fn tanh_s(z: f32) -> f32 {
    let e = exp(-2.0 * abs(z));
    return sign(z) * (1.0 - e) / (1.0 + e);
}

// ±inf or NaN, tested on the bits (see `non_finite` in `shaders/common.wgsl`).
fn non_finite(x: f32) -> bool {
    return (bitcast<u32>(x) & 0x7f800000u) == 0x7f800000u;
}

@compute @workgroup_size($WGS)
fn fused(@builtin(global_invocation_id) gid: vec3<u32>) {
    let m = gid.x;
    if (m >= M) {
        return;
    }
    let p0 = m * P;
    let inv_b = 1.0 / f32(B);
    // Parameters (and Adam moments) stay private for the whole submit.
    var w = array<f32, $P>();
    for (var j = 0u; j < P; j++) {
        w[j] = params[p0 + j];
    }
    //$LOAD
    // Minibatch and per-layer activations / pre-activation gradients, zeroed explicitly; every
    // element is written before it is read in each step.
    var xs = array<f32, $BI0>();
    var tb = array<u32, $B>();
    //$DECL
    var bad_m = bad[m];
    var gn_m = bitcast<f32>(bad[M + m]);
    for (var k = ctl.first; k < ctl.first + ctl.count; k++) {
        let h = hyp[k];
        // Gather (core::ops::gather): this model's B rows at the step's offset.
        for (var bb = 0u; bb < B; bb++) {
            let r = idx[h.idx_off + m * B + bb];
            for (var i = 0u; i < I0; i++) {
                xs[bb * I0 + i] = x[r * I0 + i];
            }
            tb[bb] = t[r];
        }
        //$FORWARD
        //$HEAD
        //$BACKWARD
        // Squared raw gradient norm of this step (`core::optim::grad_norms`), summed in update order.
        var gsq = 0.0;
        //$UPDATE
        gn_m = sqrt(gsq);
        // Divergence check of the updated weights (one pass over P, no readback).
        var nf = false;
        for (var j = 0u; j < P; j++) {
            nf = nf | non_finite(w[j]);
        }
        if (nf && bad_m == 0xffffffffu) {
            bad_m = h.step;
        }
    }
    bad[m] = bad_m;
    bad[M + m] = bitcast<u32>(gn_m);
    for (var j = 0u; j < P; j++) {
        params[p0 + j] = w[j];
    }
    //$STORE
}
