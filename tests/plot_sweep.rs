//! The sweep charts (`plot::sweep`), rendered to SVG (structure, labels, cell colours) and to
//! an RGB bitmap without text (pixels of the heatmap cells and the legend ramp).
#![cfg(not(target_arch = "wasm32"))]

use grokpad::plot::sweep::{
    cell_rgb, draw_heatmap, draw_sweep_error, ramp, z_bounds, ErrorOpts, Heatmap, MISSING, TEST_COLOR, TRAIN_COLOR,
};
use plotters::prelude::*;

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02X}{g:02X}{b:02X}")
}

/// The trimmed contents of every `<text>` element.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| Some(t.split_once('>')?.1.split_once("</text>")?.0.trim().to_string()))
        .collect()
}

fn svg_of(f: impl FnOnce(&DrawingArea<SVGBackend, plotters::coord::Shift>)) -> String {
    let mut s = String::new();
    {
        let area = SVGBackend::with_string(&mut s, (640, 400)).into_drawing_area();
        f(&area);
        area.present().unwrap();
    }
    s
}

#[test]
fn error_plot_has_both_curves_the_threshold_and_its_label() {
    let widths = [1.0f64, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0];
    let train: Vec<(f64, f64)> = widths.iter().map(|&w| (w, (0.4 / w).min(0.4))).collect();
    let test: Vec<(f64, f64)> = widths.iter().map(|&w| (w, if w == 8.0 { 0.35 } else { 0.15 })).collect();
    let opts = ErrorOpts { log_x: true, threshold: Some(9.75), ..ErrorOpts::default() };
    let svg = svg_of(|a| {
        let axis = draw_sweep_error(a, &train, &test, &opts).unwrap();
        assert!(axis.log && axis.lo <= 1.0 && axis.hi >= 64.0);
    });
    let lower = svg.to_ascii_lowercase();
    for c in [TRAIN_COLOR, TEST_COLOR] {
        assert!(lower.contains(&hex(c).to_ascii_lowercase()), "colour {c:?} missing");
    }
    let t = texts(&svg);
    for want in ["interpolation threshold ≈ 9.75", "train error", "test error", "width", "error"] {
        assert!(t.iter().any(|x| x == want), "{want} missing: {t:?}");
    }
    assert!(svg.contains("stroke-dasharray") || svg.matches("<line").count() > 10, "dashed threshold line");
    // Outside the axis: no label; no threshold: none either.
    let far = ErrorOpts { threshold: Some(1e6), ..opts.clone() };
    assert!(!svg_of(|a| {
        draw_sweep_error(a, &train, &test, &far).unwrap();
    })
    .contains("interpolation"));
    let none = ErrorOpts { threshold: None, ..opts };
    assert!(!svg_of(|a| {
        draw_sweep_error(a, &train, &test, &none).unwrap();
    })
    .contains("interpolation"));
    // Empty and non-finite data draw empty axes without error.
    svg_of(|a| {
        draw_sweep_error(a, &[], &[(f64::NAN, 1.0)], &ErrorOpts::default()).unwrap();
    });
}

#[test]
fn ramp_and_bounds() {
    assert_eq!(ramp(0.0), (68, 1, 84));
    assert_eq!(ramp(1.0), (253, 231, 37));
    assert_eq!(ramp(-3.0), ramp(0.0));
    assert_eq!(ramp(f64::NAN), ramp(0.0));
    let h = Heatmap { z: vec![0.2, f64::NAN, 0.6], ..Heatmap::default() };
    assert_eq!(z_bounds(&h), (0.2, 0.6));
    assert_eq!(z_bounds(&Heatmap { z: vec![0.3], ..Heatmap::default() }), (-0.2, 0.8));
    assert_eq!(z_bounds(&Heatmap { z_range: Some((0.0, 1.0)), ..h.clone() }), (0.0, 1.0));
    assert_eq!(cell_rgb(f64::INFINITY, (0.0, 1.0)), MISSING);
    assert_eq!(cell_rgb(0.6, (0.2, 0.6)), ramp(1.0));
}

fn phase() -> Heatmap {
    // 3 × 2 grid: z = iy·3 + ix, one missing cell.
    let mut z: Vec<f64> = (0..6).map(|k| k as f64).collect();
    z[4] = f64::NAN;
    Heatmap {
        title: "phase".into(),
        x: vec![0.0, 0.1, 0.2],
        y: vec![0.3, 0.7],
        z,
        x_label: "wd".into(),
        y_label: "train".into(),
        z_label: "test error".into(),
        z_range: None,
        draw_text: true,
    }
}

#[test]
fn heatmap_svg_has_every_cell_colour_ticks_and_legend() {
    let h = phase();
    let svg = svg_of(|a| draw_heatmap(a, &h).unwrap());
    let lower = svg.to_ascii_lowercase();
    let b = z_bounds(&h);
    for (k, v) in h.z.iter().enumerate() {
        let c = cell_rgb(*v, b);
        assert!(lower.contains(&hex(c).to_ascii_lowercase()), "cell {k} colour {c:?}");
    }
    let t = texts(&svg);
    for want in ["test error", "wd", "train", "0.1", "0.7", "5", "0", "phase"] {
        assert!(t.iter().any(|x| x == want), "{want} missing: {t:?}");
    }
}

#[test]
fn heatmap_bitmap_pixels() {
    let (w, h) = (400u32, 300u32);
    let mut buf = vec![0u8; (w * h * 3) as usize];
    let hm = Heatmap { draw_text: false, ..phase() };
    {
        let area = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        draw_heatmap(&area, &hm).unwrap();
        area.present().unwrap();
    }
    let px = |x: u32, y: u32| {
        let i = ((y * w + x) * 3) as usize;
        (buf[i], buf[i + 1], buf[i + 2])
    };
    let count =
        |c: (u8, u8, u8)| (0..h).flat_map(|y| (0..w).map(move |x| (x, y))).filter(|&(x, y)| px(x, y) == c).count();
    // Every cell covers a sizeable block; the lowest (z = 0) and highest (z = 5) colours also
    // appear in the legend ramp, the missing cell is grey.
    let b = z_bounds(&hm);
    for v in [0.0, 1.0, 2.0, 3.0, 5.0] {
        assert!(count(cell_rgb(v, b)) > 2000, "value {v}");
    }
    assert!(count(MISSING) > 2000);
    // The legend strip (right 70 px) holds the ramp's ends.
    let legend = |c: (u8, u8, u8)| (0..h).flat_map(|y| (w - 70..w).map(move |x| (x, y))).any(|(x, y)| px(x, y) == c);
    assert!(legend(ramp(1.0)) && legend(ramp(0.0)));
}
