//! The KAN panel (issue 7, "Seeing"), shown instead of the MLP network diagram for `model=kan`:
//! the network drawn as pykan draws it (a box per edge with its learned φ, opacity by
//! importance, snapped edges purple; `plot::kandiagram`), redrawn from the layout and parameters
//! the KAN backend hands out (`Backend::kan_state`) as training moves on. Clicking an edge opens
//! it large (`plot::kanedge`: φ, the data's activations through it, the best candidate dashed)
//! with its symbolic suggestions (best R² first) and a "Snap to f" button each; "Auto-snap all"
//! snaps every live spline edge to its best candidate; once every live edge is symbolic the
//! learned formula is shown. A snap is recorded in the link (`snap=step:layer:i:j:f`, or
//! `step:auto`) and the run goes on from the same step exactly as the link replays it
//! (`kansnap`). "Prune" with its threshold θ (pykan's 0.01 by default) records a pruning in the
//! link the same way (`kprune=step:θ`, `kanprune`), says how many edges and hidden nodes it
//! removes, and a line under it counts what is pruned now. Logic: `kanview`, `kanprune`.

use super::kanview::{self, EdgeDetail, KanView};
use super::runner::Runner;
use crate::core::kan::symbolic::{Snap, AUTO};
use crate::experiment::{Experiment, Model};
use crate::plot::kandiagram::{draw_kan, KanDiagram};
use crate::plot::kanedge::{draw_edge, EdgeView};
use crate::train::Session;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;

/// Canvas width in pixels.
pub const WIDTH: u32 = 580;
const CANVAS: &str = "kan-diagram";
const EDGE: &str = "kan-edge";

type Shared = Rc<RefCell<Runner>>;

/// What was drawn last, the training rows it was computed on, the selected edge.
struct State {
    view: KanView,
    inputs: Vec<f32>,
    selected: Option<usize>,
}

thread_local! {
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
}

/// Diagram height for `e` (0 when it cannot be drawn).
fn height(e: &Experiment) -> u32 {
    KanDiagram::new(&e.widths(), WIDTH).map_or(0, |d| d.h)
}

/// Why no diagram is drawn for `e`, if so.
pub fn unsupported(e: &Experiment) -> Option<String> {
    KanDiagram::new(&e.widths(), WIDTH)
        .is_none()
        .then(|| "This KAN has too many edges to draw (at most 34 between two layers, e.g. [4,8,1]).".to_string())
}

fn redraw() {
    STATE.with(|s| {
        let s = s.borrow();
        let Some(s) = s.as_ref() else { return };
        let Some(backend) = CanvasBackend::new(CANVAS) else { return };
        let area = backend.into_drawing_area();
        if let Err(err) = draw_kan(&area, &s.view.diagram, &s.view.looks, s.selected) {
            log::warn!("KAN diagram: {err}");
        }
        let _ = area.present();
    });
}

/// Draw edge `d` large with candidate `fit` (an index into its suggestions).
fn draw_detail(d: &EdgeDetail, cols: usize, fit: Option<usize>) {
    let Some(backend) = CanvasBackend::new(EDGE) else { return };
    let area = backend.into_drawing_area();
    let fit = fit
        .and_then(|k| d.fits.get(k))
        .map(|f| (format!("{} (R² = {:.3})", f.name, f.r2), kanview::fit_curve(f, &d.xs)));
    let v = EdgeView {
        title: kanview::edge_title(d.layer, d.i, d.j, cols),
        xs: d.xs.clone(),
        ys: d.ys.clone(),
        samples: d.samples.clone(),
        fit,
        draw_text: true,
    };
    if let Err(err) = draw_edge(&area, &v) {
        log::warn!("KAN edge: {err}");
    }
    let _ = area.present();
}

/// New parameters of a KAN session: recompute the view and redraw. Returns the selected
/// edge's detail recomputed (None when nothing is selected).
fn update(layout: &crate::core::kan::KanLayout, params: &[f32], train_x: &[f32]) -> Option<EdgeDetail> {
    let inputs = kanview::subsample(train_x, layout.inputs());
    let view = kanview::build(layout, params, &inputs, WIDTH)?;
    let detail = STATE.with(|s| {
        let mut s = s.borrow_mut();
        let selected = s.as_ref().filter(|o| o.view.diagram == view.diagram).and_then(|o| o.selected);
        let d = selected.and_then(|k| kanview::detail(&view, &inputs, k));
        *s = Some(State { view, inputs, selected });
        d
    });
    redraw();
    detail
}

/// Signals of the panel that the frame loop updates.
#[derive(Clone, Copy)]
pub struct KanSignals {
    pub detail: RwSignal<Option<EdgeDetail>>,
    pub formula: RwSignal<Option<String>>,
    pub cols: RwSignal<usize>,
    /// Model 0's pruned edges and hidden nodes now.
    pub pruned: RwSignal<super::kanprune::Counts>,
}

thread_local! {
    static SIGNALS: RefCell<Option<KanSignals>> = const { RefCell::new(None) };
}

/// The view is recomputed at most this often (milliseconds) while the weights change.
const VIEW_MS: f64 = 300.0;

thread_local! {
    /// When and at which step (and session generation) the view was last computed.
    static LAST: RefCell<(f64, u64, u64)> = const { RefCell::new((f64::NEG_INFINITY, u64::MAX, u64::MAX)) };
}

/// After each frame, for a KAN session: about every `VIEW_MS`, when training moved on (or the
/// session is new), read the layout and weights from the backend (`Backend::kan_state`),
/// redraw the diagram and refresh the open edge and the formula.
pub fn after_frame(rc: &Shared) {
    let now = super::runner::now_ms();
    let got = {
        let r = rc.borrow();
        let Some(s) = r.session.as_ref().filter(|s| s.exp.model == Model::Kan) else { return };
        let (step, gen) = (s.backend.steps(), r.generation);
        let (t, last_step, last_gen) = LAST.with(|l| *l.borrow());
        let fresh = last_gen != gen || (step != last_step && now - t >= VIEW_MS);
        if !fresh {
            return;
        }
        LAST.with(|l| *l.borrow_mut() = (now, step, gen));
        s.backend.kan_state().filter(|(l, p)| l.p * l.models == p.len()).map(|(l, p)| (l, p, s.data.train.x.clone()))
    };
    let Some((layout, params, x)) = got else { return };
    let detail = update(&layout, &params, &x);
    SIGNALS.with(|s| {
        if let Some(sig) = *s.borrow() {
            // The panel may have just left the page (a new link): its signals are then gone.
            let f = STATE.with(|st| st.borrow().as_ref().and_then(|st| kanview::formula(&st.view)));
            let Some(old) = sig.formula.try_get_untracked() else { return };
            if old != f {
                sig.formula.try_set(f);
            }
            sig.cols.try_set(layout.layers.len() + 1);
            let c = super::kanprune::counts(&layout, 0);
            if sig.pruned.try_get_untracked().is_some_and(|old| old != c) {
                sig.pruned.try_set(c);
            }
            if let Some(d) = detail {
                show(sig, d);
            }
        }
    });
}

/// Open (or refresh) the edge view with `d`, drawn once its canvas is in the page.
fn show(sig: KanSignals, d: EdgeDetail) {
    let cols = sig.cols.try_get_untracked().unwrap_or(3);
    sig.detail.try_set(Some(d.clone()));
    request_animation_frame(move || draw_detail(&d, cols, (!d.fits.is_empty()).then_some(0)));
}

/// Replace the running session of `rc` by `edit(old)` (a replay from the seed with a new snap
/// or pruning in its link: `kansnap`, `kanprune`), on the KAN CPU backend; `edit`'s other result.
fn edit_now<T>(rc: &Shared, edit: impl FnOnce(&Session) -> Result<(Session, T), String>) -> Result<T, String> {
    let mut r = rc.borrow_mut();
    // The replayed run is on the KAN CPU backend (`kansnap::replayed`).
    let info = match r.info.clone() {
        Some(i) if i.kind == "cpu" => i,
        _ => super::runner::BackendInfo {
            kind: "cpu",
            label: "CPU".into(),
            note: Some("snapped or pruned KANs train on the CPU".into()),
        },
    };
    let old = r.session.as_ref().ok_or("no run to edit yet")?;
    let (new, out) = edit(old)?;
    r.install(new, info);
    Ok(out)
}

/// Snap `s` in the running session of `rc` (`kansnap::snapped`), installed in its place: the
/// page's note and the link's new `snap` list, or why not.
fn snap_now(rc: &Shared, s: Snap) -> Result<(String, Vec<Snap>), String> {
    edit_now(rc, |old| {
        let (new, snap) = super::kansnap::snapped(old, s)?;
        let list = new.exp.snap.clone();
        let text = format!("Step {}: {} (from the next step; in the link)", snap.step, super::kansnap::marker(&snap));
        Ok((new, (text, list)))
    })
}

/// Prune at θ in the running session of `rc` (`kanprune::pruned`): the page's note (what the
/// pruning removes) and the link's new `kprune` list, or why not.
fn prune_now(rc: &Shared, threshold: f32) -> Result<(String, Vec<(u64, f32)>), String> {
    edit_now(rc, |old| {
        let (new, (step, th), c) = super::kanprune::pruned(old, threshold)?;
        let list = new.exp.kprune.clone();
        let text = format!(
            "Step {step}: pruning at θ = {th} removes {} of model 0 (from the next step; in the link as kprune={step}:{th})",
            c.text()
        );
        Ok((new, (text, list)))
    })
}

fn canvas_xy(ev: &leptos::ev::MouseEvent) -> Option<(f32, f32)> {
    let c = ev.target()?.dyn_into::<web_sys::HtmlCanvasElement>().ok()?;
    let sx = c.width() as f32 / c.client_width().max(1) as f32;
    let sy = c.height() as f32 / c.client_height().max(1) as f32;
    Some((ev.offset_x() as f32 * sx, ev.offset_y() as f32 * sy))
}

/// Hover text at (x, y); with `click`, select the edge and return its detail.
fn pointer(x: f32, y: f32, click: bool) -> (String, Option<EdgeDetail>) {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        let Some(s) = s.as_mut() else { return (String::new(), None) };
        let Some(k) = s.view.diagram.hit(x, y) else { return (String::new(), None) };
        let e = s.view.diagram.edges[k];
        let cols = s.view.diagram.nodes.len();
        let (lo, hi) = s.view.ranges[k];
        let state = match s.view.layout.edge(0, e.layer, e.i, e.j) {
            crate::core::kan::EdgeFn::Symbolic(f) => format!(", snapped to {}", f.name),
            crate::core::kan::EdgeFn::Pruned => ", pruned".to_string(),
            crate::core::kan::EdgeFn::Spline => String::new(),
        };
        let text = format!(
            "{} on [{lo:.2}, {hi:.2}], importance {:.3}{state} (click to enlarge and snap)",
            kanview::edge_title(e.layer, e.i, e.j, cols),
            s.view.scores[k]
        );
        if !click {
            return (text, None);
        }
        s.selected = Some(k);
        (text, kanview::detail(&s.view, &s.inputs, k))
    })
}

/// The KAN panel.
#[component]
pub fn KanDiagramPanel(
    exp: RwSignal<Experiment>,
    runner: StoredValue<Rc<RefCell<Runner>>, LocalStorage>,
    note: RwSignal<String>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let hover = RwSignal::new(String::new());
    let sig = KanSignals {
        detail: RwSignal::new(None),
        formula: RwSignal::new(None),
        cols: RwSignal::new(3),
        pruned: RwSignal::new(Default::default()),
    };
    let threshold = RwSignal::new(super::kanprune::DEFAULT_THRESHOLD.to_string());
    SIGNALS.with(|s| *s.borrow_mut() = Some(sig));
    let on_move = move |ev: leptos::ev::MouseEvent| {
        if let Some((x, y)) = canvas_xy(&ev) {
            hover.set(pointer(x, y, false).0);
        }
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some((x, y)) = canvas_xy(&ev) else { return };
        if let (_, Some(d)) = pointer(x, y, true) {
            show(sig, d);
            redraw();
        }
    };
    let snap = move |s: Snap| {
        let rc = runner.get_value();
        match snap_now(&rc, s) {
            Ok((text, list)) => {
                LAST.with(|l| *l.borrow_mut() = (f64::NEG_INFINITY, u64::MAX, u64::MAX));
                note.set(text);
                exp.update(|e| e.snap = list);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let prune = move || {
        let th = match super::kanprune::parse_threshold(&threshold.get_untracked()) {
            Ok(t) => t,
            Err(e) => return error.set(Some(e)),
        };
        match prune_now(&runner.get_value(), th) {
            Ok((text, list)) => {
                LAST.with(|l| *l.borrow_mut() = (f64::NEG_INFINITY, u64::MAX, u64::MAX));
                note.set(text);
                exp.update(|e| e.kprune = list);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let close = move || {
        sig.detail.set(None);
        STATE.with(|s| s.borrow_mut().as_mut().map(|s| s.selected = None));
        redraw();
    };
    let why = move || exp.with(unsupported);
    view! {
        <div class="diagram kan" id="kan-panel">
            <div class="sub">"KAN: every edge is a learned function φ (opacity = importance, purple = snapped to a formula)"</div>
            {move || why().map(|w| view! { <div class="hint">{w}</div> })}
            <canvas id=CANVAS width=WIDTH height=move || exp.with(height)
                on:mousemove=on_move on:click=on_click
                on:mouseleave=move |_| hover.set(String::new())></canvas>
            <div id="kan-hover" class="hover">{move || {
                let h = hover.get();
                if h.is_empty() { "Hover an edge to read it; click it to see it large with its symbolic suggestions.".to_string() } else { h }
            }}</div>
            <div class="row">
                <button id="kan-autosnap" title="Snap every live edge to its best symbolic candidate (pykan auto_symbolic); recorded in the link"
                    on:click=move |_| snap(Snap { step: 0, layer: 0, i: 0, j: 0, name: AUTO })>"Auto-snap all"</button>
                {move || { let n = exp.with(|e| e.snap.len()); (n > 0).then(|| view! {
                    <span class="hint" id="snap-note">{format!("{n} snap{} in this link. ", if n == 1 { "" } else { "s" })}</span>
                    <button id="snap-clear" title="Remove the snaps from the link and restart from the seed"
                        on:click=move |_| exp.update(|e| e.snap.clear())>"Remove snaps"</button>
                }) }}
            </div>
            <div class="row" id="kan-prune-row">
                <label class="ctl" title="pykan prune threshold: a hidden node stays only if its strongest incoming and outgoing edges score at least θ, then every edge scoring below θ is pruned">"Prune threshold θ"
                    <input type="number" id="kan-prune-threshold" min="0" max="10" step="0.01"
                        prop:value=move || threshold.get()
                        on:change=move |ev| threshold.set(event_target_value(&ev)) />
                </label>
                <button id="kan-prune" title="Prune edges and hidden nodes scoring below θ from the next step (pykan prune); recorded in the link (kprune)"
                    on:click=move |_| prune()>"Prune"</button>
                {move || { let n = exp.with(|e| e.kprune.len()); (n > 0).then(|| view! {
                    <span class="hint" id="kprune-note">{format!("{n} pruning{} in this link. ", if n == 1 { "" } else { "s" })}</span>
                    <button id="kprune-clear" title="Remove the prunings from the link and restart from the seed"
                        on:click=move |_| exp.update(|e| e.kprune.clear())>"Remove prunings"</button>
                }) }}
            </div>
            <div class="hint" id="kan-pruned">{move || {
                let c = sig.pruned.get();
                format!("Pruned now (model 0): {}.", c.text())
            }}</div>
            {move || sig.formula.get().map(|f| view! {
                <div class="kan-formula"><b>"Learned formula: "</b><code id="kan-formula">{f}</code></div>
            })}
            {move || sig.detail.get().map(|d| {
                let (layer, i, j) = (d.layer, d.i, d.j);
                let fits = d.fits.clone();
                view! {
                    <div id="kan-edge-view" class="weight-editor kan-edge">
                        <div class="row"><b>{kanview::edge_title(layer, i, j, sig.cols.get_untracked())}</b>
                            <button id="kan-edge-close" on:click=move |_| close()>"Close"</button></div>
                        <canvas id=EDGE width="460" height="280"></canvas>
                        <ol id="kan-suggestions">{fits.into_iter().enumerate().map(|(k, f)| {
                            let d2 = d.clone();
                            view! { <li on:mouseenter=move |_| draw_detail(&d2, sig.cols.get_untracked(), Some(k))>
                                <span class="fit">{kanview::fit_text(&f)}</span>" "
                                <button class="kan-snap" id=format!("kan-snap-{k}")
                                    on:click=move |_| snap(Snap { step: 0, layer, i, j, name: f.name })>{format!("Snap to {}", f.name)}</button>
                            </li> }
                        }).collect_view()}</ol>
                        <div class="hint">"Candidates c·f(a·x+b)+d fitted to the data's activations through this edge, best R² first. \
                            Snapping replaces the spline by the formula and freezes it; training continues from this step, and the snap goes into the link (snap)."</div>
                    </div>
                }
            })}
        </div>
    }
}
