//! Pure logic behind the page's KAN view (issue 7, "Seeing"; compiled on every target so it is
//! unit-tested natively): from a KAN's layout (its snapped and pruned edges included) and model
//! 0's parameters read back from the backend, every edge's learned φ sampled over the range of
//! the activations the training data produce at it, its opacity from pykan's attribution score
//! (`core::kan::symbolic::edge_importance`), and for one edge the enlarged view: φ, the data's
//! (x, φ(x)) and the symbolic candidates fitted to them (best R² first, `symbolic::suggest`).
//! The formula is `symbolic::formula` of the snapped network (none until every live edge is
//! symbolic). Geometry and drawing: `plot::kandiagram`, `plot::kanedge`.

use crate::core::kan::symbolic::{self, SymFit};
use crate::core::kan::{EdgeFn, KanLayout};
use crate::plot::kandiagram::{alphas, EdgeLook, KanDiagram};

/// Samples of each edge's curve in its box.
pub const CURVE_POINTS: usize = 32;
/// Samples of the large view's curve.
pub const LARGE_POINTS: usize = 160;
/// Training rows the view evaluates (evenly spaced over the training split).
pub const MAX_SAMPLES: usize = 256;

/// What the diagram shows for one readback.
#[derive(Clone, Debug, PartialEq)]
pub struct KanView {
    /// Model 0's layout (`models = 1`, its edges' states) and parameters.
    pub layout: KanLayout,
    pub params: Vec<f32>,
    pub diagram: KanDiagram,
    pub looks: Vec<EdgeLook>,
    /// Input range of each edge (the data's activations there).
    pub ranges: Vec<(f32, f32)>,
    /// Attribution score of each edge.
    pub scores: Vec<f32>,
}

/// At most `MAX_SAMPLES` rows of `x` ([N, width]) evenly spaced.
pub fn subsample(x: &[f32], width: usize) -> Vec<f32> {
    let n = x.len() / width.max(1);
    if n <= MAX_SAMPLES {
        return x[..n * width].to_vec();
    }
    (0..MAX_SAMPLES).flat_map(|k| x[k * n / MAX_SAMPLES * width..][..width].iter().copied()).collect()
}

/// Model 0 of `layout`: one model, its edge states only.
pub fn model0(layout: &KanLayout) -> KanLayout {
    let mut l = layout.clone();
    l.models = 1;
    l.edges.truncate(l.n_edges());
    l
}

/// `n` evenly spaced points over [lo, hi].
pub fn linspace((lo, hi): (f32, f32), n: usize) -> Vec<f32> {
    let d = (n.max(2) - 1) as f32;
    (0..n).map(|k| lo + (hi - lo) * k as f32 / d).collect()
}

/// The grid range [t_k, t_{G+k}] of input i of `layer` (model 0).
fn grid_range(layout: &KanLayout, params: &[f32], layer: usize, i: usize) -> (f32, f32) {
    let l = &layout.layers[layer];
    let t = &params[l.grid_off(i)..][..l.n_knots()];
    (t[l.k], t[l.n_knots() - 1 - l.k])
}

/// The view of `layout` with parameters `params` (model 0 first, [M, P]) on training rows
/// `inputs` ([N, inputs]); `None` when the sizes do not fit or the network has too many edges
/// to draw on `width` pixels.
pub fn build(layout: &KanLayout, params: &[f32], inputs: &[f32], width: u32) -> Option<KanView> {
    if layout.layers.is_empty() || params.len() < layout.p || layout.models == 0 {
        return None;
    }
    let one = model0(layout);
    let p = params[..one.p].to_vec();
    let mut widths: Vec<usize> = one.layers.iter().map(|l| l.i).collect();
    widths.push(one.outputs());
    let diagram = KanDiagram::new(&widths, width)?;
    let acts = crate::core::kan::analysis::activations(&one, &p, inputs).map(|a| a.1);
    let importance = symbolic::edge_importance(&one, &p, inputs);
    let (mut looks, mut ranges, mut scores, mut layers) = (vec![], vec![], vec![], vec![]);
    for e in &diagram.edges {
        let l = &one.layers[e.layer];
        let xs = acts.as_ref().map(|a| (0..a[e.layer].len() / l.i).map(|s| a[e.layer][s * l.i + e.i]));
        let (lo, hi) = xs
            .map(|v| {
                v.filter(|x| x.is_finite()).fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)))
            })
            .filter(|r| r.0 < r.1)
            .unwrap_or_else(|| grid_range(&one, &p, e.layer, e.i));
        let ys = symbolic::edge_curve(&one, &p, e.layer, e.i, e.j, &linspace((lo, hi), CURVE_POINTS));
        let state = one.edge(0, e.layer, e.i, e.j);
        let score = importance.get(e.layer).and_then(|s| s.get(e.i * l.o + e.j)).copied().unwrap_or(0.0);
        scores.push(if state == EdgeFn::Pruned { 0.0 } else { score });
        layers.push(e.layer);
        ranges.push((lo, hi));
        looks.push(EdgeLook { ys, alpha: 0.0, snapped: matches!(state, EdgeFn::Symbolic(_)) });
    }
    for (look, a) in looks.iter_mut().zip(alphas(&scores, &layers)) {
        look.alpha = a;
    }
    Some(KanView { layout: one, params: p, diagram, looks, ranges, scores })
}

/// The enlarged view of one edge.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeDetail {
    pub layer: usize,
    pub i: usize,
    pub j: usize,
    pub xs: Vec<f32>,
    pub ys: Vec<f32>,
    /// The data's (x, φ(x)) at this edge.
    pub samples: Vec<(f32, f32)>,
    /// Symbolic candidates fitted to the samples, best first.
    pub fits: Vec<SymFit>,
    pub state: EdgeFn,
}

/// Edge `k` of `v` enlarged, with its symbolic suggestions on the rows `inputs`.
pub fn detail(v: &KanView, inputs: &[f32], k: usize) -> Option<EdgeDetail> {
    let e = *v.diagram.edges.get(k)?;
    let (sx, sy) = symbolic::edge_samples(&v.layout, &v.params, inputs, e.layer, e.i, e.j);
    let xs = linspace(v.ranges[k], LARGE_POINTS);
    let ys = symbolic::edge_curve(&v.layout, &v.params, e.layer, e.i, e.j, &xs);
    let state = v.layout.edge(0, e.layer, e.i, e.j);
    let fits = if sx.len() >= 3 { symbolic::suggest(&sx, &sy) } else { Vec::new() };
    let samples = sx.into_iter().zip(sy).collect();
    Some(EdgeDetail { layer: e.layer, i: e.i, j: e.j, xs, ys, samples, fits, state })
}

/// Name of node `unit` in column `col` of a KAN with `cols` node columns: x1, x2 … for inputs,
/// y1 … for outputs, h{col}.{unit} inside (all from 1).
pub fn node_name(col: usize, unit: usize, cols: usize) -> String {
    match col {
        0 => format!("x{}", unit + 1),
        c if c + 1 == cols => format!("y{}", unit + 1),
        c => format!("h{c}.{}", unit + 1),
    }
}

/// "φ x1 → h1.2 (layer 1)" for edge (layer, i, j) of a KAN with `cols` node columns.
pub fn edge_title(layer: usize, i: usize, j: usize, cols: usize) -> String {
    format!("φ {} → {} (layer {})", node_name(layer, i, cols), node_name(layer + 1, j, cols), layer + 1)
}

/// A fit as text: "sin  R² = 0.9990: 1.00·sin(3.14·x + 0.00) + 0.00".
pub fn fit_text(f: &SymFit) -> String {
    format!("{}  R² = {:.4}: {:.2}·{}({:.2}·x + {:.2}) + {:.2}", f.name, f.r2, f.c, f.name, f.a, f.b, f.d)
}

/// The fitted candidate at `xs`.
pub fn fit_curve(f: &SymFit, xs: &[f32]) -> Vec<f32> {
    xs.iter().map(|&x| f.eval(x)).collect()
}

/// The learned formula once every live edge of model 0 is snapped.
pub fn formula(v: &KanView) -> Option<String> {
    symbolic::formula(&v.layout, &v.params, &[])
}

#[cfg(test)]
#[path = "kanview_tests.rs"]
mod tests;
