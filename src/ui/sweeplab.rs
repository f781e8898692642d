//! The page's sweep lab (issue 5): the sweep axis and its values as controls (URL keys `sweep`,
//! `sweep_values`, `sweep2`, `sweep2_values`), a driver that trains every point of the sweep in
//! frame-sized pieces (`sweep::run::SweepRun`, all models of a group on one backend: WebGPU
//! when the page has it, else the wasm CPU; KANs as their single runs do, on WebGPU only for
//! `backend=webgpu` and plain B-spline KANs; token models on the CPU reference), or solves a random-features sweep in closed form
//! (`frozen=1`, `sweep::frozen`), and its two charts: error vs the axis with the interpolation
//! threshold (model-wise double descent; Nakkiran et al. 2020, Belkin et al. 2019) and the
//! axis × steps heatmap or two-axis phase diagram (`sweep::view`).

use super::runner::now_ms;
use super::widgets::{key, select};
use crate::engine::Backend;
use crate::experiment::sweepkeys::SWEEP;
use crate::experiment::{url, BackendChoice, Experiment, Model, SweepAxis};
use crate::gpu::{GpuBackend, GpuContext};
use crate::plot::sweep::{draw_heatmap, draw_sweep_error, ErrorOpts};
use crate::sweep::frozen::FrozenPoint;
use crate::sweep::models::{cpu_backend, ModelSetup};
use crate::sweep::run::SweepRun;
use crate::sweep::view::{self, SweepCharts};
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use std::cell::RefCell;
use std::sync::Arc;

/// Milliseconds of sweep work per frame.
const FRAME_MS: f64 = 12.0;
/// Charts are redrawn at most this often while the sweep trains.
const DRAW_MS: f64 = 250.0;

enum Work {
    Train(Box<SweepRun>),
    Frozen(Vec<FrozenPoint>),
}

struct Driver {
    exp: Experiment,
    work: Work,
    gpu: Option<Arc<GpuContext>>,
    started: f64,
    finished: Option<f64>,
    drawn: f64,
    error: Option<String>,
}

thread_local! {
    static DRIVER: RefCell<Option<Driver>> = const { RefCell::new(None) };
}

/// Start (or stop, for a URL without a sweep) the sweep of `e`; `gpu`: the page's WebGPU
/// context when training runs there.
pub fn start(e: &Experiment, gpu: Option<Arc<GpuContext>>) {
    let d = crate::sweep::is_sweep(e).then(|| {
        let t = now_ms();
        let (work, error) = if e.frozen {
            match crate::sweep::frozen::fit_all(e) {
                Ok(p) => (Work::Frozen(p), None),
                Err(m) => (Work::Frozen(vec![]), Some(m)),
            }
        } else {
            (Work::Train(Box::new(SweepRun::with_padding(e, gpu.is_some()))), None)
        };
        // KANs train on WebGPU only when the link asks for it and the GPU path supports them
        // (as `runner::Runner::build`); token models on WebGPU unless the link asks for the CPU.
        let gpu = match e.model {
            Model::Mlp => gpu,
            Model::Kan => gpu.filter(|_| e.backend == BackendChoice::Webgpu && crate::gpu::kan::gpu_supports(e)),
            Model::Emb | Model::Tfm => gpu.filter(|_| e.backend != BackendChoice::Cpu),
        };
        let finished = matches!(work, Work::Frozen(_)).then(now_ms);
        Driver { exp: e.clone(), work, gpu, started: t, finished, drawn: 0.0, error }
    });
    DRIVER.with(|s| *s.borrow_mut() = d);
}

/// Whether a sweep replaces the single run on the page.
pub fn active() -> bool {
    DRIVER.with(|s| s.borrow().is_some())
}

/// One frame of sweep work (none while paused), then the charts (throttled) and the status text.
pub fn after_frame(status: RwSignal<String>, running: bool) {
    let redraw = DRIVER.with(|s| {
        let mut s = s.borrow_mut();
        let Some(d) = s.as_mut() else { return false };
        if let (Work::Train(run), None, None, true) = (&mut d.work, d.finished, &d.error, running) {
            let gpu = d.gpu.clone();
            let mut factory = |_: &Experiment, setup: ModelSetup| -> Result<Box<dyn Backend>, String> {
                if !setup.has_train() {
                    return Err("no training points: custom data needs drawn points".into());
                }
                match (&gpu, setup) {
                    (Some(c), ModelSetup::Mlp(s)) => Ok(Box::new(GpuBackend::new(c.clone(), s, 0)?)),
                    (Some(c), ModelSetup::Kan(s)) => Ok(Box::new(crate::gpu::kan::KanGpu::new(c.clone(), s, 0)?)),
                    (Some(c), ModelSetup::Tfm(s)) => Ok(Box::new(crate::gpu::tfm::TfmGpu::new(c.clone(), s, 0)?)),
                    (_, s) => Ok(cpu_backend(s)),
                }
            };
            let t0 = now_ms();
            let budget = if gpu.is_some() { 256 } else { 16 };
            while now_ms() - t0 < FRAME_MS {
                match run.pump_any(budget, &mut factory) {
                    Ok(true) => {}
                    Ok(false) => {
                        d.finished = Some(now_ms());
                        break;
                    }
                    Err(m) => {
                        d.error = Some(m);
                        break;
                    }
                }
                if run.backend().is_some_and(|b| b.busy()) {
                    break;
                }
            }
        }
        status.set(describe(d));
        let due = now_ms() - d.drawn > DRAW_MS || d.finished.is_some_and(|f| f >= d.drawn);
        if due {
            d.drawn = now_ms();
        }
        due
    });
    if redraw && !draw() {
        // The canvases are not in the page yet: try again next frame.
        DRIVER.with(|s| {
            if let Some(d) = s.borrow_mut().as_mut() {
                d.drawn = 0.0;
            }
        });
    }
}

fn describe(d: &Driver) -> String {
    if let Some(m) = &d.error {
        return format!("Sweep stopped: {m}");
    }
    let secs = (d.finished.unwrap_or_else(now_ms) - d.started) / 1000.0;
    match &d.work {
        Work::Frozen(p) => format!("{} random-features fits solved in closed form in {secs:.2} s.", p.len()),
        Work::Train(run) => {
            let (done, total) = run.progress();
            let n = run.points.len();
            let groups = run.group_count();
            let state = if d.finished.is_some() { "done" } else { "training" };
            format!(
                "Sweep {state}: {n} points in {groups} group(s) of models trained together, {done} of {total} \
                 group-steps, {secs:.1} s."
            )
        }
    }
}

fn charts() -> Option<SweepCharts> {
    DRIVER.with(|s| {
        s.borrow().as_ref().map(|d| match &d.work {
            Work::Train(run) => view::from_run(run),
            Work::Frozen(p) => view::from_frozen(&d.exp, p),
        })
    })
}

/// Draw both sweep charts on their canvases; false when they are not in the page.
pub fn draw() -> bool {
    let Some(c) = charts() else { return true };
    let Some(backend) = CanvasBackend::new("sweep-error") else { return false };
    {
        let area = backend.into_drawing_area();
        let opts = ErrorOpts {
            title: c.title.clone(),
            x_label: c.axis.clone(),
            log_x: c.log_x,
            threshold: c.threshold,
            draw_text: true,
        };
        if let Err(e) = draw_sweep_error(&area, &c.train, &c.test, &opts) {
            log::warn!("sweep chart: {e}");
        }
        let _ = area.present();
    }
    if let Some(backend) = CanvasBackend::new("sweep-heat") {
        let area = backend.into_drawing_area();
        match &c.heat {
            Some(h) => {
                if let Err(e) = draw_heatmap(&area, h) {
                    log::warn!("sweep heatmap: {e}");
                }
            }
            None => {
                let _ = area.fill(&WHITE);
                let style = ("sans-serif", 13.0).into_font().color(&RGBColor(90, 90, 90));
                for (i, line) in [
                    "Solved in closed form: no training steps,",
                    "so no epoch-wise heatmap. Add a second axis",
                    "(e.g. n) for a phase diagram.",
                ]
                .iter()
                .enumerate()
                {
                    let _ = area.draw(&Text::new(*line, (20, 30 + 20 * i as i32), style.clone()));
                }
            }
        }
        let _ = area.present();
    }
    true
}

/// `raw` as the values of `axis` (validated as the URL decoder does; bad entries dropped).
fn parse_values(axis: SweepAxis, raw: &str) -> Vec<f64> {
    let q = format!("v=1&sweep={}&sweep_values={}", axis.name(), raw.replace('&', ""));
    url::decode(&q).experiment.sweep_values
}

/// The sweep panel: axis, values, second axis, the charts and the status line.
#[component]
pub fn SweepPanel(exp: RwSignal<Experiment>, status: RwSignal<String>) -> impl IntoView {
    let on = move || exp.with(crate::sweep::is_sweep);
    let values = move |second: bool| {
        exp.with(|e| {
            let v = if second { &e.sweep2_values } else { &e.sweep_values };
            v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(",")
        })
    };
    let set_values = move |second: bool, raw: String| {
        exp.update(|e| {
            if second {
                e.sweep2_values = parse_values(e.sweep2, &raw);
            } else {
                e.sweep_values = parse_values(e.sweep, &raw);
            }
        })
    };
    view! {
        <section class="panel sweep" id="sweep-panel">
            <h2>"Sweep: many models at once"</h2>
            <div class="row">
                {select(key(exp, "sweep", "Axis"), SWEEP, |e| e.sweep, |e, v| e.sweep = v)}
                <label class="ctl wide" title="Values of the axis, comma-separated">"Values"
                    <input type="text" id="sweep_values" prop:value=move || values(false)
                        on:change=move |ev| set_values(false, event_target_value(&ev)) />
                </label>
                {select(key(exp, "sweep2", "Second axis"), SWEEP, |e| e.sweep2, |e, v| e.sweep2 = v)}
                <label class="ctl wide" title="Values of the second axis (phase diagram)">"Values 2"
                    <input type="text" id="sweep2_values" prop:value=move || values(true)
                        on:change=move |ev| set_values(true, event_target_value(&ev)) />
                </label>
            </div>
            <Show when=on fallback=|| view! {
                <p class="hint">"Pick an axis (width, depth, n, train, flip, wd, lr, alpha or seed; grid for KANs; \
                    corrupt for data=mod and digits) and its values: every value trains as its own model, together \
                    on the GPU where possible, and the charts show final error against the axis and test error over \
                    axis × steps. KANs sweep all but alpha; emb and tfm sweep seed, lr, wd, train and corrupt. Try \
                    the double-descent presets."</p>
            }>
                <p id="sweep-status" class="status-line">{move || status.get()}</p>
                <div class="row sweep-charts">
                    <canvas id="sweep-error" width="460" height="300"></canvas>
                    <canvas id="sweep-heat" width="460" height="300"></canvas>
                </div>
            </Show>
        </section>
    }
}
