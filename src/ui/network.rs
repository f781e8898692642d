//! The network and training panels: hidden layers (with an activation per layer when they
//! differ), parametrization, optimizer, schedule, regularizers, seeds and backend.

use super::widgets::{checkbox, choice, fnum, is_hidden, key, number, select, short};
use crate::experiment::types::{name_in, ACT, BACKEND, BASIS, INIT, LOSS, MODEL, OPT, SCHED};
use crate::experiment::{limits, Activation, Experiment, Init, Model, Optimizer, Schedule};
use leptos::prelude::*;

/// Every hidden layer's activation, listed per layer (for editing one of them).
fn per_layer(e: &Experiment) -> Vec<Activation> {
    (0..e.layers.len().max(1)).map(|l| e.act_of(l)).collect()
}

/// Set hidden layer `l`'s activation; a list whose entries are all equal collapses to one.
fn set_act(e: &mut Experiment, l: usize, a: Activation) {
    let mut v = per_layer(e);
    if let Some(x) = v.get_mut(l) {
        *x = a;
    }
    if v.iter().all(|x| *x == v[0]) {
        v.truncate(1);
    }
    e.act = v;
}

fn mixed(e: &Experiment) -> bool {
    let v = per_layer(e);
    v.iter().any(|a| *a != v[0])
}

/// An activation select bound to hidden layer `l` (`None` = all layers).
fn act_select(exp: RwSignal<Experiment>, l: Option<usize>) -> impl IntoView {
    let id = l.map_or("act".to_string(), |l| format!("act-{l}"));
    let cur = move || {
        exp.with(|e| match l {
            None if mixed(e) => "mixed".to_string(),
            None => name_in(ACT, e.act_of(0)).to_string(),
            Some(l) => name_in(ACT, e.act_of(l)).to_string(),
        })
    };
    view! {
        <select id=id title="Activation (sin = SIREN's sin(ω₀z))" prop:value=cur
            on:change=move |ev| {
                let v = event_target_value(&ev);
                if let Some((_, a)) = ACT.iter().find(|(n, _)| *n == v) {
                    exp.update(|e| match l { None => e.act = vec![*a], Some(l) => set_act(e, l, *a) })
                }
            }>
            {move || (l.is_none() && exp.with(mixed)).then(|| view! { <option value="mixed" selected=true>"per layer"</option> })}
            {ACT.iter().map(|(n, _)| view! { <option value=*n selected=move || cur() == *n>{*n}</option> }).collect_view()}
        </select>
    }
}

/// Hidden layers: add/remove layers (0–8) and neurons (1–1024), activation per layer.
#[component]
pub fn LayersEditor(exp: RwSignal<Experiment>) -> impl IntoView {
    let n_layers = move || exp.with(|e| e.layers.len());
    let full = move || exp.with(|e| e.layers.len() >= limits::MAX_LAYERS);
    let empty = move || exp.with(|e| e.layers.is_empty());
    let add_layer = move |_| {
        exp.update(|e| {
            if e.layers.len() < limits::MAX_LAYERS {
                let w = e.layers.last().copied().unwrap_or(4);
                let a = e.act_of(e.layers.len().saturating_sub(1));
                let m = mixed(e);
                e.layers.push(w);
                if m {
                    e.act = per_layer(e);
                    if let Some(x) = e.act.last_mut() {
                        *x = a;
                    }
                }
            }
        })
    };
    let per = move || exp.with(mixed);
    view! {
        <div class="layers" id="layers">
            <div class="row">
                <button id="layer-add" title="Add a hidden layer" disabled=full on:click=add_layer>"+"</button>
                <button id="layer-remove" title="Remove the last hidden layer" disabled=empty
                    on:click=move |_| exp.update(|e| { e.layers.pop(); if e.act.len() > e.layers.len().max(1) { e.act.truncate(e.layers.len().max(1)) } })>"−"</button>
                <span id="layer-count">{move || format!("{} hidden layer{}", n_layers(), if n_layers() == 1 { "" } else { "s" })}</span>
            </div>
            <div class="row">"Activation " {act_select(exp, None)}
                <button id="act-split" title="Choose an activation for each hidden layer" disabled=move || per() || n_layers() < 2
                    on:click=move |_| exp.update(|e| { let mut v = per_layer(e); if let Some(l) = v.last_mut() { *l = if *l == Activation::Relu { Activation::Tanh } else { Activation::Relu } } e.act = v; })>"per layer"</button>
            </div>
            <div class="widths">
                {move || (0..n_layers()).map(|l| view! {
                    <div class="width">
                        <small>{format!("L{} ", l + 1)}</small>
                        <button title="One neuron fewer" on:click=move |_| exp.update(|e| if let Some(w) = e.layers.get_mut(l) { *w = w.saturating_sub(1).max(limits::WIDTH.0) })>"−"</button>
                        <input type="number" class="small" id=format!("width-{l}") min="1" max="1024"
                            prop:value=move || exp.with(|e| e.layers.get(l).map(|w| w.to_string()).unwrap_or_default())
                            on:change=move |ev| if let Some(v) = super::widgets::num(&event_target_value(&ev), limits::WIDTH.0, limits::WIDTH.1) { exp.update(|e| if let Some(w) = e.layers.get_mut(l) { *w = v }) } />
                        <button title="One neuron more" on:click=move |_| exp.update(|e| if let Some(w) = e.layers.get_mut(l) { *w = (*w + 1).min(limits::WIDTH.1) })>"+"</button>
                        <small>"neurons"</small>
                        {move || per().then(|| act_select(exp, Some(l)))}
                    </div>
                }).collect_view()}
            </div>
        </div>
    }
}

/// Architecture and parametrization.
#[component]
pub fn NetworkPanel(exp: RwSignal<Experiment>) -> impl IntoView {
    let has_sin = |e: &Experiment| per_layer(e).contains(&Activation::Sin);
    let is_tfm = |e: &Experiment| e.model == Model::Tfm;
    // A rational KAN (`basis=rational`) has no grid: its grid and order controls are hidden.
    let kan_grid = |e: &Experiment| e.model == Model::Kan && e.basis.has_grid();
    view! {
        <section class="panel" id="network-panel">
            <h2>"Network"</h2>
            <div class="grid2">
                {select(key(exp, "model", "Model "), MODEL, |e| e.model, |e, v| e.model = v)}
                {number(key(exp, "grid", "KAN grid ").when(kan_grid), |e| e.grid, |e, v| e.grid = v, limits::GRID.0, limits::GRID.1)}
                {number(key(exp, "order", "Spline order ").when(kan_grid), |e| e.order, |e, v| e.order = v, limits::ORDER.0, limits::ORDER.1)}
                {select(key(exp, "basis", "KAN basis ").when(|e| e.model == Model::Kan), BASIS, |e| e.basis, |e, v| e.basis = v)}
                {number(key(exp, "d_model", "d_model ").when(is_tfm), |e| e.d_model, |e, v| e.d_model = v, limits::D_MODEL.0, limits::D_MODEL.1)}
                {number(key(exp, "heads", "Heads ").when(is_tfm), |e| e.heads, |e, v| e.heads = v, limits::HEADS.0, limits::HEADS.1)}
                {number(key(exp, "tfm_layers", "Blocks ").when(is_tfm), |e| e.tfm_layers, |e, v| e.tfm_layers = v, limits::TFM_LAYERS.0, limits::TFM_LAYERS.1)}
                {number(key(exp, "d_mlp", "d_mlp (0 = none) ").when(is_tfm), |e| e.d_mlp, |e, v| e.d_mlp = v, limits::D_MLP.0, limits::D_MLP.1)}
                {checkbox(key(exp, "ln", " LayerNorm").when(is_tfm), |e| e.ln, |e, v| e.ln = v)}
            </div>
            {move || (!exp.with(|e| is_hidden(e, "layers") || e.model == Model::Tfm)).then(|| view! { <LayersEditor exp=exp /> })}
            <div class="grid2">
                {number(key(exp, "w0", "ω₀ (sin) ").when(has_sin), |e| e.w0, |e, v| e.w0 = v, limits::W0.0, limits::W0.1)}
                {checkbox(key(exp, "resid", " Residual"), |e| e.resid, |e, v| e.resid = v)}
                {number(key(exp, "hourglass", "Hourglass (0 = off) "), |e| e.hourglass, |e, v| e.hourglass = v, limits::HOURGLASS.0, limits::HOURGLASS.1)}
                {select(key(exp, "init", "Init "), INIT, |e| e.init, |e, v| e.init = v)}
                {number(key(exp, "alpha", "Init scale α "), |e| e.alpha, |e, v| e.alpha = v, limits::ALPHA.0, limits::ALPHA.1)}
                {number(key(exp, "base", "μP base width ").when(|e| e.init == Init::Mup), |e| e.base, |e, v| e.base = v, limits::BASE.0, limits::BASE.1)}
                // Token models always train with softmax cross-entropy (`engine::tfm`): no Loss choice.
                {select(
                    key(exp, "loss", "Loss ").when(|e| !e.is_regression() && !matches!(e.model, Model::Emb | Model::Tfm)),
                    LOSS,
                    |e| e.loss,
                    |e, v| e.loss = v,
                )}
            </div>
        </section>
    }
}

const LRS: &[&str] = &["0.00001", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3", "10"];
const REGS: &[&str] = &["0", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3", "10"];

/// Optimizer, schedule, batch, regularizers, seeds, backend.
#[component]
pub fn TrainingPanel(exp: RwSignal<Experiment>) -> impl IntoView {
    let is_mom = |e: &Experiment| e.opt == Optimizer::Momentum;
    let is_adam = |e: &Experiment| matches!(e.opt, Optimizer::Adam | Optimizer::Adamw);
    view! {
        <section class="panel" id="training-panel">
            <h2>"Training"</h2>
            <div class="grid2">
                {select(key(exp, "opt", "Optimizer "), OPT, |e| e.opt, |e, v| e.opt = v)}
                {choice(key(exp, "lr", "Learning rate "), LRS, |e| short(e.lr), |e, v| if let Some(x) = fnum(v, limits::LR) { e.lr = x })}
                {number(key(exp, "momentum", "Momentum ").when(is_mom), |e| e.momentum, |e, v| e.momentum = v, limits::MOMENTUM.0, limits::MOMENTUM.1)}
                {checkbox(key(exp, "nesterov", " Nesterov").when(is_mom), |e| e.nesterov, |e, v| e.nesterov = v)}
                {number(key(exp, "beta1", "β1 ").when(is_adam), |e| e.beta1, |e, v| e.beta1 = v, limits::BETA1.0, limits::BETA1.1)}
                {number(key(exp, "beta2", "β2 ").when(is_adam), |e| e.beta2, |e, v| e.beta2 = v, limits::BETA2.0, limits::BETA2.1)}
                {select(key(exp, "sched", "Schedule "), SCHED, |e| e.sched, |e, v| e.sched = v)}
                {number(key(exp, "warmup", "Warmup steps ").when(|e| matches!(e.sched, Schedule::Warmup | Schedule::Cosine)), |e| e.warmup, |e, v| e.warmup = v, limits::WARMUP.0, limits::WARMUP.1)}
                {number(key(exp, "decay_every", "Decay every ").when(|e| e.sched == Schedule::Step), |e| e.decay_every, |e, v| e.decay_every = v, limits::DECAY_EVERY.0, limits::DECAY_EVERY.1)}
                {number(key(exp, "decay", "Decay factor ").when(|e| e.sched == Schedule::Step), |e| e.decay, |e, v| e.decay = v, limits::DECAY.0, limits::DECAY.1)}
                {number(key(exp, "bs", "Batch size "), |e| e.bs, |e, v| e.bs = v, limits::BS.0, limits::BS.1)}
                {number(key(exp, "clip", "Clip grad norm (0 = off) "), |e| e.clip, |e, v| e.clip = v, limits::CLIP.0, limits::CLIP.1)}
                {number(key(exp, "l1", "L1 "), |e| e.l1, |e, v| e.l1 = v, limits::L1.0, limits::L1.1)}
                {choice(key(exp, "l2", "L2 "), REGS, |e| short(e.l2), |e, v| if let Some(x) = fnum(v, limits::L2) { e.l2 = x })}
                {choice(key(exp, "wd", "Weight decay "), REGS, |e| short(e.wd), |e, v| if let Some(x) = fnum(v, limits::WD) { e.wd = x })}
                {number(key(exp, "dropout", "Dropout "), |e| e.dropout, |e, v| e.dropout = v, limits::DROPOUT.0, limits::DROPOUT.1)}
                {number(key(exp, "smooth", "Label smoothing ").when(|e| e.uses_ce()), |e| e.smooth, |e, v| e.smooth = v, limits::SMOOTH.0, limits::SMOOTH.1)}
                {number(key(exp, "gnoise", "Gradient noise η "), |e| e.gnoise, |e, v| e.gnoise = v, limits::GNOISE.0, limits::GNOISE.1)}
                {number(key(exp, "seeds", "Seeds (models) "), |e| e.seeds, |e, v| e.seeds = v, limits::SEEDS.0, limits::SEEDS.1)}
                {select(key(exp, "backend", "Backend "), BACKEND, |e| e.backend, |e, v| e.backend = v)}
            </div>
            <div class="hint">{move || exp.with(|e| if e.bs as usize > e.n_train() { format!("batch = full training set ({})", e.n_train()) } else { String::new() })}</div>
        </section>
    }
}
