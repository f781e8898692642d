//! The network diagram panel (TensorFlow Playground's network view): inputs → hidden layers →
//! output, each node a thumbnail of that unit's output over the plane (hover to enlarge), each
//! weight a line with thickness by |w| and colour by sign, drawn from the weights read back from
//! the backend about 4 times a second (`Runner::thumbs`). Hovering a line reads its value;
//! clicking it opens a small editor that sets the weight by hand: training continues from the
//! edited weights at the current step (`Runner::request_edit`, `resume.rs`), with a curve marker,
//! and the edit goes into the link (`wedit`), so Reset, the copied link and the CLI replay it.
//! Geometry and hit-testing: `plot::netdiagram`; maps and edits: `netview`.

use super::netview::{self, RES};
use super::runner::Runner;
use crate::core::mlp::Layout;
use crate::experiment::{Experiment, WeightEdit};
use crate::plot::boundary::{draw_boundary_with, BoundaryOpts};
use crate::plot::netdiagram::{draw_diagram, height_for, Diagram, Hit, MAX_UNITS};
use crate::plot::GridValues;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;

/// Canvas width in pixels.
pub const WIDTH: u32 = 580;
const CANVAS: &str = "net-diagram";
const ZOOM: &str = "net-zoom";

/// What was drawn last: hover and click read it.
struct View {
    diagram: Diagram,
    params: Vec<f32>,
    maps: Vec<Vec<Vec<f32>>>,
    names: Vec<String>,
    selected: Option<usize>,
}

thread_local! {
    static VIEW: RefCell<Option<View>> = const { RefCell::new(None) };
}

/// Diagram height for `e`'s model.
fn height(e: &Experiment) -> u32 {
    let l = Layout::from_experiment(e, 1);
    height_for(l.layers.iter().map(|s| s.o).chain([l.inputs()]).max().unwrap_or(1))
}

/// Column captions of `e`'s diagram: (left edge in % of the canvas width, text).
fn captions(e: &Experiment) -> Vec<(f32, String)> {
    let l = Layout::from_experiment(e, 1);
    let d = Diagram::new(&netview::slots(&l), WIDTH);
    let names = netview::input_names(e);
    let last = d.cols.len().saturating_sub(1);
    d.cols
        .iter()
        .enumerate()
        .map(|(c, nodes)| {
            let x = nodes.first().map_or(0, |n| n.0) as f32 * 100.0 / WIDTH as f32;
            let more = d.more.get(c).copied().unwrap_or(0);
            let mut t = match c {
                0 if names.len() <= 3 => names.join(", "),
                0 => format!("{} inputs", names.len()),
                c if c == last => "output".to_string(),
                c => format!("layer {c}"),
            };
            if more > 0 {
                t.push_str(&format!(" (+{more})"));
            }
            (x, t)
        })
        .collect()
}

/// Why no diagram is drawn for `e`, if so.
pub fn unsupported(e: &Experiment) -> Option<String> {
    let l = Layout::from_experiment(e, 1);
    (l.p > netview::MAX_PARAMS).then(|| {
        format!("The diagram is drawn for models of at most {} parameters (this one has {}).", netview::MAX_PARAMS, l.p)
    })
}

fn redraw() {
    VIEW.with(|v| {
        let v = v.borrow();
        let Some(v) = v.as_ref() else { return };
        let Some(backend) = CanvasBackend::new(CANVAS) else { return };
        let area = backend.into_drawing_area();
        if let Err(err) = draw_diagram(&area, &v.diagram, Some(&v.params), &v.maps, RES, v.selected) {
            log::warn!("diagram: {err}");
        }
        let _ = area.present();
    });
}

/// New weights (model 0's first `layout.p` of `params`) of the session of `e`: recompute the
/// maps and redraw.
pub fn update(e: &Experiment, layout: &Layout, params: &[f32]) {
    if params.len() < layout.p || unsupported(e).is_some() {
        return;
    }
    let maps = netview::maps(layout, params, &netview::lifted_plane(e, RES));
    let slots = netview::slots(layout);
    VIEW.with(|v| {
        let mut v = v.borrow_mut();
        let diagram = Diagram::new(&slots, WIDTH);
        let selected = v.as_ref().filter(|o| o.diagram == diagram).and_then(|o| o.selected);
        let names = netview::input_names(e);
        *v = Some(View { diagram, params: params[..layout.p].to_vec(), maps, names, selected });
    });
    redraw();
}

/// The selected weight's editor: the edit (indices from 1, the value now) and its title.
type Editing = Option<(WeightEdit, String)>;

/// Name of unit `unit` of column `col` (0 = inputs) of a diagram with `cols` columns.
fn unit_name(v: &View, col: usize, unit: usize) -> String {
    let last = v.diagram.cols.len().saturating_sub(1);
    match col {
        0 => v.names.get(unit).cloned().unwrap_or_else(|| format!("input {}", unit + 1)),
        c if c == last && c > 0 => format!("output {}", unit + 1),
        c => format!("layer {c} unit {}", unit + 1),
    }
}

/// Hover text (and the zoomed node) at canvas pixel (x, y); with `click`, the edge's editor.
fn pointer(x: f32, y: f32, click: bool) -> (String, Editing) {
    VIEW.with(|v| {
        let mut v = v.borrow_mut();
        let Some(v) = v.as_mut() else { return (String::new(), None) };
        match v.diagram.hit(x, y) {
            Some(Hit::Node { col, unit }) => {
                if let Some(m) = v.maps.get(col).and_then(|m| m.get(unit)) {
                    zoom(m);
                }
                (format!("{}: its output over the plane", unit_name(v, col, unit)), None)
            }
            Some(Hit::Edge(i)) => {
                let e = v.diagram.edges[i].clone();
                let w = v.params.get(e.param).copied().unwrap_or(f32::NAN);
                let title = format!("{} → {}", unit_name(v, e.slot, e.from), unit_name(v, e.slot + 1, e.to));
                let text = format!("weight {title} = {w:.4} (click to edit)");
                if !click {
                    return (text, None);
                }
                v.selected = Some(i);
                let (layer, from, to) = (e.slot as u32 + 1, e.from as u32 + 1, e.to as u32 + 1);
                (text, Some((WeightEdit { step: 0, layer, from, to, value: w }, title)))
            }
            None => (String::new(), None),
        }
    })
}

fn zoom(values: &[f32]) {
    let Some(backend) = CanvasBackend::new(ZOOM) else { return };
    let area = backend.into_drawing_area();
    let g = GridValues { res: RES, values: values.to_vec() };
    let _ = draw_boundary_with(&area, Some(&g), &[], &BoundaryOpts::default());
    let _ = area.present();
}

fn canvas_xy(ev: &leptos::ev::MouseEvent) -> Option<(f32, f32)> {
    let c = ev.target()?.dyn_into::<web_sys::HtmlCanvasElement>().ok()?;
    let sx = c.width() as f32 / c.client_width().max(1) as f32;
    let sy = c.height() as f32 / c.client_height().max(1) as f32;
    Some((ev.offset_x() as f32 * sx, ev.offset_y() as f32 * sy))
}

/// The diagram panel.
#[component]
pub fn NetDiagram(exp: RwSignal<Experiment>, runner: StoredValue<Rc<RefCell<Runner>>, LocalStorage>) -> impl IntoView {
    let hover = RwSignal::new(String::new());
    let editing: RwSignal<Editing> = RwSignal::new(None);
    let typed = RwSignal::new(String::new());
    let problem = RwSignal::new(String::new());
    let on_move = move |ev: leptos::ev::MouseEvent| {
        if let Some((x, y)) = canvas_xy(&ev) {
            hover.set(pointer(x, y, false).0);
        }
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some((x, y)) = canvas_xy(&ev) else { return };
        if let (_, Some(ed)) = pointer(x, y, true) {
            typed.set(format!("{:.4}", ed.0.value));
            problem.set(String::new());
            editing.set(Some(ed));
            redraw();
        }
    };
    let close = move || {
        editing.set(None);
        VIEW.with(|v| v.borrow_mut().as_mut().map(|v| v.selected = None));
        redraw();
    };
    let set = move || {
        let Some((edit, _)) = editing.get_untracked() else { return };
        match netview::parse_weight(&typed.get_untracked()) {
            Ok(value) => {
                runner.get_value().borrow_mut().request_edit(WeightEdit { value, ..edit });
                close();
            }
            Err(e) => problem.set(e),
        }
    };
    let seeds = move || exp.with(|e| e.seeds);
    let why = move || exp.with(unsupported);
    view! {
        <div class="diagram" id="diagram">
            <div class="sub">"Network: weights (orange −, blue +, thicker = larger |w|) and each unit over the plane"</div>
            {move || why().map(|w| view! { <div class="hint">{w}</div> })}
            <div class="diagram-cols">{move || exp.with(captions).into_iter().map(|(x, t)| view! {
                <span style=format!("left: {x:.1}%")>{t}</span> }).collect_view()}</div>
            <canvas id=CANVAS width=WIDTH height=move || exp.with(height)
                on:mousemove=on_move on:click=on_click
                on:mouseleave=move |_| hover.set(String::new())></canvas>
            <div class="row diagram-foot">
                <canvas id=ZOOM class="zoom" width="72" height="72" title="The unit under the pointer, enlarged"></canvas>
                <div id="diagram-hover" class="hover">{move || {
                    let h = hover.get();
                    if h.is_empty() { format!("Hover a unit to enlarge it, a line to read its weight; click a line to set it by hand. Columns show at most {MAX_UNITS} units.") } else { h }
                }}</div>
            </div>
            {move || editing.get().map(|(_, title)| view! {
                <div id="weight-editor" class="weight-editor">
                    <b>{format!("Weight {title}")}</b>
                    <div class="row">
                        <input id="weight-value" type="number" step="0.1" prop:value=move || typed.get()
                            on:input=move |ev| typed.set(event_target_value(&ev))
                            on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" { set() } />
                        <button id="weight-set" on:click=move |_| set()>"Set"</button>
                        <button id="weight-cancel" on:click=move |_| close()>"Cancel"</button>
                    </div>
                    <div class="problem">{move || problem.get()}</div>
                    <div class="hint">
                        {move || if seeds() > 1 { format!("Sets model 0's weight (the one drawn); the other {} seeds keep theirs. ", seeds() - 1) } else { String::new() }}
                        "Training continues from the edited weight at the current step. The edit goes into the link (wedit): Reset and the copied link replay it at this step."
                    </div>
                </div>
            })}
            {move || { let n = exp.with(|e| e.wedit.len()); (n > 0).then(|| view! {
                <div class="row hint" id="wedit-note">{format!("{n} weight{} set by hand in this link. ", if n == 1 { "" } else { "s" })}
                    <button id="wedit-clear" title="Remove the hand edits from the link and restart from the seed"
                        on:click=move |_| exp.update(|e| e.wedit.clear())>"Remove hand edits"</button></div>
            }) }}
        </div>
    }
}

thread_local! {
    /// The (session generation, readback count) of the weights last drawn.
    static DRAWN: std::cell::Cell<Option<(u64, u64)>> = const { std::cell::Cell::new(None) };
}

/// After each frame: draw weights newly read back (the diagram; for more than two classes the
/// boundary's class probabilities) and report a finished hand edit. True when the boundary
/// must be redrawn.
pub fn after_frame(
    rc: &Rc<RefCell<Runner>>,
    exp: RwSignal<Experiment>,
    note: RwSignal<String>,
    error: RwSignal<Option<String>>,
) -> bool {
    let result = rc.borrow_mut().edit_result.take();
    match result {
        Some(Ok((text, list))) => {
            note.set(text);
            if let Some(list) = list {
                exp.update(|e| e.wedit = list);
            }
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    }
    // The latest weights stay in the runner (the grokking panel reads them too); each readback
    // is drawn once.
    let key = {
        let r = rc.borrow();
        r.latest.as_ref().map(|_| (r.generation, r.latest_seq))
    };
    let Some(key) = key else { return false };
    if DRAWN.with(|d| d.replace(Some(key))) == Some(key) {
        return false;
    }
    let latest = rc.borrow().latest.clone();
    let Some(((params, _, _), _)) = latest else { return false };
    let r = rc.borrow();
    let Some(layout) = r.layout.as_ref() else { return false };
    exp.with_untracked(|e| {
        update(e, layout, &params);
        if netview::shows_probs(e) {
            let grid = crate::core::data::DataSpec::from(e).lift().apply(&crate::engine::grid_points());
            super::draw::set_probs(netview::prob_colors(layout, &params, &grid));
            true
        } else {
            false
        }
    })
}
