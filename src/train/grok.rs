//! Grokking milestones (Power et al. 2022; Nanda et al. 2023; Doshi et al. 2024): the first
//! evaluated step at which model 0's training accuracy reached 0.99 (memorized), and at which its
//! test accuracy reached 0.9 and 0.95 (generalized). Grokking = the test milestones come long
//! after the training one (issue 6: `test_095_step ≥ 3 · train_099_step`).
//!
//! The session observes every snapshot (`Session::pump`), so the steps are exact at the
//! evaluation cadence and unaffected by the history's decimation. Steps are those of the
//! snapshots: a crossing between two evaluations is reported at the later one.

use serde::Serialize;

/// Training accuracy that counts as saturated.
pub const TRAIN_SATURATED: f32 = 0.99;
/// Test accuracy marked on the curves.
pub const TEST_CROSSED: f32 = 0.9;
/// Test accuracy of the grokking criterion.
pub const TEST_GROKKED: f32 = 0.95;

/// First snapshot steps of each milestone; `None` if never reached (NaN accuracy never counts).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Milestones {
    pub train_099_step: Option<u64>,
    pub test_090_step: Option<u64>,
    pub test_095_step: Option<u64>,
}

impl Milestones {
    /// Record the accuracies evaluated after `step` steps (steps arrive in increasing order).
    pub fn observe(&mut self, step: u64, train_acc: f32, test_acc: f32) {
        let first = |slot: &mut Option<u64>, acc: f32, level: f32| {
            if slot.is_none() && acc >= level {
                *slot = Some(step);
            }
        };
        first(&mut self.train_099_step, train_acc, TRAIN_SATURATED);
        first(&mut self.test_090_step, test_acc, TEST_CROSSED);
        first(&mut self.test_095_step, test_acc, TEST_GROKKED);
    }

    /// The milestones of a sequence of (step, train acc, test acc) in step order.
    pub fn from_points(points: impl IntoIterator<Item = (u64, f32, f32)>) -> Self {
        let mut m = Milestones::default();
        for (s, tr, te) in points {
            m.observe(s, tr, te);
        }
        m
    }

    /// `test_095_step / train_099_step` when both were reached (the grokking delay; a train
    /// milestone at step 0 counts as step 1).
    pub fn delay_ratio(&self) -> Option<f64> {
        Some(self.test_095_step? as f64 / self.train_099_step?.max(1) as f64)
    }

    /// Curve markers: (step, label) for the training saturation and the 90 % test crossing.
    pub fn markers(&self) -> Vec<(u64, String)> {
        let mut v = vec![];
        if let Some(s) = self.train_099_step {
            v.push((s, "train acc ≥ 0.99".to_string()));
        }
        if let Some(s) = self.test_090_step {
            v.push((s, "test acc ≥ 0.9".to_string()));
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_crossings_only() {
        let pts = [
            (0, 0.05, 0.04),
            (100, 0.98, 0.1),
            (200, 0.99, 0.2),
            (300, 0.97, f32::NAN),
            (900, 1.0, 0.92),
            (1000, 1.0, 0.89),
            (1200, 1.0, 0.951),
            (1300, 1.0, 0.99),
        ];
        let m = Milestones::from_points(pts);
        assert_eq!(m, Milestones { train_099_step: Some(200), test_090_step: Some(900), test_095_step: Some(1200) });
        assert_eq!(m.delay_ratio(), Some(6.0));
        assert_eq!(m.markers().iter().map(|x| x.0).collect::<Vec<_>>(), vec![200, 900]);
        let never = Milestones::from_points([(10, 0.5, f32::NAN), (20, f32::NAN, 0.3)]);
        assert_eq!((never, never.delay_ratio(), never.markers().len()), (Milestones::default(), None, 0));
        let at_zero = Milestones::from_points([(0, 1.0, 0.0), (50, 1.0, 0.95)]);
        assert_eq!(at_zero.delay_ratio(), Some(50.0));
    }
}
