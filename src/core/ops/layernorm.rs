//! LayerNorm over rows of width d, forward and backward, in plain Rust: the reference of
//! `shaders/layernorm.wgsl` (Ba, Kiros & Hinton 2016, "Layer Normalization").
//!
//! Forward per row: mean = Σx/d, var = Σ(x − mean)²/d (biased, two-pass), rstd = 1/√(var + ε)
//! with ε = [`LN_EPS`], x̂ = (x − mean)·rstd, y = γ·x̂ + β. mean and rstd are saved per row.
//! Backward with g = γ·dy: dx = rstd·(g − mean(g) − x̂·mean(g·x̂)) (overwritten);
//! dγ += Σ_rows dy·x̂ and dβ += Σ_rows dy (ACCUMULATED, so several calls can share one
//! gradient buffer; zero them first for a fresh gradient).

/// The variance epsilon of LayerNorm (PyTorch's default).
pub const LN_EPS: f32 = 1e-5;

/// `Err` naming the first slice whose length does not fit `rows` × `d`.
fn check(
    rows: usize,
    d: usize,
    full: &[(&str, usize)],
    per_d: &[(&str, usize)],
    per_row: &[(&str, usize)],
) -> Result<(), String> {
    let want = [(full, rows * d), (per_d, d), (per_row, rows)];
    for (list, n) in want {
        for &(name, got) in list {
            if got != n {
                return Err(format!("layernorm rows {rows} d {d}: {name} has {got} elements, want {n}"));
            }
        }
    }
    Ok(())
}

/// Mismatched shapes must not panic the page: the outputs become NaN (reported by the
/// divergence detection of training) and the message goes to stderr.
fn poison(msg: &str, outs: &mut [&mut [f32]]) {
    eprintln!("{msg}");
    for o in outs.iter_mut() {
        o.fill(f32::NAN);
    }
}

/// y = γ·(x − mean)·rstd + β per row of x: [rows, d]; writes y [rows, d], mean and rstd [rows].
#[allow(clippy::too_many_arguments)]
pub fn ln_fwd(
    rows: usize,
    d: usize,
    x: &[f32],
    gamma: &[f32],
    beta: &[f32],
    y: &mut [f32],
    mean: &mut [f32],
    rstd: &mut [f32],
) {
    let full = [("x", x.len()), ("y", y.len())];
    let per_d = [("gamma", gamma.len()), ("beta", beta.len())];
    if let Err(e) = check(rows, d, &full, &per_d, &[("mean", mean.len()), ("rstd", rstd.len())]) {
        return poison(&e, &mut [y, mean, rstd]);
    }
    let inv_d = 1.0 / d.max(1) as f32;
    for r in 0..rows {
        let xr = &x[r * d..][..d];
        let mu = xr.iter().sum::<f32>() * inv_d;
        let var = xr.iter().map(|&v| (v - mu) * (v - mu)).sum::<f32>() * inv_d;
        let rs = 1.0 / (var + LN_EPS).sqrt();
        mean[r] = mu;
        rstd[r] = rs;
        for c in 0..d {
            y[r * d + c] = gamma[c] * ((xr[c] - mu) * rs) + beta[c];
        }
    }
}

/// LayerNorm backward from the saved mean/rstd: writes dx [rows, d]; adds into dgamma, dbeta [d].
#[allow(clippy::too_many_arguments)]
pub fn ln_bwd(
    rows: usize,
    d: usize,
    x: &[f32],
    gamma: &[f32],
    mean: &[f32],
    rstd: &[f32],
    dy: &[f32],
    dx: &mut [f32],
    dgamma: &mut [f32],
    dbeta: &mut [f32],
) {
    let full = [("x", x.len()), ("dy", dy.len()), ("dx", dx.len())];
    let per_d = [("gamma", gamma.len()), ("dgamma", dgamma.len()), ("dbeta", dbeta.len())];
    if let Err(e) = check(rows, d, &full, &per_d, &[("mean", mean.len()), ("rstd", rstd.len())]) {
        return poison(&e, &mut [dx, dgamma, dbeta]);
    }
    let inv_d = 1.0 / d.max(1) as f32;
    for r in 0..rows {
        let (mu, rs) = (mean[r], rstd[r]);
        let (mut sg, mut sgx) = (0.0f32, 0.0f32);
        for c in 0..d {
            let xh = (x[r * d + c] - mu) * rs;
            let g = gamma[c] * dy[r * d + c];
            sg += g;
            sgx += g * xh;
        }
        let (mg, mgx) = (sg * inv_d, sgx * inv_d);
        for c in 0..d {
            let xh = (x[r * d + c] - mu) * rs;
            let g = gamma[c] * dy[r * d + c];
            dx[r * d + c] = rs * (g - mg - xh * mgx);
        }
    }
    // Parameter gradients column by column (the WGSL kernel sums the rows in a tree instead).
    for c in 0..d {
        let (mut sgam, mut sbet) = (0.0f32, 0.0f32);
        for r in 0..rows {
            let xh = (x[r * d + c] - mean[r]) * rstd[r];
            sgam += dy[r * d + c] * xh;
            sbet += dy[r * d + c];
        }
        dgamma[c] += sgam;
        dbeta[c] += sbet;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_a_row_by_hand() {
        // x = (1, 3): mean 2, var 1, rstd = 1/√(1 + ε); γ = (2, 1), β = (0, 5).
        let (mut y, mut m, mut r) = (vec![0.0; 2], vec![0.0], vec![0.0]);
        ln_fwd(1, 2, &[1.0, 3.0], &[2.0, 1.0], &[0.0, 5.0], &mut y, &mut m, &mut r);
        let rs = 1.0 / (1.0 + LN_EPS).sqrt();
        assert_eq!((m[0], r[0]), (2.0, rs));
        assert!((y[0] + 2.0 * rs).abs() < 1e-6 && (y[1] - (5.0 + rs)).abs() < 1e-6, "{y:?}");
    }

    #[test]
    fn parameter_gradients_accumulate_and_bad_lengths_poison() {
        let x = [0.5, -1.0, 2.0, 0.0, 1.0, 3.0];
        let (g, b) = ([1.0, 2.0, 0.5], [0.0; 3]);
        let (mut y, mut m, mut r) = (vec![0.0; 6], vec![0.0; 2], vec![0.0; 2]);
        ln_fwd(2, 3, &x, &g, &b, &mut y, &mut m, &mut r);
        let dy = [1.0, 0.0, -1.0, 0.5, 0.5, 2.0];
        let (mut dx, mut dg, mut db) = (vec![0.0; 6], vec![10.0; 3], vec![10.0; 3]);
        ln_bwd(2, 3, &x, &g, &m, &r, &dy, &mut dx, &mut dg, &mut db);
        assert_eq!(db, vec![11.5, 10.5, 11.0]);
        // dx of each row sums to zero (the mean is subtracted).
        assert!(dx[..3].iter().sum::<f32>().abs() < 1e-5 && dx[3..].iter().sum::<f32>().abs() < 1e-5);
        ln_bwd(2, 3, &x[..5], &g, &m, &r, &dy, &mut dx, &mut dg, &mut db);
        assert!(dx.iter().chain(&dg).all(|v| v.is_nan()));
    }
}
