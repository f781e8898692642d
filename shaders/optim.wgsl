// Optimizers over the flat parameter buffer (reference: `core::optim`, same formulas in the same
// order): SGD, SGD with heavy-ball or Nesterov momentum (velocity in m1), and Adam (Kingma & Ba
// 2015) with bias correction; decoupled decay wd on all three (AdamW, Loshchilov & Hutter 2019,
// PyTorch convention). d.m = element count, d.p_stride = P.
// The gradient each sees (`core::optim::effective_grad`): c_m·g + l2·mask·w + l1·mask·sign(w)
// + σ_t·z, c_m = min(1, clip/‖g_m‖) from the per-model norms of `norm.wgsl`, z the counter-based
// Box–Muller normal of `core::optim::noise` (Neelakantan et al. 2015); zero coefficients skip
// their term. `mask` holds the decay mask [P] then the learning-rate multipliers: [P], or [M, P]
// when d.flags has F_LR_M (per-model multipliers: sweeps over the learning rate, width padding).
// Specialization (`gpu::kernels::Kernels::specialized`): `FLAGS` fixes d.flags, and `PLAIN`
// pipelines run the steps without clipping, L1 and gradient noise (their terms are then zero
// and skipped anyway), so those branches fold away: on the CPU rasterizers (lavapipe,
// SwiftShader) a uniform branch runs every arm under a lane mask. Defaults: read at run time.

@group(0) @binding(2) var<storage, read> grads: array<f32>;
@group(0) @binding(3) var<storage, read> mask: array<f32>;
// Per-model L2 norm of the raw gradients (read when clipping).
@group(0) @binding(4) var<storage, read> gnorm: array<f32>;
@group(0) @binding(5) var<storage, read_write> params: array<f32>;
@group(0) @binding(6) var<storage, read_write> m1: array<f32>;
@group(0) @binding(7) var<storage, read_write> m2: array<f32>;
// Divergence record per model (DESIGN: no per-step readback): the first step whose update left a
// weight NaN or infinite; read back with the metrics.
@group(0) @binding(8) var<storage, read_write> bad: array<atomic<u32>>;

const DYN: u32 = 0xFFFFFFFFu;
override FLAGS: u32 = DYN;
override PLAIN: bool = false;

fn flags_k() -> u32 {
    if (FLAGS == DYN) { return d.flags; }
    return FLAGS;
}

// The learning-rate multiplier of flat element k.
fn lr_mult(k: u32) -> f32 {
    if ((flags_k() & F_LR_M) != 0u) {
        return mask[d.p_stride + k];
    }
    return mask[d.p_stride + k % d.p_stride];
}

const NOISE_TAG: u32 = 0x6E6F6973u;
const TAU: f32 = 6.2831855;

fn check(k: u32, w: f32) {
    if (non_finite(w)) {
        atomicMin(&bad[k / d.p_stride], slot.step);
    }
}

// `core::optim::noise::gauss`: Box–Muller of two counter uniforms.
fn gauss(m: u32, t: u32, j: u32) -> f32 {
    let km = (slot.noise_key + m) ^ NOISE_TAG;
    let u1 = counter_uniform(km, t, 2u * j);
    let u2 = counter_uniform(km, t, 2u * j + 1u);
    return sqrt(-2.0 * log(1.0 - u1)) * cos(TAU * u2);
}

// The gradient the update sees for flat element k with weight w and decay mask mk.
fn eff_grad(k: u32, w: f32, mk: f32) -> f32 {
    var g = grads[k];
    if (!PLAIN && slot.clip > 0.0) {
        let n = gnorm[k / d.p_stride];
        if (n > slot.clip) {
            g = g * (slot.clip / n);
        }
    }
    g = g + slot.l2 * mk * w;
    if (!PLAIN && slot.l1 != 0.0) {
        g = g + slot.l1 * mk * sign(w);
    }
    if (!PLAIN && slot.noise != 0.0) {
        g = g + slot.noise * gauss(k / d.p_stride, slot.step - 1u, k % d.p_stride);
    }
    return g;
}

@compute @workgroup_size(64)
fn sgd(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    for (var k = gid.x; k < d.m; k += nwg.x * WG) {
        let w = params[k];
        let mk = mask[k % d.p_stride];
        let lr = slot.lr * lr_mult(k);
        let g = eff_grad(k, w, mk);
        let nw = w - lr * g - lr * slot.wd * mk * w;
        params[k] = nw;
        check(k, nw);
    }
}

@compute @workgroup_size(64)
fn momentum(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    for (var k = gid.x; k < d.m; k += nwg.x * WG) {
        let w = params[k];
        let mk = mask[k % d.p_stride];
        let lr = slot.lr * lr_mult(k);
        let g = eff_grad(k, w, mk);
        let buf = slot.momentum * m1[k] + g;
        m1[k] = buf;
        var dir = buf;
        if (slot.nesterov != 0u) {
            dir = g + slot.momentum * buf;
        }
        let nw = w - (lr * dir + lr * slot.wd * mk * w);
        params[k] = nw;
        check(k, nw);
    }
}

@compute @workgroup_size(64)
fn adam(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    for (var k = gid.x; k < d.m; k += nwg.x * WG) {
        let w = params[k];
        let mk = mask[k % d.p_stride];
        let lr = slot.lr * lr_mult(k);
        let g = eff_grad(k, w, mk);
        let a = slot.beta1 * m1[k] + (1.0 - slot.beta1) * g;
        let v = slot.beta2 * m2[k] + (1.0 - slot.beta2) * g * g;
        m1[k] = a;
        m2[k] = v;
        let decay = lr * slot.wd * mk * w;
        let nw = w - lr * (a / slot.bc1) / (sqrt(v / slot.bc2) + slot.eps) - decay;
        params[k] = nw;
        check(k, nw);
    }
}
