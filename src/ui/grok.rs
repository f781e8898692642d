//! The grokking panel (issue 6), shown for `data=mod`: the a × b table of predictions (drawn on
//! the boundary canvas instead of the coloured grid, `table_on`), the Fourier spectrum of the
//! a-input embedding with its key frequencies (Nanda et al. 2023), the histogram of the hidden
//! neurons' IPR and a button that prunes the memorizing (lowest-IPR) neurons and shows the
//! accuracies before and after (Doshi et al. 2024). The measures come from the weights the
//! runner reads back (`Runner::latest`, about once a second), computed on the CPU
//! (`train::progress`); the logic is in `grok_logic.rs`. For `model=tfm` the attention panel
//! (`grokattn.rs`) is redrawn from here too.

use super::grok_logic as logic;
use super::runner::Runner;
use crate::core::data::modular::modulus;
use crate::experiment::{Dataset, Experiment};
use crate::plot::grok::{draw_bars, draw_table, BarOpts, TEST_OK, TEST_WRONG, TRAIN_OK, TRAIN_WRONG};
use crate::train::progress::{self, Report, IPR_BINS};
use crate::train::Session;
use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use std::cell::RefCell;
use std::rc::Rc;

/// Canvas ids of the panel's charts.
pub const SPECTRUM_ID: &str = "grok-spectrum";
pub const IPR_ID: &str = "grok-ipr";

thread_local! {
    /// The report of the latest weights read back, and their step.
    static REPORT: RefCell<Option<(Report, u64)>> = const { RefCell::new(None) };
    /// The panel's read-out, written by `redraw` (the frame loop is not reactive).
    static SUMMARY: RefCell<Option<RwSignal<String>>> = const { RefCell::new(None) };
}

/// Whether the panel applies (and the runner must read the weights back for it).
pub fn shown(e: &Experiment) -> bool {
    e.data == Dataset::Mod
}

/// The a × b table of the session (replaces the boundary plot for `data=mod`).
pub fn table_on<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &Session, e: &Experiment) -> Result<(), String> {
    let correct = s.last.as_ref().map_or(&[][..], |l| l.correct.as_slice());
    let cells = logic::table_cells(&s.data.train, &s.data.test, modulus(e.p), correct);
    let cells: Vec<_> = cells.into_iter().filter(|c| e.show_test || !c.test).collect();
    draw_table(area, modulus(e.p), &cells)
}

fn canvas(id: &str, draw: impl FnOnce(&DrawingArea<CanvasBackend, Shift>) -> Result<(), String>) {
    let Some(backend) = CanvasBackend::new(id) else { return };
    let area = backend.into_drawing_area();
    if let Err(e) = draw(&area) {
        log::warn!("{id}: {e}");
    }
    let _ = area.present();
}

/// After each snapshot: recompute the measures when new weights were read back, and draw the
/// spectrum and the IPR histogram. Nothing for other data.
pub fn redraw(r: &Runner, e: &Experiment) {
    if !shown(e) {
        return;
    }
    super::grokattn::redraw(r, e);
    let (Some(layout), Some(((params, _, _), step))) = (r.layout.as_ref(), r.latest.as_ref()) else { return };
    let fresh = REPORT.with(|c| c.borrow().as_ref().is_none_or(|(_, s)| s != step));
    if !fresh {
        return;
    }
    let Some(rep) = Report::of(layout, params, modulus(e.p)) else { return };
    let spec: Vec<f64> = rep.spectrum.iter().map(|&v| f64::from(v)).collect();
    canvas(SPECTRUM_ID, |a| {
        let opts = BarOpts {
            title: format!("Fourier spectrum of the embedding (step {step})"),
            x_label: "frequency k".into(),
            y_label: "norm".into(),
            x0: -0.5,
            dx: 1.0,
            draw_text: true,
        };
        draw_bars(a, &spec, &rep.key_frequencies, &opts)
    });
    let hist: Vec<f64> = rep.ipr_hist.iter().map(|&v| v as f64).collect();
    canvas(IPR_ID, |a| {
        let opts = BarOpts {
            title: "Neuron IPR (low = memorizing)".into(),
            x_label: "IPR".into(),
            y_label: "neurons".into(),
            x0: 0.0,
            dx: 1.0 / IPR_BINS as f64,
            draw_text: true,
        };
        draw_bars(a, &hist, &[], &opts)
    });
    let text = logic::report_text(&rep);
    SUMMARY.with(|s| {
        if let Some(sig) = *s.borrow() {
            let _ = sig.try_set(text); // the panel may have been unmounted
        }
    });
    REPORT.with(|c| *c.borrow_mut() = Some((rep, *step)));
}

/// Forget the measures (new session).
pub fn clear() {
    REPORT.with(|c| *c.borrow_mut() = None);
    super::grokattn::clear();
}

fn css(c: (u8, u8, u8)) -> String {
    format!("background: rgb({}, {}, {})", c.0, c.1, c.2)
}

/// What the a × b table's colours mean (the boundary legend for `data=mod`).
pub fn table_legend() -> AnyView {
    view! {
        <span>"Row a, column b: "
            <i class="sw" style=css(TRAIN_OK)></i>" train right  "
            <i class="sw" style=css(TRAIN_WRONG)></i>" train wrong  "
            <i class="sw" style=css(TEST_OK)></i>" test right  "
            <i class="sw" style=css(TEST_WRONG)></i>" test wrong · black dot = corrupted training label (right = memorized)"
        </span>
    }
    .into_any()
}

/// The panel: spectrum, IPR histogram, read-out and the prune button.
#[component]
pub fn GrokPanel(exp: RwSignal<Experiment>, runner: StoredValue<Rc<RefCell<Runner>>, LocalStorage>) -> impl IntoView {
    let summary = RwSignal::new("Measures appear once the weights are read back.".to_string());
    SUMMARY.with(|s| *s.borrow_mut() = Some(summary));
    let k = RwSignal::new(None::<usize>);
    let result = RwSignal::new(Vec::<String>::new());
    let prune = move |_| {
        let rc = runner.get_value();
        let r = rc.borrow();
        let (Some(s), Some(layout)) = (r.session.as_ref(), r.layout.as_ref()) else { return };
        let Some(((params, _, _), step)) = r.latest.as_ref() else {
            result.set(vec!["No weights read back yet: train a few steps first.".into()]);
            return;
        };
        let p = modulus(exp.with_untracked(|e| e.p));
        let Some(rep) = Report::of(layout, params, p) else { return };
        let n = k.get_untracked().unwrap_or_else(|| rep.default_k());
        let out = progress::prune(layout, params, (&s.data.train, &s.data.test), &rep, n);
        result.set(match out {
            Some(pr) => {
                let mut lines = vec![format!("At step {step}:")];
                lines.extend(logic::prune_text(&pr));
                lines
            }
            None => vec!["This network's first hidden layer cannot be pruned (residual skip).".into()],
        });
    };
    let k_text = move || k.get().map(|v| v.to_string()).unwrap_or_default();
    view! {
        <section class="panel grok" id="grok-panel">
            <h2>"Grokking: progress measures"</h2>
            <div class="charts">
                <div class="chart"><canvas id=SPECTRUM_ID width="300" height="175"></canvas></div>
                <div class="chart"><canvas id=IPR_ID width="300" height="175"></canvas></div>
            </div>
            <div class="hint" id="grok-summary">{move || summary.get()}</div>
            <div class="row">
                <label>"Neurons to prune "
                    <input type="number" id="grok-prune-k" min="0" placeholder="auto" prop:value=k_text
                        on:change=move |ev| k.set(event_target_value(&ev).trim().parse::<usize>().ok()) />
                </label>
                <button id="grok-prune" title="Zero the outgoing weights of the lowest-IPR (memorizing) neurons of a copy of the weights and compare the accuracies"
                    on:click=prune>"Prune memorizing neurons"</button>
            </div>
            <ul id="grok-prune-result">{move || result.get().into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
        </section>
    }
}
