//! Pruning a KAN from the page (issue 7): the KAN panel's "Prune" button with its threshold θ
//! (pykan's `prune(threshold=1e-2)` default, Liu et al. 2024 §2.5.1; the rule is
//! `core::kan::prune`). As a snap (`kansnap`), the pruning is recorded in the link's `kprune`
//! schedule at the current step (`kprune=step:θ`), and the run is rebuilt from the seed with the
//! new schedule and replayed to this step, bit for bit what the link does
//! (`kansnap::replayed`); the engine prunes before the next step. The page says how many edges
//! and hidden nodes that pruning removes ([`preview`]: the engine's own steps at that point,
//! grid update then pruning, on a copy) and how many are pruned now ([`counts`]).

use crate::core::kan::prune::prune;
use crate::core::kan::refine::refine;
use crate::core::kan::{EdgeFn, KanLayout};
use crate::engine::kan::{grid_change_due, setup};
use crate::experiment::{limits, Experiment, Model};
use crate::train::Session;

/// pykan's default pruning threshold.
pub const DEFAULT_THRESHOLD: f32 = 1e-2;

/// The threshold typed in the panel: a number in `limits::KPRUNE` (as the `kprune` key takes).
pub fn parse_threshold(raw: &str) -> Result<f32, String> {
    let (lo, hi) = limits::KPRUNE;
    match raw.trim().parse::<f32>() {
        Ok(t) if t.is_finite() && (lo..=hi).contains(&t) => Ok(t),
        _ => Err(format!("The pruning threshold must be a number from {lo} to {hi} (pykan uses 0.01).")),
    }
}

/// `list` (the `kprune` schedule) with θ at `step`: an entry at the same step is replaced, the
/// list stays ordered by step; `Err` when it already holds `limits::MAX_KPRUNES` other steps.
pub fn insert(list: &[(u64, f32)], step: u64, threshold: f32) -> Result<Vec<(u64, f32)>, String> {
    let mut v: Vec<(u64, f32)> = list.iter().copied().filter(|e| e.0 != step).collect();
    if v.len() >= limits::MAX_KPRUNES {
        return Err(format!("A link holds at most {} prunings (`kprune`).", limits::MAX_KPRUNES));
    }
    let at = v.iter().position(|e| e.0 > step).unwrap_or(v.len());
    v.insert(at, (step, threshold));
    Ok(v)
}

/// Pruned edges and hidden nodes of one model, with their totals. A hidden node counts as
/// pruned when every edge into it and every edge out of it is pruned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub edges: usize,
    pub edges_total: usize,
    pub nodes: usize,
    pub nodes_total: usize,
}

impl Counts {
    /// "3 of 15 edges and 1 of 5 hidden nodes".
    pub fn text(&self) -> String {
        format!(
            "{} of {} edge{} and {} of {} hidden node{}",
            self.edges,
            self.edges_total,
            if self.edges_total == 1 { "" } else { "s" },
            self.nodes,
            self.nodes_total,
            if self.nodes_total == 1 { "" } else { "s" }
        )
    }
}

/// What is pruned in model `m` of `layout`.
pub fn counts(layout: &KanLayout, m: usize) -> Counts {
    let mut c = Counts::default();
    let cut = |li: usize, i: usize, j: usize| layout.edge(m, li, i, j) == EdgeFn::Pruned;
    for (li, l) in layout.layers.iter().enumerate() {
        c.edges_total += l.i * l.o;
        c.edges += (0..l.i).flat_map(|i| (0..l.o).map(move |j| (i, j))).filter(|&(i, j)| cut(li, i, j)).count();
        if li > 0 {
            let prev = layout.layers[li - 1];
            c.nodes_total += l.i;
            c.nodes +=
                (0..l.i).filter(|&h| (0..prev.i).all(|i| cut(li - 1, i, h)) && (0..l.o).all(|j| cut(li, h, j))).count();
        }
    }
    c
}

/// What model 0 loses when the engine prunes at θ before step `step + 1` from `layout`,
/// `params` (its state after `step` steps of `e`): the grid change due then (as
/// `engine::kan::KanCpu` does first), then `core::kan::prune` on the training inputs `x`, on a
/// copy. The newly pruned edges and nodes.
pub fn preview(e: &Experiment, layout: &KanLayout, params: &[f32], x: &[f32], step: u64, threshold: f32) -> Counts {
    let (_, mut ks) = setup(e);
    ks.layout = layout.clone();
    let (mut l, mut p) = (layout.clone(), params.to_vec());
    let n = if l.inputs() == 0 { 0 } else { x.len() / l.inputs() };
    if let Some(g) = grid_change_due(&ks, step) {
        (l, p) = refine(&l, &p, x, n, g);
    }
    let before = counts(&l, 0);
    prune(&mut l, &mut p, x, threshold);
    let after = counts(&l, 0);
    Counts { edges: after.edges - before.edges, nodes: after.nodes - before.nodes, ..after }
}

/// The session continuing `old` (a KAN run) with a pruning at θ at its current step
/// (`kprune=step:θ` in its link, replayed from the seed: `kansnap::replayed`), the new entry
/// and what it prunes in model 0 ([`preview`]). `Err` says why not.
pub fn pruned(old: &Session, threshold: f32) -> Result<(Session, (u64, f32), Counts), String> {
    if old.exp.model != Model::Kan {
        return Err("only KANs can be pruned".into());
    }
    let step = old.backend.steps();
    let mut exp = old.exp.clone();
    exp.kprune = insert(&exp.kprune, step, threshold)?;
    let marker = format!("prune θ = {threshold}");
    let new = super::kansnap::replayed(old, exp, marker, &format!("kprune={step}:{threshold}"))?;
    let (layout, params) = new.backend.kan_state().ok_or("the replayed run has no KAN state")?;
    let c = preview(&new.exp, &layout, &params, &new.data.train.x, step, threshold);
    Ok((new, (step, threshold), c))
}

#[cfg(test)]
#[path = "kanprune_tests.rs"]
mod tests;
