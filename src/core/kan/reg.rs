//! KAN sparsity penalty (Liu et al. 2024 §2.5.1, eqs. 2.17–2.20; pykan `MultKAN.reg` with
//! `lamb_l1 = 1`): for layer l over the B rows of a batch, a_ij = (1/B)·Σ_s |φ_ij(x_s)| (the L1
//! norm of edge i → j, its spline branch only, as pykan penalises `postacts_numerical`),
//! A = Σ_ij a_ij, p_ij = a_ij / A, entropy S = −Σ_ij p_ij·log₂(p_ij + 10⁻⁴) (pykan's +1e-4), and
//! the penalty λ·Σ_l (A_l + μ·S_l) with λ = URL `lamb`, μ = `lamb_entropy` (pykan default 2).
//! Added to the mean training loss of each model (reported losses exclude it, as in pykan).
//!
//! Gradient: ∂S/∂a_ij = (g_ij − Σ_k p_k·g_k)/A with g_k = −log₂(p_k + ε) − p_k/((p_k + ε)·ln 2),
//! so ∂/∂φ_ij(x_s) = λ·(1 + μ·∂S/∂a_ij)·sign(φ_ij(x_s))/B, pushed into w_b, w_s, c and the input
//! as `kan_bwd` does for a node (`reg_bwd`). A layer whose A is 0 contributes no entropy term.

use super::basis::At;
use super::layer::{silu, silu_grad, Batch};
use super::KanLayer;

const EPS: f32 = 1e-4;

/// Penalty weights (λ, μ); λ = 0 switches the penalty off.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sparsity {
    pub lamb: f32,
    pub entropy: f32,
}

/// The spline branch φ_ij(x_s) of every edge, [M, B, I, O].
fn phis(l: &KanLayer, bt: Batch, x: &[f32], params: &[f32]) -> Vec<f32> {
    let nb = l.n_basis();
    let mut at = At::default();
    let mut out = vec![0.0; bt.models * bt.rows * l.i * l.o];
    for m in 0..bt.models {
        let pm = &params[m * bt.p..(m + 1) * bt.p];
        for r in 0..bt.rows {
            for i in 0..l.i {
                let xv = x[m * bt.x_stride_m + r * l.i + i];
                l.prep_in(pm, i, xv, &mut at, false);
                for o in 0..l.o {
                    let s = l.branch(&at, &pm[l.coef_off(i, o)..][..nb]);
                    let e = i * l.o + o;
                    out[((m * bt.rows + r) * l.i + i) * l.o + o] =
                        pm[l.wb_off() + e] * silu(xv) + pm[l.ws_off() + e] * s;
                }
            }
        }
    }
    out
}

/// The penalty of this layer per model [M], and ∂penalty/∂φ_ij(x_s) [M, B, I, O].
pub fn reg_fwd(l: &KanLayer, bt: Batch, x: &[f32], params: &[f32], w: Sparsity) -> (Vec<f32>, Vec<f32>) {
    let mut phi = phis(l, bt, x, params);
    let (e, rows) = (l.i * l.o, bt.rows.max(1));
    let mut pen = vec![0.0; bt.models];
    for m in 0..bt.models {
        let blk = &mut phi[m * bt.rows * e..(m + 1) * bt.rows * e];
        let mut a = vec![0.0f32; e];
        for r in 0..bt.rows {
            a.iter_mut().zip(&blk[r * e..(r + 1) * e]).for_each(|(a, v)| *a += v.abs() / rows as f32);
        }
        let total: f32 = a.iter().sum();
        let mut da = vec![w.lamb; e];
        let mut s = 0.0;
        if total > 0.0 && w.entropy != 0.0 {
            let p: Vec<f32> = a.iter().map(|v| v / total).collect();
            let g: Vec<f32> = p.iter().map(|&p| -(p + EPS).log2() - p / ((p + EPS) * std::f32::consts::LN_2)).collect();
            s = -p.iter().map(|&p| p * (p + EPS).log2()).sum::<f32>();
            let pg: f32 = p.iter().zip(&g).map(|(p, g)| p * g).sum();
            da.iter_mut().zip(&g).for_each(|(d, g)| *d += w.lamb * w.entropy * (g - pg) / total);
        }
        pen[m] = w.lamb * (total + w.entropy * s);
        for r in 0..bt.rows {
            for (v, d) in blk[r * e..(r + 1) * e].iter_mut().zip(&da) {
                let sg = if *v > 0.0 {
                    1.0
                } else if *v < 0.0 {
                    -1.0
                } else {
                    0.0
                };
                *v = d * sg / rows as f32;
            }
        }
    }
    (pen, phi)
}

/// Adds the gradient of the edge values `gphi` [M, B, I, O] to `grads` [M, P] (w_b, w_s, c)
/// and, when given, to the input gradient `dx` [M, B, I].
pub fn reg_bwd(
    l: &KanLayer,
    bt: Batch,
    x: &[f32],
    params: &[f32],
    gphi: &[f32],
    grads: &mut [f32],
    dx: Option<&mut [f32]>,
) {
    let nb = l.n_basis();
    let mut at = At::default();
    let mut dx = dx;
    for m in 0..bt.models {
        let pm = &params[m * bt.p..(m + 1) * bt.p];
        let gm = &mut grads[m * bt.p..(m + 1) * bt.p];
        for r in 0..bt.rows {
            for i in 0..l.i {
                let xv = x[m * bt.x_stride_m + r * l.i + i];
                l.prep_in(pm, i, xv, &mut at, true);
                let (sx, dsx) = (silu(xv), silu_grad(xv));
                let mut gx = 0.0;
                for o in 0..l.o {
                    let g = gphi[((m * bt.rows + r) * l.i + i) * l.o + o];
                    if g == 0.0 {
                        continue;
                    }
                    let (e, c0) = (i * l.o + o, l.coef_off(i, o));
                    let (wb, ws) = (pm[l.wb_off() + e], pm[l.ws_off() + e]);
                    let (s, ds) = l.branch_bwd(&at, &pm[c0..][..nb], g * ws, &mut gm[c0..][..nb]);
                    gm[l.wb_off() + e] += g * sx;
                    gm[l.ws_off() + e] += g * s;
                    gx += g * (wb * dsx + ws * ds);
                }
                if let Some(dx) = dx.as_deref_mut() {
                    dx[(m * bt.rows + r) * l.i + i] += gx;
                }
            }
        }
    }
}
