//! Trains the KAN-vs-MLP runs of `kanvs::plan` in pieces: the side-by-side pair first (the one
//! behind goes next, so their curves grow together), then the scaling runs one after another.
//! Each call of [`KanVsMlp::pump`] queues at most `budget` steps; a run records its test metric
//! every `kanvs::every(steps)` steps (a non-blocking snapshot, so it works with WebGPU's
//! asynchronous readbacks in the page as well as on the CPU). Pure Rust, native-tested.

use super::kanvs::{self, Arch, Metric, Spec};
use crate::core::data::Data;
use crate::engine::Backend;
use crate::experiment::Experiment;
use crate::train::Session;

/// Builds a run's data and backend (`kanvs::cpu_backend`, or the page's WebGPU for MLPs).
pub type Factory<'a> = dyn FnMut(&Experiment) -> Result<(Data, Box<dyn Backend>), String> + 'a;

/// One run and what it has recorded.
pub struct Run {
    pub spec: Spec,
    session: Option<Session>,
    /// (step, metric) at the recorded steps.
    pub curve: Vec<(f64, f64)>,
    pub done: bool,
    pub error: Option<String>,
    /// A snapshot was requested and not yet collected.
    pending: bool,
}

impl Run {
    /// The metric at the last recorded step.
    pub fn last(&self) -> Option<f64> {
        self.curve.last().map(|p| p.1)
    }
    /// The step reached.
    pub fn step(&self) -> u64 {
        self.session.as_ref().map_or(0, |s| s.backend.steps())
    }
}

/// The KAN-vs-MLP comparison of one experiment.
pub struct KanVsMlp {
    pub runs: Vec<Run>,
    pub steps: u64,
    pub every: u64,
    pub metric: Metric,
}

impl KanVsMlp {
    /// The runs of `kanvs::plan(e)` (none for an MLP link), not started.
    pub fn new(e: &Experiment) -> Self {
        let runs: Vec<Run> = kanvs::plan(e)
            .into_iter()
            .map(|spec| Run { spec, session: None, curve: Vec::new(), done: false, error: None, pending: false })
            .collect();
        let steps = runs.first().map_or(0, |r| r.spec.exp.steps);
        KanVsMlp { runs, steps, every: kanvs::every(steps), metric: Metric::of(e) }
    }

    /// Whether every run has finished (or failed).
    pub fn finished(&self) -> bool {
        self.runs.iter().all(|r| r.done)
    }

    /// Runs finished, of all.
    pub fn progress(&self) -> (usize, usize) {
        (self.runs.iter().filter(|r| r.done).count(), self.runs.len())
    }

    /// The run to advance now: the pair's run that is behind, else the first unfinished one.
    fn next(&self) -> Option<usize> {
        let pair = self.runs.iter().enumerate().filter(|(_, r)| r.spec.pair && !r.done);
        if let Some((i, _)) = pair.min_by_key(|(_, r)| r.step()) {
            return Some(i);
        }
        self.runs.iter().position(|r| !r.done)
    }

    /// Queue at most `budget` steps of the next run (and collect what has arrived). Returns
    /// false once everything is done. A run whose backend fails is marked done with its error.
    pub fn pump(&mut self, budget: usize, make: &mut Factory) -> bool {
        let Some(i) = self.next() else { return false };
        let (every, steps, metric) = (self.every, self.steps, self.metric);
        let run = &mut self.runs[i];
        if let Err(e) = advance(run, budget.max(1) as u64, every, steps, metric, make) {
            run.error = Some(e);
            run.done = true;
            run.session = None;
        }
        !self.finished()
    }

    /// Natively: train every run to the end.
    pub fn run_blocking(&mut self, make: &mut Factory) {
        while self.pump(1 << 20, make) {
            if let Some(s) = self.runs.iter_mut().find_map(|r| r.session.as_mut().filter(|_| r.pending)) {
                s.backend.wait();
            }
        }
    }

    /// The pair's curves (KAN first) for the steps chart.
    pub fn pair(&self) -> Vec<&Run> {
        self.runs.iter().filter(|r| r.spec.pair).collect()
    }

    /// Final metric against parameter count, per architecture, by increasing size (finished
    /// runs only).
    pub fn scaling(&self, arch: Arch) -> Vec<(f64, f64)> {
        let mut v: Vec<(f64, f64)> = self
            .runs
            .iter()
            .filter(|r| r.spec.arch == arch && r.done && r.error.is_none())
            .filter_map(|r| r.last().map(|m| (r.spec.params as f64, m)))
            .collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        v
    }
}

/// Collect a finished snapshot, then queue steps up to the next recorded step.
fn advance(
    run: &mut Run,
    budget: u64,
    every: u64,
    steps: u64,
    metric: Metric,
    make: &mut Factory,
) -> Result<(), String> {
    if run.session.is_none() {
        let (d, b) = make(&run.spec.exp)?;
        if d.train.is_empty() {
            return Err("no training points".into());
        }
        let mut s = Session::new(run.spec.exp.clone(), d, b, 0);
        run.pending = s.backend.request_snapshot(false);
        run.session = Some(s);
    }
    let s = run.session.as_mut().expect("built above");
    if run.pending {
        match s.pump() {
            Some(Ok(snap)) => {
                run.pending = false;
                run.curve.push((snap.step as f64, metric.value(&snap)));
                if snap.step >= steps {
                    run.done = true;
                    run.session = None;
                    return Ok(());
                }
            }
            Some(Err(e)) => return Err(e),
            None => return Ok(()),
        }
    }
    if s.backend.busy() {
        return Ok(());
    }
    let t = s.backend.steps();
    let next = ((t / every + 1) * every).min(steps);
    let k = (next - t).min(budget);
    s.train(k as usize);
    if s.backend.steps() >= next {
        run.pending = s.backend.request_snapshot(false);
    }
    Ok(())
}

/// The comparison of `e` trained to the end on the CPU, as JSON (the CLI's `kan_vs_mlp`): one
/// entry per run, in `kanvs::plan` order: `model` ("kan"/"mlp"), `label`, `params`, `pair`
/// (the side-by-side pair), `layers`, `grid` (KAN), the final metric under its name
/// (`test_rmse` or `test_error`) and `curve` [[step, metric], …]; `error` for a failed run.
pub fn report(e: &Experiment) -> serde_json::Value {
    let mut c = KanVsMlp::new(e);
    c.run_blocking(&mut kanvs::cpu_backend);
    let key = match c.metric {
        Metric::Rmse => "test_rmse",
        Metric::Error => "test_error",
    };
    let runs = c.runs.iter().map(|r| {
        let x = &r.spec.exp;
        let mut v = serde_json::json!({
            "model": if r.spec.arch == Arch::Kan { "kan" } else { "mlp" },
            "label": r.spec.label,
            "params": r.spec.params,
            "pair": r.spec.pair,
            "layers": x.layers,
            "curve": r.curve,
        });
        v[key] = r.last().into();
        if r.spec.arch == Arch::Kan {
            v["grid"] = x.grid.into();
        }
        if let Some(err) = &r.error {
            v["error"] = err.clone().into();
        }
        v
    });
    serde_json::Value::Array(runs.collect())
}
