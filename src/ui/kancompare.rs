//! The page's KAN-vs-MLP panel (issue 7): for a `model=kan` link, the link's KAN and a
//! parameter-matched MLP (`kanvs`) train side by side while the run plays, then KANs of
//! several grid sizes and their matched MLPs, all in frame-sized pieces (`kanrun::KanVsMlp`,
//! as the sweep lab trains its points). These small models train on the wasm CPU path (the KAN
//! backend is the CPU reference; tiny MLPs are no faster on WebGPU), so the numbers equal the
//! CLI's; with `backend=webgpu` they train on WebGPU (`kanvs::gpu_backend`), as the link's run. Two charts: test RMSE (test error for classification) against steps, and against
//! parameter count (`plot::kanvs`).

use super::kanrun::KanVsMlp;
use super::kanvs::{cpu_backend, gpu_backend, Arch};
use super::runner::now_ms;
use crate::experiment::BackendChoice;
use crate::experiment::{Experiment, Model};
use crate::gpu::GpuContext;
use crate::plot::kanvs::{draw_scaling, draw_steps};
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use std::cell::RefCell;
use std::sync::Arc;

/// Milliseconds of comparison training per frame.
const FRAME_MS: f64 = 8.0;
/// Steps queued per piece.
const PIECE: usize = 64;
/// Charts are redrawn at most this often while training.
const DRAW_MS: f64 = 300.0;

struct Driver {
    /// The link the comparison belongs to (view keys and snaps do not restart it).
    key: Experiment,
    run: KanVsMlp,
    started: f64,
    finished: Option<f64>,
    drawn: f64,
}

thread_local! {
    static DRIVER: RefCell<Option<Driver>> = const { RefCell::new(None) };
    /// The panel's status line, while it is in the page.
    static STATUS: RefCell<Option<RwSignal<String>>> = const { RefCell::new(None) };
}

thread_local! {
    static GPU: RefCell<Option<Arc<GpuContext>>> = const { RefCell::new(None) };
}

/// The page's WebGPU context (none without WebGPU), used for `backend=webgpu` links.
pub fn set_gpu(gpu: Option<Arc<GpuContext>>) {
    GPU.with(|g| *g.borrow_mut() = gpu);
}

/// What the comparison of `e` depends on.
fn key(e: &Experiment) -> Experiment {
    let mut k = e.clone();
    (k.show_test, k.discretize, k.logx, k.hide) = (true, false, false, Vec::new());
    k.snap.clear();
    k.wedit.clear();
    k
}

/// One frame: (re)start for a new KAN link, train a piece while `running`, redraw (throttled),
/// update the status line. Nothing (and the comparison dropped) for other links.
pub fn after_frame(e: &Experiment, running: bool) {
    if e.model != Model::Kan {
        DRIVER.with(|d| *d.borrow_mut() = None);
        return;
    }
    let text = DRIVER.with(|d| {
        let mut d = d.borrow_mut();
        let k = key(e);
        if d.as_ref().is_none_or(|x| x.key != k) {
            let run = KanVsMlp::new(&k);
            *d = Some(Driver { key: k, run, started: now_ms(), finished: None, drawn: 0.0 });
        }
        let d = d.as_mut().expect("set above");
        if running && d.finished.is_none() {
            let t0 = now_ms();
            let gpu = GPU.with(|g| g.borrow().clone()).filter(|_| e.backend == BackendChoice::Webgpu);
            let mut make = |x: &Experiment| match &gpu {
                Some(c) => gpu_backend(c, x),
                None => cpu_backend(x),
            };
            while now_ms() - t0 < FRAME_MS {
                if !d.run.pump(PIECE, &mut make) {
                    d.finished = Some(now_ms());
                    break;
                }
            }
        }
        let due = now_ms() - d.drawn > DRAW_MS || d.finished.is_some_and(|f| f >= d.drawn);
        if due && draw(&d.run) {
            d.drawn = now_ms();
        }
        describe(d)
    });
    STATUS.with(|s| {
        if let Some(sig) = *s.borrow() {
            if sig.try_get_untracked().is_some_and(|t| t != text) {
                sig.try_set(text);
            }
        }
    });
}

fn describe(d: &Driver) -> String {
    let (done, total) = d.run.progress();
    let secs = (d.finished.unwrap_or_else(now_ms) - d.started) / 1000.0;
    let failed: Vec<String> =
        d.run.runs.iter().filter_map(|r| r.error.as_ref().map(|e| format!("{}: {e}", r.spec.label))).collect();
    let mut s = match d.finished {
        Some(_) => format!("Comparison done: {total} models, {secs:.1} s."),
        None => format!(
            "Comparison: {done} of {total} models trained ({} steps each); trains while the run plays.",
            d.run.steps
        ),
    };
    if !failed.is_empty() {
        s.push_str(&format!(" Failed: {}", failed.join("; ")));
    }
    s
}

/// Draw both charts; false when the canvases are not in the page.
fn draw(run: &KanVsMlp) -> bool {
    let metric = run.metric.label();
    let Some(backend) = CanvasBackend::new("kan-vs-mlp") else { return false };
    {
        let area = backend.into_drawing_area();
        let pair = run.pair();
        if let [kan, mlp] = pair.as_slice() {
            let k = (format!("{} ({} params)", kan.spec.label, kan.spec.params), &kan.curve[..]);
            let m = (format!("{} ({} params)", mlp.spec.label, mlp.spec.params), &mlp.curve[..]);
            if let Err(e) = draw_steps(&area, (&k.0, k.1), (&m.0, m.1), metric, true) {
                log::warn!("KAN vs MLP chart: {e}");
            }
        }
        let _ = area.present();
    }
    if let Some(backend) = CanvasBackend::new("kan-scaling") {
        let area = backend.into_drawing_area();
        if let Err(e) = draw_scaling(&area, &run.scaling(Arch::Kan), &run.scaling(Arch::Mlp), metric, true) {
            log::warn!("KAN scaling chart: {e}");
        }
        let _ = area.present();
    }
    true
}

/// The panel: both charts and the status line.
#[component]
pub fn KanVsMlpPanel() -> impl IntoView {
    let status = RwSignal::new(String::new());
    STATUS.with(|s| *s.borrow_mut() = Some(status));
    // Drawn again as soon as the canvases exist.
    DRIVER.with(|d| d.borrow_mut().as_mut().map(|d| d.drawn = 0.0));
    view! {
        <section class="panel kan-vs-mlp" id="kan-vs-mlp-panel">
            <h2>"KAN vs MLP at equal parameters"</h2>
            <p class="hint">"The same data, optimizer and steps: this link's KAN and an MLP whose width is chosen so its \
                parameter count matches (as many hidden layers); then KANs on grids of 3–50 intervals and an MLP matched to each."</p>
            <p id="kan-vs-mlp-status" class="status-line">{move || status.get()}</p>
            <div class="row sweep-charts">
                <canvas id="kan-vs-mlp" width="460" height="300"></canvas>
                <canvas id="kan-scaling" width="460" height="300"></canvas>
            </div>
        </section>
    }
}
