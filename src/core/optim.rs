//! Optimizers over the flat parameter buffer (all models, all layers: one update).
//! SGD with L2 (`g + l2·w` on weights only, via `mask`), and Adam (Kingma & Ba 2015, Alg. 1,
//! bias-corrected moments). `shaders/optim.wgsl` implements the same formulas.

/// Hyperparameters of one update step, identical to the WGSL `StepSlot` uniform.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepHyper {
    pub lr: f32,
    pub l2: f32,
    pub beta1: f32,
    pub beta2: f32,
    pub eps: f32,
    /// 1 − β1^t and 1 − β2^t for the step t (1-based) being taken.
    pub bc1: f32,
    pub bc2: f32,
    /// Decoupled weight decay: w ← w − lr·wd·mask·w (PyTorch's AdamW convention).
    pub wd: f32,
}

impl StepHyper {
    /// Adam defaults (β1 = 0.9, β2 = 0.999, ε = 1e-8) for step `t` (1-based).
    pub fn new(lr: f32, l2: f32, t: u64) -> Self {
        let (beta1, beta2) = (0.9f32, 0.999f32);
        let tt = t.min(i32::MAX as u64) as i32;
        StepHyper {
            lr,
            l2,
            beta1,
            beta2,
            eps: 1e-8,
            bc1: 1.0 - (beta1 as f64).powi(tt) as f32,
            bc2: 1.0 - (beta2 as f64).powi(tt) as f32,
            wd: 0.0,
        }
    }

    pub fn with_wd(self, wd: f32) -> Self {
        StepHyper { wd, ..self }
    }
}

/// w ← w − lr·(g + l2·mask·w) − lr·wd·mask·w. `mask` is per model (length P), tiled over M.
pub fn sgd(params: &mut [f32], grads: &[f32], mask: &[f32], h: &StepHyper) {
    let p = mask.len();
    for (k, (w, g)) in params.iter_mut().zip(grads).enumerate() {
        let decay = h.lr * h.wd * mask[k % p] * *w;
        let g = g + h.l2 * mask[k % p] * *w;
        *w -= h.lr * g + decay;
    }
}

/// Adam: m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²;
/// w ← w − lr · (m/bc1) / (√(v/bc2) + ε) − lr·wd·mask·w (decoupled decay: AdamW).
pub fn adam(params: &mut [f32], grads: &[f32], mask: &[f32], m1: &mut [f32], m2: &mut [f32], h: &StepHyper) {
    let p = mask.len();
    for k in 0..params.len() {
        let g = grads[k] + h.l2 * mask[k % p] * params[k];
        m1[k] = h.beta1 * m1[k] + (1.0 - h.beta1) * g;
        m2[k] = h.beta2 * m2[k] + (1.0 - h.beta2) * g * g;
        let mh = m1[k] / h.bc1;
        let vh = m2[k] / h.bc2;
        let decay = h.lr * h.wd * mask[k % p] * params[k];
        params[k] -= h.lr * mh / (vh.sqrt() + h.eps) + decay;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sgd_by_hand() {
        let mut w = vec![1.0, 2.0];
        let h = StepHyper::new(0.1, 0.5, 1);
        sgd(&mut w, &[1.0, 1.0], &[1.0, 0.0], &h);
        // w0: 1 − 0.1·(1 + 0.5·1) = 0.85 ; w1 (bias, no L2): 2 − 0.1·1 = 1.9
        assert!((w[0] - 0.85).abs() < 1e-6 && (w[1] - 1.9).abs() < 1e-6, "{w:?}");
    }

    #[test]
    fn decoupled_decay_by_hand() {
        // AdamW at t = 1 with g = 0: m̂ = v̂ = 0, only the decay acts: w ← w − lr·wd·w.
        let mut w = vec![2.0, 2.0];
        let (mut m1, mut m2) = (vec![0.0; 2], vec![0.0; 2]);
        let h = StepHyper::new(0.1, 0.0, 1).with_wd(0.5);
        adam(&mut w, &[0.0, 0.0], &[1.0, 0.0], &mut m1, &mut m2, &h);
        assert!((w[0] - 1.9).abs() < 1e-6 && w[1] == 2.0, "{w:?}");
        let mut s = vec![2.0];
        sgd(&mut s, &[0.0], &[1.0], &h);
        assert!((s[0] - 1.9).abs() < 1e-6);
    }

    #[test]
    fn adam_first_step_moves_by_lr() {
        // At t = 1, m̂ = g and v̂ = g², so each weight moves by lr·sign(g) (up to ε).
        let mut w = vec![0.0, 0.0, 0.0];
        let (mut m1, mut m2) = (vec![0.0; 3], vec![0.0; 3]);
        let h = StepHyper::new(0.01, 0.0, 1);
        adam(&mut w, &[3.0, -0.2, 1e-3], &[1.0; 3], &mut m1, &mut m2, &h);
        for (x, e) in w.iter().zip([-0.01, 0.01, -0.01]) {
            assert!((x - e).abs() < 1e-5, "{w:?}");
        }
    }
}
