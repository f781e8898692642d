// Optimizers over the flat parameter buffer (reference: `core::optim`): SGD with L2 on weights
// (mask), Adam (Kingma & Ba 2015) with bias correction; decoupled decay wd on both (AdamW,
// Loshchilov & Hutter 2019, PyTorch convention). d.m = element count, d.p_stride = P.

@group(0) @binding(2) var<storage, read> grads: array<f32>;
@group(0) @binding(3) var<storage, read> mask: array<f32>;
@group(0) @binding(5) var<storage, read_write> params: array<f32>;
@group(0) @binding(6) var<storage, read_write> m1: array<f32>;
@group(0) @binding(7) var<storage, read_write> m2: array<f32>;
// Divergence record per model (DESIGN: no per-step readback): the first step whose update left a
// weight NaN or infinite; read back with the metrics.
@group(0) @binding(8) var<storage, read_write> bad: array<atomic<u32>>;

fn check(k: u32, w: f32) {
    if (non_finite(w)) {
        atomicMin(&bad[k / d.p_stride], slot.step);
    }
}

@compute @workgroup_size(64)
fn sgd(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    for (var k = gid.x; k < d.m; k += nwg.x * WG) {
        let w = params[k];
        let g = grads[k] + slot.l2 * mask[k % d.p_stride] * w;
        let nw = w - slot.lr * g - slot.lr * slot.wd * mask[k % d.p_stride] * w;
        params[k] = nw;
        check(k, nw);
    }
}

@compute @workgroup_size(64)
fn adam(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    for (var k = gid.x; k < d.m; k += nwg.x * WG) {
        let w = params[k];
        let g = grads[k] + slot.l2 * mask[k % d.p_stride] * w;
        let a = slot.beta1 * m1[k] + (1.0 - slot.beta1) * g;
        let v = slot.beta2 * m2[k] + (1.0 - slot.beta2) * g * g;
        m1[k] = a;
        m2[k] = v;
        let decay = slot.lr * slot.wd * mask[k % d.p_stride] * w;
        let nw = w - slot.lr * (a / slot.bc1) / (sqrt(v / slot.bc2) + slot.eps) - decay;
        params[k] = nw;
        check(k, nw);
    }
}
