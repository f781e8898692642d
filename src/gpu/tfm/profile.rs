//! Per-dispatch profile of the token models' training step and evaluation (as
//! `gpu::plan::profile` does for the MLP plan): each dispatch runs alone, `reps` times in one
//! compute pass, timed by the wall clock from submit until the device is idle. Natively only.
#![cfg(not(target_arch = "wasm32"))]

use super::TfmGpu;
use crate::gpu::plan::profile::{profile_plans, KernelTime};

impl TfmGpu {
    /// Time every dispatch of the step plan (slot 0's hyperparameters) and of the evaluation
    /// over both splits (labelled `eval`), `reps` runs each.
    pub fn profile_step(&self, reps: usize) -> Vec<KernelTime> {
        profile_plans(&self.ctx, &self.kern, &self.groups, &self.step_plan, &self.eval_plan, reps)
    }
}
