//! The bench page's token-model timer (wasm): `bench_token(url, backend, steps)` trains the
//! transformer or embedding MLP of a share link (e.g. the `grok-nanda` preset, Nanda et al. 2023)
//! for `steps` steps on WebGPU (`gpu::tfm::TfmGpu`) or the wasm CPU reference
//! (`engine::tfm::TfmCpu`), after one warm-up step, and returns the rate as JSON. Issue 6 asks
//! for the Nanda preset's steps/s on both in headless Chromium; the app itself refuses models
//! this large on the CPU (a blocking multi-second step would freeze the tab), so this page-only
//! timer is where the CPU number comes from. No drawing, no metric readbacks.

// wasm is single-threaded: the GPU context is shared with `Arc` as natively, though not `Send`.
#![allow(clippy::arc_with_non_send_sync)]

use super::web::{now, yield_now};
use crate::engine::Backend;
use crate::gpu::GpuContext;
use crate::train::Session;
use std::sync::Arc;
use wasm_bindgen::prelude::*;

/// Run `n` more steps and wait until they have run (the GPU queue drained).
async fn steps(s: &mut Session, n: usize) -> Result<(), String> {
    let target = s.backend.steps() + n as u64;
    while s.backend.steps() < target {
        while s.backend.busy() {
            yield_now().await;
        }
        s.train((target - s.backend.steps()) as usize);
        if let Some(Err(e)) = s.pump() {
            return Err(e);
        }
    }
    while !s.backend.idle() {
        if let Some(Err(e)) = s.pump() {
            return Err(e);
        }
        yield_now().await;
    }
    Ok(())
}

/// Time the token model of `url` on `backend` ("webgpu" | "cpu") for `steps` steps after one
/// warm-up step. Returns `{url, backend, adapter, gflop_per_step, warmup_s, steps, secs,
/// steps_per_s}`; an error (not a token model, too large, no WebGPU) as a rejected promise.
#[wasm_bindgen]
pub async fn bench_token(url: String, backend: String, steps: u32) -> Result<String, JsValue> {
    run(&url, &backend, steps.max(1) as usize).await.map_err(|e| JsValue::from_str(&e))
}

async fn run(url: &str, backend: &str, n: usize) -> Result<String, String> {
    let e = crate::experiment::url::decode(url).experiment;
    if !matches!(e.model, crate::experiment::Model::Emb | crate::experiment::Model::Tfm) {
        return Err("bench_token times token models only (model=emb or model=tfm)".into());
    }
    let (d, s) = crate::engine::tfm::setup(&e)?;
    crate::engine::tfm::check_size(&s)?;
    let gflop = s.net.flops(s.batch.min(s.train.len()).max(1), true) / 1e9;
    let (b, adapter): (Box<dyn Backend>, String) = if backend == "webgpu" {
        let ctx = Arc::new(GpuContext::new().await?);
        let label = ctx.label.clone();
        (Box::new(crate::gpu::tfm::TfmGpu::new(ctx, s, 0)?), label)
    } else {
        (Box::new(crate::engine::tfm::TfmCpu::new(s, 0)), "CPU (wasm)".into())
    };
    let mut s = Session::new(e, d, b, 0);
    let t0 = now();
    steps(&mut s, 1).await?;
    let t1 = now();
    steps(&mut s, n).await?;
    let secs = (now() - t1) / 1000.0;
    let row = serde_json::json!({
        "url": url,
        "backend": backend,
        "adapter": adapter,
        "gflop_per_step": gflop,
        "warmup_s": (t1 - t0) / 1000.0,
        "steps": n,
        "secs": secs,
        "steps_per_s": n as f64 / secs,
    });
    Ok(row.to_string())
}
