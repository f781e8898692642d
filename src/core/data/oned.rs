//! One-dimensional regression targets on `x ∈ [-6, 6]` (plotted at `y = 0`), for spectral bias
//! (Rahaman et al. 2019, "On the Spectral Bias of Neural Networks": networks fit low
//! frequencies first) and for the shapes that make it visible: a step, `|x|` and a chirp.
//!
//! Every point: `x ~ uniform(-6, 6)`, then target `f(x) + ε` with `ε ~ N(0, (noise/100)²)`
//! (noise = TFP's 0–50 slider, so at most sd 0.5 on targets in [-1, 1]). `ε` is drawn even at
//! noise 0, so moving the slider keeps the same `x`.

use super::Points;
use crate::core::rng::Rng;
use std::f64::consts::PI;

/// The 1-D target shapes.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// `f(x) = (1/K) Σ_k sin(2π·f_k·x/12)`: `f_k` whole periods across [-6, 6], equal amplitudes,
    /// zero phase, so `|f| ≤ 1`. An empty list means `[1]`.
    Sines(Vec<f32>),
    /// `f(x) = −1` for `x < 0`, `+1` for `x ≥ 0`.
    Step,
    /// `f(x) = |x|/3 − 1` (from −1 at 0 to 1 at ±6).
    Abs,
    /// `f(x) = sin(2π(u + 15.5u²))`, `u = (x + 6)/12`: a linear chirp whose frequency rises from
    /// 1 to 32 periods per domain width from left to right.
    Chirp,
}

impl Target {
    /// The noise-free target at `x`.
    pub fn at(&self, x: f64) -> f64 {
        match self {
            Target::Sines(freqs) => {
                if freqs.is_empty() {
                    return (2.0 * PI * x / 12.0).sin();
                }
                let s: f64 = freqs.iter().map(|&f| (2.0 * PI * f as f64 * x / 12.0).sin()).sum();
                s / freqs.len() as f64
            }
            Target::Step => {
                if x < 0.0 {
                    -1.0
                } else {
                    1.0
                }
            }
            Target::Abs => x.abs() / 3.0 - 1.0,
            Target::Chirp => {
                let u = (x + 6.0) / 12.0;
                (2.0 * PI * (u + 15.5 * u * u)).sin()
            }
        }
    }
}

/// `n` points of `target` with target noise sd `noise` (= slider / 100).
pub fn generate(n: usize, target: &Target, noise: f64, r: &mut Rng) -> Points {
    let mut pts = Vec::with_capacity(n);
    for _ in 0..n {
        let x = r.range(-6.0, 6.0);
        let eps = r.normal(0.0, noise * noise);
        pts.push((x, 0.0, target.at(x) + eps));
    }
    Points::regressed(&pts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::rng::stream;

    #[test]
    fn formulas() {
        let s = Target::Sines(vec![1.0, 3.0]);
        assert!((s.at(3.0) - 0.5 * (1.0 + (1.5 * PI).sin())).abs() < 1e-12);
        assert_eq!(Target::Sines(vec![]).at(3.0), 1.0);
        assert_eq!((Target::Step.at(-0.1), Target::Step.at(0.0)), (-1.0, 1.0));
        assert_eq!((Target::Abs.at(0.0), Target::Abs.at(-6.0)), (-1.0, 1.0));
        assert!(Target::Chirp.at(-6.0).abs() < 1e-12);
        let u = 0.5f64;
        assert!((Target::Chirp.at(0.0) - (2.0 * PI * (u + 15.5 * u * u)).sin()).abs() < 1e-12);
    }

    #[test]
    fn points_and_noise() {
        let t = Target::Sines(vec![1.0, 3.0, 9.0]);
        let p = generate(400, &t, 0.0, &mut Rng::new(3, stream::DATA));
        for i in 0..p.len() {
            let (x, y) = p.xy(i);
            assert!((-6.0..6.0).contains(&x) && y == 0.0);
            assert_eq!(p.targets[i], t.at(x));
            assert!(p.targets[i].abs() <= 1.0);
        }
        let q = generate(4000, &t, 0.2, &mut Rng::new(3, stream::DATA));
        assert_eq!(q.coords[..800], p.coords[..], "same x whatever the noise");
        let res: Vec<f64> = (0..q.len()).map(|i| q.targets[i] - t.at(q.xy(i).0)).collect();
        let sd = (res.iter().map(|e| e * e).sum::<f64>() / res.len() as f64).sqrt();
        assert!((sd - 0.2).abs() < 0.01, "{sd}");
    }
}
