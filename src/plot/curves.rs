//! Line charts of training curves (loss, accuracy, … against step): several series with axes,
//! axis labels, a light grid and a legend, optionally on a log-scale y axis.
//!
//! The series colours are chosen by the caller; the app uses TensorFlow Playground's heatmap
//! colours (orange `#f59322`, blue `#0877bd`) like the boundary plot.
//!
//! Text: plotters without a font feature (this crate's native build) cannot rasterise text, and
//! its `BitMapBackend` *panics* when asked to. The canvas (browser) and SVG backends draw text
//! themselves. Set [`CurveOpts::draw_text`] to `false` for bitmap rendering: all text is then
//! drawn fully transparent, which every backend skips, so the layout stays the same.

use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::Series;

/// Options for [`draw_curves`].
#[derive(Clone, Debug, PartialEq)]
pub struct CurveOpts {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// Logarithmic y axis; values ≤ 0 are clamped to a small positive floor.
    pub log_y: bool,
    /// Fixed y range (lines are clipped to it); `None` fits the data.
    pub y_range: Option<(f64, f64)>,
    /// Draw text (title, tick and axis labels, legend labels). Must be `false` for plotters'
    /// `BitMapBackend` on native, which panics on text without a font feature.
    pub draw_text: bool,
}

impl Default for CurveOpts {
    fn default() -> Self {
        CurveOpts {
            title: String::new(),
            x_label: "step".into(),
            y_label: String::new(),
            log_y: false,
            y_range: None,
            draw_text: true,
        }
    }
}

/// Points (and fixed ranges) beyond this magnitude are skipped: wider ranges overflow plotters'
/// tick computation (which then never terminates). NaN compares false, so it is skipped too.
const MAX_ABS: f64 = 1e300;
/// Most decades shown on a log y axis; lower values are clipped.
const MAX_DECADES: i32 = 24;
/// Smallest floor used for log-scale values ≤ 0.
const MIN_LOG_FLOOR: f64 = 1e-12;

/// Draw `series` as lines against step on `area` (white background, light grid, legend).
/// Non-finite (and |v| > 1e300) points are skipped; empty input draws empty axes.
pub fn draw_curves<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: &[Series],
    opts: &CurveOpts,
) -> Result<(), String> {
    area.fill(&WHITE).map_err(|e| e.to_string())?;
    let mut data: Vec<Vec<(f64, f64)>> = series
        .iter()
        .map(|s| {
            let finite = |p: &&(f64, f64)| p.0.abs() <= MAX_ABS && p.1.abs() <= MAX_ABS;
            s.points.iter().filter(finite).copied().collect()
        })
        .collect();
    if opts.log_y {
        let floor = log_floor(&data);
        for p in data.iter_mut().flatten() {
            p.1 = p.1.max(floor);
        }
    }
    let all = || data.iter().flatten();
    let x = match bounds(all().map(|p| p.0)) {
        Some((lo, hi)) if lo < hi => (lo, hi),
        Some(b) => padded(b, false),
        None => (0.0, 1.0),
    };
    let ok = |(lo, hi): (f64, f64)| lo.abs().max(hi.abs()) <= MAX_ABS && lo < hi;
    let y = match opts.y_range {
        Some((lo, hi)) if ok((lo, hi)) && opts.log_y && lo <= 0.0 && hi > 0.0 => {
            let data_lo = bounds(all().map(|p| p.1)).map_or(hi * 1e-3, |b| b.0);
            (data_lo.min(hi * 0.5), hi)
        }
        Some((lo, hi)) if ok((lo, hi)) && (!opts.log_y || lo > 0.0) => (lo, hi),
        _ => {
            let fallback = if opts.log_y { (0.1, 1.0) } else { (0.0, 1.0) };
            padded(bounds(all().map(|p| p.1)).unwrap_or(fallback), opts.log_y)
        }
    };
    // At most MAX_DECADES on a log axis (plotters' log ticks get very slow over hundreds).
    let y0 = if opts.log_y { y.0.max(y.1 / 10f64.powi(MAX_DECADES)) } else { y.0 };
    let y = (y0, y.1);
    let runs: Vec<Vec<Vec<(f64, f64)>>> = data.iter().map(|d| clip_runs(d, y, opts.log_y)).collect();

    let alpha = if opts.draw_text { 1.0 } else { 0.0 };
    let text = |size: f64| ("sans-serif", size).into_font().color(&BLACK.mix(alpha));
    let mut builder = ChartBuilder::on(area);
    builder.margin(10).margin_right(25).x_label_area_size(35).y_label_area_size(55);
    if !opts.title.is_empty() {
        builder.caption(&opts.title, text(18.0));
    }
    let x_range = x.0..x.1;
    let r = if opts.log_y {
        let chart = builder.build_cartesian_2d(x_range, (y.0..y.1).log_scale());
        chart.and_then(|c| render(c, series, &runs, opts, &text))
    } else {
        let chart = builder.build_cartesian_2d(x_range, y.0..y.1);
        chart.and_then(|c| render(c, series, &runs, opts, &text))
    };
    r.map_err(|e| e.to_string())
}

fn render<'a, DB, Y>(
    mut chart: ChartContext<'a, DB, Cartesian2d<RangedCoordf64, Y>>,
    series: &[Series],
    runs: &[Vec<Vec<(f64, f64)>>],
    opts: &CurveOpts,
    text: &dyn Fn(f64) -> TextStyle<'static>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>>
where
    DB: DrawingBackend + 'a,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    chart
        .configure_mesh()
        .light_line_style(RGBColor(238, 238, 238))
        .bold_line_style(RGBColor(218, 218, 218))
        .axis_style(RGBColor(120, 120, 120))
        .max_light_lines(if opts.log_y { 8 } else { 1 })
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&|v| fmt_num(*v))
        .y_label_formatter(&|v| fmt_num(*v))
        .label_style(text(13.0))
        .axis_desc_style(text(14.0))
        .x_desc(opts.x_label.as_str())
        .y_desc(opts.y_label.as_str())
        .draw()?;
    for (s, runs) in series.iter().zip(runs) {
        let color = RGBColor(s.color.0, s.color.1, s.color.2);
        let line = color.stroke_width(2);
        let paths = runs.iter().filter(|r| r.len() > 1);
        let dots = runs.iter().filter(|r| r.len() == 1).map(|r| r[0]);
        chart.draw_series(dots.map(|p| Circle::new(p, 3, color.filled())))?;
        chart
            .draw_series(paths.map(|r| PathElement::new(r.clone(), line)))?
            .label(s.label.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], line));
    }
    if !series.is_empty() {
        chart
            .configure_series_labels()
            .position(legend_corner(runs, opts.log_y))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(200, 200, 200))
            .label_font(text(14.0))
            .draw()?;
    }
    Ok(())
}

/// The chart corner (upper right preferred) whose region holds the fewest data points, so the
/// legend covers as little of the curves as possible.
fn legend_corner(runs: &[Vec<Vec<(f64, f64)>>], log: bool) -> SeriesLabelPosition {
    let pts: Vec<(f64, f64)> = runs.iter().flatten().flatten().copied().collect();
    let ty = |y: f64| if log { y.log10() } else { y };
    let (Some(x), Some(y)) = (bounds(pts.iter().map(|p| p.0)), bounds(pts.iter().map(|p| ty(p.1)))) else {
        return SeriesLabelPosition::UpperRight;
    };
    let frac = |v: f64, (lo, hi): (f64, f64)| if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
    let corners = [
        (SeriesLabelPosition::UpperRight, true, true),
        (SeriesLabelPosition::UpperLeft, false, true),
        (SeriesLabelPosition::LowerRight, true, false),
        (SeriesLabelPosition::LowerLeft, false, false),
    ];
    let count = |right: bool, upper: bool| {
        let in_corner = |p: &&(f64, f64)| {
            let (fx, fy) = (frac(p.0, x), frac(ty(p.1), y));
            (if right { fx > 0.6 } else { fx < 0.4 }) && (if upper { fy > 0.7 } else { fy < 0.3 })
        };
        pts.iter().filter(in_corner).count()
    };
    let best = corners.into_iter().min_by_key(|c| count(c.1, c.2));
    best.map_or(SeriesLabelPosition::UpperRight, |c| c.0)
}

/// Floor for log-scale values: a tenth of the smallest positive value, never below
/// `MIN_LOG_FLOOR` (1e-3 when there is no positive value).
fn log_floor(data: &[Vec<(f64, f64)>]) -> f64 {
    let min_pos = data.iter().flatten().map(|p| p.1).filter(|v| *v > 0.0);
    let min_pos = min_pos.fold(f64::INFINITY, f64::min);
    if min_pos.is_finite() {
        (min_pos / 10.0).max(MIN_LOG_FLOOR)
    } else {
        1e-3
    }
}

fn bounds(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// Widen a range a little (multiplicatively on a log axis); make degenerate ranges non-empty.
fn padded((lo, hi): (f64, f64), log: bool) -> (f64, f64) {
    let (plo, phi) = if log {
        let (lo, hi) = (lo.max(MIN_LOG_FLOOR), hi.max(MIN_LOG_FLOOR));
        let f = if hi / lo < 1.01 { 2.0 } else { 1.15 };
        (lo / f, hi * f)
    } else {
        let span = hi - lo;
        if span.abs() <= f64::EPSILON * lo.abs().max(hi.abs()).max(1.0) {
            let d = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
            (lo - d, hi + d)
        } else {
            (lo - span * 0.05, hi + span * 0.05)
        }
    };
    // Near f64::MAX the padding overflows: fall back to the data range itself.
    if plo.is_finite() && phi.is_finite() && plo < phi {
        (plo, phi)
    } else {
        (lo, hi)
    }
}

/// Split a polyline into runs inside the y range `lo..=hi`, cutting segments at the range edges
/// (linearly in display space, i.e. in log10 on a log axis). Single points become 1-point runs.
fn clip_runs(pts: &[(f64, f64)], (lo, hi): (f64, f64), log: bool) -> Vec<Vec<(f64, f64)>> {
    let f = |y: f64| if log { y.log10() } else { y };
    let g = |t: f64| if log { 10f64.powf(t) } else { t };
    let (tlo, thi) = (f(lo), f(hi));
    let mut runs = Vec::new();
    let mut cur: Vec<(f64, f64)> = Vec::new();
    if let [(x, y)] = pts {
        if (tlo..=thi).contains(&f(*y)) {
            runs.push(vec![(*x, *y)]);
        }
    }
    for w in pts.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        let (t0, t1) = (f(y0), f(y1));
        let (enter, exit) = if t0 == t1 {
            if (tlo..=thi).contains(&t0) {
                (0.0, 1.0)
            } else {
                (1.0, 0.0)
            }
        } else {
            let (a, b) = ((tlo - t0) / (t1 - t0), (thi - t0) / (t1 - t0));
            (a.min(b).max(0.0), a.max(b).min(1.0))
        };
        if enter > exit {
            if !cur.is_empty() {
                runs.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let at = |s: f64| (x0 + (x1 - x0) * s, g(t0 + (t1 - t0) * s));
        if enter > 0.0 && !cur.is_empty() {
            runs.push(std::mem::take(&mut cur));
        }
        if cur.is_empty() {
            cur.push(if enter > 0.0 { at(enter) } else { (x0, y0) });
        }
        cur.push(if exit < 1.0 { at(exit) } else { (x1, y1) });
        if exit < 1.0 {
            runs.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        runs.push(cur);
    }
    runs
}

/// Compact tick label: integers plainly, small or large magnitudes in exponent form.
fn fmt_num(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if !(1e-3..1e6).contains(&a) {
        format!("{v:.1e}").replace(".0e", "e")
    } else if (v - v.round()).abs() < 1e-9 * a.max(1.0) {
        format!("{}", v.round() as i64)
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}
