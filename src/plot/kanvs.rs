//! The KAN-vs-MLP charts (issue 7; Liu et al. 2024, Fig. 3.1): test RMSE (or test error) against
//! steps for a KAN and its parameter-matched MLP trained side by side, and against parameter
//! count for several sizes of each (log–log, a dot per model). Both are `curves::draw_curves`
//! line charts with a legend: KAN in TFP blue, MLP in TFP orange.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::curves::{draw_curves, CurveOpts, XAxis};
use super::scale::{bounds, fmt_num, padded};
use super::Series;

/// KAN (blue) and MLP (orange) colours.
pub const KAN_COLOR: (u8, u8, u8) = (0x08, 0x77, 0xbd);
pub const MLP_COLOR: (u8, u8, u8) = (0xf5, 0x93, 0x22);

/// One model's curve: legend label and (x, metric) points.
pub type Line<'a> = (&'a str, &'a [(f64, f64)]);

/// Metric against steps: `kan` and `mlp` as (label, points), log y.
pub fn draw_steps<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    kan: Line,
    mlp: Line,
    metric: &str,
    draw_text: bool,
) -> Result<XAxis, String> {
    let series = [
        Series { label: kan.0.into(), color: KAN_COLOR, points: kan.1.to_vec(), ..Series::default() },
        Series { label: mlp.0.into(), color: MLP_COLOR, points: mlp.1.to_vec(), ..Series::default() },
    ];
    let opts = CurveOpts {
        title: format!("KAN vs MLP at equal parameters: {metric}"),
        y_label: metric.into(),
        log_y: true,
        draw_text,
        ..CurveOpts::default()
    };
    draw_curves(area, &series, &opts)
}

/// Final metric against parameter count (log–log): `kan` and `mlp` as (params, metric) points
/// by increasing size, a dot per model joined by lines. Non-finite and non-positive values are
/// skipped; nothing to show draws empty axes.
pub fn draw_scaling<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    kan: &[(f64, f64)],
    mlp: &[(f64, f64)],
    metric: &str,
    draw_text: bool,
) -> Result<(), String> {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    area.fill(&WHITE).map_err(e)?;
    let ok = |p: &&(f64, f64)| p.0.is_finite() && p.1.is_finite() && p.0 > 0.0 && p.1 > 0.0 && p.0 < 1e30 && p.1 < 1e30;
    let lines: [Vec<(f64, f64)>; 2] =
        [kan.iter().filter(ok).copied().collect(), mlp.iter().filter(ok).copied().collect()];
    let all = || lines.iter().flatten();
    let x = padded(bounds(all().map(|p| p.0)).unwrap_or((10.0, 1000.0)), true);
    let y = padded(bounds(all().map(|p| p.1)).unwrap_or((0.01, 1.0)), true);
    let alpha = if draw_text { 1.0 } else { 0.0 };
    let text = |size: f64| ("sans-serif", size).into_font().color(&BLACK.mix(alpha));
    let mut b = ChartBuilder::on(area);
    b.margin(10).margin_right(25).x_label_area_size(35).y_label_area_size(55);
    b.caption(format!("Scaling: final {metric} vs parameters"), text(18.0));
    let mut chart = b.build_cartesian_2d((x.0..x.1).log_scale(), (y.0..y.1).log_scale()).map_err(e)?;
    chart
        .configure_mesh()
        .light_line_style(RGBColor(238, 238, 238))
        .bold_line_style(RGBColor(218, 218, 218))
        .axis_style(RGBColor(120, 120, 120))
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&|v| fmt_num(*v))
        .y_label_formatter(&|v| fmt_num(*v))
        .label_style(text(13.0))
        .axis_desc_style(text(14.0))
        .x_desc("parameters")
        .y_desc(metric)
        .draw()
        .map_err(e)?;
    let names = ["KAN (grid sizes)", "MLP (matched widths)"];
    for ((pts, name), c) in lines.iter().zip(names).zip([KAN_COLOR, MLP_COLOR]) {
        let color = RGBColor(c.0, c.1, c.2);
        chart.draw_series(pts.iter().map(|&p| Circle::new(p, 4, color.filled()))).map_err(e)?;
        chart
            .draw_series(std::iter::once(PathElement::new(pts.clone(), color.stroke_width(2))))
            .map_err(e)?
            .label(name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .label_font(text(14.0))
        .draw()
        .map_err(e)?;
    Ok(())
}
