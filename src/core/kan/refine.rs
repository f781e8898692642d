//! Grid update and refinement, preserving each edge's function by least squares (pykan
//! `KANLayer.update_grid_from_samples` and `MultKAN.refine`, Liu et al. 2024 §2.4).
//!
//! For every layer, model and input i: the layer's input activations x_1 ≤ … ≤ x_N over the
//! samples give a new grid of G′ intervals, a mix of the percentile grid a_j = x_{⌊jN/G′⌋}
//! (a_{G′} = x_N) and the uniform grid u_j on [x_1, x_N]: g_j = ε·u_j + (1 − ε)·a_j with pykan's
//! ε = 0.02 (strictly increasing whenever x_N > x_1), extended by k knots each side. Each edge's
//! new coefficients c′ minimise Σ_n (Σ_j c′_j B′_j(x_n) − Σ_j c_j B_j(x_n))² + λ‖c′‖² (λ = 10⁻⁸
//! of the mean diagonal, pykan's `curve2coef` ridge), solved by Cholesky in f64; w_b, w_s and the
//! bias are kept. G′ = G is pykan's grid update; G′ > G refines. A degenerate input (all samples
//! equal) keeps its old range. The `relu` basis lives on the same grid and is refitted the same
//! way (least squares over its bumps, `KanLayer::prep`); a `rational` layout has no grid and is
//! returned unchanged (the caller reports that once).

use super::basis::At;
use super::bspline::extend;
use super::KanLayout;

/// pykan's `grid_eps`: weight of the uniform grid in the adaptive mix.
pub const GRID_EPS: f32 = 0.02;

/// The new G′-interval grid (not extended) of sorted samples `xs`, or `None` if degenerate.
pub fn grid_from_samples(xs: &[f32], g: usize) -> Option<Vec<f32>> {
    let n = xs.len();
    if n == 0 || g == 0 || xs[n - 1].partial_cmp(&xs[0]) != Some(std::cmp::Ordering::Greater) {
        return None;
    }
    let h = (xs[n - 1] - xs[0]) / g as f32;
    let grid = (0..=g)
        .map(|j| {
            let a = if j == g { xs[n - 1] } else { xs[(n as f64 / g as f64 * j as f64) as usize] };
            GRID_EPS * (xs[0] + h * j as f32) + (1.0 - GRID_EPS) * a
        })
        .collect();
    Some(grid)
}

/// Solves (AᵀA + λI) c = Aᵀy for each right-hand side (columns of `y`, [N, R]), A [N, K].
/// Returns c [R, K].
pub fn least_squares(a: &[f64], y: &[f64], n: usize, k: usize, r: usize) -> Vec<f64> {
    let mut m = vec![0.0; k * k];
    for row in a.chunks(k).take(n) {
        for p in 0..k {
            if row[p] != 0.0 {
                for q in 0..k {
                    m[p * k + q] += row[p] * row[q];
                }
            }
        }
    }
    let mean_diag = (0..k).map(|p| m[p * k + p]).sum::<f64>() / k.max(1) as f64;
    let lam = 1e-8 * mean_diag.max(1e-12);
    (0..k).for_each(|p| m[p * k + p] += lam);
    // Cholesky M = L Lᵀ (in place, lower triangle).
    for p in 0..k {
        for q in 0..=p {
            let s: f64 = m[p * k + q] - (0..q).map(|j| m[p * k + j] * m[q * k + j]).sum::<f64>();
            m[p * k + q] = if p == q { s.max(1e-300).sqrt() } else { s / m[q * k + q] };
        }
    }
    let mut out = vec![0.0; r * k];
    for rr in 0..r {
        let mut b: Vec<f64> = (0..k).map(|p| (0..n).map(|s| a[s * k + p] * y[s * r + rr]).sum()).collect();
        for p in 0..k {
            b[p] = (b[p] - (0..p).map(|j| m[p * k + j] * b[j]).sum::<f64>()) / m[p * k + p];
        }
        for p in (0..k).rev() {
            b[p] = (b[p] - (p + 1..k).map(|j| m[j * k + p] * b[j]).sum::<f64>()) / m[p * k + p];
        }
        out[rr * k..(rr + 1) * k].copy_from_slice(&b);
    }
    out
}

/// The layout with `g_new` intervals and its parameters [M, P′], refitted from `params` on the
/// samples `x` [N, inputs] (see the module doc).
pub fn refine(old: &KanLayout, params: &[f32], x: &[f32], n: usize, g_new: usize) -> (KanLayout, Vec<f32>) {
    let mut widths: Vec<usize> = old.layers.iter().map(|l| l.i).collect();
    widths.push(old.outputs());
    let k = old.layers.first().map_or(3, |l| l.k);
    if !old.basis().has_grid() {
        return (old.clone(), params.to_vec());
    }
    let mut new = KanLayout::new(&widths, g_new, k, old.head, old.models).with_basis(old.basis());
    new.edges = old.edges.clone();
    let mut out = vec![0.0; new.models * new.p];
    if n == 0 {
        return (new.clone(), new.init(0));
    }
    let acts = old.forward(params, x, n);
    let (mut b_old, mut b_new) = (At::default(), At::default());
    for m in 0..old.models {
        let (po, pn) = (&params[m * old.p..(m + 1) * old.p], &mut out[m * new.p..(m + 1) * new.p]);
        for (li, (lo, ln)) in old.layers.iter().zip(&new.layers).enumerate() {
            let (nbo, nbn, nto) = (lo.n_basis(), ln.n_basis(), lo.n_knots());
            let col = |s: usize, i: usize| if li == 0 { x[s * lo.i + i] } else { acts[li - 1][(m * n + s) * lo.i + i] };
            for i in 0..lo.i {
                let t_old = &po[lo.grid_off(i)..][..nto];
                let mut xs: Vec<f32> = (0..n).map(|s| col(s, i)).filter(|v| v.is_finite()).collect();
                xs.sort_by(f32::total_cmp);
                let grid = grid_from_samples(&xs, ln.g).unwrap_or_else(|| {
                    (0..=ln.g).map(|j| t_old[k] + (t_old[nto - 1 - k] - t_old[k]) * j as f32 / ln.g as f32).collect()
                });
                let t_new = extend(&grid, k);
                pn[ln.grid_off(i)..][..t_new.len()].copy_from_slice(&t_new);
                let ns = xs.len();
                let (mut a, mut y) = (vec![0.0f64; ns * nbn], vec![0.0f64; ns * lo.o]);
                for (s, &xv) in xs.iter().enumerate() {
                    lo.prep(t_old, xv, &mut b_old, false);
                    ln.prep(&t_new, xv, &mut b_new, false);
                    (0..nbn).for_each(|j| a[s * nbn + j] = b_new.b[j] as f64);
                    for o in 0..lo.o {
                        let c = &po[lo.coef_off(i, o)..][..nbo];
                        y[s * lo.o + o] = c.iter().zip(&b_old.b[..nbo]).map(|(c, b)| (c * b) as f64).sum();
                    }
                }
                let c = least_squares(&a, &y, ns, nbn, lo.o);
                for o in 0..lo.o {
                    for j in 0..nbn {
                        pn[ln.coef_off(i, o) + j] = c[o * nbn + j] as f32;
                    }
                }
            }
            let io = lo.i * lo.o;
            pn[ln.wb_off()..ln.wb_off() + 2 * io].copy_from_slice(&po[lo.wb_off()..lo.wb_off() + 2 * io]);
            pn[ln.bias_off()..ln.bias_off() + lo.o].copy_from_slice(&po[lo.bias_off()..lo.bias_off() + lo.o]);
        }
    }
    (new, out)
}
