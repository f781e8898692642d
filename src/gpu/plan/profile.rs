//! Per-dispatch profile of the per-op training step (performance issue: "profile, not guess").
//! Each dispatch of one step runs alone, `reps` times in one compute pass, and is timed by the
//! wall clock from submit until the device is idle; the sum approximates one step. Natively only
//! (blocking waits): lavapipe here, a real GPU on the device machine. SwiftShader in Chromium is
//! the same kind of LLVM-compiled CPU emulation as lavapipe, so the shares carry over roughly.

use super::GpuBackend;
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
        let dev = &self.ctx.device;
        let wait = || {
            let _ = dev.poll(wgpu::PollType::wait_indefinitely());
        };
        let mut out = vec![];
        let plans = self.step_plan.iter().map(|d| (d, "")).chain(self.eval_plan.iter().map(|d| (d, "eval ")));
        for (d, tag) in plans {
            // Training steps without clipping, L1 or noise run the optimizer's plain pipeline.
            let pipe = d.pipe.plain.as_ref().or(d.pipe.any.as_ref());
            let run = |n: usize| {
                let mut enc = dev.create_command_encoder(&Default::default());
                {
                    let mut pass = enc.begin_compute_pass(&Default::default());
                    pass.set_pipeline(pipe.unwrap_or_else(|| self.kern.pipeline(d.k)));
                    for _ in 0..n {
                        pass.set_bind_group(0, &self.bind_groups[d.bg], &[0]);
                        pass.dispatch_workgroups(d.groups, 1, 1);
                    }
                }
                self.ctx.queue.submit([enc.finish()]);
                wait();
            };
            run(1);
            let t0 = Instant::now();
            run(reps.max(1));
            let ms = t0.elapsed().as_secs_f64() * 1e3 / reps.max(1) as f64;
            out.push(KernelTime { label: format!("{tag}{}", d.label), groups: d.groups, ms, flops: d.flops });
        }
        out
    }
}
