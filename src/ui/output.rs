//! Pieces of the output panel: the boundary's legend (what the colours and rings mean for the
//! current data) and the PNG/SVG export buttons under each plot.

use super::draw;
use super::export;
use super::runner::Runner;
use super::widgets::is_hidden;
use crate::experiment::{limits, Dataset, Experiment, Point};
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
            if e.data.is_1d() {
                view! { <span><i class="sw" style=css(BLUE)></i>" data (ring = test)  "<i class="sw line" style=css(ORANGE)></i>" prediction along x"</span> }.into_any()
            } else if e.is_regression() {
                view! { <span>"Colour = value: "<i class="sw" style=css(ORANGE)></i>" −1 … "<i class="sw" style=css(BLUE)></i>" +1; background = prediction, dots = targets"</span> }.into_any()
            } else {
                let k = e.classes_out().max(2);
                let names: Vec<String> = if k == 2 && !e.uses_ce() {
                    vec!["class 0 (−1)".into(), "class 1 (+1)".into()]
                } else {
                    (0..k).map(|c| format!("class {c}")).collect()
                };
                view! { <span>{names.into_iter().enumerate().map(|(c, n)| view! { <i class="sw" style=css(class_color(c as u8))></i>{format!(" {n}  ")} }).collect_view()}
                    "· white ring = train, black ring = test"</span> }.into_any()
            }
        })
    };
    view! { <div class="legend" id="boundary-legend">{body}</div> }
}

/// Add (click) or remove (shift-click: the nearest point) a drawn point of class `class` at
/// canvas pixel (px, py) of a `w × h` boundary canvas (custom data; at most `MAX_POINTS`).
pub fn edit_point(e: &mut Experiment, (w, h): (u32, u32), (px, py): (f64, f64), class: u32, remove: bool) {
    let (left, top, side) = crate::plot::boundary::plot_square(w, h);
    let ext = crate::plot::boundary::EXTENT as f64;
    let x = ((px - left as f64) / side.max(1) as f64 * 2.0 - 1.0) * ext;
    let y = (1.0 - (py - top as f64) / side.max(1) as f64 * 2.0) * ext;
    if x.abs() > ext || y.abs() > ext {
        return;
    }
    let round = |v: f64| ((v * 100.0).round() / 100.0) as f32;
    if remove {
        let d = |p: &Point| (p.x as f64 - x).powi(2) + (p.y as f64 - y).powi(2);
        let near = e.pts.iter().enumerate().min_by(|a, b| d(a.1).total_cmp(&d(b.1))).map(|(i, _)| i);
        if let Some(i) = near {
            e.pts.remove(i);
        }
    } else if e.pts.len() < limits::MAX_POINTS {
        e.pts.push(Point { x: round(x), y: round(y), v: class as f32 });
    }
}

/// Drawing custom data: the class to draw, a hint, and a clear button.
#[component]
pub fn CustomPoints(exp: RwSignal<Experiment>, class: RwSignal<u32>) -> impl IntoView {
    view! {
        <Show when=move || exp.with(|e| e.data == Dataset::Custom && !is_hidden(e, "pts"))>
            <div class="custom-pts" id="pts">
                <span>"Click the plot to add a point of class "</span>
                {(0..limits::CLASSES.1).map(|c| view! {
                    <button class="cls" id=format!("pts-class-{c}") class:active=move || class.get() == c
                        style=css(class_color(c as u8)) on:click=move |_| class.set(c)>{c}</button>
                }).collect_view()}
                <span>"; shift-click removes the nearest. "</span>
                <span>{move || exp.with(|e| format!("{} / {} points ", e.pts.len(), limits::MAX_POINTS))}</span>
                <button id="pts-clear" on:click=move |_| exp.update(|e| e.pts.clear())>"Clear"</button>
            </div>
        </Show>
    }
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
