//! Looking inside a trained KAN (model 0 of the model axis): an edge's learned 1-D function
//! sampled anywhere ([`edge_curve`]) or at the activations the data produce ([`edge_samples`]),
//! and pykan's attribution scores of edges and nodes ([`attribution`], [`edge_importance`]) that
//! set the drawing's opacity and decide pruning.
//!
//! Attribution (pykan 0.2 `MultKAN.attribute`): over the samples, let σ_{ij} be the standard
//! deviation of φ_{ij}(x_i) (pykan `edge_actscale`) and σ_j that of node j's sum Σ_i φ_{ij}
//! (`subnode_actscale`). Output nodes score N_L = 1; going back,
//! E_l[i, j] = σ_{ij}·N_{l+1}[j] / (σ_j + 10⁻⁴) and N_l[i] = Σ_j E_l[i, j]. A constant edge
//! scores 0 (its value is absorbed into the bias when it is pruned, `super::prune`).
//!
//! Inputs are [N, I₀] row-major; N = inputs.len() / I₀. Layer, node or parameter indices out of
//! range give empty results, never a panic.

use super::edges::edge_phi;
use super::KanLayout;

/// `layout` and `params` cut down to model `m` (`None` when `params` is too short).
pub fn model_at<'a>(layout: &KanLayout, params: &'a [f32], m: usize) -> Option<(KanLayout, &'a [f32])> {
    if m >= layout.models || params.len() < (m + 1) * layout.p || layout.layers.is_empty() {
        return None;
    }
    let mut l = layout.clone();
    l.models = 1;
    let e = l.n_edges();
    l.edges = layout.edges.get(m * e..(m + 1) * e).map(<[_]>::to_vec).unwrap_or_default();
    Some((l, &params[m * layout.p..(m + 1) * layout.p]))
}

fn valid(layout: &KanLayout, layer: usize, i: usize, j: usize) -> bool {
    layout.layers.get(layer).is_some_and(|l| i < l.i && j < l.o)
}

/// φ of edge i → j of `layer` (model 0) at each of `xs`: the spline branch plus its symbolic
/// term; 0 for a pruned edge. Empty when the edge or the parameters do not exist.
pub fn edge_curve(layout: &KanLayout, params: &[f32], layer: usize, i: usize, j: usize, xs: &[f32]) -> Vec<f32> {
    if !valid(layout, layer, i, j) || params.len() < layout.p || layout.models == 0 {
        return Vec::new();
    }
    xs.iter().map(|&x| edge_phi(layout, params, 0, layer, i, j, x)).collect()
}

/// Every layer's input activations of model 0 on `inputs` [N, I₀]: acts[l] is [N, I_l], the
/// last entry the output before the head (tanh) is applied.
pub fn activations(layout: &KanLayout, params: &[f32], inputs: &[f32]) -> Option<(usize, Vec<Vec<f32>>)> {
    let (l, p) = model_at(layout, params, 0)?;
    let i0 = l.inputs().max(1);
    let n = inputs.len() / i0;
    let mut plain = l.clone();
    plain.head = super::HeadKind::Regression;
    let mut acts = vec![inputs[..n * i0].to_vec()];
    acts.extend(plain.forward(p, &inputs[..n * i0], n));
    Some((n, acts))
}

/// (x, φ(x)) of edge i → j of `layer` (model 0) at the activations `inputs` [N, I₀] produce at
/// that edge, sorted by x.
pub fn edge_samples(
    layout: &KanLayout,
    params: &[f32],
    inputs: &[f32],
    layer: usize,
    i: usize,
    j: usize,
) -> (Vec<f32>, Vec<f32>) {
    if !valid(layout, layer, i, j) {
        return (Vec::new(), Vec::new());
    }
    let Some((n, acts)) = activations(layout, params, inputs) else { return (Vec::new(), Vec::new()) };
    let w = layout.layers[layer].i;
    let mut xs: Vec<f32> = (0..n).map(|s| acts[layer][s * w + i]).collect();
    xs.sort_by(f32::total_cmp);
    let ys = edge_curve(layout, params, layer, i, j, &xs);
    (xs, ys)
}

/// Standard deviation (population) of `v`, 0 for fewer than 2 or non-finite values.
fn std(v: impl Iterator<Item = f32>) -> f32 {
    let (mut n, mut s, mut s2) = (0.0f64, 0.0f64, 0.0f64);
    for x in v {
        n += 1.0;
        s += x as f64;
        s2 += (x as f64) * (x as f64);
    }
    if n < 2.0 {
        return 0.0;
    }
    let var = (s2 / n - (s / n) * (s / n)).max(0.0);
    if var.is_finite() {
        var.sqrt() as f32
    } else {
        0.0
    }
}

/// pykan attribution of model 0 on `inputs` [N, I₀] (module doc): (edge scores per layer
/// [I_l·O_l] indexed i·O_l + j, node scores per level [I_l], the last level the outputs).
/// Empty vectors when the parameters are too short.
pub fn attribution(layout: &KanLayout, params: &[f32], inputs: &[f32]) -> (Vec<Vec<f32>>, Vec<Vec<f32>>) {
    match model_at(layout, params, 0) {
        Some((l, p)) => attribution_one(&l, p, inputs),
        None => (Vec::new(), Vec::new()),
    }
}

/// [`attribution`] of a one-model layout.
pub fn attribution_one(layout: &KanLayout, params: &[f32], inputs: &[f32]) -> (Vec<Vec<f32>>, Vec<Vec<f32>>) {
    let Some((n, acts)) = activations(layout, params, inputs) else { return (Vec::new(), Vec::new()) };
    let nl = layout.layers.len();
    let mut edges = vec![Vec::new(); nl];
    let mut nodes = vec![Vec::new(); nl + 1];
    nodes[nl] = vec![1.0; layout.outputs()];
    for (li, l) in layout.layers.iter().enumerate().rev() {
        let phi = |s: usize, i: usize, j: usize| edge_phi(layout, params, 0, li, i, j, acts[li][s * l.i + i]);
        let sig_node: Vec<f32> = (0..l.o).map(|j| std((0..n).map(|s| (0..l.i).map(|i| phi(s, i, j)).sum()))).collect();
        let mut e = vec![0.0; l.i * l.o];
        for i in 0..l.i {
            for j in 0..l.o {
                let sig = std((0..n).map(|s| phi(s, i, j)));
                e[i * l.o + j] = sig * nodes[li + 1][j] / (sig_node[j] + 1e-4);
            }
        }
        nodes[li] = (0..l.i).map(|i| e[i * l.o..(i + 1) * l.o].iter().sum()).collect();
        edges[li] = e;
    }
    (edges, nodes)
}

/// Per layer [I_l·O_l] (index i·O_l + j), pykan's attribution score of each edge (model 0, on
/// `inputs` [N, I₀]): the drawing's opacity and the pruning criterion.
pub fn edge_importance(layout: &KanLayout, params: &[f32], inputs: &[f32]) -> Vec<Vec<f32>> {
    attribution(layout, params, inputs).0
}
