//! Random features with a closed-form readout (`frozen=1`): every hidden layer stays at its random
//! initialization (the experiment's `init`, `alpha`, activations), and only the output layer is
//! fitted, in closed form, to the targets — Rahimi & Recht 2007 ("Random Features for
//! Large-Scale Kernel Machines"); the setting in which Belkin et al. 2019 ("Reconciling modern
//! machine-learning practice and the classical bias–variance trade-off") show double descent:
//! the test error peaks where the number of features reaches the number of training points
//! (the interpolation threshold) and falls again beyond it.
//!
//! With Φ = [φ(x), 1] ([n, W+1]: the last hidden layer's activations and a bias column) and
//! targets T ([n, C]), the readout is θ = V·diag(f(σ))·Uᵀ·T from the SVD Φ = U·diag(σ)·Vᵀ (f64,
//! `nalgebra`): f(σ) = 1/σ (σ above a relative cut-off, else 0) when `ridge` = 0 — the
//! minimum-norm least-squares solution Φ⁺T — and f(σ) = σ/(σ² + λ) for ridge regression with
//! λ = `ridge` (the bias is penalized like the weights). Targets: regression → y; TFP's tanh head
//! (two classes, MSE) → ±1; softmax → one-hot. The fitted z = Φθ is the output layer's
//! pre-activation, so the parameters in the engine's layout (hidden layers as initialised,
//! W = θ_w / mult, b = θ_b) draw the same decision boundary with the CPU forward. Losses are
//! mean squared errors of z over points and outputs; accuracies as the engine counts them
//! (sign / arg-max; regression: |z − y| < `REG_TOL`).

use crate::core::ops::{HeadKind, REG_TOL};
use crate::experiment::{Experiment, Labels};
use nalgebra::DMatrix;

/// The result of a closed-form fit (model 0 of the experiment: seed `seed`).
#[derive(Clone, Debug, PartialEq)]
pub struct RfFit {
    /// Mean squared error of the readout on the training split.
    pub train_loss: f32,
    /// Mean squared error on the test split (NaN without test points).
    pub test_loss: f32,
    pub train_acc: f32,
    pub test_acc: f32,
    /// With label noise: accuracy on the unflipped and on the flipped training points.
    pub clean_train_acc: Option<f32>,
    pub noisy_train_acc: Option<f32>,
    /// Random features (last hidden width, or the inputs without hidden layers).
    pub features: usize,
    /// Numerical rank of Φ = [φ, 1].
    pub rank: usize,
    /// Full parameters [P] of model 0 in the engine's layout.
    pub params: Vec<f32>,
}

/// Fit the readout of `e`'s network in closed form (see the module doc). Errors on data
/// without training points or on a readout with a zero forward multiplier.
pub fn fit(e: &Experiment) -> Result<RfFit, String> {
    let one = Experiment { seeds: 1, ..e.clone() };
    let (d, s) = crate::train::setup(&one);
    let (tr, te) = (&d.train, &d.test);
    if tr.is_empty() {
        return Err("no training points: custom data needs drawn points (`pts`) or a CSV import".into());
    }
    let l = &s.layout;
    let nl = l.layers.len();
    let out = l.layers[nl - 1];
    if !(out.mult.is_finite() && out.mult != 0.0) {
        return Err("the readout's forward multiplier is zero".into());
    }
    let mut params = s.params;
    let feats = |x: &[f32], n: usize| -> Vec<f32> {
        if nl == 1 {
            x.to_vec()
        } else {
            l.forward(&params, x, n).swap_remove(nl - 2)
        }
    };
    let (phi_tr, phi_te) = (feats(&tr.x, tr.len()), feats(&te.x, te.len()));
    let w = out.i;
    let c = out.o;
    let design =
        |phi: &[f32], n: usize| DMatrix::from_fn(n, w + 1, |i, j| if j < w { phi[i * w + j] as f64 } else { 1.0 });
    let targets = |sp: &crate::core::data::Split| {
        DMatrix::from_fn(sp.len(), c, |i, j| match l.head {
            HeadKind::Regression => sp.r.get(i).copied().unwrap_or(0.0) as f64,
            HeadKind::Tanh => {
                if sp.y[i] == 1 {
                    1.0
                } else {
                    -1.0
                }
            }
            HeadKind::Softmax { .. } | HeadKind::OneHotMse => f64::from(sp.y[i] as usize == j),
        })
    };
    let a = design(&phi_tr, tr.len());
    let t = targets(tr);
    let (theta, rank) = solve(&a, &t, e.ridge as f64);
    // Write the readout into the layout: z = b + mult·(φ·W).
    let mult = out.mult as f64;
    for j in 0..c {
        for k in 0..w {
            params[out.w_off + k * c + j] = (theta[(k, j)] / mult) as f32;
        }
        params[out.b_off + j] = theta[(w, j)] as f32;
    }
    let (train_loss, train_acc) = metrics(&(&a * &theta), &t, l.head, tr);
    let (test_loss, test_acc) = if te.is_empty() {
        (f32::NAN, f32::NAN)
    } else {
        metrics(&(design(&phi_te, te.len()) * &theta), &targets(te), l.head, te)
    };
    let noisy = !e.is_regression() && (e.flip > 0.0 || e.labels == Labels::Random);
    let (clean_train_acc, noisy_train_acc) = if noisy {
        let r = crate::train::memo::label_noise_acc(l, &params, &tr.x, &tr.y, &tr.flipped)[0];
        (Some(r.0), Some(r.1))
    } else {
        (None, None)
    };
    Ok(RfFit {
        train_loss,
        test_loss,
        train_acc,
        test_acc,
        clean_train_acc,
        noisy_train_acc,
        features: w,
        rank,
        params,
    })
}

/// θ = V·diag(f(σ))·Uᵀ·T (module doc) and the numerical rank of `a`.
pub fn solve(a: &DMatrix<f64>, t: &DMatrix<f64>, ridge: f64) -> (DMatrix<f64>, usize) {
    let svd = a.clone().svd(true, true);
    let (u, vt) = (svd.u.as_ref().expect("u computed"), svd.v_t.as_ref().expect("v_t computed"));
    let s = &svd.singular_values;
    let top = s.iter().cloned().fold(0.0, f64::max);
    let tol = top * (a.nrows().max(a.ncols()) as f64) * f64::EPSILON;
    let rank = s.iter().filter(|&&v| v > tol).count();
    let ridge = if ridge.is_finite() { ridge.max(0.0) } else { 0.0 };
    let f = s.map(|v| {
        if ridge > 0.0 {
            v / (v * v + ridge)
        } else if v > tol {
            1.0 / v
        } else {
            0.0
        }
    });
    let mut ut = u.transpose() * t; // [k, C]
    for (mut row, g) in ut.row_iter_mut().zip(f.iter()) {
        row *= *g;
    }
    (vt.transpose() * ut, rank)
}

/// (mean squared error over points and outputs, accuracy) of fitted outputs `z` ([n, C]).
fn metrics(z: &DMatrix<f64>, t: &DMatrix<f64>, head: HeadKind, sp: &crate::core::data::Split) -> (f32, f32) {
    let n = z.nrows();
    let mse = (z - t).norm_squared() / (n * z.ncols()).max(1) as f64;
    let hits = (0..n)
        .filter(|&i| match head {
            HeadKind::Regression => (z[(i, 0)] - t[(i, 0)]).abs() < REG_TOL as f64,
            HeadKind::Tanh => (z[(i, 0)] >= 0.0) == (sp.y[i] == 1),
            HeadKind::Softmax { .. } | HeadKind::OneHotMse => argmax(z, i) == sp.y[i] as usize,
        })
        .count();
    (mse as f32, hits as f32 / n.max(1) as f32)
}

/// First arg-max of row `i`.
fn argmax(z: &DMatrix<f64>, i: usize) -> usize {
    let mut arg = 0;
    for j in 0..z.ncols() {
        if z[(i, j)] > z[(i, arg)] {
            arg = j;
        }
    }
    arg
}
