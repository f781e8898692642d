//! The page: one reactive `Experiment` mirrored into the URL hash (replaceState), the control
//! panels, the boundary and curve canvases, and the status line (backend, steps/s).
//! An edit that can apply live (learning rate, L2) does; a view edit only redraws; any other
//! edit rebuilds the session from the seed, so the URL always reproduces what is on screen.

use super::controls::{DataPanel, FeaturesPanel, ViewPanel};
use super::dataedit::DataEditor;
use super::diagram::NetDiagram;
use super::draw::{self, CHARTS};
use super::grok::GrokPanel;
use super::grokattn::AttnPanel;
use super::kancompare::KanVsMlpPanel;
use super::kanpanel::KanDiagramPanel;
use super::network::{NetworkPanel, TrainingPanel};
use super::output::{BoundaryLegend, ExportButtons};
use super::presets::PresetsPanel;
use super::runner::{BackendInfo, Runner};
use super::scorelab::ScorePanel;
use super::sweeplab::SweepPanel;
use crate::experiment::{url, BackendChoice, Experiment};
use crate::train::live::{self, Edit};
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;

type Shared = Rc<RefCell<Runner>>;

/// What the status line shows.
#[derive(Clone, Debug, Default, PartialEq)]
struct Status {
    info: Option<BackendInfo>,
    rate: f64,
    step: u64,
    train_loss: f32,
    test_loss: f32,
    train_acc: f32,
    test_acc: f32,
}

/// Signals the frame loop writes.
#[derive(Clone, Copy)]
struct Ui {
    exp: RwSignal<Experiment>,
    status: RwSignal<Status>,
    error: RwSignal<Option<String>>,
    running: RwSignal<bool>,
    /// What the last edit did (live change, restart, hand-set weight).
    note: RwSignal<String>,
    /// The sweep's progress line (`sweeplab`).
    sweep: RwSignal<String>,
    /// The score run's progress line (`scorelab`).
    scores: RwSignal<String>,
}

fn current_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

fn replace_hash(h: &str) {
    if let Some(w) = web_sys::window() {
        if w.location().hash().ok().as_deref() != Some(h) {
            let _ = w.history().and_then(|hist| hist.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(h)));
        }
    }
}

fn redraw(rc: &Shared, ui: Ui) {
    let r = rc.borrow();
    let Some(s) = r.session.as_ref() else { return };
    let grid = s.last.as_ref().and_then(|l| l.grid.as_deref());
    ui.exp.with_untracked(|e| {
        draw::boundary("boundary", s, grid, e);
        let rows = s.rows();
        // Live edits, then the grokking milestones (train acc saturated, test acc past 0.9).
        let marks = s.markers.iter().map(|m| m.0).chain(s.milestones.markers().into_iter().map(|m| m.0));
        draw::set_markers(marks.map(|m| m as f64).collect());
        for (id, chart) in CHARTS {
            draw::curves(id, chart, &rows, e.logx);
        }
        super::grok::redraw(&r, e);
    });
}

fn rebuild(rc: &Shared, ui: Ui, e: Experiment) {
    let gen = {
        let mut r = rc.borrow_mut();
        r.generation += 1;
        r.session = None;
        r.generation
    };
    let rc = rc.clone();
    leptos::task::spawn_local(async move {
        let ctx = if e.backend == BackendChoice::Cpu {
            Err("CPU chosen".to_string())
        } else {
            Runner::gpu_context(&rc).await
        };
        let gpu = ctx.as_ref().ok().cloned();
        let built = Runner::build(&e, ctx);
        if rc.borrow().generation != gen {
            return;
        }
        super::sweeplab::start(&e, gpu.clone());
        super::kancompare::set_gpu(gpu.clone());
        super::scorelab::start(&e, gpu);
        match built {
            Ok((s, info)) => {
                ui.error.set(None);
                ui.status.update(|st| st.info = Some(info.clone()));
                draw::clear_bands();
                draw::set_probs(None);
                super::grok::clear();
                rc.borrow_mut().install(s, info);
                redraw(&rc, ui);
            }
            Err(msg) => {
                ui.running.set(false);
                ui.error.set(Some(msg));
            }
        }
    });
}

/// The frame loop: train, collect metrics, draw; reschedules itself forever.
fn tick(rc: Shared, ui: Ui) {
    if super::sweeplab::active() {
        // A sweep URL: the sweep trains instead of the single run.
        let running = rc.borrow().running;
        super::sweeplab::after_frame(ui.sweep, running);
        request_animation_frame(move || tick(rc, ui));
        return;
    }
    if super::scorelab::active() {
        // Per-example scores first (their models train together), then the single run.
        let running = rc.borrow().running;
        super::scorelab::after_frame(ui.scores, running);
        request_animation_frame(move || tick(rc, ui));
        return;
    }
    let res = rc.borrow_mut().frame();
    match res {
        Some(Ok(snap)) => {
            draw::record(&snap);
            let rate = rc.borrow().rate;
            ui.status.update(|st| {
                st.rate = rate;
                st.step = snap.step;
                st.train_loss = snap.train[0].loss;
                st.test_loss = snap.test[0].loss;
                st.train_acc = snap.train[0].acc;
                st.test_acc = snap.test[0].acc;
            });
            // Divergence: the optimizer kernel records the first step that left a weight NaN or
            // infinite (read back with the metrics, never per step); a non-finite loss counts too.
            let finite = snap.train[0].loss.is_finite() && snap.test[0].loss.is_finite();
            let bad = snap.bad.first().copied().flatten();
            let diverged = {
                let mut r = rc.borrow_mut();
                if finite && bad.is_none() {
                    r.last_finite_step = snap.step;
                    None
                } else if r.running {
                    r.running = false;
                    Some(r.last_finite_step)
                } else {
                    None
                }
            };
            if let Some(good) = diverged {
                let lr = ui.exp.with_untracked(|e| e.lr);
                let when = match bad {
                    Some(s) => format!("at step {s}: a weight became NaN or infinite"),
                    None => format!("between step {good} and step {}: the loss became NaN or infinite", snap.step),
                };
                ui.running.set(false);
                ui.error.set(Some(format!(
                    "Training diverged {when} (learning rate {lr}). Training is paused and the curves so far \
                     are kept; try a lower learning rate (e.g. {}) and press Reset.",
                    lr / 10.0
                )));
            }
            redraw(&rc, ui);
        }
        Some(Err(msg)) => {
            // The GPU failed (device lost): continue on the CPU, saying so.
            rc.borrow_mut().mark_gpu_failed(msg.clone());
            let resumed = rc.borrow_mut().resume_on_cpu(&msg);
            if resumed {
                ui.error.set(Some(format!("{msg} — continuing on the CPU from the last synced weights")));
                let info = rc.borrow().info.clone();
                ui.status.update(|st| st.info = info);
                redraw(&rc, ui);
            } else {
                ui.error.set(Some(format!("{msg} — restarted on the CPU")));
                rebuild(&rc, ui, ui.exp.get_untracked());
            }
        }
        None => {}
    }
    super::kanpanel::after_frame(&rc);
    let running = rc.borrow().running;
    ui.exp.with_untracked(|e| super::kancompare::after_frame(e, running));
    if super::diagram::after_frame(&rc, ui.exp, ui.note, ui.error) {
        redraw(&rc, ui);
    }
    let exported = rc.borrow_mut().exported.take();
    if let Some((state, step)) = exported {
        let e = ui.exp.get_untracked();
        let json = super::export::model_json(&e, &state, step);
        if let Err(err) = super::export::download_text("grokpad-model.json", "application/json", &json) {
            ui.error.set(Some(format!("model export failed: {err}")));
        }
    }
    let next = rc.clone();
    request_animation_frame(move || tick(next, ui));
}

#[component]
pub fn App() -> impl IntoView {
    let decoded = url::decode(&current_hash());
    let exp = RwSignal::new(decoded.experiment.clone());
    let notices = RwSignal::new(decoded.notices.iter().map(|n| n.to_string()).collect::<Vec<_>>());
    let edit_note = RwSignal::new(String::new());
    let (status, error, running) = (RwSignal::new(Status::default()), RwSignal::new(None), RwSignal::new(false));
    let sweep_status = RwSignal::new(String::new());
    let score_status = RwSignal::new(String::new());
    let ui = Ui { exp, status, error, running, note: edit_note, sweep: sweep_status, scores: score_status };
    let sweeping = move || exp.with(crate::sweep::is_sweep);
    let rc: Shared = Rc::new(RefCell::new(Runner::default()));
    let runner = StoredValue::new_local(rc.clone());

    // Experiment → URL, and → session (live change, redraw, or rebuild).
    Effect::new(move |_| {
        let e = exp.get();
        replace_hash(&format!("#{}", url::encode(&e)));
        let rc = runner.get_value();
        let old = rc.borrow().session.as_ref().map(|s| s.exp.clone());
        let edit = old.as_ref().map(|o| live::classify(o, &e));
        match edit {
            Some(Edit::View | Edit::Live(_)) if !rc.borrow().diverged() => {
                if let Some(s) = rc.borrow_mut().session.as_mut() {
                    let marker = s.apply_live(&e);
                    if !marker.is_empty() {
                        edit_note.set(format!("Live from step {}: {marker}", s.backend.steps()));
                    }
                }
                redraw(&rc, ui);
            }
            Some(Edit::Rebuild(keys)) => {
                edit_note.set(format!("{} changed: a new model, restarted from the seed", keys.join(", ")));
                rebuild(&rc, ui, e);
            }
            _ => rebuild(&rc, ui, e),
        }
    });
    // Opening another link in the same page (hash edited by hand or by a test).
    let _ = window_event_listener(leptos::ev::hashchange, move |_| {
        let d = url::decode(&current_hash());
        notices.set(d.notices.iter().map(|n| n.to_string()).collect());
        if exp.get_untracked() != d.experiment {
            exp.set(d.experiment);
        }
    });
    Effect::new(move |_| {
        let on = exp.with(|e| {
            super::diagram::unsupported(e).is_none() || super::netview::shows_probs(e) || super::grok::shown(e)
        });
        runner.get_value().borrow_mut().thumbs = on;
    });
    Effect::new(move |_| {
        let r = ui.running.get();
        runner.get_value().borrow_mut().running = r;
    });
    tick(rc, ui);

    let toggle = move || ui.running.update(|r| *r = !*r);
    let step_once = move || {
        ui.running.set(false);
        let rc = runner.get_value();
        let mut r = rc.borrow_mut();
        r.running = false;
        if let Some(s) = r.session.as_mut() {
            s.train(1);
        }
    };
    let reset_now = move || rebuild(&runner.get_value(), ui, exp.get_untracked());
    super::keys::install(toggle, step_once, reset_now);

    let copied = RwSignal::new(false);
    let copy = move |_| {
        if let Some(w) = web_sys::window() {
            let href = w.location().href().unwrap_or_default();
            let _ = w.navigator().clipboard().write_text(&href);
            copied.set(true);
        }
    };
    // Hover read-out over the curves: the recorded step nearest the pointer.
    let hover = RwSignal::new(String::new());
    let on_hover = move |id: &'static str, ev: leptos::ev::MouseEvent| {
        let Some(c) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlCanvasElement>().ok()) else { return };
        let scale = c.width() as f64 / (c.client_width().max(1) as f64);
        let Some(at) = draw::step_at(id, (ev.offset_x() as f64 * scale) as i32) else { return };
        let rc = runner.get_value();
        let r = rc.borrow();
        let Some(rows) = r.session.as_ref().map(|s| s.rows()) else { return };
        if let Some(t) = draw::hover_text(&rows, at, exp.with_untracked(|e| e.is_regression())) {
            hover.set(t);
        }
    };
    let pinned = RwSignal::new(false);
    let pin = move |_| {
        if pinned.get_untracked() {
            draw::pin(None);
            pinned.set(false);
        } else {
            let rows = runner.get_value().borrow().session.as_ref().map(|s| s.rows());
            draw::pin(rows);
            pinned.set(true);
        }
        redraw(&runner.get_value(), ui);
    };
    let export_curves = move |json: bool| {
        let rc = runner.get_value();
        let rows = rc.borrow().session.as_ref().map(|s| s.rows()).unwrap_or_default();
        let e = exp.get_untracked();
        let r = super::export::curves(&e, &rows, json);
        if let Err(err) = r {
            ui.error.set(Some(format!("export failed: {err}")));
        }
    };
    let export_model = move |_| runner.get_value().borrow_mut().want_params = true;
    let regression = move || exp.with(|e| e.is_regression());
    let kan = move || exp.with(|e| e.model == crate::experiment::Model::Kan);
    // Token models (emb, tfm) have no MLP layout: no neuron diagram, no MLP progress measures.
    let mlp = move || exp.with(|e| e.model == crate::experiment::Model::Mlp);
    let chart = move |id: &'static str| {
        view! {
            <div class="chart">
                <canvas id=id width="300" height="175"
                    on:mousemove=move |ev| on_hover(id, ev)
                    on:mouseleave=move |_| hover.set(String::new())></canvas>
                <ExportButtons id=id runner=runner exp=exp />
            </div>
        }
    };
    let st = ui.status;
    view! {
        <header>
            <h1>"Grokpad"</h1>
            <span class="tagline">"see how neural networks learn, memorize and overfit"</span>
            <div class="transport">
                <button id="reset" title="Reset the weights, same seed (key: r)" on:click=move |_| reset_now()>"⟲ Reset"</button>
                <button id="play" class="play" title="Play / pause (key: space)" on:click=move |_| toggle()>{move || if ui.running.get() { "❚❚ Pause" } else { "▶ Play" }}</button>
                <button id="step" title="Train one step (key: →)" on:click=move |_| step_once()>"Step"</button>
                <button id="copy" title="Copy a link to this experiment" on:click=copy>{move || if copied.get() { "Link copied" } else { "Copy link" }}</button>
            </div>
        </header>
        <div id="status" class="status"
            data-backend=move || st.with(|s| s.info.as_ref().map(|i| i.kind).unwrap_or("none"))
            data-step=move || st.with(|s| s.step.to_string())>
            <span id="backend-label">{move || st.with(|s| match &s.info { Some(i) => format!("Backend: {}", if i.kind == "cpu" { "CPU".to_string() } else { i.label.clone() }), None => "Backend: starting…".into() })}</span>
            <span id="speed">{move || st.with(|s| format!("{:.0} steps/s", s.rate))}</span>
            <span id="step-count">{move || st.with(|s| format!("step {}", s.step))}</span>
            <span id="note">{move || st.with(|s| s.info.as_ref().and_then(|i| i.note.clone()).unwrap_or_default())}</span>
            <span id="edit-note">{move || edit_note.get()}</span>
            <span class="keys">"Keys: space play/pause · → step · r reset"</span>
        </div>
        <Show when=move || !notices.with(|n| n.is_empty())>
            <div id="notices" class="notices" role="alert">
                <strong>"Some parts of this link were not understood and were replaced:"</strong>
                <ul>{move || notices.get().into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                <button on:click=move |_| notices.set(vec![])>"Dismiss"</button>
            </div>
        </Show>
        <Show when=move || ui.error.with(|e| e.is_some())>
            <div id="error" class="error" role="alert">{move || ui.error.get().unwrap_or_default()}</div>
        </Show>
        <main>
            <div class="col">
                <DataPanel exp=exp />
                <FeaturesPanel exp=exp />
            </div>
            <div class="col">
                <NetworkPanel exp=exp />
                <TrainingPanel exp=exp />
            </div>
            <section class="panel output" id="output-panel">
                <h2>"Output"</h2>
                <Show when=sweeping>
                    <SweepPanel exp=exp status=sweep_status />
                </Show>
                <Show when=move || exp.with(super::scorelab::wanted)>
                    <ScorePanel exp=exp status=score_status />
                </Show>
                <div class="metrics">
                    <span>"Train loss " <b id="train-loss">{move || st.with(|s| format!("{:.4}", s.train_loss))}</b></span>
                    <span>"Test loss " <b id="test-loss">{move || st.with(|s| format!("{:.4}", s.test_loss))}</b></span>
                    <Show when=move || !regression()>
                        <span>"Train accuracy " <b id="train-acc">{move || st.with(|s| format!("{:.3}", s.train_acc))}</b></span>
                        <span>"Test accuracy " <b id="test-acc">{move || st.with(|s| format!("{:.3}", s.test_acc))}</b></span>
                    </Show>
                </div>
                <div class="plots">
                    <div class="chart">
                        <canvas id="boundary" width="300" height="300"></canvas>
                        <DataEditor exp=exp runner=runner />
                        <BoundaryLegend exp=exp />
                        <ExportButtons id="boundary" runner=runner exp=exp />
                        <ViewPanel exp=exp />
                    </div>
                    <div class="charts">
                        {chart("loss-chart")}
                        <Show when=move || !regression()>{chart("acc-chart")}</Show>
                        {chart("gap-chart")}
                        {chart("norm-chart")}
                        <div id="hover" class="hover">{move || {
                            let h = hover.get();
                            let seeds = exp.with(|e| e.seeds);
                            match (h.is_empty(), seeds > 1) {
                                (false, _) => h,
                                (true, true) => format!("Lines: mean of the {seeds} seeds; shaded: min–max. Hover to read model 0's values."),
                                (true, false) => "Hover over a chart to read its values.".to_string(),
                            }
                        }}</div>
                        <div class="row exports">
                            <button id="pin" title="Keep this run's curves and overlay them (dashed) on the next runs"
                                on:click=pin>{move || if pinned.get() { "Unpin run" } else { "Pin run" }}</button>
                            <button id="export-csv" title="Curves as CSV" on:click=move |_| export_curves(false)>"Curves CSV"</button>
                            <button id="export-json" title="Curves as JSON" on:click=move |_| export_curves(true)>"Curves JSON"</button>
                            <button id="export-model" title="Experiment and trained parameters as JSON" on:click=export_model>"Model JSON"</button>
                        </div>
                    </div>
                </div>
                <Show when=move || mlp() && exp.with(super::grok::shown)><GrokPanel exp=exp runner=runner /></Show>
                <Show when=move || exp.with(super::grokattn::shown)><AttnPanel exp=exp runner=runner /></Show>
                <Show when=move || !kan() fallback=move || view! { <KanDiagramPanel exp=exp runner=runner note=edit_note error=ui.error /> }>
                    <Show when=mlp><NetDiagram exp=exp runner=runner /></Show>
                </Show>
                <Show when=kan><KanVsMlpPanel /></Show>
                <Show when=move || !sweeping()>
                    <SweepPanel exp=exp status=sweep_status />
                </Show>
                <Show when=move || !exp.with(super::scorelab::wanted)>
                    <ScorePanel exp=exp status=score_status />
                </Show>
            </section>
        </main>
        <PresetsPanel exp=exp notices=notices />
        <footer>
            "Datasets and colours after TensorFlow Playground (Smilkov & Carter). The whole experiment is in the URL: copy it to share or to run it headless with "
            <code>"grokpad run --url"</code>"."
        </footer>
    }
}
