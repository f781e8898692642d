//! The data editor under the boundary plot (issue 4): click the plot to add a point of the chosen
//! class (shift-click: the next class), alt-click or "Erase" to remove the nearest drawn point,
//! "Clear" to start over; "Import CSV" loads points from a file, "Export CSV" downloads the
//! current session's data. Edits switch the experiment to `data=custom` and land in its `pts`,
//! so the link (written on every experiment change by `app.rs`) carries the drawing. The logic
//! lives in `dataedit_logic.rs` (unit-tested natively); here only the DOM.

use super::dataedit_logic as logic;
use super::runner::Runner;
use crate::core::data::csv;
use crate::experiment::{limits, Dataset, Experiment};
use crate::plot::boundary::class_color;
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};

/// Id of the canvas the boundary is drawn on (`app.rs`).
const CANVAS_ID: &str = "boundary";
/// Name of the exported file.
const EXPORT_NAME: &str = "grokpad-data.csv";

/// What the editor last said.
#[derive(Clone, Debug, PartialEq)]
enum Msg {
    None,
    Info(String),
    Error(String),
}

fn js_err(e: JsValue) -> String {
    e.as_string().unwrap_or_else(|| format!("{e:?}"))
}

/// Offer `text` as a file download named `name` (Blob, object URL, a clicked `<a download>`).
fn download(name: &str, text: &str) -> Result<(), String> {
    let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("text/csv");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(js_err)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(js_err)?;
    let a: web_sys::HtmlAnchorElement =
        doc.create_element("a").map_err(js_err)?.dyn_into().map_err(|_| "not an anchor".to_string())?;
    a.set_href(&url);
    a.set_download(name);
    a.set_hidden(true);
    let body = doc.body().ok_or("no body")?;
    body.append_child(&a).map_err(js_err)?;
    a.click();
    a.remove();
    // Revoked later: revoking at once can cancel the download in some browsers.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        Duration::from_secs(30),
    );
    Ok(())
}

/// Plane coordinates of a click on the boundary canvas, if it hit the plotted square.
fn click_position(ev: &web_sys::MouseEvent) -> Option<(f32, f32)> {
    let canvas: web_sys::HtmlCanvasElement = ev.target()?.dyn_into().ok()?;
    if canvas.id() != CANVAS_ID {
        return None;
    }
    let rect = canvas.get_bounding_client_rect();
    if rect.width() <= 0.0 || rect.height() <= 0.0 {
        return None;
    }
    // CSS pixels → canvas pixels (the canvas may be displayed scaled).
    let px = (ev.client_x() as f64 - rect.left()) * canvas.width() as f64 / rect.width();
    let py = (ev.client_y() as f64 - rect.top()) * canvas.height() as f64 / rect.height();
    logic::pixel_to_data(px, py, canvas.width(), canvas.height())
}

#[component]
pub fn DataEditor(exp: RwSignal<Experiment>, runner: StoredValue<Rc<RefCell<Runner>>, LocalStorage>) -> impl IntoView {
    let class = RwSignal::new(0u32);
    let erase = RwSignal::new(false);
    let msg = RwSignal::new(Msg::None);

    // Clicks on the boundary canvas, listened for on the window so the canvas stays app.rs's.
    let _ = window_event_listener(leptos::ev::click, move |ev| {
        let Some((x, y)) = click_position(&ev) else { return };
        let mut e = exp.get_untracked();
        // Only custom data is drawn on (a stray click must not replace a generated dataset);
        // a classroom link can hide drawing with `hide=pts`.
        if e.data != Dataset::Custom || e.hide.iter().any(|h| h == "pts") {
            return;
        }
        ev.prevent_default();
        if ev.alt_key() || erase.get_untracked() {
            if logic::erase_near(&mut e, x, y) {
                exp.set(e);
                msg.set(Msg::None);
            } else {
                msg.set(Msg::Info(format!("No drawn point within {} of ({x}, {y}).", logic::ERASE_RADIUS)));
            }
            return;
        }
        let c = if ev.shift_key() { logic::next_class(class.get_untracked(), &e.pts) } else { class.get_untracked() };
        match logic::add_point(&mut e, x, y, c) {
            Ok(()) => {
                exp.set(e);
                msg.set(Msg::None);
            }
            Err(m) => msg.set(Msg::Error(m)),
        }
    });

    let on_import = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        input.set_value(""); // so that choosing the same file again imports it again
        let name = file.name();
        leptos::task::spawn_local(async move {
            let text = match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(v) => v.as_string().unwrap_or_default(),
                Err(e) => {
                    msg.set(Msg::Error(format!("{name}: could not read the file ({})", js_err(e))));
                    return;
                }
            };
            // Drawn data is classification (x,y,class); the parser names any bad line.
            match csv::parse(&text, false) {
                Ok(p) => {
                    let mut e = exp.get_untracked();
                    let said = logic::import(&mut e, &p);
                    exp.set(e);
                    msg.set(Msg::Info(format!("{name}: {said}")));
                }
                Err(m) => msg.set(Msg::Error(format!("{name}: {m}. The data was not changed."))),
            }
        });
    };

    let on_export = move |_| {
        let rc = runner.get_value();
        let from_session = rc.borrow().session.as_ref().map(|s| csv::export(&s.data));
        // No session (still building, or refused): the same data, generated from the experiment.
        let text = from_session.unwrap_or_else(|| csv::export(&crate::core::data::make(&exp.get_untracked())));
        match download(EXPORT_NAME, &text) {
            Ok(()) => msg.set(Msg::Info(format!("Downloaded {EXPORT_NAME}."))),
            Err(m) => msg.set(Msg::Error(format!("Export failed: {m}"))),
        }
    };

    let on_clear = move |_| {
        exp.update(logic::clear);
        msg.set(Msg::None);
    };

    let picker = move || {
        let n = exp.with(|e| logic::picker_classes(&e.pts));
        (0..n)
            .map(|k| {
                let (r, g, b) = class_color(k as u8);
                view! {
                    <button id=format!("class-{k}") class="class-pick" title=format!("Draw class {k}")
                        aria-pressed=move || (class.get() == k).to_string()
                        style=move || format!(
                            "background: rgb({r},{g},{b}); color: #fff; min-width: 28px; {}",
                            if class.get() == k { "outline: 3px solid #333;" } else { "" })
                        on:click=move |_| class.set(k)>{k.to_string()}</button>
                }
            })
            .collect_view()
    };
    let count = move || {
        exp.with(|e| {
            if e.data == Dataset::Custom && e.pts.len() > limits::MAX_POINTS {
                format!("{} drawn points ({} in the link)", e.pts.len(), limits::MAX_POINTS)
            } else if e.data == Dataset::Custom {
                format!("{} / {} drawn points", e.pts.len(), limits::MAX_POINTS)
            } else {
                "Choose the custom dataset (Data panel) to draw your own points on the plot".to_string()
            }
        })
    };

    view! {
        <div id="data-editor" class="data-editor">
            <div class="class-picker">"Class " {picker}</div>
            <label class="check"><input type="checkbox" id="erase-mode"
                prop:checked=move || erase.get()
                on:change=move |ev| erase.set(event_target_checked(&ev)) />
                " Erase (or alt-click)"</label>
            <div class="editor-buttons">
                <button id="clear-points" title="Remove every drawn point" on:click=on_clear>"Clear"</button>
                <label class="import">"Import CSV "
                    <input type="file" id="import-data-csv" accept=".csv,text/csv" on:change=on_import /></label>
                <button id="export-data-csv" title="Download the current data (train and test) as CSV" on:click=on_export>"Export CSV"</button>
            </div>
            <div id="point-count" class="check">{count}</div>
            {move || exp.with(|e| (e.data == Dataset::Custom).then(|| logic::link_note(e.pts.len())).flatten()).map(|t| view! {
                <div id="link-note" class="notices" role="status">{t}
                    " "<button id="link-note-csv" on:click=on_export>"Export CSV"</button></div>
            })}
            {move || match msg.get() {
                Msg::None => ().into_any(),
                Msg::Info(t) => view! { <div id="dataedit-msg" class="check" role="status">{t}</div> }.into_any(),
                Msg::Error(t) => view! { <div id="dataedit-msg" class="error" role="alert">{t}</div> }.into_any(),
            }}
            <p class="check hint">"Click: add a point of the chosen class · shift-click: next class · alt-click: erase. Up to "
                {limits::MAX_POINTS} " points fit in the link; more (from a CSV file) train here and are kept as a CSV file."</p>
        </div>
    }
}
