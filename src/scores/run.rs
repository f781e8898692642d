//! A score run in bounded pieces (issue 5): the scoring models (Feldman–Zhang halves, or
//! EL2N/GraNd seeds; `super` module doc), then, with `prune` > 0, the pruning curve's retraining
//! (Paul et al. 2021). The CLI drives it to the end with [`ScoreRun::finish`]; the page calls
//! [`ScoreRun::pump`] once per frame so training never blocks the browser, on WebGPU or the wasm
//! CPU backend.

use super::{prune_finish, prune_job, score_finish, score_job, Job, MakeBackend, PrunePoint, Scores};
use crate::experiment::Experiment;
use crate::train::{setup, Session};

enum Phase {
    Train,
    Params,
}

struct Active {
    session: Session,
    phase: Phase,
}

/// The state of a score run: scores first, then the pruning curve (when `prune` > 0).
pub struct ScoreRun {
    exp: Experiment,
    retrain: usize,
    job: Job,
    active: Option<Active>,
    pub scores: Option<Scores>,
    pub curve: Option<Vec<PrunePoint>>,
}

impl ScoreRun {
    /// A run of `e`'s scores; each pruning fraction retrains `retrain` seeds per variant.
    pub fn new(e: &Experiment, retrain: usize) -> Self {
        ScoreRun { exp: e.clone(), retrain: retrain.max(1), job: score_job(e), active: None, scores: None, curve: None }
    }

    /// Whether every part (scores, and the pruning curve when asked for) is done.
    pub fn done(&self) -> bool {
        self.scores.is_some() && (self.exp.prune <= 0.0 || self.curve.is_some())
    }

    /// (part, steps trained, steps of the part): part 0 = scoring, 1 = pruning curve.
    pub fn progress(&self) -> (usize, u64, u64) {
        let part = usize::from(self.scores.is_some());
        let now = self.active.as_ref().map_or(0, |a| a.session.backend.steps());
        (part, now.min(self.job.steps), self.job.steps)
    }

    /// Models trained together in the current part.
    pub fn models(&self) -> usize {
        self.job.exp.seeds.max(1) as usize
    }

    /// One bounded piece of work: build the part's backend, queue up to `budget` steps, or
    /// collect the parameters and finish the part. Ok(true) while work remains.
    pub fn pump(&mut self, budget: usize, make: &mut MakeBackend<'_>) -> Result<bool, String> {
        if self.done() {
            return Ok(false);
        }
        let Some(a) = self.active.as_mut() else {
            let (d, s) = setup(&self.job.exp);
            if d.train.is_empty() {
                return Err("no training points".into());
            }
            let backend = make(s)?;
            let mut session = Session::new(self.job.exp.clone(), d, backend, 0);
            if let Some(subs) = &self.job.subsets {
                session.set_subsets(subs.clone());
            }
            self.active = Some(Active { session, phase: Phase::Train });
            return Ok(true);
        };
        match a.phase {
            Phase::Train => {
                let now = a.session.backend.steps();
                if now < self.job.steps {
                    if !a.session.backend.busy() {
                        a.session.train((self.job.steps - now).min(budget.max(1) as u64) as usize);
                    }
                } else if a.session.backend.request_params() {
                    a.phase = Phase::Params;
                }
            }
            Phase::Params => {
                if let Some(r) = a.session.backend.poll_params() {
                    let params = r?.0;
                    let session = &self.active.take().expect("active part").session;
                    match &self.scores {
                        None => {
                            let s = score_finish(&self.exp, &self.job, &params, session);
                            if self.exp.prune > 0.0 {
                                self.job = prune_job(&self.exp, &s, self.retrain);
                            }
                            self.scores = Some(s);
                        }
                        Some(_) => self.curve = Some(prune_finish(&self.exp, self.retrain, &params, session)),
                    }
                }
            }
        }
        Ok(!self.done())
    }

    /// The current part's backend, when one is built.
    pub fn busy(&self) -> bool {
        self.active.as_ref().is_some_and(|a| a.session.backend.busy())
    }

    /// Natively: drive the run to the end, blocking.
    pub fn finish(&mut self, make: &mut MakeBackend<'_>) -> Result<(), String> {
        while self.pump(500, make)? {
            if let Some(a) = self.active.as_mut() {
                a.session.backend.wait();
            }
        }
        Ok(())
    }
}
