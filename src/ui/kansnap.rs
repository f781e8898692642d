//! Snapping a KAN edge from the page (issue 7). As with a hand-set weight (`resume.rs`), the run
//! goes on from the current step with the snap recorded in the link (`snap=step:layer:i:j:f` or
//! `step:auto`), so Reset, the copied link and the CLI replay it. The engine applies a snap
//! between steps with the optimizer state kept (`engine::kan`), and the KAN backend cannot be
//! handed Adam moments, so instead of continuing from read-back weights the page rebuilds the
//! run from the seed with the new schedule and trains it up to the current step at once: the
//! exact replay, bit for bit what the link does (the curves up to this step are the same and are
//! kept). The snap itself happens as training goes on from here.
//! At most [`MAX_REPLAY_FLOPS`] of work is replayed in one go; a longer run says so.

use super::runner::{BackendInfo, Runner};
use crate::core::kan::symbolic::{Snap, AUTO};
use crate::engine::kan::{setup, KanCpu};
use crate::train::Session;
use std::cell::RefCell;
use std::rc::Rc;

/// `list` with `s` inserted after the entries of the same step (the schedule stays ordered).
pub fn insert(list: &[Snap], s: Snap) -> Vec<Snap> {
    let mut v = list.to_vec();
    let at = v.iter().position(|x| x.step > s.step).unwrap_or(v.len());
    v.insert(at, s);
    v
}

/// Curve marker of a snap.
pub fn marker(s: &Snap) -> String {
    if s.name == AUTO {
        "auto-snap all edges".to_string()
    } else {
        format!("snap φ L{} {}→{} to {}", s.layer + 1, s.i + 1, s.j + 1, s.name)
    }
}

/// Most floating-point work replayed at once (~2 s of wasm CPU).
pub const MAX_REPLAY_FLOPS: f64 = 2e9;

/// Snap `s` (its step is filled in) in the running KAN session of `rc`: the page's note and the
/// link's new `snap` list, or why not.
pub fn snap_now(rc: &Rc<RefCell<Runner>>, s: Snap) -> Result<(String, Vec<Snap>), String> {
    let mut r = rc.borrow_mut();
    let info = r.info.clone().unwrap_or(BackendInfo { kind: "cpu", label: "CPU".into(), note: None });
    let old = r.session.as_ref().ok_or("no run to snap yet")?;
    if old.exp.model != crate::experiment::Model::Kan {
        return Err("only KAN edges can be snapped".into());
    }
    let step = old.backend.steps();
    let snap = Snap { step, ..s };
    let mut exp = old.exp.clone();
    exp.snap = insert(&exp.snap, snap);
    let (d, ks) = setup(&exp);
    crate::engine::kan::check_size(&ks)?;
    let work = 6.0 * (ks.layout.p * ks.layout.models * ks.batch) as f64 * step as f64;
    if work > MAX_REPLAY_FLOPS {
        return Err(format!(
            "Replaying {step} steps to snap here would take too long; add `snap={}` to the link and reload (it replays from the seed), or snap earlier.",
            snap
        ));
    }
    let mut new = Session::new(exp.clone(), d, Box::new(KanCpu::new(ks, 0)), 0);
    while new.backend.steps() < step {
        new.train((step - new.backend.steps()).min(4096) as usize);
    }
    new.history = old.history.clone();
    new.history.truncate_after(step);
    new.markers = old.markers.iter().filter(|m| m.0 <= step).cloned().collect();
    new.markers.push((step, marker(&snap)));
    new.milestones = old.milestones;
    r.install(new, info);
    Ok((format!("Step {step}: {} (from the next step; in the link)", marker(&snap)), exp.snap))
}
