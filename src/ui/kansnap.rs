//! Snapping a KAN edge from the page (issue 7). As with a hand-set weight (`resume.rs`), the run
//! goes on from the current step with the snap recorded in the link (`snap=step:layer:i:j:f` or
//! `step:auto`), so Reset, the copied link and the CLI replay it. The engine applies a snap
//! between steps with the optimizer state kept (`engine::kan`), and the KAN backend cannot be
//! handed Adam moments, so instead of continuing from read-back weights the page rebuilds the
//! run from the seed with the new schedule and trains it up to the current step at once: the
//! exact replay, bit for bit what the link does (the curves up to this step are the same and are
//! kept). The snap itself happens as training goes on from here.
//! At most [`MAX_REPLAY_FLOPS`] of work is replayed in one go; a longer run says so.

use crate::core::kan::symbolic::{Snap, AUTO};
use crate::engine::kan::{setup, KanCpu};
use crate::train::Session;

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

/// The session continuing `old` (a KAN run) with `s` snapped at its current step (the step is
/// filled in): rebuilt from the seed with the snap in its schedule and trained to that step, its
/// curves and markers up to there kept, a marker for the snap. `Err` says why not.
pub fn snapped(old: &Session, s: Snap) -> Result<(Session, Snap), String> {
    if old.exp.model != crate::experiment::Model::Kan {
        return Err("only KAN edges can be snapped".into());
    }
    let step = old.backend.steps();
    let snap = Snap { step, ..s };
    let mut exp = old.exp.clone();
    exp.snap = insert(&exp.snap, snap);
    let new = replayed(old, exp, marker(&snap), &format!("snap={snap}"))?;
    Ok((new, snap))
}

/// The session continuing `old` (a KAN run) as `exp` (its link with a new edit at the current
/// step): rebuilt from the seed, trained to that step on the KAN CPU backend, the curves and
/// markers up to there kept and `marker` added. `Err` when it is too large or the replay too
/// long (`entry`: the link entry to add by hand instead).
pub fn replayed(
    old: &Session,
    exp: crate::experiment::Experiment,
    marker: String,
    entry: &str,
) -> Result<Session, String> {
    let step = old.backend.steps();
    let (d, ks) = setup(&exp);
    crate::engine::kan::check_size(&ks)?;
    let work = 6.0 * (ks.layout.p * ks.layout.models * ks.batch) as f64 * step as f64;
    if work > MAX_REPLAY_FLOPS {
        return Err(format!(
            "Replaying {step} steps to edit the KAN here would take too long; add `{entry}` to the link and reload (it replays from the seed), or do it earlier."
        ));
    }
    let mut new = Session::new(exp, d, Box::new(KanCpu::new(ks, 0)), 0);
    while new.backend.steps() < step {
        new.train((step - new.backend.steps()).min(4096) as usize);
    }
    new.history = old.history.clone();
    new.history.truncate_after(step);
    new.markers = old.markers.iter().filter(|m| m.0 <= step).cloned().collect();
    new.markers.push((step, marker));
    new.milestones = old.milestones;
    Ok(new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::url::decode;

    fn kan_session(e: &crate::experiment::Experiment) -> Session {
        let (d, b) = crate::ui::kanvs::cpu_backend(e).unwrap();
        Session::new(e.clone(), d, b, 0)
    }

    fn w(step: u64, name: &'static str) -> Snap {
        Snap { step, layer: 0, i: 0, j: 0, name }
    }

    #[test]
    fn snapping_mid_run_equals_replaying_the_link() {
        let e = decode("v=1&data=fn&model=kan&layers=3&grid=5&opt=adam&lr=0.01&n=200").experiment;
        let mut a = kan_session(&e);
        a.run_blocking(30, 10).unwrap();
        let before = a.rows().len();
        let (mut b, snap) = snapped(&a, Snap { step: 999, layer: 0, i: 1, j: 2, name: "sin" }).unwrap();
        assert_eq!((snap.step, b.backend.steps(), b.rows().len()), (30, 30, before), "same step, curves kept");
        assert_eq!(b.exp.snap, vec![snap]);
        assert_eq!(b.markers.last().map(|m| m.1.as_str()), Some("snap φ L1 2→3 to sin"));
        b.run_blocking(40, 10).unwrap();
        let (layout, params) = b.backend.kan_state().unwrap();
        assert!(matches!(layout.edge(0, 0, 1, 2), crate::core::kan::EdgeFn::Symbolic(f) if f.name == "sin"));
        // The link with the snap, from the seed: the same weights bit for bit.
        let mut c = kan_session(&b.exp);
        c.run_blocking(40, 10).unwrap();
        assert_eq!(c.backend.kan_state().unwrap().1, params);
        // Not a KAN: refused.
        let mlp = Session::cpu(&decode("v=1").experiment);
        assert!(snapped(&mlp, w(0, "x")).is_err());
    }

    #[test]
    fn the_schedule_stays_ordered() {
        let list = vec![w(5, "x"), w(9, AUTO)];
        let got: Vec<u64> = insert(&list, w(5, "sin")).iter().map(|s| s.step).collect();
        assert_eq!(got, vec![5, 5, 9]);
        assert_eq!(insert(&list, w(5, "sin"))[1].name, "sin", "after the same step's entries");
        assert_eq!(insert(&list, w(20, AUTO)).last().unwrap().step, 20);
        assert_eq!(marker(&w(3, AUTO)), "auto-snap all edges");
    }
}
