//! Datasets: generated points, shuffled and split into train and test by seed, with model inputs,
//! clean and corrupted training labels.
//!
//! - [`tfp`]: TensorFlow Playground's circle, xor, gauss, spiral (frozen by URL `v=1`) and its
//!   plane and two-gaussians regression sets;
//! - [`shapes`]: two moons, checkerboard, concentric rings (2–5 classes), XOR clusters in `dim`
//!   dimensions (Xu & Gu 2024);
//! - [`longtail`]: Zipf mixture of small subpopulations (Feldman 2020), with subpopulation ids;
//! - [`oned`]: 1-D regression targets (sum of sines, step, |x|, chirp);
//! - [`fns`]: the KAN paper's toy functions in d = 1–100 inputs (`data=fn`);
//! - [`labels`]: flipped and random training labels; [`features`]: model inputs ([`Lift`]);
//! - [`csv`]: import and export;
//! - [`modular`]: a ∘ b mod p over all pairs (grokking), [`digits`]: scikit-learn's 8×8 digits;
//!   both build their own splits (see their docs) and corrupt labels with `corrupt`.
//!
//! Every generator draws from the `DATA` stream of the seed and returns its points unshuffled;
//! [`build`] shuffles them with the `SPLIT` stream (the same permutation for every dataset of
//! the same size), takes the first `n_train` as the training split and the rest as test, then
//! corrupts training labels (`LABELS` stream) and lifts coordinates to inputs. `noise` is TFP's
//! 0–50 slider; generators receive `noise / 100`.

pub mod csv;
pub mod digits;
pub mod features;
pub mod fns;
pub mod labels;
pub mod longtail;
pub mod modular;
pub mod oned;
pub mod shapes;
pub mod tfp;

pub use crate::experiment::{Dataset, Feature, Labels, Point};
pub use features::Lift;

use super::rng::{stream, Rng};
use crate::experiment::Experiment;

/// One split. Row `i` of every field is the same point.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Split {
    /// Model inputs `[N, inputs]`, row-major.
    pub x: Vec<f32>,
    /// Plot coordinates `[N, 2]` (XOR clusters: the first two of `dim`; 1-D data: `y = 0`).
    pub raw: Vec<f32>,
    /// Class used for training and evaluation (after flips / random labels); 0 for regression.
    pub y: Vec<u8>,
    /// Regression targets; empty for classification.
    pub r: Vec<f32>,
    /// Class before flips / random labels (equal to `y` in the test split).
    pub clean: Vec<u8>,
    /// Whether `y` differs from `clean` because of `flip` or `labels=random`.
    pub flipped: Vec<bool>,
    /// Subpopulation id of each point (`longtail`); empty for every other dataset.
    pub subpop: Vec<u32>,
}

impl Split {
    /// A split of given inputs and classes, no plot coordinates, nothing flipped (for data
    /// built outside the generators, e.g. the benchmarks' modular addition).
    pub fn classified(x: Vec<f32>, y: Vec<u8>) -> Split {
        Split { x, clean: y.clone(), flipped: vec![false; y.len()], y, ..Default::default() }
    }
    pub fn len(&self) -> usize {
        self.y.len()
    }
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }
}

/// A dataset ready to train on.
#[derive(Clone, Debug, PartialEq)]
pub struct Data {
    pub train: Split,
    pub test: Split,
    /// Model inputs per point (columns of `x`).
    pub inputs: usize,
    /// Number of classes; 0 = regression.
    pub classes: usize,
    /// Plot coordinates → model inputs, for the boundary grid and neuron thumbnails.
    pub lift: Lift,
}

/// Generated points before the split: coordinates `[n, dim]`, classes (0 for regression) and,
/// for regression, targets.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Points {
    pub dim: usize,
    pub coords: Vec<f64>,
    pub labels: Vec<u8>,
    pub targets: Vec<f64>,
    /// Subpopulation id per point (`longtail`); empty otherwise.
    pub groups: Vec<u32>,
}

impl Points {
    /// 2-D classification points `(x, y, class)`.
    pub fn classified(p: &[(f64, f64, u8)]) -> Points {
        let coords = p.iter().flat_map(|q| [q.0, q.1]).collect();
        Points { dim: 2, coords, labels: p.iter().map(|q| q.2).collect(), ..Default::default() }
    }
    /// 2-D regression points `(x, y, target)`.
    pub fn regressed(p: &[(f64, f64, f64)]) -> Points {
        let coords = p.iter().flat_map(|q| [q.0, q.1]).collect();
        Points { dim: 2, coords, labels: vec![0; p.len()], targets: p.iter().map(|q| q.2).collect(), groups: vec![] }
    }
    pub fn len(&self) -> usize {
        self.labels.len()
    }
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
    /// The plotted coordinates of point `i` (1-D points: y = 0).
    pub fn xy(&self, i: usize) -> (f64, f64) {
        let y = if self.dim >= 2 { self.coords[i * self.dim + 1] } else { 0.0 };
        (self.coords[i * self.dim], y)
    }
}

/// Everything the data depends on (the data fields of an [`Experiment`]).
#[derive(Clone, Debug, PartialEq)]
pub struct DataSpec {
    pub seed: u64,
    pub data: Dataset,
    pub n: u32,
    pub train: f32,
    pub noise: f32,
    pub classes: u32,
    pub dim: u32,
    pub flip: f32,
    pub labels: Labels,
    pub freqs: Vec<f32>,
    pub pts: Vec<Point>,
    /// Custom points carry regression targets in `v` (otherwise classes).
    pub custom_regression: bool,
    pub features: Vec<Feature>,
    pub rff: u32,
    pub rff_scale: f32,
    /// `longtail`: subpopulations and Zipf exponent.
    pub subpops: u32,
    pub zipf: f32,
    /// `data=mod`: modulus and operation; `mod`/`digits`: corrupted training-label fraction.
    pub p: u32,
    pub op: crate::experiment::ModOp,
    pub corrupt: f32,
    /// The function of `data=fn`.
    pub func: crate::experiment::Func,
}

impl Default for DataSpec {
    /// The data of the default experiment.
    fn default() -> Self {
        DataSpec::from(&Experiment::default())
    }
}

impl From<&Experiment> for DataSpec {
    fn from(e: &Experiment) -> Self {
        DataSpec {
            seed: e.seed,
            data: e.data,
            n: e.n,
            train: e.train,
            noise: e.noise,
            classes: e.classes,
            dim: e.dim,
            flip: e.flip,
            labels: e.labels,
            freqs: e.freqs.clone(),
            pts: e.pts.clone(),
            custom_regression: false,
            features: e.features.clone(),
            rff: e.rff,
            rff_scale: e.rff_scale,
            subpops: e.subpops,
            zipf: e.zipf,
            p: e.p,
            op: e.op,
            corrupt: e.corrupt,
            func: e.func,
        }
    }
}

impl DataSpec {
    /// Whether the targets are real numbers (0 classes).
    pub fn is_regression(&self) -> bool {
        self.data.is_regression() || (self.data == Dataset::Custom && self.custom_regression)
    }
    /// Number of classes: rings → `classes` (2–5), custom → largest class + 1 (at least 2),
    /// regression → 0, else 2.
    pub fn classes(&self) -> usize {
        if self.is_regression() {
            return 0;
        }
        match self.data {
            Dataset::Rings | Dataset::Longtail => self.classes.clamp(2, 5) as usize,
            Dataset::Mod => modular::modulus(self.p),
            Dataset::Digits => digits::CLASSES,
            Dataset::Custom => self.pts.iter().map(|p| custom_class(p.v) as usize + 1).max().unwrap_or(2).max(2),
            _ => 2,
        }
    }
    /// The lift from plot coordinates to model inputs.
    pub fn lift(&self) -> Lift {
        match self.data {
            Dataset::Xorclusters => Lift::Coords { dim: self.dim.clamp(2, 100) as usize },
            Dataset::Mod => Lift::Coords { dim: 2 * modular::modulus(self.p) },
            Dataset::Digits => Lift::Coords { dim: digits::PIXELS },
            Dataset::Fn => Lift::Unit { dim: fns::dim(self.func) },
            d => Lift::features(&self.features, d.is_1d(), self.rff as usize, self.rff_scale, self.seed),
        }
    }
    /// Model inputs per point.
    pub fn inputs(&self) -> usize {
        self.lift().inputs()
    }
}

/// Class of a custom point's `v`: its whole part, clamped to 0–4 (NaN → 0), as
/// `Experiment::classes_out` counts them.
fn custom_class(v: f32) -> u8 {
    v.clamp(0.0, 4.0) as u8
}

/// The unshuffled points of `s`.
pub fn points(s: &DataSpec) -> Points {
    let n = s.n as usize;
    let noise = if s.noise.is_finite() { s.noise.clamp(0.0, 50.0) as f64 / 100.0 } else { 0.0 };
    let mut r = Rng::new(s.seed, stream::DATA);
    let r = &mut r;
    use oned::Target;
    match s.data {
        Dataset::Circle => tfp::circle(n, noise, r),
        Dataset::Xor => tfp::xor(n, noise, r),
        Dataset::Gauss => tfp::gauss(n, noise, r),
        Dataset::Spiral => tfp::spiral(n, noise, r),
        Dataset::Plane => tfp::regress(n, noise, tfp::plane_target, r),
        Dataset::Gauss2 => tfp::regress(n, noise, tfp::gauss2_target, r),
        Dataset::Moons => shapes::moons(n, noise, r),
        Dataset::Checker => shapes::checker(n, noise, r),
        Dataset::Rings => shapes::rings(n, s.classes as usize, noise, r),
        Dataset::Xorclusters => shapes::xor_clusters(n, s.dim as usize, noise, r),
        Dataset::Longtail => longtail::generate(n, s.subpops as usize, s.zipf, s.classes as usize, noise, r),
        Dataset::Sines => {
            let freqs = s.freqs.iter().copied().filter(|f| f.is_finite()).collect();
            oned::generate(n, &Target::Sines(freqs), noise, r)
        }
        Dataset::Step => oned::generate(n, &Target::Step, noise, r),
        Dataset::Abs => oned::generate(n, &Target::Abs, noise, r),
        Dataset::Chirp => oned::generate(n, &Target::Chirp, noise, r),
        // Built whole by their own modules (`build` dispatches them); no generated points.
        Dataset::Mod | Dataset::Digits => Points::default(),
        Dataset::Fn => fns::generate(n, s.func, noise, r),
        Dataset::Custom => {
            let finite = |v: f32| if v.is_finite() { v as f64 } else { 0.0 };
            let coords = s.pts.iter().flat_map(|p| [finite(p.x), finite(p.y)]).collect();
            if s.custom_regression {
                let targets = s.pts.iter().map(|p| finite(p.v)).collect();
                Points { dim: 2, coords, labels: vec![0; s.pts.len()], targets, groups: vec![] }
            } else {
                let labels = s.pts.iter().map(|p| custom_class(p.v)).collect();
                Points { dim: 2, coords, labels, ..Default::default() }
            }
        }
    }
}

/// Training points of `n`: `round(n · train)`, at least 1 and at most `n − 1` (when n ≥ 2).
pub fn n_train(n: usize, train: f32) -> usize {
    ((n as f32 * train).round() as usize).clamp(1, n.saturating_sub(1).max(1)).min(n)
}

/// The experiment's data (see the module doc).
pub fn make(e: &Experiment) -> Data {
    build(&DataSpec::from(e))
}

/// Model inputs per point of the experiment's data (equal to `make(e).inputs`, without
/// generating points).
pub fn inputs(e: &Experiment) -> usize {
    DataSpec::from(e).inputs()
}

/// The data of `s`: generated, shuffled by seed, split, labels corrupted, lifted.
pub fn build(s: &DataSpec) -> Data {
    match s.data {
        Dataset::Mod => return modular::build(s),
        Dataset::Digits => return digits::build(s),
        _ => {}
    }
    let p = points(s);
    let mut order: Vec<usize> = (0..p.len()).collect();
    Rng::new(s.seed, stream::SPLIT).shuffle(&mut order);
    let k = n_train(p.len(), s.train);
    let (classes, lift) = (s.classes(), s.lift());
    let split = |idx: &[usize]| {
        let zoom = if let Lift::Unit { .. } = lift { features::UNIT_ZOOM } else { 1.0 };
        let raw: Vec<f32> = idx.iter().flat_map(|&i| [(zoom * p.xy(i).0) as f32, (zoom * p.xy(i).1) as f32]).collect();
        let x = match lift {
            Lift::Coords { .. } | Lift::Unit { .. } => {
                idx.iter().flat_map(|&i| p.coords[i * p.dim..(i + 1) * p.dim].iter().map(|&v| v as f32)).collect()
            }
            _ => lift.apply(&raw),
        };
        let y: Vec<u8> = idx.iter().map(|&i| p.labels[i]).collect();
        let r = if classes == 0 { idx.iter().map(|&i| p.targets[i] as f32).collect() } else { vec![] };
        let subpop = if p.groups.len() == p.len() { idx.iter().map(|&i| p.groups[i]).collect() } else { vec![] };
        Split { x, raw, clean: y.clone(), flipped: vec![false; y.len()], y, r, subpop }
    };
    let mut train = split(&order[..k]);
    let test = split(&order[k..]);
    if classes >= 2 {
        match s.labels {
            Labels::Random => labels::randomize(&mut train.y, &mut train.flipped, classes, s.seed),
            Labels::Given => labels::flip(&mut train.y, &mut train.flipped, s.flip, classes, s.seed),
        }
    }
    Data { train, test, inputs: lift.inputs(), classes, lift }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_sizes_and_determinism() {
        let e = Experiment { n: 301, train: 0.3, ..Default::default() };
        let d = make(&e);
        assert_eq!((d.train.len(), d.test.len(), d.train.x.len()), (90, 211, 180));
        assert_eq!((d.inputs, d.classes), (2, 2));
        assert_eq!(d.train.x, d.train.raw);
        assert_eq!(d.train.clean, d.train.y);
        assert_eq!(d, make(&e));
        assert_ne!(d.train.x, make(&Experiment { seed: 2, ..e }).train.x);
    }

    #[test]
    fn n_train_bounds() {
        assert_eq!(n_train(500, 0.5), 250);
        assert_eq!(n_train(0, 0.5), 0);
        assert_eq!(n_train(1, 0.9), 1);
        assert_eq!(n_train(2, 0.9), 1);
        assert_eq!(n_train(20, 0.01), 1);
    }
}
