//! Neuron thumbnails (as TensorFlow Playground's network view): for each hidden unit of model 0,
//! its output over the input plane, computed here from the latest parameters read back from the
//! backend (`Backend::request_params`) with the reference forward pass (`core::mlp::Layout`).
//! Each map is scaled by its largest |value| and drawn with the boundary colours (orange
//! negative, blue positive). Hovering a thumbnail enlarges it (CSS).
//!
//! The maps need the model's inputs at each plane point; here they are the raw (x, y)
//! coordinates, so thumbnails are drawn only when the features are exactly x, y (no Fourier
//! features, not xor-clusters); otherwise the panel says why.

use crate::core::mlp::Layout;
use crate::experiment::{Dataset, Experiment, Feature};
use crate::plot::boundary::{draw_boundary_with, BoundaryOpts};
use crate::plot::GridValues;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

/// Thumbnail grid resolution.
pub const RES: usize = 24;
/// Units shown per layer.
pub const MAX_UNITS: usize = 16;
/// Largest model (parameters) whose thumbnails are computed on every readback.
pub const MAX_PARAMS: usize = 100_000;

/// Why thumbnails cannot be drawn for `e`, if so.
pub fn unsupported(e: &Experiment) -> Option<&'static str> {
    if e.data == Dataset::Xorclusters || e.data.is_1d() || e.rff > 0 || e.features != [Feature::X, Feature::Y] {
        Some("Neuron pictures need the two inputs x and y (no other features, Fourier features or 1-D data).")
    } else if e.layers.is_empty() {
        Some("No hidden layer.")
    } else {
        None
    }
}

/// The plane as model inputs: (x, y) at the centres of a RES × RES grid over [-6, 6]², row 0 at
/// y = +6 (as `engine::grid_points`).
fn plane() -> Vec<f32> {
    let step = 12.0 / RES as f32;
    let mut v = Vec::with_capacity(RES * RES * 2);
    for r in 0..RES {
        for c in 0..RES {
            v.push(-6.0 + (c as f32 + 0.5) * step);
            v.push(6.0 - (r as f32 + 0.5) * step);
        }
    }
    v
}

/// Per hidden layer, per unit (at most MAX_UNITS): its output on the plane, scaled to [-1, 1].
pub fn maps(layout: &Layout, params: &[f32]) -> Vec<Vec<Vec<f32>>> {
    if layout.p == 0 || params.len() < layout.p || layout.p > MAX_PARAMS || layout.inputs() != 2 {
        return Vec::new();
    }
    let one = Layout { models: 1, ..layout.clone() };
    let b = RES * RES;
    let acts = one.forward(&params[..one.p], &plane(), b);
    let hidden = acts.len().saturating_sub(1);
    acts.iter()
        .take(hidden)
        .zip(&one.layers)
        .map(|(a, l)| {
            (0..l.o.min(MAX_UNITS))
                .map(|u| {
                    let v: Vec<f32> = (0..b).map(|k| a[k * l.o + u]).collect();
                    let m = v.iter().fold(0.0f32, |m, x| m.max(x.abs())).max(1e-6);
                    v.iter().map(|x| x / m).collect()
                })
                .collect()
        })
        .collect()
}

/// Draw `maps` on the canvases `neuron-{layer}-{unit}`.
pub fn draw(maps: &[Vec<Vec<f32>>]) {
    for (l, units) in maps.iter().enumerate() {
        for (u, values) in units.iter().enumerate() {
            let Some(backend) = CanvasBackend::new(&format!("neuron-{l}-{u}")) else { continue };
            let area = backend.into_drawing_area();
            let g = GridValues { res: RES, values: values.clone() };
            let _ = draw_boundary_with(&area, Some(&g), &[], &BoundaryOpts::default());
            let _ = area.present();
        }
    }
}

/// The thumbnails' canvases, one row per hidden layer.
#[component]
pub fn Neurons(exp: RwSignal<Experiment>) -> impl IntoView {
    let rows = move || {
        exp.with(|e| {
            if let Some(why) = unsupported(e) {
                return view! { <div class="hint">{why}</div> }.into_any();
            }
            e.layers
                .iter()
                .enumerate()
                .map(|(l, &w)| {
                    let more = (w as usize > MAX_UNITS).then(|| format!("+{}", w as usize - MAX_UNITS));
                    view! {
                        <div class="neuron-row"><small>{format!("L{}", l + 1)}</small>
                            {(0..(w as usize).min(MAX_UNITS)).map(|u| view! {
                                <canvas class="thumb" id=format!("neuron-{l}-{u}") width="48" height="48"
                                    title=format!("layer {} unit {}: its output over the plane", l + 1, u + 1)></canvas>
                            }).collect_view()}
                            <small>{more}</small>
                        </div>
                    }
                })
                .collect_view()
                .into_any()
        })
    };
    view! {
        <div class="neurons" id="neurons">
            <div class="sub">"Neurons (hover to enlarge)"</div>
            {rows}
        </div>
    }
}
