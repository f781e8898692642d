//! Annealed Gaussian gradient noise (Neelakantan et al. 2015, "Adding Gradient Noise Improves
//! Learning for Very Deep Networks", Eq. 1: σ_t² = η/(1+t)^γ with γ = 0.55).
//!
//! The normals are counter-based so that the CPU and the GPU (`shaders/optim.wgsl`) draw the
//! same numbers in any order: element j (index inside its model) of model m at 0-based step t
//! uses the Box–Muller transform (Box & Muller 1958) of two `rng::counter_uniform` draws,
//! u1 = U(key_m, t, 2j), u2 = U(key_m, t, 2j+1): z = √(−2 ln(1 − u1))·cos(2π u2)
//! (1 − u1 ∈ (0, 1], so the log is finite; |z| ≤ 5.8). key_m = (key + m) ^ `NOISE_TAG` with
//! `key` folded from the experiment seed (`key`).

use crate::core::rng::counter_uniform;

/// Separates the noise's counter stream from other counter-based consumers (ASCII "nois").
pub const NOISE_TAG: u32 = 0x6E6F_6973;

/// Annealing exponent γ of Neelakantan et al. (2015).
pub const GAMMA: f64 = 0.55;

/// The seed word of an experiment seed: both halves folded into 32 bits.
pub fn key(seed: u64) -> u32 {
    (seed as u32) ^ ((seed >> 32) as u32)
}

/// σ_t = √(η/(1+t)^0.55) for the 0-based step t; 0 when η ≤ 0 (or not finite).
pub fn sigma(eta: f32, t: u64) -> f32 {
    if !(eta > 0.0 && eta.is_finite()) {
        return 0.0;
    }
    (eta as f64 / (1.0 + t as f64).powf(GAMMA)).sqrt() as f32
}

/// The standard normal of element `j` of model `m` at 0-based step `t` (f32 arithmetic, as on
/// the GPU).
pub fn gauss(key: u32, m: u32, t: u32, j: u32) -> f32 {
    let km = key.wrapping_add(m) ^ NOISE_TAG;
    let u1 = counter_uniform(km, t, j.wrapping_mul(2));
    let u2 = counter_uniform(km, t, j.wrapping_mul(2).wrapping_add(1));
    (-2.0 * (1.0 - u1).ln()).sqrt() * (std::f32::consts::TAU * u2).cos()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigma_by_hand() {
        assert_eq!(sigma(0.0, 5), 0.0);
        assert_eq!(sigma(-1.0, 5), 0.0);
        assert_eq!(sigma(f32::NAN, 5), 0.0);
        // t = 0: σ² = η; t = 1: σ² = η / 2^0.55 = 0.3 / 1.46408… = 0.204907…
        assert!((sigma(0.3, 0) - 0.3f32.sqrt()).abs() < 1e-7);
        assert!((sigma(0.3, 1) as f64 - (0.3 / 2f64.powf(0.55)).sqrt()).abs() < 1e-7);
        assert!((sigma(0.3, 1).powi(2) - 0.204_907).abs() < 1e-5);
    }

    #[test]
    fn gauss_is_standard_normal_and_keyed() {
        let n = 40_000u32;
        let z: Vec<f64> = (0..n).map(|j| gauss(7, 0, 3, j) as f64).collect();
        let mean = z.iter().sum::<f64>() / n as f64;
        let var = z.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.02 && (var - 1.0).abs() < 0.03, "{mean} {var}");
        assert!(z.iter().all(|v| v.abs() < 5.8));
        // Models, steps and keys draw different numbers; the same counter, the same number.
        assert_eq!(gauss(7, 1, 3, 5), gauss(7, 1, 3, 5));
        assert_ne!(gauss(7, 0, 3, 5), gauss(7, 1, 3, 5));
        assert_ne!(gauss(7, 0, 3, 5), gauss(7, 0, 4, 5));
        assert_ne!(gauss(7, 0, 3, 5), gauss(8, 0, 3, 5));
        assert_eq!(key(5), 5);
        assert_eq!(key(1 << 32 | 5), 4);
    }
}
