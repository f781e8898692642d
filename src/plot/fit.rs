//! 1-D regression view: the data as points (x, target) and the model's prediction along x as a
//! line over them, the way spectral-bias figures show a network fitting a sum of sines
//! (Rahaman et al. 2019). x spans [-6, 6] like the boundary plot; y fits the data and the curve.
//! No text, so it renders on every backend (see `boundary.rs`).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::boundary::{BLUE, EXTENT, ORANGE};

/// Colour of the fitted line.
pub const FIT_COLOR: (u8, u8, u8) = ORANGE;
/// Colour of the data points.
pub const DATA_COLOR: (u8, u8, u8) = BLUE;

/// One data point: x, target, whether it is a test point.
pub type FitPoint = (f32, f32, bool);

/// The y range shown: the finite targets and predictions, padded by 10 % (±1 when empty or flat).
pub fn y_range(points: &[FitPoint], curve: &[(f32, f32)]) -> (f32, f32) {
    let ys = points.iter().map(|p| p.1).chain(curve.iter().map(|c| c.1)).filter(|v| v.is_finite() && v.abs() < 1e6);
    let (lo, hi) = ys.fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    if lo > hi {
        return (-1.0, 1.0);
    }
    if hi - lo < 1e-6 {
        return (lo - 1.0, hi + 1.0);
    }
    let pad = (hi - lo) * 0.1;
    (lo - pad, hi + pad)
}

/// Pixel of (x, y) in a `w × h` area with y range `yr`.
pub fn to_pixel(w: u32, h: u32, yr: (f32, f32), x: f32, y: f32) -> (i32, i32) {
    let px = (x + EXTENT) / (2.0 * EXTENT) * (w as f32 - 1.0);
    let py = (yr.1 - y) / (yr.1 - yr.0) * (h as f32 - 1.0);
    (px.round() as i32, py.round() as i32)
}

/// Draw the points (test points only when `show_test`, black outline) and `curve` (x, prediction)
/// as a line, on a white background with a grey y = 0 line.
pub fn draw_fit_1d<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: &[FitPoint],
    curve: &[(f32, f32)],
    show_test: bool,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    area.fill(&WHITE).map_err(err)?;
    let (w, h) = area.dim_in_pixel();
    if w < 2 || h < 2 {
        return Ok(());
    }
    let yr = y_range(points, curve);
    if yr.0 < 0.0 && yr.1 > 0.0 {
        let (_, y0) = to_pixel(w, h, yr, 0.0, 0.0);
        area.draw(&PathElement::new(vec![(0, y0), (w as i32, y0)], RGBColor(200, 200, 200))).map_err(err)?;
    }
    let radius = ((w.min(h) as f32 / 100.0).round() as i32).max(2);
    let ok = |x: f32, y: f32| x.is_finite() && y.is_finite() && x.abs() <= EXTENT && y >= yr.0 && y <= yr.1;
    let c = RGBColor(DATA_COLOR.0, DATA_COLOR.1, DATA_COLOR.2);
    for p in points.iter().filter(|p| !p.2 || show_test).filter(|p| ok(p.0, p.1)) {
        let centre = to_pixel(w, h, yr, p.0, p.1);
        area.draw(&Circle::new(centre, radius, c.mix(0.6).filled())).map_err(err)?;
        if p.2 {
            area.draw(&Circle::new(centre, radius, BLACK.stroke_width(1))).map_err(err)?;
        }
    }
    let line = RGBColor(FIT_COLOR.0, FIT_COLOR.1, FIT_COLOR.2).stroke_width(3);
    let mut run: Vec<(i32, i32)> = Vec::new();
    for &(x, y) in curve {
        if ok(x, y) {
            run.push(to_pixel(w, h, yr, x, y));
        } else if !run.is_empty() {
            area.draw(&PathElement::new(std::mem::take(&mut run), line)).map_err(err)?;
        }
    }
    if run.len() > 1 {
        area.draw(&PathElement::new(run, line)).map_err(err)?;
    }
    Ok(())
}
