//! The transformer's attention panel of the grokking lab (issue 6, `model=tfm`): for a chosen
//! input (a, b) — typed in the panel's two fields, or picked by clicking a cell of the a × b
//! table — one heatmap per head and layer of model 0's attention (query rows a, b, = × key
//! columns), from the weights the runner reads back about once a second, with the model's
//! answer. Nanda et al. 2023 read these patterns to see the '=' token attend to a and b.
//! The logic (input parsing, the pattern and answer, the table click) is in `grok_logic.rs`;
//! the drawing in `plot::attn`.

use super::grok_logic as logic;
use super::runner::Runner;
use crate::experiment::{Dataset, Experiment, Model};
use crate::plot::attn::{draw_attention, AttnOpts};
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;

/// Canvas id of the panel's heatmaps.
pub const ATTN_ID: &str = "grok-attn";
/// Canvas width, and height per layer (plus a title band).
const WIDTH: u32 = 600;
const ROW_H: u32 = 150;

/// What a drawing showed: (runner generation, readback number, input (a, b)).
type Drawn = (u64, u64, (usize, usize));

thread_local! {
    /// The chosen input (a, b), read by the frame loop.
    static INPUT: Cell<(usize, usize)> = const { Cell::new(logic::ATTN_DEFAULT) };
    /// What was drawn last.
    static DRAWN: Cell<Option<Drawn>> = const { Cell::new(None) };
    /// The panel's read-out (the frame loop is not reactive).
    static SUMMARY: RefCell<Option<RwSignal<String>>> = const { RefCell::new(None) };
}

/// Whether the panel applies: a transformer on modular arithmetic.
pub fn shown(e: &Experiment) -> bool {
    e.data == Dataset::Mod && e.model == Model::Tfm
}

/// Canvas height for `e`'s number of layers.
fn height(e: &Experiment) -> u32 {
    30 + ROW_H * e.tfm_layers.clamp(1, 4)
}

fn say(text: String) {
    SUMMARY.with(|s| {
        if let Some(sig) = *s.borrow() {
            let _ = sig.try_set(text); // the panel may have been unmounted
        }
    });
}

/// Draw the patterns of the latest weights when they, the session or the input changed (called
/// after each snapshot by `grok::redraw`); nothing unless [`shown`].
pub fn redraw(r: &Runner, e: &Experiment) {
    if !shown(e) {
        return;
    }
    let Some(((params, _, _), step)) = r.latest.as_ref() else { return };
    let input = INPUT.with(Cell::get);
    let key = (r.generation, r.latest_seq, input);
    if DRAWN.with(Cell::get) == Some(key) {
        return;
    }
    let Some(backend) = CanvasBackend::new(ATTN_ID) else { return };
    DRAWN.with(|d| d.set(Some(key)));
    let area = backend.into_drawing_area();
    let Some(v) = logic::attn_view(e, params, input.0, input.1) else {
        let _ = area.fill(&WHITE);
        say("These weights are not a transformer's.".into());
        return;
    };
    let opts =
        AttnOpts { title: format!("Attention of model 0 on ({}, {}, =), step {step}", v.a, v.b), draw_text: true };
    if let Err(err) = draw_attention(&area, &v.pattern, v.blocks, v.heads, &opts) {
        log::warn!("{ATTN_ID}: {err}");
    }
    let _ = area.present();
    say(logic::attn_text(&v, e.op, e.modulus(), *step));
}

/// Forget what was drawn (new session, or the panel mounted again).
pub fn clear() {
    DRAWN.with(|d| d.set(None));
}

/// The pair under a click on the a × b table (the boundary canvas), if any.
fn table_click(ev: &web_sys::MouseEvent, p: usize) -> Option<(usize, usize)> {
    let canvas: web_sys::HtmlCanvasElement = ev.target()?.dyn_into().ok()?;
    if canvas.id() != "boundary" {
        return None;
    }
    let rect = canvas.get_bounding_client_rect();
    if rect.width() <= 0.0 || rect.height() <= 0.0 {
        return None;
    }
    let px = (ev.client_x() as f64 - rect.left()) * canvas.width() as f64 / rect.width();
    let py = (ev.client_y() as f64 - rect.top()) * canvas.height() as f64 / rect.height();
    logic::table_pick(canvas.width() as f64, canvas.height() as f64, p, px, py)
}

/// The panel: the input fields, the heatmaps and the read-out.
#[component]
pub fn AttnPanel(exp: RwSignal<Experiment>, runner: StoredValue<Rc<RefCell<Runner>>, LocalStorage>) -> impl IntoView {
    let summary =
        RwSignal::new("The patterns appear once the weights are read back (about once a second).".to_string());
    SUMMARY.with(|s| *s.borrow_mut() = Some(summary));
    clear();
    let (a0, b0) = INPUT.with(Cell::get);
    let a_text = RwSignal::new(a0.to_string());
    let b_text = RwSignal::new(b0.to_string());
    // Apply the fields now (not only at the next readback).
    let apply = move || {
        let p = exp.with_untracked(|e| e.modulus());
        let ab = logic::attn_input(&a_text.get_untracked(), &b_text.get_untracked(), p);
        INPUT.with(|c| c.set(ab));
        let rc = runner.get_value();
        if let Ok(r) = rc.try_borrow() {
            exp.with_untracked(|e| redraw(&r, e));
        };
    };
    let _ = window_event_listener(leptos::ev::click, move |ev| {
        let Some((a, b)) = exp.with_untracked(|e| shown(e).then(|| table_click(&ev, e.modulus())).flatten()) else {
            return;
        };
        a_text.set(a.to_string());
        b_text.set(b.to_string());
        apply();
    });
    let max = move || exp.with(|e| e.modulus().saturating_sub(1)).to_string();
    view! {
        <section class="panel grok" id="attn-panel">
            <h2>"Attention patterns"</h2>
            <div class="row">
                <label>"a " <input type="number" id="attn-a" min="0" max=max prop:value=move || a_text.get()
                    on:change=move |ev| { a_text.set(event_target_value(&ev)); apply(); } /></label>
                <label>" b " <input type="number" id="attn-b" min="0" max=max prop:value=move || b_text.get()
                    on:change=move |ev| { b_text.set(event_target_value(&ev)); apply(); } /></label>
                <span class="hint">" or click a cell of the a × b table"</span>
            </div>
            <div class="chart">
                <canvas id=ATTN_ID width=WIDTH height=move || exp.with(height)></canvas>
            </div>
            <div class="hint" id="attn-summary">{move || summary.get()}</div>
        </section>
    }
}
