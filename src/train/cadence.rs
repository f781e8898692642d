//! When to read metrics: about every 100 ms, but never so often that evaluating (all models over
//! the whole train and test splits, plus the boundary grid) costs more than ~20 % of training.
//! An evaluation costs about `Session::eval_cost_steps` training steps (a step ≈ 3 forward passes
//! of its minibatch), so requests wait for 4× that many new steps; a paused run is evaluated at
//! once. Shared by the page and both benchmark harnesses, so benchmarks pay the app's metric cost.
//! (A fixed 100 ms cadence let evaluation take 80 % of P3's time on the GPU: see the profile.)

/// Minimum spacing of metric requests (ms).
pub const SNAPSHOT_MS: f64 = 100.0;

#[derive(Clone, Copy, Debug)]
pub struct Cadence {
    min_steps: f64,
    last_request: f64,
    last_step: Option<u64>,
}

impl Cadence {
    /// A cadence for evaluations that cost `eval_cost_steps` training steps each.
    pub fn new(eval_cost_steps: f64) -> Self {
        Cadence { min_steps: 4.0 * eval_cost_steps.max(0.0), last_request: f64::NEG_INFINITY, last_step: None }
    }
    /// Whether a request is due at time `t` (ms) after `step` steps; `running`: training goes on.
    pub fn due(&self, t: f64, step: u64, running: bool) -> bool {
        let new_steps = self.last_step.map_or(f64::INFINITY, |s| step.saturating_sub(s) as f64);
        t - self.last_request >= SNAPSHOT_MS && (!running || new_steps >= self.min_steps)
    }
    /// A request was issued at `t` after `step` steps.
    pub fn requested(&mut self, t: f64, step: u64) {
        self.last_request = t;
        self.last_step = Some(step);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spacing_follows_time_and_evaluation_cost() {
        let mut cheap = Cadence::new(0.1);
        assert!(cheap.due(0.0, 0, true));
        cheap.requested(0.0, 0);
        assert!(!cheap.due(99.0, 5000, true) && cheap.due(100.0, 5000, true), "cheap metrics: every 100 ms");
        let mut costly = Cadence::new(6.0);
        costly.requested(0.0, 10);
        assert!(!costly.due(5000.0, 33, true), "23 new steps < 4 × 6");
        assert!(costly.due(5000.0, 34, true));
        assert!(costly.due(5000.0, 11, false), "paused: evaluate the latest weights");
    }
}
