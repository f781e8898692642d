//! Plots of the memorization lab (issue 5; Feldman & Zhang 2020, Paul et al. 2021):
//! - [`draw_score_vs_freq`]: per-example score against the frequency of the example's
//!   subpopulation (log x), each point coloured by its score (the boundary's diverging scale:
//!   orange −1, white 0, blue +1);
//! - [`draw_score_plane`]: the training points on the [−6, 6]² plane coloured by score (no text,
//!   so it also renders on the font-less native bitmap backend);
//! - [`draw_prune_curve`]: test accuracy against the fraction pruned, by score and at random
//!   (through [`super::curves::draw_curves`]).
//!
//! Text follows `curves`: `draw_text = false` draws it transparent (bitmap backends).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::boundary::{data_to_pixel, value_color, BLUE, ORANGE};
use super::curves::{draw_curves, CurveOpts};
use super::scale::fmt_num;
use super::Series;

fn rgb(c: (u8, u8, u8)) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// Scatter of `(freq, score)` pairs: log x over the positive frequencies, y over [−1, 1] (scores
/// outside are clamped), points coloured by score. Non-finite or non-positive-frequency points
/// are skipped.
pub fn draw_score_vs_freq<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: &[(f64, f64)],
    draw_text: bool,
) -> Result<(), String> {
    area.fill(&WHITE).map_err(|e| e.to_string())?;
    let pts: Vec<(f64, f64)> = points
        .iter()
        .filter(|p| p.0 > 0.0 && p.0.is_finite() && p.1.is_finite())
        .map(|p| (p.0, p.1.clamp(-1.0, 1.0)))
        .collect();
    let lo = pts.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let hi = pts.iter().map(|p| p.0).fold(0.0, f64::max);
    let (lo, hi) = if pts.is_empty() {
        (1e-3, 1.0)
    } else if lo < hi {
        (lo / 1.2, hi * 1.2)
    } else {
        (lo / 2.0, lo * 2.0)
    };
    let alpha = if draw_text { 1.0 } else { 0.0 };
    let text = |size: f64| ("sans-serif", size).into_font().color(&BLACK.mix(alpha));
    let mut chart = ChartBuilder::on(area)
        .margin(10)
        .margin_right(25)
        .x_label_area_size(35)
        .y_label_area_size(55)
        .build_cartesian_2d((lo..hi).log_scale(), -1.05f64..1.05)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .light_line_style(RGBColor(238, 238, 238))
        .bold_line_style(RGBColor(218, 218, 218))
        .axis_style(RGBColor(120, 120, 120))
        .x_labels(6)
        .y_labels(5)
        .x_label_formatter(&|v| fmt_num(*v))
        .y_label_formatter(&|v| fmt_num(*v))
        .label_style(text(13.0))
        .axis_desc_style(text(14.0))
        .x_desc("subpopulation frequency")
        .y_desc("memorization score")
        .draw()
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(pts.iter().map(|&(x, y)| Circle::new((x, y), 3, rgb(value_color(y as f32)).filled())))
        .map_err(|e| e.to_string())?;
    area.present().map_err(|e| e.to_string())
}

/// Training points `(x, y, score)` on the plane, coloured by score (outlined in grey); NaN
/// scores are grey.
pub fn draw_score_plane<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: &[(f32, f32, f32)],
) -> Result<(), String> {
    area.fill(&WHITE).map_err(|e| e.to_string())?;
    let (w, h) = area.dim_in_pixel();
    for &(x, y, s) in points {
        if !(x.is_finite() && y.is_finite()) {
            continue;
        }
        let p = data_to_pixel(w, h, x, y);
        area.draw(&Circle::new(p, 4, rgb(value_color(s)).filled())).map_err(|e| e.to_string())?;
        area.draw(&Circle::new(p, 4, RGBColor(90, 90, 90))).map_err(|e| e.to_string())?;
    }
    area.present().map_err(|e| e.to_string())
}

/// Test accuracy against the fraction pruned: `(fraction, by score, at random)` rows; `side`
/// names the pruned side in the legend ("easy", "hard").
pub fn draw_prune_curve<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    curve: &[(f64, f64, f64)],
    side: &str,
    draw_text: bool,
) -> Result<(), String> {
    let series = [
        Series {
            label: format!("prune {side}"),
            color: BLUE,
            points: curve.iter().map(|c| (c.0, c.1)).collect(),
            ..Default::default()
        },
        Series {
            label: "prune random".into(),
            color: ORANGE,
            points: curve.iter().map(|c| (c.0, c.2)).collect(),
            ..Default::default()
        },
    ];
    let opts = CurveOpts {
        title: "data diet".into(),
        x_label: "fraction pruned".into(),
        y_label: "test accuracy".into(),
        draw_text,
        ..Default::default()
    };
    draw_curves(area, &series, &opts).map(|_| ())
}
