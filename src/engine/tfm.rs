//! The token-model backend on the CPU (`model=emb`, `model=tfm`, issue 6): the `core::tfm`
//! reference models with the softmax cross-entropy head and the optimizer of the MLP path
//! (`core::optim::update`: AdamW with β1, β2, decoupled weight decay on matrices and
//! embeddings). The session's batch stream, live learning rate and schedule drive it exactly as
//! they drive an MLP, so the three models of one URL train on the same pairs in the same order.
//! `gpu::tfm::TfmGpu` is its GPU twin (same steps, checked by tests/gpu_tfm.rs): GPU requests
//! (`--backend gpu`, `backend=webgpu`) train there; this backend serves CPU runs.

use super::{reduce_stats, Backend, Snapshot, Stats};
use crate::core::data::{self, Data, Split};
use crate::core::optim::{grad_norms, norms, update, Masks, Method, StepHyper};
use crate::core::tfm::{tokens, EmbLayout, Net, PairLayout, TfmLayout, Tokens};
use crate::experiment::{Experiment, Model, Optimizer};

/// Everything a token-model backend is built from.
#[derive(Clone, Debug)]
pub struct TfmSetup {
    pub net: Net,
    pub opt: Optimizer,
    pub batch: usize,
    /// Label smoothing of the cross-entropy head.
    pub smooth: f32,
    pub train: Split,
    pub test: Split,
    /// Parameters [M, P].
    pub params: Vec<f32>,
}

/// The token model of `e` (`None` unless `model` is `emb` or `tfm`): `emb` of hidden width
/// `layers[0]` (24 when none), or with two widths `layers=D,H` PAIR's factored form
/// (`core::tfm::pair`: a D-wide tied embedding, H hidden units); `tfm` of `d_model`, `heads`,
/// `tfm_layers`, `d_mlp`, `ln`; seeds `seed + m`.
pub fn net_of(e: &Experiment) -> Option<Net> {
    let (p, models) = (e.modulus(), e.seeds.max(1) as usize);
    match e.model {
        Model::Emb => match e.layers[..] {
            [d, h, ..] => Some(Net::Pair(PairLayout::new(p, d as usize, h as usize, models))),
            _ => Some(Net::Emb(EmbLayout::new(p, e.layers.first().map_or(24, |&w| w as usize), models))),
        },
        Model::Tfm => {
            let (d, h, l, f) = (e.d_model as usize, e.heads as usize, e.tfm_layers as usize, e.d_mlp as usize);
            Some(Net::Tfm(TfmLayout::new(p, d, h, l, f, e.ln, models)))
        }
        _ => None,
    }
}

/// The data and setup of a token model (`Err` for any other model).
pub fn setup(e: &Experiment) -> Result<(Data, TfmSetup), String> {
    let net = net_of(e).ok_or_else(|| format!("model {:?} is not a token model", e.model))?;
    let d = data::make(e);
    let params = net.init(e.seed);
    let s = TfmSetup {
        net,
        opt: e.opt,
        batch: e.batch(),
        smooth: e.smooth,
        train: d.train.clone(),
        test: d.test.clone(),
        params,
    };
    Ok((d, s))
}

/// Most parameters (all models) a token model may hold on the CPU: 2²⁴ floats.
pub const MAX_PARAMS: usize = 1 << 24;

/// `Err` naming the knobs when the model of `s` is too large to train.
pub fn check_size(s: &TfmSetup) -> Result<(), String> {
    let total = s.net.p().saturating_mul(s.net.models());
    if total > MAX_PARAMS {
        return Err(format!(
            "model too large: {total} parameters over {} models (at most {MAX_PARAMS}); lower `d_model`, `d_mlp`, `layers` or `seeds`",
            s.net.models()
        ));
    }
    Ok(())
}

pub struct TfmCpu {
    s: TfmSetup,
    /// Token rows of the splits, [N, width].
    tok_train: Vec<u32>,
    tok_test: Vec<u32>,
    y_train: Vec<u32>,
    y_test: Vec<u32>,
    grads: Vec<f32>,
    m1: Vec<f32>,
    m2: Vec<f32>,
    decay: Vec<f32>,
    lr_mask: Vec<f32>,
    gnorm: Vec<f32>,
    steps: u64,
    bad: Vec<Option<u64>>,
    pending: bool,
    params_pending: bool,
}

impl TfmCpu {
    pub fn new(s: TfmSetup, start_step: u64) -> Self {
        let (p, eq) = (s.net.classes(), s.net.width() == 3);
        let n = s.net.models() * s.net.p();
        let y = |sp: &Split| sp.y.iter().map(|&v| v as u32).collect();
        TfmCpu {
            tok_train: tokens(&s.train, p, eq),
            tok_test: tokens(&s.test, p, eq),
            y_train: y(&s.train),
            y_test: y(&s.test),
            grads: vec![0.0; n],
            m1: vec![0.0; n],
            m2: vec![0.0; n],
            decay: s.net.decay_mask(),
            lr_mask: vec![1.0; s.net.p()],
            gnorm: vec![f32::NAN; s.net.models()],
            steps: start_step,
            bad: vec![None; s.net.models()],
            pending: false,
            params_pending: false,
            s,
        }
    }

    pub fn net(&self) -> &Net {
        &self.s.net
    }
    pub fn params(&self) -> &[f32] {
        &self.s.params
    }

    /// One training step on the minibatch `idx` ([M, B] indices into the training split).
    pub fn step(&mut self, h: &StepHyper, idx: &[u32]) {
        let (w, p) = (self.s.net.width(), self.s.net.p());
        let mut ids = Vec::with_capacity(idx.len() * w);
        let mut y = Vec::with_capacity(idx.len());
        for &i in idx {
            let i = i as usize;
            ids.extend_from_slice(&self.tok_train[i * w..(i + 1) * w]);
            y.push(self.y_train[i]);
        }
        let b = self.s.batch;
        let t = Tokens { ids: &ids, n: b, stride_m: b * w };
        self.grads.fill(0.0);
        self.s.net.grad(&self.s.params, &t, &y, self.s.smooth, &mut self.grads);
        self.gnorm = grad_norms(&self.grads, p);
        let masks = Masks { decay: &self.decay, lr: &self.lr_mask };
        let method = Method::from(self.s.opt);
        update(method, &mut self.s.params, &self.grads, masks, &mut self.m1, &mut self.m2, &self.gnorm, h);
        self.steps += 1;
        for (mi, bad) in self.bad.iter_mut().enumerate() {
            if bad.is_none() && !self.s.params[mi * p..(mi + 1) * p].iter().all(|v| v.is_finite()) {
                *bad = Some(self.steps);
            }
        }
    }

    /// Loss and accuracy of every model over a whole split, in chunks of at most 2048 examples,
    /// and model 0's per-example correctness.
    fn eval(&self, tok: &[u32], y: &[u32]) -> (Vec<Stats>, Vec<f32>) {
        let (m, n, w, c) = (self.s.net.models(), y.len(), self.s.net.width(), self.s.net.classes());
        let (mut loss, mut correct) = (vec![0.0; m * n], vec![0.0; m * n]);
        let mut at = 0;
        while at < n {
            let k = (n - at).min(2048);
            let t = Tokens { ids: &tok[at * w..(at + k) * w], n: k, stride_m: 0 };
            let logits = self.s.net.logits(&self.s.params, &t);
            let (mut dz, mut l, mut ok) = (vec![0.0; m * k * c], vec![0.0; m * k], vec![0.0; m * k]);
            let out = crate::core::ops::HeadOut { dz: &mut dz, loss: &mut l, correct: &mut ok };
            let head = crate::core::ops::HeadKind::Softmax { smooth: self.s.smooth };
            crate::core::ops::loss_head_ex(head, m, k, c, 0, &logits, &y[at..at + k], out);
            for mi in 0..m {
                loss[mi * n + at..][..k].copy_from_slice(&l[mi * k..][..k]);
                correct[mi * n + at..][..k].copy_from_slice(&ok[mi * k..][..k]);
            }
            at += k;
        }
        (reduce_stats(&loss, &correct, m, n), correct[..n].to_vec())
    }

    /// Evaluate now (no boundary grid: the inputs are tokens).
    pub fn snapshot(&self) -> Snapshot {
        let ((train, mut correct), (test, c_test)) =
            (self.eval(&self.tok_train, &self.y_train), self.eval(&self.tok_test, &self.y_test));
        // Model 0's per-example correctness, train then test (clean / corrupted curves, a×b table).
        correct.extend(c_test);
        Snapshot {
            step: self.steps,
            train,
            test,
            correct,
            grid: None,
            bad: self.bad.clone(),
            wnorm: norms(&self.s.params, self.s.net.p()),
            gnorm: self.gnorm.clone(),
        }
    }
}

impl Backend for TfmCpu {
    fn label(&self) -> String {
        "CPU".into()
    }
    fn steps(&self) -> u64 {
        self.steps
    }
    fn train(&mut self, hyper: &[StepHyper], idx: &[u32]) {
        let per = self.s.net.models() * self.s.batch;
        for (k, h) in hyper.iter().enumerate() {
            if let Some(i) = idx.get(k * per..(k + 1) * per) {
                self.step(h, i);
            }
        }
    }
    fn busy(&self) -> bool {
        false
    }
    fn idle(&self) -> bool {
        true
    }
    fn request_snapshot(&mut self, _grid: bool) -> bool {
        !std::mem::replace(&mut self.pending, true)
    }
    fn poll_snapshot(&mut self) -> Option<Result<Snapshot, String>> {
        std::mem::take(&mut self.pending).then(|| Ok(self.snapshot()))
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
}
