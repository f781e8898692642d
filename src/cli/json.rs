//! The CLI's JSON pieces (issue 1's `run --json`, DESIGN.md §4): per-model metrics and their
//! mean, the final parameters and per-example memorization read back from a session, and a
//! KAN's edges and formula (pykan's `symbolic_formula`, Liu et al. 2024).

use crate::experiment::Experiment;
use crate::train::{setup, Session};

/// Model 0 of a KAN: its grid size, every edge's state (`spline`, `pruned` or the symbol with
/// its fit a, b, c, d, R²) and the formula once every live edge is symbolic.
pub(super) fn kan_json(layout: &crate::core::kan::KanLayout, params: &[f32]) -> serde_json::Value {
    use crate::core::kan::EdgeFn;
    let mut edges = Vec::new();
    for (li, l) in layout.layers.iter().enumerate() {
        for i in 0..l.i {
            for j in 0..l.o {
                let mut v = serde_json::json!({"layer": li, "i": i, "j": j});
                match layout.edge(0, li, i, j) {
                    EdgeFn::Spline => v["fn"] = "spline".into(),
                    EdgeFn::Pruned => v["fn"] = "pruned".into(),
                    EdgeFn::Symbolic(f) => {
                        v["fn"] = f.name.into();
                        v["fit"] = serde_json::json!({"a": f.a, "b": f.b, "c": f.c, "d": f.d, "r2": f.r2});
                    }
                }
                edges.push(v);
            }
        }
    }
    let formula = crate::core::kan::symbolic::formula(layout, params, &[]);
    serde_json::json!({"grid": layout.layers.first().map_or(0, |l| l.g), "edges": edges, "formula": formula})
}

/// The final parameters [M, P] (blocking readback).
pub(super) fn final_params(session: &mut Session) -> Result<Vec<f32>, (i32, String)> {
    while !session.backend.request_params() {
        session.backend.wait();
    }
    loop {
        session.backend.wait();
        if let Some(r) = session.backend.poll_params() {
            break Ok(r.map_err(|m| (1, m))?.0);
        }
    }
}

/// Per model (clean, noisy) training accuracy from the final parameters (`train::memo`).
pub(super) fn memorization(session: &mut Session) -> Result<Vec<(f32, f32)>, (i32, String)> {
    let params = final_params(session)?;
    let (_, s) = setup(&session.exp);
    let t = &session.data.train;
    Ok(crate::train::memo::label_noise_acc(&s.layout, &params, &t.x, &t.y, &t.flipped))
}

/// The results of model `m`: losses, accuracies, divergence; `test_rmse` for regression (the
/// loss is ½·mean squared error); clean/noisy training accuracy with label noise.
/// An empty test split (a few drawn points) has no test metrics (null), which is not divergence.
pub(super) fn model_json(
    e: &Experiment,
    last: &crate::engine::Snapshot,
    m: usize,
    memo: Option<(f32, f32)>,
    no_test: bool,
) -> serde_json::Value {
    let (tr, te) = (last.train[m], last.test[m]);
    let mut v = serde_json::json!({
        "seed": e.seed.wrapping_add(m as u64),
        "train_loss": tr.loss,
        "test_loss": te.loss,
        "train_acc": tr.acc,
        "test_acc": te.acc,
        "diverged": !(tr.loss.is_finite() && (no_test || te.loss.is_finite())) || last.bad[m].is_some(),
        "diverged_at_step": last.bad[m],
    });
    if e.is_regression() {
        v["test_rmse"] = (2.0 * te.loss).sqrt().into();
        v["train_rmse"] = (2.0 * tr.loss).sqrt().into();
    }
    if let Some((clean, noisy)) = memo {
        v["clean_train_acc"] = clean.into();
        v["noisy_train_acc"] = noisy.into();
    }
    v
}

/// The mean over models of every numeric field (`diverged` = any; `diverged_at_step` = the
/// earliest; `seed` = the first), or the single model's object.
pub(super) fn mean_json(models: &[serde_json::Value]) -> serde_json::Value {
    let Some(first) = models.first() else { return serde_json::json!({}) };
    if models.len() == 1 {
        return first.clone();
    }
    let mut out = first.clone();
    for (k, v) in out.as_object_mut().into_iter().flatten() {
        let all: Vec<&serde_json::Value> = models.iter().map(|m| &m[k.as_str()]).collect();
        *v = match k.as_str() {
            "seed" => v.clone(),
            "diverged" => all.iter().any(|x| x.as_bool() == Some(true)).into(),
            "diverged_at_step" => all.iter().filter_map(|x| x.as_u64()).min().into(),
            _ => {
                let xs: Vec<f64> = all.iter().filter_map(|x| x.as_f64()).collect();
                if xs.len() == all.len() {
                    (xs.iter().sum::<f64>() / xs.len() as f64).into()
                } else {
                    serde_json::Value::Null
                }
            }
        };
    }
    out
}
