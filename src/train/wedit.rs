//! Weights set by hand (TensorFlow Playground's weight editor; URL key `wedit`): after its step,
//! an edit sets one weight of model 0. The `Backend` trait has no way to write weights, so the
//! session reads the parameters back at that step, edits them and continues on a new backend
//! built from the experiment's `Setup` with those parameters and Adam moments at that step (as
//! after a device loss). `Session::train` never queues steps past a pending edit; natively
//! `run_blocking` applies due edits itself, the page's runner asynchronously (`ui::resume`).

use super::Session;
use crate::core::mlp::Layout;
use crate::engine::{Backend, ParamState, Setup};
use crate::experiment::WeightEdit;

/// Builds a backend from a setup at a start step (natively: the GPU when the run is on it).
pub type Rebuild = Box<dyn Fn(Setup, u64) -> Result<Box<dyn Backend>, String>>;

/// Index of edit `w`'s weight in one model's parameters, if the layer and units exist.
pub fn weight_index(layout: &Layout, w: &WeightEdit) -> Option<usize> {
    let l = layout.layers.get((w.layer as usize).checked_sub(1)?)?;
    let (from, to) = ((w.from as usize).checked_sub(1)?, (w.to as usize).checked_sub(1)?);
    (from < l.i && to < l.o).then(|| l.w_off + from * l.o + to)
}

/// Set `w`'s weight in model 0 of `params` ([M, P]); returns the old value. `Err` (nothing
/// changed) when the weight does not exist or the value is not finite.
pub fn apply(layout: &Layout, params: &mut [f32], w: &WeightEdit) -> Result<f32, String> {
    if !w.value.is_finite() {
        return Err(format!("{} is not a finite number", w.value));
    }
    let k = weight_index(layout, w)
        .filter(|&k| k < params.len())
        .ok_or_else(|| format!("no weight {} → {} in layer {}", w.from, w.to, w.layer))?;
    Ok(std::mem::replace(&mut params[k], w.value))
}

/// Curve marker text of an edit that replaced `old`.
pub fn marker(w: &WeightEdit, old: f32) -> String {
    format!("weight L{} {}→{}: {old:.3} → {}", w.layer, w.from, w.to, w.value)
}

/// Insert `w` into the step-ordered list `list`, after the edits of the same step.
pub fn insert(list: &mut Vec<WeightEdit>, w: WeightEdit) {
    let at = list.iter().position(|x| x.step > w.step).unwrap_or(list.len());
    list.insert(at, w);
}

impl Session {
    /// Edits of the experiment due now (their step is the backend's step), not yet applied.
    pub fn due_edits(&self) -> Vec<WeightEdit> {
        let now = self.backend.steps();
        self.exp.wedit.iter().skip(self.applied).take_while(|w| w.step == now).copied().collect()
    }

    /// The step of the next edit not yet applied.
    pub(super) fn next_edit_step(&self) -> Option<u64> {
        self.exp.wedit.get(self.applied).map(|w| w.step)
    }

    /// Count the experiment's edits up to and including `step` as applied.
    pub fn mark_applied_through(&mut self, step: u64) {
        self.applied = self.exp.wedit.iter().filter(|w| w.step <= step).count();
    }

    /// Apply `edits` to `state` (read at `step`): the edited parameters (model 0) and the curve
    /// markers, one per edit; edits whose weight does not exist are skipped with a marker
    /// saying so.
    pub fn edited(&self, layout: &Layout, state: &mut ParamState, edits: &[WeightEdit]) -> Vec<String> {
        edits
            .iter()
            .map(|w| match apply(layout, &mut state.0, w) {
                Ok(old) => marker(w, old),
                Err(e) => format!("edit skipped: {e}"),
            })
            .collect()
    }

    /// Natively: apply the edits due now (read the parameters back, edit, rebuild the backend
    /// with `rebuild` or, without one, on the CPU) and drop their markers.
    pub fn apply_due_blocking(&mut self) -> Result<(), String> {
        let due = self.due_edits();
        if due.is_empty() {
            return Ok(());
        }
        let step = self.backend.steps();
        while !self.backend.request_params() {
            self.backend.wait();
            let _ = self.backend.poll_params();
        }
        let mut state = loop {
            self.backend.wait();
            if let Some(r) = self.backend.poll_params() {
                break r?;
            }
        };
        let (_, mut s) = super::setup(&self.exp);
        let texts = self.edited(&s.layout.clone(), &mut state, &due);
        let (params, m1, m2) = state;
        s.params = params;
        s.moments = Some((m1, m2));
        self.backend = match &self.rebuild {
            Some(f) => f(s, step)?,
            None => Box::new(crate::engine::cpu::CpuBackend::new(s, step)),
        };
        self.last = None;
        self.mark_applied_through(step);
        self.markers.extend(texts.into_iter().map(|t| (step, t)));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::cpu::CpuBackend;
    use crate::experiment::{url, Experiment};
    use crate::train::setup;

    fn params(s: &mut Session) -> ParamState {
        assert!(s.backend.request_params());
        loop {
            s.backend.wait();
            if let Some(r) = s.backend.poll_params() {
                return r.unwrap();
            }
        }
    }

    fn w(step: u64, layer: u32, from: u32, to: u32, value: f32) -> WeightEdit {
        WeightEdit { step, layer, from, to, value }
    }

    #[test]
    fn indices_count_from_one_and_edits_touch_one_weight() {
        let e = url::decode("#v=1&layers=3,2&seeds=2").experiment;
        let (_, s) = setup(&e);
        let k = weight_index(&s.layout, &w(0, 2, 3, 1, 0.0)).unwrap();
        assert_eq!(k, s.layout.layers[1].w_off + 2 * 2);
        for bad in [w(0, 0, 1, 1, 0.0), w(0, 2, 4, 1, 0.0), w(0, 2, 1, 3, 0.0), w(0, 4, 1, 1, 0.0), w(0, 1, 0, 1, 0.0)]
        {
            assert_eq!(weight_index(&s.layout, &bad), None, "{bad:?}");
        }
        let mut p = s.params.clone();
        assert_eq!(apply(&s.layout, &mut p, &w(0, 2, 3, 1, 1.5)), Ok(s.params[k]));
        let changed: Vec<usize> = (0..p.len()).filter(|&i| p[i] != s.params[i]).collect();
        assert_eq!(changed, vec![k], "only that weight of model 0");
        let before = p.clone();
        assert!(apply(&s.layout, &mut p, &w(0, 2, 3, 1, f32::NAN)).is_err());
        assert!(apply(&s.layout, &mut p, &w(0, 9, 1, 1, 1.0)).is_err());
        assert_eq!(p, before);
        assert_eq!(marker(&w(5, 2, 3, 1, 1.5), 0.25), "weight L2 3→1: 0.250 → 1.5");
        let mut list = vec![w(1, 1, 1, 1, 0.0), w(5, 1, 1, 1, 1.0), w(9, 1, 1, 1, 0.0)];
        insert(&mut list, w(5, 1, 1, 1, 2.0));
        assert_eq!(
            list.iter().map(|x| (x.step, x.value)).collect::<Vec<_>>(),
            vec![(1, 0.0), (5, 1.0), (5, 2.0), (9, 0.0)]
        );
    }

    #[test]
    fn replaying_an_edit_equals_editing_by_hand_at_that_step() {
        let plain = url::decode("#v=1&layers=4&opt=adam&lr=0.01").experiment;
        let edit = w(7, 1, 2, 3, 2.5);
        let with = Experiment { wedit: vec![edit], ..plain.clone() };
        // The session stops at the edit, applies it, and goes on.
        let mut a = Session::cpu(&with);
        a.train(100);
        assert_eq!(a.backend.steps(), 7, "never past a pending edit");
        a.run_blocking(20, 5).unwrap();
        assert_eq!(a.backend.steps(), 20);
        assert_eq!(a.markers.len(), 1);
        assert!(a.markers[0].0 == 7 && a.markers[0].1.ends_with("→ 2.5"), "{:?}", a.markers);
        // By hand: 7 steps, edit model 0's read-back weights, continue from them at step 7.
        let mut b = Session::cpu(&plain);
        b.run_blocking(7, 5).unwrap();
        let mut state = params(&mut b);
        let (d, mut s) = setup(&plain);
        apply(&s.layout, &mut state.0, &edit).unwrap();
        (s.params, s.moments) = (state.0, Some((state.1, state.2)));
        let mut b = Session::new(plain.clone(), d, Box::new(CpuBackend::new(s, 7)), 7);
        b.run_blocking(20, 5).unwrap();
        assert_eq!(params(&mut a), params(&mut b), "bit for bit");
        // And the edit matters.
        let mut c = Session::cpu(&plain);
        c.run_blocking(20, 5).unwrap();
        assert_ne!(params(&mut c).0, params(&mut a).0);
    }

    #[test]
    fn a_missing_weight_is_skipped_and_said() {
        let e = url::decode("#v=1&layers=4&wedit=0:1:9:1:1,3:2:1:1:-1").experiment;
        assert_eq!(e.wedit.len(), 2);
        let mut s = Session::cpu(&e);
        s.run_blocking(10, 10).unwrap();
        assert_eq!(s.backend.steps(), 10);
        let texts: Vec<&str> = s.markers.iter().map(|m| m.1.as_str()).collect();
        assert!(texts[0].starts_with("edit skipped: no weight 9 → 1 in layer 1"), "{texts:?}");
        assert!(texts[1].starts_with("weight L2 1→1"), "{texts:?}");
    }
}
