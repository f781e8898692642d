//! `train`: a session = data + backend + schedule + metric history. It owns everything that
//! must be identical across backends (batch order, Adam step count, live learning rate), so CPU
//! and GPU runs of one URL follow the same trajectory.

pub mod cadence;
pub mod grok;
pub mod history;
pub mod live;
pub mod lr;
pub mod memo;
pub mod progress;
pub mod schedule;
pub mod wedit;

use crate::core::data::{self, Data};
use crate::core::init::{self, InitSpec};
use crate::core::mlp::Layout;
use crate::core::optim::{Method, OptSpec, StepHyper};
use crate::engine::{Backend, Setup, Snapshot};
use crate::experiment::Experiment;
use history::{History, Row};
use schedule::BatchStream;

/// Points kept per curve before decimation.
pub const HISTORY_CAP: usize = 2000;

/// Build the backend-independent setup of an experiment (data, layout, initial weights and
/// learning-rate multipliers of its `init`, `alpha`, `base`).
pub fn setup(e: &Experiment) -> (Data, Setup) {
    setup_with(e, &InitSpec::from_experiment(e))
}

/// `setup` with an initialization scheme (`core::init`): initial weights and per-parameter
/// learning-rate multipliers from `init::plan`.
pub fn setup_with(e: &Experiment, spec: &InitSpec) -> (Data, Setup) {
    let d = data::make(e);
    let mut layout = Layout::from_experiment(e, e.seeds.max(1) as usize);
    let plan = init::plan(&layout, spec, Method::from(e.opt));
    // The forward multipliers of the parametrization (NTK, μP) act in the dense ops.
    for (slot, li) in layout.layers.iter_mut().zip(&plan.layers) {
        slot.mult = li.fwd_mult;
    }
    let params = plan.params(&layout, e.seed);
    let lr_mask = plan.lr_mask(&layout);
    // The boundary grid lifted through the experiment's input features (as the data); none for
    // inputs that are not plot coordinates (one-hot pairs, pixels).
    let grid =
        if e.data.is_vector() { vec![] } else { data::DataSpec::from(e).lift().apply(&crate::engine::grid_points()) };
    let s = Setup {
        seed: e.seed,
        grid,
        lr_mask,
        // Label noise (clean / flipped accuracy over steps) and the a × b table of `data=mod`.
        per_example: d.train.flipped.iter().any(|&f| f) || e.data == crate::experiment::Dataset::Mod,
        ..Setup::new(layout, e.opt, e.batch(), d.train.clone(), d.test.clone(), params)
    };
    (d, s)
}

pub struct Session {
    /// Live edits: (step, "key=value, …"), drawn on the curves.
    pub markers: Vec<(u64, String)>,
    /// Grokking milestones of model 0, from every snapshot (`grok`).
    pub milestones: grok::Milestones,
    pub exp: Experiment,
    pub data: Data,
    pub backend: Box<dyn Backend>,
    schedule: BatchStream,
    pub history: History,
    pub last: Option<Snapshot>,
    lr: f32,
    l2: f32,
    wd: f32,
    opt: OptSpec,
    sched: lr::LrSpec,
    /// Hand edits (`exp.wedit`) applied so far (`wedit.rs`).
    applied: usize,
    /// Natively: how `apply_due_blocking` builds the backend after a hand edit (CPU if `None`).
    pub rebuild: Option<wedit::Rebuild>,
}

impl Session {
    /// A session on `backend`, which must have been built from `setup(e)` at step `start`
    /// (`e.seeds` models, seeds `seed`, `seed + 1`, …, all seeing the same batches).
    pub fn new(exp: Experiment, data: Data, backend: Box<dyn Backend>, start: u64) -> Self {
        let (batch, models) = (exp.batch(), exp.seeds.max(1) as usize);
        Self::from_parts(exp, data, backend, batch, models, start)
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
        let (opt, sched) = (OptSpec::from_experiment(&exp), lr::LrSpec::from_experiment(&exp));
        let applied = exp.wedit.iter().filter(|w| w.step < start).count();
        Session {
            applied,
            rebuild: None,
            exp,
            data,
            backend,
            schedule,
            history: History::new(HISTORY_CAP),
            last: None,
            lr,
            l2,
            wd,
            opt,
            sched,
            markers: Vec::new(),
            milestones: grok::Milestones::default(),
        }
    }

    /// Per-model training subsets from the current step on: model m draws its batches only from
    /// `subsets[m]` (indices into the training split; `schedule::BatchStream::with_subsets`).
    /// `subsets.len()` must be the backend's number of models.
    pub fn set_subsets(&mut self, subsets: Vec<Vec<u32>>) {
        let (batch, _) = self.schedule.shape();
        self.schedule = BatchStream::with_subsets(self.exp.seed, batch, subsets, self.backend.steps());
    }

    /// Set the optimizer options and the learning-rate schedule (from the next queued step).
    pub fn set_optim(&mut self, opt: OptSpec, sched: lr::LrSpec) {
        (self.opt, self.sched) = (opt, sched);
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

    /// Apply an edit whose training keys are all live (`live::classify` said `Live` or `View`):
    /// the per-step options follow `e` from the next queued step, and a marker at the current
    /// step records what changed. Returns the marker text ("" for view-only edits).
    pub fn apply_live(&mut self, e: &Experiment) -> String {
        let keys = live::changed_keys(&self.exp, e);
        let live: Vec<&str> = keys.into_iter().filter(|k| live::LIVE.contains(k)).collect();
        let view = (e.show_test, e.discretize, e.logx, e.hide.clone());
        (self.exp.show_test, self.exp.discretize, self.exp.logx, self.exp.hide) = view;
        if live.is_empty() {
            return String::new();
        }
        let text = live::marker(e, &live);
        let mut next = self.exp.clone();
        for k in &live {
            match *k {
                "lr" => next.lr = e.lr,
                "sched" => next.sched = e.sched,
                "warmup" => next.warmup = e.warmup,
                "decay_every" => next.decay_every = e.decay_every,
                "decay" => next.decay = e.decay,
                "momentum" => next.momentum = e.momentum,
                "nesterov" => next.nesterov = e.nesterov,
                "beta1" => next.beta1 = e.beta1,
                "beta2" => next.beta2 = e.beta2,
                "clip" => next.clip = e.clip,
                "l1" => next.l1 = e.l1,
                "l2" => next.l2 = e.l2,
                "wd" => next.wd = e.wd,
                "gnoise" => next.gnoise = e.gnoise,
                _ => next.steps = e.steps,
            }
        }
        self.set_live(next.lr, next.l2, next.wd);
        self.set_optim(OptSpec::from_experiment(&next), lr::LrSpec::from_experiment(&next));
        self.exp = next;
        self.markers.push((self.backend.steps(), text.clone()));
        text
    }

    /// Queue `k` steps, never past the next hand edit (`wedit.rs`).
    pub fn train(&mut self, k: usize) {
        let t0 = self.backend.steps();
        let k = match self.next_edit_step() {
            Some(at) if at >= t0 => k.min((at - t0) as usize),
            _ => k,
        };
        if k == 0 {
            return;
        }
        let hyper: Vec<StepHyper> = (t0 + 1..=t0 + k as u64)
            .map(|t| self.opt.hyper(lr::lr_at(t - 1, self.lr, &self.sched), self.l2, self.wd, t))
            .collect();
        let mut idx = Vec::with_capacity(k * self.exp.batch());
        self.schedule.fill(k, &mut idx);
        self.backend.train(&hyper, &idx);
    }

    /// Collect a finished snapshot into the history; returns it if one arrived.
    pub fn pump(&mut self) -> Option<Result<Snapshot, String>> {
        let r = self.backend.poll_snapshot()?;
        if let Ok(s) = &r {
            let mut row = Row::from_snapshot(s);
            if self.data.train.flipped.iter().any(|&f| f) {
                (row.clean_acc, row.noisy_acc) = memo::subset_acc(&s.correct, &self.data.train.flipped);
            }
            self.milestones.observe(row.step, row.train_acc, row.test_acc);
            self.history.push(row);
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
            self.apply_due_blocking()?;
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
