//! Snapping and pruning applied during a run, every model on its own activations (pykan
//! `fix_symbolic`/`auto_symbolic` and `prune_node` + `prune_edge`, Liu et al. 2024 §2.5.1).
//!
//! Snap: the edge's samples (x, φ(x)) at the training inputs are fitted by `symbolic` (the named
//! symbol, or pykan's `auto_symbolic` choice [`super::symbolic::best`]), and the edge becomes
//! that c·f(a·x + b) + d ([`super::edges`]: spline branch zeroed and frozen).
//!
//! Prune (threshold θ, pykan 0.0.x rule on the attribution scores of `analysis`): a hidden node
//! is kept only when its strongest incoming and its strongest outgoing edge both score ≥ θ
//! (otherwise every edge into or out of it is pruned); then every remaining edge scoring < θ is
//! pruned. A pruned edge's mean value over the samples is added to its output node's bias, so a
//! near-constant edge leaves the function unchanged.

use super::analysis::{activations, attribution_one, model_at};
use super::edges::{edge_phi, EdgeFn};
use super::symbolic::{best, fit_named, suggest, AUTO};
use super::KanLayout;

/// (x, φ(x)) of edge i → j of `layer` in model `m` at the activations of `inputs` [N, I₀].
fn samples(
    layout: &KanLayout,
    params: &[f32],
    inputs: &[f32],
    m: usize,
    layer: usize,
    i: usize,
    j: usize,
) -> Option<(Vec<f32>, Vec<f32>)> {
    let (l, p) = model_at(layout, params, m)?;
    let (n, acts) = activations(&l, p, inputs)?;
    let w = l.layers.get(layer)?.i;
    let xs: Vec<f32> = (0..n).map(|s| acts[layer][s * w + i]).collect();
    let ys = xs.iter().map(|&x| edge_phi(&l, p, 0, layer, i, j, x)).collect();
    Some((xs, ys))
}

/// Snaps edge i → j of `layer` to `name` (a symbol or [`AUTO`]) in every model, fitted on the
/// samples of `inputs`. Pruned edges and out-of-range indices are left alone; returns how many
/// edges changed.
pub fn snap_edge(
    layout: &mut KanLayout,
    params: &mut [f32],
    inputs: &[f32],
    layer: usize,
    i: usize,
    j: usize,
    name: &str,
) -> usize {
    let mut changed = 0;
    for m in 0..layout.models {
        if layout.edge(m, layer, i, j) == EdgeFn::Pruned {
            continue;
        }
        let Some((xs, ys)) = samples(layout, params, inputs, m, layer, i, j) else { continue };
        let fit = if name == AUTO { best(&suggest(&xs, &ys)) } else { fit_named(name, &xs, &ys) };
        if let Some(f) = fit {
            changed += usize::from(layout.set_edge(params, m, layer, i, j, EdgeFn::Symbolic(f)));
        }
    }
    changed
}

/// Snaps every spline edge of every model to its best suggestion (pykan `auto_symbolic`).
pub fn snap_all(layout: &mut KanLayout, params: &mut [f32], inputs: &[f32]) -> usize {
    let mut changed = 0;
    for li in 0..layout.layers.len() {
        let l = layout.layers[li];
        for i in 0..l.i {
            for j in 0..l.o {
                for m in 0..layout.models {
                    if layout.edge(m, li, i, j) != EdgeFn::Spline {
                        continue;
                    }
                    let Some((xs, ys)) = samples(layout, params, inputs, m, li, i, j) else { continue };
                    if let Some(f) = best(&suggest(&xs, &ys)) {
                        changed += usize::from(layout.set_edge(params, m, li, i, j, EdgeFn::Symbolic(f)));
                    }
                }
            }
        }
    }
    changed
}

/// Prunes nodes and edges of every model below `threshold` (module doc); returns how many
/// edges were pruned.
pub fn prune(layout: &mut KanLayout, params: &mut [f32], inputs: &[f32], threshold: f32) -> usize {
    let mut count = 0;
    for m in 0..layout.models {
        let Some((l1, p1)) = model_at(layout, params, m) else { continue };
        let (edges, _) = attribution_one(&l1, p1, inputs);
        let Some((n, acts)) = activations(&l1, p1, inputs) else { continue };
        if edges.len() != layout.layers.len() {
            continue;
        }
        let mut cut: Vec<Vec<bool>> =
            edges.iter().map(|e| e.iter().map(|&s| s.is_nan() || s < threshold).collect()).collect();
        for li in 1..layout.layers.len() {
            let (prev, next) = (layout.layers[li - 1], layout.layers[li]);
            for h in 0..next.i {
                let inc = (0..prev.i).map(|i| edges[li - 1][i * prev.o + h]).fold(0.0, f32::max);
                let out = (0..next.o).map(|j| edges[li][h * next.o + j]).fold(0.0, f32::max);
                if inc.is_nan() || out.is_nan() || inc < threshold || out < threshold {
                    (0..prev.i).for_each(|i| cut[li - 1][i * prev.o + h] = true);
                    (0..next.o).for_each(|j| cut[li][h * next.o + j] = true);
                }
            }
        }
        let mut todo = Vec::new();
        for (li, c) in cut.iter().enumerate() {
            let l = layout.layers[li];
            for i in 0..l.i {
                for j in 0..l.o {
                    if c[i * l.o + j] && layout.edge(m, li, i, j) != EdgeFn::Pruned {
                        let sum: f64 =
                            (0..n).map(|s| edge_phi(&l1, p1, 0, li, i, j, acts[li][s * l.i + i]) as f64).sum();
                        todo.push((li, i, j, (sum / n.max(1) as f64) as f32));
                    }
                }
            }
        }
        for (li, i, j, mean) in todo {
            params[m * layout.p + layout.layers[li].bias_off() + j] += mean;
            count += usize::from(layout.set_edge(params, m, li, i, j, EdgeFn::Pruned));
        }
    }
    count
}
