//! Sweep charts (issue 5): error against the swept axis (train and test, the interpolation
//! threshold as a dashed vertical line with its label: model-wise double descent, Belkin et al.
//! 2019, Nakkiran et al. 2020), and a heatmap with a colour legend, used for test error over
//! axis × steps (epoch-wise double descent) and for two-axis phase diagrams.
//!
//! Text: as `curves`, set `draw_text: false` for plotters' native `BitMapBackend`.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::curves::{draw_curves, CurveOpts, XAxis};
use super::scale::fmt_num;
use super::Series;

/// Train (blue) and test (orange) colours of the error plot (TFP's palette).
pub const TRAIN_COLOR: (u8, u8, u8) = (0x08, 0x77, 0xbd);
pub const TEST_COLOR: (u8, u8, u8) = (0xf5, 0x93, 0x22);

/// Options for [`draw_sweep_error`].
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorOpts {
    pub title: String,
    /// The axis name, e.g. "width".
    pub x_label: String,
    pub log_x: bool,
    /// The interpolation threshold (`sweep::interpolation_threshold`), marked when inside.
    pub threshold: Option<f64>,
    pub draw_text: bool,
}

impl Default for ErrorOpts {
    fn default() -> Self {
        ErrorOpts { title: String::new(), x_label: "width".into(), log_x: false, threshold: None, draw_text: true }
    }
}

/// Error (1 − accuracy, or any error measure) against the axis: `train` and `test` as
/// (value, error) pairs, drawn as lines with dots; the threshold as a dashed line labelled
/// "interpolation threshold". Returns the x axis' placement.
pub fn draw_sweep_error<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    train: &[(f64, f64)],
    test: &[(f64, f64)],
    opts: &ErrorOpts,
) -> Result<XAxis, String> {
    let series = [
        Series { label: "train error".into(), color: TRAIN_COLOR, points: train.to_vec(), ..Series::default() },
        Series { label: "test error".into(), color: TEST_COLOR, points: test.to_vec(), ..Series::default() },
    ];
    let copts = CurveOpts {
        title: opts.title.clone(),
        x_label: opts.x_label.clone(),
        y_label: "error".into(),
        log_x: opts.log_x,
        draw_text: opts.draw_text,
        markers: opts.threshold.into_iter().filter(|t| t.is_finite()).collect(),
        ..CurveOpts::default()
    };
    let axis = draw_curves(area, &series, &copts)?;
    if let (Some(t), true) = (opts.threshold, opts.draw_text) {
        let inside = t.is_finite() && axis.lo <= t && t <= axis.hi;
        if inside {
            let f = if axis.log && axis.lo > 0.0 {
                (t.ln() - axis.lo.ln()) / (axis.hi.ln() - axis.lo.ln()).max(1e-12)
            } else {
                (t - axis.lo) / (axis.hi - axis.lo).max(1e-12)
            };
            let px = axis.px.0 + ((axis.px.1 - axis.px.0) as f64 * f).round() as i32;
            let style = ("sans-serif", 12.0).into_font().color(&RGBColor(90, 90, 90));
            let label = format!("interpolation threshold ≈ {}", fmt_num(t));
            area.draw(&Text::new(label, (px + 4, 40), style)).map_err(|e| e.to_string())?;
        }
    }
    Ok(axis)
}

/// A heatmap: `z[iy * x.len() + ix]` over the grid of `x` × `y` values (cells in index space,
/// ticks labelled with the values). Non-finite cells are drawn light grey.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Heatmap {
    pub title: String,
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub z: Vec<f64>,
    pub x_label: String,
    pub y_label: String,
    /// What the colour means (legend caption), e.g. "test error".
    pub z_label: String,
    /// Fixed colour range; `None` fits the finite values.
    pub z_range: Option<(f64, f64)>,
    pub draw_text: bool,
}

/// Colour of `t` in [0, 1] on a perceptual dark-blue → teal → yellow ramp (viridis' ends).
pub fn ramp(t: f64) -> (u8, u8, u8) {
    const STOPS: [(f64, f64, f64); 5] =
        [(68.0, 1.0, 84.0), (59.0, 82.0, 139.0), (33.0, 145.0, 140.0), (94.0, 201.0, 98.0), (253.0, 231.0, 37.0)];
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) } * (STOPS.len() - 1) as f64;
    let i = (t.floor() as usize).min(STOPS.len() - 2);
    let f = t - i as f64;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    let m = |x: f64, y: f64| (x + (y - x) * f).round() as u8;
    (m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

/// Grey of missing cells.
pub const MISSING: (u8, u8, u8) = (225, 225, 225);

/// The colour range of a heatmap: `z_range`, else the finite values' (a flat one widened).
pub fn z_bounds(h: &Heatmap) -> (f64, f64) {
    if let Some((lo, hi)) = h.z_range.filter(|r| r.0.is_finite() && r.1.is_finite() && r.0 < r.1) {
        return (lo, hi);
    }
    let fin = h.z.iter().copied().filter(|v| v.is_finite());
    let (lo, hi) = fin.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    if !lo.is_finite() {
        (0.0, 1.0)
    } else if lo == hi {
        (lo - 0.5, hi + 0.5)
    } else {
        (lo, hi)
    }
}

/// The colour of cell value `v` under bounds `(lo, hi)`.
pub fn cell_rgb(v: f64, (lo, hi): (f64, f64)) -> (u8, u8, u8) {
    if v.is_finite() {
        ramp((v - lo) / (hi - lo))
    } else {
        MISSING
    }
}

/// Draw `h` with a vertical colour legend at the right (its range and caption).
pub fn draw_heatmap<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, h: &Heatmap) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    area.fill(&WHITE).map_err(err)?;
    let (w, _) = area.dim_in_pixel();
    let legend_w = 70.min(w / 3);
    let (main, legend) = area.split_horizontally(w.saturating_sub(legend_w));
    let (nx, ny) = (h.x.len().max(1), h.y.len().max(1));
    let bounds = z_bounds(h);
    let alpha = if h.draw_text { 1.0 } else { 0.0 };
    let text = |size: f64| ("sans-serif", size).into_font().color(&BLACK.mix(alpha));
    let mut b = ChartBuilder::on(&main);
    b.margin(10).x_label_area_size(35).y_label_area_size(55);
    if !h.title.is_empty() {
        b.caption(&h.title, text(16.0));
    }
    let mut chart = b.build_cartesian_2d(0.0..nx as f64, 0.0..ny as f64).map_err(err)?;
    let tick = |vals: &[f64], v: f64| {
        let i = v.floor() as usize;
        vals.get(i).filter(|_| v >= 0.0).map_or(String::new(), |x| fmt_num(*x))
    };
    let (xs, ys) = (h.x.clone(), h.y.clone());
    let fx = move |v: &f64| tick(&xs, *v - 0.5);
    let fy = move |v: &f64| tick(&ys, *v - 0.5);
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(nx.min(8))
        .y_labels(ny.min(8))
        .x_label_formatter(&fx)
        .y_label_formatter(&fy)
        .label_style(text(12.0))
        .axis_desc_style(text(13.0))
        .x_desc(h.x_label.as_str())
        .y_desc(h.y_label.as_str())
        .draw()
        .map_err(err)?;
    let cells = (0..ny).flat_map(|iy| (0..nx).map(move |ix| (ix, iy))).map(|(ix, iy)| {
        let v = h.z.get(iy * nx + ix).copied().unwrap_or(f64::NAN);
        let c = cell_rgb(v, bounds);
        let (x0, y0) = (ix as f64, iy as f64);
        Rectangle::new([(x0, y0), (x0 + 1.0, y0 + 1.0)], RGBColor(c.0, c.1, c.2).filled())
    });
    chart.draw_series(cells).map_err(err)?;
    // The legend: a vertical ramp with the range's ends and the caption.
    let (lw, lh) = legend.dim_in_pixel();
    let (top, bottom) = (30i32, lh as i32 - 45);
    let (x0, x1) = (8i32, (lw as i32 - 8).min(26));
    let steps = 48;
    for k in 0..steps {
        let t = 1.0 - k as f64 / (steps - 1) as f64;
        let c = ramp(t);
        let ya = top + (bottom - top) * k / steps;
        let yb = top + (bottom - top) * (k + 1) / steps;
        legend.draw(&Rectangle::new([(x0, ya), (x1, yb)], RGBColor(c.0, c.1, c.2).filled())).map_err(err)?;
    }
    if h.draw_text {
        legend.draw(&Text::new(fmt_num(bounds.1), (x1 + 3, top - 6), text(11.0))).map_err(err)?;
        legend.draw(&Text::new(fmt_num(bounds.0), (x1 + 3, bottom - 6), text(11.0))).map_err(err)?;
        legend.draw(&Text::new(h.z_label.clone(), (2, bottom + 14), text(11.0))).map_err(err)?;
    }
    Ok(())
}
