//! Tests for the plot module: the decision-boundary heatmap is rendered into an in-memory RGB
//! bitmap and checked pixel by pixel; the curves are rendered to SVG and checked structurally.
//!
//! Note: without a plotters font feature, native `BitMapBackend` panics on text, so curves are
//! rendered to bitmaps only with `draw_text: false`; SVG writes `<text>` elements itself.

use grokpad::plot::boundary::{
    cell_color, class_color, draw_boundary, draw_boundary_with, value_color, BoundaryOpts, EXTRA_CLASSES,
};
use grokpad::plot::curves::{draw_curves, CurveOpts};
use grokpad::plot::fit::{draw_fit_1d, to_pixel, y_range, DATA_COLOR, FIT_COLOR};
use grokpad::plot::scale::fmt_num;
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
    PlotPoint { x, y, class, test, value: None, ..Default::default() }
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
    Series { label: label.into(), color, points, ..Default::default() }
}

fn opts(log_y: bool) -> CurveOpts {
    CurveOpts {
        title: "Loss curves".into(),
        x_label: "step".into(),
        y_label: "loss".into(),
        log_y,
        y_range: None,
        draw_text: true,
        ..Default::default()
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

/// Render with options (discretize, multi-class, regression values).
fn render_with(w: u32, h: u32, grid: Option<&GridValues>, points: &[PlotPoint], o: BoundaryOpts) -> Vec<u8> {
    let mut buf = vec![0u8; (w * h * 3) as usize];
    {
        let area = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        draw_boundary_with(&area, grid, points, &o).unwrap();
        area.present().unwrap();
    }
    buf
}

#[test]
fn discretize_shows_only_two_shades() {
    let (w, h) = (120, 120);
    // Weak scores: left half −0.1, right half +0.2.
    let values = (0..16 * 16).map(|i| if i % 16 < 8 { -0.1 } else { 0.2 }).collect();
    let grid = GridValues { res: 16, values };
    let soft = render_with(
        w,
        h,
        Some(&grid),
        &[],
        BoundaryOpts { show_test: true, discretize: false, multiclass: false, ..Default::default() },
    );
    assert_eq!(pixel(&soft, w, 10, 60), cell_color(-0.1));
    assert_ne!(pixel(&soft, w, 10, 60), cell_color(-1.0));
    let hard = render_with(
        w,
        h,
        Some(&grid),
        &[],
        BoundaryOpts { show_test: true, discretize: true, multiclass: false, ..Default::default() },
    );
    assert_eq!(pixel(&hard, w, 10, 60), cell_color(-1.0));
    assert_eq!(pixel(&hard, w, 110, 60), cell_color(1.0));
}

#[test]
fn multi_class_and_value_colours() {
    // Five distinct class colours, TFP's first two.
    let cols: Vec<_> = (0..5u8).map(class_color).collect();
    assert_eq!((cols[0], cols[1]), (ORANGE, BLUE));
    assert_eq!(&cols[2..], &EXTRA_CLASSES);
    for i in 0..5 {
        for j in 0..i {
            assert_ne!(cols[i], cols[j]);
        }
    }
    let (w, h) = (240, 240);
    let points = [
        pt(-3.0, 3.0, 2, false),
        pt(3.0, -3.0, 4, false),
        PlotPoint { x: 3.0, y: 3.0, value: Some(-0.5), ..Default::default() },
    ];
    let buf = render_with(
        w,
        h,
        None,
        &points,
        BoundaryOpts { show_test: true, discretize: false, multiclass: false, ..Default::default() },
    );
    assert_eq!(pixel(&buf, w, 60, 60), EXTRA_CLASSES[0], "class 2 is green");
    assert_eq!(pixel(&buf, w, 180, 180), EXTRA_CLASSES[2], "class 4 is red");
    assert_eq!(pixel(&buf, w, 180, 60), value_color(-0.5), "regression point coloured by value");
}

#[test]
fn fit_1d_draws_curve_and_points() {
    let (w, h) = (200, 100);
    let points = [(-3.0f32, 1.0f32, false), (3.0, -1.0, true)];
    let curve: Vec<(f32, f32)> = (0..=60).map(|i| (-6.0 + i as f32 * 0.2, 0.5)).collect();
    let yr = y_range(&points, &curve);
    assert!(yr.0 < -1.0 && yr.1 > 1.0, "range {yr:?} holds the data");
    let mut buf = vec![0u8; (w * h * 3) as usize];
    {
        let area = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        draw_fit_1d(&area, &points, &curve, false).unwrap();
        area.present().unwrap();
    }
    // The flat prediction 0.5 is an orange line across the plot.
    let (x, y) = to_pixel(w, h, yr, 1.0, 0.5);
    assert_eq!(pixel(&buf, w, x as u32, y as u32), FIT_COLOR);
    // The train point is blue-ish (drawn translucent), the hidden test point is not drawn.
    let (px, py) = to_pixel(w, h, yr, -3.0, 1.0);
    let c = pixel(&buf, w, px as u32, py as u32);
    assert!(c.2 > c.0 && c != (255, 255, 255), "train point {c:?}, data colour {DATA_COLOR:?}");
    let (qx, qy) = to_pixel(w, h, yr, 3.0, -1.0);
    assert_eq!(pixel(&buf, w, qx as u32, qy as u32), (255, 255, 255), "test point hidden");
    // Empty input: still a valid picture.
    assert_eq!(y_range(&[], &[]), (-1.0, 1.0));
}

#[test]
fn log_x_axis_maps_pixels_back_to_steps() {
    let s = vec![series("loss", ORANGE, (0..200).map(|i| (i as f64 * 50.0, 1.0 / (1.0 + i as f64))).collect())];
    let mut out = String::new();
    let ax = {
        let area = SVGBackend::with_string(&mut out, (480, 320)).into_drawing_area();
        let o = CurveOpts { log_x: true, ..opts(true) };
        let ax = draw_curves(&area, &s, &o).unwrap();
        area.present().unwrap();
        ax
    };
    assert!(ax.log && ax.lo >= 1.0 && ax.hi >= 9950.0, "{ax:?}");
    assert!(ax.px.0 > 40 && ax.px.1 < 470 && ax.px.0 < ax.px.1, "{ax:?}");
    assert!((ax.value_at(ax.px.0) - ax.lo).abs() < 1e-6 * ax.lo.max(1.0));
    assert!((ax.value_at(ax.px.1) / ax.hi - 1.0).abs() < 1e-9);
    // Half way across is the geometric mean on a log axis.
    let mid = ax.value_at((ax.px.0 + ax.px.1) / 2);
    assert!((mid / (ax.lo * ax.hi).sqrt() - 1.0).abs() < 0.05, "mid {mid}");
    assert!(out.contains("step"), "x label drawn");
    // Linear axis: the middle is the arithmetic mean.
    let mut out = String::new();
    let area = SVGBackend::with_string(&mut out, (480, 320)).into_drawing_area();
    let lin = draw_curves(&area, &s, &opts(true)).unwrap();
    let mid = lin.value_at((lin.px.0 + lin.px.1) / 2);
    assert!((mid - (lin.lo + lin.hi) / 2.0).abs() < (lin.hi - lin.lo) * 0.01);
}

#[test]
fn dashed_series_and_bands() {
    let pts: Vec<(f64, f64)> = (0..50).map(|i| (i as f64, 1.0 + (i as f64 * 0.1).sin())).collect();
    let solid = render_svg(&[series("a", ORANGE, pts.clone())], &opts(false));
    let dashed = Series { dashed: true, ..series("a", ORANGE, pts.clone()) };
    let dashed = render_svg(&[dashed], &opts(false));
    let n_solid = solid.matches("<polyline").count();
    let n_dashed = dashed.matches("<polyline").count() + dashed.matches("<line").count();
    assert!(n_dashed > n_solid + 10, "dashes are many short segments ({n_dashed} vs {n_solid})");
    let band: Vec<(f64, f64, f64)> = pts.iter().map(|p| (p.0, p.1 - 0.2, p.1 + 0.2)).collect();
    let with_band = render_svg(&[Series { band, ..series("a", BLUE, pts) }], &opts(false));
    let poly = with_band.lines().find(|l| l.starts_with("<polygon")).expect("band polygon");
    assert!(poly.contains("#0877BD") || poly.contains("#0877bd"), "band in the series colour: {poly}");
    assert!(poly.contains("opacity=\"0.2"), "band is translucent: {poly}");
}

#[test]
fn tick_labels_are_compact() {
    assert_eq!(fmt_num(0.0), "0");
    assert_eq!(fmt_num(5000.0), "5000");
    assert_eq!(fmt_num(150_000.0), "150k");
    assert_eq!(fmt_num(12_500.0), "12.5k");
    assert_eq!(fmt_num(2_500_000.0), "2.5M");
    assert_eq!(fmt_num(0.25), "0.25");
    assert_eq!(fmt_num(1e-5), "1e-5");
    assert_eq!(fmt_num(3e12), "3e12");
}

/// Live-edit markers: a grey dashed vertical line at the marker's step, nothing without one.
#[test]
fn markers_draw_a_vertical_line_at_their_step() {
    let (w, h) = (320u32, 240u32);
    let series = vec![Series {
        label: "loss".into(),
        color: (0, 0, 200),
        points: (0..=100).map(|s| (s as f64, 1.0)).collect(),
        ..Default::default()
    }];
    let grey_rows = |markers: Vec<f64>| {
        let mut buf = vec![0u8; (w * h * 3) as usize];
        let ax = {
            let area = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
            let opts = CurveOpts { draw_text: false, y_range: Some((0.0, 2.0)), markers, ..Default::default() };
            let ax = draw_curves(&area, &series, &opts).unwrap();
            area.present().unwrap();
            ax
        };
        let col = ax.px.0 + (ax.px.1 - ax.px.0) * 3 / 10;
        (0..h).filter(|&y| buf[((y * w + col as u32) * 3) as usize..][..3] == [150, 150, 150]).count()
    };
    assert!(grey_rows(vec![30.0]) > 20, "a marker at step 30 should draw a dashed grey line");
    assert_eq!(grey_rows(vec![]), 0);
    assert_eq!(grey_rows(vec![f64::NAN, 1e9]), 0, "non-finite or off-axis markers are skipped");
}

/// More than two classes: each cell shows its predicted class's (lightened) colour.
#[test]
fn multiclass_cells_take_their_class_colour() {
    let (w, h) = (120, 120);
    // Quadrants: class 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right.
    let values = (0..16 * 16).map(|i| ((i / 16 >= 8) as u32 * 2 + (i % 16 >= 8) as u32) as f32).collect();
    let grid = GridValues { res: 16, values };
    let buf = render_with(
        w,
        h,
        Some(&grid),
        &[],
        BoundaryOpts { show_test: true, discretize: false, multiclass: true, ..Default::default() },
    );
    let corners = [(20, 20), (100, 20), (20, 100), (100, 100)];
    let colours: Vec<_> = corners.iter().map(|&(x, y)| pixel(&buf, w, x, y)).collect();
    for (k, c) in colours.iter().enumerate() {
        let base = class_color(k as u8);
        // Lightened towards white: every channel at least the class colour's.
        assert!(c.0 >= base.0 && c.1 >= base.1 && c.2 >= base.2, "class {k}: {c:?} vs {base:?}");
        assert!(colours.iter().filter(|d| *d == c).count() == 1, "class colours must differ: {colours:?}");
    }
}

#[test]
fn class_at_reads_the_grid_cell_under_a_point() {
    use grokpad::plot::boundary::class_at;
    // 4×4 grid over [-6, 6]²; row 0 at y = +6. Scores: left half negative, right half positive.
    let g: Vec<f32> = (0..16).map(|k| if k % 4 < 2 { -0.5 } else { 0.5 }).collect();
    assert_eq!(class_at(&g, 4, -3.0, 5.0, false), Some(0));
    assert_eq!(class_at(&g, 4, 3.0, -5.0, false), Some(1));
    assert_eq!(class_at(&g, 4, 7.0, 0.0, false), None, "off the plane");
    // Multi-class: the cell's class index; row 0 is the top.
    let m: Vec<f32> = (0..16).map(|k| (k / 4) as f32).collect();
    assert_eq!(class_at(&m, 4, 0.5, 5.9, true), Some(0));
    assert_eq!(class_at(&m, 4, 0.5, -5.9, true), Some(3));
    let mut nan = m.clone();
    nan[0] = f32::NAN;
    assert_eq!(class_at(&nan, 4, -5.9, 5.9, true), None);
    assert_eq!(class_at(&m[..15], 4, 0.0, 0.0, true), None, "wrong grid size");
}
