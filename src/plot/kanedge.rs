//! One KAN edge enlarged (pykan's per-activation plot, Liu et al. 2024 §2.5.1 "Symbolic
//! regression" workflow): the learned φ(x) as a line over its input range, the data's
//! activations (x_n, φ(x_n)) as translucent dots, and a symbolic candidate c·f(a·x+b)+d as a
//! dashed purple line, with axis labels and a legend. Generic over the plotters backend; set
//! `draw_text: false` for native bitmaps (as `curves`).

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::boundary::BLUE;
use super::kandiagram::{CURVE, SNAPPED};
use super::scale::{bounds, fmt_num, padded};

/// What [`draw_edge`] shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EdgeView {
    pub title: String,
    /// The curve: φ at `xs`.
    pub xs: Vec<f32>,
    pub ys: Vec<f32>,
    /// The data's activations through this edge.
    pub samples: Vec<(f32, f32)>,
    /// A symbolic candidate at `xs` and its legend text.
    pub fit: Option<(String, Vec<f32>)>,
    pub draw_text: bool,
}

/// Draw `v` on `area` (white background, light grid, legend). Non-finite values are skipped;
/// an empty view draws empty axes.
pub fn draw_edge<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, v: &EdgeView) -> Result<(), String> {
    area.fill(&WHITE).map_err(|e| e.to_string())?;
    let fin = |x: f32, y: f32| x.is_finite() && y.is_finite() && x.abs() < 1e30 && y.abs() < 1e30;
    let curve: Vec<(f64, f64)> =
        v.xs.iter().zip(&v.ys).filter(|(x, y)| fin(**x, **y)).map(|(&x, &y)| (x as f64, y as f64)).collect();
    let dots: Vec<(f64, f64)> = v.samples.iter().filter(|p| fin(p.0, p.1)).map(|p| (p.0 as f64, p.1 as f64)).collect();
    let fit: Vec<(f64, f64)> = v
        .fit
        .iter()
        .flat_map(|(_, ys)| v.xs.iter().zip(ys).filter(|(x, y)| fin(**x, **y)).map(|(&x, &y)| (x as f64, y as f64)))
        .collect();
    let all = || curve.iter().chain(&dots).chain(&fit);
    let x = padded(bounds(all().map(|p| p.0)).unwrap_or((-1.0, 1.0)), false);
    // The fit may leave the data's range far behind: the y range follows the curve and dots.
    let y = padded(bounds(curve.iter().chain(&dots).map(|p| p.1)).unwrap_or((-1.0, 1.0)), false);
    let alpha = if v.draw_text { 1.0 } else { 0.0 };
    let text = |size: f64| ("sans-serif", size).into_font().color(&BLACK.mix(alpha));
    let mut b = ChartBuilder::on(area);
    b.margin(10).margin_right(20).x_label_area_size(35).y_label_area_size(50);
    if !v.title.is_empty() {
        b.caption(&v.title, text(16.0));
    }
    let mut chart = b.build_cartesian_2d(x.0..x.1, y.0..y.1).map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .light_line_style(RGBColor(238, 238, 238))
        .bold_line_style(RGBColor(218, 218, 218))
        .axis_style(RGBColor(120, 120, 120))
        .max_light_lines(1)
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&|v| fmt_num(*v))
        .y_label_formatter(&|v| fmt_num(*v))
        .label_style(text(12.0))
        .axis_desc_style(text(13.0))
        .x_desc("input x")
        .y_desc("φ(x)")
        .draw()
        .map_err(|e| e.to_string())?;
    let blue = RGBColor(BLUE.0, BLUE.1, BLUE.2);
    chart
        .draw_series(dots.iter().map(|&p| Circle::new(p, 2, blue.mix(0.35).filled())))
        .map_err(|e| e.to_string())?
        .label("data through the edge")
        .legend(move |(x, y)| Circle::new((x + 8, y), 3, blue.filled()));
    let dark = RGBColor(CURVE.0, CURVE.1, CURVE.2).stroke_width(2);
    chart
        .draw_series(std::iter::once(PathElement::new(curve.clone(), dark)))
        .map_err(|e| e.to_string())?
        .label("learned φ")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], dark));
    if let Some((name, _)) = &v.fit {
        let purple = RGBColor(SNAPPED.0, SNAPPED.1, SNAPPED.2).stroke_width(2);
        // Clip the fit to the y range (a far-off candidate would leave the chart).
        let inside: Vec<(f64, f64)> = fit.iter().map(|p| (p.0, p.1.clamp(y.0, y.1))).collect();
        chart
            .draw_series(std::iter::once(DashedPathElement::new(inside, 6, 4, purple)))
            .map_err(|e| e.to_string())?
            .label(name.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], purple));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .label_font(text(12.0))
        .draw()
        .map_err(|e| e.to_string())?;
    Ok(())
}
