//! Loss heads over outputs a: [M,B,C] and targets t: [M,B] (or [B] with `t_stride_m = 0`),
//! reference of `shaders/head.wgsl`. Each writes dz = ∂(mean loss)/∂z (z = pre-activation of
//! the output layer), the per-example loss and a 1.0/0.0 correctness flag.
//! - `Tanh` (TFP's MSE): C = 1, a = tanh(z), class target 0/1 → y = ∓1, loss ½(a − y)²,
//!   dz = (a − y)(1 − a²)/B, correct iff (a ≥ 0) == (t = 1).
//! - `Softmax { smooth: ε }`: a = logits, C ≥ 2 classes, target q = (1−ε)·onehot(t) + ε/C
//!   (label smoothing, Szegedy et al. 2016), loss = logsumexp(z) − Σ_j q_j z_j
//!   (= logsumexp(z) − z_t when ε = 0, computed so), dz = (softmax(z) − q)/B, correct iff
//!   the first argmax is t.
//! - `Regression`: C = 1, linear output, the target is an f32 travelling in the u32 target
//!   buffer as its bits (`f32::to_bits`), loss ½(a − y)², dz = (a − y)/B; "correct" iff
//!   |a − y| < `REG_TOL` (so Stats.acc of a regression is the fraction within 0.1).
//! - `OneHotMse` (URL `loss=mse-onehot`): C ≥ 2 linear outputs, the square loss on one-hot
//!   targets ½·Σ_j (z_j − [j = t])², dz = (z − onehot(t))/B, correct iff the first argmax is t
//!   (Gromov 2023, "Grokking modular arithmetic"; Doshi et al. 2024, "To grok or not to grok").

use crate::experiment::Loss;

/// Tolerance of a regression prediction counted as correct.
pub const REG_TOL: f32 = 0.1;

/// Which loss head; `code()` is `Dims.kind` in WGSL.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum HeadKind {
    Tanh,
    Softmax { smooth: f32 },
    Regression,
    OneHotMse,
}

impl HeadKind {
    pub fn code(self) -> u32 {
        match self {
            HeadKind::Tanh => 0,
            HeadKind::Softmax { .. } => 1,
            HeadKind::Regression => 2,
            HeadKind::OneHotMse => 3,
        }
    }
    pub fn smooth(self) -> f32 {
        match self {
            HeadKind::Softmax { smooth } => smooth,
            _ => 0.0,
        }
    }
}

impl From<Loss> for HeadKind {
    fn from(l: Loss) -> Self {
        match l {
            Loss::Mse => HeadKind::Tanh,
            Loss::Ce => HeadKind::Softmax { smooth: 0.0 },
            Loss::MseOnehot => HeadKind::OneHotMse,
        }
    }
}

/// Outputs of a loss head.
pub struct HeadOut<'a> {
    pub dz: &'a mut [f32],
    pub loss: &'a mut [f32],
    pub correct: &'a mut [f32],
}

/// [`loss_head_ex`] with the head of `kind` (MSE → TFP tanh head, CE → softmax without smoothing,
/// mse-onehot → square loss on one-hot targets).
#[allow(clippy::too_many_arguments)]
pub fn loss_head(kind: Loss, m: usize, b: usize, c: usize, t_stride_m: usize, a: &[f32], t: &[u32], out: HeadOut) {
    loss_head_ex(kind.into(), m, b, c, t_stride_m, a, t, out)
}

/// The loss head `h` (see the module doc). Class targets ≥ C count as wrong with loss NaN.
#[allow(clippy::too_many_arguments)]
pub fn loss_head_ex(h: HeadKind, m: usize, b: usize, c: usize, t_stride_m: usize, a: &[f32], t: &[u32], out: HeadOut) {
    let inv_b = 1.0 / b as f32;
    for mi in 0..m {
        for bi in 0..b {
            let k = mi * b + bi;
            let tw = t[mi * t_stride_m + bi];
            let tc = tw as usize;
            let z = &a[k * c..][..c];
            match h {
                HeadKind::Tanh => {
                    let y = if tc == 1 { 1.0 } else { -1.0 };
                    let e = z[0] - y;
                    out.loss[k] = 0.5 * e * e;
                    out.dz[k] = e * (1.0 - z[0] * z[0]) * inv_b;
                    out.correct[k] = f32::from((z[0] >= 0.0) == (tc == 1));
                }
                HeadKind::Regression => {
                    let e = z[0] - f32::from_bits(tw);
                    out.loss[k] = 0.5 * e * e;
                    out.dz[k] = e * inv_b;
                    out.correct[k] = f32::from(e.abs() < REG_TOL);
                }
                HeadKind::Softmax { smooth } => {
                    let mx = z.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
                    let se: f32 = z.iter().map(|v| (v - mx).exp()).sum();
                    let zt = z.get(tc).copied().unwrap_or(f32::NAN);
                    let (on, off) = (1.0 - smooth + smooth / c as f32, smooth / c as f32);
                    out.loss[k] = if smooth == 0.0 {
                        mx + se.ln() - zt
                    } else {
                        let qz: f32 = z.iter().enumerate().map(|(j, &v)| if j == tc { on } else { off } * v).sum();
                        mx + se.ln() - qz
                    };
                    let mut arg = 0;
                    for j in 0..c {
                        let p = (z[j] - mx).exp() / se;
                        let q = if j == tc { on } else { off };
                        out.dz[k * c + j] = (p - q) * inv_b;
                        if z[j] > z[arg] {
                            arg = j;
                        }
                    }
                    out.correct[k] = f32::from(arg == tc);
                }
                HeadKind::OneHotMse => {
                    let (mut sq, mut arg) = (0.0, 0);
                    for j in 0..c {
                        let e = z[j] - f32::from(j == tc);
                        sq += e * e;
                        out.dz[k * c + j] = e * inv_b;
                        if z[j] > z[arg] {
                            arg = j;
                        }
                    }
                    out.loss[k] = if tc < c { 0.5 * sq } else { f32::NAN };
                    out.correct[k] = f32::from(arg == tc);
                }
            }
        }
    }
}
