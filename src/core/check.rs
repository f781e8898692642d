//! The shared op check (DESIGN.md §2; after tinygrad's `helper_test_op`): central finite
//! differences with f64 accumulation against an analytic backward, and a rel/abs-tolerance
//! comparison used for GPU-vs-CPU parity.

/// Central finite-difference gradient of the scalar `f` at `x` (step `eps`).
pub fn fd_grad(f: &dyn Fn(&[f32]) -> f64, x: &[f32], eps: f32) -> Vec<f64> {
    let mut xp = x.to_vec();
    (0..x.len())
        .map(|k| {
            xp[k] = x[k] + eps;
            let up = f(&xp);
            xp[k] = x[k] - eps;
            let dn = f(&xp);
            xp[k] = x[k];
            (up - dn) / (2.0 * (eps as f64))
        })
        .collect()
}

/// `Ok` when every |got − want| ≤ atol + rtol·|want|; otherwise the worst offender.
pub fn close(name: &str, got: &[f32], want: &[f32], rtol: f32, atol: f32) -> Result<(), String> {
    if got.len() != want.len() {
        return Err(format!("{name}: length {} != {}", got.len(), want.len()));
    }
    let mut worst: Option<(usize, f32)> = None;
    for (k, (&g, &w)) in got.iter().zip(want).enumerate() {
        let excess = (g - w).abs() - (atol + rtol * w.abs());
        if excess > 0.0 || g.is_nan() != w.is_nan() {
            let e = if excess.is_nan() { f32::INFINITY } else { excess };
            if worst.is_none_or(|(_, we)| e > we) {
                worst = Some((k, e));
            }
        }
    }
    match worst {
        None => Ok(()),
        Some((k, _)) => {
            Err(format!("{name}: mismatch at {k}: got {} want {} (rtol {rtol}, atol {atol})", got[k], want[k]))
        }
    }
}

/// Compare an analytic gradient with finite differences of `f` at `x`.
pub fn check_grad(
    name: &str,
    f: &dyn Fn(&[f32]) -> f64,
    x: &[f32],
    analytic: &[f32],
    eps: f32,
    tol: f32,
) -> Result<(), String> {
    let fd: Vec<f32> = fd_grad(f, x, eps).into_iter().map(|v| v as f32).collect();
    close(name, analytic, &fd, tol, tol)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fd_of_square_and_close_detects_errors() {
        let f = |x: &[f32]| x.iter().map(|&v| (v as f64).powi(2)).sum::<f64>();
        let g = fd_grad(&f, &[1.0, -2.0], 1e-3);
        assert!((g[0] - 2.0).abs() < 1e-3 && (g[1] + 4.0).abs() < 1e-3);
        assert!(check_grad("sq", &f, &[1.0, -2.0], &[2.0, -4.0], 1e-3, 1e-3).is_ok());
        assert!(check_grad("sq", &f, &[1.0, -2.0], &[2.0, 4.0], 1e-3, 1e-3).is_err());
        assert!(close("nan", &[f32::NAN], &[1.0], 0.1, 0.1).is_err());
        assert!(close("len", &[1.0], &[1.0, 2.0], 0.1, 0.1).is_err());
    }
}
