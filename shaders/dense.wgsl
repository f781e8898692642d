// Dense layer kernels with a leading model axis M (reference: `core::ops::dense_*`).
// Register-blocked: each invocation computes a 4×4 tile of its output, so every value it loads
// feeds four multiply-adds instead of one. No workgroup memory and no barriers (on SwiftShader,
// Chromium's CPU WebGPU, barrier kernels run ~10× slower: DESIGN.md §7). Every sum runs in the
// reference's order, so results match `core::ops` as the one-output-per-thread kernels did.
// Grid-stride loops over tiles: any size fits a bounded dispatch. Tile counts: `kernels::work`.
// Issue 4 (flags F_* in common.wgsl): forward multiplier (x scaled by d.mult as loaded: exact at
// 1), residual skip, counter-based inverted dropout, z stored for z-based derivatives.
// Specialization (`gpu::kernels::Kernels::dense`): the plans compile one pipeline per (act,
// act_prev, flags) through the overridable constants below, so the activation switch and the
// flag branches fold away at pipeline creation. On the CPU rasterizers that run WebGPU without
// a GPU (lavapipe, SwiftShader) a uniform branch still runs every arm under a lane mask, which
// made the epilogues (all seven activations, the dropout hash) cost most of a small layer.
// Left at their defaults (`DYN`), the kernels read d.act, d.act_prev and d.flags at run time.

@group(0) @binding(2) var<storage, read> in_a: array<f32>;
@group(0) @binding(3) var<storage, read> in_b: array<f32>;
@group(0) @binding(4) var<storage, read> in_c: array<f32>;
@group(0) @binding(5) var<storage, read_write> out_a: array<f32>;
@group(0) @binding(6) var<storage, read_write> out_b: array<f32>;
@group(0) @binding(7) var<storage, read_write> out_c: array<f32>;

const T: u32 = 4u;

const DYN: u32 = 0xFFFFFFFFu;
override ACT: u32 = DYN;
override ACT_PREV: u32 = DYN;
override FLAGS: u32 = DYN;

fn act_k() -> u32 {
    if (ACT == DYN) { return d.act; }
    return ACT;
}

fn act_prev_k() -> u32 {
    if (ACT_PREV == DYN) { return d.act_prev; }
    return ACT_PREV;
}

fn flags_k() -> u32 {
    if (FLAGS == DYN) { return d.flags; }
    return FLAGS;
}

// Indices t0..t0+3 clamped to n − 1: edge tiles compute duplicates that are never stored.
fn lanes(t0: u32, n: u32) -> vec4<u32> {
    let l = n - 1u;
    return vec4<u32>(min(t0, l), min(t0 + 1u, l), min(t0 + 2u, l), min(t0 + 3u, l));
}

fn load4(base: u32, c: vec4<u32>) -> vec4<f32> {
    return vec4<f32>(in_b[base + c.x], in_b[base + c.y], in_b[base + c.z], in_b[base + c.w]);
}

// z[m,b,o] = bias[m,o] + Σ_i (mult·x[m,b,i])·W[m,i,o]; u = drop(act(z)); out = skip + u.
// in_a = x, in_b = params, in_c = residual source (F_SKIP), out_b = z (F_Z).
// Tile: 4 rows b × 4 columns o; the sum starts at the bias and adds i = 0, 1, … in order.
@compute @workgroup_size(64)
fn fwd(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let nb = (d.b + T - 1u) / T;
    let no = (d.o + T - 1u) / T;
    let total = d.m * nb * no;
    for (var k = gid.x; k < total; k += nwg.x * WG) {
        let o0 = (k % no) * T;
        let b0 = ((k / no) % nb) * T;
        let m = k / (no * nb);
        let p0 = m * d.p_stride;
        let oc = lanes(o0, d.o);
        let rb = lanes(b0, d.b);
        let xr = vec4<u32>(m * d.x_stride_m) + rb * d.i;
        let bias = load4(p0 + d.b_off, oc);
        var a0 = bias;
        var a1 = bias;
        var a2 = bias;
        var a3 = bias;
        for (var i = 0u; i < d.i; i++) {
            let xv = d.mult * vec4<f32>(in_a[xr.x + i], in_a[xr.y + i], in_a[xr.z + i], in_a[xr.w + i]);
            // Zero inputs (one-hot rows, P3) add ±0: skipped, as in `core::ops::dense_fwd`.
            // Neighbouring invocations share the rows, so the branch is uniform among them.
            if (all(xv == vec4<f32>(0.0))) {
                continue;
            }
            let w = load4(p0 + d.w_off + i * d.o, oc);
            a0 += xv.x * w;
            a1 += xv.y * w;
            a2 += xv.z * w;
            a3 += xv.w * w;
        }
        var acc = array<vec4<f32>, 4>(a0, a1, a2, a3);
        for (var r = 0u; r < T && b0 + r < d.b; r++) {
            let base = (m * d.b + b0 + r) * d.o;
            for (var c = 0u; c < T && o0 + c < d.o; c++) {
                let q = base + o0 + c;
                let z = acc[r][c];
                if ((flags_k() & F_Z) != 0u) { out_b[q] = z; }
                var u = act_fwd_w(act_k(), z, d.w0);
                if ((flags_k() & F_DROP) != 0u) { u = drop_apply(u, m, b0 + r, o0 + c, d.o); }
                if ((flags_k() & F_SKIP) != 0u) { u = u + in_c[q]; }
                out_a[q] = u;
            }
        }
    }
}

// g[m,b,i] = mult·Σ_o dz[m,b,o]·W[m,i,o] (+ out_c[m,b,i] with F_SKIP: the gradient of the later
// layer that adds a_prev as its residual), stored to out_b with F_STORE_G; then
// dz_prev = g·σ'_prev(a_prev) (in_c = a_prev), or with F_Z dz_prev = drop(g)·σ'_prev(z_prev)
// (in_c = z_prev). in_a = dz, in_b = params. Tile: 4 rows b × 4 columns i; o = 0, 1, … in order.
@compute @workgroup_size(64)
fn bwd_data(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let nb = (d.b + T - 1u) / T;
    let ni = (d.i + T - 1u) / T;
    let total = d.m * nb * ni;
    for (var k = gid.x; k < total; k += nwg.x * WG) {
        let i0 = (k % ni) * T;
        let b0 = ((k / ni) % nb) * T;
        let m = k / (ni * nb);
        let wc = vec4<u32>(m * d.p_stride + d.w_off) + lanes(i0, d.i) * d.o;
        let g = (vec4<u32>(m * d.b) + lanes(b0, d.b)) * d.o;
        var a0 = vec4<f32>();
        var a1 = vec4<f32>();
        var a2 = vec4<f32>();
        var a3 = vec4<f32>();
        for (var o = 0u; o < d.o; o++) {
            let w = vec4<f32>(in_b[wc.x + o], in_b[wc.y + o], in_b[wc.z + o], in_b[wc.w + o]);
            a0 += in_a[g.x + o] * w;
            a1 += in_a[g.y + o] * w;
            a2 += in_a[g.z + o] * w;
            a3 += in_a[g.w + o] * w;
        }
        var acc = array<vec4<f32>, 4>(a0, a1, a2, a3);
        for (var r = 0u; r < T && b0 + r < d.b; r++) {
            let base = (m * d.b + b0 + r) * d.i;
            for (var c = 0u; c < T && i0 + c < d.i; c++) {
                let q = base + i0 + c;
                var g = d.mult * acc[r][c];
                if ((flags_k() & F_SKIP) != 0u) { g = g + out_c[q]; }
                if ((flags_k() & F_STORE_G) != 0u) { out_b[q] = g; }
                if ((flags_k() & F_Z) != 0u) {
                    if ((flags_k() & F_DROP) != 0u) { g = drop_apply(g, m, b0 + r, i0 + c, d.i); }
                    out_a[q] = g * act_grad_z(act_prev_k(), in_c[q], d.w0);
                } else {
                    out_a[q] = g * act_grad(act_prev_k(), in_c[q]);
                }
            }
        }
    }
}

// grads[m, w_off + i*O + o] = Σ_b (mult·x[m,b,i])·dz[m,b,o];  grads[m, b_off + o] = Σ_b dz[m,b,o];
// in_a = x, in_b = dz, out_a = grads. Tile: 4 rows i × 4 columns o over I + 1 rows (row I is
// the bias: x = 1, and 1·dz = dz exactly); b = 0, 1, … in order.
@compute @workgroup_size(64)
fn bwd_weight(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let ni = (d.i + 1u + T - 1u) / T;
    let no = (d.o + T - 1u) / T;
    let total = d.m * ni * no;
    for (var k = gid.x; k < total; k += nwg.x * WG) {
        let o0 = (k % no) * T;
        let i0 = ((k / no) % ni) * T;
        let m = k / (no * ni);
        let oc = lanes(o0, d.o);
        // Rows past I read column 0 and are scaled by 0 / replaced by the bias row's 1.
        let ri = vec4<u32>(i0, i0 + 1u, i0 + 2u, i0 + 3u);
        let xi = min(ri, vec4<u32>(d.i - 1u));
        let is_w = ri < vec4<u32>(d.i);
        var a0 = vec4<f32>();
        var a1 = vec4<f32>();
        var a2 = vec4<f32>();
        var a3 = vec4<f32>();
        for (var bb = 0u; bb < d.b; bb++) {
            let xb = m * d.x_stride_m + bb * d.i;
            let xw = d.mult * vec4<f32>(in_a[xb + xi.x], in_a[xb + xi.y], in_a[xb + xi.z], in_a[xb + xi.w]);
            let xv = select(vec4<f32>(1.0), xw, is_w);
            // Zero inputs add ±0 to sums that start at +0: skipped (`core::ops::dense_bwd_weight`).
            if (all(xv == vec4<f32>(0.0))) {
                continue;
            }
            let g0 = (m * d.b + bb) * d.o;
            let g = vec4<f32>(in_b[g0 + oc.x], in_b[g0 + oc.y], in_b[g0 + oc.z], in_b[g0 + oc.w]);
            a0 += xv.x * g;
            a1 += xv.y * g;
            a2 += xv.z * g;
            a3 += xv.w * g;
        }
        var acc = array<vec4<f32>, 4>(a0, a1, a2, a3);
        let p0 = m * d.p_stride;
        for (var r = 0u; r < T && i0 + r <= d.i; r++) {
            let base = select(p0 + d.b_off, p0 + d.w_off + (i0 + r) * d.o, i0 + r < d.i);
            for (var c = 0u; c < T && o0 + c < d.o; c++) {
                out_a[base + o0 + c] = acc[r][c];
            }
        }
    }
}
