//! The token models on the GPU (`model=emb`, `model=tfm`, issue 6): [`TfmGpu`] trains PAIR's
//! embedding MLP (Pearce et al. 2023; collapsed, `layers=H`, and factored as their notebook
//! trains it, `layers=D,H`) and the transformer of Nanda et al. 2023 ("Progress
//! measures for grokking via mechanistic interpretability") exactly as the CPU reference
//! `engine::tfm::TfmCpu` does (`core::tfm`: same layout, same ops, same head and optimizer),
//! K steps per submit. The dispatch sequence is recorded once per plan (`record.rs`, one file
//! per model), the backend (`backend.rs`) submits, evaluates and reads back without blocking.
//!
//! [`Rec`] is the plan recorder: `gpu::builder::Builder` plus bindings at element offsets (the
//! chunked q | k | v buffer of the attention kernels: three dense maps write one buffer).

mod backend;
mod profile;
mod record;
mod record_pair;
mod record_tfm;

pub use backend::TfmGpu;

use super::builder::{storage, Builder, Dispatch};
use super::kernels::{groups, work, Dims, Slot, K, UNIFORM_STRIDE};
use wgpu::Buffer;

/// A binding: buffer and element (f32) offset; the offset must be a multiple of 64 elements
/// (WebGPU's 256-byte storage offset alignment).
pub type View<'a> = Option<(&'a Buffer, usize)>;

/// The whole of `b`.
pub fn all(b: &Buffer) -> View<'_> {
    Some((b, 0))
}

/// Records dispatches and bind groups of one backend.
pub struct Rec<'a> {
    pub bld: Builder<'a>,
    /// Parameters [M, P] and their gradients.
    pub params: Buffer,
    pub grads: Buffer,
    /// Parameters per model.
    pub p: usize,
    /// Position ids 0, 1, 2, 0, 1, 2, … (f32) of the longest pass.
    pub pos_ids: Buffer,
}

fn bind(binding: u32, (buffer, off): (&Buffer, usize)) -> wgpu::BindGroupEntry<'_> {
    wgpu::BindGroupEntry {
        binding,
        resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding { buffer, offset: 4 * off as u64, size: None }),
    }
}

impl Rec<'_> {
    /// A zero-initialised scratch buffer of `n` floats.
    pub fn buf(&self, label: &str, n: usize) -> Buffer {
        storage(self.bld.ctx, label, n * 4)
    }

    /// One dispatch of `k` with dims `d` over the read-only views `ro` (bindings 2..4) and the
    /// read-write views `rw` (5..7); unused bindings get the builder's dummies.
    pub fn add(&mut self, k: K, d: Dims, ro: [View; 3], rw: [View; 3]) -> Dispatch {
        let b = &mut self.bld;
        let di = b.dims.len() as u64;
        b.dims.push(d);
        let uniform = |binding, buffer, offset, size: usize| wgpu::BindGroupEntry {
            binding,
            resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                buffer,
                offset,
                size: wgpu::BufferSize::new(size as u64),
            }),
        };
        let mut entries = vec![
            uniform(0, &b.dims_buf, di * UNIFORM_STRIDE, size_of::<Dims>()),
            uniform(1, &b.slot_buf, 0, size_of::<Slot>()),
        ];
        for (j, v) in ro.iter().enumerate() {
            entries.push(bind(2 + j as u32, v.unwrap_or((&b.dummy_ro, 0))));
        }
        for (j, v) in rw.iter().enumerate() {
            entries.push(bind(5 + j as u32, v.unwrap_or((&b.dummy_rw[j], 0))));
        }
        entries.push(bind(8, (&b.bad, 0)));
        let bg = b.ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: None,
            layout: &b.kern.layout,
            entries: &entries,
        });
        b.groups.push(bg);
        Dispatch {
            k,
            bg: b.groups.len() - 1,
            groups: groups(work(k, &d)),
            slot: matches!(k, K::Gather | K::Sgd | K::Momentum | K::Adam),
            label: format!("{k:?} m={} b={} i={} o={}", d.m, d.b, d.i, d.o),
            flops: 0.0,
            pipe: Default::default(),
        }
    }
}
