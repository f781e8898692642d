//! `TfmGpu`: the token-model training backend on the GPU (`engine::Backend`), the GPU twin of
//! `engine::tfm::TfmCpu`. Per step: the shared `gather` kernel batches token rows (ids as f32)
//! and targets at the step slot's index offset, the recorded forward / head / backward
//! (`record.rs`, `record_tfm.rs`), the per-model gradient norm on clipping steps and the
//! optimizer of the MLP path (`shaders/optim.wgsl` = `core::optim::update`, decay on the
//! layout's decay mask); K steps per submit through the step-slot uniform as in `gpu::plan`.
//! Snapshots evaluate every model on both splits and read back loss and correctness per
//! example (model 0's `correct` feeds the clean / corrupted curves and the a×b table), the
//! weight and gradient norms and the divergence record; `request_params` reads the
//! parameters and Adam moments back (the Fourier spectrum, IPR and attention views).

use super::record::{record, Pass};
use super::Rec;
use crate::core::optim::{Method, StepHyper};
use crate::core::tfm::tokens;
use crate::engine::tfm::{check_size, TfmSetup};
use crate::engine::{reduce_stats, Backend, ParamState, Polled, Snapshot};
use crate::gpu::builder::{dims_bytes, init, storage, Builder, Dispatch};
use crate::gpu::kernels::{Dims, Kernels, Slot, K, NO_BAD_STEP, UNIFORM_STRIDE};
use crate::gpu::readback::Readback;
use crate::gpu::{memory, GpuContext};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use wgpu::{Buffer, BufferUsages as U};

pub struct TfmGpu {
    pub(super) ctx: Arc<GpuContext>,
    pub(super) kern: Kernels,
    s: TfmSetup,
    pub(super) groups: Vec<wgpu::BindGroup>,
    pub(super) step_plan: Vec<Dispatch>,
    pub(super) eval_plan: Vec<Dispatch>,
    /// Parameters, first and second moments, [M, P] each; the gradients.
    state: [Buffer; 3],
    grads: Buffer,
    /// Loss and correctness of the train and test splits, [M, N] each.
    ev: [Buffer; 4],
    bad: Buffer,
    wnorm: Buffer,
    gnorm: Buffer,
    idx: Buffer,
    slots: Buffer,
    k_max: usize,
    /// The gradients must be zeroed before each step (LayerNorm gradients accumulate).
    clear: bool,
    steps: u64,
    any_step: bool,
    snap: Readback,
    params_rb: Readback,
    in_flight: Arc<AtomicU32>,
}

/// Floats of the largest buffer a pass over `n` examples per model binds (an upper bound: the
/// chunked q | k | v buffer, the MLP's hidden rows, the logits, the parameters, PAIR's tables).
fn largest(s: &TfmSetup, n: usize) -> usize {
    let (m, c) = (s.net.models(), s.net.classes());
    let per = match &s.net {
        crate::core::tfm::Net::Emb(l) => l.hidden.max(c),
        crate::core::tfm::Net::Tfm(l) => (3 * crate::core::tfm::SEQ * (l.d_model + l.d_mlp) + 64).max(c),
        crate::core::tfm::Net::Pair(l) => l.hidden.max(c),
    };
    let tables = match &s.net {
        crate::core::tfm::Net::Pair(l) => m * super::record_pair::u_len(l),
        _ => 0,
    };
    (m * n * per).max(m * s.net.p()).max(tables)
}

impl TfmGpu {
    /// Upload `s` and record its plans. `Err` names the knobs when it does not fit the device.
    pub fn new(ctx: Arc<GpuContext>, s: TfmSetup, start_step: u64) -> Result<Self, String> {
        check_size(&s)?;
        let (m, b, pp, c, w) = (s.net.models(), s.batch, s.net.p(), s.net.classes(), s.net.width());
        let (ntr, nte) = (s.train.len(), s.test.len());
        if ntr == 0 {
            return Err("no training examples: raise `train`".into());
        }
        let limit = ctx.limits.max_storage_buffer_binding_size.min(ctx.limits.max_buffer_size);
        let need = 4 * largest(&s, b.max(ntr).max(nte)) as u64;
        if need > limit {
            return Err(format!(
                "model too large for this GPU: a {need}-byte buffer (at most {limit}); lower `d_model`, `d_mlp`, `seeds`, `p` or `train`"
            ));
        }
        let k_max = memory::steps_per_submit(m, b);
        let ctx2 = &*ctx;
        let (eq, p) = (w == crate::core::tfm::SEQ, c);
        let f32s = |v: Vec<u32>| v.into_iter().map(|x| x as f32).collect::<Vec<f32>>();
        let ys = |sp: &crate::core::data::Split| sp.y.iter().map(|&v| v as u32).collect::<Vec<u32>>();
        let ids = [f32s(tokens(&s.train, p, eq)), f32s(tokens(&s.test, p, eq))];
        let ids = ids.map(|v| init(ctx2, "token ids", bytemuck::cast_slice(&v)));
        let ts = [ys(&s.train), ys(&s.test)].map(|v| init(ctx2, "targets", bytemuck::cast_slice(&v)));
        let rows = crate::core::tfm::SEQ * b.max(ntr).max(nte);
        let pos: Vec<f32> = (0..rows).map(|r| (r % crate::core::tfm::SEQ) as f32).collect();
        let zeros = vec![0.0f32; m * pp];
        let state = [
            init(ctx2, "tfm params", bytemuck::cast_slice(&s.params)),
            init(ctx2, "tfm m", bytemuck::cast_slice(&zeros)),
            init(ctx2, "tfm v", bytemuck::cast_slice(&zeros)),
        ];
        let grads = storage(ctx2, "tfm grads", m * pp * 4);
        let masks: Vec<f32> = s.net.decay_mask().into_iter().chain(std::iter::repeat_n(1.0, pp)).collect();
        let mask = init(ctx2, "tfm mask", bytemuck::cast_slice(&masks));
        let bad = init(ctx2, "divergence record", bytemuck::cast_slice(&vec![NO_BAD_STEP; m]));
        let (gnorm, wnorm) = (storage(ctx2, "grad norm", m * 4), storage(ctx2, "weight norm", m * 4));
        let idx = storage(ctx2, "batch idx", k_max * m * b * 4);
        let slots = ctx.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("tfm slots"),
            size: k_max as u64 * UNIFORM_STRIDE,
            usage: U::UNIFORM | U::COPY_DST,
            mapped_at_creation: false,
        });
        let kern = Kernels::new(&ctx.device);
        let ev = [ntr, ntr, nte, nte].map(|n| storage(ctx2, "eval", m * n * 4));
        let dims_buf = ctx.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("tfm dims"),
            size: 512 * UNIFORM_STRIDE,
            usage: U::UNIFORM | U::COPY_DST,
            mapped_at_creation: false,
        });
        let bld = Builder {
            ctx: ctx2,
            kern: &kern,
            dims: vec![],
            dims_buf,
            slot_buf: slots.clone(),
            dummy_ro: storage(ctx2, "dummy ro", 16),
            dummy_rw: [storage(ctx2, "dummy rw0", 16), storage(ctx2, "dummy rw1", 16), storage(ctx2, "dummy rw2", 16)],
            bad: bad.clone(),
            groups: vec![],
        };
        let mut r = Rec {
            bld,
            params: state[0].clone(),
            grads: grads.clone(),
            p: pp,
            pos_ids: init(ctx2, "position ids", bytemuck::cast_slice(&pos)),
        };
        // Training step: gather, pass, (norm), optimizer.
        let (tokb, tb) = (r.buf("token batch", m * b * w), r.buf("target batch", m * b));
        let gd = Dims { m: m as u32, b: b as u32, i: w as u32, ..Default::default() };
        let mut step = vec![r.add(
            K::Gather,
            gd,
            [Some((&ids[0], 0)), Some((&ts[0], 0)), Some((&idx, 0))],
            [Some((&tokb, 0)), Some((&tb, 0)), None],
        )];
        let head_b = [r.buf("dz", m * b * c), r.buf("loss b", m * b), r.buf("correct b", m * b)];
        let pass = Pass {
            n: b,
            ids: &tokb,
            ids_stride: b * w,
            targets: &tb,
            t_stride: b,
            head: [&head_b[0], &head_b[1], &head_b[2]],
            train: true,
            smooth: s.smooth,
        };
        step.extend(record(&mut r, &s.net, &pass));
        let nd = Dims { m: m as u32, p_stride: pp as u32, ..Default::default() };
        step.push(r.add(K::Norm, nd, [Some((&grads, 0)), None, None], [Some((&gnorm, 0)), None, None]));
        let od = Dims { m: (m * pp) as u32, p_stride: pp as u32, ..Default::default() };
        let ok = match Method::from(s.opt) {
            Method::Sgd => K::Sgd,
            Method::Momentum => K::Momentum,
            Method::Adam => K::Adam,
        };
        let ro = [Some((&grads, 0)), Some((&mask, 0)), Some((&gnorm, 0))];
        step.push(r.add(ok, od, ro, [Some((&state[0], 0)), Some((&state[1], 0)), Some((&state[2], 0))]));
        // Evaluation: every model on both splits (ids and targets shared), then the norms.
        let mut eval = vec![];
        for (j, n) in [(0, ntr), (1, nte)] {
            let dz = r.buf("eval dz", m * n * c);
            let pass = Pass {
                n,
                ids: &ids[j],
                ids_stride: 0,
                targets: &ts[j],
                t_stride: 0,
                head: [&dz, &ev[2 * j], &ev[2 * j + 1]],
                train: false,
                smooth: s.smooth,
            };
            eval.extend(record(&mut r, &s.net, &pass));
        }
        eval.push(r.add(K::Norm, nd, [Some((&state[0], 0)), None, None], [Some((&wnorm, 0)), None, None]));
        eval.push(r.add(K::Norm, nd, [Some((&grads, 0)), None, None], [Some((&gnorm, 0)), None, None]));
        let Rec { bld, .. } = r;
        if bld.dims.len() > 512 {
            return Err(format!(
                "token model: {} dispatches in the plan (at most 512): lower `tfm_layers`",
                bld.dims.len()
            ));
        }
        ctx.queue.write_buffer(&bld.dims_buf, 0, &dims_bytes(&bld.dims));
        let snap_bytes = (4 * m * (2 * ntr + 2 * nte + 3)) as u64;
        let pb = (m * pp * 4) as u64;
        let clear = matches!(&s.net, crate::core::tfm::Net::Tfm(l) if l.ln);
        Ok(TfmGpu {
            snap: Readback::new(&ctx.device, snap_bytes),
            params_rb: Readback::new(&ctx.device, 3 * pb),
            groups: bld.groups,
            step_plan: step,
            eval_plan: eval,
            kern,
            state,
            grads,
            ev,
            bad,
            wnorm,
            gnorm,
            idx,
            slots,
            k_max,
            clear,
            steps: start_step,
            any_step: false,
            in_flight: Arc::new(AtomicU32::new(0)),
            s,
            ctx,
        })
    }

    /// The token model trained here.
    pub fn net(&self) -> &crate::core::tfm::Net {
        &self.s.net
    }

    fn encode(&self, enc: &mut wgpu::CommandEncoder, plan: &[Dispatch], slot: u32, clip: bool) {
        crate::gpu::builder::encode_plan(enc, &self.kern, &self.groups, plan, slot, clip);
    }

    fn submit(&self, enc: wgpu::CommandEncoder) {
        crate::gpu::builder::submit_counted(&self.ctx, &self.in_flight, enc);
    }

    /// Submit steps `hyper` (at most `k_max`) with their minibatches `idx` in one command buffer.
    fn submit_steps(&mut self, hyper: &[StepHyper], idx: &[u32]) {
        let per = self.s.net.models() * self.s.batch;
        let mut slots = vec![0u8; hyper.len() * UNIFORM_STRIDE as usize];
        let mut ids = Vec::with_capacity(hyper.len() * per);
        for (k, h) in hyper.iter().enumerate() {
            let slot = Slot::from_hyper(h, (k * per) as u32, self.steps + 1 + k as u64);
            let at = k * UNIFORM_STRIDE as usize;
            slots[at..at + size_of::<Slot>()].copy_from_slice(bytemuck::bytes_of(&slot));
            match idx.get(k * per..(k + 1) * per) {
                Some(i) => ids.extend_from_slice(i),
                None => ids.extend(std::iter::repeat_n(0, per)),
            }
        }
        self.ctx.queue.write_buffer(&self.slots, 0, &slots);
        self.ctx.queue.write_buffer(&self.idx, 0, bytemuck::cast_slice(&ids));
        let mut enc = self.ctx.device.create_command_encoder(&Default::default());
        for (k, h) in hyper.iter().enumerate() {
            if self.clear {
                enc.clear_buffer(&self.grads, 0, None);
            }
            self.encode(&mut enc, &self.step_plan, (k as u64 * UNIFORM_STRIDE) as u32, h.clip > 0.0);
        }
        self.submit(enc);
        self.steps += hyper.len() as u64;
        self.any_step = true;
    }
}

impl Backend for TfmGpu {
    fn label(&self) -> String {
        self.ctx.label.clone()
    }
    fn steps(&self) -> u64 {
        self.steps
    }
    fn train(&mut self, hyper: &[StepHyper], idx: &[u32]) {
        let per = self.s.net.models() * self.s.batch;
        for (k, h) in hyper.chunks(self.k_max.max(1)).enumerate() {
            let at = k * self.k_max * per;
            self.submit_steps(h, idx.get(at..).unwrap_or(&[]));
        }
    }
    fn busy(&self) -> bool {
        #[cfg(not(target_arch = "wasm32"))]
        let _ = self.ctx.device.poll(wgpu::PollType::Poll);
        self.in_flight.load(Ordering::SeqCst) >= 2
    }
    fn idle(&self) -> bool {
        #[cfg(not(target_arch = "wasm32"))]
        let _ = self.ctx.device.poll(wgpu::PollType::Poll);
        self.in_flight.load(Ordering::SeqCst) == 0
    }
    fn request_snapshot(&mut self, _grid: bool) -> bool {
        if self.snap.is_pending() {
            return false;
        }
        let (m, ntr, nte) = (self.s.net.models(), self.s.train.len(), self.s.test.len());
        let mut enc = self.ctx.device.create_command_encoder(&Default::default());
        self.encode(&mut enc, &self.eval_plan, 0, true);
        let mut copies: Vec<(&Buffer, usize)> =
            self.ev.iter().zip([ntr, ntr, nte, nte]).map(|(b, n)| (b, m * n)).collect();
        copies.extend([(&self.bad, m), (&self.wnorm, m), (&self.gnorm, m)]);
        let mut off = 0;
        for (src, n) in copies {
            enc.copy_buffer_to_buffer(src, 0, self.snap.buffer(), off, (n * 4) as u64);
            off += (n * 4) as u64;
        }
        self.submit(enc);
        self.snap.request(self.steps, false);
        true
    }
    fn poll_snapshot(&mut self) -> Option<Result<Snapshot, String>> {
        #[cfg(not(target_arch = "wasm32"))]
        let _ = self.ctx.device.poll(wgpu::PollType::Poll);
        if let Some(e) = self.ctx.lost_reason() {
            return Some(Err(e));
        }
        let (data, step, _) = match self.snap.take()? {
            Ok(v) => v,
            Err(e) => return Some(Err(e)),
        };
        let (m, ntr, nte) = (self.s.net.models(), self.s.train.len(), self.s.test.len());
        let (a, rest) = data.split_at(m * ntr);
        let (b, rest) = rest.split_at(m * ntr);
        let (c, rest) = rest.split_at(m * nte);
        let (d, rest) = rest.split_at(m * nte);
        let (bad, rest) = rest.split_at(m);
        let (wnorm, rest) = rest.split_at(m);
        let gnorm = if self.any_step { rest[..m].to_vec() } else { vec![f32::NAN; m] };
        let bad = bad.iter().map(|v| Some(v.to_bits()).filter(|&s| s != NO_BAD_STEP).map(u64::from)).collect();
        // Model 0's per-example correctness, train then test (clean / corrupted curves, a×b table).
        let correct = b[..ntr].iter().chain(&d[..nte]).copied().collect();
        let (train, test) = (reduce_stats(a, b, m, ntr), reduce_stats(c, d, m, nte));
        Some(Ok(Snapshot { step, train, test, grid: None, bad, wnorm: wnorm.to_vec(), gnorm, correct }))
    }
    fn wait(&mut self) {
        #[cfg(not(target_arch = "wasm32"))]
        let _ = self.ctx.device.poll(wgpu::PollType::wait_indefinitely());
    }
    fn request_params(&mut self) -> bool {
        if self.params_rb.is_pending() {
            return false;
        }
        let bytes = (self.s.net.models() * self.s.net.p() * 4) as u64;
        let mut enc = self.ctx.device.create_command_encoder(&Default::default());
        for (j, b) in self.state.iter().enumerate() {
            enc.copy_buffer_to_buffer(b, 0, self.params_rb.buffer(), j as u64 * bytes, bytes);
        }
        self.submit(enc);
        self.params_rb.request(self.steps, false);
        true
    }
    fn poll_params(&mut self) -> Polled<ParamState> {
        #[cfg(not(target_arch = "wasm32"))]
        let _ = self.ctx.device.poll(wgpu::PollType::Poll);
        let (data, _, _) = match self.params_rb.take()? {
            Ok(v) => v,
            Err(e) => return Some(Err(e)),
        };
        let n = self.s.net.models() * self.s.net.p();
        Some(Ok((data[..n].to_vec(), data[n..2 * n].to_vec(), data[2 * n..3 * n].to_vec())))
    }
}
