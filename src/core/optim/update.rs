//! The update rules (see the module doc of `core::optim` for the formulas) over [M, P] buffers;
//! `shaders/optim.wgsl` computes the same per element, in the same order.

use super::noise::gauss;
use super::{Method, StepHyper};

/// The masks of the update: `decay` of length P (tiled over the M models), `lr` of length P
/// (tiled) or M·P (one multiplier per model and parameter, e.g. a learning-rate sweep or the
/// zero-padding of a width sweep).
#[derive(Clone, Copy, Debug)]
pub struct Masks<'a> {
    /// 1 on weights, 0 on biases: where L2, L1 and decoupled decay act.
    pub decay: &'a [f32],
    /// Per-parameter learning-rate multiplier (`init::InitPlan::lr_mask`; all 1 by default),
    /// [P] or [M, P].
    pub lr: &'a [f32],
}

/// Per-model L2 norms of `x` [M, P] (accumulated in f64): ‖x_m‖ for each model m.
pub fn norms(x: &[f32], p: usize) -> Vec<f32> {
    if p == 0 {
        return vec![];
    }
    x.chunks(p).map(|c| c.iter().map(|&v| v as f64 * v as f64).sum::<f64>().sqrt() as f32).collect()
}

/// Gradient norms for clipping and the metrics: `norms` of the raw gradients.
pub fn grad_norms(grads: &[f32], p: usize) -> Vec<f32> {
    norms(grads, p)
}

/// sign(w) with sign(0) = 0 (WGSL `sign`; Rust's `signum` gives ±1 at ±0).
fn sign0(w: f32) -> f32 {
    if w > 0.0 {
        1.0
    } else if w < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// The clip factor min(1, clip/‖g‖): 1 when clipping is off or the norm is within bounds.
pub fn clip_scale(clip: f32, norm: f32) -> f32 {
    if clip > 0.0 && norm > clip {
        clip / norm
    } else {
        1.0
    }
}

/// The gradient the method sees for element `j` (index in its model) of model `m`:
/// c·g + l2·mk·w + l1·mk·sign(w) + σ_t·z (terms with a zero coefficient skipped).
#[allow(clippy::too_many_arguments)]
pub fn effective_grad(h: &StepHyper, g: f32, w: f32, mk: f32, scale: f32, m: usize, j: usize) -> f32 {
    let mut g = if h.clip > 0.0 { g * scale } else { g };
    g += h.l2 * mk * w;
    if h.l1 != 0.0 {
        g += h.l1 * mk * sign0(w);
    }
    if h.noise != 0.0 {
        let t = h.t.saturating_sub(1).min(u32::MAX as u64) as u32;
        g += h.noise * gauss(h.noise_key, m as u32, t, j as u32);
    }
    g
}

/// One update of all M models. `m1`, `m2`: momentum velocity (Momentum) or Adam moments (Adam),
/// each [M, P]; unused by Sgd (may be empty). `gnorm`: per-model raw gradient norms
/// (`grad_norms`), read only when `h.clip` > 0.
#[allow(clippy::too_many_arguments)]
pub fn update(
    method: Method,
    params: &mut [f32],
    grads: &[f32],
    masks: Masks,
    m1: &mut [f32],
    m2: &mut [f32],
    gnorm: &[f32],
    h: &StepHyper,
) {
    let p = masks.decay.len();
    if p == 0 {
        return;
    }
    let per_model = masks.lr.len() > p;
    for k in 0..params.len().min(grads.len()) {
        let (mi, j) = (k / p, k % p);
        let (w, mk) = (params[k], masks.decay[j]);
        let lr = h.lr * masks.lr[if per_model { k } else { j }];
        let scale = clip_scale(h.clip, gnorm.get(mi).copied().unwrap_or(0.0));
        let decay = lr * h.wd * mk * w;
        let g = effective_grad(h, grads[k], w, mk, scale, mi, j);
        match method {
            Method::Sgd => params[k] -= lr * g + decay,
            Method::Momentum => {
                let buf = h.momentum * m1[k] + g;
                m1[k] = buf;
                let d = if h.nesterov { g + h.momentum * buf } else { buf };
                params[k] -= lr * d + decay;
            }
            Method::Adam => {
                m1[k] = h.beta1 * m1[k] + (1.0 - h.beta1) * g;
                m2[k] = h.beta2 * m2[k] + (1.0 - h.beta2) * g * g;
                let mh = m1[k] / h.bc1;
                let vh = m2[k] / h.bc2;
                params[k] -= lr * mh / (vh.sqrt() + h.eps) + decay;
            }
        }
    }
}

/// Unit learning-rate multipliers and the norms `update` needs, for the short forms below.
fn plain(grads: &[f32], mask: &[f32]) -> (Vec<f32>, Vec<f32>) {
    (vec![1.0; mask.len()], grad_norms(grads, mask.len()))
}

/// SGD: w ← w − lr·g − lr·wd·mask·w (unit learning-rate multipliers).
pub fn sgd(params: &mut [f32], grads: &[f32], mask: &[f32], h: &StepHyper) {
    let (lr, n) = plain(grads, mask);
    update(Method::Sgd, params, grads, Masks { decay: mask, lr: &lr }, &mut [], &mut [], &n, h);
}

/// SGD with momentum: buf ← μ·buf + g; w ← w − lr·(buf or g + μ·buf) − lr·wd·mask·w.
pub fn momentum(params: &mut [f32], grads: &[f32], mask: &[f32], buf: &mut [f32], h: &StepHyper) {
    let (lr, n) = plain(grads, mask);
    update(Method::Momentum, params, grads, Masks { decay: mask, lr: &lr }, buf, &mut [], &n, h);
}

/// Adam: m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²;
/// w ← w − lr · (m/bc1) / (√(v/bc2) + ε) − lr·wd·mask·w (decoupled decay: AdamW).
pub fn adam(params: &mut [f32], grads: &[f32], mask: &[f32], m1: &mut [f32], m2: &mut [f32], h: &StepHyper) {
    let (lr, n) = plain(grads, mask);
    update(Method::Adam, params, grads, Masks { decay: mask, lr: &lr }, m1, m2, &n, h);
}
