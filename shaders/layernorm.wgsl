// LayerNorm over rows of width D, forward and backward (reference: `core::ops::ln_fwd` /
// `ln_bwd`; Ba, Kiros & Hinton 2016). Dims: m = rows, i = D, w_off / b_off = offsets of γ and
// β in the parameter buffer (and of dγ, dβ in the gradient buffer), flags F_SKIP = ln_bwd_x adds
// into dx instead of overwriting it (a residual stream's gradient). stats: [2·rows], the mean at
// r and rstd = 1/√(var + 1e-5) at rows + r.
// ln_fwd / ln_bwd_x: one thread per row (D ≤ a few hundred, rows in the thousands);
// ln_bwd_param: one workgroup per column, a strided partial sum over rows per thread, then a
// tree reduction in workgroup memory; dγ, dβ ACCUMULATE (+=), as on the CPU.
// Model axis (the token backend, `gpu::tfm`): with d.b > 0 the rows are M = d.m / d.b models of
// d.b rows each, and model mi reads γ, β at mi·d.p_stride + w_off / b_off (and accumulates its
// own dγ, dβ there; ln_bwd_param then runs one workgroup per (model, column)). d.b = 0: one model.

const LN_EPS: f32 = 1e-5;

@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> prm: array<f32>;
@group(0) @binding(4) var<storage, read> dy: array<f32>;
// ln_fwd: y; ln_bwd_x: dx.
@group(0) @binding(5) var<storage, read_write> yx: array<f32>;
@group(0) @binding(6) var<storage, read_write> stats: array<f32>;
@group(0) @binding(7) var<storage, read_write> grad: array<f32>;

var<workgroup> part_g: array<f32, 64>;
var<workgroup> part_b: array<f32, 64>;

// Parameter offset of the model that owns row r.
fn ln_base(r: u32) -> u32 {
    return select(0u, (r / max(d.b, 1u)) * d.p_stride, d.b > 0u);
}

@compute @workgroup_size(64)
fn ln_fwd(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let n = d.i;
    let inv_d = 1.0 / f32(max(n, 1u));
    for (var r = gid.x; r < d.m; r += nwg.x * WG) {
        var s = 0.0;
        for (var c = 0u; c < n; c++) {
            s += x[r * n + c];
        }
        let mu = s * inv_d;
        var v = 0.0;
        for (var c = 0u; c < n; c++) {
            let e = x[r * n + c] - mu;
            v += e * e;
        }
        let rs = 1.0 / sqrt(v * inv_d + LN_EPS);
        stats[r] = mu;
        stats[d.m + r] = rs;
        let pb = ln_base(r);
        for (var c = 0u; c < n; c++) {
            yx[r * n + c] = prm[pb + d.w_off + c] * ((x[r * n + c] - mu) * rs) + prm[pb + d.b_off + c];
        }
    }
}

@compute @workgroup_size(64)
fn ln_bwd_x(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let n = d.i;
    let inv_d = 1.0 / f32(max(n, 1u));
    let add = (d.flags & F_SKIP) != 0u;
    for (var r = gid.x; r < d.m; r += nwg.x * WG) {
        let mu = stats[r];
        let rs = stats[d.m + r];
        let gb = ln_base(r) + d.w_off;
        var sg = 0.0;
        var sgx = 0.0;
        for (var c = 0u; c < n; c++) {
            let xh = (x[r * n + c] - mu) * rs;
            let g = prm[gb + c] * dy[r * n + c];
            sg += g;
            sgx += g * xh;
        }
        let mg = sg * inv_d;
        let mgx = sgx * inv_d;
        for (var c = 0u; c < n; c++) {
            let xh = (x[r * n + c] - mu) * rs;
            let g = prm[gb + c] * dy[r * n + c];
            let v = rs * (g - mg - xh * mgx);
            yx[r * n + c] = select(v, yx[r * n + c] + v, add);
        }
    }
}

@compute @workgroup_size(64)
fn ln_bwd_param(
    @builtin(local_invocation_id) lid: vec3<u32>,
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
) {
    let n = d.i;
    let models = select(1u, d.m / max(d.b, 1u), d.b > 0u);
    let rows = select(d.m, d.b, d.b > 0u);
    for (var mc = wid.x; mc < models * n; mc += nwg.x) {
        let mi = mc / n;
        let c = mc % n;
        let r0 = mi * rows;
        var sg = 0.0;
        var sb = 0.0;
        for (var rr = lid.x; rr < rows; rr += WG) {
            let r = r0 + rr;
            let g = dy[r * n + c];
            sg += g * ((x[r * n + c] - stats[r]) * stats[d.m + r]);
            sb += g;
        }
        part_g[lid.x] = sg;
        part_b[lid.x] = sb;
        workgroupBarrier();
        for (var h = WG / 2u; h > 0u; h = h / 2u) {
            if (lid.x < h) {
                part_g[lid.x] += part_g[lid.x + h];
                part_b[lid.x] += part_b[lid.x + h];
            }
            workgroupBarrier();
        }
        if (lid.x == 0u) {
            let pb = mi * d.p_stride;
            grad[pb + d.w_off + c] += part_g[0];
            grad[pb + d.b_off + c] += part_b[0];
        }
        workgroupBarrier();
    }
}
