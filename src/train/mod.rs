//! `train`: a session = data + backend + schedule + metric history. It owns everything that
//! must be identical across backends (batch order, Adam step count, live learning rate), so CPU
//! and GPU runs of one URL follow the same trajectory.

pub mod cadence;
pub mod history;
pub mod schedule;

use crate::core::data::{self, Data};
use crate::core::mlp::Layout;
use crate::core::optim::StepHyper;
use crate::engine::{Backend, Setup, Snapshot};
use crate::experiment::Experiment;
use history::{History, Row};
use schedule::BatchStream;

/// Points kept per curve before decimation.
pub const HISTORY_CAP: usize = 2000;

/// Build the backend-independent setup of an experiment (data, layout, initial weights).
pub fn setup(e: &Experiment) -> (Data, Setup) {
    let d = data::make(e);
    let layout = Layout::from_experiment(e, 1);
    let params = layout.init(e.seed);
    let s = Setup { seed: e.seed, ..Setup::new(layout, e.opt, e.batch(), d.train.clone(), d.test.clone(), params) };
    (d, s)
}

pub struct Session {
    pub exp: Experiment,
    pub data: Data,
    pub backend: Box<dyn Backend>,
    schedule: BatchStream,
    pub history: History,
    pub last: Option<Snapshot>,
    lr: f32,
    l2: f32,
    wd: f32,
}

impl Session {
    /// A session on `backend`, which must have been built from `setup(e)` at step `start`.
    pub fn new(exp: Experiment, data: Data, backend: Box<dyn Backend>, start: u64) -> Self {
        let batch = exp.batch();
        Self::from_parts(exp, data, backend, batch, 1, start)
    }

    /// A session over `models` models with batch size `batch` (benchmarks and sweeps build their
    /// setups directly; `exp` supplies seed, lr, l2 and wd).
    pub fn from_parts(
        exp: Experiment,
        data: Data,
        backend: Box<dyn Backend>,
        batch: usize,
        models: usize,
        start: u64,
    ) -> Self {
        let schedule = BatchStream::at_step(exp.seed, data.train.len(), batch, models, start);
        let (lr, l2, wd) = (exp.lr, exp.l2, exp.wd);
        Session { exp, data, backend, schedule, history: History::new(HISTORY_CAP), last: None, lr, l2, wd }
    }

    /// A session on the CPU reference.
    pub fn cpu(exp: &Experiment) -> Self {
        let (d, s) = setup(exp);
        Session::new(exp.clone(), d, Box::new(crate::engine::cpu::CpuBackend::new(s, 0)), 0)
    }

    /// Change the learning rate, L2 and weight decay live (applies from the next queued step).
    pub fn set_live(&mut self, lr: f32, l2: f32, wd: f32) {
        (self.lr, self.l2, self.wd) = (lr, l2, wd);
        (self.exp.lr, self.exp.l2, self.exp.wd) = (lr, l2, wd);
    }

    /// Queue `k` steps.
    pub fn train(&mut self, k: usize) {
        let t0 = self.backend.steps();
        let hyper: Vec<StepHyper> =
            (1..=k as u64).map(|j| StepHyper::new(self.lr, self.l2, t0 + j).with_wd(self.wd)).collect();
        let mut idx = Vec::with_capacity(k * self.exp.batch());
        self.schedule.fill(k, &mut idx);
        self.backend.train(&hyper, &idx);
    }

    /// Collect a finished snapshot into the history; returns it if one arrived.
    pub fn pump(&mut self) -> Option<Result<Snapshot, String>> {
        let r = self.backend.poll_snapshot()?;
        if let Ok(s) = &r {
            self.history.push(Row::from_snapshot(s));
            self.last = Some(s.clone());
        }
        Some(r)
    }

    /// Training steps that cost about as much as one evaluation: M models over both splits, plus
    /// the boundary grid (model 0) when `grid`, against 3 minibatch passes per step.
    pub fn eval_cost_steps(&self, grid: bool) -> f64 {
        let (b, m) = self.schedule.shape();
        let g = if grid { crate::engine::GRID_RES * crate::engine::GRID_RES } else { 0 };
        let points = m * (self.data.train.len() + self.data.test.len()) + g;
        points as f64 / (3 * b.max(1) * m.max(1)) as f64
    }

    /// A metrics cadence for this session (`cadence::Cadence`).
    pub fn cadence(&self, grid: bool) -> cadence::Cadence {
        cadence::Cadence::new(self.eval_cost_steps(grid))
    }

    /// Natively: evaluate now, blocking.
    pub fn snapshot_blocking(&mut self, grid: bool) -> Result<Snapshot, String> {
        while !self.backend.request_snapshot(grid) {
            self.backend.wait();
            if let Some(Err(e)) = self.pump() {
                return Err(e);
            }
        }
        loop {
            self.backend.wait();
            if let Some(r) = self.pump() {
                return r;
            }
        }
    }

    /// Natively: train `steps` steps, recording a row every `every` steps and at the end.
    pub fn run_blocking(&mut self, steps: u64, every: u64) -> Result<Snapshot, String> {
        if self.history.latest().is_none() {
            self.snapshot_blocking(false)?;
        }
        let every = every.max(1);
        while self.backend.steps() < steps {
            let k = (steps - self.backend.steps()).min(every - self.backend.steps() % every);
            self.train(k as usize);
            self.snapshot_blocking(false)?;
        }
        self.snapshot_blocking(false)
    }

    pub fn rows(&self) -> Vec<Row> {
        self.history.rows()
    }
}
