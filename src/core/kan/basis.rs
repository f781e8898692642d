//! The learnable branch S(x) of a KAN edge, φ(x) = w_b·silu(x) + w_s·S(x), for each selectable
//! basis (URL `basis`). Everything that evaluates an edge (forward, backward, sparsity penalty,
//! grid refit, curves, symbolic fits, attribution, formula) goes through [`KanLayer::prep`] +
//! [`KanLayer::branch`] / [`KanLayer::branch_bwd`], so a basis is defined once, here.
//!
//! - `bspline` (Liu et al. 2024): S(x) = Σ_j c_j B_j(x), order-k B-splines on the extended grid
//!   ([`super::bspline`]).
//! - `relu` (ReLU-KAN, Qiu et al. 2024, "ReLU-KAN: New Kolmogorov-Arnold Networks that Only Need
//!   Matrix Addition, Dot Multiplication, and ReLU", eq. 5): S(x) = Σ_j c_j R_j(x) with
//!   R_j(x) = [ReLU(e_j − x)·ReLU(x − s_j)]²·16/(e_j − s_j)⁴, s_j = t_j, e_j = t_{j+k+1} on the
//!   same extended grid t, so each R_j spans the k + 1 intervals of B_{j,k}: the same G + k
//!   functions, coefficient layout, grid update and refinement. R_j peaks at 1 midway; its
//!   derivative is R′_j(x) = 2·16/(e_j − s_j)⁴·u·v·(u − v) with u = ReLU(e_j − x), v = ReLU(x − s_j).
//! - `rational` (Kolmogorov–Arnold Transformer, Yang & Wang 2024, §4.1, the "safe" Padé unit of
//!   Molina et al. 2019): S(x) = P(x)/Q(x), P(x) = a_0 + a_1x + … + a_5x⁵ (m = 5),
//!   Q(x) = 1 + |b_1x + b_2x² + b_3x³ + b_4x⁴| (n = 4, KAT's degrees), coefficients
//!   (a_0…a_5, b_1…b_4) per edge in the slot of the spline coefficients (no group sharing).
//!   Gradients: ∂S/∂a_j = x^j/Q, ∂S/∂b_n = −P·sgn(A)·x^n/Q² with A = Σ b_n x^n, and
//!   S′(x) = P′/Q − P·sgn(A)·A′/Q² (sgn(0) = 0). It needs no grid: the layer keeps the
//!   initial uniform grid on [−1, 1] only as the range its curves are drawn on; grid updates
//!   and `refine` leave a rational layer unchanged.

use super::bspline::{basis as bspline_basis, MAX_KNOTS};
use super::KanLayer;
use crate::core::rng::Rng;
use serde::{Deserialize, Serialize};

/// The basis of a KAN's edges (URL `basis`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// B-splines of order k on the grid (pykan).
    #[default]
    Bspline,
    /// ReLU-KAN's squared ReLU bumps on the same grid.
    Relu,
    /// KAT's safe Padé rational P/Q (no grid).
    Rational,
}

/// Numerator degree m and denominator degree n of the rational basis (KAT's 5/4).
pub const RAT_M: usize = 5;
pub const RAT_N: usize = 4;
/// Coefficients of one rational edge: a_0…a_m, b_1…b_n.
pub const RAT_COEFS: usize = RAT_M + 1 + RAT_N;

impl Basis {
    /// Whether the basis lives on the layer's grid (grid update and refinement apply).
    pub fn has_grid(self) -> bool {
        self != Basis::Rational
    }
}

/// The basis evaluated at one input x: basis values and derivatives for the grid bases, x
/// itself for the rational one. Filled by [`KanLayer::prep`], read by `branch`/`branch_bwd`.
pub struct At {
    pub x: f32,
    pub b: [f32; MAX_KNOTS],
    pub db: [f32; MAX_KNOTS],
}

impl Default for At {
    fn default() -> Self {
        At { x: 0.0, b: [0.0; MAX_KNOTS], db: [0.0; MAX_KNOTS] }
    }
}

/// ReLU-KAN's bumps R_j on knots `t` (order `k`: R_j spans t_j..t_{j+k+1}) into
/// `out[..T−1−k]`, and R′_j into `dout` when given. A zero-width span gives 0.
pub fn relu_basis(t: &[f32], k: usize, x: f32, out: &mut [f32], dout: Option<&mut [f32]>) {
    let nb = t.len().min(MAX_KNOTS).saturating_sub(k + 1);
    let mut dout = dout;
    for j in 0..nb {
        let (s, e) = (t[j], t[j + k + 1]);
        let w = e - s;
        let norm = if w > 0.0 { 16.0 / (w * w * w * w) } else { 0.0 };
        let (u, v) = ((e - x).max(0.0), (x - s).max(0.0));
        let uv = u * v;
        out[j] = uv * uv * norm;
        if let Some(d) = dout.as_deref_mut() {
            d[j] = 2.0 * norm * uv * (u - v);
        }
    }
}

/// P(x), P′(x), A(x) = Σ b_n xⁿ, A′(x) for rational coefficients `c` (a_0…a_m, b_1…b_n).
fn rational_parts(c: &[f32], x: f32) -> (f32, f32, f32, f32) {
    let (a, b) = c[..RAT_COEFS].split_at(RAT_M + 1);
    let (mut p, mut dp) = (0.0f32, 0.0f32);
    for j in (0..=RAT_M).rev() {
        dp = dp * x + p;
        p = p * x + a[j];
    }
    let (mut q, mut dq) = (0.0f32, 0.0f32);
    for j in (0..RAT_N).rev() {
        dq = dq * x + q;
        q = q * x + b[j];
    }
    // A(x) = x·(b_1 + b_2x + …): q above is the bracket.
    (p, dp, q * x, q + x * dq)
}

/// sgn with sgn(0) = 0.
fn sgn(v: f32) -> f32 {
    if v > 0.0 {
        1.0
    } else if v < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// S(x) = P(x)/Q(x) of the rational basis (module doc).
pub fn rational(c: &[f32], x: f32) -> f32 {
    let (p, _, a, _) = rational_parts(c, x);
    p / (1.0 + a.abs())
}

/// Draws one rational edge's coefficients `c` near the identity (a_1 = 1, the rest
/// U(−½, ½)·0.1) and returns α = E[F(x)²]/E[x²] over 33 points uniform on [−1, 1] (KAT's gain).
pub fn rational_init(r: &mut Rng, c: &mut [f32]) -> f64 {
    for (j, v) in c.iter_mut().enumerate().take(RAT_COEFS) {
        *v = ((r.uniform() - 0.5) * 0.1) as f32 + if j == 1 { 1.0 } else { 0.0 };
    }
    let (mut f2, mut x2) = (0.0f64, 0.0f64);
    for s in 0..33 {
        let x = -1.0 + 2.0 * s as f32 / 32.0;
        f2 += (rational(c, x) as f64).powi(2);
        x2 += (x as f64).powi(2);
    }
    (f2 / x2).max(1e-3)
}

impl KanLayer {
    /// Fills `at` for input x of this layer, whose input grid is `t` (the layer's `n_knots`
    /// knots of that input; ignored by the rational basis); derivatives only when `deriv`.
    pub fn prep(&self, t: &[f32], x: f32, at: &mut At, deriv: bool) {
        at.x = x;
        match self.basis {
            Basis::Bspline => bspline_basis(t, self.k, x, &mut at.b, deriv.then_some(&mut at.db[..])),
            Basis::Relu => relu_basis(t, self.k, x, &mut at.b, deriv.then_some(&mut at.db[..])),
            Basis::Rational => {}
        }
    }

    /// [`KanLayer::prep`] for input `i` of one model's parameters `pm`.
    pub fn prep_in(&self, pm: &[f32], i: usize, x: f32, at: &mut At, deriv: bool) {
        self.prep(&pm[self.grid_off(i)..][..self.n_knots()], x, at, deriv);
    }

    /// S(x) of an edge with coefficients `c` (`n_basis` of them) at the prepared point.
    pub fn branch(&self, at: &At, c: &[f32]) -> f32 {
        match self.basis {
            Basis::Rational => rational(c, at.x),
            _ => c.iter().zip(&at.b[..self.n_basis()]).map(|(c, b)| c * b).sum(),
        }
    }

    /// (S(x), S′(x)) of an edge with coefficients `c` at the prepared point (`prep` with
    /// `deriv`), adding g·∂S/∂c_j to `gc[j]`.
    pub fn branch_bwd(&self, at: &At, c: &[f32], g: f32, gc: &mut [f32]) -> (f32, f32) {
        match self.basis {
            Basis::Rational => {
                let x = at.x;
                let (p, dp, a, da) = rational_parts(c, x);
                let q = 1.0 + a.abs();
                let sa = sgn(a);
                let mut xp = 1.0f32;
                for gj in gc.iter_mut().take(RAT_M + 1) {
                    *gj += g * xp / q;
                    xp *= x;
                }
                let mut xp = x;
                let common = -p * sa / (q * q);
                for gj in gc[RAT_M + 1..RAT_COEFS].iter_mut() {
                    *gj += g * common * xp;
                    xp *= x;
                }
                (p / q, dp / q + common * da)
            }
            _ => {
                let (mut s, mut ds) = (0.0f32, 0.0f32);
                for j in 0..self.n_basis() {
                    s += c[j] * at.b[j];
                    ds += c[j] * at.db[j];
                    gc[j] += g * at.b[j];
                }
                (s, ds)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::kan::bspline::uniform;

    #[test]
    fn relu_bumps_peak_at_one_and_match_their_derivative() {
        let t = uniform(-1.0, 1.0, 4, 3);
        let nb = 7;
        let (mut b, mut d) = (vec![0.0; nb], vec![0.0; nb]);
        // R_j peaks at 1 at the middle of its span (t_j + t_{j+4})/2.
        let mid = 0.5 * (t[2] + t[6]);
        relu_basis(&t, 3, mid, &mut b, Some(&mut d));
        assert!((b[2] - 1.0).abs() < 1e-6 && d[2].abs() < 1e-5, "{} {}", b[2], d[2]);
        for s in 0..40 {
            let x = -1.3 + 2.6 * s as f32 / 39.0;
            relu_basis(&t, 3, x, &mut b, Some(&mut d));
            let e = 1e-3;
            let (mut up, mut dn) = (vec![0.0; nb], vec![0.0; nb]);
            relu_basis(&t, 3, x + e, &mut up, None);
            relu_basis(&t, 3, x - e, &mut dn, None);
            for j in 0..nb {
                assert!(b[j] >= 0.0 && b[j] <= 1.0 + 1e-6);
                let fd = (up[j] - dn[j]) / (2.0 * e);
                assert!((fd - d[j]).abs() < 1e-2 * (1.0 + d[j].abs()), "x={x} j={j}: {fd} vs {}", d[j]);
            }
        }
        relu_basis(&t, 3, 5.0, &mut b, Some(&mut d));
        assert!(b.iter().chain(&d).all(|&v| v == 0.0));
        // A degenerate span gives 0, not NaN.
        relu_basis(&[0.0, 0.0, 0.0, 1.0], 1, 0.0, &mut b[..2], None);
        assert!(b[..2].iter().all(|v| v.is_finite()));
    }

    #[test]
    fn rational_is_a_safe_pade_unit() {
        // P = x (a_1 = 1), b = 0: the identity; Q ≥ 1 keeps it finite everywhere.
        let mut c = [0.0f32; RAT_COEFS];
        c[1] = 1.0;
        assert_eq!(rational(&c, 0.7), 0.7);
        c[RAT_M + 1] = -2.0; // b_1 = −2: Q = 1 + |−2x|
        assert!((rational(&c, 0.5) - 0.25).abs() < 1e-7);
        assert!((rational(&c, -0.5) + 0.25).abs() < 1e-7);
        c[RAT_M + 4] = 1e6;
        assert!(rational(&c, 3.0).is_finite());
    }
}
