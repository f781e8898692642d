//! What the page draws for a sweep (issue 5), computed from a run's records so it can be tested
//! natively: error against the axis (model-wise double descent with the interpolation
//! threshold; Nakkiran et al. 2020, Belkin et al. 2019) and a heatmap — test error over axis ×
//! steps for one axis (epoch-wise double descent), or the final test error over the two axes
//! (a phase diagram). The error is 1 − accuracy for classification and the loss (MSE) for
//! regression and for random-features fits (`frozen`, whose `test_loss` is the test MSE).

use super::frozen::FrozenPoint;
use super::run::SweepRun;
use crate::experiment::{Experiment, SweepAxis};
use crate::plot::sweep::Heatmap;

/// The sweep's charts: error series against the axis, the heatmap, and their labels.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepCharts {
    pub train: Vec<(f64, f64)>,
    pub test: Vec<(f64, f64)>,
    pub threshold: Option<f64>,
    pub log_x: bool,
    pub title: String,
    pub axis: String,
    pub heat: Option<Heatmap>,
}

/// Whether the error is the loss (regression, random features) rather than 1 − accuracy.
pub fn uses_loss(e: &Experiment) -> bool {
    e.frozen || e.is_regression()
}

/// Log axis when every value is positive and they span at least 20×.
pub fn wants_log(values: &[f64]) -> bool {
    let (lo, hi) = values.iter().fold((f64::INFINITY, 0.0f64), |(l, h), &v| (l.min(v), h.max(v)));
    values.iter().all(|&v| v > 0.0) && hi >= 20.0 * lo
}

fn measure(e: &Experiment) -> &'static str {
    if e.frozen {
        "test MSE"
    } else if e.is_regression() {
        "test loss"
    } else {
        "test error"
    }
}

fn err(loss: bool, l: f32, acc: f32) -> f64 {
    if loss {
        l as f64
    } else {
        1.0 - acc as f64
    }
}

/// Charts of a trained sweep (`SweepRun`), with what has been recorded so far; points not yet
/// trained are left out of the lines and grey in the heatmap.
pub fn from_run(run: &SweepRun) -> SweepCharts {
    let e = &run.exp;
    let loss = uses_loss(e);
    let two = e.sweep2 != SweepAxis::None;
    let (mut train, mut test) = (vec![], vec![]);
    if !two {
        for r in &run.results {
            if let Some(last) = r.rows.last() {
                train.push((r.value, err(loss, last.train_loss, last.train_acc)));
                test.push((r.value, err(loss, last.test_loss, last.test_acc)));
            }
        }
    }
    let values = e.sweep_values.clone();
    let heat = if two {
        let (v1, v2) = (e.sweep_values.clone(), e.sweep2_values.clone());
        let mut z = vec![f64::NAN; v1.len() * v2.len()];
        for (k, r) in run.results.iter().enumerate() {
            let (i, j) = (k / v2.len().max(1), k % v2.len().max(1));
            if let (Some(last), true) = (r.rows.last(), i < v1.len()) {
                z[j * v1.len() + i] = err(loss, last.test_loss, last.test_acc);
            }
        }
        Some(Heatmap {
            title: format!("Final {} over {} × {}", measure(e), e.sweep.name(), e.sweep2.name()),
            x: v1,
            y: v2,
            z,
            x_label: e.sweep.name().into(),
            y_label: e.sweep2.name().into(),
            z_label: measure(e).into(),
            z_range: (!loss).then_some((0.0, 1.0)),
            draw_text: true,
        })
    } else {
        let steps = super::run::record_steps(e.steps);
        let mut z = vec![f64::NAN; values.len() * steps.len()];
        for (ix, r) in run.results.iter().enumerate().take(values.len()) {
            for row in &r.rows {
                if let Some(iy) = steps.iter().position(|&s| s == row.step) {
                    z[iy * values.len() + ix] = err(loss, row.test_loss, row.test_acc);
                }
            }
        }
        Some(Heatmap {
            title: format!("{} over {} × steps (epoch-wise)", capital(measure(e)), e.sweep.name()),
            x: values.clone(),
            y: steps.iter().map(|&s| s as f64).collect(),
            z,
            x_label: e.sweep.name().into(),
            y_label: "step".into(),
            z_label: measure(e).into(),
            z_range: (!loss).then_some((0.0, 1.0)),
            draw_text: true,
        })
    };
    SweepCharts {
        train,
        test,
        threshold: super::interpolation_threshold(e),
        log_x: wants_log(&values),
        title: format!("Train and {} vs {}", measure(e), e.sweep.name()),
        axis: e.sweep.name().into(),
        heat,
    }
}

/// Charts of a random-features sweep (closed form, no steps: no epoch-wise heatmap; with two
/// axes, the phase diagram).
pub fn from_frozen(e: &Experiment, pts: &[FrozenPoint]) -> SweepCharts {
    let two = e.sweep2 != SweepAxis::None;
    let train = if two { vec![] } else { pts.iter().map(|p| (p.value, p.fit.train_loss as f64)).collect() };
    let test = if two { vec![] } else { pts.iter().map(|p| (p.value, p.fit.test_loss as f64)).collect() };
    let heat = two.then(|| {
        let (v1, v2) = (e.sweep_values.clone(), e.sweep2_values.clone());
        let mut z = vec![f64::NAN; v1.len() * v2.len()];
        for (k, p) in pts.iter().enumerate() {
            let (i, j) = (k / v2.len().max(1), k % v2.len().max(1));
            if i < v1.len() {
                z[j * v1.len() + i] = p.fit.test_loss as f64;
            }
        }
        Heatmap {
            title: format!("Test MSE over {} × {}", e.sweep.name(), e.sweep2.name()),
            x: v1,
            y: v2,
            z,
            x_label: e.sweep.name().into(),
            y_label: e.sweep2.name().into(),
            z_label: "test MSE".into(),
            z_range: None,
            draw_text: true,
        }
    });
    SweepCharts {
        train,
        test,
        threshold: super::frozen::threshold(e),
        log_x: wants_log(&e.sweep_values),
        title: format!("Random features: train and test MSE vs {}", e.sweep.name()),
        axis: e.sweep.name().into(),
        heat,
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}
