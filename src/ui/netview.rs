//! Pure logic behind the page's network diagram and multi-class boundary (compiled on every
//! target so it is unit-tested natively): each unit's output over the input plane computed from
//! parameters read back from the backend with the reference forward pass (`core::mlp::Layout`),
//! the plane lifted through the same `core::data::Lift` as the data and the boundary grid (so
//! thumbnails work with x², sin x, random Fourier features, XOR clusters' extra coordinates);
//! checking a hand-typed weight (the edit itself: `train::wedit`); and the class
//! probabilities of a softmax head over the boundary grid (`plot::probs`).

use crate::core::data::DataSpec;
use crate::core::mlp::Layout;
use crate::core::ops::HeadKind;
use crate::experiment::{Dataset, Experiment, Feature};
use crate::plot::netdiagram::{SlotShape, MAX_UNITS};

/// Thumbnail grid resolution.
pub const RES: usize = 24;
/// Largest model (parameters per model) whose maps are computed on every readback.
pub const MAX_PARAMS: usize = 100_000;
/// Largest model whose class probabilities are computed over the boundary grid (64² points,
/// ~2·P flops each, on every readback); larger ones show the engine's arg-max.
pub const MAX_PROB_PARAMS: usize = 20_000;

/// Whether the boundary of `e` shows class probabilities (more than two classes under a
/// softmax head, not discretized, a model of at most `MAX_PROB_PARAMS` parameters).
pub fn shows_probs(e: &Experiment) -> bool {
    e.classes_out() > 2 && e.uses_ce() && !e.discretize && Layout::from_experiment(e, 1).p <= MAX_PROB_PARAMS
}

/// The dense slots' shapes for `plot::netdiagram::Diagram`.
pub fn slots(layout: &Layout) -> Vec<SlotShape> {
    layout.layers.iter().map(|l| SlotShape { i: l.i, o: l.o, w_off: l.w_off }).collect()
}

/// Raw (x, y) at the centres of a `res × res` grid over [-6, 6]², row 0 at y = +6 (as
/// `engine::grid_points`).
pub fn plane(res: usize) -> Vec<f32> {
    let step = 12.0 / res.max(1) as f32;
    let mut v = Vec::with_capacity(res * res * 2);
    for r in 0..res {
        for c in 0..res {
            v.push(-6.0 + (c as f32 + 0.5) * step);
            v.push(6.0 - (r as f32 + 0.5) * step);
        }
    }
    v
}

/// The plane as `e`'s model inputs: [res², inputs].
pub fn lifted_plane(e: &Experiment, res: usize) -> Vec<f32> {
    DataSpec::from(e).lift().apply(&plane(res))
}

/// Names of `e`'s model inputs, in order (the diagram's first column).
pub fn input_names(e: &Experiment) -> Vec<String> {
    if e.data == Dataset::Xorclusters {
        return (1..=e.dim.clamp(2, 100)).map(|k| format!("x{k}")).collect();
    }
    let rff = (e.rff as usize).min(crate::core::data::features::MAX_RFF);
    let kept = crate::core::data::features::kept(&e.features, e.data.is_1d(), rff);
    let name = |f: Feature| {
        match f {
            Feature::X => "x",
            Feature::Y => "y",
            Feature::X2 => "x²",
            Feature::Y2 => "y²",
            Feature::Xy => "x·y",
            Feature::Sinx => "sin x",
            Feature::Siny => "sin y",
        }
        .to_string()
    };
    let mut v: Vec<String> = kept.into_iter().map(name).collect();
    v.extend((1..=rff).map(|k| format!("cos γ{k}")));
    v.extend((1..=rff).map(|k| format!("sin γ{k}")));
    v
}

/// `values` scaled by its largest |value| into [-1, 1].
fn scaled(values: Vec<f32>) -> Vec<f32> {
    let m = values.iter().filter(|v| v.is_finite()).fold(0.0f32, |m, x| m.max(x.abs())).max(1e-6);
    values.into_iter().map(|x| x / m).collect()
}

/// Per diagram column (inputs, then every dense slot's outputs), per shown unit (at most
/// `MAX_UNITS`): its value over the plane, scaled to [-1, 1]. `inputs` is the lifted plane
/// `[RES², layout.inputs()]` (`lifted_plane(e, RES)`); `params` holds at least model 0.
/// Empty when the sizes do not fit or the model is too large to evaluate on every readback.
pub fn maps(layout: &Layout, params: &[f32], inputs: &[f32]) -> Vec<Vec<Vec<f32>>> {
    let n = layout.inputs();
    let b = RES * RES;
    if layout.p == 0 || params.len() < layout.p || layout.p > MAX_PARAMS || n == 0 || inputs.len() != b * n {
        return Vec::new();
    }
    let one = Layout { models: 1, ..layout.clone() };
    let acts = one.forward(&params[..one.p], inputs, b);
    let column = |a: &[f32], width: usize| -> Vec<Vec<f32>> {
        (0..width.min(MAX_UNITS)).map(|u| scaled((0..b).map(|k| a[k * width + u]).collect())).collect()
    };
    let mut out = vec![column(inputs, n)];
    out.extend(acts.iter().zip(&one.layers).map(|(a, l)| column(a, l.o)));
    out
}

/// Parse a typed weight: a finite number of magnitude at most 1000 (else what is wrong).
pub fn parse_weight(text: &str) -> Result<f32, String> {
    match text.trim().parse::<f32>() {
        Ok(v) if v.is_finite() && v.abs() <= 1000.0 => Ok(v),
        Ok(_) => Err("a weight must be a number between −1000 and 1000".into()),
        Err(_) => Err(format!("“{}” is not a number", text.trim())),
    }
}

/// Cell colours of model 0's class probabilities over the boundary grid (`grid` = the lifted
/// `engine::grid_points`, [res², inputs]) for a softmax head with more than two classes; `None`
/// for other heads or when the sizes do not fit.
pub fn prob_colors(layout: &Layout, params: &[f32], grid: &[f32]) -> Option<Vec<(u8, u8, u8)>> {
    let n = layout.inputs();
    let c = layout.outputs();
    if !matches!(layout.head, HeadKind::Softmax { .. }) || c <= 2 || layout.p > MAX_PROB_PARAMS {
        return None;
    }
    if n == 0 || params.len() < layout.p || !grid.len().is_multiple_of(n) || grid.is_empty() {
        return None;
    }
    let b = grid.len() / n;
    let one = Layout { models: 1, ..layout.clone() };
    let acts = one.forward(&params[..one.p], grid, b);
    let out = acts.last()?;
    Some(out.chunks_exact(c).map(crate::plot::probs::prob_color).collect())
}

#[cfg(test)]
#[path = "netview_tests.rs"]
mod tests;
