// Strided matrix product with a model axis (issue 6; reference: `core::ops::mm`): the
// parameter × parameter table products of PAIR's factored embedding MLP (E·W_h, W_o·Eᵀ and
// their gradients, `gpu::tfm`), whose operands sit at offsets of the flat parameters or
// gradients, some read transposed.
//
// out[m, r, c] (=, or += with MM_ACC) Σ_{k = 0, 1, …} A_m[r, k]·B_m[k, c]; the sum starts at +0
// and skips the terms whose A is exactly 0, as the reference does. One thread per 4 outputs of a
// row (one load of A feeds four sums).
// Dims: m = models, b = r, i = k, o = c; A at m·x_stride_m + w_off, B at m·p_stride + b_off, out
// at m·t_stride_m + kind (row-major [r, c]); flags MM_TA: A stored as [k, r], MM_TB: B stored
// as [c, k], MM_ACC: add onto out. Bindings: ro 2 = A, 3 = B; rw 5 = out.

@group(0) @binding(2) var<storage, read> mm_a: array<f32>;
@group(0) @binding(3) var<storage, read> mm_b: array<f32>;
@group(0) @binding(5) var<storage, read_write> mm_out: array<f32>;

const MM_TA: u32 = 1u;
const MM_TB: u32 = 2u;
const MM_ACC: u32 = 4u;

@compute @workgroup_size(64)
fn mm(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let nc = (d.o + 3u) / 4u;
    let total = d.m * d.b * nc;
    let ta = (d.flags & MM_TA) != 0u;
    let tb = (d.flags & MM_TB) != 0u;
    // Steps between consecutive k in A and B.
    let a_step = select(1u, d.b, ta);
    let b_step = select(d.o, 1u, tb);
    let l = d.o - 1u;
    for (var q = gid.x; q < total; q += nwg.x * WG) {
        let c0 = (q % nc) * 4u;
        let r = (q / nc) % d.b;
        let m = q / (nc * d.b);
        // Columns c0..c0+3 clamped to c − 1: duplicates past the edge are never stored.
        let cols = vec4<u32>(c0, min(c0 + 1u, l), min(c0 + 2u, l), min(c0 + 3u, l));
        let a0 = m * d.x_stride_m + d.w_off + select(r * d.i, r, ta);
        let b0 = vec4<u32>(m * d.p_stride + d.b_off) + select(cols, cols * d.i, tb);
        var s = vec4<f32>();
        for (var k = 0u; k < d.i; k++) {
            let x = mm_a[a0 + k * a_step];
            if (x != 0.0) {
                let bk = b0 + vec4<u32>(k * b_step);
                s += x * vec4<f32>(mm_b[bk.x], mm_b[bk.y], mm_b[bk.z], mm_b[bk.w]);
            }
        }
        let o = m * d.t_stride_m + d.kind + r * d.o;
        for (var j = 0u; j < 4u && c0 + j < d.o; j++) {
            if ((d.flags & MM_ACC) != 0u) {
                mm_out[o + c0 + j] = mm_out[o + c0 + j] + s[j];
            } else {
                mm_out[o + c0 + j] = s[j];
            }
        }
    }
}
