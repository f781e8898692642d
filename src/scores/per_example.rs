//! Per-example quantities of M trained models on one split, from their parameters with the CPU
//! reference (no GPU kernels): correctness, EL2N and GraNd (Paul, Ganguli & Dziugaite 2021, "Deep
//! Learning on a Data Diet: Finding Important Examples Early in Training").
//!
//! - EL2N = ‖p(x) − onehot(y)‖₂ with p the softmax of the logits; for TFP's tanh head (two
//!   classes, one output a) p = ((1 − a)/2, (1 + a)/2), so EL2N = √2·|p₁ − y|; for regression
//!   |f(x) − y|; for the one-hot square loss ‖z(x) − onehot(y)‖₂ (its outputs are the
//!   prediction).
//! - GraNd = ‖∇_θ ℓ(x, y)‖₂, the per-example gradient norm over all parameters, computed by the
//!   CPU backend's own training step at batch size 1 with a zero learning rate (its raw gradient
//!   norm, before clipping and regularizers), dropout off.

use crate::core::data::Split;
use crate::core::mlp::Layout;
use crate::core::ops::{HeadKind, REG_TOL};
use crate::core::optim::StepHyper;
use crate::engine::cpu::CpuBackend;
use crate::engine::Setup;
use crate::train::memo::predictions;

/// [M][N]: whether model m classifies point n as its label `y` (regression: |f − r| < `REG_TOL`).
pub fn correct(layout: &Layout, params: &[f32], s: &Split) -> Vec<Vec<bool>> {
    let n = s.len();
    if n == 0 {
        return vec![vec![]; layout.models];
    }
    let out = layout.forward(params, &s.x, n).pop().unwrap_or_default();
    let c = layout.outputs();
    (0..layout.models)
        .map(|m| {
            let rows = &out[m * n * c..(m + 1) * n * c];
            if layout.head == HeadKind::Regression {
                (0..n).map(|i| (rows[i] - s.r.get(i).copied().unwrap_or(f32::NAN)).abs() < REG_TOL).collect()
            } else {
                predictions(rows, c).iter().zip(&s.y).map(|(p, y)| p == y).collect()
            }
        })
        .collect()
}

/// [M][N] EL2N scores (module doc).
pub fn el2n(layout: &Layout, params: &[f32], s: &Split) -> Vec<Vec<f32>> {
    let n = s.len();
    if n == 0 {
        return vec![vec![]; layout.models];
    }
    let out = layout.forward(params, &s.x, n).pop().unwrap_or_default();
    let c = layout.outputs();
    (0..layout.models)
        .map(|m| {
            (0..n)
                .map(|i| {
                    let row = &out[(m * n + i) * c..(m * n + i + 1) * c];
                    match layout.head {
                        HeadKind::Regression => (row[0] - s.r.get(i).copied().unwrap_or(f32::NAN)).abs(),
                        HeadKind::Tanh => {
                            let p1 = (1.0 + row[0]) * 0.5;
                            std::f32::consts::SQRT_2 * (p1 - f32::from(s.y[i] == 1)).abs()
                        }
                        HeadKind::OneHotMse => row
                            .iter()
                            .enumerate()
                            .map(|(j, &z)| (z - f32::from(j == s.y[i] as usize)).powi(2))
                            .sum::<f32>()
                            .sqrt(),
                        HeadKind::Softmax { .. } => {
                            let top = row.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
                            let e: Vec<f32> = row.iter().map(|z| (z - top).exp()).collect();
                            let sum: f32 = e.iter().sum();
                            let sq: f32 = e
                                .iter()
                                .enumerate()
                                .map(|(j, v)| (v / sum - f32::from(j == s.y[i] as usize)).powi(2))
                                .sum();
                            sq.sqrt()
                        }
                    }
                })
                .collect()
        })
        .collect()
}

/// [M][N] GraNd scores (module doc): `setup` supplies layout, split and optimizer; `params` are
/// the M models' parameters.
pub fn grand(setup: &Setup, params: &[f32]) -> Vec<Vec<f32>> {
    let mut layout = setup.layout.clone();
    layout.dropout = 0.0;
    let (m, n) = (layout.models, setup.train.len());
    let s = Setup { layout, batch: 1, params: params.to_vec(), moments: None, ..setup.clone() };
    let mut cpu = CpuBackend::new(s, 0);
    let h = StepHyper::new(0.0, 0.0, 1);
    let mut out = vec![vec![0.0; n]; m];
    for i in 0..n {
        cpu.step(&h, &vec![i as u32; m]);
        for (row, g) in out.iter_mut().zip(cpu.grad_norms()) {
            row[i] = *g;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ops::Act;
    use crate::experiment::Loss;

    #[test]
    fn el2n_and_grand_of_a_one_weight_model() {
        // 1→1 tanh head, w = 1, b = 0: a = tanh(x).
        let l = Layout::new(&[1, 1], Act::Tanh, Loss::Mse, 1);
        let s = Split::classified(vec![2.0, -2.0, 0.0], vec![1, 1, 0]);
        let a = 2.0f32.tanh();
        let e = el2n(&l, &[1.0, 0.0], &s);
        let want = [(1.0 - (1.0 + a) / 2.0), (1.0 + (-a)) / 2.0 - 1.0, 0.5];
        for (got, w) in e[0].iter().zip(want) {
            assert!((got - std::f32::consts::SQRT_2 * w.abs()).abs() < 1e-6, "{got} vs {w}");
        }
        assert_eq!(correct(&l, &[1.0, 0.0], &s), vec![vec![true, false, false]]);
        // Loss ½(a − y)² with y = ±1: ∂/∂w = (a − y)(1 − a²)·x, ∂/∂b = (a − y)(1 − a²).
        let setup = Setup::new(l.clone(), crate::experiment::Optimizer::Sgd, 1, s.clone(), s.clone(), vec![1.0, 0.0]);
        let g = grand(&setup, &[1.0, 0.0]);
        for (i, (x, y)) in [(2.0f32, 1.0f32), (-2.0, 1.0), (0.0, -1.0)].into_iter().enumerate() {
            let t = x.tanh();
            let d = (t - y) * (1.0 - t * t);
            let want = (d * x).hypot(d);
            assert!((g[0][i] - want).abs() < 1e-5, "{i}: {} vs {want}", g[0][i]);
        }
    }
}
