//! The KAN paper's toy regression functions (Liu et al. 2024, "KAN: Kolmogorov–Arnold
//! Networks", §3.1 and Fig. 3.1; pykan's `create_dataset`): `data=fn` with `fn` one of
//!
//! | `fn` | d | target | inputs |
//! |---|---|---|---|
//! | `j0` | 1 | J₀(20x) (Bessel, [`bessel_j0`]) | x ∈ [−1, 1] |
//! | `expsin` | 2 | exp(sin(πx) + y²) | x, y ∈ [−1, 1] |
//! | `xy` | 2 | x·y | x, y ∈ [−1, 1] |
//! | `xdivy` | 2 | x / y | x ∈ [−1, 1], y = ±U[0.5, 1] (away from 0, sign random) |
//! | `nested4` | 4 | exp(½(sin(π(x₁²+x₂²)) + sin(π(x₃²+x₄²)))) (the paper's form) | [−1, 1]⁴ |
//! | `sum100` | 100 | exp((1/100)·Σᵢ sin²(πxᵢ/2)) (the paper's 100-input example) | [−1, 1]¹⁰⁰ |
//!
//! Every point draws its d coordinates in order from the `DATA` stream, then a target noise
//! `ε ~ N(0, (noise/100)²)` (drawn even at noise 0, so the slider keeps the inputs).
//! The plot shows the first two coordinates scaled by 6 onto the page's [−6, 6]² (1-D: y = 0);
//! the model sees the unscaled coordinates (`Lift::Unit`).

use super::Points;
use crate::core::rng::Rng;
pub use crate::experiment::Func;
use std::f64::consts::PI;

/// Input dimension of `f`.
pub fn dim(f: Func) -> usize {
    match f {
        Func::J0 => 1,
        Func::Expsin | Func::Xy | Func::Xdivy => 2,
        Func::Nested4 => 4,
        Func::Sum100 => 100,
    }
}

/// The noise-free target of `f` at `x` (`x.len() == dim(f)`; missing coordinates read as 0).
pub fn target(f: Func, x: &[f64]) -> f64 {
    let c = |i: usize| x.get(i).copied().unwrap_or(0.0);
    match f {
        Func::J0 => bessel_j0(20.0 * c(0)),
        Func::Expsin => ((PI * c(0)).sin() + c(1) * c(1)).exp(),
        Func::Xy => c(0) * c(1),
        Func::Xdivy => {
            let y = c(1);
            if y == 0.0 {
                0.0
            } else {
                c(0) / y
            }
        }
        Func::Nested4 => {
            let a = (PI * (c(0) * c(0) + c(1) * c(1))).sin();
            let b = (PI * (c(2) * c(2) + c(3) * c(3))).sin();
            (0.5 * (a + b)).exp()
        }
        Func::Sum100 => {
            let s: f64 = (0..100).map(|i| (PI * c(i) / 2.0).sin().powi(2)).sum();
            (s / 100.0).exp()
        }
    }
}

/// Bessel J₀(x) by Abramowitz & Stegun (1964) 9.4.1 (|x| ≤ 3, |ε| < 5·10⁻⁸) and 9.4.3
/// (|x| > 3: J₀ = x^(−½)·f₀·cos θ₀, |ε| < 1.6·10⁻⁸ in f₀ and 7·10⁻⁸ in θ₀; its 0.78539816 is
/// π/4). J₀ is even.
pub fn bessel_j0(x: f64) -> f64 {
    let ax = x.abs();
    if !ax.is_finite() {
        return 0.0;
    }
    if ax <= 3.0 {
        let t = (ax / 3.0).powi(2);
        let c = [1.0, -2.2499997, 1.2656208, -0.3163866, 0.0444479, -0.0039444, 0.0002100];
        return c.iter().rev().fold(0.0, |acc, &k| acc * t + k);
    }
    let u = 3.0 / ax;
    let f = [0.79788456, -0.00000077, -0.00552740, -0.00009512, 0.00137237, -0.00072805, 0.00014476];
    let th = [-std::f64::consts::FRAC_PI_4, -0.04166397, -0.00003954, 0.00262573, -0.00054125, -0.00029333, 0.00013558];
    let f0 = f.iter().rev().fold(0.0, |acc, &k| acc * u + k);
    let t0 = ax + th.iter().rev().fold(0.0, |acc, &k| acc * u + k);
    f0 * t0.cos() / ax.sqrt()
}

/// `n` points of `f` (see the module doc) with target noise sd `noise` (= slider / 100).
pub fn generate(n: usize, f: Func, noise: f64, r: &mut Rng) -> Points {
    let d = dim(f);
    let mut coords = Vec::with_capacity(n * d);
    let mut targets = Vec::with_capacity(n);
    let mut x = vec![0.0; d];
    for _ in 0..n {
        for (i, v) in x.iter_mut().enumerate() {
            *v = if f == Func::Xdivy && i == 1 {
                let m = r.range(0.5, 1.0);
                if r.below(2) == 0 {
                    -m
                } else {
                    m
                }
            } else {
                r.range(-1.0, 1.0)
            };
        }
        let eps = r.normal(0.0, noise * noise);
        coords.extend_from_slice(&x);
        targets.push(target(f, &x) + eps);
    }
    Points { dim: d, coords, labels: vec![0; n], targets, ..Default::default() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::rng::stream;

    #[test]
    fn j0_known_values() {
        // Reference values (A&S Table 9.1; scipy.special.j0).
        let known = [
            (0.0, 1.0),
            (1.0, 0.765_197_686_557_966_6),
            (2.0, 0.223_890_779_141_235_7),
            (2.404_825_557_695_773, 0.0),
            (-2.5, -0.048_383_776_468_197_99),
            (5.0, -0.177_596_771_314_338_3),
            (10.0, -0.245_935_764_451_348_3),
            (20.0, 0.167_024_664_340_583),
        ];
        for (x, want) in known {
            assert!((bessel_j0(x) - want).abs() < 2e-7, "J0({x}) = {} want {want}", bessel_j0(x));
        }
        // Continuity at the switch between the two approximations.
        assert!((bessel_j0(3.0) - bessel_j0(3.0 + 1e-9)).abs() < 1e-7);
        assert_eq!(bessel_j0(f64::NAN), 0.0);
    }

    #[test]
    fn targets_and_ranges() {
        use std::f64::consts::PI;
        assert!((target(Func::Expsin, &[0.5, 1.0]) - 2f64.exp()).abs() < 1e-12);
        assert_eq!(target(Func::Xy, &[0.5, -0.5]), -0.25);
        assert_eq!(target(Func::Xdivy, &[0.5, -0.5]), -1.0);
        assert!((target(Func::Nested4, &[0.5, 0.5, 0.0, 0.0]) - 0.5f64.exp()).abs() < 1e-12);
        let ones = vec![1.0; 100];
        assert!((target(Func::Sum100, &ones) - 1f64.exp()).abs() < 1e-12);
        assert!((target(Func::J0, &[0.1]) - bessel_j0(2.0)).abs() < 1e-15);
        let _ = PI;
        for f in [Func::J0, Func::Expsin, Func::Xy, Func::Xdivy, Func::Nested4, Func::Sum100] {
            let p = generate(300, f, 0.0, &mut Rng::new(5, stream::DATA));
            assert_eq!((p.dim, p.coords.len(), p.len()), (dim(f), 300 * dim(f), 300));
            assert!(p.coords.iter().all(|v| (-1.0..1.0).contains(v)));
            for i in 0..p.len() {
                assert_eq!(p.targets[i], target(f, &p.coords[i * p.dim..(i + 1) * p.dim]));
            }
            if f == Func::Xdivy {
                assert!((0..p.len()).all(|i| p.coords[i * 2 + 1].abs() >= 0.5));
                assert!((0..p.len()).any(|i| p.coords[i * 2 + 1] < 0.0));
            }
        }
        let q = generate(2000, Func::Xy, 0.1, &mut Rng::new(5, stream::DATA));
        let p = generate(2000, Func::Xy, 0.0, &mut Rng::new(5, stream::DATA));
        assert_eq!(p.coords, q.coords, "same inputs whatever the noise");
        let sd = (0..p.len()).map(|i| (q.targets[i] - p.targets[i]).powi(2)).sum::<f64>() / 2000.0;
        assert!((sd.sqrt() - 0.1).abs() < 0.01);
    }
}
