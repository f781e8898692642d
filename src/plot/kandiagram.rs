//! A KAN drawn as pykan's `MultKAN.plot` draws it (Liu et al. 2024, Fig. 2.1 and the pykan
//! library), turned to run left to right like the page's MLP diagram: a column of nodes per
//! layer and, between two node columns, a column of small boxes, one per edge (i → j, grouped by
//! input as pykan orders them), each showing the edge's learned 1-D function φ over its input
//! range. Lines join node i to the box and the box to node j; lines, box and curve are as opaque
//! as the edge is important (pykan's `alpha = tanh(β·score)`); snapped (symbolic) edges are
//! drawn in purple (pykan: red, taken here by misfit rings). Geometry ([`KanDiagram`]) and
//! hit-testing are pure and unit-tested; drawing is generic over the plotters backend. No text.

use plotters::coord::Shift;
use plotters::prelude::*;

/// Margin around the diagram.
pub const PAD: f32 = 8.0;
/// Largest and smallest edge box side in pixels.
pub const MAX_BOX: f32 = 34.0;
pub const MIN_BOX: f32 = 12.0;
/// Gap between boxes of a column.
pub const GAP: f32 = 4.0;
/// Tallest diagram in pixels.
pub const MAX_H: f32 = 560.0;
/// Node dot radius.
pub const NODE_R: i32 = 4;
/// Spline curves (near black, as pykan) and snapped ones (purple).
pub const CURVE: (u8, u8, u8) = (0x22, 0x22, 0x22);
pub const SNAPPED: (u8, u8, u8) = (0x94, 0x67, 0xbd);
/// The selected edge's frame (TFP blue).
pub const SELECTED: (u8, u8, u8) = (0x08, 0x77, 0xbd);
/// Least opacity, so an unimportant edge is still visible.
pub const MIN_ALPHA: f64 = 0.08;

/// One edge's box: layer, input i, output j, box centre.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KanEdge {
    pub layer: usize,
    pub i: usize,
    pub j: usize,
    pub c: (f32, f32),
}

/// Node centres per column and edge boxes (layer by layer, i-major).
#[derive(Clone, Debug, PartialEq)]
pub struct KanDiagram {
    pub w: u32,
    pub h: u32,
    pub side: f32,
    pub nodes: Vec<Vec<(f32, f32)>>,
    pub edges: Vec<KanEdge>,
}

/// What one edge looks like: φ sampled evenly over its input range, its importance in [0, 1]
/// and whether it is snapped.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EdgeLook {
    pub ys: Vec<f32>,
    pub alpha: f32,
    pub snapped: bool,
}

impl KanDiagram {
    /// Lay out a KAN of `widths` (input to output, each ≥ 1) on a `w`-pixel-wide canvas; `None`
    /// when a layer has too many edges for boxes of at least [`MIN_BOX`] pixels.
    pub fn new(widths: &[usize], w: u32) -> Option<KanDiagram> {
        if widths.len() < 2 || widths.contains(&0) {
            return None;
        }
        let most = widths.windows(2).map(|p| p[0] * p[1]).max().unwrap_or(1) as f32;
        let layers = widths.len() - 1;
        let step = (w as f32 - 2.0 * PAD) / (2 * layers) as f32;
        let fit_h = (MAX_H - 2.0 * PAD - (most - 1.0) * GAP) / most;
        let side = MAX_BOX.min(fit_h).min(step * 0.8);
        if side < MIN_BOX {
            return None;
        }
        let h = (2.0 * PAD + most * side + (most - 1.0) * GAP).max(120.0);
        let mid = h / 2.0;
        let x = |c: usize| PAD + step * c as f32;
        let nodes: Vec<Vec<(f32, f32)>> = widths
            .iter()
            .enumerate()
            .map(|(c, &n)| {
                let dy = ((h - 2.0 * PAD) / n as f32).min(3.0 * MAX_BOX);
                let x = if c == 0 {
                    x(0) + 6.0
                } else if c == layers {
                    x(2 * c) - 6.0
                } else {
                    x(2 * c)
                };
                (0..n).map(|k| (x, mid + (k as f32 - (n - 1) as f32 / 2.0) * dy)).collect()
            })
            .collect();
        let mut edges = Vec::new();
        for (l, p) in widths.windows(2).enumerate() {
            let n = (p[0] * p[1]) as f32;
            let dy = side + GAP;
            for i in 0..p[0] {
                for j in 0..p[1] {
                    let k = (i * p[1] + j) as f32;
                    edges.push(KanEdge { layer: l, i, j, c: (x(2 * l + 1), mid + (k - (n - 1.0) / 2.0) * dy) });
                }
            }
        }
        Some(KanDiagram { w, h: h.ceil() as u32, side, nodes, edges })
    }

    /// The edge whose box holds (x, y).
    pub fn hit(&self, x: f32, y: f32) -> Option<usize> {
        let r = self.side / 2.0 + 1.0;
        self.edges.iter().position(|e| (x - e.c.0).abs() <= r && (y - e.c.1).abs() <= r)
    }

    /// Index of edge (layer, i, j).
    pub fn index(&self, layer: usize, i: usize, j: usize) -> Option<usize> {
        self.edges.iter().position(|e| (e.layer, e.i, e.j) == (layer, i, j))
    }
}

fn rgb(c: (u8, u8, u8)) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// The polyline of `ys` inside a box of side `side` centred at `c` (2 px inside; a flat curve
/// runs through the middle). Non-finite samples are dropped.
pub fn curve_in_box(ys: &[f32], c: (f32, f32), side: f32) -> Vec<(i32, i32)> {
    let fin = ys.iter().copied().filter(|v| v.is_finite());
    let (lo, hi) = fin.fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    let inner = side - 4.0;
    let n = ys.len().saturating_sub(1).max(1) as f32;
    let span = hi - lo;
    ys.iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite())
        .map(|(k, &v)| {
            let fx = k as f32 / n;
            let fy = if span > 1e-6 * hi.abs().max(lo.abs()).max(1e-6) { (v - lo) / span } else { 0.5 };
            let x = c.0 - inner / 2.0 + fx * inner;
            let y = c.1 + inner / 2.0 - fy * inner;
            (x.round() as i32, y.round() as i32)
        })
        .collect()
}

/// Draw `d` with one [`EdgeLook`] per edge (missing ones drawn faint and empty), the edge
/// `selected` framed in blue.
pub fn draw_kan<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    d: &KanDiagram,
    looks: &[EdgeLook],
    selected: Option<usize>,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    area.fill(&WHITE).map_err(err)?;
    let half = d.side / 2.0;
    let p = |x: f32, y: f32| (x.round() as i32, y.round() as i32);
    for (k, e) in d.edges.iter().enumerate() {
        let look = looks.get(k);
        let a = look.map_or(MIN_ALPHA, |l| (l.alpha as f64).clamp(MIN_ALPHA, 1.0));
        let color = rgb(if look.is_some_and(|l| l.snapped) { SNAPPED } else { CURVE });
        let (from, to) = (d.nodes[e.layer][e.i], d.nodes[e.layer + 1][e.j]);
        let line = color.mix(a * 0.6).stroke_width(1);
        area.draw(&PathElement::new(vec![p(from.0, from.1), p(e.c.0 - half, e.c.1)], line)).map_err(err)?;
        area.draw(&PathElement::new(vec![p(e.c.0 + half, e.c.1), p(to.0, to.1)], line)).map_err(err)?;
        let (tl, br) = (p(e.c.0 - half, e.c.1 - half), p(e.c.0 + half, e.c.1 + half));
        area.draw(&Rectangle::new([tl, br], WHITE.filled())).map_err(err)?;
        let frame =
            if selected == Some(k) { rgb(SELECTED).stroke_width(2) } else { color.mix(a * 0.5).stroke_width(1) };
        area.draw(&Rectangle::new([tl, br], frame)).map_err(err)?;
        if let Some(l) = look {
            let pts = curve_in_box(&l.ys, e.c, d.side);
            if pts.len() > 1 {
                area.draw(&PathElement::new(pts, color.mix(a).stroke_width(2))).map_err(err)?;
            }
        }
    }
    for col in &d.nodes {
        for &(x, y) in col {
            area.draw(&Circle::new(p(x, y), NODE_R, rgb(CURVE).filled())).map_err(err)?;
        }
    }
    Ok(())
}

/// Opacity of each edge from its importance score, per layer as pykan: `tanh(β·s / max)` with
/// β = 3 over the layer's largest score (non-finite or negative scores count as 0).
pub fn alphas(scores: &[f32], layers: &[usize]) -> Vec<f32> {
    let mut out = vec![0.0; scores.len()];
    for l in layers.iter().copied().collect::<std::collections::BTreeSet<_>>() {
        let idx: Vec<usize> = (0..scores.len()).filter(|&k| layers.get(k) == Some(&l)).collect();
        let clean = |v: f32| if v.is_finite() { v.max(0.0) } else { 0.0 };
        let max = idx.iter().map(|&k| clean(scores[k])).fold(0.0f32, f32::max);
        for k in idx {
            out[k] = if max > 0.0 { (3.0 * clean(scores[k]) / max).tanh() } else { 0.0 };
        }
    }
    out
}
