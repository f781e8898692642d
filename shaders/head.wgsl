// The loss head (reference: `core::ops::loss_head`).
// kind 0 = MSE on a tanh output with ±1 targets (TFP), kind 1 = softmax cross-entropy with label
// smoothing d.eps_ls, kind 2 = regression: ½(a − y)² on a linear output, y = bitcast<f32>(target),
// correct iff |a − y| < 0.1 (`core::ops::REG_TOL`), kind 3 = square loss on one-hot targets
// ½·Σ_j (z_j − [j = t])² over C linear outputs (Gromov 2023; Doshi et al. 2024).

@group(0) @binding(2) var<storage, read> in_a: array<f32>;
@group(0) @binding(3) var<storage, read> in_t: array<u32>;
@group(0) @binding(5) var<storage, read_write> out_a: array<f32>;
@group(0) @binding(6) var<storage, read_write> out_b: array<f32>;
@group(0) @binding(7) var<storage, read_write> out_c: array<f32>;

// Loss head: in_a = outputs [M,B,C], in_t = targets ([M,B] or shared [B]);
// out_a = dz [M,B,C], out_b = loss [M,B], out_c = correct [M,B].
@compute @workgroup_size(64)
fn head(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let total = d.m * d.b;
    let c = d.o;
    let inv_b = 1.0 / f32(d.b);
    for (var k = gid.x; k < total; k += nwg.x * WG) {
        let m = k / d.b;
        let bb = k % d.b;
        let tc = in_t[m * d.t_stride_m + bb];
        if (d.kind == 2u) {
            let e = in_a[k] - bitcast<f32>(tc);
            out_b[k] = 0.5 * e * e;
            out_a[k] = e * inv_b;
            out_c[k] = select(0.0, 1.0, abs(e) < 0.1);
        } else if (d.kind == 0u) {
            let a = in_a[k];
            let y = select(-1.0, 1.0, tc == 1u);
            let e = a - y;
            out_b[k] = 0.5 * e * e;
            out_a[k] = e * (1.0 - a * a) * inv_b;
            out_c[k] = select(0.0, 1.0, (a >= 0.0) == (tc == 1u));
        } else if (d.kind == 3u) {
            var sq = 0.0;
            var mx = in_a[k * c];
            var arg = 0u;
            for (var j = 0u; j < c; j++) {
                let v = in_a[k * c + j];
                let e = v - select(0.0, 1.0, j == tc);
                sq += e * e;
                out_a[k * c + j] = e * inv_b;
                if (v > mx) { mx = v; arg = j; }
            }
            // (Targets are classes < C; the CPU reference marks others with loss NaN.)
            out_b[k] = 0.5 * sq;
            out_c[k] = select(0.0, 1.0, arg == tc);
        } else {
            var mx = in_a[k * c];
            var arg = 0u;
            for (var j = 1u; j < c; j++) {
                let v = in_a[k * c + j];
                if (v > mx) { mx = v; arg = j; }
            }
            var se = 0.0;
            for (var j = 0u; j < c; j++) { se += exp(in_a[k * c + j] - mx); }
            let off = d.eps_ls / f32(c);
            let on = 1.0 - d.eps_ls + off;
            if (d.eps_ls == 0.0) {
                out_b[k] = mx + log(se) - in_a[k * c + tc];
            } else {
                var qz = 0.0;
                for (var j = 0u; j < c; j++) { qz += select(off, on, j == tc) * in_a[k * c + j]; }
                out_b[k] = mx + log(se) - qz;
            }
            for (var j = 0u; j < c; j++) {
                let p = exp(in_a[k * c + j] - mx) / se;
                out_a[k * c + j] = (p - select(off, on, j == tc)) * inv_b;
            }
            out_c[k] = select(0.0, 1.0, arg == tc);
        }
    }
}
