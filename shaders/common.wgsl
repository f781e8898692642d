// Shared declarations of every Grokpad kernel (prepended to each kernel file by `gpu/kernels.rs`).
// One bind-group layout for all kernels: 0 = static dims, 1 = per-step slot (dynamic offset),
// 2..4 = read-only storage, 5..7 = read-write storage, 8 = per-model divergence record (declared
// by the kernels that write it). Formulas mirror `src/core/ops.rs`.

struct Dims {
    m: u32, b: u32, i: u32, o: u32,
    act: u32, act_prev: u32, x_stride_m: u32, p_stride: u32,
    w_off: u32, b_off: u32, t_stride_m: u32, kind: u32,
};

struct Slot {
    lr: f32, l2: f32, beta1: f32, beta2: f32,
    eps: f32, bc1: f32, bc2: f32, idx_off: u32,
    wd: f32, step: u32, momentum: f32, nesterov: u32,
    l1: f32, clip: f32, noise: f32, noise_key: u32,
};

@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<uniform> slot: Slot;

const WG: u32 = 64u;

// Stable tanh: exp of a non-positive argument never overflows.
fn tanh_s(z: f32) -> f32 {
    let e = exp(-2.0 * abs(z));
    return sign(z) * (1.0 - e) / (1.0 + e);
}

fn act_fwd(a: u32, z: f32) -> f32 {
    switch a {
        case 0u: { return max(z, 0.0); }
        case 1u: { return tanh_s(z); }
        case 2u: { return 1.0 / (1.0 + exp(-z)); }
        default: { return z; }
    }
}

// σ'(z) from the output a = σ(z).
fn act_grad(a: u32, y: f32) -> f32 {
    switch a {
        case 0u: { return select(0.0, 1.0, y > 0.0); }
        case 1u: { return 1.0 - y * y; }
        case 2u: { return y * (1.0 - y); }
        default: { return 1.0; }
    }
}

// True for ±inf and NaN. Tested on the bits: WGSL lets compilers assume floats are finite, so
// `x != x` style tests may be folded away.
fn non_finite(x: f32) -> bool {
    return (bitcast<u32>(x) & 0x7f800000u) == 0x7f800000u;
}

// PCG hash (Jarzynski & Olano 2020) and the counter-based random word of `core::rng::counter`.
fn pcg_hash(v: u32) -> u32 {
    let state = v * 747796405u + 2891336453u;
    let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
    return (word >> 22u) ^ word;
}

fn counter(key: u32, step: u32, index: u32) -> u32 {
    return pcg_hash(index ^ pcg_hash(step ^ pcg_hash(key)));
}

fn counter_uniform(key: u32, step: u32, index: u32) -> f32 {
    return f32(counter(key, step, index) >> 8u) * (1.0 / 16777216.0);
}
