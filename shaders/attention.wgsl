// Causal multi-head scaled dot-product attention, forward and backward (reference:
// `core::ops::attn_fwd` / `attn_bwd`; Vaswani et al. 2017). Dims: m = batch, b = seq (T),
// i = heads (H), o = d_head, mult = 1/√d_head; q, k, v are read from ONE buffer of token rows
// with row stride x_stride_m (S) and column offsets w_off (q), b_off (k), t_stride_m (v), so a
// fused QKV projection [B·T, 3·H·d_head] is used in place (dq, dk, dv are written in the same
// layout). out, dout: [B, T, H·d_head]; probs, ds: [B, H, T, T].
//
// One thread per (batch, head, query) row for the softmax: the grokking transformer has T = 3
// tokens, so a row is a handful of dot products and a workgroup per row would spend its time in
// barriers (which SwiftShader makes ~10× slower, DESIGN.md §7). The softmax subtracts the row
// maximum before exp; keys after the query get probability 0 (causal mask).
// Sums run in the order of the CPU reference.

@group(0) @binding(2) var<storage, read> qkv: array<f32>;
@group(0) @binding(3) var<storage, read> probs_in: array<f32>;
@group(0) @binding(4) var<storage, read> dout: array<f32>;
// attn_fwd: probs; attn_bwd_qkv: dq/dk/dv (qkv layout).
@group(0) @binding(5) var<storage, read_write> a5: array<f32>;
// attn_fwd: out; attn_bwd_ds: ds (written); attn_bwd_qkv: ds (read).
@group(0) @binding(6) var<storage, read_write> a6: array<f32>;

// Index of element c of head h of token `tok` of batch b at column offset `off` in the qkv layout.
fn qkv_at(b: u32, tok: u32, h: u32, c: u32, off: u32) -> u32 {
    return (b * d.b + tok) * d.x_stride_m + off + h * d.o + c;
}

// probs/out for every (b, h, i) row: a5 = probs, a6 = out.
@compute @workgroup_size(64)
fn attn_fwd(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let t = d.b;
    let total = d.m * d.i * t;
    let w = d.i * d.o;
    for (var r = gid.x; r < total; r += nwg.x * WG) {
        let i = r % t;
        let h = (r / t) % d.i;
        let b = r / (t * d.i);
        let pr = r * t;
        var mx = bitcast<f32>(0xff7fffffu); // -f32::MAX (Tint rejects the rounded decimal literal)
        for (var j = 0u; j <= i; j++) {
            var s = 0.0;
            for (var c = 0u; c < d.o; c++) {
                s += qkv[qkv_at(b, i, h, c, d.w_off)] * qkv[qkv_at(b, j, h, c, d.b_off)];
            }
            s = s * d.mult;
            a5[pr + j] = s;
            mx = max(mx, s);
        }
        var sum = 0.0;
        for (var j = 0u; j <= i; j++) {
            let e = exp(a5[pr + j] - mx);
            a5[pr + j] = e;
            sum += e;
        }
        let inv = 1.0 / sum;
        for (var j = 0u; j <= i; j++) {
            a5[pr + j] = a5[pr + j] * inv;
        }
        for (var j = i + 1u; j < t; j++) {
            a5[pr + j] = 0.0;
        }
        for (var c = 0u; c < d.o; c++) {
            var acc = 0.0;
            for (var j = 0u; j <= i; j++) {
                acc += a5[pr + j] * qkv[qkv_at(b, j, h, c, d.t_stride_m)];
            }
            a6[(b * t + i) * w + h * d.o + c] = acc;
        }
    }
}

// ds_ij = p_ij (dout_i·v_j − Σ_j' p_ij' dout_i·v_j') for every (b, h, i) row into a6.
@compute @workgroup_size(64)
fn attn_bwd_ds(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let t = d.b;
    let total = d.m * d.i * t;
    let w = d.i * d.o;
    for (var r = gid.x; r < total; r += nwg.x * WG) {
        let i = r % t;
        let h = (r / t) % d.i;
        let b = r / (t * d.i);
        let pr = r * t;
        let dr = (b * t + i) * w + h * d.o;
        var pdp = 0.0;
        for (var j = 0u; j <= i; j++) {
            var dp = 0.0;
            for (var c = 0u; c < d.o; c++) {
                dp += dout[dr + c] * qkv[qkv_at(b, j, h, c, d.t_stride_m)];
            }
            a6[pr + j] = dp;
            pdp += probs_in[pr + j] * dp;
        }
        for (var j = 0u; j <= i; j++) {
            a6[pr + j] = probs_in[pr + j] * (a6[pr + j] - pdp);
        }
        for (var j = i + 1u; j < t; j++) {
            a6[pr + j] = 0.0;
        }
    }
}

// dq, dk, dv for every (b, token, h) from ds (a6) into a5 in the qkv layout; one thread loops
// over the d_head columns (integer division is slow per lane on CPU rasterizers: once per row).
@compute @workgroup_size(64)
fn attn_bwd_qkv(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let t = d.b;
    let w = d.i * d.o;
    let total = d.m * t * d.i;
    for (var e = gid.x; e < total; e += nwg.x * WG) {
        let h = e % d.i;
        let tok = (e / d.i) % t;
        let b = e / (d.i * t);
        let base = (b * d.i + h) * t;
        let qr = qkv_at(b, tok, h, 0u, d.w_off);
        let kr = qkv_at(b, tok, h, 0u, d.b_off);
        let vr = qkv_at(b, tok, h, 0u, d.t_stride_m);
        for (var c = 0u; c < d.o; c++) {
            var aq = 0.0;
            for (var j = 0u; j <= tok; j++) {
                aq += a6[(base + tok) * t + j] * qkv[qkv_at(b, j, h, c, d.b_off)];
            }
            var ak = 0.0;
            var av = 0.0;
            for (var i2 = tok; i2 < t; i2++) {
                ak += a6[(base + i2) * t + tok] * qkv[qkv_at(b, i2, h, c, d.w_off)];
                av += probs_in[(base + i2) * t + tok] * dout[(b * t + i2) * w + h * d.o + c];
            }
            a5[qr + c] = aq * d.mult;
            a5[kr + c] = ak * d.mult;
            a5[vr + c] = av;
        }
    }
}
