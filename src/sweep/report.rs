//! The JSON of a finished sweep (`grokpad run --url '…sweep=…' --json`): a `sweep` array in the
//! order of `sweep_values` (value-major over `sweep2_values`) of `{value[, value2], params,
//! train_loss, test_loss, train_acc, test_acc[, clean_train_acc, noisy_train_acc][, seeds]}`
//! (means over the point's seeds; `seeds`: per seed, when there are several), and
//! `interpolation_threshold` for width sweeps (`super::interpolation_threshold`). Regression
//! entries also carry `train_rmse` and `test_rmse` as the single run's JSON does (√(2·loss): the
//! loss is ½·MSE), the mean over seeds of each seed's RMSE.

use super::run::{Record, SweepRun};
use super::{interpolation_threshold, param_count};
use serde_json::{json, Value};

/// The RMSE of a ½·MSE loss.
pub fn rmse(loss: f32) -> f32 {
    (2.0 * loss).sqrt()
}

fn record_json(r: &Record, memo: bool) -> Value {
    let mut v = json!({
        "train_loss": r.train_loss,
        "test_loss": r.test_loss,
        "train_acc": r.train_acc,
        "test_acc": r.test_acc,
    });
    if memo {
        v["clean_train_acc"] = r.clean_train_acc.into();
        v["noisy_train_acc"] = r.noisy_train_acc.into();
    }
    v
}

/// The `sweep` array and the threshold, as fields of one object.
pub fn json(run: &SweepRun) -> Value {
    let memo = run.has_memo();
    let regression = run.exp.is_regression() && !run.exp.frozen;
    let entries: Vec<Value> = run
        .results
        .iter()
        .zip(&run.points)
        .map(|(res, pt)| {
            let last = res.rows.last().copied();
            let mut v = last.map_or_else(|| json!({}), |r| record_json(&r, memo));
            v["value"] = res.value.into();
            if let Some(v2) = res.value2 {
                v["value2"] = v2.into();
            }
            v["params"] = param_count(&pt.exp).into();
            v["step"] = last.map_or(0, |r| r.step).into();
            if regression && last.is_some() && !res.seeds.is_empty() {
                let mean = |f: fn(&Record) -> f32| {
                    (res.seeds.iter().map(|r| rmse(f(r)) as f64).sum::<f64>() / res.seeds.len() as f64) as f32
                };
                v["train_rmse"] = mean(|r| r.train_loss).into();
                v["test_rmse"] = mean(|r| r.test_loss).into();
            }
            if res.seeds.len() > 1 {
                let per = res.seeds.iter().map(|r| {
                    let mut s = record_json(r, memo);
                    if regression {
                        (s["train_rmse"], s["test_rmse"]) = (rmse(r.train_loss).into(), rmse(r.test_loss).into());
                    }
                    s
                });
                v["seeds"] = per.collect::<Vec<_>>().into();
            }
            v
        })
        .collect();
    let mut out = json!({ "sweep": entries, "sweep_axis": run.exp.sweep.name(), "groups": run.group_count() });
    if run.exp.sweep2 != crate::experiment::SweepAxis::None {
        out["sweep2_axis"] = run.exp.sweep2.name().into();
    }
    if let Some(t) = interpolation_threshold(&run.exp) {
        out["interpolation_threshold"] = t.into();
    }
    out
}
