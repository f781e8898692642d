// Dense layer kernels with a leading model axis M (reference: `core::ops::dense_*`).
// Grid-stride loops: any size fits a bounded dispatch.

@group(0) @binding(2) var<storage, read> in_a: array<f32>;
@group(0) @binding(3) var<storage, read> in_b: array<f32>;
@group(0) @binding(4) var<storage, read> in_c: array<f32>;
@group(0) @binding(5) var<storage, read_write> out_a: array<f32>;

// out[m,b,o] = act(Σ_i x[m,b,i]·W[m,i,o] + bias[m,o]);  in_a = x, in_b = params.
@compute @workgroup_size(64)
fn fwd(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let total = d.m * d.b * d.o;
    for (var k = gid.x; k < total; k += nwg.x * WG) {
        let o = k % d.o;
        let mb = k / d.o;
        let m = mb / d.b;
        let bb = mb % d.b;
        let p0 = m * d.p_stride;
        let x0 = m * d.x_stride_m + bb * d.i;
        var s = in_b[p0 + d.b_off + o];
        for (var i = 0u; i < d.i; i++) {
            s += in_a[x0 + i] * in_b[p0 + d.w_off + i * d.o + o];
        }
        out_a[k] = act_fwd(d.act, s);
    }
}

// dz_prev[m,b,i] = (Σ_o dz[m,b,o]·W[m,i,o]) · σ'_prev(a_prev[m,b,i]);
// in_a = dz, in_b = params, in_c = a_prev.
@compute @workgroup_size(64)
fn bwd_data(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let total = d.m * d.b * d.i;
    for (var k = gid.x; k < total; k += nwg.x * WG) {
        let i = k % d.i;
        let mb = k / d.i;
        let m = mb / d.b;
        let p0 = m * d.p_stride + d.w_off + i * d.o;
        let g0 = mb * d.o;
        var s = 0.0;
        for (var o = 0u; o < d.o; o++) {
            s += in_a[g0 + o] * in_b[p0 + o];
        }
        out_a[k] = s * act_grad(d.act_prev, in_c[k]);
    }
}

// grads[m, w_off + i*O + o] = Σ_b x[m,b,i]·dz[m,b,o];  grads[m, b_off + o] = Σ_b dz[m,b,o];
// in_a = x, in_b = dz, out_a = grads.
@compute @workgroup_size(64)
fn bwd_weight(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let per = d.i * d.o + d.o;
    let total = d.m * per;
    for (var k = gid.x; k < total; k += nwg.x * WG) {
        let m = k / per;
        let r = k % per;
        var s = 0.0;
        if (r < d.i * d.o) {
            let i = r / d.o;
            let o = r % d.o;
            for (var bb = 0u; bb < d.b; bb++) {
                s += in_a[m * d.x_stride_m + bb * d.i + i] * in_b[(m * d.b + bb) * d.o + o];
            }
            out_a[m * d.p_stride + d.w_off + r] = s;
        } else {
            let o = r - d.i * d.o;
            for (var bb = 0u; bb < d.b; bb++) {
                s += in_b[(m * d.b + bb) * d.o + o];
            }
            out_a[m * d.p_stride + d.b_off + o] = s;
        }
    }
}
