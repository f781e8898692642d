//! Classification sets beyond TFP's four, on [-6, 6]²: two moons (scikit-learn `make_moons`),
//! a checkerboard, concentric rings with 2–5 classes, and the XOR clusters of Xu & Gu ("Benign
//! Overfitting and Grokking in ReLU Networks for XOR Cluster Data", ICLR 2024) in `d` dimensions.
//!
//! `noise` is TFP's slider / 100 (0–0.5). Every generator draws the same numbers whatever the
//! noise, so moving the slider moves points without reshuffling them.

use super::Points;
use crate::core::rng::Rng;
use std::f64::consts::PI;

/// Radius of the moons' arcs on the page (scikit-learn's unit moons scaled by 3).
pub const MOON_RADIUS: f64 = 3.0;
/// Centre of class 0's arc (the upper one); class 1's arc is centred at the negation.
pub const MOON_CENTER: (f64, f64) = (-1.5, -0.75);

/// Two moons: class `i % 2`; `t ~ uniform(0, π)`; class 0 at `c + 3(cos t, sin t)` (upper arc),
/// class 1 at `−c − 3(cos t, sin t)` (the lower arc, its point reflection), `c = (−1.5, −0.75)`.
/// This is `make_moons` ×3, centred. Each point then moves by `N(0, (3·noise)²)` per axis
/// (scikit-learn's noise in moon radii).
pub fn moons(n: usize, noise: f64, r: &mut Rng) -> Points {
    let sd = MOON_RADIUS * noise;
    let mut pts = Vec::with_capacity(n);
    for i in 0..n {
        let label = (i % 2) as u8;
        let t = r.range(0.0, PI);
        let (cx, cy) = MOON_CENTER;
        let (mut x, mut y) = (cx + MOON_RADIUS * t.cos(), cy + MOON_RADIUS * t.sin());
        if label == 1 {
            (x, y) = (-x, -y);
        }
        let nx = r.normal(0.0, sd * sd);
        let ny = r.normal(0.0, sd * sd);
        pts.push((x + nx, y + ny, label));
    }
    Points::classified(&pts)
}

/// Side of a checkerboard cell: a 4 × 4 board on [-6, 6]².
pub const CHECKER_CELL: f64 = 3.0;

/// Class of the checkerboard at `(x, y)`: parity of `⌊x/3⌋ + ⌊y/3⌋` (1 when odd).
pub fn checker_label(x: f64, y: f64) -> u8 {
    let c = (x / CHECKER_CELL).floor() + (y / CHECKER_CELL).floor();
    (c.rem_euclid(2.0) != 0.0) as u8
}

/// Checkerboard: uniform on [-6, 6]²; the label is [`checker_label`] of the point jittered by
/// `uniform(-6, 6) · noise` per axis (TFP's xor noise, so labels near cell edges flip).
pub fn checker(n: usize, noise: f64, r: &mut Rng) -> Points {
    let mut pts = Vec::with_capacity(n);
    for _ in 0..n {
        let x = r.range(-6.0, 6.0);
        let y = r.range(-6.0, 6.0);
        let nx = r.range(-6.0, 6.0) * noise;
        let ny = r.range(-6.0, 6.0) * noise;
        pts.push((x, y, checker_label(x + nx, y + ny)));
    }
    Points::classified(&pts)
}

/// Radius band of class `k` of `classes` rings: band width `b = 6/classes`, radius uniform in
/// `[k·b + 0.15·b, (k+1)·b − 0.15·b]` (class 0 from radius 0: a disc).
pub fn ring_band(k: usize, classes: usize) -> (f64, f64) {
    let b = 6.0 / classes as f64;
    let lo = if k == 0 { 0.0 } else { k as f64 * b + 0.15 * b };
    (lo, (k + 1) as f64 * b - 0.15 * b)
}

/// Concentric rings: class `i % classes`, radius uniform in its [`ring_band`], angle uniform;
/// then each point moves by `N(0, (b·noise)²)` per axis (b = band width).
pub fn rings(n: usize, classes: usize, noise: f64, r: &mut Rng) -> Points {
    let classes = classes.clamp(2, 5);
    let sd = 6.0 / classes as f64 * noise;
    let mut pts = Vec::with_capacity(n);
    for i in 0..n {
        let k = i % classes;
        let (lo, hi) = ring_band(k, classes);
        let rr = r.range(lo, hi);
        let a = r.range(0.0, 2.0 * PI);
        let nx = r.normal(0.0, sd * sd);
        let ny = r.normal(0.0, sd * sd);
        pts.push((rr * a.cos() + nx, rr * a.sin() + ny, k as u8));
    }
    Points::classified(&pts)
}

/// Cluster means of the XOR clusters: `μ1 = (3, 3, 0, …)`, `μ2 = (3, −3, 0, …)` (orthogonal,
/// ‖μ‖ = 3√2, so the noise-free clusters sit at (±3, ±3) in the plotted first two coordinates).
pub const XOR_MU1: (f64, f64) = (3.0, 3.0);
pub const XOR_MU2: (f64, f64) = (3.0, -3.0);

/// XOR clusters in `dim` dimensions (Xu & Gu 2024): point `i` belongs to cluster `i % 4` with
/// mean `+μ1, −μ1` (class 0) or `+μ2, −μ2` (class 1), plus isotropic noise `N(0, σ² I_dim)` with
/// `σ = 6·noise` (noise 50 on the slider: σ = 3), drawn coordinate by coordinate.
pub fn xor_clusters(n: usize, dim: usize, noise: f64, r: &mut Rng) -> Points {
    let dim = dim.clamp(2, 100);
    let sd = 6.0 * noise;
    let mut p =
        Points { dim, coords: Vec::with_capacity(n * dim), labels: Vec::with_capacity(n), ..Default::default() };
    for i in 0..n {
        let c = i % 4;
        let (mx, my) = if c < 2 { XOR_MU1 } else { XOR_MU2 };
        let s = if c % 2 == 0 { 1.0 } else { -1.0 };
        for j in 0..dim {
            let mean = match j {
                0 => s * mx,
                1 => s * my,
                _ => 0.0,
            };
            p.coords.push(r.normal(mean, sd * sd));
        }
        p.labels.push((c / 2) as u8);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::rng::stream;

    fn rng() -> Rng {
        Rng::new(5, stream::DATA)
    }

    #[test]
    fn moons_lie_on_their_arcs() {
        let m = moons(300, 0.0, &mut rng());
        for i in 0..m.len() {
            let (x, y) = m.xy(i);
            let s = if m.labels[i] == 0 { 1.0 } else { -1.0 };
            let (cx, cy) = (s * MOON_CENTER.0, s * MOON_CENTER.1);
            assert!(((x - cx).hypot(y - cy) - MOON_RADIUS).abs() < 1e-9);
            assert!(s * (y - cy) >= -1e-12, "upper arc for class 0, lower for class 1");
        }
    }

    #[test]
    fn checker_and_rings_labels() {
        assert_eq!(checker_label(0.5, 0.5), 0);
        assert_eq!(checker_label(3.5, 0.5), 1);
        assert_eq!(checker_label(-0.5, 0.5), 1);
        assert_eq!(checker_label(-3.5, -3.5), 0);
        let c = checker(500, 0.0, &mut rng());
        assert!((0..c.len()).all(|i| c.labels[i] == checker_label(c.xy(i).0, c.xy(i).1)));
        for classes in 2..=5 {
            let g = rings(100, classes, 0.0, &mut rng());
            for i in 0..g.len() {
                let (lo, hi) = ring_band(g.labels[i] as usize, classes);
                let rr = g.xy(i).0.hypot(g.xy(i).1);
                assert!(rr >= lo - 1e-9 && rr <= hi + 1e-9);
            }
        }
    }

    #[test]
    fn xor_cluster_coordinates() {
        let p = xor_clusters(8, 7, 0.0, &mut rng());
        assert_eq!(p.dim, 7);
        assert_eq!(&p.coords[..7], &[3.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
        assert_eq!(&p.coords[7..9], &[-3.0, -3.0]);
        assert_eq!(&p.coords[14..16], &[3.0, -3.0]);
        assert_eq!(p.labels, vec![0, 0, 1, 1, 0, 0, 1, 1]);
    }
}
