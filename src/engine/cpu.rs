//! The CPU backend: a training step composed from the `core::ops` reference, exactly the
//! sequence of kernels the GPU step plan dispatches (gather → dense fwd × L → loss head →
//! dense bwd (weight, data) × L → optimizer). Runs natively and in wasm (the browser fallback).
//! Issue-4 layers (skips, dropout, z-based derivatives) use the `_ex` ops with the buffers the
//! layout asks for (`Layout::keeps_z`, `skip_src`, `skip_consumer`), as the GPU plan does.

use super::{reduce_stats, Backend, Setup, Snapshot, GRID_RES};
use crate::core::mlp::Layout;
use crate::core::ops::{
    dense_bwd_data_ex, dense_bwd_weight, dense_fwd_ex, gather, loss_head_ex, Dropout, FwdExtra, HeadOut, Prev,
};
use crate::core::optim::{grad_norms, norms, update, Masks, Method, StepHyper};

/// Scratch for one forward/backward pass at batch size B.
struct Scratch {
    xb: Vec<f32>,
    tb: Vec<u32>,
    acts: Vec<Vec<f32>>,
    /// Pre-activations of the slots that keep them (empty otherwise).
    zs: Vec<Vec<f32>>,
    /// Activation gradients of the slots with a residual skip (empty otherwise).
    ga: Vec<Vec<f32>>,
    dz: Vec<Vec<f32>>,
    loss: Vec<f32>,
    correct: Vec<f32>,
}

pub struct CpuBackend {
    s: Setup,
    t_train: Vec<u32>,
    t_test: Vec<u32>,
    grads: Vec<f32>,
    m1: Vec<f32>,
    m2: Vec<f32>,
    mask: Vec<f32>,
    lr_mask: Vec<f32>,
    /// Per-model raw gradient norms of the last step (NaN before the first).
    gnorm: Vec<f32>,
    scratch: Scratch,
    steps: u64,
    /// First step per model after which a weight was non-finite (see `Snapshot::bad`).
    bad: Vec<Option<u64>>,
    pending: Option<bool>,
    params_pending: bool,
}

impl CpuBackend {
    pub fn new(s: Setup, start_step: u64) -> Self {
        let l = &s.layout;
        let (mb, n) = (l.models * s.batch, l.p * l.models);
        let scratch = Scratch {
            xb: vec![0.0; mb * l.inputs()],
            tb: vec![0; mb],
            acts: l.layers.iter().map(|x| vec![0.0; mb * x.o]).collect(),
            zs: (0..l.layers.len()).map(|k| vec![0.0; if l.keeps_z(k) { mb * l.layers[k].o } else { 0 }]).collect(),
            ga: l.layers.iter().map(|x| vec![0.0; if x.skip > 0 { mb * x.o } else { 0 }]).collect(),
            dz: l.layers.iter().map(|x| vec![0.0; mb * x.o]).collect(),
            loss: vec![0.0; mb],
            correct: vec![0.0; mb],
        };
        let (m1, m2) = s.moments.clone().unwrap_or_else(|| (vec![0.0; n], vec![0.0; n]));
        let (t_train, t_test) = s.targets();
        CpuBackend {
            t_train,
            t_test,
            grads: vec![0.0; n],
            m1,
            m2,
            mask: l.decay_mask(),
            lr_mask: s.lr_mask(),
            gnorm: vec![f32::NAN; l.models],
            scratch,
            steps: start_step,
            bad: vec![None; l.models],
            pending: None,
            params_pending: false,
            s,
        }
    }

    pub fn params(&self) -> &[f32] {
        &self.s.params
    }

    /// Per-model L2 norms of the raw gradient of the last step (NaN before the first); with
    /// batch size 1 the per-example gradient norms of GraNd (`scores::per_example`).
    pub fn grad_norms(&self) -> &[f32] {
        &self.gnorm
    }

    /// One training step on the minibatch `idx` ([M, B]).
    pub fn step(&mut self, h: &StepHyper, idx: &[u32]) {
        let (l, b, sc) = (&self.s.layout, self.s.batch, &mut self.scratch);
        let i0 = l.inputs();
        gather(i0, &self.s.train.x, &self.t_train, idx, &mut sc.xb, &mut sc.tb);
        let nl = l.layers.len();
        let step = (self.steps + 1).min(u32::MAX as u64 - 1) as u32;
        let drop = |k: usize| l.drops(k).then(|| Dropout::new(l.dropout, self.s.seed, k, step));
        for k in 0..nl {
            let (before, rest) = sc.acts.split_at_mut(k);
            let (input, stride) = if k == 0 { (&sc.xb[..], b * i0) } else { (&before[k - 1][..], b * l.layers[k].i) };
            let skip = l.skip_src(k).map(|j| &before[j][..]);
            let z = l.keeps_z(k).then(|| &mut sc.zs[k][..]);
            let ex = FwdExtra { skip, drop: drop(k), z };
            dense_fwd_ex(&l.dims(k, b, stride), input, &self.s.params, &mut rest[0], ex);
        }
        let out = HeadOut { dz: &mut sc.dz[nl - 1], loss: &mut sc.loss, correct: &mut sc.correct };
        loss_head_ex(l.head, l.models, b, l.outputs(), b, &sc.acts[nl - 1], &sc.tb, out);
        for k in (0..nl).rev() {
            let (input, stride) = if k == 0 { (&sc.xb[..], b * i0) } else { (&sc.acts[k - 1][..], b * l.layers[k].i) };
            let d = l.dims(k, b, stride);
            dense_bwd_weight(&d, input, &sc.dz[k], &mut self.grads);
            if k > 0 {
                let (lo, hi) = sc.dz.split_at_mut(k);
                let (glo, ghi) = sc.ga.split_at_mut(k);
                let ps = &l.layers[k - 1];
                let prev = if l.keeps_z(k - 1) {
                    Prev::Z { z: &sc.zs[k - 1], act: ps.act, w0: l.w0, drop: drop(k - 1) }
                } else {
                    Prev::Output { a: &sc.acts[k - 1], act: ps.act }
                };
                let skip_g = l.skip_consumer(k).map(|c| &ghi[c - k][..]);
                let out_g = (ps.skip > 0).then(|| &mut glo[k - 1][..]);
                dense_bwd_data_ex(&d, &hi[0], &self.s.params, prev, skip_g, &mut lo[k - 1], out_g);
            }
        }
        self.gnorm = grad_norms(&self.grads, self.s.layout.p);
        let masks = Masks { decay: &self.mask, lr: &self.lr_mask };
        let method = Method::from(self.s.opt);
        update(method, &mut self.s.params, &self.grads, masks, &mut self.m1, &mut self.m2, &self.gnorm, h);
        self.steps += 1;
        let p = self.s.layout.p;
        for (mi, bad) in self.bad.iter_mut().enumerate() {
            if bad.is_none() && !self.s.params[mi * p..(mi + 1) * p].iter().all(|v| v.is_finite()) {
                *bad = Some(self.steps);
            }
        }
    }

    /// Per-model stats of a split, evaluation mode; model 0's per-example correctness is
    /// appended to `correct` when the setup asks for it.
    fn eval(&self, x: &[f32], t: &[u32], correct0: &mut Vec<f32>) -> Vec<super::Stats> {
        let l = &self.s.layout;
        let n = t.len();
        if n == 0 {
            return reduce_stats(&[], &[], l.models, 0);
        }
        let acts = l.forward(&self.s.params, x, n);
        let mn = l.models * n;
        let (mut dz, mut loss, mut correct) = (vec![0.0; mn * l.outputs()], vec![0.0; mn], vec![0.0; mn]);
        let out = HeadOut { dz: &mut dz, loss: &mut loss, correct: &mut correct };
        loss_head_ex(l.head, l.models, n, l.outputs(), 0, acts.last().unwrap(), t, out);
        if self.s.per_example {
            correct0.extend_from_slice(&correct[..n]);
        }
        reduce_stats(&loss, &correct, l.models, n)
    }

    /// Evaluate now (the CPU has no queue).
    pub fn snapshot(&self, grid: bool) -> Snapshot {
        let l: &Layout = &self.s.layout;
        let grid = (grid && self.s.grid_ok()).then(|| {
            let n = GRID_RES * GRID_RES;
            let acts = l.forward(&self.s.params, &self.s.grid, n);
            let out = acts.last().unwrap();
            (0..n).map(|k| l.score(&out[k * l.outputs()..(k + 1) * l.outputs()])).collect()
        });
        let mut correct = Vec::new();
        let train = self.eval(&self.s.train.x, &self.t_train, &mut correct);
        let test = self.eval(&self.s.test.x, &self.t_test, &mut correct);
        Snapshot {
            step: self.steps,
            train,
            test,
            correct,
            grid,
            bad: self.bad.clone(),
            wnorm: norms(&self.s.params, l.p),
            gnorm: self.gnorm.clone(),
        }
    }
}

impl Backend for CpuBackend {
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
    fn poll_params(&mut self) -> crate::engine::Polled<crate::engine::ParamState> {
        if !std::mem::take(&mut self.params_pending) {
            return None;
        }
        Some(Ok((self.s.params.clone(), self.m1.clone(), self.m2.clone())))
    }
}
