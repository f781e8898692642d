//! Sweeps of random-features models (`frozen=1`): every point's readout is solved in closed form
//! by [`crate::rf::fit`] (minimum-norm least squares, or ridge), so a 64-width sweep takes well
//! under a second and shows Belkin et al.'s double descent ("Reconciling modern machine
//! learning practice and the bias-variance trade-off", 2019): the test MSE peaks where the
//! number of features reaches the number of training points.

use super::{expand, param_count, SweepPoint};
use crate::experiment::{Experiment, SweepAxis};
use crate::rf::RfFit;
use serde_json::{json, Value};

/// One fitted point of a frozen sweep.
#[derive(Clone, Debug)]
pub struct FrozenPoint {
    pub value: f64,
    pub value2: Option<f64>,
    /// Parameters of the point's network (hidden layers frozen, the readout fitted).
    pub params: usize,
    pub fit: RfFit,
}

/// Fit every point of `e`'s sweep in closed form (model 0 of each point; `seeds` is not used).
pub fn fit_all(e: &Experiment) -> Result<Vec<FrozenPoint>, String> {
    expand(e)
        .into_iter()
        .map(|p: SweepPoint| {
            let fit = crate::rf::fit(&p.exp).map_err(|m| format!("{} = {}: {m}", e.sweep.name(), p.value))?;
            Ok(FrozenPoint { value: p.value, value2: p.value2, params: param_count(&p.exp), fit })
        })
        .collect()
}

/// The interpolation threshold of a frozen width sweep: the width whose features, with the
/// readout's bias, number the training points (only the readout is fitted). `None` without a
/// width axis.
pub fn threshold(e: &Experiment) -> Option<f64> {
    (e.sweep == SweepAxis::Width || e.sweep2 == SweepAxis::Width).then(|| e.n_train() as f64 - 1.0)
}

/// The CLI's JSON of a frozen sweep: the `sweep` array (as `super::report` writes for trained
/// sweeps, plus `features` and `rank`), `frozen: true`, and `interpolation_threshold`.
pub fn json(e: &Experiment, points: &[FrozenPoint]) -> Value {
    let entries: Vec<Value> = points
        .iter()
        .map(|p| {
            let f = &p.fit;
            let mut v = json!({
                "value": p.value, "train_loss": f.train_loss, "test_loss": f.test_loss,
                "train_acc": f.train_acc, "test_acc": f.test_acc, "features": f.features, "rank": f.rank,
            });
            if let Some(v2) = p.value2 {
                v["value2"] = v2.into();
            }
            if let (Some(c), Some(n)) = (f.clean_train_acc, f.noisy_train_acc) {
                v["clean_train_acc"] = c.into();
                v["noisy_train_acc"] = n.into();
            }
            v["params"] = p.params.into();
            v
        })
        .collect();
    let mut out = json!({ "sweep": entries, "sweep_axis": e.sweep.name(), "frozen": true, "steps": 0 });
    if e.sweep2 != SweepAxis::None {
        out["sweep2_axis"] = e.sweep2.name().into();
    }
    if let Some(t) = threshold(e) {
        out["interpolation_threshold"] = t.into();
    }
    out
}
