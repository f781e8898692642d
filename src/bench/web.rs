//! The bench page's Grokpad side (wasm): JavaScript calls `bench_workload` for a workload's spec
//! and data (so TF.js trains on the very same points) and `bench_grokpad` to time Grokpad on
//! WebGPU or its wasm CPU path — warm-up excluded, median of the repeats, metrics read back
//! about every 100 ms as the app does, no drawing.

// wasm is single-threaded: the GPU context is shared with `Arc` as natively, though not `Send`.
#![allow(clippy::arc_with_non_send_sync)]

use super::{median, session, workload, Part, Row};
use crate::gpu::GpuContext;
use crate::train::Session;
use std::sync::Arc;
use wasm_bindgen::prelude::*;

pub(super) fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Give the browser's event loop a turn (map callbacks only resolve there).
pub(super) async fn yield_now() {
    let p = js_sys::Promise::new(&mut |res, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback(&res);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

/// Wait until every submitted step has run, as TF.js's final `await loss.data()` does: the
/// queue drains (metric readbacks already requested are collected), no extra evaluation.
async fn finish(s: &mut Session) -> Result<(), String> {
    loop {
        if let Some(Err(e)) = s.pump() {
            return Err(e);
        }
        if s.backend.idle() {
            return Ok(());
        }
        yield_now().await;
    }
}

async fn timed(s: &mut Session, steps: u64, gpu: bool) -> Result<f64, String> {
    let t0 = now();
    let target = s.backend.steps() + steps;
    // Metrics at the app's cadence (`train::cadence`), starting 100 ms in.
    let mut cadence = s.cadence(false);
    cadence.requested(t0, s.backend.steps());
    while s.backend.steps() < target {
        if gpu && s.backend.busy() {
            yield_now().await;
            continue;
        }
        s.train((target - s.backend.steps()).min(256) as usize);
        let step = s.backend.steps();
        if cadence.due(now(), step, true) && s.backend.request_snapshot(false) {
            cadence.requested(now(), step);
        }
        if let Some(Err(e)) = s.pump() {
            return Err(e);
        }
        if gpu {
            yield_now().await;
        }
    }
    finish(s).await?;
    Ok((now() - t0) / 1000.0)
}

/// `{spec, x, y, inputs, classes}` of a workload: the training split as flat arrays.
#[wasm_bindgen]
pub fn bench_workload(name: &str) -> Result<JsValue, JsValue> {
    let w = workload(name).ok_or_else(|| JsValue::from_str(&format!("unknown workload {name}")))?;
    let o = js_sys::Object::new();
    let spec = serde_json::to_string(&w.spec).map_err(|e| JsValue::from_str(&e.to_string()))?;
    js_sys::Reflect::set(&o, &"spec".into(), &js_sys::JSON::parse(&spec)?)?;
    js_sys::Reflect::set(&o, &"x".into(), &js_sys::Float32Array::from(&w.data.train.x[..]))?;
    js_sys::Reflect::set(&o, &"y".into(), &js_sys::Uint8Array::from(&w.data.train.y[..]))?;
    Ok(o.into())
}

/// Time Grokpad on `backend` ("webgpu" | "cpu"); returns a JSON row
/// `{workload, engine, backend, adapter, steps_per_s, samples}`.
/// `steps` overrides the spec's steps per repeat (0 = the spec's; the quick CI smoke run).
#[wasm_bindgen]
pub async fn bench_grokpad(
    name: String,
    backend: String,
    repeats: u32,
    sequential: bool,
    steps: u32,
) -> Result<String, JsValue> {
    run(&name, &backend, repeats.max(1) as usize, sequential, steps).await.map_err(|e| JsValue::from_str(&e))
}

async fn run(name: &str, backend: &str, repeats: usize, sequential: bool, steps: u32) -> Result<String, String> {
    let mut w = workload(name).ok_or_else(|| format!("unknown workload {name}"))?;
    if steps > 0 {
        w.spec.steps = steps as u64;
    }
    let ctx = if backend == "webgpu" { Some(Arc::new(GpuContext::new().await?)) } else { None };
    let gpu = ctx.is_some();
    let (m, steps) = (w.spec.models, w.spec.steps);
    let mut samples = vec![];
    if sequential {
        let mut ss: Vec<Session> =
            (0..m).map(|k| session(&w, Part::Member(k), ctx.as_ref())).collect::<Result<_, _>>()?;
        for s in ss.iter_mut() {
            timed(s, steps.min(50), gpu).await?;
        }
        for _ in 0..repeats {
            let mut secs = 0.0;
            for s in ss.iter_mut() {
                secs += timed(s, steps, gpu).await?;
            }
            samples.push((m as u64 * steps) as f64 / secs);
        }
    } else {
        let mut s = session(&w, Part::All, ctx.as_ref())?;
        timed(&mut s, (steps / 4).max(1), gpu).await?;
        for _ in 0..repeats {
            let secs = timed(&mut s, steps, gpu).await?;
            samples.push((m as u64 * steps) as f64 / secs);
        }
    }
    let adapter = ctx.as_ref().map_or("CPU (wasm)".to_string(), |c| c.label.clone());
    let workload = if sequential { format!("{name}-sequential") } else { name.to_string() };
    let row =
        Row { workload, engine: "grokpad", backend: backend.into(), adapter, steps_per_s: median(&samples), samples };
    serde_json::to_string(&row).map_err(|e| e.to_string())
}
