//! The KAN backend on the CPU (`model=kan`, issue 7): the `core::kan` reference layers with
//! the loss heads and optimizer of the MLP path (`core::ops::loss_head_ex`, `core::optim::update`,
//! grids frozen by their learning-rate mask). Grid changes are part of the run, so a link replays
//! them: pykan's grid updates from the training inputs (`fit(update_grid=True)`: every 5 steps
//! before step 50, G unchanged) and the URL's `refine` schedule (G → G′ at a step), both by
//! `core::kan::refine` (least squares, the function preserved). A refinement changes the
//! parameter count, so the optimizer state restarts (as pykan builds a new model).
//! The URL's `kprune` and `snap` schedules prune (pykan `prune`) and snap edges to symbolic
//! functions (pykan `fix_symbolic` / `auto_symbolic`) at their steps, after a refinement due at
//! the same step, pruning before snapping (`core::kan::prune`); `lamb` adds pykan's L1 + entropy
//! sparsity penalty (`core::kan::reg`) to the training loss. All of these are CPU-only, as are
//! the `relu` and `rational` bases (URL `basis`, `core::kan::basis`).

use super::{reduce_stats, Backend, Snapshot, Stats, GRID_RES};
use crate::core::data::{self, Data, Split};
use crate::core::kan::edges::{sym_bwd, sym_fwd};
use crate::core::kan::prune::{prune, snap_all, snap_edge};
use crate::core::kan::reg::{reg_bwd, reg_fwd, Sparsity};
use crate::core::kan::symbolic::{Snap, AUTO};
use crate::core::kan::{kan_bwd, kan_fwd, refine::refine, Batch, KanLayout};
use crate::core::ops::{gather, loss_head_ex, HeadKind, HeadOut};
use crate::core::optim::{grad_norms, norms, update, Masks, Method, StepHyper};
use crate::experiment::{Experiment, Optimizer};

/// pykan's `fit` defaults: grid updates every `stop_grid_update_step / grid_update_num` = 5 steps
/// before step 50.
pub const GRID_UPDATE_EVERY: u64 = 5;
pub const GRID_UPDATE_STOP: u64 = 50;

/// Everything a KAN backend is built from.
#[derive(Clone, Debug)]
pub struct KanSetup {
    pub layout: KanLayout,
    pub opt: Optimizer,
    pub batch: usize,
    pub train: Split,
    pub test: Split,
    /// Parameters [M, P] (grids included).
    pub params: Vec<f32>,
    /// Grid refinements (step, G′), by step.
    pub refine: Vec<(u64, usize)>,
    /// The boundary grid lifted to the inputs, [GRID_RES², inputs] (other lengths: none).
    pub grid: Vec<f32>,
    /// Symbolic snaps and prunings (step, threshold), by step.
    pub snaps: Vec<Snap>,
    pub kprune: Vec<(u64, f32)>,
    /// The sparsity penalty (λ = 0: off).
    pub sparsity: Sparsity,
}

/// The head of `e` (as `core::mlp::ModelSpec::from_experiment`).
pub fn head_of(e: &Experiment) -> HeadKind {
    if e.is_regression() {
        HeadKind::Regression
    } else if e.uses_ce() {
        HeadKind::Softmax { smooth: e.smooth }
    } else {
        HeadKind::Tanh
    }
}

/// The data and KAN setup of `e`: widths `e.widths()`, `grid`, `order`, seeds `seed + m`.
pub fn setup(e: &Experiment) -> (Data, KanSetup) {
    let d = data::make(e);
    let models = e.seeds.max(1) as usize;
    let layout = KanLayout::new(&e.widths(), e.grid as usize, e.order as usize, head_of(e), models).with_basis(e.basis);
    let params = layout.init(e.seed);
    let grid = data::DataSpec::from(e).lift().apply(&super::grid_points());
    let refine = e.refine.iter().map(|&(s, g)| (s, g as usize)).collect();
    let s = KanSetup {
        layout,
        opt: e.opt,
        batch: e.batch(),
        train: d.train.clone(),
        test: d.test.clone(),
        params,
        refine,
        grid,
        snaps: e.snap.clone(),
        kprune: e.kprune.clone(),
        sparsity: Sparsity { lamb: e.lamb, entropy: e.lamb_entropy },
    };
    (d, s)
}

/// Most parameters (all models, grids included) a KAN run may hold: 2²⁴ floats (64 MiB, ×4 with
/// gradients and moments).
pub const MAX_PARAMS: usize = 1 << 24;

/// `Err` naming the knobs when the KAN of `s` is too large to train.
pub fn check_size(s: &KanSetup) -> Result<(), String> {
    let total = s.layout.p.saturating_mul(s.layout.models);
    if total > MAX_PARAMS {
        return Err(format!(
            "KAN too large: {total} parameters over {} models (at most {MAX_PARAMS}); lower `layers`, `grid` or `seeds`",
            s.layout.models
        ));
    }
    Ok(())
}

/// The grid change (new G) due before step `t + 1` of a run of `s` whose grids have
/// `s.layout`'s G: the `refine` schedule's entry at `t`, else pykan's grid update (G unchanged)
/// every [`GRID_UPDATE_EVERY`] steps before [`GRID_UPDATE_STOP`]. Shared by every KAN backend.
/// Never for a basis without a grid (`rational`; `url::decode` reports its `refine` once).
pub fn grid_change_due(s: &KanSetup, t: u64) -> Option<usize> {
    if !s.layout.basis().has_grid() {
        return None;
    }
    if let Some(&(_, g)) = s.refine.iter().rev().find(|r| r.0 == t) {
        return Some(g);
    }
    let g = s.layout.layers.first().map_or(5, |l| l.g);
    (t < GRID_UPDATE_STOP && t.is_multiple_of(GRID_UPDATE_EVERY) && !s.train.is_empty()).then_some(g)
}

pub struct KanCpu {
    s: KanSetup,
    t_train: Vec<u32>,
    t_test: Vec<u32>,
    grads: Vec<f32>,
    m1: Vec<f32>,
    m2: Vec<f32>,
    decay: Vec<f32>,
    lr_mask: Vec<f32>,
    gnorm: Vec<f32>,
    steps: u64,
    bad: Vec<Option<u64>>,
    pending: Option<bool>,
    params_pending: bool,
}

/// The u32 targets of a split: class indices, or the regression targets' bits (NaN if missing).
pub fn targets(head: HeadKind, s: &Split) -> Vec<u32> {
    match head {
        HeadKind::Regression => (0..s.len()).map(|k| s.r.get(k).copied().unwrap_or(f32::NAN).to_bits()).collect(),
        _ => s.y.iter().map(|&v| v as u32).collect(),
    }
}

impl KanCpu {
    pub fn new(s: KanSetup, start_step: u64) -> Self {
        let (t_train, t_test) = (targets(s.layout.head, &s.train), targets(s.layout.head, &s.test));
        let mut b = KanCpu {
            t_train,
            t_test,
            grads: vec![],
            m1: vec![],
            m2: vec![],
            decay: vec![],
            lr_mask: vec![],
            gnorm: vec![f32::NAN; s.layout.models],
            steps: start_step,
            bad: vec![None; s.layout.models],
            pending: None,
            params_pending: false,
            s,
        };
        b.reset_state();
        b
    }

    fn reset_state(&mut self) {
        let l = &self.s.layout;
        let n = l.models * l.p;
        (self.grads, self.m1, self.m2) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
        (self.decay, self.lr_mask) = (l.decay_mask(), l.lr_mask_models());
    }

    pub fn layout(&self) -> &KanLayout {
        &self.s.layout
    }
    pub fn params(&self) -> &[f32] {
        &self.s.params
    }

    /// Refit every grid to `g` intervals from the training inputs (see `core::kan::refine`).
    /// A new G restarts the optimizer state.
    pub fn regrid(&mut self, g: usize) {
        let n = self.s.train.len();
        let same = self.s.layout.layers.first().is_some_and(|l| l.g == g);
        let (layout, params) = refine(&self.s.layout, &self.s.params, &self.s.train.x, n, g);
        (self.s.layout, self.s.params) = (layout, params);
        if !same {
            self.reset_state();
        }
    }

    /// The grid change due before step `self.steps + 1`, if any.
    fn due(&self) -> Option<usize> {
        grid_change_due(&self.s, self.steps)
    }

    /// Prunings and snaps due before step `self.steps + 1` (prune first), on the training inputs.
    fn edit_edges(&mut self) {
        let (t, mut changed) = (self.steps, 0);
        let x = &self.s.train.x;
        for &(_, th) in self.s.kprune.iter().filter(|p| p.0 == t) {
            changed += prune(&mut self.s.layout, &mut self.s.params, x, th);
        }
        for s in self.s.snaps.iter().filter(|s| s.step == t) {
            changed += if s.name == AUTO {
                snap_all(&mut self.s.layout, &mut self.s.params, x)
            } else {
                snap_edge(&mut self.s.layout, &mut self.s.params, x, s.layer, s.i, s.j, s.name)
            };
        }
        if changed > 0 {
            self.lr_mask = self.s.layout.lr_mask_models();
        }
    }

    /// One training step on the minibatch `idx` ([M, B]).
    pub fn step(&mut self, h: &StepHyper, idx: &[u32]) {
        if let Some(g) = self.due() {
            self.regrid(g);
        }
        if !self.s.train.is_empty() {
            self.edit_edges();
        }
        let (l, b) = (&self.s.layout, self.s.batch);
        let (m, i0) = (l.models, l.inputs());
        let (mut xb, mut tb) = (vec![0.0; m * b * i0], vec![0u32; m * b]);
        gather(i0, &self.s.train.x, &self.t_train, idx, &mut xb, &mut tb);
        let bt = |rows: usize, i: usize| Batch { models: m, rows, x_stride_m: rows * i, p: l.p };
        let mut acts: Vec<Vec<f32>> = Vec::with_capacity(l.layers.len());
        let mut gphi: Vec<Vec<f32>> = Vec::new();
        for (k, ly) in l.layers.iter().enumerate() {
            let mut out = vec![0.0; m * b * ly.o];
            let input = if k == 0 { &xb } else { &acts[k - 1] };
            kan_fwd(ly, bt(b, ly.i), input, &self.s.params, &mut out);
            sym_fwd(l, k, bt(b, ly.i), input, &mut out);
            if self.s.sparsity.lamb > 0.0 {
                gphi.push(reg_fwd(ly, bt(b, ly.i), input, &self.s.params, self.s.sparsity).1);
            }
            acts.push(out);
        }
        let last = acts.last_mut().expect("a KAN has a layer");
        if l.head == HeadKind::Tanh {
            last.iter_mut().for_each(|v| *v = v.tanh());
        }
        let (mut dz, mut loss, mut correct) = (vec![0.0; last.len()], vec![0.0; m * b], vec![0.0; m * b]);
        let out = HeadOut { dz: &mut dz, loss: &mut loss, correct: &mut correct };
        loss_head_ex(l.head, m, b, l.outputs(), b, last, &tb, out);
        for (k, ly) in l.layers.iter().enumerate().rev() {
            let input = if k == 0 { &xb } else { &acts[k - 1] };
            let mut dx = (k > 0).then(|| vec![0.0; m * b * ly.i]);
            kan_bwd(ly, bt(b, ly.i), input, &self.s.params, &dz, &mut self.grads, dx.as_deref_mut());
            if let Some(dx) = dx.as_deref_mut() {
                sym_bwd(l, k, bt(b, ly.i), input, &dz, dx);
            }
            if let Some(g) = gphi.get(k) {
                reg_bwd(ly, bt(b, ly.i), input, &self.s.params, g, &mut self.grads, dx.as_deref_mut());
            }
            if let Some(d) = dx {
                dz = d;
            }
        }
        self.gnorm = grad_norms(&self.grads, l.p);
        let masks = Masks { decay: &self.decay, lr: &self.lr_mask };
        update(
            Method::from(self.s.opt),
            &mut self.s.params,
            &self.grads,
            masks,
            &mut self.m1,
            &mut self.m2,
            &self.gnorm,
            h,
        );
        self.steps += 1;
        let p = l.p;
        for (mi, bad) in self.bad.iter_mut().enumerate() {
            if bad.is_none() && !self.s.params[mi * p..(mi + 1) * p].iter().all(|v| v.is_finite()) {
                *bad = Some(self.steps);
            }
        }
    }

    fn eval(&self, x: &[f32], t: &[u32]) -> Vec<Stats> {
        let l = &self.s.layout;
        let n = t.len();
        if n == 0 {
            return reduce_stats(&[], &[], l.models, 0);
        }
        let acts = l.forward(&self.s.params, x, n);
        let mn = l.models * n;
        let (mut dz, mut loss, mut correct) = (vec![0.0; mn * l.outputs()], vec![0.0; mn], vec![0.0; mn]);
        let out = HeadOut { dz: &mut dz, loss: &mut loss, correct: &mut correct };
        loss_head_ex(l.head, l.models, n, l.outputs(), 0, acts.last().expect("a KAN has a layer"), t, out);
        reduce_stats(&loss, &correct, l.models, n)
    }

    /// Evaluate now.
    pub fn snapshot(&self, grid: bool) -> Snapshot {
        let l = &self.s.layout;
        let cells = GRID_RES * GRID_RES;
        let grid = (grid && self.s.grid.len() == cells * l.inputs()).then(|| {
            let acts = l.forward(&self.s.params, &self.s.grid, cells);
            let (out, c) = (acts.last().expect("a KAN has a layer"), l.outputs());
            (0..cells).map(|k| score(l.head, &out[k * c..(k + 1) * c])).collect()
        });
        Snapshot {
            step: self.steps,
            train: self.eval(&self.s.train.x, &self.t_train),
            test: self.eval(&self.s.test.x, &self.t_test),
            grid,
            bad: self.bad.clone(),
            wnorm: norms(&self.s.params, l.p),
            gnorm: self.gnorm.clone(),
            correct: Vec::new(),
        }
    }
}

/// Boundary score of one output row (as `core::mlp::Layout::score`).
pub fn score(head: HeadKind, out: &[f32]) -> f32 {
    match head {
        HeadKind::Softmax { .. } if out.len() == 2 => ((out[1] - out[0]) * 0.5).tanh(),
        HeadKind::Softmax { .. } | HeadKind::OneHotMse => {
            (0..out.len()).fold(0, |a, j| if out[j] > out[a] { j } else { a }) as f32
        }
        _ => out[0],
    }
}

impl Backend for KanCpu {
    fn label(&self) -> String {
        "CPU".into()
    }
    fn steps(&self) -> u64 {
        self.steps
    }
    fn train(&mut self, hyper: &[StepHyper], idx: &[u32]) {
        let per = self.s.layout.models * self.s.batch;
        for (k, h) in hyper.iter().enumerate() {
            self.step(h, &idx[k * per..(k + 1) * per]);
        }
    }
    fn busy(&self) -> bool {
        false
    }
    fn idle(&self) -> bool {
        true
    }
    fn request_snapshot(&mut self, grid: bool) -> bool {
        if self.pending.is_some() {
            return false;
        }
        self.pending = Some(grid);
        true
    }
    fn poll_snapshot(&mut self) -> Option<Result<Snapshot, String>> {
        self.pending.take().map(|g| Ok(self.snapshot(g)))
    }
    fn wait(&mut self) {}
    fn request_params(&mut self) -> bool {
        self.params_pending = true;
        true
    }
    fn poll_params(&mut self) -> super::Polled<super::ParamState> {
        if !std::mem::take(&mut self.params_pending) {
            return None;
        }
        Some(Ok((self.s.params.clone(), self.m1.clone(), self.m2.clone())))
    }
    fn kan_state(&self) -> Option<(KanLayout, Vec<f32>)> {
        Some((self.s.layout.clone(), self.s.params.clone()))
    }
}
