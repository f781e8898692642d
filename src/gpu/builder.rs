//! Compiling a GPU plan: the helpers `plan.rs` uses to allocate buffers and to record each
//! dispatch's static dims and bind group once (DESIGN.md §3: no allocation, pipeline or
//! bind-group creation inside the training loop).

use super::context::GpuContext;
use super::kernels::{groups, work, Dims, Kernels, Slot, K, UNIFORM_STRIDE};
use wgpu::util::DeviceExt;
use wgpu::{Buffer, BufferUsages as U};

/// One recorded dispatch: kernel, bind-group index, workgroups, and whether it reads the step slot.
pub struct Dispatch {
    pub k: K,
    pub bg: usize,
    pub groups: u32,
    pub slot: bool,
    /// Kernel and dims, for profiles.
    pub label: String,
    /// Floating-point operations per run (2·MACs of the dense kernels; 0 for the others).
    pub flops: f64,
    /// Pipelines specialized to this dispatch's static dims (`Kernels::specialized`); empty:
    /// the kernel's generic pipeline.
    pub pipe: Pipes,
}

/// A dispatch's specialized pipelines: for every step, and for plain steps (no clipping, L1 or
/// gradient noise: the optimizers).
#[derive(Clone, Default)]
pub struct Pipes {
    pub any: Option<wgpu::ComputePipeline>,
    pub plain: Option<wgpu::ComputePipeline>,
}

/// Collects dims and bind groups while the plan is compiled.
pub struct Builder<'a> {
    pub ctx: &'a GpuContext,
    pub kern: &'a Kernels,
    pub dims: Vec<Dims>,
    pub dims_buf: Buffer,
    pub slot_buf: Buffer,
    pub dummy_ro: Buffer,
    pub dummy_rw: [Buffer; 3],
    /// The divergence record [M] u32, bound at 8 in every dispatch.
    pub bad: Buffer,
    pub groups: Vec<wgpu::BindGroup>,
}

fn bind(binding: u32, buffer: &Buffer, size: Option<u64>, offset: u64) -> wgpu::BindGroupEntry<'_> {
    wgpu::BindGroupEntry {
        binding,
        resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
            buffer,
            offset,
            size: size.and_then(wgpu::BufferSize::new),
        }),
    }
}

impl Builder<'_> {
    pub fn add(&mut self, k: K, d: Dims, ro: [Option<&Buffer>; 3], rw: [Option<&Buffer>; 3]) -> Dispatch {
        let di = self.dims.len() as u64;
        self.dims.push(d);
        let mut entries = vec![
            bind(0, &self.dims_buf, Some(size_of::<Dims>() as u64), di * UNIFORM_STRIDE),
            bind(1, &self.slot_buf, Some(size_of::<Slot>() as u64), 0),
        ];
        for (j, b) in ro.iter().enumerate() {
            entries.push(bind(2 + j as u32, b.unwrap_or(&self.dummy_ro), None, 0));
        }
        for (j, b) in rw.iter().enumerate() {
            entries.push(bind(5 + j as u32, b.unwrap_or(&self.dummy_rw[j]), None, 0));
        }
        entries.push(bind(8, &self.bad, None, 0));
        let bg = self.ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: None,
            layout: &self.kern.layout,
            entries: &entries,
        });
        self.groups.push(bg);
        let macs = match k {
            K::Fwd | K::BwdData | K::BwdWeight => d.m as f64 * d.b as f64 * d.i as f64 * d.o as f64,
            _ => 0.0,
        };
        Dispatch {
            k,
            bg: self.groups.len() - 1,
            groups: groups(work(k, &d)),
            slot: matches!(k, K::Gather | K::Sgd | K::Momentum | K::Adam | K::Fwd | K::BwdData),
            label: format!("{k:?} m={} b={} i={} o={}", d.m, d.b, d.i, d.o),
            flops: 2.0 * macs,
            pipe: Pipes {
                any: self.kern.specialized(&self.ctx.device, k, &d, false),
                plain: if matches!(k, K::Sgd | K::Momentum | K::Adam) {
                    self.kern.specialized(&self.ctx.device, k, &d, true)
                } else {
                    None
                },
            },
        }
    }
}

pub fn storage(ctx: &GpuContext, label: &str, bytes: usize) -> Buffer {
    ctx.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size: (bytes.max(16) as u64).next_multiple_of(4),
        usage: U::STORAGE | U::COPY_SRC | U::COPY_DST,
        mapped_at_creation: false,
    })
}

pub fn init(ctx: &GpuContext, label: &str, bytes: &[u8]) -> Buffer {
    let mut v = bytes.to_vec();
    v.resize(v.len().max(16), 0);
    ctx.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some(label),
        contents: &v,
        usage: U::STORAGE | U::COPY_SRC | U::COPY_DST,
    })
}

pub fn dims_bytes(dims: &[Dims]) -> Vec<u8> {
    let mut out = vec![0u8; dims.len() * UNIFORM_STRIDE as usize];
    for (k, d) in dims.iter().enumerate() {
        let at = k * UNIFORM_STRIDE as usize;
        out[at..at + size_of::<Dims>()].copy_from_slice(bytemuck::bytes_of(d));
    }
    out
}

/// Record `plan` into one compute pass at step slot `slot` (the dynamic uniform offset of
/// dispatches that read it); `clip` = false skips the gradient-norm dispatches (`K::Norm`).
/// Shared by every GPU backend (MLP plan, KAN, token models).
pub fn encode_plan(
    enc: &mut wgpu::CommandEncoder,
    kern: &Kernels,
    bind_groups: &[wgpu::BindGroup],
    plan: &[Dispatch],
    slot: u32,
    clip: bool,
) {
    encode_step(enc, kern, bind_groups, plan, slot, clip, false);
}

/// [`encode_plan`] for a step that is `plain` (no clipping, L1 or gradient noise: the
/// optimizers' plain pipelines, `Pipes::plain`, where the dispatch has one).
pub fn encode_step(
    enc: &mut wgpu::CommandEncoder,
    kern: &Kernels,
    bind_groups: &[wgpu::BindGroup],
    plan: &[Dispatch],
    slot: u32,
    clip: bool,
    plain: bool,
) {
    let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor { label: None, timestamp_writes: None });
    for d in plan.iter().filter(|d| clip || d.k != K::Norm) {
        let spec = if plain { d.pipe.plain.as_ref().or(d.pipe.any.as_ref()) } else { d.pipe.any.as_ref() };
        pass.set_pipeline(spec.unwrap_or_else(|| kern.pipeline(d.k)));
        pass.set_bind_group(0, &bind_groups[d.bg], &[if d.slot { slot } else { 0 }]);
        pass.dispatch_workgroups(d.groups, 1, 1);
    }
}

/// Submit `enc`, counting it in `in_flight` until the queue reports it done (the backends'
/// non-blocking `busy`/`idle`).
pub fn submit_counted(
    ctx: &GpuContext,
    in_flight: &std::sync::Arc<std::sync::atomic::AtomicU32>,
    enc: wgpu::CommandEncoder,
) {
    use std::sync::atomic::Ordering;
    in_flight.fetch_add(1, Ordering::SeqCst);
    ctx.queue.submit([enc.finish()]);
    let f = in_flight.clone();
    ctx.queue.on_submitted_work_done(move || {
        f.fetch_sub(1, Ordering::SeqCst);
    });
}
