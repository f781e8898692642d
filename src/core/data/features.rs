//! Model inputs from plot coordinates: TFP's input features (x, y, x², y², xy, sin x, sin y on the
//! raw coordinates) and random Fourier features (Tancik et al. 2020, "Fourier Features Let
//! Networks Learn High Frequency Functions in Low Dimensional Domains"):
//! `γ(v) = [cos(2πBv), sin(2πBv)]`, `B ∈ R^{m×d}` with entries `N(0, σ²)`, `v` = raw / 6.
//!
//! The same [`Lift`] turns the data's points and the page's boundary grid into inputs, so the
//! two always agree. The default `[x, y]` copies the coordinates bit for bit (URL `v=1`).

use crate::core::rng::{stream, Rng};
pub use crate::experiment::Feature;
use std::f64::consts::PI;

/// How raw `(x, y)` plot coordinates become model inputs.
#[derive(Clone, Debug, PartialEq)]
pub enum Lift {
    /// Feature columns in the given order, then `m` cosines and `m` sines of the random Fourier
    /// features. `one_d`: data on the x axis; `B` then has one column (of x) and features of y
    /// are dropped beforehand.
    Features { features: Vec<Feature>, one_d: bool, rff: usize, b: Vec<f64> },
    /// The first two of `dim` raw coordinates, the others 0 (XOR clusters: the model sees all
    /// `dim` coordinates, the page shows the first two).
    Coords { dim: usize },
    /// Data on [−1, 1]^dim (`data=fn`): the page plots the first two coordinates times
    /// [`UNIT_ZOOM`] on [−6, 6]², so a plotted point `(x, y)` is the input `(x, y)/6` (then 0s;
    /// 1-D: just x/6).
    Unit { dim: usize },
}

/// Plot scale of [`Lift::Unit`] data: [−1, 1] shown on [−6, 6].
pub const UNIT_ZOOM: f64 = 6.0;

impl Default for Lift {
    fn default() -> Self {
        Lift::Features { features: vec![Feature::X, Feature::Y], one_d: false, rff: 0, b: vec![] }
    }
}

/// Whether a feature reads the y coordinate.
fn uses_y(f: Feature) -> bool {
    matches!(f, Feature::Y | Feature::Y2 | Feature::Xy | Feature::Siny)
}

/// Features kept for the data: for 1-D data those of y are dropped. With no Fourier features
/// (`rff = 0`) and none left, `[x]` (the URL codec adds x in that case too, with a notice).
pub fn kept(features: &[Feature], one_d: bool, rff: usize) -> Vec<Feature> {
    let mut v: Vec<Feature> = features.iter().copied().filter(|&f| !(one_d && uses_y(f))).collect();
    if v.is_empty() && rff == 0 {
        v.push(Feature::X);
    }
    v
}

/// Most random Fourier features (URL limit).
pub const MAX_RFF: usize = 1024;

impl Lift {
    /// The lift of TFP-style data: [`kept`] features, then `rff` (≤ [`MAX_RFF`]) Fourier
    /// features with scale `σ = rff_scale`, `B` drawn row by row from the `RFF` stream of `seed`.
    pub fn features(features: &[Feature], one_d: bool, rff: usize, rff_scale: f32, seed: u64) -> Lift {
        let rff = rff.min(MAX_RFF);
        let d = if one_d { 1 } else { 2 };
        let sigma = if rff_scale.is_finite() { rff_scale.abs() as f64 } else { 1.0 };
        let mut r = Rng::new(seed, stream::RFF);
        let b = (0..rff * d).map(|_| r.normal(0.0, sigma * sigma)).collect();
        Lift::Features { features: kept(features, one_d, rff), one_d, rff, b }
    }

    /// Number of model inputs per point.
    pub fn inputs(&self) -> usize {
        match self {
            Lift::Features { features, rff, .. } => features.len() + 2 * rff,
            Lift::Coords { dim } | Lift::Unit { dim } => *dim,
        }
    }

    /// Model inputs `[N, inputs]` of raw points `[N, 2]` (row-major; a trailing odd value is
    /// ignored).
    pub fn apply(&self, raw_xy: &[f32]) -> Vec<f32> {
        let n = raw_xy.len() / 2;
        let w = self.inputs();
        let mut out = Vec::with_capacity(n * w);
        for p in raw_xy.chunks_exact(2) {
            self.row(p[0], p[1], &mut out);
        }
        out
    }

    fn row(&self, x: f32, y: f32, out: &mut Vec<f32>) {
        match self {
            Lift::Coords { dim } => {
                out.extend([x, y]);
                out.extend(std::iter::repeat_n(0.0, dim.saturating_sub(2)));
            }
            Lift::Unit { dim } => {
                let z = UNIT_ZOOM as f32;
                out.extend([x / z, y / z].into_iter().take(*dim));
                out.extend(std::iter::repeat_n(0.0, dim.saturating_sub(2)));
            }
            Lift::Features { features, one_d, rff, b } => {
                let (xd, yd) = (x as f64, y as f64);
                for &f in features {
                    out.push(match f {
                        Feature::X => x,
                        Feature::Y => y,
                        Feature::X2 => (xd * xd) as f32,
                        Feature::Y2 => (yd * yd) as f32,
                        Feature::Xy => (xd * yd) as f32,
                        Feature::Sinx => xd.sin() as f32,
                        Feature::Siny => yd.sin() as f32,
                    });
                }
                let (vx, vy) = (xd / 6.0, yd / 6.0);
                let phase = |i: usize| {
                    let z = if *one_d { b[i] * vx } else { b[2 * i] * vx + b[2 * i + 1] * vy };
                    2.0 * PI * z
                };
                out.extend((0..*rff).map(|i| phase(i).cos() as f32));
                out.extend((0..*rff).map(|i| phase(i).sin() as f32));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Feature::*;

    #[test]
    fn default_copies_coordinates() {
        let raw = [1.5f32, -2.25, 0.1, 7.0];
        assert_eq!(Lift::default().apply(&raw), raw.to_vec());
        assert_eq!(Lift::features(&[X, Y], false, 0, 1.0, 3), Lift::default());
    }

    #[test]
    fn feature_values() {
        let l = Lift::features(&[X, Y, X2, Y2, Xy, Sinx, Siny], false, 0, 1.0, 1);
        assert_eq!(l.inputs(), 7);
        let v = l.apply(&[2.0, -3.0]);
        let want = [2.0, -3.0, 4.0, 9.0, -6.0, 2.0f64.sin() as f32, (-3.0f64).sin() as f32];
        assert_eq!(v, want.to_vec());
        assert_eq!(kept(&[Y, Xy, Siny], true, 0), vec![X]);
        assert_eq!(kept(&[Y, Xy, Siny], true, 2), vec![]);
        assert_eq!(kept(&[X2, Y, Sinx], true, 0), vec![X2, Sinx]);
        assert_eq!(Lift::Coords { dim: 4 }.apply(&[1.0, 2.0]), vec![1.0, 2.0, 0.0, 0.0]);
    }

    #[test]
    fn fourier_features() {
        let l = Lift::features(&[X], false, 16, 2.0, 7);
        assert_eq!(l.inputs(), 33);
        let Lift::Features { b, .. } = &l else { panic!() };
        assert_eq!(b.len(), 32);
        let v = l.apply(&[3.0, -1.5]);
        for i in 0..16 {
            let z = 2.0 * PI * (b[2 * i] * 0.5 + b[2 * i + 1] * -0.25);
            assert_eq!(v[1 + i], z.cos() as f32);
            assert_eq!(v[17 + i], z.sin() as f32);
            assert!((v[1 + i].powi(2) + v[17 + i].powi(2) - 1.0).abs() < 1e-5);
        }
        assert_eq!(l, Lift::features(&[X], false, 16, 2.0, 7), "B depends on the seed only");
        assert_ne!(l, Lift::features(&[X], false, 16, 2.0, 8));
        let one = Lift::features(&[X, Y], true, 3, 1.0, 7);
        assert_eq!(one.inputs(), 7);
        assert_eq!(one.apply(&[1.0, 0.0]).len(), 7);
        // The entries' spread follows σ.
        let Lift::Features { b, .. } = Lift::features(&[X], true, 1024, 5.0, 1) else { panic!() };
        let sd = (b.iter().map(|v| v * v).sum::<f64>() / b.len() as f64).sqrt();
        assert!((sd - 5.0).abs() < 0.4, "{sd}");
        assert_eq!(Lift::features(&[X], false, 1 << 20, 1.0, 1).inputs(), 1 + 2 * MAX_RFF);
    }
}
