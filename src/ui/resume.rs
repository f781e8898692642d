//! Continuing a run from weights read back at a step: after the GPU failed (on the CPU) and after
//! a weight was set by hand in the network diagram or by the link's `wedit` (on the same
//! backend). Either way a new
//! backend is built from the experiment's `Setup` with those parameters and Adam moments at that
//! step, so the batch stream, schedule and step count go on as if nothing happened, and the
//! curves and markers up to that step are kept. The `Backend` trait is unchanged: weights go in
//! only through `Setup` (DESIGN.md §2).

use super::runner::{BackendInfo, Runner};
use crate::engine::cpu::CpuBackend;
use crate::engine::{Backend, ParamState};
use crate::experiment::WeightEdit;
use crate::gpu::GpuBackend;
use crate::train::wedit;
use crate::train::{setup, Session};

/// A finished hand edit: what the page says and, for the user's edit, the link's new `wedit`.
pub type EditResult = Result<(String, Option<Vec<WeightEdit>>), String>;

/// A session continuing `old` from `state` at `step`: on the GPU `ctx` when given, else on the
/// CPU. `old` is left as it is (the caller keeps it when this fails).
fn continue_from(
    old: &Session,
    state: ParamState,
    step: u64,
    ctx: Option<std::sync::Arc<crate::gpu::GpuContext>>,
) -> Result<Session, String> {
    let (params, m1, m2) = state;
    let (d, mut s) = setup(&old.exp);
    if params.len() != s.params.len() {
        return Err(format!("read {} parameters, the model has {}", params.len(), s.params.len()));
    }
    s.params = params;
    s.moments = Some((m1, m2));
    let backend: Box<dyn Backend> = match ctx {
        Some(ctx) => Box::new(GpuBackend::new(ctx, s, step)?),
        None => Box::new(CpuBackend::new(s, step)),
    };
    let mut new = Session::new(old.exp.clone(), d, backend, step);
    new.history = old.history.clone();
    new.history.truncate_after(step);
    new.markers = old.markers.iter().filter(|m| m.0 <= step).cloned().collect();
    let rows = new.history.rows();
    new.milestones =
        crate::train::grok::Milestones::from_points(rows.iter().map(|r| (r.step, r.train_acc, r.test_acc)));
    Ok(new)
}

impl Runner {
    /// After the GPU failed: a CPU session resumed from the last synced weights (same
    /// experiment, same batch-stream position), keeping the curves up to that step.
    pub fn resume_on_cpu(&mut self, why: &str) -> bool {
        let (Some(old), Some((state, step))) = (self.session.take(), self.synced.take()) else {
            return false;
        };
        match continue_from(&old, state, step, None) {
            Ok(new) => {
                let note = Some(format!("{why}; resumed on the CPU from step {step}"));
                self.install(new, BackendInfo { kind: "cpu", label: "CPU".into(), note });
                true
            }
            Err(_) => false,
        }
    }

    /// Ask to set one weight of model 0 by hand (its `step` is filled in): training pauses
    /// until the weights of the current step are read, then continues from them with the edit
    /// (`finish_edit`), which also goes into the link.
    pub fn request_edit(&mut self, edit: WeightEdit) {
        self.edits = vec![edit];
        self.user_edit = true;
        self.edit_ready = None;
        self.edit_result = None;
    }

    /// Apply the pending edits to `state` (read at `step`, the current step) and continue on the
    /// same backend, with curve markers. The outcome goes to `edit_result`.
    pub(super) fn finish_edit(&mut self, mut state: ParamState, step: u64) {
        let mut edits = std::mem::take(&mut self.edits);
        let user = std::mem::take(&mut self.user_edit);
        let (Some(old), Some(layout)) = (self.session.as_ref(), self.layout.as_ref()) else { return };
        if user {
            edits.iter_mut().for_each(|w| w.step = step);
        }
        let texts = old.edited(layout, &mut state, &edits);
        let on_gpu = self.info.as_ref().is_some_and(|i| i.kind != "cpu");
        let ctx = if on_gpu { self.gpu.clone() } else { None };
        let result = if on_gpu && ctx.is_none() {
            Err("the GPU is no longer available".to_string())
        } else {
            continue_from(old, state.clone(), step, ctx)
        };
        match result {
            Ok(mut new) => {
                if user {
                    edits.iter().for_each(|w| wedit::insert(&mut new.exp.wedit, *w));
                }
                new.mark_applied_through(step);
                new.markers.extend(texts.iter().map(|t| (step, t.clone())));
                let list = user.then(|| new.exp.wedit.clone());
                let info = self.info.clone().unwrap_or(BackendInfo { kind: "cpu", label: "CPU".into(), note: None });
                self.install(new, info);
                self.latest = Some((state, step));
                self.latest_seq += 1;
                self.edit_result = Some(Ok((format!("Step {step}: {}", texts.join("; ")), list)));
            }
            Err(e) => self.edit_result = Some(Err(format!("The weight could not be set: {e}"))),
        }
    }
}
