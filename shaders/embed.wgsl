// Embedding kernels of the token models (issue 6; reference: `core::ops::embed_fwd` /
// `embed_bwd`, and `core::tfm::model`'s last-position row selection), plus an elementwise add.
// Token ids arrive as f32 (exact below 2^24) so the shared `gather` kernel can batch them.
//
// embed_fwd / embed_bwd dims: m = models, b = rows per model, i = ids per row (k), o = width,
// kind = vocabulary, p_stride = parameters per model, w_off = the table's offset in a model,
// x_stride_m = ids between models (0 = shared), act = activation applied to the sum (embed_fwd),
// flags F_SKIP = embed_fwd adds onto out's current row (the sum starts from it, s = 0, 1, …).
// - embed_fwd: ro 2 = ids, 3 = params; rw 5 = out [M, rows, o]. One thread per output element.
// - embed_bwd: ro 2 = ids, 3 = dout [M, rows, o]; rw 5 = grads (the table's gradient is
//   OVERWRITTEN). One thread per (model, table row, 4 columns) sums the rows r = 0, 1, … and
//   slots in order, as the CPU's scatter-add does onto a zero gradient: no atomics, no races.
// rows_pick: out[g, c] = src[(g·b + o)·i + c] (position o of each group of b rows, width i; m =
// groups). rows_spread: the inverse onto zeros, out [m·b, i]. add_to: out[k] += src[k], k < m.
// Both: ro 2 = src; rw 5 = out.

@group(0) @binding(2) var<storage, read> in0: array<f32>;
@group(0) @binding(3) var<storage, read> in1: array<f32>;
@group(0) @binding(5) var<storage, read_write> out0: array<f32>;

@compute @workgroup_size(64)
fn embed_fwd(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let total = d.m * d.b * d.o;
    let add = (d.flags & F_SKIP) != 0u;
    for (var q = gid.x; q < total; q += nwg.x * WG) {
        let c = q % d.o;
        let r = (q / d.o) % d.b;
        let m = q / (d.o * d.b);
        let ids = m * d.x_stride_m + r * d.i;
        let table = m * d.p_stride + d.w_off;
        var acc = select(0.0, out0[q], add);
        for (var s = 0u; s < d.i; s++) {
            let id = u32(in0[ids + s]);
            if (id < d.kind) {
                acc += in1[table + id * d.o + c];
            }
        }
        out0[q] = act_fwd(d.act, acc);
    }
}

@compute @workgroup_size(64)
fn embed_bwd(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    // Four columns per thread: the scan over the ids (most of the work: a row matches about
    // rows·i/kind times) is shared by four sums, each still over r = 0, 1, … and s in order.
    let nc = (d.o + 3u) / 4u;
    let total = d.m * d.kind * nc;
    for (var q = gid.x; q < total; q += nwg.x * WG) {
        let c0 = (q % nc) * 4u;
        let v = (q / nc) % d.kind;
        let m = q / (nc * d.kind);
        let l = d.o - 1u;
        let cols = vec4<u32>(c0, min(c0 + 1u, l), min(c0 + 2u, l), min(c0 + 3u, l));
        var acc = vec4<f32>();
        for (var r = 0u; r < d.b; r++) {
            let ids = m * d.x_stride_m + r * d.i;
            for (var s = 0u; s < d.i; s++) {
                if (u32(in0[ids + s]) == v) {
                    let g = (m * d.b + r) * d.o;
                    acc += vec4<f32>(in1[g + cols.x], in1[g + cols.y], in1[g + cols.z], in1[g + cols.w]);
                }
            }
        }
        let out = m * d.p_stride + d.w_off + v * d.o;
        for (var j = 0u; j < 4u && c0 + j < d.o; j++) {
            out0[out + c0 + j] = acc[j];
        }
    }
}

@compute @workgroup_size(64)
fn rows_pick(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let total = d.m * d.i;
    for (var q = gid.x; q < total; q += nwg.x * WG) {
        let c = q % d.i;
        let g = q / d.i;
        out0[q] = in0[(g * d.b + d.o) * d.i + c];
    }
}

@compute @workgroup_size(64)
fn rows_spread(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let total = d.m * d.b * d.i;
    for (var q = gid.x; q < total; q += nwg.x * WG) {
        let c = q % d.i;
        let row = q / d.i;
        let g = row / d.b;
        out0[q] = select(0.0, in0[g * d.i + c], row % d.b == d.o);
    }
}

@compute @workgroup_size(64)
fn add_to(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    for (var q = gid.x; q < d.m; q += nwg.x * WG) {
        out0[q] = out0[q] + in0[q];
    }
}
