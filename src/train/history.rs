//! Metric curves with bounded memory for any run length: when the history is full, every other
//! point is dropped (the newest always kept) and the recording stride doubles.

use crate::engine::Snapshot;

/// One row of the curves (model 0).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Row {
    pub step: u64,
    pub train_loss: f32,
    pub test_loss: f32,
    pub train_acc: f32,
    pub test_acc: f32,
    /// Model 0's parameter L2 norm and the gradient L2 norm of its last step (NaN if unknown).
    pub wnorm: f32,
    pub gnorm: f32,
    /// With label noise (issue 5): accuracy on the clean training points (against their label)
    /// and on the flipped ones (predicted as their flipped label = memorized); NaN otherwise.
    pub clean_acc: f32,
    pub noisy_acc: f32,
}

impl Row {
    pub fn from_snapshot(s: &Snapshot) -> Self {
        let (tr, te) = (s.train[0], s.test[0]);
        let first = |v: &[f32]| v.first().copied().unwrap_or(f32::NAN);
        Row {
            step: s.step,
            train_loss: tr.loss,
            test_loss: te.loss,
            train_acc: tr.acc,
            test_acc: te.acc,
            wnorm: first(&s.wnorm),
            gnorm: first(&s.gnorm),
            clean_acc: f32::NAN,
            noisy_acc: f32::NAN,
        }
    }
}

#[derive(Clone, Debug)]
pub struct History {
    cap: usize,
    stride: u64,
    rows: Vec<Row>,
    latest: Option<Row>,
}

impl History {
    pub fn new(cap: usize) -> Self {
        // Reserved up front, so a long run's memory stays flat once the session exists.
        let cap = cap.max(4);
        History { cap, stride: 1, rows: Vec::with_capacity(cap + 1), latest: None }
    }
    pub fn push(&mut self, r: Row) {
        if self.rows.last().is_some_and(|l| r.step <= l.step) {
            return;
        }
        self.latest = Some(r);
        let last = self.rows.last().map_or(0, |l| l.step);
        if !self.rows.is_empty() && r.step < last + self.stride {
            return;
        }
        self.rows.push(r);
        if self.rows.len() > self.cap {
            // Keep every other row in place (no new allocation).
            let mut k = 0;
            self.rows.retain(|_| {
                k += 1;
                k % 2 == 1
            });
            self.stride *= 2;
        }
    }
    /// Recorded rows plus the latest one.
    pub fn rows(&self) -> Vec<Row> {
        let mut v = self.rows.clone();
        if let Some(l) = self.latest {
            if v.last().map(|r| r.step) != Some(l.step) {
                v.push(l);
            }
        }
        v
    }
    /// Forget rows after `step` (a session resumed from an earlier step).
    pub fn truncate_after(&mut self, step: u64) {
        self.rows.retain(|r| r.step <= step);
        self.latest = self.rows.last().copied();
    }

    pub fn latest(&self) -> Option<Row> {
        self.latest
    }
}

/// The rows as JSON objects (`grokpad run --json`'s `history` with label noise): step, losses,
/// accuracies, `clean_train_acc` / `noisy_train_acc` (null where unknown) and the weight norm.
pub fn rows_json(rows: &[Row]) -> serde_json::Value {
    let v = |x: f32| serde_json::Value::from(x);
    rows.iter()
        .map(|r| {
            serde_json::json!({
                "step": r.step,
                "train_loss": v(r.train_loss),
                "test_loss": v(r.test_loss),
                "train_acc": v(r.train_acc),
                "test_acc": v(r.test_acc),
                "clean_train_acc": v(r.clean_acc),
                "noisy_train_acc": v(r.noisy_acc),
                "wnorm": v(r.wnorm),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_and_keeps_latest() {
        let mut h = History::new(100);
        for s in 1..=100_000u64 {
            h.push(Row {
                step: s,
                train_loss: 1.0 / s as f32,
                test_loss: 0.0,
                train_acc: 0.0,
                test_acc: 0.0,
                wnorm: 0.0,
                gnorm: 0.0,
                clean_acc: f32::NAN,
                noisy_acc: f32::NAN,
            });
        }
        let r = h.rows();
        assert!(r.len() <= 102, "{}", r.len());
        assert_eq!(r.last().unwrap().step, 100_000);
        assert_eq!(r[0].step, 1);
        assert!(r.windows(2).all(|w| w[0].step < w[1].step));
        h.truncate_after(500);
        assert!(h.rows().last().unwrap().step <= 500 && !h.rows().is_empty());
    }
}
