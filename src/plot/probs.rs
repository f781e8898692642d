//! Multi-class decision boundary with class probabilities: each cell's colour is the blend of the
//! class colours (`boundary::class_color`) weighted by the softmax probabilities, faded toward
//! TFP's neutral grey as the model gets less sure (the largest probability falls toward 1/C), so
//! the plot shows where the model hesitates and between which classes, not only the arg-max.
//! Cells are lightened like the two-class heatmap's so the points stand out.

use super::boundary::{class_color, draw_points, plot_square, CELL_LIGHTEN, NAN_GREY, NEUTRAL};
use super::PlotPoint;
use plotters::coord::Shift;
use plotters::prelude::*;

fn mix(a: (u8, u8, u8), b: (u8, u8, u8), t: f32) -> (u8, u8, u8) {
    let t = t.clamp(0.0, 1.0);
    let ch = |x: u8, y: u8| (x as f32 + (y as f32 - x as f32) * t).round() as u8;
    (ch(a.0, b.0), ch(a.1, b.1), ch(a.2, b.2))
}

/// Softmax of `logits` (max-subtracted; empty or non-finite input gives an empty vector).
pub fn softmax(logits: &[f32]) -> Vec<f32> {
    let m = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if logits.is_empty() || !m.is_finite() || logits.iter().any(|v| v.is_nan()) {
        return Vec::new();
    }
    let e: Vec<f32> = logits.iter().map(|&v| (v - m).exp()).collect();
    let s: f32 = e.iter().sum();
    e.iter().map(|v| v / s).collect()
}

/// Confidence of probabilities `p` over C classes: 0 when uniform (max = 1/C), 1 when certain.
pub fn confidence(p: &[f32]) -> f32 {
    let c = p.len() as f32;
    if c < 2.0 {
        return 1.0;
    }
    let top = p.iter().copied().fold(0.0f32, f32::max);
    ((top - 1.0 / c) / (1.0 - 1.0 / c)).clamp(0.0, 1.0)
}

/// The cell colour of one grid point's `logits`: probability-weighted blend of the class colours,
/// mixed from neutral by the confidence, then lightened by `CELL_LIGHTEN`. Grey for NaN logits.
pub fn prob_color(logits: &[f32]) -> (u8, u8, u8) {
    let p = softmax(logits);
    if p.is_empty() {
        return mix(NAN_GREY, (255, 255, 255), CELL_LIGHTEN);
    }
    let mut acc = [0.0f32; 3];
    for (k, &pk) in p.iter().enumerate() {
        let c = class_color(k.min(255) as u8);
        acc[0] += pk * c.0 as f32;
        acc[1] += pk * c.1 as f32;
        acc[2] += pk * c.2 as f32;
    }
    let blend = (acc[0].round() as u8, acc[1].round() as u8, acc[2].round() as u8);
    mix(mix(NEUTRAL, blend, confidence(&p)), (255, 255, 255), CELL_LIGHTEN)
}

/// Draw a `res × res` grid of cell colours (row 0 at y = +6) and the points on `area`.
/// `Err` when `colors.len() != res²` or the backend fails.
pub fn draw_prob_boundary<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    res: usize,
    colors: &[(u8, u8, u8)],
    points: &[PlotPoint],
    show_test: bool,
) -> Result<(), String> {
    if colors.len() != res * res || res == 0 {
        return Err(format!("grid has {} colours, expected {res}×{res}", colors.len()));
    }
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    area.fill(&WHITE).map_err(err)?;
    let (w, h) = area.dim_in_pixel();
    let (left, top, side) = plot_square(w, h);
    let edge = |i: usize, origin: i32| origin + ((i as i64 * side as i64) / res as i64) as i32;
    for (row, line) in colors.chunks_exact(res).enumerate() {
        let mut start = 0;
        while start < res {
            let mut end = start + 1;
            while end < res && line[end] == line[start] {
                end += 1;
            }
            let c = line[start];
            let rect = [(edge(start, left), edge(row, top)), (edge(end, left), edge(row + 1, top))];
            area.draw(&Rectangle::new(rect, RGBColor(c.0, c.1, c.2).filled())).map_err(err)?;
            start = end;
        }
    }
    draw_points(area, points, &super::boundary::BoundaryOpts { show_test, ..Default::default() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certain_cells_take_the_class_colour_and_unsure_ones_fade() {
        let light = |c| mix(c, (255, 255, 255), CELL_LIGHTEN);
        // Class 2 (green) with a large margin: its lightened colour.
        assert_eq!(prob_color(&[0.0, 0.0, 40.0]), light(class_color(2)));
        // Uniform over 3 classes: neutral.
        assert_eq!(prob_color(&[1.0, 1.0, 1.0]), light(NEUTRAL));
        // Half class 0, half class 1 of 3: between orange and blue, not neutral, not either.
        let c = prob_color(&[5.0, 5.0, -40.0]);
        assert!(c != light(class_color(0)) && c != light(class_color(1)) && c != light(NEUTRAL), "{c:?}");
        assert_eq!(prob_color(&[f32::NAN, 1.0, 0.0]), light(NAN_GREY));
        assert_eq!(prob_color(&[]), light(NAN_GREY));
        // Large logits do not overflow.
        assert_eq!(prob_color(&[1e30, 0.0, 0.0]), light(class_color(0)));
    }

    #[test]
    fn softmax_and_confidence() {
        let p = softmax(&[0.0, (2.0f32).ln()]);
        assert!((p[0] - 1.0 / 3.0).abs() < 1e-6 && (p[1] - 2.0 / 3.0).abs() < 1e-6);
        assert_eq!(confidence(&[0.25; 4]), 0.0);
        assert_eq!(confidence(&[1.0, 0.0, 0.0]), 1.0);
        assert!((confidence(&[0.5, 0.5, 0.0]) - 0.25).abs() < 1e-6);
    }

    #[test]
    fn draws_cells_and_rejects_bad_grids() {
        let mut buf = vec![0u8; 40 * 40 * 3];
        {
            let area = BitMapBackend::with_buffer(&mut buf, (40, 40)).into_drawing_area();
            let colors = vec![(1, 2, 3); 4];
            draw_prob_boundary(&area, 2, &colors, &[], false).unwrap();
            assert!(draw_prob_boundary(&area, 3, &colors, &[], false).is_err());
            area.present().unwrap();
        }
        assert_eq!(&buf[..3], &[1, 2, 3]);
        assert_eq!(&buf[buf.len() - 3..], &[1, 2, 3]);
    }
}
