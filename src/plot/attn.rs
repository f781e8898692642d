//! The transformer's attention patterns for one input (issue 6, `model=tfm`), generic over the
//! plotters backend: one small heatmap per head (columns) and layer (rows), query token rows
//! × key token columns over the sequence (a, b, =), with a colour bar for the weights 0…1.
//! The attention is causal (`core::ops::attention`), so the cells above the diagonal are
//! masked: drawn grey, never coloured as a weight. Nanda et al. 2023 (Progress measures for
//! grokking via mechanistic interpretability, §4) read the same per-head patterns: in the
//! grokked network the '=' query splits its attention between a and b.
//!
//! Geometry is computed in pixels (no chart builder): a title band, a grid of panels, the colour
//! bar on the right. Text follows `curves`: `draw_text = false` draws it transparent (bitmap
//! backends without fonts).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The sequence of `model=tfm`: the operands and the '=' token whose output is read.
pub const TOKENS: [&str; 3] = ["a", "b", "="];
/// Sequence length (`core::tfm::SEQ`).
const N: usize = 3;
/// Weight 0 (white) and weight 1 (dark blue): the colour scale is linear between them.
pub const LOW: (u8, u8, u8) = (255, 255, 255);
pub const HIGH: (u8, u8, u8) = (8, 48, 107);
/// A causally masked cell (key after the query).
pub const MASKED: (u8, u8, u8) = (228, 228, 228);
/// A weight that is not a finite number (a diverged model).
pub const NOT_FINITE: (u8, u8, u8) = (150, 150, 150);
/// At most this many panels are drawn (the rest would be too small to read).
pub const MAX_PANELS: usize = 64;
/// Colour-bar steps.
const BAR_STEPS: usize = 50;

/// Options of [`draw_attention`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AttnOpts {
    pub title: String,
    /// Draw text (false for font-less bitmap backends).
    pub draw_text: bool,
}

/// The colour of an attention weight: clamped to [0, 1] on the LOW → HIGH scale;
/// `NOT_FINITE` for NaN or ±∞.
pub fn weight_color(v: f32) -> (u8, u8, u8) {
    if !v.is_finite() {
        return NOT_FINITE;
    }
    let t = v.clamp(0.0, 1.0);
    let mix = |a: u8, b: u8| (a as f32 + (b as f32 - a as f32) * t).round() as u8;
    (mix(LOW.0, HIGH.0), mix(LOW.1, HIGH.1), mix(LOW.2, HIGH.2))
}

fn rgb(c: (u8, u8, u8)) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// The patterns `pattern` = [blocks, heads, 3, 3] (row = query position, column = key; the
/// layout of `core::tfm::attention_pattern`), one panel per head and layer. A pattern of the
/// wrong length, or no blocks or heads, draws only a note; panels beyond `MAX_PANELS` are left
/// out (the title says so).
pub fn draw_attention<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    pattern: &[f32],
    blocks: usize,
    heads: usize,
    opts: &AttnOpts,
) -> Result<(), String> {
    area.fill(&WHITE).map_err(err)?;
    let alpha = if opts.draw_text { 1.0 } else { 0.0 };
    let font = |size: f64| ("sans-serif", size).into_font().color(&BLACK.mix(alpha));
    let centred = |size: f64| font(size).pos(Pos::new(HPos::Center, VPos::Center));
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let expected = blocks.checked_mul(heads).and_then(|n| n.checked_mul(N * N));
    if blocks == 0 || heads == 0 || expected != Some(pattern.len()) {
        area.draw_text("No attention pattern yet.", &centred(13.0), (w / 2, h / 2)).map_err(err)?;
        return Ok(());
    }
    let shown = (blocks * heads).min(MAX_PANELS);
    let cols = heads.min(MAX_PANELS);
    let rows = shown.div_ceil(cols).min(blocks);
    let mut title = opts.title.clone();
    if shown < blocks * heads {
        title.push_str(&format!(" (first {shown} of {} heads)", blocks * heads));
    }
    let top = if title.is_empty() { 4 } else { 24 };
    if !title.is_empty() {
        area.draw_text(&title, &font(14.0).pos(Pos::new(HPos::Left, VPos::Top)), (6, 4)).map_err(err)?;
    }
    // Colour bar on the right: 14 px wide, labels to its right.
    let bar_w = 58;
    let grid_w = (w - bar_w).max(1);
    let (pw, ph) = (grid_w / cols as i32, (h - top) / rows as i32);
    // Inside a panel: a 16 px caption, 14 px of key labels above the cells, 14 px of query
    // labels to their left.
    let (cap, lab) = (16, 14);
    let cell = ((pw - lab - 6) / N as i32).min((ph - cap - lab - 6) / N as i32).max(1);
    for k in 0..shown {
        let (l, hd) = (k / heads, k % heads);
        let (r, c) = (k / cols, k % cols);
        let (x0, y0) = (c as i32 * pw, top + r as i32 * ph);
        let cx = x0 + (pw - lab - cell * N as i32) / 2 + lab;
        let cy = y0 + cap + lab;
        let name = if blocks > 1 { format!("layer {l} · head {hd}") } else { format!("head {hd}") };
        area.draw_text(&name, &centred(12.0), (cx + cell * N as i32 / 2, y0 + cap / 2)).map_err(err)?;
        for (i, t) in TOKENS.iter().enumerate() {
            let mid = i as i32 * cell + cell / 2;
            area.draw_text(t, &centred(11.0), (cx + mid, cy - lab / 2)).map_err(err)?; // key
            area.draw_text(t, &centred(11.0), (cx - lab / 2, cy + mid)).map_err(err)?;
            // query
        }
        let probs = &pattern[k * N * N..(k + 1) * N * N];
        for q in 0..N {
            for key in 0..N {
                let (l0, t0) = (cx + key as i32 * cell, cy + q as i32 * cell);
                let v = probs[q * N + key];
                let col = if key > q { MASKED } else { weight_color(v) };
                area.draw(&Rectangle::new([(l0, t0), (l0 + cell, t0 + cell)], rgb(col).filled())).map_err(err)?;
                if key <= q && cell >= 22 {
                    let txt = if v.is_finite() { format!("{v:.2}") } else { "?".into() };
                    let ink = if v.is_finite() && v > 0.55 { WHITE } else { BLACK };
                    let style = ("sans-serif", 10.0).into_font().color(&ink.mix(alpha));
                    let style = style.pos(Pos::new(HPos::Center, VPos::Center));
                    area.draw_text(&txt, &style, (l0 + cell / 2, t0 + cell / 2)).map_err(err)?;
                }
            }
        }
        let frame = [(cx, cy), (cx + cell * N as i32, cy + cell * N as i32)];
        area.draw(&Rectangle::new(frame, RGBColor(120, 120, 120))).map_err(err)?;
    }
    // The colour bar: weight 1 at the top, 0 at the bottom.
    let (bx, by) = (grid_w + 8, top + 16);
    let bh = (h - by - 16).max(BAR_STEPS as i32);
    for s in 0..BAR_STEPS {
        let v = 1.0 - (s as f32 + 0.5) / BAR_STEPS as f32;
        let (t0, t1) = (by + bh * s as i32 / BAR_STEPS as i32, by + bh * (s as i32 + 1) / BAR_STEPS as i32);
        area.draw(&Rectangle::new([(bx, t0), (bx + 14, t1)], rgb(weight_color(v)).filled())).map_err(err)?;
    }
    area.draw(&Rectangle::new([(bx, by), (bx + 14, by + bh)], RGBColor(120, 120, 120))).map_err(err)?;
    let left = |size: f64| font(size).pos(Pos::new(HPos::Left, VPos::Center));
    for (v, y) in [("1", by), ("0.5", by + bh / 2), ("0", by + bh)] {
        area.draw_text(v, &left(11.0), (bx + 18, y)).map_err(err)?;
    }
    area.draw_text("weight", &centred(11.0), (bx + 14, by - 9)).map_err(err)?;
    Ok(())
}
