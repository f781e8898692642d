//! The control panels (data, network, training). Each control edits the one reactive
//! `Experiment`; the app turns edits into URL updates, live changes or a rebuild.
//! Layout and defaults follow TensorFlow Playground (data left, network centre).

use crate::experiment::{limits, Activation, BackendChoice, Dataset, Experiment, Loss, Optimizer};
use leptos::prelude::*;

/// Parse a number from an input, clamped to `lo..=hi`; `None` for garbage (the control keeps
/// its old value).
fn num<T: std::str::FromStr + PartialOrd + Copy>(s: &str, lo: T, hi: T) -> Option<T> {
    let v: T = s.trim().parse().ok()?;
    Some(if v < lo {
        lo
    } else if v > hi {
        hi
    } else {
        v
    })
}

fn fnum(s: &str, lo: f32, hi: f32) -> Option<f32> {
    num::<f32>(s, lo, hi).filter(|v| v.is_finite())
}

/// Dataset picker, sizes, noise and seed.
#[component]
pub fn DataPanel(exp: RwSignal<Experiment>) -> impl IntoView {
    let sets =
        [(Dataset::Circle, "circle"), (Dataset::Xor, "xor"), (Dataset::Gauss, "gauss"), (Dataset::Spiral, "spiral")];
    view! {
        <section class="panel" id="data-panel">
            <h2>"Data"</h2>
            <div class="datasets">
                {sets.into_iter().map(|(d, name)| view! {
                    <button class="dataset" id=format!("data-{name}")
                        class:active=move || exp.with(|e| e.data == d)
                        on:click=move |_| exp.update(|e| e.data = d)>{name}</button>
                }).collect_view()}
            </div>
            <label>"Points (n, train + test) "
                <input type="number" id="n" class="small" min="20" max="10000" step="10"
                    prop:value=move || exp.with(|e| e.n.to_string())
                    on:change=move |ev| if let Some(v) = num(&event_target_value(&ev), limits::N.0, limits::N.1) { exp.update(|e| e.n = v) } />
            </label>
            <label>"Training fraction: " <strong>{move || exp.with(|e| format!("{:.2}", e.train))}</strong>
                <input type="range" id="train" min="0.1" max="0.9" step="0.05"
                    prop:value=move || exp.with(|e| e.train.to_string())
                    on:input=move |ev| if let Some(v) = fnum(&event_target_value(&ev), limits::TRAIN.0, limits::TRAIN.1) { exp.update(|e| e.train = v) } />
            </label>
            <label>"Noise: " <strong>{move || exp.with(|e| e.noise)}</strong>
                <input type="range" id="noise" min="0" max="50" step="5"
                    prop:value=move || exp.with(|e| e.noise.to_string())
                    on:input=move |ev| if let Some(v) = fnum(&event_target_value(&ev), limits::NOISE.0, limits::NOISE.1) { exp.update(|e| e.noise = v) } />
            </label>
            <div class="row">
                <label>"Seed " <input type="number" id="seed" min="0" class="small"
                    prop:value=move || exp.with(|e| e.seed.to_string())
                    on:change=move |ev| if let Some(v) = num(&event_target_value(&ev), 0u64, u64::MAX) { exp.update(|e| e.seed = v) } /></label>
                <button id="regenerate" title="New random data and initial weights (seed + 1)"
                    on:click=move |_| exp.update(|e| e.seed = e.seed.wrapping_add(1))>"Regenerate"</button>
            </div>
        </section>
    }
}

/// Hidden layers: add/remove layers (0–8) and neurons (1–1024).
#[component]
pub fn LayersEditor(exp: RwSignal<Experiment>) -> impl IntoView {
    let n_layers = move || exp.with(|e| e.layers.len());
    let full = move || exp.with(|e| e.layers.len() >= limits::MAX_LAYERS);
    let empty = move || exp.with(|e| e.layers.is_empty());
    let add_layer = move |_| {
        exp.update(|e| {
            if e.layers.len() < limits::MAX_LAYERS {
                let w = e.layers.last().copied().unwrap_or(4);
                e.layers.push(w);
            }
        })
    };
    view! {
        <div class="layers">
            <div class="row">
                <button id="layer-add" title="Add a hidden layer" disabled=full
                    on:click=add_layer>"+"</button>
                <button id="layer-remove" title="Remove the last hidden layer" disabled=empty
                    on:click=move |_| exp.update(|e| { e.layers.pop(); })>"−"</button>
                <span id="layer-count">{move || format!("{} hidden layer{}", n_layers(), if n_layers() == 1 { "" } else { "s" })}</span>
            </div>
            <div class="widths">
                {move || (0..n_layers()).map(|l| view! {
                    <div class="width">
                        <button on:click=move |_| exp.update(|e| if let Some(w) = e.layers.get_mut(l) { *w = (*w + 1).min(limits::WIDTH.1) })>"+"</button>
                        <input type="number" class="small" id=format!("width-{l}") min="1" max="1024"
                            prop:value=move || exp.with(|e| e.layers.get(l).map(|w| w.to_string()).unwrap_or_default())
                            on:change=move |ev| if let Some(v) = num(&event_target_value(&ev), limits::WIDTH.0, limits::WIDTH.1) { exp.update(|e| if let Some(w) = e.layers.get_mut(l) { *w = v }) } />
                        <button on:click=move |_| exp.update(|e| if let Some(w) = e.layers.get_mut(l) { *w = w.saturating_sub(1).max(limits::WIDTH.0) })>"−"</button>
                        <small>"neurons"</small>
                    </div>
                }).collect_view()}
            </div>
        </div>
    }
}

/// A `<select>` over fixed string options bound to one field of the experiment.
#[component]
fn Choice(
    /// Element id (also used by tests).
    id: &'static str,
    /// Visible label.
    label: &'static str,
    /// (value, text) options.
    options: Vec<(String, String)>,
    /// Current value.
    get: Signal<String>,
    /// Called with the chosen value.
    set: Callback<String>,
) -> impl IntoView {
    view! {
        <label>{label}
            <select id=id prop:value=move || get.get() on:change=move |ev| set.run(event_target_value(&ev))>
                {move || {
                    let mut opts = options.clone();
                    let cur = get.get();
                    if !opts.iter().any(|(v, _)| *v == cur) {
                        opts.push((cur.clone(), cur.clone()));
                    }
                    opts.into_iter().map(|(v, t)| { let sel = v == cur; view! { <option value=v selected=sel>{t}</option> } }).collect_view()
                }}
            </select>
        </label>
    }
}

fn opts(list: &[&str]) -> Vec<(String, String)> {
    list.iter().map(|s| (s.to_string(), s.to_string())).collect()
}

/// Model and optimizer settings.
#[component]
pub fn NetworkPanel(exp: RwSignal<Experiment>) -> impl IntoView {
    view! {
        <section class="panel" id="network-panel">
            <h2>"Network"</h2>
            <LayersEditor exp=exp />
            <Choice id="act" label="Activation " options=opts(&["relu", "tanh", "sigmoid", "linear"])
                get=Signal::derive(move || name(&exp.with(|e| e.act_of(0))))
                set=Callback::new(move |v: String| if let Some(a) = parse_enum::<Activation>(&v) { exp.update(|e| e.act = vec![a]) }) />
            <Choice id="loss" label="Loss " options=vec![("mse".into(), "MSE (tanh output)".into()), ("ce".into(), "cross-entropy".into())]
                get=Signal::derive(move || name(&exp.with(|e| e.loss)))
                set=Callback::new(move |v: String| if let Some(a) = parse_enum::<Loss>(&v) { exp.update(|e| e.loss = a) }) />
            <Choice id="opt" label="Optimizer " options=vec![("sgd".into(), "SGD".into()), ("adam".into(), "Adam".into())]
                get=Signal::derive(move || name(&exp.with(|e| e.opt)))
                set=Callback::new(move |v: String| if let Some(a) = parse_enum::<Optimizer>(&v) { exp.update(|e| e.opt = a) }) />
            <Choice id="lr" label="Learning rate " options=opts(&["0.00001", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3", "10"])
                get=Signal::derive(move || exp.with(|e| short(e.lr)))
                set=Callback::new(move |v: String| if let Some(x) = fnum(&v, limits::LR.0, limits::LR.1) { exp.update(|e| e.lr = x) }) />
            <Choice id="l2" label="L2 " options=opts(&["0", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3", "10"])
                get=Signal::derive(move || exp.with(|e| short(e.l2)))
                set=Callback::new(move |v: String| if let Some(x) = fnum(&v, limits::L2.0, limits::L2.1) { exp.update(|e| e.l2 = x) }) />
            <Choice id="wd" label="Weight decay " options=opts(&["0", "0.0001", "0.001", "0.01", "0.1", "0.3", "1", "3", "10"])
                get=Signal::derive(move || exp.with(|e| short(e.wd)))
                set=Callback::new(move |v: String| if let Some(x) = fnum(&v, limits::WD.0, limits::WD.1) { exp.update(|e| e.wd = x) }) />
            <label>"Batch size " <input type="number" id="bs" class="small" min="1" max="10000"
                prop:value=move || exp.with(|e| e.bs.to_string())
                on:change=move |ev| if let Some(v) = num(&event_target_value(&ev), limits::BS.0, limits::BS.1) { exp.update(|e| e.bs = v) } />
                <small>{move || exp.with(|e| if e.bs as usize > e.n_train() { format!(" (full batch: {})", e.n_train()) } else { String::new() })}</small>
            </label>
            <Choice id="backend" label="Backend " options=vec![("auto".into(), "auto (WebGPU if available)".into()), ("webgpu".into(), "WebGPU".into()), ("cpu".into(), "CPU (wasm)".into())]
                get=Signal::derive(move || name(&exp.with(|e| e.backend)))
                set=Callback::new(move |v: String| if let Some(a) = parse_enum::<BackendChoice>(&v) { exp.update(|e| e.backend = a) }) />
        </section>
    }
}

/// Lower-case serde name of an enum value (the URL spelling).
fn name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|j| j.as_str().map(str::to_string)).unwrap_or_default()
}

fn parse_enum<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
}

/// Shortest decimal form of a float (as the URL writes it).
fn short(v: f32) -> String {
    let s = format!("{v}");
    if s.contains('e') {
        format!("{}", v as f64)
    } else {
        s
    }
}
