//! The memorization-lab plots (`plot::memo`) rendered natively to SVG: structure and colours.
#![cfg(not(target_arch = "wasm32"))]

use grokpad::plot::boundary::{value_color, BLUE, ORANGE};
use grokpad::plot::memo::{draw_prune_curve, draw_score_plane, draw_score_vs_freq};
use plotters::prelude::*;

fn hex(c: (u8, u8, u8)) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

fn svg(draw: impl FnOnce(&DrawingArea<SVGBackend, plotters::coord::Shift>)) -> String {
    let mut out = String::new();
    {
        let area = SVGBackend::with_string(&mut out, (400, 300)).into_drawing_area();
        draw(&area);
    }
    out
}

#[test]
fn score_vs_freq_scatter_colours_points_by_score() {
    let pts = [(0.005, 0.9), (0.01, 0.5), (0.3, 0.0), (0.2, -0.4), (0.0, 1.0), (f64::NAN, 0.2)];
    let s = svg(|a| draw_score_vs_freq(a, &pts, true).unwrap());
    let circles = s.lines().filter(|l| l.starts_with("<circle")).count();
    assert_eq!(circles, 4, "skips zero and NaN frequencies");
    assert!(s.contains(&hex(value_color(0.9))) && s.contains(&hex(value_color(-0.4))), "{s}");
    assert!(s.contains("subpopulation frequency") && s.contains("memorization score"));
    // Log x: 0.005 and 0.01 are as far apart as 0.1 and 0.2 would be.
    let empty = svg(|a| draw_score_vs_freq(a, &[], false).unwrap());
    assert!(!empty.contains("<circle"));
}

#[test]
fn score_plane_and_prune_curve() {
    let s = svg(|a| draw_score_plane(a, &[(0.0, 0.0, 1.0), (-5.0, 5.0, -1.0), (f32::NAN, 0.0, 0.0)]).unwrap());
    let fills: Vec<&str> = s.lines().filter(|l| l.starts_with("<circle") && l.contains("fill=\"#")).collect();
    assert!(fills.iter().any(|l| l.contains(&hex(BLUE))) && fills.iter().any(|l| l.contains(&hex(ORANGE))), "{s}");
    // The point at the origin sits in the middle of the 300×300 square (centred in 400 wide).
    assert!(s.contains("cx=\"200\" cy=\"150\""), "{s}");
    let c =
        svg(|a| draw_prune_curve(a, &[(0.0, 0.94, 0.94), (0.1, 0.95, 0.92), (0.2, 0.95, 0.9)], "hard", true).unwrap());
    let lines = |col: (u8, u8, u8)| c.lines().filter(|l| l.starts_with("<polyline") && l.contains(&hex(col))).count();
    assert!(lines(BLUE) >= 1 && lines(ORANGE) >= 1, "{c}");
    assert!(c.contains("fraction pruned") && c.contains("prune hard") && c.contains("prune random"));
}

#[test]
fn boundary_marks_flipped_and_misfit_points_only_when_asked() {
    use grokpad::plot::boundary::{draw_boundary_with, BoundaryOpts, FLIP_RING, MISFIT_RED};
    use grokpad::plot::PlotPoint;
    let pts = [
        PlotPoint { x: -3.0, y: 0.0, class: 0, ..Default::default() },
        PlotPoint { x: 0.0, y: 0.0, class: 1, flipped: true, ..Default::default() },
        PlotPoint { x: 3.0, y: 0.0, class: 1, flipped: true, misfit: true, ..Default::default() },
    ];
    let draw = |opts: BoundaryOpts| svg(|a| draw_boundary_with(a, None, &pts, &opts).unwrap());
    let rings = |s: &str, c: (u8, u8, u8)| {
        s.lines().filter(|l| l.starts_with("<circle") && l.contains(&format!("stroke=\"{}\"", hex(c)))).count()
    };
    let plain = draw(BoundaryOpts::default());
    assert_eq!((rings(&plain, FLIP_RING), rings(&plain, MISFIT_RED)), (0, 0), "default rendering unchanged");
    let marked = draw(BoundaryOpts { mark_flipped: true, mark_misfit: true, ..Default::default() });
    assert_eq!((rings(&marked, FLIP_RING), rings(&marked, MISFIT_RED)), (2, 1), "{marked}");
    let circles = |s: &str| s.lines().filter(|l| l.starts_with("<circle")).count();
    assert_eq!(circles(&marked), circles(&plain) + 3);
}
