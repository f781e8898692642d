//! The KAN training backend on the GPU (`model=kan`, issue 7): the dispatch sequence of
//! `engine::kan::KanCpu::step` (gather, `shaders/kan.wgsl` forward per layer, the MLP's loss head,
//! the KAN backward per layer, the MLP's norm and optimizer kernels with the grids frozen by their
//! learning-rate mask), K steps per submit through the step-slot uniform as in `gpu::plan`.
//! Grid changes (pykan's grid updates and the URL's `refine` schedule, `engine::kan::grid_change_due`)
//! need the parameters on the host: the steps before one are submitted, the parameters are read
//! back without blocking, `core::kan::refine` refits them on the CPU exactly as `KanCpu` does, and
//! they are re-uploaded (a new G rebuilds the plan and restarts the optimizer state); the steps
//! after it wait in a queue meanwhile (`busy` is true), so a run replays the same way on any backend.

use super::plan::{build, largest, Fixed, Plan};
use crate::core::kan::refine::refine;
use crate::core::optim::StepHyper;
use crate::engine::kan::{grid_change_due, score, targets, KanSetup};
use crate::engine::{reduce_stats, Backend, ParamState, Polled, Snapshot, GRID_RES};
use crate::gpu::builder::{init, storage, Dispatch};
use crate::gpu::kernels::{Kernels, Slot, NO_BAD_STEP, UNIFORM_STRIDE};
use crate::gpu::readback::Readback;
use crate::gpu::{memory, GpuContext};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use wgpu::{Buffer, BufferUsages as U};

pub struct KanGpu {
    ctx: Arc<GpuContext>,
    kern: Kernels,
    /// Layout, the parameters as last seen on the host, schedule and data.
    s: KanSetup,
    fixed: Fixed,
    plan: Plan,
    k_max: usize,
    grid_ok: bool,
    /// Steps accepted (`Backend::steps`) and submitted to the device.
    steps: u64,
    done: u64,
    /// Accepted steps not yet submitted: they wait for a grid change's readback.
    queue: VecDeque<(StepHyper, Vec<u32>)>,
    /// The grid change (new G) waiting for its parameter readback.
    regrid: Option<usize>,
    /// The step before which the last grid change was applied (each is applied once).
    regridded_at: Option<u64>,
    /// The host parameters equal the device's (no step since the last upload).
    host_fresh: bool,
    any_step: bool,
    want_snap: Option<bool>,
    want_params: bool,
    snap: Readback,
    regrid_rb: (Readback, u64),
    params_rb: (Readback, u64),
    in_flight: Arc<AtomicU32>,
    error: Option<String>,
    /// The weights of the last `poll_params` (empty before one).
    seen: Vec<f32>,
}

impl KanGpu {
    /// Upload `s` and compile its plan. `Err` names the knobs when it does not fit the device.
    pub fn new(ctx: Arc<GpuContext>, s: KanSetup, start_step: u64) -> Result<Self, String> {
        crate::engine::kan::check_size(&s)?;
        let limit = ctx.limits.max_storage_buffer_binding_size.min(ctx.limits.max_buffer_size);
        let need = largest(&s);
        if need > limit {
            return Err(format!(
                "KAN too large for this GPU: a {need}-byte buffer (at most {limit}); lower `layers`, `grid`, `seeds` or the data size"
            ));
        }
        let l = &s.layout;
        let (m, b) = (l.models, s.batch);
        let k_max = memory::steps_per_submit(m, b);
        let (tt_tr, tt_te) = (targets(l.head, &s.train), targets(l.head, &s.test));
        let grid_ok = s.grid.len() == GRID_RES * GRID_RES * l.inputs();
        let (ntr, nte) = (s.train.len(), s.test.len());
        let c = &*ctx;
        let bad_init = vec![NO_BAD_STEP; m];
        let x_grid = if grid_ok { init(c, "x grid", bytemuck::cast_slice(&s.grid)) } else { storage(c, "x grid", 16) };
        let fixed = Fixed {
            x: [
                init(c, "x train", bytemuck::cast_slice(&s.train.x)),
                init(c, "x test", bytemuck::cast_slice(&s.test.x)),
                x_grid,
            ],
            t: [init(c, "t train", bytemuck::cast_slice(&tt_tr)), init(c, "t test", bytemuck::cast_slice(&tt_te))],
            idx: storage(c, "batch idx", k_max * m * b * 4),
            slots: ctx.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("kan slots"),
                size: k_max as u64 * UNIFORM_STRIDE,
                usage: U::UNIFORM | U::COPY_DST,
                mapped_at_creation: false,
            }),
            bad: init(c, "divergence record", bytemuck::cast_slice(&bad_init)),
            gnorm: storage(c, "grad norm", m * 4),
            wnorm: storage(c, "weight norm", m * 4),
            xb: storage(c, "x batch", m * b * l.inputs() * 4),
            tb: storage(c, "t batch", m * b * 4),
            loss_b: storage(c, "loss b", m * b * 4),
            corr_b: storage(c, "correct b", m * b * 4),
            ev: [ntr, ntr, nte, nte].map(|n| storage(c, "eval", m * n * 4)),
            eval_dz: storage(c, "eval dz", m * ntr.max(nte) * l.outputs() * 4),
        };
        let kern = Kernels::new(&ctx.device);
        let plan = build(c, &kern, &fixed, &s);
        let snap_bytes = (4 * m * (2 * ntr + 2 * nte + 3) + 4 * GRID_RES * GRID_RES * l.outputs()) as u64;
        let pb = (m * l.p * 4) as u64;
        Ok(KanGpu {
            snap: Readback::new(&ctx.device, snap_bytes),
            regrid_rb: (Readback::new(&ctx.device, pb), pb),
            params_rb: (Readback::new(&ctx.device, 3 * pb), 3 * pb),
            kern,
            fixed,
            plan,
            k_max,
            grid_ok,
            steps: start_step,
            done: start_step,
            queue: VecDeque::new(),
            regrid: None,
            regridded_at: None,
            host_fresh: true,
            any_step: false,
            want_snap: None,
            want_params: false,
            in_flight: Arc::new(AtomicU32::new(0)),
            error: None,
            seen: vec![],
            s,
            ctx,
        })
    }

    /// The current layout (G changes with `refine` steps).
    pub fn layout(&self) -> &crate::core::kan::KanLayout {
        &self.s.layout
    }

    fn encode(&self, enc: &mut wgpu::CommandEncoder, plan: &[Dispatch], slot: u32, clip: bool) {
        crate::gpu::builder::encode_plan(enc, &self.kern, &self.plan.groups, plan, slot, clip);
    }

    fn submit(&self, enc: wgpu::CommandEncoder) {
        crate::gpu::builder::submit_counted(&self.ctx, &self.in_flight, enc);
    }

    fn bytes(&self) -> u64 {
        (self.s.layout.models * self.s.layout.p * 4) as u64
    }

    /// Submit `n` queued steps in one command buffer.
    fn submit_steps(&mut self, n: usize) {
        let per = self.s.layout.models * self.s.batch;
        let mut slots = vec![0u8; n * UNIFORM_STRIDE as usize];
        let mut ids = Vec::with_capacity(n * per);
        let mut clip = Vec::with_capacity(n);
        for k in 0..n {
            let Some((h, idx)) = self.queue.pop_front() else { break };
            let slot = Slot::from_hyper(&h, (k * per) as u32, self.done + 1 + k as u64);
            let at = k * UNIFORM_STRIDE as usize;
            slots[at..at + size_of::<Slot>()].copy_from_slice(bytemuck::bytes_of(&slot));
            ids.extend_from_slice(&idx);
            clip.push(h.clip > 0.0);
        }
        self.ctx.queue.write_buffer(&self.fixed.slots, 0, &slots);
        self.ctx.queue.write_buffer(&self.fixed.idx, 0, bytemuck::cast_slice(&ids));
        let mut enc = self.ctx.device.create_command_encoder(&Default::default());
        for (k, &c) in clip.iter().enumerate() {
            self.encode(&mut enc, &self.plan.step, (k as u64 * UNIFORM_STRIDE) as u32, c);
        }
        self.submit(enc);
        self.done += clip.len() as u64;
        self.host_fresh = false;
        self.any_step = true;
    }

    /// Refit the grids to `g` intervals from the host parameters and upload them (`KanCpu::regrid`).
    fn apply_regrid(&mut self, g: usize) {
        let n = self.s.train.len();
        let same = self.s.layout.layers.first().is_some_and(|l| l.g == g);
        let (layout, params) = refine(&self.s.layout, &self.s.params, &self.s.train.x, n, g);
        (self.s.layout, self.s.params) = (layout, params);
        if same {
            self.ctx.queue.write_buffer(&self.plan.state[0], 0, bytemuck::cast_slice(&self.s.params));
        } else {
            self.plan = build(&self.ctx, &self.kern, &self.fixed, &self.s);
        }
        self.regridded_at = Some(self.done);
    }

    /// Submit queued steps up to the next grid change that needs the parameters read back.
    fn drain(&mut self) {
        while self.regrid.is_none() && self.error.is_none() && !self.queue.is_empty() {
            if self.regridded_at != Some(self.done) {
                if let Some(g) = grid_change_due(&self.s, self.done) {
                    if self.host_fresh {
                        self.apply_regrid(g);
                    } else {
                        self.request_regrid(g);
                    }
                    continue;
                }
            }
            let mut n = 1;
            while n < self.k_max.min(self.queue.len()) && grid_change_due(&self.s, self.done + n as u64).is_none() {
                n += 1;
            }
            self.submit_steps(n);
        }
    }

    fn request_regrid(&mut self, g: usize) {
        let bytes = self.bytes();
        if self.regrid_rb.1 != bytes {
            self.regrid_rb = (Readback::new(&self.ctx.device, bytes), bytes);
        }
        let mut enc = self.ctx.device.create_command_encoder(&Default::default());
        enc.copy_buffer_to_buffer(&self.plan.state[0], 0, self.regrid_rb.0.buffer(), 0, bytes);
        self.submit(enc);
        self.regrid_rb.0.request(self.done, false);
        self.regrid = Some(g);
    }

    fn encode_snapshot(&mut self, grid: bool) {
        let (m, (ntr, nte)) = (self.s.layout.models, (self.s.train.len(), self.s.test.len()));
        let mut enc = self.ctx.device.create_command_encoder(&Default::default());
        self.encode(&mut enc, &self.plan.eval, 0, true);
        if grid {
            self.encode(&mut enc, &self.plan.grid, 0, true);
        }
        let f = &self.fixed;
        let mut copies: Vec<(&Buffer, usize)> =
            f.ev.iter().zip([ntr, ntr, nte, nte]).map(|(b, n)| (b, m * n)).collect();
        copies.extend([(&f.bad, m), (&f.wnorm, m), (&f.gnorm, m)]);
        if grid {
            copies.push((&self.plan.grid_out, GRID_RES * GRID_RES * self.s.layout.outputs()));
        }
        let mut off = 0;
        for (src, n) in copies {
            enc.copy_buffer_to_buffer(src, 0, self.snap.buffer(), off, (n * 4) as u64);
            off += (n * 4) as u64;
        }
        self.submit(enc);
        self.snap.request(self.done, grid);
    }

    fn encode_params(&mut self) {
        let bytes = self.bytes();
        if self.params_rb.1 != 3 * bytes {
            self.params_rb = (Readback::new(&self.ctx.device, 3 * bytes), 3 * bytes);
        }
        let mut enc = self.ctx.device.create_command_encoder(&Default::default());
        for (j, b) in self.plan.state.iter().enumerate() {
            enc.copy_buffer_to_buffer(b, 0, self.params_rb.0.buffer(), j as u64 * bytes, bytes);
        }
        self.submit(enc);
        self.params_rb.0.request(self.done, false);
    }

    /// Advance: apply an arrived grid-change readback, submit what waited for it, then the
    /// deferred evaluation and parameter readback once every accepted step is submitted.
    fn pump(&mut self) {
        #[cfg(not(target_arch = "wasm32"))]
        let _ = self.ctx.device.poll(wgpu::PollType::Poll);
        if let Some(g) = self.regrid {
            match self.regrid_rb.0.take() {
                None => return,
                Some(Ok((data, _, _))) => {
                    let n = self.s.layout.models * self.s.layout.p;
                    self.s.params = data[..n].to_vec();
                    (self.regrid, self.host_fresh) = (None, true);
                    self.apply_regrid(g);
                }
                Some(Err(e)) => {
                    self.error = Some(e);
                    self.regrid = None;
                    self.queue.clear();
                }
            }
        }
        self.drain();
        if self.regrid.is_some() || !self.queue.is_empty() {
            return;
        }
        if !self.snap.is_pending() {
            if let Some(grid) = self.want_snap.take() {
                self.encode_snapshot(grid);
            }
        }
        if !self.params_rb.0.is_pending() && std::mem::take(&mut self.want_params) {
            self.encode_params();
        }
    }

    /// Natively: run until every accepted step, evaluation and readback is done.
    #[cfg(not(target_arch = "wasm32"))]
    fn block(&mut self) {
        loop {
            let _ = self.ctx.device.poll(wgpu::PollType::wait_indefinitely());
            self.pump();
            if self.settled() {
                let _ = self.ctx.device.poll(wgpu::PollType::wait_indefinitely());
                return;
            }
        }
    }

    fn settled(&self) -> bool {
        self.error.is_some()
            || (self.regrid.is_none() && self.queue.is_empty() && self.want_snap.is_none() && !self.want_params)
    }
}

impl Backend for KanGpu {
    fn label(&self) -> String {
        self.ctx.label.clone()
    }
    fn steps(&self) -> u64 {
        self.steps
    }
    fn train(&mut self, hyper: &[StepHyper], idx: &[u32]) {
        let per = self.s.layout.models * self.s.batch;
        for (k, h) in hyper.iter().enumerate() {
            let ids = idx.get(k * per..(k + 1) * per).map_or_else(|| vec![0; per], <[u32]>::to_vec);
            self.queue.push_back((*h, ids));
        }
        self.steps += hyper.len() as u64;
        self.pump();
    }
    fn busy(&self) -> bool {
        #[cfg(not(target_arch = "wasm32"))]
        let _ = self.ctx.device.poll(wgpu::PollType::Poll);
        self.regrid.is_some() || !self.queue.is_empty() || self.in_flight.load(Ordering::SeqCst) >= 2
    }
    fn idle(&self) -> bool {
        #[cfg(not(target_arch = "wasm32"))]
        let _ = self.ctx.device.poll(wgpu::PollType::Poll);
        self.settled() && self.in_flight.load(Ordering::SeqCst) == 0
    }
    fn request_snapshot(&mut self, grid: bool) -> bool {
        if self.snap.is_pending() || self.want_snap.is_some() {
            return false;
        }
        self.want_snap = Some(grid && self.grid_ok);
        self.pump();
        true
    }
    fn poll_snapshot(&mut self) -> Option<Result<Snapshot, String>> {
        self.pump();
        if let Some(e) = self.error.clone().or_else(|| self.ctx.lost_reason()) {
            return Some(Err(e));
        }
        let (data, step, grid) = match self.snap.take()? {
            Ok(v) => v,
            Err(e) => return Some(Err(e)),
        };
        let (l, (ntr, nte)) = (&self.s.layout, (self.s.train.len(), self.s.test.len()));
        let m = l.models;
        let (a, rest) = data.split_at(m * ntr);
        let (b, rest) = rest.split_at(m * ntr);
        let (c, rest) = rest.split_at(m * nte);
        let (d, rest) = rest.split_at(m * nte);
        let (bad, rest) = rest.split_at(m);
        let (wnorm, rest) = rest.split_at(m);
        let (gnorm, rest) = rest.split_at(m);
        let gnorm = if self.any_step { gnorm.to_vec() } else { vec![f32::NAN; m] };
        let bad = bad.iter().map(|v| Some(v.to_bits()).filter(|&s| s != NO_BAD_STEP).map(u64::from)).collect();
        let o = l.outputs();
        let grid = grid.then(|| (0..GRID_RES * GRID_RES).map(|k| score(l.head, &rest[k * o..(k + 1) * o])).collect());
        // Model 0's per-example correctness, train then test (the clean / flipped curves).
        let correct = b[..ntr].iter().chain(&d[..nte]).copied().collect();
        let (train, test) = (reduce_stats(a, b, m, ntr), reduce_stats(c, d, m, nte));
        Some(Ok(Snapshot { step, train, test, grid, bad, wnorm: wnorm.to_vec(), gnorm, correct }))
    }
    fn wait(&mut self) {
        #[cfg(not(target_arch = "wasm32"))]
        self.block();
    }
    fn request_params(&mut self) -> bool {
        if self.params_rb.0.is_pending() || self.want_params {
            return false;
        }
        self.want_params = true;
        self.pump();
        true
    }
    fn poll_params(&mut self) -> Polled<ParamState> {
        self.pump();
        if let Some(e) = self.error.clone() {
            return Some(Err(e));
        }
        let (data, _, _) = match self.params_rb.0.take()? {
            Ok(v) => v,
            Err(e) => return Some(Err(e)),
        };
        let n = self.s.layout.models * self.s.layout.p;
        // The newest weights seen on the host, for `kan_state` (the page's KAN panel).
        self.seen = data[..n].to_vec();
        Some(Ok((data[..n].to_vec(), data[n..2 * n].to_vec(), data[2 * n..3 * n].to_vec())))
    }
    /// The layout and the weights as last read back (`request_params`), or as uploaded.
    fn kan_state(&self) -> Option<(crate::core::kan::KanLayout, Vec<f32>)> {
        let w = if self.seen.len() == self.s.params.len() { &self.seen } else { &self.s.params };
        Some((self.s.layout.clone(), w.clone()))
    }
}
