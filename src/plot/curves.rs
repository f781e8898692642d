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
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::scale::{bounds, clip_runs, fmt_num, log_floor, padded};
use super::Series;

/// Options for [`draw_curves`].
#[derive(Clone, Debug, PartialEq)]
pub struct CurveOpts {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// Logarithmic y axis; values ≤ 0 are clamped to a small positive floor.
    pub log_y: bool,
    /// Logarithmic x (step) axis; steps below 1 are drawn at 1.
    pub log_x: bool,
    /// Fixed y range (lines are clipped to it); `None` fits the data.
    pub y_range: Option<(f64, f64)>,
    /// Draw text (title, tick and axis labels, legend labels). Must be `false` for plotters'
    /// `BitMapBackend` on native, which panics on text without a font feature.
    pub draw_text: bool,
    /// Steps of live edits (issue 4's markers): a grey vertical line each.
    pub markers: Vec<f64>,
}

impl Default for CurveOpts {
    fn default() -> Self {
        CurveOpts {
            title: String::new(),
            x_label: "step".into(),
            y_label: String::new(),
            log_y: false,
            log_x: false,
            y_range: None,
            draw_text: true,
            markers: Vec::new(),
        }
    }
}

/// Points (and fixed ranges) beyond this magnitude are skipped: wider ranges overflow plotters'
/// tick computation (which then never terminates). NaN compares false, so it is skipped too.
const MAX_ABS: f64 = 1e300;
/// Most decades shown on a log y axis; lower values are clipped.
const MAX_DECADES: i32 = 24;
/// Smallest floor used for log-scale values ≤ 0.
pub const MIN_LOG_FLOOR: f64 = 1e-12;

/// Where the x axis landed on the drawing backend, to map a pointer position back to a step
/// (hover read-outs).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct XAxis {
    pub lo: f64,
    pub hi: f64,
    pub log: bool,
    /// Backend pixel columns of `lo` and `hi`.
    pub px: (i32, i32),
}

impl XAxis {
    /// The x value under backend pixel column `px` (clamped to the axis).
    pub fn value_at(&self, px: i32) -> f64 {
        let (a, b) = self.px;
        let t = if b > a { ((px - a) as f64 / (b - a) as f64).clamp(0.0, 1.0) } else { 0.0 };
        if self.log && self.lo > 0.0 {
            (self.lo.ln() + t * (self.hi.ln() - self.lo.ln())).exp()
        } else {
            self.lo + t * (self.hi - self.lo)
        }
    }
}

/// Draw `series` as lines against step on `area` (white background, light grid, legend); a
/// series' `band` is drawn as a translucent area under its line, `dashed` series as dashes.
/// Non-finite (and |v| > 1e300) points are skipped; empty input draws empty axes.
/// Returns the x axis' placement.
pub fn draw_curves<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: &[Series],
    opts: &CurveOpts,
) -> Result<XAxis, String> {
    area.fill(&WHITE).map_err(|e| e.to_string())?;
    let finite = |x: f64, y: f64| x.abs() <= MAX_ABS && y.abs() <= MAX_ABS;
    let fx = |x: f64| if opts.log_x { x.max(1.0) } else { x };
    let mut data: Vec<Vec<(f64, f64)>> =
        series.iter().map(|s| s.points.iter().filter(|p| finite(p.0, p.1)).map(|p| (fx(p.0), p.1)).collect()).collect();
    let mut bands: Vec<Vec<(f64, f64, f64)>> = series
        .iter()
        .map(|s| s.band.iter().filter(|b| finite(b.0, b.1) && finite(b.0, b.2)).map(|b| (fx(b.0), b.1, b.2)).collect())
        .collect();
    if opts.log_y {
        let floor = log_floor(&data);
        for p in data.iter_mut().flatten() {
            p.1 = p.1.max(floor);
        }
        for b in bands.iter_mut().flatten() {
            (b.1, b.2) = (b.1.max(floor), b.2.max(floor));
        }
    }
    let all = || data.iter().flatten().copied().chain(bands.iter().flatten().flat_map(|b| [(b.0, b.1), (b.0, b.2)]));
    let x = match bounds(all().map(|p| p.0)) {
        Some((lo, hi)) if lo < hi => (lo, hi),
        Some(b) => padded(b, opts.log_x),
        None if opts.log_x => (1.0, 10.0),
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
    // Bands are clamped into the visible range (a polygon has no runs to cut).
    for b in bands.iter_mut().flatten() {
        (b.1, b.2) = (b.1.clamp(y.0, y.1), b.2.clamp(y.0, y.1));
    }

    let alpha = if opts.draw_text { 1.0 } else { 0.0 };
    let text = |size: f64| ("sans-serif", size).into_font().color(&BLACK.mix(alpha));
    let mut builder = ChartBuilder::on(area);
    builder.margin(10).margin_right(25).x_label_area_size(35).y_label_area_size(55);
    if !opts.title.is_empty() {
        builder.caption(&opts.title, text(18.0));
    }
    let p = Parts { series, runs: &runs, bands: &bands, opts, text: &text, x, y };
    let r = match (opts.log_x, opts.log_y) {
        (false, false) => builder.build_cartesian_2d(x.0..x.1, y.0..y.1).and_then(|c| render(c, &p)),
        (false, true) => builder.build_cartesian_2d(x.0..x.1, (y.0..y.1).log_scale()).and_then(|c| render(c, &p)),
        (true, false) => builder.build_cartesian_2d((x.0..x.1).log_scale(), y.0..y.1).and_then(|c| render(c, &p)),
        (true, true) => {
            builder.build_cartesian_2d((x.0..x.1).log_scale(), (y.0..y.1).log_scale()).and_then(|c| render(c, &p))
        }
    };
    let px = r.map_err(|e| e.to_string())?;
    Ok(XAxis { lo: x.0, hi: x.1, log: opts.log_x, px })
}

/// What `render` draws.
struct Parts<'a> {
    series: &'a [Series],
    runs: &'a [Vec<Vec<(f64, f64)>>],
    bands: &'a [Vec<(f64, f64, f64)>],
    opts: &'a CurveOpts,
    text: &'a dyn Fn(f64) -> TextStyle<'static>,
    /// The axes' ranges (markers span the y range, inside the x range).
    x: (f64, f64),
    y: (f64, f64),
}

/// Draw axes, bands, lines and legend; returns the plotting area's pixel columns.
fn render<'a, DB, X, Y>(
    mut chart: ChartContext<'a, DB, Cartesian2d<X, Y>>,
    p: &Parts,
) -> Result<(i32, i32), DrawingAreaErrorKind<DB::ErrorType>>
where
    DB: DrawingBackend + 'a,
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let (opts, text) = (p.opts, p.text);
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
    for (s, band) in p.series.iter().zip(p.bands) {
        if band.len() > 1 {
            let color = RGBColor(s.color.0, s.color.1, s.color.2);
            let mut poly: Vec<(f64, f64)> = band.iter().map(|b| (b.0, b.2)).collect();
            poly.extend(band.iter().rev().map(|b| (b.0, b.1)));
            chart.draw_series(std::iter::once(Polygon::new(poly, color.mix(0.2).filled())))?;
        }
    }
    let marks = p.opts.markers.iter().copied().filter(|m| m.is_finite() && p.x.0 <= *m && *m <= p.x.1);
    let grey = RGBColor(150, 150, 150).stroke_width(1);
    chart.draw_series(marks.map(|m| DashedPathElement::new(vec![(m, p.y.0), (m, p.y.1)], 3, 3, grey)))?;
    for (s, runs) in p.series.iter().zip(p.runs) {
        let color = RGBColor(s.color.0, s.color.1, s.color.2);
        let line = color.stroke_width(2);
        let paths = runs.iter().filter(|r| r.len() > 1);
        let dots = runs.iter().filter(|r| r.len() == 1).map(|r| r[0]);
        chart.draw_series(dots.map(|p| Circle::new(p, 3, color.filled())))?;
        let anno = if s.dashed {
            chart.draw_series(paths.map(|r| DashedPathElement::new(r.clone(), 6, 4, line)))?
        } else {
            chart.draw_series(paths.map(|r| PathElement::new(r.clone(), line)))?
        };
        let dashed = s.dashed;
        anno.label(s.label.as_str()).legend(move |(x, y)| {
            let seg = if dashed { vec![(x, y), (x + 7, y)] } else { vec![(x, y), (x + 20, y)] };
            PathElement::new(seg, line)
        });
    }
    if !p.series.is_empty() {
        chart
            .configure_series_labels()
            .position(legend_corner(p.runs, opts.log_y))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(200, 200, 200))
            .label_font(text(14.0))
            .draw()?;
    }
    let xr = chart.plotting_area().get_pixel_range().0;
    Ok((xr.start, xr.end - 1))
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
