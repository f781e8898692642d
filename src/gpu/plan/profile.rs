//! Per-dispatch profile of the per-op training step (performance issue: "profile, not guess").
//! Each dispatch of one step runs alone, `reps` times in one compute pass, and is timed by the
//! wall clock from submit until the device is idle; the sum approximates one step. Natively only
//! (blocking waits): lavapipe here, a real GPU on the device machine. SwiftShader in Chromium is
//! the same kind of LLVM-compiled CPU emulation as lavapipe, so the shares carry over roughly.

use super::GpuBackend;
use crate::gpu::builder::Dispatch;
use crate::gpu::context::GpuContext;
use crate::gpu::kernels::Kernels;
use std::time::Instant;

/// One dispatch of the step: its label (kernel and dims), workgroups, and milliseconds per run.
#[derive(Clone, Debug, serde::Serialize)]
pub struct KernelTime {
    pub label: String,
    pub groups: u32,
    pub ms: f64,
    /// Floating-point operations per run (2·MACs; 0 for data movement).
    pub flops: f64,
}

impl GpuBackend {
    /// Time every dispatch of the per-op step plan (slot 0's hyperparameters) and of the
    /// evaluation over both splits (labelled `eval`), `reps` runs each.
    pub fn profile_step(&self, reps: usize) -> Vec<KernelTime> {
        profile_plans(&self.ctx, &self.kern, &self.bind_groups, &self.step_plan, &self.eval_plan, reps)
    }
}

/// Time each dispatch of `step` then of `eval` (labelled `eval`) alone, `reps` runs each in one
/// compute pass after one warm-up run. Shared by the MLP plan and the token models
/// (`gpu::tfm::TfmGpu::profile_step`).
pub fn profile_plans(
    ctx: &GpuContext,
    kern: &Kernels,
    bind_groups: &[wgpu::BindGroup],
    step: &[Dispatch],
    eval: &[Dispatch],
    reps: usize,
) -> Vec<KernelTime> {
    let dev = &ctx.device;
    let mut out = vec![];
    for (d, tag) in step.iter().map(|d| (d, "")).chain(eval.iter().map(|d| (d, "eval "))) {
        // Training steps without clipping, L1 or noise run the optimizer's plain pipeline.
        let pipe = d.pipe.plain.as_ref().or(d.pipe.any.as_ref());
        let run = |n: usize| {
            let mut enc = dev.create_command_encoder(&Default::default());
            {
                let mut pass = enc.begin_compute_pass(&Default::default());
                pass.set_pipeline(pipe.unwrap_or_else(|| kern.pipeline(d.k)));
                for _ in 0..n {
                    pass.set_bind_group(0, &bind_groups[d.bg], &[0]);
                    pass.dispatch_workgroups(d.groups, 1, 1);
                }
            }
            ctx.queue.submit([enc.finish()]);
            let _ = dev.poll(wgpu::PollType::wait_indefinitely());
        };
        run(1);
        let t0 = Instant::now();
        run(reps.max(1));
        let ms = t0.elapsed().as_secs_f64() * 1e3 / reps.max(1) as f64;
        out.push(KernelTime { label: format!("{tag}{}", d.label), groups: d.groups, ms, flops: d.flops });
    }
    out
}
