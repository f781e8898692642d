//! TensorFlow Playground's datasets (TFP `src/dataset.ts`) on [-6, 6]².
//!
//! Classification: circle, xor, gauss, spiral. These are frozen by URL `v=1`: each draws the
//! same numbers in the same order from the `DATA` stream as the first Grokpad release, so old
//! links regenerate bit-identical points. Labels are classes 0/1 (TFP's -1/+1). Noise is TFP's
//! 0–50 slider used as `noise / 100`, jittering points before labelling (circle, xor) or moving
//! them (gauss: variance, spiral: position).
//!
//! Regression: plane and two-gaussians (TFP `regressPlane`, `regressGaussian`). Points are
//! uniform on [-6, 6]²; the target is evaluated at the point jittered by
//! `uniform(-6, 6) · noise / 100` per axis (TFP's regression noise).

use super::Points;
use crate::core::rng::Rng;
use std::f64::consts::PI;

/// TFP circle: half the points inside radius 2.5 (class 1), half in the ring 3.5–5 (class 0);
/// the label is taken at the point jittered by `uniform(-5, 5) · noise` per axis.
pub fn circle(n: usize, noise: f64, r: &mut Rng) -> Points {
    let radius = 5.0;
    let half = n / 2;
    let label = |x: f64, y: f64| u8::from((x * x + y * y).sqrt() < radius * 0.5);
    let mut pts = Vec::with_capacity(n);
    for i in 0..n {
        let (lo, hi) = if i < half { (0.0, radius * 0.5) } else { (radius * 0.7, radius) };
        let rr = r.range(lo, hi);
        let angle = r.range(0.0, 2.0 * PI);
        let (x, y) = (rr * angle.sin(), rr * angle.cos());
        let nx = r.range(-radius, radius) * noise;
        let ny = r.range(-radius, radius) * noise;
        pts.push((x, y, label(x + nx, y + ny)));
    }
    Points::classified(&pts)
}

/// TFP xor: uniform on [-5, 5]² pushed 0.3 away from the axes; class 1 where `x·y ≥ 0` at the
/// point jittered by `uniform(-5, 5) · noise` per axis.
pub fn xor(n: usize, noise: f64, r: &mut Rng) -> Points {
    let pad = 0.3;
    let mut pts = Vec::with_capacity(n);
    for _ in 0..n {
        let mut x = r.range(-5.0, 5.0);
        x += if x > 0.0 { pad } else { -pad };
        let mut y = r.range(-5.0, 5.0);
        y += if y > 0.0 { pad } else { -pad };
        let nx = r.range(-5.0, 5.0) * noise;
        let ny = r.range(-5.0, 5.0) * noise;
        pts.push((x, y, u8::from((x + nx) * (y + ny) >= 0.0)));
    }
    Points::classified(&pts)
}

/// TFP gauss: two Gaussians at (2, 2) (class 1) and (-2, -2) (class 0); the per-axis variance
/// goes linearly from 0.5 (noise 0) to 4 (noise 0.5).
pub fn gauss(n: usize, noise: f64, r: &mut Rng) -> Points {
    let half = n / 2;
    let variance = 0.5 + (4.0 - 0.5) * (noise / 0.5);
    let mut pts = Vec::with_capacity(n);
    for i in 0..n {
        let (c, label) = if i < half { (2.0, 1) } else { (-2.0, 0) };
        let x = r.normal(c, variance);
        let y = r.normal(c, variance);
        pts.push((x, y, label));
    }
    Points::classified(&pts)
}

/// TFP spiral: two arms `r = 5j/m`, `t = 1.75·2π·j/m (+π)`, each point moved by
/// `uniform(-1, 1) · noise` per axis.
pub fn spiral(n: usize, noise: f64, r: &mut Rng) -> Points {
    let half = n / 2;
    let m = half.max(1) as f64;
    let mut pts = Vec::with_capacity(n);
    for i in 0..n {
        let (j, dt, label) = if i < half { (i, 0.0, 1) } else { (i - half, PI, 0) };
        let rr = j as f64 / m * 5.0;
        let t = 1.75 * j as f64 / m * 2.0 * PI + dt;
        let x = rr * t.sin() + r.range(-1.0, 1.0) * noise;
        let y = rr * t.cos() + r.range(-1.0, 1.0) * noise;
        pts.push((x, y, label));
    }
    Points::classified(&pts)
}

/// Target of the plane at `(x, y)`: `clamp((x + y) / 12, -1, 1)`. TFP's first release divides
/// by 10 without clamping (targets up to ±1.2); its later port, like this, divides by 12 so the
/// noise-free targets fill [-1, 1] exactly; the clamp keeps jittered ones there too.
pub fn plane_target(x: f64, y: f64) -> f64 {
    ((x + y) / 12.0).clamp(-1.0, 1.0)
}

/// Target of TFP's two-gaussians at `(x, y)`: six bumps at (±4 or 0, ±2.5) with alternating
/// signs `s`, each `s · clamp(1 − d/2, 0, 1)` at distance `d`; the largest in magnitude wins.
pub fn gauss2_target(x: f64, y: f64) -> f64 {
    const BUMPS: [(f64, f64, f64); 6] =
        [(-4.0, 2.5, 1.0), (0.0, 2.5, -1.0), (4.0, 2.5, 1.0), (-4.0, -2.5, -1.0), (0.0, -2.5, 1.0), (4.0, -2.5, -1.0)];
    let mut best = 0.0f64;
    for (cx, cy, s) in BUMPS {
        let d = (x - cx).hypot(y - cy);
        let v = s * (1.0 - d / 2.0).clamp(0.0, 1.0);
        if v.abs() > best.abs() {
            best = v;
        }
    }
    best
}

/// TFP regression sampling: uniform on [-6, 6]², target `f` at the point jittered by
/// `uniform(-6, 6) · noise` per axis.
pub fn regress(n: usize, noise: f64, f: fn(f64, f64) -> f64, r: &mut Rng) -> Points {
    let radius = 6.0;
    let mut pts = Vec::with_capacity(n);
    for _ in 0..n {
        let x = r.range(-radius, radius);
        let y = r.range(-radius, radius);
        let nx = r.range(-radius, radius) * noise;
        let ny = r.range(-radius, radius) * noise;
        pts.push((x, y, f(x + nx, y + ny)));
    }
    Points::regressed(&pts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::rng::stream;

    fn gen(f: fn(usize, f64, &mut Rng) -> Points, n: usize, noise: f64, seed: u64) -> Points {
        f(n, noise, &mut Rng::new(seed, stream::DATA))
    }

    #[test]
    fn classification_geometry() {
        let c = gen(circle, 400, 0.0, 1);
        for i in 0..c.len() {
            let (x, y) = c.xy(i);
            assert_eq!(c.labels[i] == 1, x.hypot(y) < 2.5);
            assert!(x.hypot(y) <= 5.0);
        }
        assert_eq!(c.labels.iter().filter(|&&l| l == 1).count(), 200);
        let x = gen(xor, 400, 0.0, 1);
        for i in 0..x.len() {
            let (a, b) = x.xy(i);
            assert!(a.abs() >= 0.3 && b.abs() >= 0.3 && a.abs() <= 5.3);
            assert_eq!(x.labels[i] == 1, a * b >= 0.0);
        }
        let g = gen(gauss, 2000, 0.0, 1);
        let mean: f64 = (0..1000).map(|i| g.xy(i).0).sum::<f64>() / 1000.0;
        assert!((mean - 2.0).abs() < 0.1, "{mean}");
        let s = gen(spiral, 400, 0.0, 1);
        assert!((0..400).all(|i| s.xy(i).0.hypot(s.xy(i).1) <= 5.0 + 1e-9));
    }

    #[test]
    fn noise_moves_circle_points_across_the_boundary() {
        let c = gen(circle, 2000, 0.5, 4);
        let wrong = (0..c.len()).filter(|&i| (c.xy(i).0.hypot(c.xy(i).1) < 2.5) != (c.labels[i] == 1)).count();
        assert!(wrong > 20, "{wrong}");
    }

    #[test]
    fn regression_targets() {
        assert_eq!(plane_target(6.0, 6.0), 1.0);
        assert_eq!(plane_target(-3.0, 0.0), -0.25);
        assert_eq!(plane_target(9.0, 9.0), 1.0);
        assert_eq!(gauss2_target(-4.0, 2.5), 1.0);
        assert_eq!(gauss2_target(0.0, 2.5), -1.0);
        assert_eq!(gauss2_target(0.0, -1.5), 0.5);
        assert_eq!(gauss2_target(0.0, 6.0), 0.0);
        let p = regress(500, 0.0, plane_target, &mut Rng::new(2, stream::DATA));
        for i in 0..p.len() {
            let (x, y) = p.xy(i);
            assert!(x.abs() <= 6.0 && y.abs() <= 6.0);
            assert_eq!(p.targets[i], plane_target(x, y));
        }
        let q = regress(500, 0.5, gauss2_target, &mut Rng::new(2, stream::DATA));
        assert!(q.targets.iter().all(|t| t.abs() <= 1.0));
        let differs = (0..q.len()).filter(|&i| q.targets[i] != gauss2_target(q.xy(i).0, q.xy(i).1)).count();
        assert!(differs > 100, "noise jitters where the target is read: {differs}");
    }
}
