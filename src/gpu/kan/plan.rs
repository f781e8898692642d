//! The KAN GPU backend's buffers and recorded plan (issue 7; Liu et al. 2024's KAN, mirror of
//! `engine::kan::KanCpu::step`): the buffers that survive a change of the grid size G, the
//! layout-dependent parameters / optimizer state / activations, and the dispatch sequences of a
//! training step, an evaluation and the boundary grid, recorded once per G.

use super::{dims, part_len};
use crate::core::kan::Batch;
use crate::core::ops::HeadKind;
use crate::core::optim::Method;
use crate::engine::kan::KanSetup;
use crate::engine::GRID_RES;
use crate::gpu::builder::{dims_bytes, init, storage, Builder, Dispatch};
use crate::gpu::kernels::{Dims, Kernels, K, UNIFORM_STRIDE};
use crate::gpu::GpuContext;
use wgpu::{Buffer, BufferUsages as U};

/// Buffers that survive a change of G: data, minibatch, step slots, per-example results, records.
pub(super) struct Fixed {
    pub(super) x: [Buffer; 3],
    pub(super) t: [Buffer; 2],
    pub(super) idx: Buffer,
    pub(super) slots: Buffer,
    pub(super) bad: Buffer,
    pub(super) gnorm: Buffer,
    pub(super) wnorm: Buffer,
    pub(super) xb: Buffer,
    pub(super) tb: Buffer,
    pub(super) loss_b: Buffer,
    pub(super) corr_b: Buffer,
    /// Loss and correctness of the train and test splits, [M, N] each.
    pub(super) ev: [Buffer; 4],
    pub(super) eval_dz: Buffer,
}

/// The layout-dependent part: parameters, optimizer state, activations and the recorded plans.
pub(super) struct Plan {
    /// Parameters, first and second moments, [M, P] each.
    pub(super) state: [Buffer; 3],
    pub(super) groups: Vec<wgpu::BindGroup>,
    pub(super) step: Vec<Dispatch>,
    pub(super) eval: Vec<Dispatch>,
    pub(super) grid: Vec<Dispatch>,
    /// Model 0's outputs on the boundary grid, [GRID_RES², outputs].
    pub(super) grid_out: Buffer,
}

/// The largest storage buffer a plan binds, in bytes.
pub(super) fn largest(s: &KanSetup) -> u64 {
    let l = &s.layout;
    let (m, n) = (l.models as u64, s.train.len().max(s.test.len()) as u64);
    let w = l.layers.iter().map(|x| x.o.max(x.i)).max().unwrap_or(1) as u64;
    let rows = (m * n).max((GRID_RES * GRID_RES) as u64).max(m * s.batch as u64);
    let bt = Batch { models: l.models, rows: s.batch, x_stride_m: 0, p: l.p };
    let part = l.layers.iter().map(|ly| part_len(ly, bt)).max().unwrap_or(0) as u64;
    [m * l.p as u64, rows * w, part, s.train.x.len() as u64, s.test.x.len() as u64].into_iter().max().unwrap_or(0) * 4
}

pub(super) fn build(ctx: &GpuContext, kern: &Kernels, f: &Fixed, s: &KanSetup) -> Plan {
    let l = &s.layout;
    let (m, b, p, nl) = (l.models, s.batch, l.p, l.layers.len());
    let (ntr, nte, g) = (s.train.len(), s.test.len(), GRID_RES * GRID_RES);
    let zeros = vec![0.0f32; m * p];
    let params = init(ctx, "kan params", bytemuck::cast_slice(&s.params));
    let m1 = init(ctx, "kan m", bytemuck::cast_slice(&zeros));
    let m2 = init(ctx, "kan v", bytemuck::cast_slice(&zeros));
    let grads = storage(ctx, "kan grads", m * p * 4);
    let part_n = l.layers.iter().map(|ly| part_len(ly, Batch { models: m, rows: b, x_stride_m: 0, p })).max();
    let part = storage(ctx, "kan grad parts", part_n.unwrap_or(1) * 4);
    let masks: Vec<f32> = l.decay_mask().into_iter().chain(l.lr_mask()).collect();
    let mask = init(ctx, "kan mask", bytemuck::cast_slice(&masks));
    let acts: Vec<Buffer> = l.layers.iter().map(|x| storage(ctx, "kan act", m * b * x.o * 4)).collect();
    let dz: Vec<Buffer> = l.layers.iter().map(|x| storage(ctx, "kan dz", m * b * x.o * 4)).collect();
    let rows = (m * ntr.max(nte)).max(g);
    let eacts: Vec<Buffer> = l.layers.iter().map(|x| storage(ctx, "kan eval act", rows * x.o * 4)).collect();
    let uni = ctx.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("kan dims"),
        size: (6 * nl + 16) as u64 * UNIFORM_STRIDE,
        usage: U::UNIFORM | U::COPY_DST,
        mapped_at_creation: false,
    });
    let mut bld = Builder {
        ctx,
        kern,
        dims: vec![],
        dims_buf: uni,
        slot_buf: f.slots.clone(),
        dummy_ro: storage(ctx, "dummy ro", 16),
        dummy_rw: [storage(ctx, "dummy rw0", 16), storage(ctx, "dummy rw1", 16), storage(ctx, "dummy rw2", 16)],
        bad: f.bad.clone(),
        groups: vec![],
    };
    let (kind, smooth, c) = (l.head.code(), l.head.smooth(), l.outputs());
    let tanh = |k: usize| k + 1 == nl && l.head == HeadKind::Tanh;
    let bt = |models: usize, rows: usize, xs: usize| Batch { models, rows, x_stride_m: xs, p };
    let gd = Dims { m: m as u32, b: b as u32, i: l.inputs() as u32, ..Default::default() };
    let mut step =
        vec![bld.add(K::Gather, gd, [Some(&f.x[0]), Some(&f.t[0]), Some(&f.idx)], [Some(&f.xb), Some(&f.tb), None])];
    let input = |k: usize| if k == 0 { &f.xb } else { &acts[k - 1] };
    for (k, ly) in l.layers.iter().enumerate() {
        let d = dims(ly, bt(m, b, b * ly.i), tanh(k));
        step.push(bld.add(K::KanFwd, d, [Some(input(k)), Some(&params), None], [Some(&acts[k]), None, None]));
    }
    let hd = Dims { m: m as u32, b: b as u32, o: c as u32, t_stride_m: b as u32, kind, smooth, ..Default::default() };
    let head_rw = [Some(&dz[nl - 1]), Some(&f.loss_b), Some(&f.corr_b)];
    step.push(bld.add(K::Head, hd, [Some(&acts[nl - 1]), Some(&f.tb), None], head_rw));
    for (k, ly) in l.layers.iter().enumerate().rev() {
        let d = dims(ly, bt(m, b, b * ly.i), false);
        let ro = [Some(input(k)), Some(&params), Some(&dz[k])];
        step.push(bld.add(K::KanBwdWeight, d, ro, [Some(&part), None, None]));
        step.push(bld.add(K::KanBwdReduce, d, [Some(&part), Some(&params), None], [Some(&grads), None, None]));
        if k > 0 {
            step.push(bld.add(K::KanBwdData, d, ro, [Some(&dz[k - 1]), None, None]));
        }
    }
    // The norm runs on clipping steps only (`KanGpu::encode`).
    let nd = Dims { m: m as u32, p_stride: p as u32, ..Default::default() };
    step.push(bld.add(K::Norm, nd, [Some(&grads), None, None], [Some(&f.gnorm), None, None]));
    let od = Dims { m: (m * p) as u32, p_stride: p as u32, ..Default::default() };
    let ok = match Method::from(s.opt) {
        Method::Sgd => K::Sgd,
        Method::Momentum => K::Momentum,
        Method::Adam => K::Adam,
    };
    step.push(bld.add(ok, od, [Some(&grads), Some(&mask), Some(&f.gnorm)], [Some(&params), Some(&m1), Some(&m2)]));
    // Evaluation: every model over a whole split (inputs shared), then the head; the boundary
    // grid for model 0 alone.
    let fwd_split = |bld: &mut Builder, x: &Buffer, n: usize, models: usize, plan: &mut Vec<Dispatch>| {
        for (k, ly) in l.layers.iter().enumerate() {
            let (inp, xs) = if k == 0 { (x, 0) } else { (&eacts[k - 1], n * ly.i) };
            let d = dims(ly, bt(models, n, xs), tanh(k));
            plan.push(bld.add(K::KanFwd, d, [Some(inp), Some(&params), None], [Some(&eacts[k]), None, None]));
        }
    };
    let mut eval = vec![];
    for (x, t, n, j) in [(&f.x[0], &f.t[0], ntr, 0), (&f.x[1], &f.t[1], nte, 2)] {
        fwd_split(&mut bld, x, n, m, &mut eval);
        let hd = Dims { m: m as u32, b: n as u32, o: c as u32, kind, smooth, ..Default::default() };
        let rw = [Some(&f.eval_dz), Some(&f.ev[j]), Some(&f.ev[j + 1])];
        eval.push(bld.add(K::Head, hd, [Some(&eacts[nl - 1]), Some(t), None], rw));
    }
    eval.push(bld.add(K::Norm, nd, [Some(&params), None, None], [Some(&f.wnorm), None, None]));
    eval.push(bld.add(K::Norm, nd, [Some(&grads), None, None], [Some(&f.gnorm), None, None]));
    let mut grid = vec![];
    fwd_split(&mut bld, &f.x[2], g, 1, &mut grid);
    ctx.queue.write_buffer(&bld.dims_buf, 0, &dims_bytes(&bld.dims));
    Plan { state: [params, m1, m2], groups: bld.groups, step, eval, grid, grid_out: eacts[nl - 1].clone() }
}
