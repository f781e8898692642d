// Shared declarations of every Grokpad kernel (prepended to each kernel file by `gpu/kernels.rs`).
// One bind-group layout for all kernels: 0 = static dims, 1 = per-step slot (dynamic offset),
// 2..4 = read-only storage, 5..7 = read-write storage, 8 = per-model divergence record (declared
// by the kernels that write it). Formulas mirror `src/core/ops.rs`.

struct Dims {
    m: u32, b: u32, i: u32, o: u32,
    act: u32, act_prev: u32, x_stride_m: u32, p_stride: u32,
    w_off: u32, b_off: u32, t_stride_m: u32, kind: u32,
    // Issue 4: forward multiplier, SIREN ω0, dropout (p, 1/(1−p), seed, layer salt), F_* flags,
    // label smoothing ε of the softmax head.
    mult: f32, w0: f32, p_drop: f32, drop_scale: f32,
    seed: u32, salt: u32, flags: u32, eps_ls: f32,
};

// Dims.flags of the dense kernels (`gpu::kernels::F_*`).
const F_Z: u32 = 1u;     // fwd: store z; bwd_data: σ' of the previous layer from its z
const F_SKIP: u32 = 2u;  // fwd: add the residual source; bwd_data: add the consumer's gradient
const F_STORE_G: u32 = 4u; // bwd_data: store the activation gradient g
const F_DROP: u32 = 8u;  // dropout (training)
const F_LR_M: u32 = 16u; // optimizers: learning-rate multipliers [M, P] instead of [P]

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

fn sigmoid(z: f32) -> f32 {
    return 1.0 / (1.0 + exp(-z));
}

const GELU_C: f32 = 0.797884560802865;
const GELU_K: f32 = 0.044715;

// σ(z) (`core::ops::act_fwd_w`); w0 = SIREN's ω0.
fn act_fwd_w(a: u32, z: f32, w0: f32) -> f32 {
    switch a {
        case 0u: { return max(z, 0.0); }
        case 1u: { return tanh_s(z); }
        case 2u: { return sigmoid(z); }
        case 4u: { return select(0.01 * z, z, z > 0.0); }
        case 5u: { return 0.5 * z * (1.0 + tanh_s(GELU_C * (z + GELU_K * z * z * z))); }
        case 6u: { return z * sigmoid(z); }
        case 7u: { return sin(w0 * z); }
        case 8u: { return z * z; }
        default: { return z; }
    }
}

fn act_fwd(a: u32, z: f32) -> f32 {
    return act_fwd_w(a, z, 1.0);
}

// σ'(z) from the output a = σ(z) (relu, tanh, sigmoid, linear, leaky).
fn act_grad(a: u32, y: f32) -> f32 {
    switch a {
        case 0u: { return select(0.0, 1.0, y > 0.0); }
        case 1u: { return 1.0 - y * y; }
        case 2u: { return y * (1.0 - y); }
        case 4u: { return select(0.01, 1.0, y > 0.0); }
        default: { return 1.0; }
    }
}

// σ'(z) from the pre-activation z (`core::ops::act_grad_z`).
fn act_grad_z(a: u32, z: f32, w0: f32) -> f32 {
    switch a {
        case 0u: { return select(0.0, 1.0, z > 0.0); }
        case 1u: { let t = tanh_s(z); return 1.0 - t * t; }
        case 2u: { let s = sigmoid(z); return s * (1.0 - s); }
        case 4u: { return select(0.01, 1.0, z > 0.0); }
        case 5u: {
            let t = tanh_s(GELU_C * (z + GELU_K * z * z * z));
            return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * GELU_C * (1.0 + 3.0 * GELU_K * z * z);
        }
        case 6u: { let s = sigmoid(z); return s * (1.0 + z * (1.0 - s)); }
        case 7u: { return w0 * cos(w0 * z); }
        case 8u: { return 2.0 * z; }
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

// Inverted dropout (`core::ops::Dropout::apply`): v/(1−p) if unit u of row `row` (width `o`) of
// model m is kept at this step, else 0. Uses d.p_drop, d.drop_scale, d.seed, d.salt, slot.step.
fn drop_apply(v: f32, m: u32, row: u32, u: u32, o: u32) -> f32 {
    let key = pcg_hash(d.seed + m) ^ d.salt;
    return select(0.0, v * d.drop_scale, counter_uniform(key, slot.step, row * o + u) >= d.p_drop);
}
