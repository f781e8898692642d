//! B-spline bases on an extended knot grid, as pykan builds them (Liu et al. 2024, "KAN:
//! Kolmogorov–Arnold Networks", §2.2; pykan `spline.py`: `B_batch`, `extend_grid`).
//!
//! A grid of G intervals `g_0 < … < g_G` is extended by k knots on each side at the mean spacing
//! h = (g_G − g_0)/G, giving T = G + 2k + 1 knots t. The order-k basis has G + k functions
//! B_{j,k}, by the Cox–de Boor recursion (de Boor 1978):
//! B_{j,0}(x) = [t_j ≤ x < t_{j+1}],
//! B_{j,p}(x) = (x − t_j)/(t_{j+p} − t_j)·B_{j,p−1}(x) + (t_{j+p+1} − x)/(t_{j+p+1} − t_{j+1})·B_{j+1,p−1}(x),
//! and B'_{j,k}(x) = k·(B_{j,k−1}(x)/(t_{j+k} − t_j) − B_{j+1,k−1}(x)/(t_{j+k+1} − t_{j+1})).
//! A zero knot span contributes 0 (never NaN). Outside [t_0, t_{T−1}) every B is 0.
//! `shaders/kan.wgsl` evaluates the same recursion in the same order, in f32.

/// Most knots of a layer's grid: G ≤ 100, k ≤ 5 → T ≤ 111.
pub const MAX_KNOTS: usize = 112;

/// Number of basis functions of order `k` on `g` intervals.
pub fn n_basis(g: usize, k: usize) -> usize {
    g + k
}

/// Number of knots of `g` intervals extended by `k` on each side.
pub fn n_knots(g: usize, k: usize) -> usize {
    g + 2 * k + 1
}

/// `grid` (G + 1 increasing points) extended by `k` knots each side at the mean spacing.
pub fn extend(grid: &[f32], k: usize) -> Vec<f32> {
    let g = grid.len().saturating_sub(1).max(1);
    let (lo, hi) = (grid[0], grid[grid.len() - 1]);
    let h = (hi - lo) / g as f32;
    let mut t: Vec<f32> = (0..k).map(|j| lo - (k - j) as f32 * h).collect();
    t.extend_from_slice(grid);
    t.extend((1..=k).map(|j| hi + j as f32 * h));
    t
}

/// The extended uniform grid of `g` intervals on [lo, hi].
pub fn uniform(lo: f32, hi: f32, g: usize, k: usize) -> Vec<f32> {
    let g = g.max(1);
    let grid: Vec<f32> = (0..=g).map(|j| lo + (hi - lo) * j as f32 / g as f32).collect();
    extend(&grid, k)
}

fn ratio(num: f32, den: f32) -> f32 {
    if den == 0.0 {
        0.0
    } else {
        num / den
    }
}

/// The order-`k` basis values at `x` on knots `t` into `out[..T−1−k]`, and their derivatives
/// into `dout` when given. `t.len()` ≤ [`MAX_KNOTS`], 1 ≤ k < T − 1.
pub fn basis(t: &[f32], k: usize, x: f32, out: &mut [f32], dout: Option<&mut [f32]>) {
    let nt = t.len().min(MAX_KNOTS);
    let mut b = [0.0f32; MAX_KNOTS];
    for j in 0..nt - 1 {
        b[j] = if t[j] <= x && x < t[j + 1] { 1.0 } else { 0.0 };
    }
    let mut prev = [0.0f32; MAX_KNOTS];
    for p in 1..=k {
        if p == k {
            prev = b;
        }
        for j in 0..nt - 1 - p {
            let left = ratio(x - t[j], t[j + p] - t[j]) * b[j];
            let right = ratio(t[j + p + 1] - x, t[j + p + 1] - t[j + 1]) * b[j + 1];
            b[j] = left + right;
        }
    }
    let nb = nt - 1 - k;
    out[..nb].copy_from_slice(&b[..nb]);
    if let Some(d) = dout {
        let kf = k as f32;
        for j in 0..nb {
            d[j] = kf * (ratio(prev[j], t[j + k] - t[j]) - ratio(prev[j + 1], t[j + k + 1] - t[j + 1]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_of_unity_and_derivative() {
        for k in 1..=5 {
            let t = uniform(-1.0, 1.0, 7, k);
            assert_eq!(t.len(), n_knots(7, k));
            let nb = n_basis(7, k);
            let (mut b, mut d) = (vec![0.0; nb], vec![0.0; nb]);
            for s in 0..50 {
                let x = -0.99 + 1.98 * s as f32 / 49.0;
                basis(&t, k, x, &mut b, Some(&mut d));
                let sum: f32 = b.iter().sum();
                assert!((sum - 1.0).abs() < 1e-5, "k={k} x={x}: {sum}");
                assert!(b.iter().all(|&v| v >= 0.0));
                assert!(d.iter().sum::<f32>().abs() < 1e-3);
                assert!(b.iter().filter(|&&v| v > 0.0).count() <= k + 1);
                // Derivative against central differences.
                let e = 1e-3;
                let (mut up, mut dn) = (vec![0.0; nb], vec![0.0; nb]);
                basis(&t, k, x + e, &mut up, None);
                basis(&t, k, x - e, &mut dn, None);
                if k >= 2 {
                    for j in 0..nb {
                        let fd = (up[j] - dn[j]) / (2.0 * e);
                        assert!((fd - d[j]).abs() < 2e-2 * (1.0 + d[j].abs()), "k={k} j={j} {fd} {}", d[j]);
                    }
                }
            }
            basis(&t, k, 10.0, &mut b, Some(&mut d));
            assert!(b.iter().chain(&d).all(|&v| v == 0.0));
        }
        // Linear hat functions (k = 1) at a knot and halfway.
        let t = uniform(0.0, 4.0, 4, 1);
        let mut b = vec![0.0; 5];
        basis(&t, 1, 1.0, &mut b, None);
        assert_eq!(b, vec![0.0, 1.0, 0.0, 0.0, 0.0]);
        basis(&t, 1, 1.5, &mut b, None);
        assert_eq!(b, vec![0.0, 0.5, 0.5, 0.0, 0.0]);
        // A repeated knot gives no NaN.
        let mut b = vec![0.0; 4];
        basis(&[0.0, 0.0, 1.0, 1.0, 2.0, 3.0], 1, 0.5, &mut b, None);
        assert!(b.iter().all(|v| v.is_finite()));
    }
}
