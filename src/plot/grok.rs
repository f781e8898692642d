//! Plots of the grokking lab (issue 6), generic over the plotters backend:
//! - [`draw_table`]: the a × b table of `a ∘ b mod p`, one cell per pair, coloured by whether
//!   the model predicts the pair's label (blue) or not (red), darker for training pairs and
//!   lighter for test pairs (Power et al. 2022 show the same table); training pairs whose label
//!   was corrupted (Doshi et al. 2024) carry a black dot;
//! - [`draw_bars`]: a bar chart, for the Fourier spectrum of the embedding (key frequencies
//!   highlighted; Nanda et al. 2023) and the histogram of per-neuron IPR (Doshi et al. 2024).
//!
//! Text follows `curves`: `draw_text = false` draws it transparent (bitmap backends).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::scale::fmt_num;

/// Training pair predicted as its label (dark blue), test pair (light blue).
pub const TRAIN_OK: (u8, u8, u8) = (8, 81, 156);
pub const TEST_OK: (u8, u8, u8) = (140, 190, 230);
/// Training pair not predicted as its label (dark red), test pair (orange).
pub const TRAIN_WRONG: (u8, u8, u8) = (180, 20, 30);
pub const TEST_WRONG: (u8, u8, u8) = (245, 160, 90);
/// Pair not evaluated yet.
pub const UNKNOWN: (u8, u8, u8) = (225, 225, 225);
/// Bars, and highlighted bars (key frequencies).
pub const BAR: (u8, u8, u8) = (120, 120, 120);
pub const BAR_KEY: (u8, u8, u8) = (106, 61, 154);

fn rgb(c: (u8, u8, u8)) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// One pair (a, b) of the table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cell {
    pub a: usize,
    pub b: usize,
    pub test: bool,
    /// Predicted as its label (the corrupted one for corrupted training pairs); `None`: unknown.
    pub correct: Option<bool>,
    /// Training label corrupted.
    pub corrupted: bool,
}

/// The colour of a cell.
pub fn cell_color(c: &Cell) -> (u8, u8, u8) {
    match (c.correct, c.test) {
        (None, _) => UNKNOWN,
        (Some(true), false) => TRAIN_OK,
        (Some(true), true) => TEST_OK,
        (Some(false), false) => TRAIN_WRONG,
        (Some(false), true) => TEST_WRONG,
    }
}

/// The p × p table (row a from the top, column b from the left) in the largest centred square
/// of `area`; cells outside [0, p)² are skipped, pairs without a cell stay white.
pub fn draw_table<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, p: usize, cells: &[Cell]) -> Result<(), String> {
    area.fill(&WHITE).map_err(|e| e.to_string())?;
    if p == 0 {
        return Ok(());
    }
    let (w, h) = area.dim_in_pixel();
    let side = w.min(h) as f64;
    let (x0, y0) = ((w as f64 - side) / 2.0, (h as f64 - side) / 2.0);
    let cell = side / p as f64;
    let at = |k: usize| (k as f64 * cell).round() as i32;
    for c in cells.iter().filter(|c| c.a < p && c.b < p) {
        let (l, t) = (x0 as i32 + at(c.b), y0 as i32 + at(c.a));
        let (r, b) = (x0 as i32 + at(c.b + 1), y0 as i32 + at(c.a + 1));
        area.draw(&Rectangle::new([(l, t), (r, b)], rgb(cell_color(c)).filled())).map_err(|e| e.to_string())?;
        if c.corrupted {
            let rad = ((cell / 4.0).round() as i32).max(1);
            area.draw(&Circle::new(((l + r) / 2, (t + b) / 2), rad, BLACK.filled())).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// Options of [`draw_bars`].
#[derive(Clone, Debug, PartialEq)]
pub struct BarOpts {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// Bar k spans [x0 + k·dx, x0 + (k + 1)·dx) (frequencies: x0 = −0.5, dx = 1).
    pub x0: f64,
    pub dx: f64,
    /// Draw text (false for font-less bitmap backends).
    pub draw_text: bool,
}

/// Bars of `values` (non-finite or negative drawn as 0), those at `highlight` in `BAR_KEY`.
pub fn draw_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    values: &[f64],
    highlight: &[usize],
    opts: &BarOpts,
) -> Result<(), String> {
    area.fill(&WHITE).map_err(|e| e.to_string())?;
    let v: Vec<f64> = values.iter().map(|&x| if x.is_finite() && x > 0.0 { x } else { 0.0 }).collect();
    let dx = if opts.dx > 0.0 && opts.dx.is_finite() { opts.dx } else { 1.0 };
    let x0 = if opts.x0.is_finite() { opts.x0 } else { 0.0 };
    let x1 = x0 + dx * v.len().max(1) as f64;
    let top = v.iter().copied().fold(0.0, f64::max);
    let top = if top > 0.0 { top * 1.08 } else { 1.0 };
    let alpha = if opts.draw_text { 1.0 } else { 0.0 };
    let text = |size: f64| ("sans-serif", size).into_font().color(&BLACK.mix(alpha));
    let mut builder = ChartBuilder::on(area);
    builder.margin(10).margin_right(15).x_label_area_size(35).y_label_area_size(50);
    if !opts.title.is_empty() {
        builder.caption(&opts.title, text(16.0));
    }
    let mut chart = builder.build_cartesian_2d(x0..x1, 0.0..top).map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(RGBColor(238, 238, 238))
        .axis_style(RGBColor(120, 120, 120))
        .x_labels(8)
        .y_labels(5)
        .x_label_formatter(&|x| fmt_num(*x))
        .y_label_formatter(&|y| fmt_num(*y))
        .label_style(text(12.0))
        .axis_desc_style(text(13.0))
        .x_desc(opts.x_label.as_str())
        .y_desc(opts.y_label.as_str())
        .draw()
        .map_err(|e| e.to_string())?;
    let bars = v.iter().enumerate().filter(|(_, &y)| y > 0.0).map(|(k, &y)| {
        let col = if highlight.contains(&k) { BAR_KEY } else { BAR };
        let l = x0 + dx * k as f64;
        Rectangle::new([(l + 0.1 * dx, 0.0), (l + 0.9 * dx, y)], rgb(col).filled())
    });
    chart.draw_series(bars).map_err(|e| e.to_string())?;
    Ok(())
}
