//! The page's training driver (not reactive): owns the session, builds it on the chosen backend
//! (WebGPU when an adapter exists, else the wasm CPU path, saying why), and runs training in
//! frame-sized chunks from `requestAnimationFrame`, so the UI stays responsive (DESIGN.md §3).
//! GPU work is throttled by submits in flight; metrics are requested about every 100 ms, or less
//! often when evaluating is slow (`train::cadence`).

use crate::engine::cpu::CpuBackend;
use crate::engine::{ParamState, Snapshot};
use crate::experiment::{BackendChoice, Experiment};
use crate::gpu::{memory, GpuBackend, GpuContext};
use crate::train::cadence::Cadence;
use crate::train::{setup, Session};
use std::sync::Arc;

/// Milliseconds of CPU training per frame on the CPU path.
const CPU_FRAME_MS: f64 = 12.0;
/// A GPU chunk that took longer than this (submit to done) halves the next one, down to one
/// step: a 16-GFLOP `grok-nanda` step takes ~35 s on SwiftShader, so chunks of 8 would show
/// nothing for minutes.
const GPU_SLOW_CHUNK_MS: f64 = 1000.0;
/// GPU weights are copied back about this often (device-loss recovery).
const SYNC_MS: f64 = 1000.0;
/// Weights are read back about this often while the network diagram or the class
/// probabilities are shown (they are drawn from them), for models of at most `FAST_P`
/// parameters (larger ones: every `SYNC_MS`, the maps cost ~2·P flops a point).
const VIEW_MS: f64 = 250.0;
const FAST_P: usize = 5_000;

/// Which engine a session ended up on.
#[derive(Clone, Debug, PartialEq)]
pub struct BackendInfo {
    pub kind: &'static str,
    pub label: String,
    /// Why the CPU is used when WebGPU was possible to ask for.
    pub note: Option<String>,
}

pub struct Runner {
    pub session: Option<Session>,
    pub info: Option<BackendInfo>,
    pub(super) gpu: Option<Arc<GpuContext>>,
    gpu_error: Option<String>,
    pub running: bool,
    k: usize,
    /// When the GPU chunk in flight was submitted.
    chunk_t: Option<f64>,
    cadence: Cadence,
    rate_mark: Option<(f64, u64)>,
    pub rate: f64,
    pub generation: u64,
    /// Step of the last snapshot whose losses were finite (divergence reports).
    pub last_finite_step: u64,
    /// Last weights read back from the GPU (params, moments) and the step they belong to.
    pub(super) synced: Option<(ParamState, u64)>,
    /// Step of the weights readback in flight.
    sync_pending: Option<u64>,
    sync_t: f64,
    /// Step of the last weights read back (none are read again until training moves on).
    read_step: Option<u64>,
    /// A parameter export was asked for: the next readback is also handed to `exported`.
    pub want_params: bool,
    /// Parameters read back for an export, with their step.
    pub exported: Option<(ParamState, u64)>,
    /// The session's parameter layout (neuron thumbnails).
    pub layout: Option<crate::core::mlp::Layout>,
    /// Read the parameters about every second on the CPU too (neuron thumbnails shown).
    pub thumbs: bool,
    /// The latest parameters read back and their step.
    pub latest: Option<(ParamState, u64)>,
    /// Counts the readbacks stored in `latest` (the views draw each one once).
    pub latest_seq: u64,
    /// Weights to set by hand (the user's, or the link's `wedit` due now), waiting for the
    /// weights at the current step (training pauses meanwhile).
    pub edits: Vec<crate::experiment::WeightEdit>,
    /// `edits` is the user's (added to the link once applied), not the link's replayed.
    pub user_edit: bool,
    /// The weights at the current step for `edit`, once read.
    pub(super) edit_ready: Option<(ParamState, u64)>,
    /// What became of the last hand edit: what the page says and, for the user's edit, the
    /// link's new `wedit` list; or why it failed.
    pub edit_result: Option<super::resume::EditResult>,
}

pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

impl Default for Runner {
    fn default() -> Self {
        Runner {
            session: None,
            info: None,
            gpu: None,
            gpu_error: None,
            running: false,
            k: 8,
            chunk_t: None,
            cadence: Cadence::new(0.0),
            rate_mark: None,
            rate: 0.0,
            generation: 0,
            last_finite_step: 0,
            synced: None,
            sync_pending: None,
            sync_t: 0.0,
            read_step: None,
            want_params: false,
            exported: None,
            layout: None,
            thumbs: false,
            latest: None,
            latest_seq: 0,
            edits: Vec::new(),
            user_edit: false,
            edit_ready: None,
            edit_result: None,
        }
    }
}

impl Runner {
    /// The GPU context, created once per page (None with the reason when WebGPU is unavailable).
    pub async fn gpu_context(this: &std::rc::Rc<std::cell::RefCell<Runner>>) -> Result<Arc<GpuContext>, String> {
        if let Some(c) = this.borrow().gpu.clone() {
            if c.lost_reason().is_none() {
                return Ok(c);
            }
        }
        if let Some(e) = this.borrow().gpu_error.clone() {
            return Err(e);
        }
        match GpuContext::new().await {
            Ok(c) => {
                #[allow(clippy::arc_with_non_send_sync)] // wasm is single-threaded; natively the context is Send
                let c = Arc::new(c);
                CURRENT_GPU.with(|g| *g.borrow_mut() = Some(c.clone()));
                this.borrow_mut().gpu = Some(c.clone());
                Ok(c)
            }
            Err(e) => {
                let msg = format!("WebGPU unavailable ({e})");
                this.borrow_mut().gpu_error = Some(msg.clone());
                Err(msg)
            }
        }
    }

    /// Build a session for `e` on `gpu` (if given) or the CPU. `Err` when the experiment is
    /// too large for the device or the budget.
    pub fn build(e: &Experiment, gpu: Result<Arc<GpuContext>, String>) -> Result<(Session, BackendInfo), String> {
        super::dataedit_logic::check_trainable(e)?; // no drawn points: nothing to train on
        if e.model == crate::experiment::Model::Kan {
            // KAN (issue 7): the CPU reference unless the link asks for WebGPU (`backend=webgpu`)
            // and `gpu::kan::gpu_supports` it: KANs this small step faster on the CPU (measured
            // natively, lavapipe: [2,5,1] ≈ 7,950 vs 760 steps/s), and the KAN panel reads the
            // live weights every frame (`Backend::kan_state`). No MLP layout for the thumbnails.
            LAYOUT.with(|l| *l.borrow_mut() = None);
            let (d, s) = crate::engine::kan::setup(e);
            crate::engine::kan::check_size(&s)?;
            if e.backend == BackendChoice::Webgpu && crate::gpu::kan::gpu_supports(e) {
                if let Ok(ctx) = &gpu {
                    let label = ctx.label.clone();
                    let b = crate::gpu::kan::KanGpu::new(ctx.clone(), s, 0)?;
                    return Ok((
                        Session::new(e.clone(), d, Box::new(b), 0),
                        BackendInfo { kind: "webgpu", label, note: None },
                    ));
                }
            }
            let b = crate::engine::kan::KanCpu::new(s, 0);
            let note = match (&gpu, e.backend) {
                (_, BackendChoice::Cpu) => None,
                (Ok(_), BackendChoice::Auto) => None,
                (Err(why), _) => Some(format!("{why}; training on the CPU")),
                (Ok(_), _) => Some(format!("this KAN trains on the CPU ({})", crate::gpu::kan::cpu_reason(e))),
            };
            return Ok((
                Session::new(e.clone(), d, Box::new(b), 0),
                BackendInfo { kind: "cpu", label: "CPU".into(), note },
            ));
        }
        if matches!(e.model, crate::experiment::Model::Emb | crate::experiment::Model::Tfm) {
            // Token models (issue 6): `gpu::tfm::TfmGpu` on WebGPU, else the CPU reference
            // backend within the page's CPU budget; no MLP layout for the thumbnails.
            LAYOUT.with(|l| *l.borrow_mut() = None);
            let (d, s) = crate::engine::tfm::setup(e)?;
            crate::engine::tfm::check_size(&s)?;
            if e.backend != BackendChoice::Cpu {
                if let Ok(ctx) = &gpu {
                    let label = ctx.label.clone();
                    let b = crate::gpu::tfm::TfmGpu::new(ctx.clone(), s, 0)?;
                    return Ok((
                        Session::new(e.clone(), d, Box::new(b), 0),
                        BackendInfo { kind: "webgpu", label, note: None },
                    ));
                }
            }
            token_work_check(&s)?;
            let b = crate::engine::tfm::TfmCpu::new(s, 0);
            let note = match (&gpu, e.backend) {
                (Err(why), BackendChoice::Auto | BackendChoice::Webgpu) => Some(format!("{why}; training on the CPU")),
                _ => None,
            };
            return Ok((
                Session::new(e.clone(), d, Box::new(b), 0),
                BackendInfo { kind: "cpu", label: "CPU".into(), note },
            ));
        }
        let (d, s) = setup(e);
        LAYOUT.with(|l| *l.borrow_mut() = Some(s.layout.clone()));
        if e.backend != BackendChoice::Cpu {
            if let Ok(ctx) = &gpu {
                let label = ctx.label.clone();
                let b = GpuBackend::new(ctx.clone(), s, 0)?;
                return Ok((
                    Session::new(e.clone(), d, Box::new(b), 0),
                    BackendInfo { kind: "webgpu", label, note: None },
                ));
            }
        }
        memory::check(&memory::plan(&s.layout, s.batch, s.train.len(), s.test.len()), u64::MAX, u64::MAX)?;
        cpu_work_check(&s)?;
        let note = match (&gpu, e.backend) {
            (_, BackendChoice::Cpu) => None,
            (Err(why), _) => Some(format!("{why}; training on the CPU")),
            (Ok(_), _) => None,
        };
        let b = CpuBackend::new(s, 0);
        Ok((Session::new(e.clone(), d, Box::new(b), 0), BackendInfo { kind: "cpu", label: "CPU".into(), note }))
    }

    pub fn install(&mut self, s: Session, info: BackendInfo) {
        self.cadence = s.cadence(true);
        self.session = Some(s);
        // GPU chunks start at one step and double while they finish quickly.
        self.k = if info.kind == "cpu" { 8 } else { 1 };
        self.chunk_t = None;
        self.info = Some(info);
        self.rate_mark = None;
        self.rate = 0.0;
        self.synced = None;
        self.sync_pending = None;
        self.last_finite_step = 0;
        self.latest = None;
        self.read_step = None;
        if let Some(l) = LAYOUT.with(|l| l.borrow_mut().take()) {
            self.layout = Some(l);
        }
        if let Some(s) = self.session.as_mut() {
            if s.backend.request_snapshot(true) {
                self.cadence.requested(now_ms(), s.backend.steps());
            }
        }
    }

    /// One animation frame: train a chunk if running, request/collect metrics.
    /// Returns a new snapshot (for drawing) or an error from the backend.
    pub fn frame(&mut self) -> Option<Result<Snapshot, String>> {
        if let Some((state, step)) = self.edit_ready.take() {
            self.finish_edit(state, step);
        }
        let t = now_ms();
        let read_every = self.read_every();
        // No training while a hand edit waits for the weights of the current step.
        let running = self.running && self.edits.is_empty();
        let s = self.session.as_mut()?;
        if running {
            if self.info.as_ref().is_some_and(|i| i.kind == "cpu") {
                // Adapt k so one chunk takes about CPU_FRAME_MS.
                let t0 = now_ms();
                s.train(self.k);
                let dt = (now_ms() - t0).max(0.01);
                let target = (self.k as f64 * CPU_FRAME_MS / dt).clamp(1.0, 100_000.0);
                self.k = ((self.k as f64 * 0.5) + target * 0.5).max(1.0) as usize;
            } else if !s.backend.busy() {
                let slow = self.chunk_t.is_some_and(|t0| t - t0 > GPU_SLOW_CHUNK_MS);
                if slow {
                    self.k = (self.k / 2).max(1);
                }
                s.train(self.k);
                self.chunk_t = Some(t);
                if !slow {
                    self.k = (self.k * 2).min(4096);
                }
            } else {
                self.k = (self.k * 3 / 4).max(self.k.min(8));
            }
        }
        // Metrics only when something changed (a paused large model is not re-evaluated).
        let fresh = s.last.as_ref().is_some_and(|l| l.step == s.backend.steps());
        // Every ~100 ms, spaced so whole-split evaluations take ≤ ~20 % of the time (`Cadence`).
        let step = s.backend.steps();
        if !fresh && self.cadence.due(t, step, running) && s.backend.request_snapshot(true) {
            self.cadence.requested(t, step);
        }
        // GPU: keep a copy of the weights about every second, to resume on the CPU if the
        // device is lost. Any backend: read them when an export asks.
        let gpu = self.info.as_ref().is_some_and(|i| i.kind != "cpu");
        if self.edits.is_empty() {
            // The link's hand edits due at this step (`Session::train` stops there).
            self.edits = s.due_edits();
            self.user_edit = false;
        }
        let editing = !self.edits.is_empty();
        if gpu || self.thumbs || editing || self.want_params || self.sync_pending.is_some() {
            if let Some(step) = self.sync_pending {
                if let Some(Ok(state)) = s.backend.poll_params() {
                    if editing && step == s.backend.steps() {
                        self.edit_ready = Some((state.clone(), step));
                    }
                    if std::mem::take(&mut self.want_params) {
                        self.exported = Some((state.clone(), step));
                    }
                    if self.thumbs {
                        self.latest = Some((state.clone(), step));
                        self.latest_seq += 1;
                    }
                    if gpu {
                        self.synced = Some((state, step));
                    }
                    self.sync_pending = None;
                }
            } else if self.want_params
                || editing
                || (t - self.sync_t >= read_every && self.read_step != Some(s.backend.steps()))
            {
                let step = s.backend.steps();
                if s.backend.request_params() {
                    self.sync_pending = Some(step);
                    self.sync_t = t;
                    self.read_step = Some(step);
                }
            }
        }
        let r = s.pump()?;
        if let Ok(snap) = &r {
            match self.rate_mark {
                Some((t0, s0)) if t - t0 >= 500.0 => {
                    let inst = (snap.step.saturating_sub(s0)) as f64 / ((t - t0) / 1000.0);
                    self.rate = if running { inst } else { 0.0 };
                    self.rate_mark = Some((t, snap.step));
                }
                None => self.rate_mark = Some((t, snap.step)),
                _ => {}
            }
            if !running {
                self.rate = 0.0;
                self.rate_mark = Some((t, snap.step));
            }
        }
        Some(r)
    }
}

impl Runner {
    /// Milliseconds between weight readbacks (`VIEW_MS` for small models shown, else `SYNC_MS`).
    fn read_every(&self) -> f64 {
        let small = self.layout.as_ref().is_some_and(|l| l.p <= FAST_P);
        if self.thumbs && small {
            VIEW_MS
        } else {
            SYNC_MS
        }
    }

    /// The latest metrics are NaN/inf: live edits must restart rather than continue.
    pub fn diverged(&self) -> bool {
        self.session
            .as_ref()
            .and_then(|s| s.last.as_ref())
            .is_some_and(|l| !(l.train[0].loss.is_finite() && l.test[0].loss.is_finite()))
    }

    /// After a GPU failure: never use this GPU context again in this page.
    pub fn mark_gpu_failed(&mut self, why: String) {
        self.gpu = None;
        self.gpu_error = Some(format!("GPU failed ({why})"));
    }
}

thread_local! {
    /// Layout of the session last built (taken by `install`).
    static LAYOUT: std::cell::RefCell<Option<crate::core::mlp::Layout>> = const { std::cell::RefCell::new(None) };
    /// The page's GPU context, for the device-loss drill below.
    static CURRENT_GPU: std::cell::RefCell<Option<Arc<GpuContext>>> = const { std::cell::RefCell::new(None) };
}

/// Test hook (browser e2e, reliability drills): destroy the WebGPU device as a driver reset
/// would. The page must continue on the CPU from the last synced weights, saying so.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn grokpad_debug_lose_device() -> bool {
    CURRENT_GPU.with(|g| g.borrow().as_ref().map(|c| c.device.destroy()).is_some())
}

/// Floating-point work the wasm CPU path accepts per step and per evaluation; beyond it one
/// frame would block the page for seconds (measured ~1 GFLOP/s in wasm here), so the page
/// refuses and names the knob instead of freezing the tab.
pub const CPU_STEP_FLOPS: f64 = 2e8;
pub const CPU_EVAL_FLOPS: f64 = 2e9;

/// The page's CPU budget for token models (`emb`, `tfm`) when there is no WebGPU (or the link
/// asks for the CPU, or the model has no GPU plan): `Net::flops` of a training step and of the
/// evaluation over all pairs.
fn token_work_check(s: &crate::engine::tfm::TfmSetup) -> Result<(), String> {
    let step = s.net.flops(s.batch.min(s.train.len()).max(1), true);
    let eval = s.net.flops(s.train.len() + s.test.len(), false);
    if step > CPU_STEP_FLOPS * 5.0 || eval > CPU_EVAL_FLOPS * 5.0 {
        return Err(format!(
            "this model is too large for the page without WebGPU, where transformers and embedding MLPs train on the CPU \
             ({:.1} GFLOP per step): lower `d_model`, `d_mlp`, `p` or `bs`, or run it natively: \
             grokpad run --url '…' --json",
            step / 1e9
        ));
    }
    Ok(())
}

fn cpu_work_check(s: &crate::engine::Setup) -> Result<(), String> {
    let p = s.layout.p as f64 * s.layout.models as f64;
    let step = 6.0 * p * s.batch as f64;
    let points = (s.train.len() + s.test.len() + crate::engine::GRID_RES * crate::engine::GRID_RES) as f64;
    let eval = 2.0 * p * points;
    if step > CPU_STEP_FLOPS {
        return Err(format!(
            "this experiment is too large for the CPU path ({:.1} GFLOP per step): reduce `layers` or `bs`, or use WebGPU",
            step / 1e9
        ));
    }
    if eval > CPU_EVAL_FLOPS {
        return Err(format!(
            "this experiment is too large for the CPU path ({:.1} GFLOP per evaluation): reduce `layers` or `n`, or use WebGPU",
            eval / 1e9
        ));
    }
    Ok(())
}
