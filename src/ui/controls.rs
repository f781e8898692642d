//! The data, features and view panels. Each control edits the one reactive `Experiment` (its
//! DOM id is its URL key); the app turns edits into URL updates, live changes or a rebuild.
//! Layout and defaults follow TensorFlow Playground (data left, network centre, output right).

use super::widgets::{checkbox, is_hidden, key, number, select, slider, text};
use crate::experiment::types::{DATA, FEATURES, FUNC, OP};
use crate::experiment::{limits, Dataset, Experiment, Labels};
use leptos::prelude::*;

/// Button text of a dataset (its URL name, shortened where long).
fn data_title(name: &str) -> &str {
    match name {
        "xorclusters" => "xor-clusters",
        "gauss2" => "2 gaussians",
        other => other,
    }
}

/// Dataset buttons (classification and regression), sizes, noise, label corruption, seed.
#[component]
pub fn DataPanel(exp: RwSignal<Experiment>) -> impl IntoView {
    let buttons = move |regression: bool| {
        DATA.iter()
            .filter(move |(_, d)| d.is_regression() == regression)
            .map(|&(name, d)| {
                view! {
                    <button class="dataset" id=format!("data-{name}") title=format!("data={name}")
                        class:active=move || exp.with(|e| e.data == d)
                        on:click=move |_| exp.update(|e| {
                            // Grokking is a story in log time: the step axis turns log for mod/digits.
                            if d.is_vector() && !e.data.is_vector() {
                                e.logx = true;
                            }
                            e.data = d
                        })>{data_title(name)}</button>
                }
            })
            .collect_view()
    };
    let n_train = move || exp.with(|e| format!("{} train / {} test", e.n_train(), e.n_test()));
    view! {
        <section class="panel" id="data-panel">
            <h2>"Data"</h2>
            {move || (!exp.with(|e| is_hidden(e, "data"))).then(|| view! {
                <div id="data">
                    <div class="sub">"Classification"</div>
                    <div class="datasets">{buttons(false)}</div>
                    <div class="sub">"Regression"</div>
                    <div class="datasets">{buttons(true)}</div>
                </div>
            })}
            {number(key(exp, "classes", "Classes ").when(|e| matches!(e.data, Dataset::Rings | Dataset::Longtail)), |e| e.classes, |e, v| e.classes = v, limits::CLASSES.0, limits::CLASSES.1)}
            {number(key(exp, "subpops", "Subpopulations ").when(|e| e.data == Dataset::Longtail), |e| e.subpops, |e, v| e.subpops = v, limits::SUBPOPS.0, limits::SUBPOPS.1)}
            {slider(key(exp, "zipf", "Zipf exponent").when(|e| e.data == Dataset::Longtail), (limits::ZIPF.0, limits::ZIPF.1, 0.1), |e| e.zipf, |e, v| e.zipf = v)}
            {number(key(exp, "p", "Modulus p ").when(|e| e.data == Dataset::Mod), |e| e.p, |e, v| e.p = crate::core::data::modular::nearest_prime(v), limits::P.0, limits::P.1)}
            {select(key(exp, "op", "Operation ").when(|e| e.data == Dataset::Mod), OP, |e| e.op, |e, v| e.op = v)}
            {select(key(exp, "fn", "Function ").when(|e| e.data == Dataset::Fn), FUNC, |e| e.func, |e, v| e.func = v)}
            {number(key(exp, "dim", "Dimensions ").when(|e| e.data == Dataset::Xorclusters), |e| e.dim, |e, v| e.dim = v, limits::DIM.0, limits::DIM.1)}
            {text(key(exp, "freqs", "Frequencies ").when(|e| e.data == Dataset::Sines), |e| e.freqs.iter().map(|f| f.to_string()).collect::<Vec<_>>().join(","), set_freqs)}
            {number(key(exp, "n", "Points (train + test) ").when(|e| e.data != Dataset::Mod), |e| e.n, |e, v| e.n = v, limits::N.0, limits::N.1)}
            {slider(key(exp, "train", "Training fraction"), (limits::TRAIN.0, limits::TRAIN.1, 0.05), |e| e.train, |e, v| e.train = v)}
            <div class="hint">{n_train}</div>
            {slider(key(exp, "noise", "Noise").when(|e| !e.data.is_vector()), (limits::NOISE.0, limits::NOISE.1, 5.0), |e| e.noise, |e, v| e.noise = v)}
            {slider(key(exp, "flip", "Flipped train labels").when(|e| !e.is_regression() && !e.data.is_vector()), (limits::FLIP.0, limits::FLIP.1, 0.05), |e| e.flip, |e, v| e.flip = v)}
            {slider(key(exp, "corrupt", "Corrupted train labels").when(|e| e.data.is_vector()), (limits::CORRUPT.0, limits::CORRUPT.1, 0.05), |e| e.corrupt, |e, v| e.corrupt = v)}
            {checkbox(key(exp, "labels", " Random train labels").when(|e| !e.is_regression()), |e| e.labels == Labels::Random, |e, v| e.labels = if v { Labels::Random } else { Labels::Given })}
            <div class="row">
                {number(key(exp, "seed", "Seed "), |e| e.seed, |e, v| e.seed = v, 0u64, u64::MAX)}
                <button id="regenerate" title="New random data and initial weights (seed + 1)"
                    on:click=move |_| exp.update(|e| e.seed = e.seed.wrapping_add(1))>"Regenerate"</button>
            </div>
        </section>
    }
}

/// `freqs` from a comma list: up to 8 numbers, clamped; ignored when none parses.
fn set_freqs(e: &mut Experiment, s: &str) {
    let v: Vec<f32> = s
        .split(',')
        .filter_map(|t| super::widgets::num(t, limits::FREQ.0, limits::FREQ.1))
        .take(limits::MAX_FREQS)
        .collect();
    if !v.is_empty() {
        e.freqs = v;
    }
}

/// How a feature is written on the page.
fn feature_title(name: &str) -> &str {
    match name {
        "x2" => "x²",
        "y2" => "y²",
        "xy" => "x·y",
        "sinx" => "sin x",
        "siny" => "sin y",
        other => other,
    }
}

/// TFP's input features and random Fourier features.
#[component]
pub fn FeaturesPanel(exp: RwSignal<Experiment>) -> impl IntoView {
    let boxes = FEATURES
        .iter()
        .map(|&(name, f)| {
            view! {
                <label class="check feature">
                    <input type="checkbox" id=format!("feature-{name}")
                        prop:checked=move || exp.with(|e| e.features.contains(&f))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            exp.update(|e| {
                                if on && !e.features.contains(&f) {
                                    let mut v: Vec<_> = FEATURES.iter().map(|t| t.1).filter(|g| *g == f || e.features.contains(g)).collect();
                                    std::mem::swap(&mut e.features, &mut v);
                                } else if !on && e.features.len() > 1 {
                                    e.features.retain(|g| *g != f);
                                }
                            })
                        } />
                    {feature_title(name)}
                </label>
            }
        })
        .collect_view();
    let xc = move || exp.with(|e| e.data == Dataset::Xorclusters);
    view! {
        <section class="panel" id="features-panel">
            <h2>"Features"</h2>
            {move || (!exp.with(|e| is_hidden(e, "features") || e.data.is_vector())).then(|| view! {
                <div id="features" class="features">{boxes.clone()}</div>
            })}
            <Show when=xc><div class="hint">"xor-clusters uses its raw coordinates; features are ignored."</div></Show>
            <Show when=move || exp.with(|e| e.data.is_vector())><div class="hint">"One-hot pairs (mod) and pixels (digits) are the inputs; features do not apply."</div></Show>
            {number(key(exp, "rff", "Fourier features ").when(|e| !e.data.is_vector()), |e| e.rff, |e, v| e.rff = v, limits::RFF.0, limits::RFF.1)}
            {number(key(exp, "rff_scale", "Fourier scale σ ").when(|e| e.rff > 0), |e| e.rff_scale, |e, v| e.rff_scale = v, limits::RFF_SCALE.0, limits::RFF_SCALE.1)}
        </section>
    }
}

/// View options (no retraining).
#[component]
pub fn ViewPanel(exp: RwSignal<Experiment>) -> impl IntoView {
    view! {
        <div class="view-opts" id="view-panel">
            {checkbox(key(exp, "show_test", " Show test data"), |e| e.show_test, |e, v| e.show_test = v)}
            {checkbox(key(exp, "discretize", " Discretize output").when(|e| !e.data.is_1d()), |e| e.discretize, |e, v| e.discretize = v)}
            {checkbox(key(exp, "logx", " Log step axis"), |e| e.logx, |e, v| e.logx = v)}
        </div>
    }
}
