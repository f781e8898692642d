//! When to read metrics: about every 100 ms, but never so often that evaluating the whole train
//! and test splits takes more than ~20 % of the time. The spacing is at least 5× the last metric
//! round trip (request until the snapshot arrived: on the GPU this includes queued steps, so it
//! errs on the side of fewer evaluations). Shared by the page and both benchmark harnesses, so
//! benchmarks pay the app's own metric cost.

/// Minimum spacing of metric requests (ms).
pub const SNAPSHOT_MS: f64 = 100.0;

#[derive(Clone, Copy, Debug)]
pub struct Cadence {
    last_request: f64,
    pending_since: Option<f64>,
    round_trip_ms: f64,
}

impl Default for Cadence {
    /// Nothing requested yet: a request is due at once.
    fn default() -> Self {
        Cadence { last_request: f64::NEG_INFINITY, pending_since: None, round_trip_ms: 0.0 }
    }
}

impl Cadence {
    /// Whether a metric request is due at time `t` (ms).
    pub fn due(&self, t: f64) -> bool {
        self.pending_since.is_none() && t - self.last_request >= SNAPSHOT_MS.max(5.0 * self.round_trip_ms)
    }
    /// A request was issued at `t`.
    pub fn requested(&mut self, t: f64) {
        self.last_request = t;
        self.pending_since = Some(t);
    }
    /// The requested snapshot arrived at `t`.
    pub fn arrived(&mut self, t: f64) {
        if let Some(t0) = self.pending_since.take() {
            self.round_trip_ms = (t - t0).max(0.0);
        }
    }
    /// Start over (new session): the next request is due at once.
    pub fn reset(&mut self) {
        *self = Cadence::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spacing_follows_the_round_trip() {
        let mut c = Cadence::default();
        assert!(c.due(0.0));
        c.requested(0.0);
        assert!(!c.due(500.0), "one request at a time");
        c.arrived(10.0);
        assert!(!c.due(99.0) && c.due(100.0), "cheap metrics: every 100 ms");
        c.requested(100.0);
        c.arrived(1100.0);
        assert!(!c.due(5099.0) && c.due(5100.0), "a 1 s evaluation: every 5 s");
    }
}
