//! In-browser GPU-vs-CPU parity (DESIGN.md §5 layer 3, run in headless Chromium): the same
//! experiment trained K steps on WebGPU and on the CPU reference, weights and metrics compared
//! with the tolerance of `tests/gpu_parity.rs` (|Δw| ≤ 1e-4 + 1e-3·|w|). Covers the fused path and
//! the per-op plan (every kernel: gather, dense fwd/bwd, loss head, SGD/Adam, evaluation).

// wasm is single-threaded: the GPU context is shared with `Arc` as natively, though not `Send`.
#![allow(clippy::arc_with_non_send_sync)]

use crate::core::check::close;
use crate::engine::cpu::CpuBackend;
use crate::experiment::url;
use crate::gpu::{GpuBackend, GpuContext};
use crate::train::{setup, Session};
use std::sync::Arc;
use wasm_bindgen::prelude::*;

/// Experiments checked: TFP default (fused, SGD), relu CE Adam (fused), 64-wide (per-op plan),
/// and the issue-4 kernels on the per-op plan: gelu/sin layers with residuals, dropout, label
/// smoothing, Nesterov momentum, clipping, L1, gradient noise and muP; hourglass blocks with silu
/// on 1-D regression with a cosine schedule; 4-class rings through features, random Fourier
/// features, leaky relu, AdamW, NTK and two seeds.
pub const CASES: &[&str] = &[
    "v=1",
    "v=1&data=xor&layers=16,16&act=relu&loss=ce&opt=adam&lr=0.01&bs=32&wd=0.01",
    "v=1&data=spiral&layers=64,64&act=sigmoid&loss=ce&opt=adam&lr=0.01&bs=100&l2=0.001",
    "v=1&data=moons&layers=8,8&act=gelu&resid=1&loss=ce&opt=momentum&lr=0.05&nesterov=1&dropout=0.2&smooth=0.1&init=mup",
    "v=1&data=moons&layers=8,8&act=sin&w0=2&lr=0.05",
    "v=1&data=moons&layers=8,8&act=relu&lr=0.05&clip=1&l1=0.001",
    "v=1&data=moons&layers=8,8&act=relu&lr=0.05&gnoise=0.01",
    "v=1&data=sines&layers=16,16&act=silu&hourglass=4&opt=adam&lr=0.01&sched=cosine&warmup=10&bs=50",
    "v=1&data=rings&classes=4&features=x,y,x2,y2&rff=4&layers=8&act=leaky&loss=ce&opt=adamw&wd=0.01&init=ntk&seeds=2",
];

async fn yield_now() {
    let p = js_sys::Promise::new(&mut |res, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback(&res);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

async fn check(ctx: &Arc<GpuContext>, hash: &str, steps: usize) -> Result<String, String> {
    let e = url::decode(hash).experiment;
    let (d, s) = setup(&e);
    let gpu = GpuBackend::new(ctx.clone(), s.clone(), 0)?;
    let fused = gpu.is_fused();
    let mut g = Session::new(e.clone(), d.clone(), Box::new(gpu), 0);
    let mut c = Session::new(e.clone(), d, Box::new(CpuBackend::new(s, 0)), 0);
    g.train(steps);
    c.train(steps);
    while !g.backend.request_params() {
        yield_now().await;
    }
    let (gw, gm, gv) = loop {
        match g.backend.poll_params() {
            Some(r) => break r?,
            None => yield_now().await,
        }
    };
    c.backend.request_params();
    let (cw, cm, cv) = c.backend.poll_params().ok_or("cpu params")??;
    close("weights", &gw, &cw, 1e-3, 1e-4)?;
    close("adam m", &gm, &cm, 1e-3, 1e-4)?;
    close("adam v", &gv, &cv, 1e-3, 1e-6)?;
    let max = gw.iter().zip(&cw).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
    g.backend.request_snapshot(false);
    let gs = loop {
        match g.pump() {
            Some(r) => break r?,
            None => yield_now().await,
        }
    };
    c.backend.request_snapshot(false);
    let cs = c.pump().ok_or("cpu snapshot")??;
    close("train loss", &[gs.train[0].loss], &[cs.train[0].loss], 1e-3, 1e-4)?;
    close("test loss", &[gs.test[0].loss], &[cs.test[0].loss], 1e-3, 1e-4)?;
    Ok(format!("{hash}: {} path, {steps} steps, max |Δw| {max:.2e}", if fused { "fused" } else { "per-op" }))
}

/// One experiment on WebGPU vs the CPU (for investigating a case by hand in the page).
#[wasm_bindgen]
pub async fn grokpad_parity_case(hash: String, steps: u32) -> Result<String, JsValue> {
    let ctx = Arc::new(GpuContext::new().await.map_err(|e| JsValue::from_str(&e))?);
    check(&ctx, &hash, steps.max(1) as usize).await.map_err(|e| JsValue::from_str(&format!("{hash}: {e}")))
}

/// Run every case on WebGPU vs the CPU; resolves to a report line per case, rejects on the first
/// mismatch (with the offending value).
#[wasm_bindgen]
pub async fn grokpad_parity_check(steps: u32) -> Result<String, JsValue> {
    let ctx = Arc::new(GpuContext::new().await.map_err(|e| JsValue::from_str(&e))?);
    let mut out = vec![format!("adapter: {}", ctx.label)];
    for h in CASES {
        out.push(check(&ctx, h, steps.max(1) as usize).await.map_err(|e| JsValue::from_str(&format!("{h}: {e}")))?);
    }
    Ok(out.join("\n"))
}
