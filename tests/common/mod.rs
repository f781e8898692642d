//! Shared by the GPU test binaries (`gpu_parity`, `gpu_model`, `gpu_optim`, `gpu_grok`, `gpu_sweep`):
//! one device and one set of compiled kernels per binary, single-kernel launches, random inputs,
//! blocking parameter readback.
#![allow(dead_code)] // each binary uses a subset

use grokpad::core::rng::Rng;
use grokpad::gpu::kernels::{Dims, Slot, K};
use grokpad::gpu::oneshot::Launcher;
use grokpad::gpu::GpuContext;
use std::sync::{Arc, OnceLock};

/// One device and one set of compiled kernels for the whole test binary. No adapter = failure.
pub fn gpu() -> &'static (Arc<GpuContext>, Launcher) {
    static GPU: OnceLock<(Arc<GpuContext>, Launcher)> = OnceLock::new();
    GPU.get_or_init(|| {
        let ctx = GpuContext::new_blocking().unwrap_or_else(|e| {
            panic!(
                "GPU tests need a wgpu adapter and found none: {e}.\n\
                 Natively use lavapipe (apt-get install mesa-vulkan-drivers libvulkan1) with\n\
                 WGPU_BACKEND=vulkan VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json \
                 XDG_RUNTIME_DIR=<a writable dir>"
            )
        });
        println!("adapter: {}", ctx.label);
        let l = Launcher::new(&ctx);
        (Arc::new(ctx), l)
    })
}

/// Run one kernel on f32 buffers (u32 data passed through `u32_as_f32`).
pub fn launch(k: K, d: Dims, slot: Slot, ro: [Option<&[f32]>; 3], rw: [Option<&[f32]>; 3]) -> [Vec<f32>; 3] {
    let (ctx, l) = gpu();
    l.run_f32(ctx, k, d, slot, ro, rw).unwrap_or_else(|e| panic!("{e}"))
}

pub fn rand_vec(r: &mut Rng, n: usize, lo: f64, hi: f64) -> Vec<f32> {
    (0..n).map(|_| r.range(lo, hi) as f32).collect()
}

/// Parameters and Adam moments of a backend, read back blocking (natively `wait` flushes).
pub fn state_of(b: &mut dyn grokpad::engine::Backend) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    assert!(b.request_params());
    loop {
        b.wait();
        if let Some(r) = b.poll_params() {
            return r.unwrap_or_else(|e| panic!("params readback: {e}"));
        }
    }
}

/// The parameters of a backend, read back blocking.
pub fn params_of(b: &mut dyn grokpad::engine::Backend) -> Vec<f32> {
    state_of(b).0
}
