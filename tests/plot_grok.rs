//! The grokking-lab plots (`plot::grok`) rendered natively to SVG: the a × b table's cells and
//! colours, and the bar charts (spectrum with key frequencies highlighted, IPR histogram).
#![cfg(not(target_arch = "wasm32"))]

use grokpad::plot::grok::{
    cell_color, draw_bars, draw_table, BarOpts, Cell, BAR, BAR_KEY, TEST_OK, TEST_WRONG, TRAIN_OK, TRAIN_WRONG, UNKNOWN,
};
use plotters::prelude::*;

fn hex(c: (u8, u8, u8)) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

fn svg(size: (u32, u32), draw: impl FnOnce(&DrawingArea<SVGBackend, plotters::coord::Shift>)) -> String {
    let mut out = String::new();
    {
        let area = SVGBackend::with_string(&mut out, size).into_drawing_area();
        draw(&area);
    }
    out
}

fn rects_of(s: &str, c: (u8, u8, u8)) -> usize {
    s.lines().filter(|l| l.starts_with("<rect") && l.contains(&hex(c))).count()
}

#[test]
fn table_draws_one_cell_per_pair_coloured_by_split_and_verdict() {
    let cell = |a, b, test, correct, corrupted| Cell { a, b, test, correct, corrupted };
    let cells = [
        cell(0, 0, false, Some(true), false),
        cell(0, 1, false, Some(false), true),
        cell(1, 0, true, Some(true), false),
        cell(1, 1, true, Some(false), false),
        cell(2, 2, false, None, false),
        cell(3, 0, false, Some(true), false), // outside p = 3: skipped
    ];
    let s = svg((300, 300), |a| draw_table(a, 3, &cells).unwrap());
    for c in [TRAIN_OK, TRAIN_WRONG, TEST_OK, TEST_WRONG, UNKNOWN] {
        assert_eq!(rects_of(&s, c), 1, "{} in {s}", hex(c));
    }
    // Cell (0, 1) spans x 100..200, y 0..100 of the 300 px square; its corrupted dot is centred.
    assert!(s.contains("<circle cx=\"150\" cy=\"50\""), "{s}");
    assert_eq!(s.lines().filter(|l| l.starts_with("<circle")).count(), 1);
    assert_eq!(cell_color(&cells[4]), UNKNOWN);
    // Wider than tall: the table is a centred square.
    let w = svg((400, 200), |a| draw_table(a, 2, &cells[..1]).unwrap());
    assert!(w.contains("x=\"100\" y=\"0\" width=\"100\" height=\"100\""), "{w}");
    let empty = svg((100, 100), |a| draw_table(a, 0, &cells).unwrap());
    assert_eq!(rects_of(&empty, TRAIN_OK), 0);
}

#[test]
fn bars_highlight_key_frequencies_and_skip_empty_bins() {
    let opts = BarOpts {
        title: "Fourier spectrum".into(),
        x_label: "frequency k".into(),
        y_label: "norm".into(),
        x0: -0.5,
        dx: 1.0,
        draw_text: true,
    };
    let s = svg((400, 300), |a| draw_bars(a, &[1.0, 5.0, 0.0, 2.0, f64::NAN, 3.0], &[1, 5], &opts).unwrap());
    assert_eq!(rects_of(&s, BAR_KEY), 2, "{s}");
    assert_eq!(rects_of(&s, BAR), 2, "zero and NaN bars are not drawn: {s}");
    assert!(s.contains("Fourier spectrum") && s.contains("frequency k"));
    let h = svg((400, 300), |a| {
        draw_bars(a, &[0.0; 20], &[], &BarOpts { x0: 0.0, dx: 0.05, draw_text: false, ..opts.clone() }).unwrap()
    });
    assert_eq!(rects_of(&h, BAR) + rects_of(&h, BAR_KEY), 0);
}
