//! Exports: plots as PNG (the canvas' own pixels, `canvas.toBlob`) and SVG (the same drawing
//! through plotters' SVG backend), curves as CSV and JSON (the history rows), and the model
//! (experiment, its URL and every model's parameters) as JSON. Files are handed to the browser
//! as Blob downloads; nothing leaves the page.

use crate::engine::ParamState;
use crate::experiment::{url, Experiment};
use crate::train::history::Row;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Offer `bytes` (already text) as a download named `name`.
pub fn download_text(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(|e| format!("{e:?}"))?;
    download_blob(name, &blob)
}

fn download_blob(name: &str, blob: &web_sys::Blob) -> Result<(), String> {
    let err = |e: JsValue| format!("{e:?}");
    let href = web_sys::Url::create_object_url_with_blob(blob).map_err(err)?;
    let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = doc.create_element("a").map_err(err)?.unchecked_into();
    a.set_href(&href);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&href);
    Ok(())
}

/// Download canvas `id` as a PNG named `name`.
pub fn download_png(id: &str, name: &str) -> Result<(), String> {
    let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let canvas: web_sys::HtmlCanvasElement =
        doc.get_element_by_id(id).ok_or("no canvas")?.dyn_into().map_err(|_| "not a canvas")?;
    let name = name.to_string();
    let cb = Closure::once_into_js(move |blob: Option<web_sys::Blob>| {
        if let Some(b) = blob {
            if let Err(e) = download_blob(&name, &b) {
                log::warn!("png export: {e}");
            }
        }
    });
    canvas.to_blob(cb.unchecked_ref()).map_err(|e| format!("{e:?}"))
}

/// Download the curves as JSON (`json`) or CSV.
pub fn curves(e: &Experiment, rows: &[Row], json: bool) -> Result<(), String> {
    if json {
        download_text("grokpad-curves.json", "application/json", &curves_json(e, rows))
    } else {
        download_text("grokpad-curves.csv", "text/csv", &curves_csv(rows))
    }
}

/// The curves as CSV: one row per recorded step.
pub fn curves_csv(rows: &[Row]) -> String {
    let mut s = String::from("step,train_loss,test_loss,train_acc,test_acc\n");
    for r in rows {
        s.push_str(&format!("{},{},{},{},{}\n", r.step, r.train_loss, r.test_loss, r.train_acc, r.test_acc));
    }
    s
}

/// Non-finite floats become `null` in JSON.
fn jf(v: f32) -> serde_json::Value {
    serde_json::Number::from_f64(v as f64).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

/// The curves as JSON: the experiment's URL and one object per recorded step.
pub fn curves_json(e: &Experiment, rows: &[Row]) -> String {
    if rows.iter().any(|r| r.noisy_acc.is_finite()) {
        // Label noise: the CLI's `history` rows (clean / flipped training accuracy, weight norm).
        return serde_json::json!({"url": url::encode(e), "rows": crate::train::history::rows_json(rows)}).to_string();
    }
    let rows: Vec<_> = rows
        .iter()
        .map(|r| {
            serde_json::json!({"step": r.step, "train_loss": jf(r.train_loss), "test_loss": jf(r.test_loss),
                "train_acc": jf(r.train_acc), "test_acc": jf(r.test_acc)})
        })
        .collect();
    serde_json::json!({"url": url::encode(e), "rows": rows}).to_string()
}

/// The model as JSON: experiment, URL, step, layer widths and each model's flat parameters
/// (per layer: weights [in, out] row-major, then biases [out]).
pub fn model_json(e: &Experiment, state: &ParamState, step: u64) -> String {
    let models = e.seeds.max(1) as usize;
    let p = state.0.len() / models.max(1);
    let params: Vec<Vec<serde_json::Value>> =
        state.0.chunks(p.max(1)).map(|c| c.iter().map(|&v| jf(v)).collect()).collect();
    serde_json::json!({
        "experiment": e,
        "url": url::encode(e),
        "step": step,
        "widths": e.widths(),
        "layout": "per model, per layer: weights [in, out] row-major, then biases [out]",
        "params": params,
    })
    .to_string()
}
