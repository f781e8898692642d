//! Decision-boundary heatmap in the style of TensorFlow Playground: the model's output on a
//! `res × res` grid over [-6, 6]² drawn as coloured cells, with the data points on top.
//!
//! Colours follow TensorFlow Playground's heatmap: a diverging scale from orange (`#f59322`,
//! value -1, class 0) through near-white (`#e8eaeb`, 0) to blue (`#0877bd`, +1, class 1),
//! quantised into 30 shades like TFP's. Cells are drawn slightly lighter than the points so the
//! points stand out; train points get a white outline, test points a black one.
//!
//! For speed (a 64×64 grid redrawn at 10+ fps on a canvas) the cells are drawn as plain
//! rectangles in the area's pixel coordinates, merging horizontal runs of equal shade, instead of
//! going through a chart. Nothing here draws text, so it works on every backend, including
//! plotters' native bitmap backend, which has no font support in this build.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{GridValues, PlotPoint};

/// TFP's colour for -1 (class 0).
pub const ORANGE: (u8, u8, u8) = (0xf5, 0x93, 0x22);
/// TFP's colour for 0.
pub const NEUTRAL: (u8, u8, u8) = (0xe8, 0xea, 0xeb);
/// TFP's colour for +1 (class 1).
pub const BLUE: (u8, u8, u8) = (0x08, 0x77, 0xbd);
/// Colour for NaN values.
pub const NAN_GREY: (u8, u8, u8) = (0xa0, 0xa0, 0xa0);
/// Number of colour steps between -1 and +1 for the cells (as in TFP's heatmap).
pub const NUM_SHADES: usize = 30;
/// How far (0..1) cell colours are mixed toward white, relative to the points' colours.
pub const CELL_LIGHTEN: f32 = 0.3;
/// Half-width of the plotted square in data units: the plane is [-EXTENT, EXTENT]².
pub const EXTENT: f32 = 6.0;

/// Colour of value `v` on the diverging scale (clamped to [-1, 1]; NaN gives grey).
pub fn value_color(v: f32) -> (u8, u8, u8) {
    if v.is_nan() {
        return NAN_GREY;
    }
    let v = v.clamp(-1.0, 1.0);
    if v < 0.0 {
        mix(NEUTRAL, ORANGE, -v)
    } else {
        mix(NEUTRAL, BLUE, v)
    }
}

/// Colour of a heatmap cell with value `v`: `value_color` quantised to `NUM_SHADES` steps and
/// lightened by `CELL_LIGHTEN`.
pub fn cell_color(v: f32) -> (u8, u8, u8) {
    match shade_index(v) {
        Some(k) => shade_color(k),
        None => mix(NAN_GREY, (255, 255, 255), CELL_LIGHTEN),
    }
}

/// Colours of classes 2, 3, 4 (multi-class data): green, purple, red (d3's category10).
pub const EXTRA_CLASSES: [(u8, u8, u8); 3] = [(0x2c, 0xa0, 0x2c), (0x94, 0x67, 0xbd), (0xd6, 0x27, 0x28)];

/// Class colour of a point: orange for class 0, blue for class 1 (TFP), then
/// [`EXTRA_CLASSES`] (the last repeats).
pub fn class_color(class: u8) -> (u8, u8, u8) {
    match class {
        0 => ORANGE,
        1 => BLUE,
        k => EXTRA_CLASSES[(k as usize - 2).min(EXTRA_CLASSES.len() - 1)],
    }
}

/// Options of [`draw_boundary_with`].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BoundaryOpts {
    /// Draw the test points (black outline).
    pub show_test: bool,
    /// Two colours only: each cell takes the sign of its value (TFP's "discretize output").
    pub discretize: bool,
    /// More than two classes: the grid holds each cell's predicted class index (the engine's
    /// arg-max), drawn in the lightened class colour.
    pub multiclass: bool,
    /// Ring the training points whose label was flipped (`PlotPoint::flipped`): a dark ring
    /// around the point (issue 5).
    pub mark_flipped: bool,
    /// Highlight the points the model fits against their true label (`PlotPoint::misfit`): a
    /// thick red ring ([`MISFIT_RED`]) outside the flipped ring.
    pub mark_misfit: bool,
}

/// Colour of the `mark_misfit` highlight.
pub const MISFIT_RED: (u8, u8, u8) = (0xd6, 0x27, 0x28);
/// Colour of the `mark_flipped` ring.
pub const FLIP_RING: (u8, u8, u8) = (0x30, 0x30, 0x30);

/// Linear interpolation from `a` (t = 0) to `b` (t = 1) in RGB, as d3's default interpolator.
fn mix(a: (u8, u8, u8), b: (u8, u8, u8), t: f32) -> (u8, u8, u8) {
    let t = t.clamp(0.0, 1.0);
    let ch = |x: u8, y: u8| (x as f32 + (y as f32 - x as f32) * t).round() as u8;
    (ch(a.0, b.0), ch(a.1, b.1), ch(a.2, b.2))
}

/// Shade bucket 0..=NUM_SHADES of a value, None for NaN.
fn shade_index(v: f32) -> Option<usize> {
    if v.is_nan() {
        return None;
    }
    let t = (v.clamp(-1.0, 1.0) + 1.0) * 0.5;
    Some((t * NUM_SHADES as f32).round() as usize)
}

fn shade_color(k: usize) -> (u8, u8, u8) {
    let v = k as f32 / NUM_SHADES as f32 * 2.0 - 1.0;
    mix(value_color(v), (255, 255, 255), CELL_LIGHTEN)
}

fn rgb(c: (u8, u8, u8)) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// The plotted square inside an area of `w × h` pixels: (left, top, side).
pub fn plot_square(w: u32, h: u32) -> (i32, i32, i32) {
    let side = w.min(h) as i32;
    ((w as i32 - side) / 2, (h as i32 - side) / 2, side)
}

/// Pixel position (relative to the area) of data point (x, y) in an area of `w × h` pixels.
pub fn data_to_pixel(w: u32, h: u32, x: f32, y: f32) -> (i32, i32) {
    let (left, top, side) = plot_square(w, h);
    let s = side as f32;
    let px = left as f32 + (x + EXTENT) / (2.0 * EXTENT) * s;
    let py = top as f32 + (EXTENT - y) / (2.0 * EXTENT) * s;
    (px.round() as i32, py.round() as i32)
}

/// Draw the heatmap of `grid` (or a blank background when `None`) and the `points` on `area`.
/// Test points are drawn only when `show_test`. Fills the whole area (white outside the square).
/// Returns an error if the grid's `values.len() != res * res` or the backend fails.
pub fn draw_boundary<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    grid: Option<&GridValues>,
    points: &[PlotPoint],
    show_test: bool,
) -> Result<(), String> {
    draw_boundary_with(area, grid, points, &BoundaryOpts { show_test, ..Default::default() })
}

/// [`draw_boundary`] with options: test points, discretized cells. Points with a `value` are
/// coloured by it on the diverging scale (regression targets), others by class.
pub fn draw_boundary_with<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    grid: Option<&GridValues>,
    points: &[PlotPoint],
    opts: &BoundaryOpts,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    if let Some(g) = grid {
        if g.values.len() != g.res * g.res {
            return Err(format!("grid has {} values, expected {}×{}", g.values.len(), g.res, g.res));
        }
    }
    area.fill(&WHITE).map_err(err)?;
    let (w, h) = area.dim_in_pixel();
    let (left, top, side) = plot_square(w, h);
    if side <= 0 {
        return Ok(());
    }

    match grid {
        Some(g) if g.res > 0 && opts.multiclass => {
            let edge = |i: usize, origin: i32| origin + ((i as i64 * side as i64) / g.res as i64) as i32;
            for (k, &v) in g.values.iter().enumerate() {
                let (r, c) = (k / g.res, k % g.res);
                let base = if v.is_finite() && v >= 0.0 { class_color(v.round().min(255.0) as u8) } else { NAN_GREY };
                let fill = rgb(mix(base, (255, 255, 255), 0.55)).filled();
                let rect = Rectangle::new([(edge(c, left), edge(r, top)), (edge(c + 1, left), edge(r + 1, top))], fill);
                area.draw(&rect).map_err(err)?;
            }
        }
        Some(g) if g.res > 0 && opts.discretize => {
            let sign = |v: f32| {
                if v.is_nan() {
                    v
                } else if v >= 0.0 {
                    1.0
                } else {
                    -1.0
                }
            };
            let d = GridValues { res: g.res, values: g.values.iter().map(|&v| sign(v)).collect() };
            draw_cells(area, &d, left, top, side)?
        }
        Some(g) if g.res > 0 => draw_cells(area, g, left, top, side)?,
        _ => {
            let bg = rgb(mix(NEUTRAL, (255, 255, 255), CELL_LIGHTEN));
            let rect = Rectangle::new([(left, top), (left + side, top + side)], bg.filled());
            area.draw(&rect).map_err(err)?;
        }
    }

    draw_points(area, points, opts)
}

/// The class the boundary grid (`res`², row 0 at y = +6, over [-6, 6]²) predicts at the data
/// point (x, y): the cell's class index for multi-class grids, else 1 where the score is ≥ 0
/// and 0 below (the ±1 targets of classes 1 and 0). `None` off the plane or for a NaN cell.
pub fn class_at(grid: &[f32], res: usize, x: f32, y: f32, multiclass: bool) -> Option<u8> {
    let cell = |v: f32| ((v + EXTENT) / (2.0 * EXTENT) * res as f32).floor();
    let (c, r) = (cell(x), cell(-y));
    if !(c >= 0.0 && r >= 0.0 && (c as usize) < res && (r as usize) < res) || grid.len() != res * res {
        return None;
    }
    let v = grid[r as usize * res + c as usize];
    if !v.is_finite() {
        None
    } else if multiclass {
        Some(v.round().clamp(0.0, 255.0) as u8)
    } else {
        Some(u8::from(v >= 0.0))
    }
}

/// Draw `points` on `area` (the [-6, 6]² square, as [`data_to_pixel`]): train points with a
/// white outline first, then, when `opts.show_test`, test points with a black one; flipped and
/// misfit points ringed when `opts` asks for it.
pub fn draw_points<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: &[PlotPoint],
    opts: &BoundaryOpts,
) -> Result<(), String> {
    let show_test = opts.show_test;
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let (w, h) = area.dim_in_pixel();
    let side = plot_square(w, h).2;
    let radius = ((side as f32 / 100.0).round() as i32).max(2);
    let visible = |p: &&PlotPoint| p.x.is_finite() && p.y.is_finite() && p.x.abs() <= EXTENT && p.y.abs() <= EXTENT;
    // Train points first, test points on top.
    let train = points.iter().filter(|p| !p.test).filter(visible);
    let test = points.iter().filter(|p| p.test && show_test).filter(visible);
    for p in train.chain(test) {
        let centre = data_to_pixel(w, h, p.x, p.y);
        let fill = rgb(p.value.map_or(class_color(p.class), value_color)).filled();
        area.draw(&Circle::new(centre, radius, fill)).map_err(err)?;
        let outline = if p.test { BLACK } else { WHITE };
        area.draw(&Circle::new(centre, radius, outline.stroke_width(1))).map_err(err)?;
        if opts.mark_flipped && p.flipped {
            area.draw(&Circle::new(centre, radius + 2, rgb(FLIP_RING).stroke_width(1))).map_err(err)?;
        }
        if opts.mark_misfit && p.misfit {
            area.draw(&Circle::new(centre, radius + 4, rgb(MISFIT_RED).stroke_width(2))).map_err(err)?;
        }
    }
    Ok(())
}

/// Draw the grid cells row by row, merging horizontal runs of the same shade into one rectangle.
fn draw_cells<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    g: &GridValues,
    left: i32,
    top: i32,
    side: i32,
) -> Result<(), String> {
    let res = g.res;
    // Cell edges in pixels; rectangles are half-open, so adjacent cells never leave gaps.
    let edge = |i: usize, origin: i32| origin + ((i as i64 * side as i64) / res as i64) as i32;
    let palette: Vec<RGBColor> = (0..=NUM_SHADES).map(|k| rgb(shade_color(k))).collect();
    let nan_color = rgb(cell_color(f32::NAN));
    for (row, values) in g.values.chunks_exact(res).enumerate() {
        let (y0, y1) = (edge(row, top), edge(row + 1, top));
        if y1 <= y0 {
            continue;
        }
        let mut start = 0;
        while start < res {
            let shade = shade_index(values[start]);
            let mut end = start + 1;
            while end < res && shade_index(values[end]) == shade {
                end += 1;
            }
            let color = shade.map_or(nan_color, |k| palette[k]);
            let (x0, x1) = (edge(start, left), edge(end, left));
            if x1 > x0 {
                area.draw(&Rectangle::new([(x0, y0), (x1, y1)], color.filled())).map_err(|e| e.to_string())?;
            }
            start = end;
        }
    }
    Ok(())
}
