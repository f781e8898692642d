//! The GPU backend: a static step plan compiled once per experiment (DESIGN.md §3). All buffers
//! and bind groups are made here; training encodes K steps per submit (per-step hyperparameters
//! through a dynamic-offset uniform slot), and metrics come back through mapped staging buffers
//! without blocking. The dispatch sequence is exactly `engine::cpu::CpuBackend::step`.
//! Small models (`fused::supports`) instead train through `fused::FusedPlan`: one dispatch per
//! submit runs all K steps; evaluation always uses the per-op eval plan on the same buffers.
//! Steps with options the fused kernel lacks (`fused::supports_step`: L1, clipping, gradient
//! noise) run through the per-op plan on the same buffers. Per-model norms (`shaders/norm.wgsl`):
//! of the gradients before the update on clipping steps, and of the parameters and the last
//! gradients per evaluation (`Snapshot::wnorm`, `gnorm`; after fused steps, the fused record).
//! Issue-4 layers bind extra buffers (`plan::dims`): z per slot that keeps it, the activation
//! gradient per slot with a residual, and a third evaluation buffer for hourglass skips.

use super::builder::{dims_bytes, init, storage, Builder, Dispatch};
use super::context::GpuContext;
use super::fused::{self, FusedPlan};
use super::kernels::{Dims, Kernels, Slot, F_LR_M, F_Z, K, NO_BAD_STEP, UNIFORM_STRIDE};
use super::memory;
use super::readback::Readback;
use crate::core::mlp::Layout;
use crate::core::optim::{Method, StepHyper};
use crate::engine::{reduce_stats, Backend, Setup, Snapshot, GRID_RES};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use wgpu::{Buffer, BufferUsages as U};

mod dims;
#[cfg(not(target_arch = "wasm32"))]
pub mod profile;

/// Which training plan `GpuBackend::new_with` builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanKind {
    /// Fused when `fused::supports` the layout and batch, per-op otherwise.
    Auto,
    /// ~2L+3 dispatches per step (any size).
    PerOp,
    /// One dispatch per submit; `Err` if the layout is not supported.
    Fused,
}

pub struct GpuBackend {
    ctx: Arc<GpuContext>,
    kern: Arc<Kernels>,
    layout: Layout,
    batch: usize,
    n: (usize, usize),
    k_max: usize,
    slot_buf: Buffer,
    idx_buf: Buffer,
    bind_groups: Vec<wgpu::BindGroup>,
    step_plan: Vec<Dispatch>,
    eval_plan: Vec<Dispatch>,
    grid_plan: Vec<Dispatch>,
    /// (source, bytes) copied into the snapshot staging buffer, in order; the last is the grid.
    eval_copies: Vec<(Buffer, u64)>,
    /// Whether the setup's grid fits the layout (else snapshots carry no grid).
    grid_ok: bool,
    state: [Buffer; 3],
    snap: Readback,
    params_rb: Readback,
    steps: u64,
    in_flight: Arc<AtomicU32>,
    fused: Option<FusedPlan>,
    /// Whether the gradient buffer holds the last step's gradients (a per-op step ran last);
    /// otherwise the snapshot's gradient norms come from the fused plan's record.
    grads_fresh: bool,
    /// The gradient-norm buffer and the divergence record (whose second half holds the fused
    /// plan's gradient norms).
    gnorm: Buffer,
    bad: Buffer,
    /// Snapshots carry model 0's per-example correctness (`Setup::per_example`).
    per_example: bool,
}

impl GpuBackend {
    /// Compile the plan (`PlanKind::Auto`). `Err` names the knob when the experiment does not
    /// fit the device.
    pub fn new(ctx: Arc<GpuContext>, s: Setup, start_step: u64) -> Result<Self, String> {
        Self::new_with(ctx, s, start_step, PlanKind::Auto)
    }

    /// Compile the plan of the given kind.
    pub fn new_with(ctx: Arc<GpuContext>, s: Setup, start_step: u64, kind: PlanKind) -> Result<Self, String> {
        let l = s.layout.clone();
        let use_fused = match kind {
            PlanKind::PerOp => false,
            PlanKind::Auto => fused::supports(&l, s.batch) && fused::supports_setup(&s),
            PlanKind::Fused if fused::supports(&l, s.batch) && fused::supports_setup(&s) => true,
            PlanKind::Fused => return Err("this layout or batch is too large for the fused plan".into()),
        };
        let (m, b, p, nl) = (l.models, s.batch, l.p, l.layers.len());
        let (ntr, nte) = (s.train.len(), s.test.len());
        let needs = memory::plan(&l, b, ntr, nte);
        memory::check(&needs, ctx.limits.max_storage_buffer_binding_size, ctx.limits.max_buffer_size)?;
        let k_max = memory::steps_per_submit(m, b);
        let kern = ctx.kernels();
        let (tt_tr, tt_te) = s.targets();
        let (m1, m2) = s.moments.clone().unwrap_or_else(|| (vec![0.0; m * p], vec![0.0; m * p]));
        let params = init(&ctx, "params", bytemuck::cast_slice(&s.params));
        let m1 = init(&ctx, "adam m", bytemuck::cast_slice(&m1));
        let m2 = init(&ctx, "adam v", bytemuck::cast_slice(&m2));
        let grads = storage(&ctx, "grads", m * p * 4);
        // Decay mask [P] then learning-rate multipliers [P] or [M, P] (`shaders/optim.wgsl`).
        let masks: Vec<f32> = l.decay_mask().into_iter().chain(s.lr_mask()).collect();
        let mask = init(&ctx, "mask", bytemuck::cast_slice(&masks));
        // Per-model norms of the raw gradients (per step when clipping, and per evaluation: the
        // metric) and of the parameters (per evaluation).
        let gnorm = storage(&ctx, "grad norm", m * 4);
        let wnorm = storage(&ctx, "weight norm", m * 4);
        // Divergence record [M], then the fused plan's gradient norms [M] (NaN: none yet).
        let bad_init: Vec<u32> = [vec![NO_BAD_STEP; m], vec![f32::NAN.to_bits(); m]].concat();
        let bad = init(&ctx, "divergence record", bytemuck::cast_slice(&bad_init));
        let x_tr = init(&ctx, "x train", bytemuck::cast_slice(&s.train.x));
        let t_tr = init(&ctx, "t train", bytemuck::cast_slice(&tt_tr));
        let x_te = init(&ctx, "x test", bytemuck::cast_slice(&s.test.x));
        let t_te = init(&ctx, "t test", bytemuck::cast_slice(&tt_te));
        let g = GRID_RES * GRID_RES;
        let grid_ok = s.grid_ok();
        let x_grid =
            if grid_ok { init(&ctx, "x grid", bytemuck::cast_slice(&s.grid)) } else { storage(&ctx, "x grid", 16) };
        let idx_buf = storage(&ctx, "batch idx", k_max * m * b * 4);
        let xb = storage(&ctx, "x batch", m * b * l.inputs() * 4);
        let tb = storage(&ctx, "t batch", m * b * 4);
        let acts: Vec<Buffer> = l.layers.iter().map(|x| storage(&ctx, "act", m * b * x.o * 4)).collect();
        let dz: Vec<Buffer> = l.layers.iter().map(|x| storage(&ctx, "dz", m * b * x.o * 4)).collect();
        let opt_buf = |on: bool, name, k: usize| on.then(|| storage(&ctx, name, m * b * l.layers[k].o * 4));
        let zs: Vec<Option<Buffer>> = (0..nl).map(|k| opt_buf(l.keeps_z(k), "z", k)).collect();
        let ga: Vec<Option<Buffer>> = (0..nl).map(|k| opt_buf(l.layers[k].skip > 0, "act grad", k)).collect();
        let (loss_b, corr_b) = (storage(&ctx, "loss b", m * b * 4), storage(&ctx, "correct b", m * b * 4));
        let wmax = l.layers.iter().map(|x| x.o).max().unwrap_or(1);
        let nmax = (m * ntr.max(nte)).max(g);
        let npp = if l.layers.iter().any(|x| x.skip == 2) { 3 } else { 2 };
        let pp: Vec<Buffer> = (0..npp).map(|_| storage(&ctx, "eval ping-pong", nmax * wmax * 4)).collect();
        let eval_dz = storage(&ctx, "eval dz", m * ntr.max(nte) * l.outputs() * 4);
        let ev: Vec<Buffer> = ["loss tr", "corr tr", "loss te", "corr te"]
            .iter()
            .enumerate()
            .map(|(j, n)| storage(&ctx, n, m * if j < 2 { ntr } else { nte } * 4))
            .collect();
        let uni = |label, n: usize| {
            ctx.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(label),
                size: n as u64 * UNIFORM_STRIDE,
                usage: U::UNIFORM | U::COPY_DST,
                mapped_at_creation: false,
            })
        };
        let slot_buf = uni("slots", k_max);
        let mut bld = Builder {
            ctx: &ctx,
            kern: &kern,
            dims: vec![],
            dims_buf: uni("dims", 6 * nl + 16),
            slot_buf: slot_buf.clone(),
            dummy_ro: storage(&ctx, "dummy ro", 16),
            dummy_rw: [storage(&ctx, "dummy rw0", 16), storage(&ctx, "dummy rw1", 16), storage(&ctx, "dummy rw2", 16)],
            bad: bad.clone(),
            groups: vec![],
        };
        let (kind, smooth, seed) = (l.head.code(), l.head.smooth(), s.seed);
        let c = l.outputs();
        // Training step.
        let mut step_plan = vec![bld.add(
            K::Gather,
            Dims { m: m as u32, b: b as u32, i: l.inputs() as u32, ..Default::default() },
            [Some(&x_tr), Some(&t_tr), Some(&idx_buf)],
            [Some(&xb), Some(&tb), None],
        )];
        let input = |k: usize| if k == 0 { &xb } else { &acts[k - 1] };
        for k in 0..nl {
            let d = dims::fwd(&l, k, b, b * l.layers[k].i, m, seed, true);
            let skip = l.skip_src(k).map(|j| &acts[j]);
            step_plan.push(bld.add(
                K::Fwd,
                d,
                [Some(input(k)), Some(&params), skip],
                [Some(&acts[k]), zs[k].as_ref().filter(|_| d.flags & F_Z != 0), None],
            ));
        }
        let hd =
            Dims { m: m as u32, b: b as u32, o: c as u32, t_stride_m: b as u32, kind, smooth, ..Default::default() };
        step_plan.push(bld.add(
            K::Head,
            hd,
            [Some(&acts[nl - 1]), Some(&tb), None],
            [Some(&dz[nl - 1]), Some(&loss_b), Some(&corr_b)],
        ));
        for k in (0..nl).rev() {
            let d = dims::base(&l, k, b, b * l.layers[k].i, m, seed);
            step_plan.push(bld.add(K::BwdWeight, d, [Some(input(k)), Some(&dz[k]), None], [Some(&grads), None, None]));
            if k > 0 {
                let d = dims::bwd_data(&l, k, b, b * l.layers[k].i, m, seed);
                let prev = if d.flags & F_Z != 0 { zs[k - 1].as_ref() } else { Some(&acts[k - 1]) };
                let skip_g = l.skip_consumer(k).and_then(|c| ga[c].as_ref());
                step_plan.push(bld.add(
                    K::BwdData,
                    d,
                    [Some(&dz[k]), Some(&params), prev],
                    [Some(&dz[k - 1]), ga[k - 1].as_ref(), skip_g],
                ));
            }
        }
        // Skipped by steps that do not clip (`encode`).
        let nd = Dims { m: m as u32, p_stride: p as u32, ..Default::default() };
        step_plan.push(bld.add(K::Norm, nd, [Some(&grads), None, None], [Some(&gnorm), None, None]));
        let flags = if s.lr_per_model() { F_LR_M } else { 0 };
        let od = Dims { m: (m * p) as u32, p_stride: p as u32, flags, ..Default::default() };
        let ok = match Method::from(s.opt) {
            Method::Sgd => K::Sgd,
            Method::Momentum => K::Momentum,
            Method::Adam => K::Adam,
        };
        let ro = [Some(&grads), Some(&mask), Some(&gnorm)];
        step_plan.push(bld.add(ok, od, ro, [Some(&params), Some(&m1), Some(&m2)]));
        // Evaluation: forward over a whole split with ping-pong activations, then the head.
        // `models`: all M for the splits, model 0 alone for the boundary grid.
        let fwd_split = |bld: &mut Builder, x: &Buffer, n: usize, models: usize, plan: &mut Vec<Dispatch>| {
            for k in 0..nl {
                let (inp, xs) = if k == 0 { (x, 0) } else { (&pp[(k - 1) % npp], n * l.layers[k].i) };
                let d = dims::fwd(&l, k, n, xs, models, seed, false);
                let skip = l.skip_src(k).map(|j| &pp[j % npp]);
                plan.push(bld.add(K::Fwd, d, [Some(inp), Some(&params), skip], [Some(&pp[k % npp]), None, None]));
            }
        };
        let mut eval_plan = vec![];
        for (x, t, n, j) in [(&x_tr, &t_tr, ntr, 0), (&x_te, &t_te, nte, 2)] {
            fwd_split(&mut bld, x, n, m, &mut eval_plan);
            let hd = Dims { m: m as u32, b: n as u32, o: c as u32, t_stride_m: 0, kind, smooth, ..Default::default() };
            eval_plan.push(bld.add(
                K::Head,
                hd,
                [Some(&pp[(nl - 1) % npp]), Some(t), None],
                [Some(&eval_dz), Some(&ev[j]), Some(&ev[j + 1])],
            ));
        }
        eval_plan.push(bld.add(K::Norm, nd, [Some(&params), None, None], [Some(&wnorm), None, None]));
        eval_plan.push(bld.add(K::Norm, nd, [Some(&grads), None, None], [Some(&gnorm), None, None]));
        let mut grid_plan = vec![];
        fwd_split(&mut bld, &x_grid, g, 1, &mut grid_plan);
        ctx.queue.write_buffer(&bld.dims_buf, 0, &dims_bytes(&bld.dims));
        let bind_groups = std::mem::take(&mut bld.groups);
        let mut eval_copies: Vec<(Buffer, u64)> =
            ev.iter().enumerate().map(|(j, e)| (e.clone(), (m * if j < 2 { ntr } else { nte } * 4) as u64)).collect();
        eval_copies.push((bad.clone(), (m * 4) as u64));
        eval_copies.push((wnorm.clone(), (m * 4) as u64));
        eval_copies.push((gnorm.clone(), (m * 4) as u64));
        eval_copies.push((pp[(nl - 1) % npp].clone(), (g * c * 4) as u64));
        let snap_bytes: u64 = eval_copies.iter().map(|e| e.1).sum();
        let snap = Readback::new(&ctx.device, snap_bytes);
        let params_rb = Readback::new(&ctx.device, 3 * (m * p * 4) as u64);
        let fused = use_fused
            .then(|| FusedPlan::new(&ctx, &l, s.opt, b, k_max, [&x_tr, &t_tr, &idx_buf, &params, &m1, &m2, &bad]));
        Ok(GpuBackend {
            kern,
            layout: l,
            batch: b,
            n: (ntr, nte),
            k_max,
            slot_buf,
            idx_buf,
            bind_groups,
            step_plan,
            eval_plan,
            grid_plan,
            eval_copies,
            grid_ok,
            state: [params, m1, m2],
            snap,
            params_rb,
            steps: start_step,
            in_flight: Arc::new(AtomicU32::new(0)),
            fused,
            grads_fresh: false,
            gnorm,
            bad,
            per_example: s.per_example,
            ctx,
        })
    }

    /// True when training runs through the fused kernel.
    pub fn is_fused(&self) -> bool {
        self.fused.is_some()
    }

    /// Record `plan` at step slot `slot`; `clip` = false skips the step plan's gradient norm.
    fn encode(&self, enc: &mut wgpu::CommandEncoder, plan: &[Dispatch], slot: u32, clip: bool) {
        crate::gpu::builder::encode_plan(enc, &self.kern, &self.bind_groups, plan, slot, clip);
    }

    /// Record one training step of hyperparameters `h` at step slot `slot`: the gradient norm
    /// only when clipping, the optimizer's plain pipeline when the step has no clipping, L1 or
    /// gradient noise.
    fn encode_train(&self, enc: &mut wgpu::CommandEncoder, slot: u32, h: &StepHyper) {
        let clip = h.clip > 0.0;
        let plain = !clip && h.l1 == 0.0 && h.noise == 0.0;
        crate::gpu::builder::encode_step(enc, &self.kern, &self.bind_groups, &self.step_plan, slot, clip, plain);
    }

    fn submit(&self, enc: wgpu::CommandEncoder) {
        crate::gpu::builder::submit_counted(&self.ctx, &self.in_flight, enc);
    }

    fn poll_device(&self) {
        #[cfg(not(target_arch = "wasm32"))]
        let _ = self.ctx.device.poll(wgpu::PollType::Poll);
    }
}

impl Backend for GpuBackend {
    fn label(&self) -> String {
        self.ctx.label.clone()
    }
    fn steps(&self) -> u64 {
        self.steps
    }
    fn train(&mut self, hyper: &[StepHyper], idx: &[u32]) {
        let per = self.layout.models * self.batch;
        for (c, chunk) in hyper.chunks(self.k_max).enumerate() {
            let base = c * self.k_max;
            let first = self.steps + 1;
            let slots: Vec<Slot> = chunk
                .iter()
                .enumerate()
                .map(|(k, h)| Slot::from_hyper(h, (k * per) as u32, first + k as u64))
                .collect();
            let ids = &idx[base * per..(base + chunk.len()) * per];
            self.ctx.queue.write_buffer(&self.idx_buf, 0, bytemuck::cast_slice(ids));
            let mut enc = self.ctx.device.create_command_encoder(&Default::default());
            // Steps with options the fused kernel lacks run through the per-op plan, which shares
            // its buffers (`fused::supports_step`).
            if let Some(f) = self.fused.as_ref().filter(|_| chunk.iter().all(fused::supports_step)) {
                self.grads_fresh = false;
                f.write(&self.ctx.queue, &slots);
                f.encode(&mut enc);
            } else {
                let mut bytes = vec![0u8; slots.len() * UNIFORM_STRIDE as usize];
                for (k, s) in slots.iter().enumerate() {
                    let at = k * UNIFORM_STRIDE as usize;
                    bytes[at..at + size_of::<Slot>()].copy_from_slice(bytemuck::bytes_of(s));
                }
                self.ctx.queue.write_buffer(&self.slot_buf, 0, &bytes);
                for (k, h) in chunk.iter().enumerate() {
                    self.encode_train(&mut enc, (k as u64 * UNIFORM_STRIDE) as u32, h);
                }
                self.grads_fresh = true;
            }
            self.submit(enc);
            self.steps += chunk.len() as u64;
        }
    }
    fn busy(&self) -> bool {
        self.poll_device();
        self.in_flight.load(Ordering::SeqCst) >= 2
    }
    fn idle(&self) -> bool {
        self.poll_device();
        self.in_flight.load(Ordering::SeqCst) == 0
    }
    fn request_snapshot(&mut self, grid: bool) -> bool {
        if self.snap.is_pending() {
            return false;
        }
        let mut enc = self.ctx.device.create_command_encoder(&Default::default());
        let grid = grid && self.grid_ok;
        self.encode(&mut enc, &self.eval_plan, 0, true);
        if grid {
            self.encode(&mut enc, &self.grid_plan, 0, true);
        }
        if !self.grads_fresh {
            // Fused steps ran last (or none): their norms (NaN before any step).
            let mb = (self.layout.models * 4) as u64;
            enc.copy_buffer_to_buffer(&self.bad, mb, &self.gnorm, 0, mb);
        }
        let n = if grid { self.eval_copies.len() } else { self.eval_copies.len() - 1 };
        let mut off = 0;
        for (src, bytes) in &self.eval_copies[..n] {
            enc.copy_buffer_to_buffer(src, 0, self.snap.buffer(), off, *bytes);
            off += bytes;
        }
        self.submit(enc);
        self.snap.request(self.steps, grid);
        true
    }
    fn poll_snapshot(&mut self) -> Option<Result<Snapshot, String>> {
        self.poll_device();
        if let Some(r) = self.ctx.lost_reason() {
            return Some(Err(r));
        }
        let (data, step, grid) = match self.snap.take()? {
            Ok(v) => v,
            Err(e) => return Some(Err(e)),
        };
        let (m, (ntr, nte)) = (self.layout.models, self.n);
        let (a, rest) = data.split_at(m * ntr);
        let (b, rest) = rest.split_at(m * ntr);
        let (c, rest) = rest.split_at(m * nte);
        let (d, rest) = rest.split_at(m * nte);
        let (bad, rest) = rest.split_at(m);
        let (wnorm, rest) = rest.split_at(m);
        let (gnorm, rest) = rest.split_at(m);
        let (wnorm, gnorm) = (wnorm.to_vec(), gnorm.to_vec());
        let bad = bad.iter().map(|v| Some(v.to_bits()).filter(|&s| s != NO_BAD_STEP).map(u64::from)).collect();
        let grid = grid.then(|| {
            let o = self.layout.outputs();
            (0..GRID_RES * GRID_RES).map(|k| self.layout.score(&rest[k * o..(k + 1) * o])).collect()
        });
        let (train, test) = (reduce_stats(a, b, m, ntr), reduce_stats(c, d, m, nte));
        // Model 0 comes first in the per-example correctness rows [M, N].
        let correct = if self.per_example { b[..ntr].iter().chain(&d[..nte]).copied().collect() } else { vec![] };
        Some(Ok(Snapshot { step, train, test, grid, bad, wnorm, gnorm, correct }))
    }
    fn wait(&mut self) {
        #[cfg(not(target_arch = "wasm32"))]
        let _ = self.ctx.device.poll(wgpu::PollType::wait_indefinitely());
    }
    fn request_params(&mut self) -> bool {
        if self.params_rb.is_pending() {
            return false;
        }
        let bytes = (self.layout.models * self.layout.p * 4) as u64;
        let mut enc = self.ctx.device.create_command_encoder(&Default::default());
        for (j, b) in self.state.iter().enumerate() {
            enc.copy_buffer_to_buffer(b, 0, self.params_rb.buffer(), j as u64 * bytes, bytes);
        }
        self.submit(enc);
        self.params_rb.request(self.steps, false);
        true
    }
    fn poll_params(&mut self) -> crate::engine::Polled<crate::engine::ParamState> {
        self.poll_device();
        let (data, _, _) = match self.params_rb.take()? {
            Ok(v) => v,
            Err(e) => return Some(Err(e)),
        };
        let n = self.layout.models * self.layout.p;
        Some(Ok((data[..n].to_vec(), data[n..2 * n].to_vec(), data[2 * n..].to_vec())))
    }
}
