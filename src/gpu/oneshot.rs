//! A one-dispatch launcher for tests and diagnostics (DESIGN.md §5, layer 3: per-op GPU vs CPU
//! parity). It runs ONE kernel of `shaders/` on caller-supplied bytes, with the binding
//! conventions of the step plan (`gpu::plan`): 0 = dims, 1 = slot (dynamic offset 0),
//! 2..4 = read-only inputs, 5..7 = read-write outputs (a 16-byte dummy where unused), and the
//! same amount of work per kernel ([`work`]), dispatched as `kernels::groups(work)` workgroups
//! so the grid-stride loops are exercised exactly as in training. Then it copies the read-write
//! buffers to a MAP_READ staging buffer and blocks on `device.poll`: native only.
#![cfg(not(target_arch = "wasm32"))]

use super::context::GpuContext;
use super::kernels::{groups, Dims, Kernels, Slot, K, UNIFORM_STRIDE};
use wgpu::util::DeviceExt;
use wgpu::{Buffer, BufferUsages as U};

/// Invocations the step plan launches for kernel `k` with dims `d` (one per output element, or
/// per 4×4 output tile for the dense kernels).
pub use super::kernels::work;

/// The compiled kernels of one device, reused across launches.
pub struct Launcher {
    kern: Kernels,
}

fn bind(binding: u32, buffer: &Buffer, size: Option<u64>) -> wgpu::BindGroupEntry<'_> {
    wgpu::BindGroupEntry {
        binding,
        resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
            buffer,
            offset: 0,
            size: size.and_then(wgpu::BufferSize::new),
        }),
    }
}

/// A storage buffer holding `bytes`, padded with zeros to at least 16 bytes and a multiple of 4.
fn storage(ctx: &GpuContext, label: &str, bytes: &[u8]) -> Buffer {
    let mut v = bytes.to_vec();
    v.resize(v.len().max(16).next_multiple_of(4), 0);
    ctx.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some(label),
        contents: &v,
        usage: U::STORAGE | U::COPY_SRC | U::COPY_DST,
    })
}

/// A uniform buffer of one `UNIFORM_STRIDE` slot holding `bytes` at offset 0.
fn uniform(ctx: &GpuContext, label: &str, bytes: &[u8]) -> Buffer {
    let mut v = vec![0u8; UNIFORM_STRIDE as usize];
    v[..bytes.len()].copy_from_slice(bytes);
    ctx.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some(label),
        contents: &v,
        usage: U::UNIFORM | U::COPY_DST,
    })
}

impl Launcher {
    /// Compile every kernel on `ctx`'s device.
    pub fn new(ctx: &GpuContext) -> Self {
        Launcher { kern: Kernels::new(&ctx.device) }
    }

    /// Run kernel `k` once over `ro` (bindings 2..4) and `rw` (bindings 5..7, initial contents)
    /// and return the final contents of the `rw` buffers, each as long as its input (empty
    /// where `None`). `Err` carries a wgpu validation error or a failed readback.
    pub fn run(
        &self,
        ctx: &GpuContext,
        k: K,
        dims: Dims,
        slot: Slot,
        ro: [Option<&[u8]>; 3],
        rw: [Option<&[u8]>; 3],
    ) -> Result<[Vec<u8>; 3], String> {
        let dev = &ctx.device;
        let scope = dev.push_error_scope(wgpu::ErrorFilter::Validation);
        let dims_buf = uniform(ctx, "oneshot dims", bytemuck::bytes_of(&dims));
        let slot_buf = uniform(ctx, "oneshot slot", bytemuck::bytes_of(&slot));
        let ro_bufs: Vec<Buffer> = ro.iter().map(|b| storage(ctx, "oneshot ro", b.unwrap_or(&[]))).collect();
        let rw_bufs: Vec<Buffer> = rw.iter().map(|b| storage(ctx, "oneshot rw", b.unwrap_or(&[]))).collect();
        let mut entries = vec![
            bind(0, &dims_buf, Some(size_of::<Dims>() as u64)),
            bind(1, &slot_buf, Some(size_of::<Slot>() as u64)),
        ];
        entries.extend(ro_bufs.iter().enumerate().map(|(j, b)| bind(2 + j as u32, b, None)));
        entries.extend(rw_bufs.iter().enumerate().map(|(j, b)| bind(5 + j as u32, b, None)));
        // The divergence record: one u32 per model, no step recorded yet.
        let models = (dims.m / dims.p_stride.max(1)) as usize + 1;
        let bad = storage(ctx, "oneshot bad", bytemuck::cast_slice(&vec![super::kernels::NO_BAD_STEP; models]));
        entries.push(bind(8, &bad, None));
        let bg = dev.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("oneshot"),
            layout: &self.kern.layout,
            entries: &entries,
        });
        // One staging buffer for all three outputs, each at a 4-byte-aligned offset.
        let sizes: Vec<u64> = rw_bufs.iter().map(|b| b.size()).collect();
        let offs: Vec<u64> = sizes.iter().scan(0, |acc, s| Some(std::mem::replace(acc, *acc + s))).collect();
        let staging = dev.create_buffer(&wgpu::BufferDescriptor {
            label: Some("oneshot readback"),
            size: sizes.iter().sum(),
            usage: U::MAP_READ | U::COPY_DST,
            mapped_at_creation: false,
        });
        let mut enc = dev.create_command_encoder(&Default::default());
        {
            let mut pass =
                enc.begin_compute_pass(&wgpu::ComputePassDescriptor { label: Some("oneshot"), timestamp_writes: None });
            pass.set_pipeline(self.kern.pipeline(k));
            pass.set_bind_group(0, &bg, &[0]);
            pass.dispatch_workgroups(groups(work(k, &dims)), 1, 1);
        }
        for ((b, &off), &size) in rw_bufs.iter().zip(&offs).zip(&sizes) {
            enc.copy_buffer_to_buffer(b, 0, &staging, off, size);
        }
        ctx.queue.submit([enc.finish()]);
        if let Some(e) = pollster::block_on(scope.pop()) {
            return Err(format!("{k:?}: wgpu validation error: {e}"));
        }
        let mapped = std::sync::Arc::new(std::sync::Mutex::new(None));
        let m2 = mapped.clone();
        staging.slice(..).map_async(wgpu::MapMode::Read, move |r| {
            if let Ok(mut g) = m2.lock() {
                *g = Some(r);
            }
        });
        // Tests share one device across threads: another thread's poll may be the one that
        // completes this map and runs its callback just after our poll returns, so wait for it.
        let mut r = None;
        for _ in 0..10_000 {
            dev.poll(wgpu::PollType::wait_indefinitely()).map_err(|e| format!("{k:?}: device poll failed: {e}"))?;
            r = mapped.lock().map_err(|e| e.to_string())?.take();
            if r.is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        match r {
            Some(Ok(())) => {}
            Some(Err(e)) => return Err(format!("{k:?}: readback failed: {e}")),
            None => return Err(format!("{k:?}: readback never completed")),
        }
        if let Some(e) = ctx.lost_reason() {
            return Err(format!("{k:?}: {e}"));
        }
        let out = {
            let view = staging.slice(..).get_mapped_range().map_err(|e| format!("{k:?}: readback failed: {e:?}"))?;
            let mut out: [Vec<u8>; 3] = Default::default();
            for (j, src) in rw.iter().enumerate() {
                let n = src.map_or(0, <[u8]>::len);
                let at = offs[j] as usize;
                out[j] = view[at..at + n].to_vec();
            }
            out
        };
        staging.unmap();
        Ok(out)
    }

    /// [`Launcher::run`] on f32 buffers; pass u32 data (targets, indices) through
    /// [`u32_as_f32`] and read u32 outputs back with `f32::to_bits`.
    pub fn run_f32(
        &self,
        ctx: &GpuContext,
        k: K,
        dims: Dims,
        slot: Slot,
        ro: [Option<&[f32]>; 3],
        rw: [Option<&[f32]>; 3],
    ) -> Result<[Vec<f32>; 3], String> {
        let ro = ro.map(|b| b.map(bytemuck::cast_slice::<f32, u8>));
        let rw = rw.map(|b| b.map(bytemuck::cast_slice::<f32, u8>));
        let out = self.run(ctx, k, dims, slot, ro, rw)?;
        Ok(out.map(|v| bytemuck::pod_collect_to_vec(&v)))
    }
}

/// Reinterpret u32 data (targets, indices) as f32 bit patterns for [`Launcher::run_f32`].
pub fn u32_as_f32(v: &[u32]) -> Vec<f32> {
    v.iter().map(|&x| f32::from_bits(x)).collect()
}

/// Run one dispatch with freshly compiled kernels (see [`Launcher::run`]; build a
/// [`Launcher`] once to run many).
pub fn run(
    ctx: &GpuContext,
    k: K,
    dims: Dims,
    slot: Slot,
    ro: [Option<&[u8]>; 3],
    rw: [Option<&[u8]>; 3],
) -> Result<[Vec<u8>; 3], String> {
    Launcher::new(ctx).run(ctx, k, dims, slot, ro, rw)
}
