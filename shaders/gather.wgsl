// Minibatch gather (reference: `core::ops::gather`): xb[k,:] = x[idx[k],:], tb[k] = t[idx[k]],
// with idx read at this step's offset `slot.idx_off` in the per-submit index buffer.

@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> t: array<u32>;
@group(0) @binding(4) var<storage, read> idx: array<u32>;
@group(0) @binding(5) var<storage, read_write> xb: array<f32>;
@group(0) @binding(6) var<storage, read_write> tb: array<u32>;

@compute @workgroup_size(64)
fn gather(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let total = d.m * d.b;
    for (var k = gid.x; k < total; k += nwg.x * WG) {
        let r = idx[slot.idx_off + k];
        for (var i = 0u; i < d.i; i++) {
            xb[k * d.i + i] = x[r * d.i + i];
        }
        tb[k] = t[r];
    }
}
