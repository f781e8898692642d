// B-spline KAN layer kernels (issue 7; reference: `core::kan::layer` and `core::kan::bspline`,
// Liu et al. 2024 "KAN: Kolmogorov–Arnold Networks", pykan `spline.py`). Every edge i → o carries
// φ(x) = w_b·silu(x) + w_s·Σ_j c_j B_j(x), B the order-k B-splines (Cox–de Boor) on the extended
// knots stored at the front of the layer's parameters (one grid per input, never trained).
//
// Dims: m models, b rows, i inputs, o outputs, x_stride_m (0 = inputs shared by every model),
// p_stride = P (parameters per model), w_off = the layer's offset in a model's parameters,
// kind = G (grid intervals), act = k (spline order), act_prev = 1: tanh on the outputs (the last
// layer under the tanh head; forward only), t_stride_m = rows per chunk of kan_bwd_weight.
// Parameters of the layer, per model: knots [I, T] (T = G + 2k + 1), w_b [I, O], w_s [I, O],
// c [I, O, G + k], bias [O].
// Bindings: 2 = inputs x [M, B, I] (or [B, I]; kan_bwd_reduce: the partial sums), 3 = parameters
// [M, P], 4 = dout [M, B, O]; 5 = the output: out [M, B, O] (kan_fwd), dx [M, B, I]
// (kan_bwd_data), partial sums (kan_bwd_weight), grads [M, P] (kan_bwd_reduce: this layer's
// entries, knots 0). Private arrays only (no workgroup memory, no barriers), each reset before use
// (SwiftShader does not re-zero loop-scoped arrays), no recursion: valid for naga and Tint.

@group(0) @binding(2) var<storage, read> kx: array<f32>;
@group(0) @binding(3) var<storage, read> kp: array<f32>;
@group(0) @binding(4) var<storage, read> kdo: array<f32>;
@group(0) @binding(5) var<storage, read_write> kout: array<f32>;

// `core::kan::bspline::MAX_KNOTS`: G ≤ 100, k ≤ 5 → T ≤ 111.
const MAX_KNOTS: u32 = 112u;

// The order-k basis is non-zero on at most k + 1 functions around x's knot span s: kb[q] holds
// B_{s−k+q} (q = 0..k), kprev the order k − 1 values (for the derivative), kspan = s or −1
// when x lies in no span (outside [t_0, t_{T−1}), or NaN). Evaluating only that window gives
// the very values of the CPU's full recursion (it adds exact zeros elsewhere), and keeps every
// loop short (lavapipe stops loops after 65535 iterations per invocation).
var<private> kb: array<f32, 8>;
var<private> kprev: array<f32, 8>;
var<private> kspan: i32;
// Per-thread gradient of one edge's coefficients (kan_bwd_weight).
var<private> kg: array<f32, 112>;

fn n_knots() -> u32 {
    return min(d.kind + 2u * d.act + 1u, MAX_KNOTS);
}
fn n_basis() -> u32 {
    return n_knots() - 1u - d.act;
}
fn wb_off() -> u32 {
    return d.w_off + d.i * n_knots();
}
fn ws_off() -> u32 {
    return wb_off() + d.i * d.o;
}
fn coef_off(i: u32, o: u32) -> u32 {
    return ws_off() + d.i * d.o + (i * d.o + o) * n_basis();
}
fn bias_off() -> u32 {
    return ws_off() + d.i * d.o + d.i * d.o * n_basis();
}

fn kan_silu(x: f32) -> f32 {
    return x / (1.0 + exp(-x));
}
fn kan_silu_grad(x: f32) -> f32 {
    let s = 1.0 / (1.0 + exp(-x));
    return s * (1.0 + x * (1.0 - s));
}

// num/den, 0 on a zero knot span.
fn ratio(num: f32, den: f32) -> f32 {
    return select(num / den, 0.0, den == 0.0);
}

// Knot j of the grid starting at kp[base].
fn knot(base: u32, j: i32) -> f32 {
    return kp[base + u32(j)];
}

// The first knot of input i of the model whose parameters start at pm.
fn knots_of(pm: u32, i: u32) -> u32 {
    return pm + d.w_off + i * n_knots();
}

// The basis window at x on the (non-decreasing) knots at kp[base] (`bspline::basis`).
fn kan_basis(base: u32, x: f32) {
    let nt = i32(n_knots());
    let k = i32(d.act);
    for (var q = 0; q < 8; q++) {
        kb[q] = 0.0;
        kprev[q] = 0.0;
    }
    kspan = -1;
    if (!(knot(base, 0) <= x)) {
        return;
    }
    // The largest s with t_s ≤ x, by bisection.
    var lo = 0;
    var hi = nt;
    while (hi - lo > 1) {
        let mid = (lo + hi) / 2;
        if (knot(base, mid) <= x) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let s = lo;
    if (s >= nt - 1) {
        return;
    }
    kspan = s;
    let j0 = s - k;
    kb[k] = 1.0;
    for (var p = 1; p <= k; p++) {
        if (p == k) {
            for (var q = 0; q < 8; q++) {
                kprev[q] = kb[q];
            }
        }
        for (var j = max(0, s - p); j <= min(s, nt - 2 - p); j++) {
            let q = j - j0;
            let left = ratio(x - knot(base, j), knot(base, j + p) - knot(base, j)) * kb[q];
            let tr = knot(base, j + p + 1);
            let right = ratio(tr - x, tr - knot(base, j + 1)) * kb[q + 1];
            kb[q] = left + right;
        }
    }
}

// The basis index of window entry q, or −1 when it is not a basis function of x.
fn kan_index(q: i32) -> i32 {
    let j = kspan - i32(d.act) + q;
    return select(-1, j, kspan >= 0 && j >= 0 && j < i32(n_basis()));
}

// B'_j(x) for window entry q (after `kan_basis`), j = kan_index(q) ≥ 0.
fn kan_dbasis(base: u32, q: i32, j: i32) -> f32 {
    let k = i32(d.act);
    let kf = f32(k);
    let a = ratio(kprev[q], knot(base, j + k) - knot(base, j));
    return kf * (a - ratio(kprev[q + 1], knot(base, j + k + 1) - knot(base, j + 1)));
}

// Forward, one thread per (model, row, output): out = bias + Σ_i φ_{i,o}(x_i) (then tanh if
// act_prev = 1), summed over i in order as on the CPU.
@compute @workgroup_size(64)
fn kan_fwd(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let total = d.m * d.b * d.o;
    for (var q = gid.x; q < total; q += nwg.x * WG) {
        let m = q / (d.b * d.o);
        let r = (q / d.o) % d.b;
        let o = q % d.o;
        let pm = m * d.p_stride;
        var acc = kp[pm + bias_off() + o];
        for (var i = 0u; i < d.i; i++) {
            let xv = kx[m * d.x_stride_m + r * d.i + i];
            kan_basis(knots_of(pm, i), xv);
            let c0 = pm + coef_off(i, o);
            var s = 0.0;
            for (var qq = 0; qq <= i32(d.act); qq++) {
                let j = kan_index(qq);
                if (j >= 0) {
                    s += kp[c0 + u32(j)] * kb[qq];
                }
            }
            let e = pm + i * d.o + o;
            acc += kp[e + wb_off()] * kan_silu(xv) + kp[e + ws_off()] * s;
        }
        kout[q] = select(acc, tanh_s(acc), d.act_prev == 1u);
    }
}

// Input gradient, one thread per (model, row, input), summed over o in order:
// dx_i = Σ_o dout_o·(w_b·silu'(x_i) + w_s·Σ_j c_j B'_j(x_i)).
@compute @workgroup_size(64)
fn kan_bwd_data(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let total = d.m * d.b * d.i;
    for (var q = gid.x; q < total; q += nwg.x * WG) {
        let m = q / (d.b * d.i);
        let r = (q / d.i) % d.b;
        let i = q % d.i;
        let pm = m * d.p_stride;
        let xv = kx[m * d.x_stride_m + r * d.i + i];
        let base = knots_of(pm, i);
        kan_basis(base, xv);
        let dsx = kan_silu_grad(xv);
        var gx = 0.0;
        for (var o = 0u; o < d.o; o++) {
            let dd = kdo[(m * d.b + r) * d.o + o];
            let c0 = pm + coef_off(i, o);
            let e = pm + i * d.o + o;
            let wb = kp[e + wb_off()];
            let ws = kp[e + ws_off()];
            var ds = 0.0;
            for (var q = 0; q <= i32(d.act); q++) {
                let j = kan_index(q);
                if (j >= 0) {
                    ds += kp[c0 + u32(j)] * kan_dbasis(base, q, j);
                }
            }
            gx += dd * (wb * dsx + ws * ds);
        }
        kout[q] = gx;
    }
}

// Parameter gradients in two passes. kan_bwd_weight: one thread per (model, input, output,
// chunk of d.t_stride_m rows) sums its rows into `part` [C, M, I, O, G + k + 3] (C chunks): the
// coefficients, w_b, w_s and (for i = 0) the bias of edge (i, o). kan_bwd_reduce: one thread per
// (model, input, output) adds the chunks up in order into grads [M, P] (the knots of input i: 0,
// by the o = 0 thread). With one chunk (B ≤ d.t_stride_m) the sums are the CPU's, term by term.
fn chunks() -> u32 {
    return (d.b + max(d.t_stride_m, 1u) - 1u) / max(d.t_stride_m, 1u);
}
fn part_stride() -> u32 {
    return n_basis() + 3u;
}

@compute @workgroup_size(64)
fn kan_bwd_weight(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let edges = d.m * d.i * d.o;
    let total = edges * chunks();
    let nb = n_basis();
    let rb = max(d.t_stride_m, 1u);
    for (var q = gid.x; q < total; q += nwg.x * WG) {
        let c = q / edges;
        let e = q % edges;
        let m = e / (d.i * d.o);
        let i = (e / d.o) % d.i;
        let o = e % d.o;
        let pm = m * d.p_stride;
        let c0 = pm + coef_off(i, o);
        let w = pm + i * d.o + o;
        let ws = kp[w + ws_off()];
        let base = knots_of(pm, i);
        for (var j = 0u; j < nb; j++) {
            kg[j] = 0.0;
        }
        var gwb = 0.0;
        var gws = 0.0;
        var gbias = 0.0;
        for (var r = c * rb; r < min(d.b, (c + 1u) * rb); r++) {
            let xv = kx[m * d.x_stride_m + r * d.i + i];
            kan_basis(base, xv);
            let dd = kdo[(m * d.b + r) * d.o + o];
            gbias += dd;
            var s = 0.0;
            for (var qq = 0; qq <= i32(d.act); qq++) {
                let j = kan_index(qq);
                if (j >= 0) {
                    s += kp[c0 + u32(j)] * kb[qq];
                    kg[j] += dd * ws * kb[qq];
                }
            }
            gwb += dd * kan_silu(xv);
            gws += dd * s;
        }
        let out = q * part_stride();
        for (var j = 0u; j < nb; j++) {
            kout[out + j] = kg[j];
        }
        kout[out + nb] = gwb;
        kout[out + nb + 1u] = gws;
        kout[out + nb + 2u] = select(0.0, gbias, i == 0u);
    }
}

@compute @workgroup_size(64)
fn kan_bwd_reduce(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let edges = d.m * d.i * d.o;
    let nb = n_basis();
    let nt = n_knots();
    let ps = part_stride();
    let nc = chunks();
    for (var q = gid.x; q < edges; q += nwg.x * WG) {
        let m = q / (d.i * d.o);
        let i = (q / d.o) % d.i;
        let o = q % d.o;
        let pm = m * d.p_stride;
        let c0 = pm + coef_off(i, o);
        let w = pm + i * d.o + o;
        for (var j = 0u; j < nb + 3u; j++) {
            var acc = 0.0;
            for (var c = 0u; c < nc; c++) {
                acc += kx[(c * edges + q) * ps + j];
            }
            if (j < nb) {
                kout[c0 + j] = acc;
            } else if (j == nb) {
                kout[w + wb_off()] = acc;
            } else if (j == nb + 1u) {
                kout[w + ws_off()] = acc;
            } else if (i == 0u) {
                kout[pm + bias_off() + o] = acc;
            }
        }
        if (o == 0u) {
            for (var j = 0u; j < nt; j++) {
                kout[pm + d.w_off + i * nt + j] = 0.0;
            }
        }
    }
}
