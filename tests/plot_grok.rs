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

mod attention {
    use super::{hex, rects_of, svg};
    use grokpad::plot::attn::{draw_attention, weight_color, AttnOpts, HIGH, LOW, MASKED, NOT_FINITE};
    use plotters::prelude::*;

    /// One causal 3 × 3 pattern: rows sum to 1, zero above the diagonal.
    const HEAD: [f32; 9] = [1.0, 0.0, 0.0, 0.25, 0.75, 0.0, 0.2, 0.3, 0.5];

    fn bitmap(w: u32, h: u32, pattern: &[f32], blocks: usize, heads: usize) -> Vec<(u8, u8, u8)> {
        let mut buf = vec![0u8; (w * h * 3) as usize];
        {
            let area = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
            let opts = AttnOpts { title: String::new(), draw_text: false };
            draw_attention(&area, pattern, blocks, heads, &opts).unwrap();
            area.present().unwrap();
        }
        buf.chunks(3).map(|p| (p[0], p[1], p[2])).collect()
    }

    #[test]
    fn colours_clamp_and_flag_non_finite_weights() {
        assert_eq!(weight_color(0.0), LOW);
        assert_eq!(weight_color(1.0), HIGH);
        assert_eq!(weight_color(-3.0), LOW);
        assert_eq!(weight_color(7.0), HIGH);
        assert_eq!(weight_color(0.5), (132, 152, 181));
        assert_eq!(weight_color(f32::NAN), NOT_FINITE);
        assert_eq!(weight_color(f32::INFINITY), NOT_FINITE);
    }

    #[test]
    fn one_panel_per_head_and_layer_with_masked_cells_and_labels() {
        let pattern: Vec<f32> = HEAD.repeat(4);
        let opts = AttnOpts { title: "Attention on (1, 2, =)".into(), draw_text: true };
        let s = svg((600, 360), |a| draw_attention(a, &pattern, 2, 2, &opts).unwrap());
        // Three masked cells per panel, one weight-1 cell per panel (plus the bar's top step
        // which is not exactly 1).
        assert_eq!(rects_of(&s, MASKED), 12, "{s}");
        assert_eq!(rects_of(&s, HIGH), 4, "{s}");
        assert_eq!(rects_of(&s, weight_color(0.75)), 4 + 1, "four cells and the bar's step at 0.75");
        for t in ["Attention on (1, 2, =)", "layer 0 · head 0", "layer 1 · head 1", "=", "a", "b", "0.75", "weight"] {
            assert!(s.lines().any(|l| l == t), "{t} missing: {s}");
        }
        // Each panel labels its three query rows and three key columns.
        assert_eq!(s.lines().filter(|&l| l == "=").count(), 4 * 2);
        // The colour bar: 50 steps from near HIGH down to near LOW.
        let bar = s.lines().filter(|l| l.starts_with("<rect") && l.contains("width=\"14\"")).count();
        assert!(bar >= 50, "{bar} colour-bar steps");
        // One layer: panels are named by head only.
        let one = svg((600, 200), |a| draw_attention(a, &HEAD.repeat(3), 1, 3, &opts).unwrap());
        assert!(one.lines().any(|l| l == "head 2") && !one.contains("layer"), "{one}");
        assert_eq!(rects_of(&one, MASKED), 9);
        let _ = hex(LOW);
    }

    #[test]
    fn pixels_show_weights_and_masks() {
        let px = bitmap(320, 200, &HEAD, 1, 1);
        let count = |c| px.iter().filter(|&&p| p == c).count();
        // Each 3 × 3 cell is a square of at least 40 px a side here.
        assert!(count(HIGH) >= 40 * 40, "weight 1 cell: {} px", count(HIGH));
        assert!(count(MASKED) >= 3 * 40 * 40, "masked cells: {} px", count(MASKED));
        assert!(count(weight_color(0.75)) >= 40 * 40);
        // A diverged model: the weights are grey, nothing panics.
        let nan = bitmap(320, 200, &[f32::NAN; 9], 1, 1);
        assert!(nan.iter().filter(|&&p| p == NOT_FINITE).count() >= 6 * 40 * 40);
    }

    #[test]
    fn degenerate_inputs_draw_a_note_and_never_panic() {
        let opts = AttnOpts { title: "t".into(), draw_text: true };
        for (pattern, blocks, heads) in [(&HEAD[..], 0, 1), (&HEAD[..], 1, 0), (&HEAD[..5], 1, 1), (&[][..], 2, 2)] {
            let s = svg((300, 200), |a| draw_attention(a, pattern, blocks, heads, &opts).unwrap());
            assert!(s.contains("No attention pattern yet."), "{s}");
            assert_eq!(rects_of(&s, MASKED), 0);
        }
        assert_eq!(rects_of(&svg((300, 200), |a| draw_attention(a, &HEAD, usize::MAX, 2, &opts).unwrap()), MASKED), 0);
        // Tiny canvases and many heads: drawn (capped), no panic.
        let _ = bitmap(8, 8, &HEAD.repeat(2), 2, 1);
        let many = svg((600, 300), |a| draw_attention(a, &HEAD.repeat(100), 1, 100, &opts).unwrap());
        assert!(many.contains("(first 64 of 100 heads)"), "{many}");
        assert_eq!(rects_of(&many, MASKED), 64 * 3);
    }
}
