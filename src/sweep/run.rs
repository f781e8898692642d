//! The sweep runner: trains the groups of a sweep (`super::groups`) one after another, each on
//! its own backend from a caller-supplied factory (CPU or GPU, native or in the browser), and
//! records per point, at fixed steps, train/test loss and accuracy (and clean/noisy train
//! accuracy with label noise, `train::memo`). Non-blocking and steppable like
//! `train::Session`: [`SweepRun::pump`] does a bounded piece of work and returns; natively
//! [`SweepRun::run_blocking`] loops it. The records feed the error-vs-axis plot, the axis ×
//! steps heatmap (epoch-wise double descent) and the phase diagram (`plot::sweep`).
//! KANs and token models train through the same runner (`super::models`): [`SweepRun::pump_any`]
//! takes a factory for every model kind; [`SweepRun::pump`]'s MLP factory leaves them on their
//! CPU backends.

use super::models::{self, AnyFactory, ModelSetup};
use super::{build, expand, groups, SweepPoint};
use crate::core::mlp::Layout;
use crate::engine::{Backend, Setup, Snapshot};
use crate::experiment::{Experiment, Labels};
use crate::train::{memo, Session};

/// Evaluations per point over a run (plus step 0).
pub const RECORDS: u64 = 50;

/// Metrics of one point (mean over its seeds) or one model at one step. Clean/noisy train
/// accuracy are NaN without label noise.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Record {
    pub step: u64,
    pub train_loss: f32,
    pub test_loss: f32,
    pub train_acc: f32,
    pub test_acc: f32,
    pub clean_train_acc: f32,
    pub noisy_train_acc: f32,
}

impl Record {
    /// The mean of `rs` (NaN entries count as NaN; none: all NaN); the step of the first.
    pub fn mean(rs: &[Record]) -> Record {
        let n = if rs.is_empty() { f64::NAN } else { rs.len() as f64 };
        let m = |f: fn(&Record) -> f32| (rs.iter().map(|r| f(r) as f64).sum::<f64>() / n) as f32;
        Record {
            step: rs.first().map_or(0, |r| r.step),
            train_loss: m(|r| r.train_loss),
            test_loss: m(|r| r.test_loss),
            train_acc: m(|r| r.train_acc),
            test_acc: m(|r| r.test_acc),
            clean_train_acc: m(|r| r.clean_train_acc),
            noisy_train_acc: m(|r| r.noisy_train_acc),
        }
    }
}

/// What a point has recorded so far.
#[derive(Clone, Debug, PartialEq)]
pub struct PointResult {
    pub value: f64,
    pub value2: Option<f64>,
    /// Mean over the point's seeds, one row per recorded step.
    pub rows: Vec<Record>,
    /// Per seed, the latest record.
    pub seeds: Vec<Record>,
}

/// Builds a backend for an MLP group's setup (e.g. `CpuBackend::new(s, 0)` boxed).
pub type Factory<'a> = dyn FnMut(Setup) -> Result<Box<dyn Backend>, String> + 'a;

enum State {
    Train,
    Snap,
    Params(Snapshot),
}

struct Active {
    session: Session,
    members: Vec<usize>,
    /// The MLP layout (clean/noisy train accuracy); `None` for other models.
    layout: Option<Layout>,
    next: usize,
    state: State,
}

/// A sweep in progress.
pub struct SweepRun {
    pub exp: Experiment,
    pub points: Vec<SweepPoint>,
    pub results: Vec<PointResult>,
    groups: Vec<Vec<usize>>,
    cur: usize,
    active: Option<Active>,
    record_at: Vec<u64>,
    seeds: usize,
    /// Whether clean/noisy train accuracy is recorded (classification with label noise: `flip`,
    /// random labels, or `corrupt` on `mod`/`digits`).
    memo: bool,
}

/// The recorded steps of a run of `steps`: 0, then `RECORDS` evenly spaced steps to `steps`.
pub fn record_steps(steps: u64) -> Vec<u64> {
    let r = RECORDS.min(steps.max(1));
    let mut out = vec![0];
    for i in 1..=r {
        let t = ((steps as u128 * i as u128 + r as u128 / 2) / r as u128) as u64;
        if t > *out.last().unwrap_or(&0) {
            out.push(t);
        }
    }
    out
}

impl SweepRun {
    /// The run of `e`'s sweep (nothing trains until [`SweepRun::pump`]), batching widths by
    /// padding (GPU backends).
    pub fn new(e: &Experiment) -> Self {
        Self::with_padding(e, true)
    }

    /// The run of `e`'s sweep; `pad_widths` false (CPU backends): one group per width
    /// (`super::groups`).
    pub fn with_padding(e: &Experiment, pad_widths: bool) -> Self {
        let points = expand(e);
        let groups = groups(e, &points, pad_widths);
        let results = points
            .iter()
            .map(|p| PointResult { value: p.value, value2: p.value2, rows: vec![], seeds: vec![] })
            .collect();
        // Clean/noisy train accuracy reads MLP parameters (as the single run's CLI JSON).
        let mlp = e.model == crate::experiment::Model::Mlp;
        let noisy = e.flip > 0.0 || e.labels == Labels::Random || (e.data.is_vector() && e.corrupt > 0.0);
        let memo = !e.is_regression() && noisy
            || [e.sweep, e.sweep2].iter().any(|a| {
                use crate::experiment::SweepAxis::{Corrupt, Flip};
                matches!(a, Flip) || matches!(a, Corrupt) && e.data.is_vector()
            });
        SweepRun {
            exp: e.clone(),
            points,
            results,
            groups,
            cur: 0,
            active: None,
            record_at: record_steps(e.steps),
            seeds: e.seeds.max(1) as usize,
            memo: memo && mlp && !e.is_regression(),
        }
    }

    /// Whether clean/noisy train accuracy is recorded.
    pub fn has_memo(&self) -> bool {
        self.memo
    }

    /// Number of backends (groups) the sweep trains, one after another.
    pub fn group_count(&self) -> usize {
        self.groups.len()
    }

    /// True when every group has trained `steps` steps and recorded its last evaluation.
    pub fn done(&self) -> bool {
        self.cur >= self.groups.len()
    }

    /// (Model-steps done, model-steps in all): the progress of the run.
    pub fn progress(&self) -> (u64, u64) {
        let size = |g: &Vec<usize>| g.len() as u64 * self.seeds as u64;
        let total: u64 = self.groups.iter().map(|g| size(g) * self.exp.steps).sum();
        let mut done: u64 =
            self.groups[..self.cur.min(self.groups.len())].iter().map(|g| size(g) * self.exp.steps).sum();
        if let Some(a) = &self.active {
            done += a.session.backend.steps() * (a.members.len() * self.seeds) as u64;
        }
        (done, total)
    }

    /// The backend now training, if any (natively: `wait` on it between pumps).
    pub fn backend(&mut self) -> Option<&mut (dyn Backend + 'static)> {
        self.active.as_mut().map(|a| a.session.backend.as_mut())
    }

    /// Do a bounded piece of work: build the next group's backend, queue up to `budget`
    /// training steps, or collect a finished evaluation. Returns Ok(true) while work remains.
    /// MLP groups get their backend from `factory`; KAN and token-model groups train on the CPU
    /// (`models::cpu_backend`; [`SweepRun::pump_any`] chooses theirs).
    pub fn pump(&mut self, budget: usize, factory: &mut Factory) -> Result<bool, String> {
        self.pump_any(budget, &mut |_: &Experiment, s: ModelSetup| match s {
            ModelSetup::Mlp(s) => factory(s),
            other => Ok(models::cpu_backend(other)),
        })
    }

    /// [`SweepRun::pump`] with one factory for every model kind.
    pub fn pump_any(&mut self, budget: usize, factory: &mut AnyFactory) -> Result<bool, String> {
        if self.done() {
            return Ok(false);
        }
        let Some(a) = self.active.as_mut() else {
            let members = self.groups[self.cur].clone();
            let pts: Vec<&SweepPoint> = members.iter().map(|&i| &self.points[i]).collect();
            let (exp, data, setup) = if self.exp.model == crate::experiment::Model::Mlp {
                let (exp, data, setup) = build::group_setup(&pts)?;
                (exp, data, ModelSetup::Mlp(setup))
            } else {
                models::group_setup(&pts)?
            };
            let layout = match &setup {
                ModelSetup::Mlp(s) => Some(s.layout.clone()),
                _ => None,
            };
            let (batch, models) = (setup.batch(), setup.models());
            let backend = factory(&exp, setup)?;
            let session = Session::from_parts(exp, data, backend, batch, models, 0);
            self.active = Some(Active { session, members, layout, next: 0, state: State::Train });
            return Ok(true);
        };
        match std::mem::replace(&mut a.state, State::Train) {
            State::Train => {
                let target = self.record_at[a.next];
                let now = a.session.backend.steps();
                if now < target {
                    if !a.session.backend.busy() {
                        a.session.train((target - now).min(budget.max(1) as u64) as usize);
                    }
                } else if a.session.backend.request_snapshot(false) {
                    a.state = State::Snap;
                }
            }
            State::Snap => match a.session.backend.poll_snapshot() {
                None => a.state = State::Snap,
                Some(r) => {
                    let snap = r?;
                    if self.memo {
                        a.state = if a.session.backend.request_params() { State::Params(snap) } else { State::Snap };
                    } else {
                        self.record(&snap, None);
                    }
                }
            },
            State::Params(snap) => match a.session.backend.poll_params() {
                None => a.state = State::Params(snap),
                Some(r) => {
                    let params = r?.0;
                    let t = &a.session.data.train;
                    let layout = a.layout.as_ref().ok_or("clean/noisy accuracy needs an MLP")?;
                    let acc = memo::label_noise_acc(layout, &params, &t.x, &t.y, &t.flipped);
                    self.record(&snap, Some(acc));
                }
            },
        }
        Ok(!self.done())
    }

    /// Store a group's evaluation and move on (next recorded step, or next group).
    fn record(&mut self, snap: &Snapshot, acc: Option<Vec<(f32, f32)>>) {
        let Some(a) = self.active.as_mut() else { return };
        for (j, &pi) in a.members.iter().enumerate() {
            let per: Vec<Record> = (0..self.seeds)
                .map(|s| {
                    let m = j * self.seeds + s;
                    let (tr, te) = (snap.train[m], snap.test[m]);
                    let (c, n) = acc.as_ref().map_or((f32::NAN, f32::NAN), |v| v[m]);
                    Record {
                        step: snap.step,
                        train_loss: tr.loss,
                        test_loss: te.loss,
                        train_acc: tr.acc,
                        test_acc: te.acc,
                        clean_train_acc: c,
                        noisy_train_acc: n,
                    }
                })
                .collect();
            let res = &mut self.results[pi];
            res.rows.push(Record::mean(&per));
            res.seeds = per;
        }
        a.next += 1;
        if a.next >= self.record_at.len() {
            self.active = None;
            self.cur += 1;
        }
    }

    /// Natively: run the whole sweep, blocking; MLP backends from `factory` (others: CPU).
    pub fn run_blocking(&mut self, factory: &mut Factory) -> Result<(), String> {
        while self.pump(usize::MAX, factory)? {
            if let Some(b) = self.backend() {
                b.wait();
            }
        }
        Ok(())
    }

    /// Natively: run the whole sweep, blocking; every backend from `factory`.
    pub fn run_blocking_any(&mut self, factory: &mut AnyFactory) -> Result<(), String> {
        while self.pump_any(usize::MAX, factory)? {
            if let Some(b) = self.backend() {
                b.wait();
            }
        }
        Ok(())
    }

    /// The latest record of each point (mean over seeds), in point order.
    pub fn finals(&self) -> Vec<Option<Record>> {
        self.results.iter().map(|r| r.rows.last().copied()).collect()
    }
}
