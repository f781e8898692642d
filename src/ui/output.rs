//! Pieces of the output panel: the boundary's legend (what the colours and rings mean for the
//! current data) and the PNG/SVG export buttons under each plot.

use super::draw;
use super::export;
use super::runner::Runner;
use crate::experiment::Experiment;
use crate::plot::boundary::{class_color, BLUE, ORANGE};
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

fn css(c: (u8, u8, u8)) -> String {
    format!("background: rgb({}, {}, {})", c.0, c.1, c.2)
}

/// What the boundary plot's colours mean, for the current data.
#[component]
pub fn BoundaryLegend(exp: RwSignal<Experiment>) -> impl IntoView {
    let body = move || {
        exp.with(|e| {
            if super::grok::shown(e) {
                super::grok::table_legend()
            } else if e.data.is_1d() {
                view! { <span><i class="sw" style=css(BLUE)></i>" data (ring = test)  "<i class="sw line" style=css(ORANGE)></i>" prediction along x"</span> }.into_any()
            } else if e.is_regression() {
                view! { <span>"Colour = value: "<i class="sw" style=css(ORANGE)></i>" −1 … "<i class="sw" style=css(BLUE)></i>" +1; background = prediction, dots = targets"</span> }.into_any()
            } else {
                let k = e.classes_out().max(2);
                let names: Vec<String> = if k == 2 && e.outputs() == 1 {
                    vec!["class 0 (−1)".into(), "class 1 (+1)".into()]
                } else {
                    (0..k).map(|c| format!("class {c}")).collect()
                };
                let probs = super::netview::shows_probs(e).then_some(" · background: class probabilities (mixed where unsure, paler = less sure)");
                let noisy = (e.flip > 0.0 || e.corrupt > 0.0)
                    .then_some(" · dark outer ring = flipped training label · red ring = the model predicts a class other than the point's true label");
                view! { <span>{names.into_iter().enumerate().map(|(c, n)| view! { <i class="sw" style=css(class_color(c as u8))></i>{format!(" {n}  ")} }).collect_view()}
                    "· white ring = train, black ring = test" {probs} {noisy}</span> }.into_any()
            }
        })
    };
    view! { <div class="legend" id="boundary-legend">{body}</div> }
}

/// PNG and SVG buttons for the plot on canvas `id`.
#[component]
pub fn ExportButtons(
    id: &'static str,
    runner: StoredValue<Rc<RefCell<Runner>>, LocalStorage>,
    exp: RwSignal<Experiment>,
) -> impl IntoView {
    let png = move |_| {
        if let Err(e) = export::download_png(id, &format!("grokpad-{id}.png")) {
            log::warn!("png export: {e}");
        }
    };
    let svg = move |_| {
        let rc = runner.get_value();
        let r = rc.borrow();
        let Some(s) = r.session.as_ref() else { return };
        let size = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlCanvasElement>(el).ok())
            .map_or((300, 300), |c| (c.width(), c.height()));
        let e = exp.get_untracked();
        match draw::svg(id, s, &e, size) {
            Ok(text) => {
                if let Err(err) = export::download_text(&format!("grokpad-{id}.svg"), "image/svg+xml", &text) {
                    log::warn!("svg export: {err}");
                }
            }
            Err(err) => log::warn!("svg export: {err}"),
        }
    };
    view! {
        <div class="row exports">
            <button id=format!("{id}-png") title="Download this plot as PNG" on:click=png>"PNG"</button>
            <button id=format!("{id}-svg") title="Download this plot as SVG" on:click=svg>"SVG"</button>
        </div>
    }
}
