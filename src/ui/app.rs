//! The page: one reactive `Experiment` mirrored into the URL hash (replaceState), the control
//! panels, the boundary and curve canvases, and the status line (backend, steps/s).
//! An edit that can apply live (learning rate, L2) does; a view edit only redraws; any other
//! edit rebuilds the session from the seed, so the URL always reproduces what is on screen.

use super::controls::{DataPanel, NetworkPanel};
use super::dataedit::DataEditor;
use super::draw;
use super::runner::{BackendInfo, Runner};
use crate::experiment::{url, BackendChoice, Experiment};
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

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

/// How an edit affects the running session.
fn needs_rebuild(old: &Experiment, new: &Experiment) -> bool {
    let norm = |e: &Experiment| Experiment { lr: 0.0, l2: 0.0, wd: 0.0, steps: 0, show_test: true, ..e.clone() };
    norm(old) != norm(new)
}

fn redraw(rc: &Shared, ui: Ui) {
    let r = rc.borrow();
    let Some(s) = r.session.as_ref() else { return };
    let grid = s.last.as_ref().and_then(|l| l.grid.as_deref());
    draw::boundary("boundary", s, grid, ui.exp.with_untracked(|e| e.show_test));
    let rows = s.rows();
    draw::curves("loss-chart", &rows, false);
    draw::curves("acc-chart", &rows, true);
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
        let built = Runner::build(&e, ctx);
        if rc.borrow().generation != gen {
            return;
        }
        match built {
            Ok((s, info)) => {
                ui.error.set(None);
                ui.status.update(|st| st.info = Some(info.clone()));
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
    let res = rc.borrow_mut().frame();
    match res {
        Some(Ok(snap)) => {
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
    let next = rc.clone();
    request_animation_frame(move || tick(next, ui));
}

#[component]
pub fn App() -> impl IntoView {
    let decoded = url::decode(&current_hash());
    let exp = RwSignal::new(decoded.experiment.clone());
    let notices = RwSignal::new(decoded.notices.iter().map(|n| n.to_string()).collect::<Vec<_>>());
    let ui =
        Ui { exp, status: RwSignal::new(Status::default()), error: RwSignal::new(None), running: RwSignal::new(false) };
    let rc: Shared = Rc::new(RefCell::new(Runner::default()));
    let runner = StoredValue::new_local(rc.clone());

    // Experiment → URL, and → session (live change, redraw, or rebuild).
    Effect::new(move |_| {
        let e = exp.get();
        replace_hash(&format!("#{}", url::encode(&e)));
        let rc = runner.get_value();
        let old = rc.borrow().session.as_ref().map(|s| s.exp.clone());
        match old {
            Some(o) if !needs_rebuild(&o, &e) && !rc.borrow().diverged() => {
                if let Some(s) = rc.borrow_mut().session.as_mut() {
                    s.set_live(e.lr, e.l2, e.wd);
                }
                redraw(&rc, ui);
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
        let r = ui.running.get();
        runner.get_value().borrow_mut().running = r;
    });
    tick(rc, ui);

    let play = move |_| ui.running.update(|r| *r = !*r);
    let step = move |_| {
        ui.running.set(false);
        let rc = runner.get_value();
        let mut r = rc.borrow_mut();
        r.running = false;
        if let Some(s) = r.session.as_mut() {
            s.train(1);
        }
    };
    let reset = move |_| rebuild(&runner.get_value(), ui, exp.get_untracked());
    let copied = RwSignal::new(false);
    let copy = move |_| {
        if let Some(w) = web_sys::window() {
            let href = w.location().href().unwrap_or_default();
            let _ = w.navigator().clipboard().write_text(&href);
            copied.set(true);
        }
    };
    let st = ui.status;
    view! {
        <header>
            <h1>"Grokpad"</h1>
            <span class="tagline">"see how neural networks learn, memorize and overfit"</span>
            <div class="transport">
                <button id="reset" title="Reset the weights (same seed)" on:click=reset>"⟲ Reset"</button>
                <button id="play" class="play" on:click=play>{move || if ui.running.get() { "❚❚ Pause" } else { "▶ Play" }}</button>
                <button id="step" title="Train one step" on:click=step>"Step"</button>
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
            <DataPanel exp=exp />
            <NetworkPanel exp=exp />
            <section class="panel output" id="output-panel">
                <h2>"Output"</h2>
                <div class="metrics">
                    <span>"Train loss " <b id="train-loss">{move || st.with(|s| format!("{:.4}", s.train_loss))}</b></span>
                    <span>"Test loss " <b id="test-loss">{move || st.with(|s| format!("{:.4}", s.test_loss))}</b></span>
                    <span>"Train acc " <b id="train-acc">{move || st.with(|s| format!("{:.3}", s.train_acc))}</b></span>
                    <span>"Test acc " <b id="test-acc">{move || st.with(|s| format!("{:.3}", s.test_acc))}</b></span>
                </div>
                <div class="plots"><div>
                <canvas id="boundary" width="320" height="320"></canvas>
                <label class="check"><input type="checkbox" id="show-test"
                    prop:checked=move || exp.with(|e| e.show_test)
                    on:change=move |ev| exp.update(|e| e.show_test = event_target_checked(&ev)) />
                    " Show test data (dark outline)"</label>
                <DataEditor exp=exp runner=runner />
                </div>
                <div class="charts">
                <canvas id="loss-chart" width="280" height="180"></canvas>
                <canvas id="acc-chart" width="280" height="180"></canvas>
                </div></div>
            </section>
        </main>
        <footer>
            "Datasets and colours after TensorFlow Playground (Smilkov & Carter). The whole experiment is in the URL: copy it to share or to run it headless with "
            <code>"grokpad run --url"</code>"."
        </footer>
    }
}
