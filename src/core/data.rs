//! Datasets: TensorFlow Playground's four 2-D classification sets (TFP `dataset.ts`:
//! circle, xor, gauss, spiral on [-6, 6]², with its noise definitions), shuffled and split into
//! train and test by seed. Frozen by URL `v=1`.
//!
//! Labels are classes 0/1 (TFP's -1/+1). Noise is TFP's 0–50 slider; the generators use
//! `noise / 100` as TFP does, jittering points before labelling, so it affects both splits.

use super::rng::{stream, Rng};
use crate::experiment::{Dataset, Experiment};
use std::f64::consts::PI;

/// Points and labels of one split. `x` is `[N, 2]` row-major.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Split {
    pub x: Vec<f32>,
    pub y: Vec<u8>,
}

impl Split {
    pub fn len(&self) -> usize {
        self.y.len()
    }
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }
}

/// A generated dataset: input dimension 2, two classes.
#[derive(Clone, Debug, PartialEq)]
pub struct Data {
    pub train: Split,
    pub test: Split,
}

/// Generate `n` points of `kind` with TFP noise `noise` (0–50), unshuffled.
pub fn generate(kind: Dataset, n: usize, noise: f32, seed: u64) -> Vec<(f64, f64, u8)> {
    let mut r = Rng::new(seed, stream::DATA);
    let noise = noise as f64 / 100.0;
    let half = n / 2;
    let mut pts = Vec::with_capacity(n);
    match kind {
        Dataset::Circle => {
            let radius = 5.0;
            let label = |x: f64, y: f64| u8::from((x * x + y * y).sqrt() < radius * 0.5);
            for i in 0..n {
                let (lo, hi) = if i < half { (0.0, radius * 0.5) } else { (radius * 0.7, radius) };
                let rr = r.range(lo, hi);
                let angle = r.range(0.0, 2.0 * PI);
                let (x, y) = (rr * angle.sin(), rr * angle.cos());
                let nx = r.range(-radius, radius) * noise;
                let ny = r.range(-radius, radius) * noise;
                pts.push((x, y, label(x + nx, y + ny)));
            }
        }
        Dataset::Xor => {
            let pad = 0.3;
            for _ in 0..n {
                let mut x = r.range(-5.0, 5.0);
                x += if x > 0.0 { pad } else { -pad };
                let mut y = r.range(-5.0, 5.0);
                y += if y > 0.0 { pad } else { -pad };
                let nx = r.range(-5.0, 5.0) * noise;
                let ny = r.range(-5.0, 5.0) * noise;
                pts.push((x, y, u8::from((x + nx) * (y + ny) >= 0.0)));
            }
        }
        Dataset::Gauss => {
            // TFP: variance scales linearly from 0.5 (noise 0) to 4 (noise 0.5).
            let variance = 0.5 + (4.0 - 0.5) * (noise / 0.5);
            for i in 0..n {
                let (c, label) = if i < half { (2.0, 1) } else { (-2.0, 0) };
                let x = r.normal(c, variance);
                let y = r.normal(c, variance);
                pts.push((x, y, label));
            }
        }
        Dataset::Spiral => {
            let m = half.max(1) as f64;
            for i in 0..n {
                let (j, dt, label) = if i < half { (i, 0.0, 1) } else { (i - half, PI, 0) };
                let rr = j as f64 / m * 5.0;
                let t = 1.75 * j as f64 / m * 2.0 * PI + dt;
                let x = rr * t.sin() + r.range(-1.0, 1.0) * noise;
                let y = rr * t.cos() + r.range(-1.0, 1.0) * noise;
                pts.push((x, y, label));
            }
        }
        // Interim (schema commit): the data branch implements the new generators.
        _ => return generate(Dataset::Circle, n, noise as f32 * 100.0, seed),
    }
    pts
}

/// The experiment's data: generated, shuffled by seed, first `n_train` points train, rest test.
pub fn make(e: &Experiment) -> Data {
    let mut pts = generate(e.data, e.n as usize, e.noise, e.seed);
    Rng::new(e.seed, stream::SPLIT).shuffle(&mut pts);
    let n_train = e.n_train();
    let to_split = |s: &[(f64, f64, u8)]| Split {
        x: s.iter().flat_map(|p| [p.0 as f32, p.1 as f32]).collect(),
        y: s.iter().map(|p| p.2).collect(),
    };
    Data { train: to_split(&pts[..n_train]), test: to_split(&pts[n_train..]) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frac_pos(p: &[(f64, f64, u8)]) -> f64 {
        p.iter().filter(|p| p.2 == 1).count() as f64 / p.len() as f64
    }

    #[test]
    fn generators_match_tfp_geometry() {
        let c = generate(Dataset::Circle, 400, 0.0, 1);
        for &(x, y, l) in &c {
            let r = (x * x + y * y).sqrt();
            assert_eq!(l == 1, r < 2.5, "circle label at r={r}");
            assert!(r <= 5.0);
        }
        assert!((frac_pos(&c) - 0.5).abs() < 1e-9);
        for &(x, y, l) in &generate(Dataset::Xor, 400, 0.0, 1) {
            assert!(x.abs() >= 0.3 && y.abs() >= 0.3 && x.abs() <= 5.3);
            assert_eq!(l == 1, x * y >= 0.0);
        }
        let g = generate(Dataset::Gauss, 2000, 0.0, 1);
        let mean_pos: f64 = g.iter().filter(|p| p.2 == 1).map(|p| p.0).sum::<f64>() / 1000.0;
        assert!((mean_pos - 2.0).abs() < 0.1, "{mean_pos}");
        let s = generate(Dataset::Spiral, 400, 0.0, 1);
        assert!(s.iter().all(|p| p.0.hypot(p.1) <= 5.0 + 1e-9));
    }

    #[test]
    fn noise_flips_some_circle_labels() {
        let c = generate(Dataset::Circle, 2000, 50.0, 4);
        let wrong = c.iter().filter(|p| (p.0.hypot(p.1) < 2.5) != (p.2 == 1)).count();
        assert!(wrong > 20, "noise should move points across the boundary, got {wrong}");
    }

    #[test]
    fn split_sizes_and_determinism() {
        let e = Experiment { n: 301, train: 0.3, ..Default::default() };
        let d = make(&e);
        assert_eq!(d.train.len(), 90);
        assert_eq!(d.test.len(), 211);
        assert_eq!(d.train.x.len(), 180);
        assert_eq!(d, make(&e));
        let d2 = make(&Experiment { seed: 2, ..e });
        assert_ne!(d.train.x, d2.train.x);
    }
}
