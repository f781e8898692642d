//! Per-dispatch profile of the token models' training step and evaluation (as
//! `gpu::plan::profile` does for the MLP plan): each dispatch runs alone, `reps` times in one
//! compute pass, timed by the wall clock from submit until the device is idle. Natively only.
#![cfg(not(target_arch = "wasm32"))]

use super::TfmGpu;
use crate::gpu::plan::profile::KernelTime;
use std::time::Instant;

impl TfmGpu {
    /// Time every dispatch of the step plan (slot 0's hyperparameters) and of the evaluation
    /// over both splits (labelled `eval`), `reps` runs each.
    pub fn profile_step(&self, reps: usize) -> Vec<KernelTime> {
        let dev = &self.ctx.device;
        let mut out = vec![];
        let plans = self.step_plan.iter().map(|d| (d, "")).chain(self.eval_plan.iter().map(|d| (d, "eval ")));
        for (d, tag) in plans {
            let run = |n: usize| {
                let mut enc = dev.create_command_encoder(&Default::default());
                {
                    let mut pass = enc.begin_compute_pass(&Default::default());
                    pass.set_pipeline(self.kern.pipeline(d.k));
                    for _ in 0..n {
                        pass.set_bind_group(0, &self.groups[d.bg], &[0]);
                        pass.dispatch_workgroups(d.groups, 1, 1);
                    }
                }
                self.ctx.queue.submit([enc.finish()]);
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
}
