//! Learning-rate schedules: the learning rate of each step as a pure function of the step, so
//! every backend (and a resumed session) follows the same curve.
//!
//! - `Constant`: lr.
//! - `Warmup`: linear from 0 to lr over the first `warmup` steps (Goyal et al. 2017, "Accurate,
//!   Large Minibatch SGD", gradual warmup), then constant.
//! - `Cosine`: the same linear warmup, then cosine decay to 0 at `steps` (Loshchilov & Hutter
//!   2017, SGDR, one cycle without restarts).
//! - `Step`: lr multiplied by `decay` every `decay_every` steps (step decay).
//!
//! Steps are 0-based here: `lr_at(t, …)` is the rate of the (t+1)-th update. Warmup step t
//! uses lr·(t+1)/warmup, so the first step is not wasted at rate 0 and step warmup−1 reaches lr.

/// Which schedule (the URL's `sched`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Kind {
    #[default]
    Constant,
    Warmup,
    Cosine,
    Step,
}

/// A schedule with its parameters (URL keys `sched`, `warmup`, `decay_every`, `decay`, `steps`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LrSpec {
    pub kind: Kind,
    /// Warmup steps of `Warmup` and `Cosine` (0 = none).
    pub warmup: u64,
    /// Total steps: `Cosine` reaches 0 here and stays there.
    pub steps: u64,
    /// `Step`: period in steps (0 acts as 1) and factor.
    pub decay_every: u64,
    pub decay: f32,
}

impl Default for LrSpec {
    fn default() -> Self {
        LrSpec { kind: Kind::Constant, warmup: 100, steps: 1000, decay_every: 1000, decay: 0.5 }
    }
}

impl LrSpec {
    /// The schedule of an experiment (URL keys `sched`, `warmup`, `steps`, `decay_every`, `decay`).
    pub fn from_experiment(e: &crate::experiment::Experiment) -> Self {
        use crate::experiment::Schedule as S;
        let kind = match e.sched {
            S::Constant => Kind::Constant,
            S::Warmup => Kind::Warmup,
            S::Cosine => Kind::Cosine,
            S::Step => Kind::Step,
        };
        LrSpec { kind, warmup: e.warmup, steps: e.steps, decay_every: e.decay_every, decay: e.decay }
    }
}

/// Linear warmup factor of 0-based step t: (t+1)/warmup until the warmup is over, then 1.
fn warm(t: u64, warmup: u64) -> f64 {
    if t < warmup {
        (t + 1) as f64 / warmup as f64
    } else {
        1.0
    }
}

/// The learning rate of the 0-based step `t`. `Constant` returns `base` itself (bit-identical
/// to no schedule).
pub fn lr_at(t: u64, base: f32, s: &LrSpec) -> f32 {
    let f = match s.kind {
        Kind::Constant => return base,
        Kind::Warmup => warm(t, s.warmup),
        Kind::Cosine => {
            if t < s.warmup {
                warm(t, s.warmup)
            } else if t >= s.steps {
                0.0
            } else {
                let span = (s.steps - s.warmup) as f64;
                let x = (t - s.warmup) as f64 / span;
                0.5 * (1.0 + (std::f64::consts::PI * x).cos())
            }
        }
        Kind::Step => {
            let n = t / s.decay_every.max(1);
            (s.decay as f64).powf(n as f64)
        }
    };
    (base as f64 * f) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kind: Kind) -> LrSpec {
        LrSpec { kind, warmup: 4, steps: 14, decay_every: 3, decay: 0.5 }
    }

    #[test]
    fn constant_is_base() {
        for t in [0, 1, 1000, u64::MAX] {
            assert_eq!(lr_at(t, 0.03, &spec(Kind::Constant)), 0.03);
        }
    }

    #[test]
    fn warmup_by_hand() {
        let s = spec(Kind::Warmup);
        let got: Vec<f32> = (0..6).map(|t| lr_at(t, 1.0, &s)).collect();
        assert_eq!(got, [0.25, 0.5, 0.75, 1.0, 1.0, 1.0]);
        assert_eq!(lr_at(0, 2.0, &LrSpec { warmup: 0, ..s }), 2.0);
    }

    #[test]
    fn cosine_by_hand() {
        // warmup 4, steps 14: decay over t = 4..14; t = 9 is halfway (cos(π/2) = 0 → ½).
        let s = spec(Kind::Cosine);
        assert_eq!(lr_at(0, 1.0, &s), 0.25);
        assert_eq!(lr_at(3, 1.0, &s), 1.0);
        assert_eq!(lr_at(4, 1.0, &s), 1.0);
        assert!((lr_at(9, 1.0, &s) - 0.5).abs() < 1e-7);
        // t = 6: x = 0.2, ½(1 + cos(0.2π)) = 0.904508…
        assert!((lr_at(6, 1.0, &s) - 0.904_508_5).abs() < 1e-6);
        assert_eq!(lr_at(14, 1.0, &s), 0.0);
        assert_eq!(lr_at(100, 1.0, &s), 0.0);
        // warmup ≥ steps: warmup, then 0.
        let w = LrSpec { warmup: 20, ..s };
        assert_eq!(lr_at(19, 1.0, &w), 1.0);
        assert_eq!(lr_at(20, 1.0, &w), 0.0);
    }

    #[test]
    fn step_decay_by_hand() {
        let s = spec(Kind::Step);
        let got: Vec<f32> = (0..8).map(|t| lr_at(t, 0.8, &s)).collect();
        assert_eq!(got, [0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2]);
        assert_eq!(lr_at(5, 0.8, &LrSpec { decay_every: 0, ..s }), 0.8 * 0.5f32.powi(5));
        assert!(lr_at(u64::MAX, 1.0, &s) >= 0.0);
    }
}
