// Per-model L2 norms (reference: `core::optim::norms`): out[m] = ‖x[m·P .. (m+1)·P]‖, one
// workgroup per model (grid-stride over models beyond the dispatch), a strided partial sum of
// squares per thread, then a tree reduction in workgroup memory. Used on the gradients (clipping
// by global norm, the gradient-norm metric) and on the parameters (the weight-norm metric).
// d.m = models, d.p_stride = P.

@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;

var<workgroup> part: array<f32, 64>;

@compute @workgroup_size(64)
fn norm(
    @builtin(local_invocation_id) lid: vec3<u32>,
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
) {
    for (var m = wid.x; m < d.m; m += nwg.x) {
        var s = 0.0;
        for (var j = lid.x; j < d.p_stride; j += WG) {
            let v = x[m * d.p_stride + j];
            s += v * v;
        }
        part[lid.x] = s;
        workgroupBarrier();
        for (var h = WG / 2u; h > 0u; h = h / 2u) {
            if (lid.x < h) {
                part[lid.x] += part[lid.x + h];
            }
            workgroupBarrier();
        }
        if (lid.x == 0u) {
            out[m] = sqrt(part[0]);
        }
        workgroupBarrier();
    }
}
