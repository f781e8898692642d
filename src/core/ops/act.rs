//! Activations σ and their derivatives, with the codes shared with WGSL (`act_fwd_w`,
//! `act_grad`, `act_grad_z` in `shaders/common.wgsl`, same formulas).
//! - relu, leaky relu (slope `LEAKY_SLOPE` = 0.01; Maas, Hannun & Ng 2013), tanh, sigmoid, linear:
//!   σ'(z) can be written in terms of the output a = σ(z) (`act_grad_from_output`), so a plain
//!   layer's backward pass needs only its activations (the original, bit-for-bit kept path).
//! - gelu, tanh approximation (Hendrycks & Gimpel 2016, eq. in §2):
//!   gelu(z) = ½·z·(1 + tanh(√(2/π)·(z + 0.044715·z³))).
//! - silu / swish (Elfwing, Uchibe & Doya 2018; Ramachandran et al. 2017): z·sigmoid(z).
//! - sin, SIREN (Sitzmann et al. 2020): sin(ω0·z) with ω0 = `w0` (the URL key `w0`).
//! - quad: σ(z) = z², σ'(z) = 2z, the quadratic activation of Gromov 2023 ("Grokking modular
//!   arithmetic") and Doshi et al. 2024 ("To grok or not to grok"), whose two-layer MLPs on
//!   one-hot pairs have an analytic Fourier solution.
//!
//! gelu, silu, sin and quad are not invertible from their output: layers using them (and any layer
//! with a residual skip or dropout, whose output is not σ(z)) store the pre-activation z in the
//! forward pass and differentiate with `act_grad_z`.

use crate::experiment::Activation;

/// Activation code shared with WGSL (`Dims.act` in `shaders/common.wgsl`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Act {
    Relu = 0,
    Tanh = 1,
    Sigmoid = 2,
    Linear = 3,
    Leaky = 4,
    Gelu = 5,
    Silu = 6,
    Sin = 7,
    Quad = 8,
}

/// Negative-side slope of leaky relu.
pub const LEAKY_SLOPE: f32 = 0.01;
/// √(2/π) of the gelu tanh approximation.
pub const GELU_C: f32 = 0.797_884_6;
/// Cubic coefficient of the gelu tanh approximation.
pub const GELU_K: f32 = 0.044_715;

impl Act {
    /// Every activation, in code order.
    pub const ALL: [Act; 9] =
        [Act::Relu, Act::Tanh, Act::Sigmoid, Act::Linear, Act::Leaky, Act::Gelu, Act::Silu, Act::Sin, Act::Quad];

    /// True when σ' cannot be recovered from the output: the layer keeps z.
    pub fn needs_z(self) -> bool {
        matches!(self, Act::Gelu | Act::Silu | Act::Sin | Act::Quad)
    }
}

impl From<Activation> for Act {
    fn from(a: Activation) -> Self {
        match a {
            Activation::Relu => Act::Relu,
            Activation::Tanh => Act::Tanh,
            Activation::Sigmoid => Act::Sigmoid,
            Activation::Linear => Act::Linear,
            Activation::Leaky => Act::Leaky,
            Activation::Gelu => Act::Gelu,
            Activation::Silu => Act::Silu,
            Activation::Sin => Act::Sin,
            Activation::Quad => Act::Quad,
        }
    }
}

fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// σ(z) with ω0 = 1 for sin.
pub fn act_fwd(act: Act, z: f32) -> f32 {
    act_fwd_w(act, z, 1.0)
}

/// σ(z); `w0` is SIREN's ω0 (used by `Act::Sin` only).
pub fn act_fwd_w(act: Act, z: f32, w0: f32) -> f32 {
    match act {
        Act::Relu => z.max(0.0),
        Act::Tanh => z.tanh(),
        Act::Sigmoid => sigmoid(z),
        Act::Linear => z,
        Act::Leaky => {
            if z > 0.0 {
                z
            } else {
                LEAKY_SLOPE * z
            }
        }
        Act::Gelu => 0.5 * z * (1.0 + (GELU_C * (z + GELU_K * z * z * z)).tanh()),
        Act::Silu => z * sigmoid(z),
        Act::Sin => (w0 * z).sin(),
        Act::Quad => z * z,
    }
}

/// σ'(z) written in terms of the output a = σ(z), so the backward pass needs only activations.
/// NaN for gelu, silu, sin and quad (not recoverable from a: those layers use [`act_grad_z`]).
pub fn act_grad_from_output(act: Act, a: f32) -> f32 {
    match act {
        Act::Relu => f32::from(a > 0.0),
        Act::Tanh => 1.0 - a * a,
        Act::Sigmoid => a * (1.0 - a),
        Act::Linear => 1.0,
        Act::Leaky => {
            if a > 0.0 {
                1.0
            } else {
                LEAKY_SLOPE
            }
        }
        Act::Gelu | Act::Silu | Act::Sin | Act::Quad => f32::NAN,
    }
}

/// σ'(z) from the pre-activation z (any activation; `w0` for sin).
pub fn act_grad_z(act: Act, z: f32, w0: f32) -> f32 {
    match act {
        Act::Relu => f32::from(z > 0.0),
        Act::Tanh => {
            let t = z.tanh();
            1.0 - t * t
        }
        Act::Sigmoid => {
            let s = sigmoid(z);
            s * (1.0 - s)
        }
        Act::Linear => 1.0,
        Act::Leaky => {
            if z > 0.0 {
                1.0
            } else {
                LEAKY_SLOPE
            }
        }
        Act::Gelu => {
            let t = (GELU_C * (z + GELU_K * z * z * z)).tanh();
            0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * GELU_C * (1.0 + 3.0 * GELU_K * z * z)
        }
        Act::Silu => {
            let s = sigmoid(z);
            s * (1.0 + z * (1.0 - s))
        }
        Act::Sin => w0 * (w0 * z).cos(),
        Act::Quad => 2.0 * z,
    }
}
