//! The network diagram in the style of TensorFlow Playground's network view: one column of
//! nodes per layer (the model's inputs, each dense slot's outputs), every node a thumbnail of
//! that unit's output over the input plane, and a line for every weight between shown nodes,
//! its thickness by |w| and its colour by sign (orange negative, blue positive, TFP's heatmap
//! colours). Geometry ([`Diagram`]) and hit-testing are pure, so the page's hover and click
//! (edit a weight by hand, as in TFP) are unit-tested natively; drawing is generic over the
//! plotters backend (canvas in the page, SVG export, bitmaps in tests). Nothing here draws text.

use super::boundary::{draw_boundary_with, BoundaryOpts, BLUE, NAN_GREY, ORANGE};
use super::GridValues;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Nodes shown per column; the rest are counted in [`Diagram::more`].
pub const MAX_UNITS: usize = 16;
/// Node (thumbnail) side in pixels.
pub const NODE: i32 = 24;
/// Vertical gap between nodes.
pub const GAP: i32 = 5;
/// Margin around the diagram.
pub const PAD: i32 = 6;
/// A pointer within this many pixels of a weight's line picks it.
pub const HIT_TOL: f32 = 4.0;
/// |w| at which a line reaches its full width and opacity.
pub const W_FULL: f32 = 2.0;

/// One weight line: dense slot `slot`, from input unit `from` to output unit `to`, stored at
/// `param` in one model's parameter vector; `a`, `b` are its end points in pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    pub slot: usize,
    pub from: usize,
    pub to: usize,
    pub param: usize,
    pub a: (f32, f32),
    pub b: (f32, f32),
}

/// What the pointer is over.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Hit {
    /// Node `unit` of column `col` (0 = inputs, c = dense slot c − 1's outputs).
    Node { col: usize, unit: usize },
    /// Index into [`Diagram::edges`].
    Edge(usize),
}

/// Node positions (top-left corners) per column and the weight lines between shown nodes.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagram {
    pub w: u32,
    pub h: u32,
    pub cols: Vec<Vec<(i32, i32)>>,
    /// Units not shown per column.
    pub more: Vec<usize>,
    pub edges: Vec<Edge>,
}

/// Dense slot shapes (inputs, outputs, weight offset) as `core::mlp::LayerSlot` has them; the
/// weight of input i → output o sits at `w_off + i·outputs + o`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SlotShape {
    pub i: usize,
    pub o: usize,
    pub w_off: usize,
}

/// Diagram height for columns of at most `max_units` units.
pub fn height_for(max_units: usize) -> u32 {
    let n = max_units.clamp(1, MAX_UNITS) as i32;
    (2 * PAD + n * NODE + (n - 1) * GAP).max(60) as u32
}

impl Diagram {
    /// Lay out `slots` (inputs = `slots[0].i`) on a `w`-pixel-wide canvas.
    pub fn new(slots: &[SlotShape], w: u32) -> Diagram {
        let mut sizes = vec![slots.first().map_or(0, |s| s.i)];
        sizes.extend(slots.iter().map(|s| s.o));
        let h = height_for(sizes.iter().copied().max().unwrap_or(1));
        let ncol = sizes.len() as i32;
        let span = (w as i32 - 2 * PAD - NODE).max(0);
        let x_of = |c: i32| if ncol > 1 { PAD + span * c / (ncol - 1) } else { PAD };
        let cols: Vec<Vec<(i32, i32)>> = sizes
            .iter()
            .enumerate()
            .map(|(c, &n)| {
                let shown = n.min(MAX_UNITS) as i32;
                let tall = shown * NODE + (shown - 1).max(0) * GAP;
                let y0 = (h as i32 - tall) / 2;
                (0..shown).map(|u| (x_of(c as i32), y0 + u * (NODE + GAP))).collect()
            })
            .collect();
        let more = sizes.iter().map(|&n| n.saturating_sub(MAX_UNITS)).collect();
        let mut edges = Vec::new();
        for (k, s) in slots.iter().enumerate() {
            for (from, &(x0, y0)) in cols[k].iter().enumerate() {
                for (to, &(x1, y1)) in cols[k + 1].iter().enumerate() {
                    let half = NODE as f32 / 2.0;
                    edges.push(Edge {
                        slot: k,
                        from,
                        to,
                        param: s.w_off + from * s.o + to,
                        a: ((x0 + NODE) as f32, y0 as f32 + half),
                        b: (x1 as f32, y1 as f32 + half),
                    });
                }
            }
        }
        Diagram { w, h, cols, more, edges }
    }

    /// What is at pixel (`x`, `y`): a node when inside one, else the nearest weight line within
    /// [`HIT_TOL`] pixels, else nothing.
    pub fn hit(&self, x: f32, y: f32) -> Option<Hit> {
        for (col, nodes) in self.cols.iter().enumerate() {
            for (unit, &(nx, ny)) in nodes.iter().enumerate() {
                let inside = |v: f32, lo: i32| v >= lo as f32 && v <= (lo + NODE) as f32;
                if inside(x, nx) && inside(y, ny) {
                    return Some(Hit::Node { col, unit });
                }
            }
        }
        self.edges
            .iter()
            .enumerate()
            .map(|(i, e)| (i, seg_dist((x, y), e.a, e.b)))
            .filter(|&(_, d)| d <= HIT_TOL)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| Hit::Edge(i))
    }
}

/// Distance from `p` to the segment `a`–`b`.
pub fn seg_dist(p: (f32, f32), a: (f32, f32), b: (f32, f32)) -> f32 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 { (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
    let (cx, cy) = (a.0 + t * dx, a.1 + t * dy);
    ((p.0 - cx).powi(2) + (p.1 - cy).powi(2)).sqrt()
}

/// A weight's line: width in pixels (1–6, by |w| up to [`W_FULL`]), colour by sign (orange
/// negative, blue positive, grey NaN) and opacity (0.25–1).
pub fn stroke(w: f32) -> (u32, (u8, u8, u8), f64) {
    if !w.is_finite() {
        return (1, NAN_GREY, 1.0);
    }
    let t = (w.abs() / W_FULL).min(1.0);
    let width = 1 + (t * 5.0).round() as u32;
    (width, if w < 0.0 { ORANGE } else { BLUE }, 0.25 + 0.75 * t as f64)
}

/// Draw the diagram: weight lines from `params` (one model's, `None` = grey lines), then each
/// node as the thumbnail `maps[col][unit]` (values in [-1, 1] on a `res × res` grid, row 0 at
/// the top; missing maps leave the node blank) with a frame. The `selected` edge is drawn black.
pub fn draw_diagram<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    d: &Diagram,
    params: Option<&[f32]>,
    maps: &[Vec<Vec<f32>>],
    res: usize,
    selected: Option<usize>,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    area.fill(&WHITE).map_err(err)?;
    let pt = |p: (f32, f32)| (p.0.round() as i32, p.1.round() as i32);
    for e in &d.edges {
        let w = params.and_then(|p| p.get(e.param)).copied();
        let (width, c, alpha) = w.map_or((1, NAN_GREY, 0.5), stroke);
        let style = RGBColor(c.0, c.1, c.2).mix(alpha).stroke_width(width);
        area.draw(&PathElement::new(vec![pt(e.a), pt(e.b)], style)).map_err(err)?;
    }
    if let Some(e) = selected.and_then(|i| d.edges.get(i)) {
        area.draw(&PathElement::new(vec![pt(e.a), pt(e.b)], BLACK.stroke_width(2))).map_err(err)?;
    }
    for (col, nodes) in d.cols.iter().enumerate() {
        for (unit, &(x, y)) in nodes.iter().enumerate() {
            if let Some(values) = maps.get(col).and_then(|m| m.get(unit)).filter(|v| v.len() == res * res) {
                let sub = area.clone().shrink((x, y), (NODE as u32, NODE as u32));
                let g = GridValues { res, values: values.clone() };
                draw_boundary_with(&sub, Some(&g), &[], &BoundaryOpts::default())?;
            } else {
                area.draw(&Rectangle::new([(x, y), (x + NODE, y + NODE)], WHITE.filled())).map_err(err)?;
            }
            let frame = RGBColor(0x99, 0x99, 0x99).stroke_width(1);
            area.draw(&Rectangle::new([(x, y), (x + NODE, y + NODE)], frame)).map_err(err)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots(widths: &[usize]) -> Vec<SlotShape> {
        let mut off = 0;
        widths
            .windows(2)
            .map(|w| {
                let s = SlotShape { i: w[0], o: w[1], w_off: off };
                off += w[0] * w[1] + w[1];
                s
            })
            .collect()
    }

    #[test]
    fn edges_index_the_weight_matrix_and_hits_find_them() {
        let d = Diagram::new(&slots(&[2, 3, 1]), 300);
        assert_eq!(d.cols.iter().map(Vec::len).collect::<Vec<_>>(), vec![2, 3, 1]);
        assert_eq!(d.edges.len(), 2 * 3 + 3);
        // Slot 1 starts after slot 0's 2×3 weights and 3 biases; W is [I, O].
        let e = d.edges.iter().find(|e| e.slot == 1 && e.from == 2 && e.to == 0).unwrap();
        assert_eq!(e.param, 9 + 2);
        let e0 = d.edges.iter().position(|e| e.slot == 0 && e.from == 1 && e.to == 2).unwrap();
        assert_eq!(d.edges[e0].param, 3 + 2);
        // The midpoint of a line hits that line; a node's centre hits the node.
        let m = ((d.edges[e0].a.0 + d.edges[e0].b.0) / 2.0, (d.edges[e0].a.1 + d.edges[e0].b.1) / 2.0);
        assert_eq!(d.hit(m.0, m.1), Some(Hit::Edge(e0)));
        let (nx, ny) = d.cols[1][2];
        assert_eq!(d.hit((nx + NODE / 2) as f32, (ny + NODE / 2) as f32), Some(Hit::Node { col: 1, unit: 2 }));
        assert_eq!(d.hit(1.0, 1.0), None);
        assert_eq!(d.hit(f32::NAN, 5.0), None);
    }

    #[test]
    fn wide_layers_show_sixteen_units_and_count_the_rest() {
        let d = Diagram::new(&slots(&[2, 40, 2]), 400);
        assert_eq!(d.cols[1].len(), MAX_UNITS);
        assert_eq!(d.more, vec![0, 40 - MAX_UNITS, 0]);
        assert_eq!(d.h, height_for(MAX_UNITS));
        assert!(d.cols.iter().flatten().all(|&(x, y)| x >= 0 && y >= 0 && x + NODE <= 400 && y + NODE <= d.h as i32));
        assert_eq!(d.edges.len(), 2 * MAX_UNITS + MAX_UNITS * 2);
        // Edge to unit 3 of slot 0 skips nothing: param = from·40 + to.
        assert!(d.edges.iter().any(|e| e.slot == 0 && e.from == 1 && e.to == 3 && e.param == 43));
    }

    #[test]
    fn strokes_grow_with_magnitude_and_colour_by_sign() {
        let (w0, c0, a0) = stroke(0.0);
        assert_eq!((w0, c0), (1, BLUE));
        assert!((a0 - 0.25).abs() < 1e-9);
        assert_eq!(stroke(-W_FULL), (6, ORANGE, 1.0));
        assert_eq!(stroke(100.0).0, 6);
        assert!(stroke(0.5).0 < stroke(1.5).0);
        assert_eq!(stroke(f32::NAN).1, NAN_GREY);
        assert!(seg_dist((5.0, 3.0), (0.0, 0.0), (10.0, 0.0)) - 3.0 < 1e-6);
        assert!((seg_dist((-4.0, 3.0), (0.0, 0.0), (10.0, 0.0)) - 5.0).abs() < 1e-6);
        assert_eq!(seg_dist((1.0, 1.0), (1.0, 1.0), (1.0, 1.0)), 0.0);
    }
}
