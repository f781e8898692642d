//! Tests for the plot module: the decision-boundary heatmap is rendered into an in-memory RGB
//! bitmap and checked pixel by pixel; the curves are rendered to SVG and checked structurally.
//!
//! Note: without a plotters font feature, native `BitMapBackend` panics on text, so curves are
//! rendered to bitmaps only with `draw_text: false`; SVG writes `<text>` elements itself.

use grokpad::plot::boundary::{cell_color, draw_boundary, value_color};
use grokpad::plot::curves::{draw_curves, CurveOpts};
use grokpad::plot::{GridValues, PlotPoint, Series};
use plotters::prelude::*;

const ORANGE: (u8, u8, u8) = (0xf5, 0x93, 0x22);
const BLUE: (u8, u8, u8) = (0x08, 0x77, 0xbd);

/// Render the boundary into a `w × h` RGB buffer.
fn render_boundary(w: u32, h: u32, grid: Option<&GridValues>, points: &[PlotPoint], show_test: bool) -> Vec<u8> {
    let mut buf = vec![0u8; (w * h * 3) as usize];
    {
        let area = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        draw_boundary(&area, grid, points, show_test).unwrap();
        area.present().unwrap();
    }
    buf
}

fn pixel(buf: &[u8], w: u32, x: u32, y: u32) -> (u8, u8, u8) {
    let i = ((y * w + x) * 3) as usize;
    (buf[i], buf[i + 1], buf[i + 2])
}

/// res × res grid: left half -1, right half +1.
fn split_grid(res: usize) -> GridValues {
    let values = (0..res * res).map(|i| if i % res < res / 2 { -1.0 } else { 1.0 }).collect();
    GridValues { res, values }
}

fn pt(x: f32, y: f32, class: u8, test: bool) -> PlotPoint {
    PlotPoint { x, y, class, test }
}

#[test]
fn value_color_endpoints_and_nan() {
    assert_eq!(value_color(-1.0), ORANGE);
    assert_eq!(value_color(0.0), (0xe8, 0xea, 0xeb));
    assert_eq!(value_color(1.0), BLUE);
    // Clamped outside [-1, 1].
    assert_eq!(value_color(-7.0), ORANGE);
    assert_eq!(value_color(f32::INFINITY), BLUE);
    // NaN is a neutral grey (r = g = b), distinct from the scale's ends and middle.
    let (r, g, b) = value_color(f32::NAN);
    assert!(r == g && g == b, "NaN colour {:?} not grey", (r, g, b));
    assert_ne!((r, g, b), value_color(0.0));
    // Halfway is between the ends.
    let (r, _, b) = value_color(-0.5);
    assert!(r > 0xe8 && r < 0xf5 && b < 0xeb && b > 0x22);
}

#[test]
fn cells_are_lighter_than_points() {
    let sum = |c: (u8, u8, u8)| c.0 as u32 + c.1 as u32 + c.2 as u32;
    assert!(sum(cell_color(-1.0)) > sum(ORANGE));
    assert!(sum(cell_color(1.0)) > sum(BLUE));
}

#[test]
fn boundary_colours_halves_and_points() {
    let (w, h) = (240, 240);
    let grid = split_grid(64);
    // Blue train point at (-3, 3) on the orange half, orange test point at (3, -3) on the blue
    // half. Pixel = (v + 6) / 12 * 240 (x), (6 - v) / 12 * 240 (y).
    let points = [pt(-3.0, 3.0, 1, false), pt(3.0, -3.0, 0, true)];
    let buf = render_boundary(w, h, Some(&grid), &points, true);

    let left = pixel(&buf, w, 10, 120);
    let right = pixel(&buf, w, 230, 120);
    assert!(left.0 > 200 && left.0 as i32 - left.2 as i32 > 80, "left {left:?} not orange");
    assert!(right.2 > 180 && right.2 as i32 - right.0 as i32 > 80, "right {right:?} not blue");
    assert_eq!(left, cell_color(-1.0));
    assert_eq!(right, cell_color(1.0));

    assert_eq!(pixel(&buf, w, 60, 60), BLUE, "train point");
    assert_eq!(pixel(&buf, w, 180, 180), ORANGE, "test point");
    // Outlines: white ring for train, black ring for test, at radius ~3 (ceil(240/100)=2..3).
    let buf = &buf;
    let ring = |cx: u32, cy: u32| (1..=4).map(move |d| pixel(buf, w, cx + d, cy));
    assert!(ring(60, 60).any(|c| c == (255, 255, 255)), "train outline");
    assert!(ring(180, 180).any(|c| c == (0, 0, 0)), "test outline");
}

#[test]
fn hidden_test_points_show_background() {
    let (w, h) = (240, 240);
    let grid = split_grid(16);
    let points = [pt(-3.0, 3.0, 1, false), pt(3.0, -3.0, 0, true)];
    let buf = render_boundary(w, h, Some(&grid), &points, false);
    assert_eq!(pixel(&buf, w, 60, 60), BLUE, "train point still drawn");
    for d in 0..5 {
        assert_eq!(pixel(&buf, w, 180 + d, 180), cell_color(1.0), "test point hidden");
    }
}

#[test]
fn boundary_square_is_centred_in_wide_area() {
    // 360 × 240: the 240-pixel square spans x = 60..300; outside it stays white.
    let (w, h) = (360, 240);
    let buf = render_boundary(w, h, Some(&split_grid(8)), &[pt(0.0, 0.0, 0, false)], true);
    assert_eq!(pixel(&buf, w, 30, 120), (255, 255, 255));
    assert_eq!(pixel(&buf, w, 330, 120), (255, 255, 255));
    assert_eq!(pixel(&buf, w, 65, 120), cell_color(-1.0));
    assert_eq!(pixel(&buf, w, 295, 120), cell_color(1.0));
    assert_eq!(pixel(&buf, w, 180, 120), ORANGE, "point at the origin");
}

#[test]
fn boundary_without_grid_and_odd_inputs() {
    let (w, h) = (100, 100);
    let buf = render_boundary(w, h, None, &[pt(-6.0, 6.0, 1, false)], true);
    let bg = pixel(&buf, w, 50, 50);
    assert!(bg.0 > 230 && bg.1 > 230 && bg.2 > 230, "blank background {bg:?}");
    // NaN cells are grey; non-finite and out-of-range points are skipped.
    let grid = GridValues { res: 2, values: vec![f32::NAN, 0.0, -1.0, 1.0] };
    let odd = [pt(f32::NAN, 0.0, 0, false), pt(99.0, 0.0, 1, true)];
    let buf = render_boundary(w, h, Some(&grid), &odd, true);
    assert_eq!(pixel(&buf, w, 25, 25), cell_color(f32::NAN));
    let nan = pixel(&buf, w, 25, 25);
    assert!(nan.0 == nan.1 && nan.1 == nan.2);
    // res 0 draws the blank background; a size mismatch is an error, not a panic.
    render_boundary(w, h, Some(&GridValues { res: 0, values: vec![] }), &[], true);
    let mut buf = vec![0u8; (w * h * 3) as usize];
    let area = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
    let bad = GridValues { res: 3, values: vec![0.0; 4] };
    assert!(draw_boundary(&area, Some(&bad), &[], true).is_err());
}

fn series(label: &str, color: (u8, u8, u8), points: Vec<(f64, f64)>) -> Series {
    Series { label: label.into(), color, points }
}

fn opts(log_y: bool) -> CurveOpts {
    CurveOpts {
        title: "Loss curves".into(),
        x_label: "step".into(),
        y_label: "loss".into(),
        log_y,
        y_range: None,
        draw_text: true,
    }
}

fn render_svg(series: &[Series], opts: &CurveOpts) -> String {
    let mut out = String::new();
    {
        let area = SVGBackend::with_string(&mut out, (480, 320)).into_drawing_area();
        draw_curves(&area, series, opts).unwrap();
        area.present().unwrap();
    }
    out
}

/// The polylines stroked with colour `hex` (e.g. "#F59322").
fn polylines<'a>(svg: &'a str, hex: &str) -> Vec<&'a str> {
    let stroke = format!("stroke=\"{hex}\"");
    svg.lines().filter(|l| l.starts_with("<polyline") && l.contains(&stroke)).collect()
}

fn two_series() -> Vec<Series> {
    let decay =
        |scale: f64, rate: f64| (0..100).map(|i| (i as f64 * 10.0, scale * (-(i as f64) * rate).exp())).collect();
    vec![series("train loss", ORANGE, decay(2.0, 0.05)), series("test loss", BLUE, decay(2.5, 0.02))]
}

#[test]
fn curves_svg_structure() {
    for log_y in [false, true] {
        let svg = render_svg(&two_series(), &opts(log_y));
        // One line plus one legend swatch per series.
        assert_eq!(polylines(&svg, "#F59322").len(), 2, "log_y={log_y}");
        assert_eq!(polylines(&svg, "#0877BD").len(), 2, "log_y={log_y}");
        let line = polylines(&svg, "#F59322")[0];
        assert!(line.matches(',').count() >= 100, "all 100 points in the line");
        for text in ["Loss curves", "step", "loss", "train loss", "test loss"] {
            assert!(svg.contains(&format!("\n{text}\n")), "missing text {text:?}");
        }
        assert!(svg.contains("fill=\"#FFFFFF\""), "white background");
    }
}

#[test]
fn curves_without_text_keep_lines_and_drop_text() {
    let svg = render_svg(&two_series(), &CurveOpts { draw_text: false, ..opts(false) });
    assert!(!svg.contains("<text"), "no text drawn");
    assert_eq!(polylines(&svg, "#F59322").len(), 2);
    // And the native bitmap backend (no fonts) works with text off.
    let mut buf = vec![0u8; 320 * 240 * 3];
    let area = BitMapBackend::with_buffer(&mut buf, (320, 240)).into_drawing_area();
    let o = CurveOpts { draw_text: false, ..opts(true) };
    draw_curves(&area, &two_series(), &o).unwrap();
}

/// (x, y) pixel pairs of a polyline's `points` attribute.
fn coords(line: &str) -> Vec<(i32, i32)> {
    let pts = line.split("points=\"").nth(1).unwrap().split('"').next().unwrap();
    pts.split_whitespace()
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect()
}

#[test]
fn curves_edge_cases_do_not_fail() {
    let nan = f64::NAN;
    let cases: Vec<(Vec<Series>, bool)> = vec![
        (vec![], false),
        (vec![], true),
        (vec![series("empty", ORANGE, vec![])], false),
        (vec![series("one", ORANGE, vec![(5.0, 0.3)])], false),
        (vec![series("one", ORANGE, vec![(5.0, 0.3)])], true),
        (vec![series("flat", ORANGE, vec![(0.0, 1.0), (10.0, 1.0)])], false),
        (vec![series("zeros", ORANGE, vec![(0.0, 0.0), (10.0, 0.0)])], false),
        (vec![series("zeros", ORANGE, vec![(0.0, 0.0), (10.0, 0.0)])], true),
        (vec![series("mixed", BLUE, vec![(0.0, 1.0), (1.0, 0.0), (2.0, -3.0), (3.0, 0.01)])], true),
        (vec![series("nan", BLUE, vec![(0.0, nan), (1.0, f64::INFINITY), (nan, 1.0)])], true),
        (vec![series("nan", BLUE, vec![(0.0, 1.0), (1.0, nan), (2.0, 0.5)])], false),
    ];
    for (s, log_y) in cases {
        let svg = render_svg(&s, &opts(log_y));
        assert!(svg.ends_with("</svg>\n"), "{s:?}");
    }
    // Extreme magnitudes and odd fixed ranges.
    let huge = vec![series("huge", BLUE, vec![(0.0, -1e308), (1.0, 1e308), (2.0, f64::MAX)])];
    let max = vec![series("max", BLUE, vec![(f64::MAX, f64::MAX)])];
    let decades = vec![series("wide", BLUE, vec![(-1e300, 1e-300), (1e300, 1e300)])];
    let tiny = vec![series("tiny", BLUE, vec![(0.0, 5e-324), (5e-324, 1e-323)])];
    for s in [&huge, &max, &decades, &tiny] {
        for log_y in [false, true] {
            render_svg(s, &opts(log_y));
        }
    }
    let ranges = [(1.0, 0.0), (f64::NAN, 1.0), (0.0, 10.0), (-5.0, 10.0), (-5.0, -1.0)];
    for (range, log_y) in ranges.iter().flat_map(|r| [(*r, false), (*r, true)]) {
        let o = CurveOpts { y_range: Some(range), ..opts(log_y) };
        render_svg(&two_series(), &o);
    }
    // NaN in the middle is skipped: the line joins its neighbours (3 points → 2 survive).
    let s = [series("nan", BLUE, vec![(0.0, 1.0), (1.0, nan), (2.0, 0.5)])];
    let svg = render_svg(&s, &opts(false));
    assert_eq!(coords(polylines(&svg, "#0877BD")[0]).len(), 2);
    // A single point is drawn as a dot (circle), not a polyline.
    let svg = render_svg(&[series("one", ORANGE, vec![(5.0, 0.3)])], &opts(false));
    assert!(svg.contains("<circle"));
}

#[test]
fn curves_clip_to_fixed_y_range() {
    let s = [series("spiky", ORANGE, vec![(0.0, 0.5), (1.0, 5.0), (2.0, 0.5), (3.0, -4.0), (4.0, 0.2)])];
    let narrow = CurveOpts { y_range: Some((0.0, 1.0)), ..opts(false) };
    let wide = CurveOpts { y_range: Some((-10.0, 10.0)), ..opts(false) };
    let (a, b) = (render_svg(&s, &narrow), render_svg(&s, &wide));
    // The wide range keeps one line; the narrow one cuts it into runs inside the plot.
    assert_eq!(polylines(&b, "#F59322").len(), 2);
    let runs = polylines(&a, "#F59322");
    assert_eq!(runs.len(), 4, "3 clipped runs + legend swatch");
    // All clipped vertices lie inside the plot box (the y axis spans it), touching both edges.
    let axis = coords(polylines(&a, "#787878")[0]);
    let (top, bottom) = (axis[0].1.min(axis[1].1), axis[0].1.max(axis[1].1));
    let ys: Vec<i32> = runs[..3].iter().flat_map(|l| coords(l)).map(|p| p.1).collect();
    assert!(ys.iter().all(|y| (top..=bottom).contains(y)), "{ys:?} outside {top}..={bottom}");
    assert!(ys.iter().any(|y| (y - top).abs() <= 1) && ys.iter().any(|y| (y - bottom).abs() <= 1));
}
