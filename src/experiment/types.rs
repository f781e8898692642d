//! The enumerated values of an [`super::Experiment`] and their URL names (one table per enum,
//! used by the codec, the README key table and the page's selects).

use serde::{Deserialize, Serialize};

/// Datasets. Classification: TensorFlow Playground's four (TFP `dataset.ts`), two moons,
/// checkerboard, concentric rings (`classes` classes), XOR clusters in `dim` dimensions (Xu & Gu,
/// "Benign Overfitting and Grokking in ReLU Networks for XOR Cluster Data"), custom points.
/// Regression: TFP's plane and two Gaussians; 1-D: sum of sines (spectral bias), step, |x|, chirp.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dataset {
    Circle,
    Xor,
    Gauss,
    Spiral,
    Moons,
    Checker,
    Rings,
    Xorclusters,
    /// Long-tailed mixture of small Gaussian subpopulations (Feldman 2020).
    Longtail,
    Plane,
    Gauss2,
    Sines,
    Step,
    Abs,
    Chirp,
    Custom,
    /// Modular arithmetic `a ∘ b mod p` over all pairs (Power et al. 2022), one-hot inputs.
    Mod,
    /// scikit-learn's 8×8 handwritten digits (1,797 images, `data/digits.bin`).
    Digits,
    /// The KAN paper's toy functions (`fn`, `core::data::fns`).
    Fn,
}

impl Dataset {
    /// Float targets, square loss on a linear output.
    pub fn is_regression(self) -> bool {
        matches!(
            self,
            Dataset::Plane
                | Dataset::Gauss2
                | Dataset::Sines
                | Dataset::Step
                | Dataset::Abs
                | Dataset::Chirp
                | Dataset::Fn
        )
    }
    /// One input coordinate (x); y is 0.
    pub fn is_1d(self) -> bool {
        matches!(self, Dataset::Sines | Dataset::Step | Dataset::Abs | Dataset::Chirp)
    }
    /// Inputs that are not plot coordinates (one-hot pairs, pixels): fixed inputs and classes,
    /// softmax cross-entropy, label corruption by `corrupt`, no boundary plot.
    pub fn is_vector(self) -> bool {
        matches!(self, Dataset::Mod | Dataset::Digits)
    }
}

/// The operation of `data=mod`: `a + b`, `a − b`, `a · b`, `a · b⁻¹` (b ≠ 0), `a² + b²`,
/// `a³ + ab`, all mod p (Power et al. 2022, "Grokking: Generalization Beyond Overfitting on
/// Small Algorithmic Datasets").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModOp {
    Add,
    Sub,
    Mul,
    Div,
    Sq,
    Cube,
}

/// The KAN paper's toy functions of `data=fn` (Liu et al. 2024; `core::data::fns` documents
/// each formula and input range).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Func {
    J0,
    Expsin,
    Xy,
    Xdivy,
    Nested4,
    Sum100,
}

/// The model family: a multilayer perceptron, or a Kolmogorov–Arnold Network (B-spline edges,
/// `core::kan`; `layers` are its hidden widths, `grid` and `order` its splines); for `data=mod`
/// also the embedding MLP of PAIR's explorable (`emb`: ReLU(E[a] + E[b])·W, width `layers`) and
/// a small transformer on the tokens a, b, = (`tfm`, Nanda et al. 2023; `core::tfm`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Model {
    Mlp,
    Kan,
    Emb,
    Tfm,
}

/// Training labels: as generated, or every one drawn uniformly (Zhang et al. 2017).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Labels {
    Given,
    Random,
}

/// TensorFlow Playground's input features, computed from the raw coordinates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Feature {
    X,
    Y,
    X2,
    Y2,
    Xy,
    Sinx,
    Siny,
}

/// Hidden-layer activation (`sin` is SIREN's sin(ω₀z), Sitzmann et al. 2020; `quad` is z²,
/// Gromov 2023 and Doshi et al. 2024).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    Relu,
    Leaky,
    Gelu,
    Silu,
    Tanh,
    Sigmoid,
    Sin,
    Linear,
    Quad,
}

/// Loss: `mse` = TFP's square loss on a tanh output with labels ±1 (a linear output with float
/// targets for regression data; softmax cross-entropy for more than two classes); `ce` = softmax
/// cross-entropy; `mse-onehot` = the square loss on one-hot targets over one linear output per
/// class (Gromov 2023; Doshi et al. 2024; MLPs only).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Loss {
    Mse,
    Ce,
    #[serde(rename = "mse-onehot")]
    MseOnehot,
}

/// Optimizer: SGD, SGD with (Nesterov) momentum, Adam (Kingma & Ba 2015) and AdamW (Loshchilov &
/// Hutter 2019). Weight decay is decoupled for every optimizer, so `adam` with `wd` is AdamW too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Optimizer {
    Sgd,
    Momentum,
    Adam,
    Adamw,
}

/// Learning-rate schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Schedule {
    Constant,
    Warmup,
    Cosine,
    Step,
}

/// Initialization and parametrization: `standard` = Glorot-uniform (TF.js's default); `mup` =
/// Yang & Hu 2021's maximal-update parametrization relative to the base width `base`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Init {
    Standard,
    He,
    Xavier,
    Ntk,
    Mup,
    Zero,
}

/// Where training runs. `webgpu` in a URL means the native wgpu backend in the CLI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendChoice {
    Auto,
    Webgpu,
    Cpu,
}

/// A drawn point: coordinates on [-6, 6]² and its class index (or regression target).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub x: f32,
    pub y: f32,
    pub v: f32,
}

/// A weight set by hand (the page's network diagram; URL key `wedit`): after `step` training
/// steps, model 0's weight of dense layer `layer` from its input unit `from` to its output unit
/// `to` becomes `value`. Indices count from 1, as the page shows them.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeightEdit {
    pub step: u64,
    pub layer: u32,
    pub from: u32,
    pub to: u32,
    pub value: f32,
}

pub const DATA: &[(&str, Dataset)] = &[
    ("circle", Dataset::Circle),
    ("xor", Dataset::Xor),
    ("gauss", Dataset::Gauss),
    ("spiral", Dataset::Spiral),
    ("moons", Dataset::Moons),
    ("checker", Dataset::Checker),
    ("rings", Dataset::Rings),
    ("xorclusters", Dataset::Xorclusters),
    ("longtail", Dataset::Longtail),
    ("plane", Dataset::Plane),
    ("gauss2", Dataset::Gauss2),
    ("sines", Dataset::Sines),
    ("step", Dataset::Step),
    ("abs", Dataset::Abs),
    ("chirp", Dataset::Chirp),
    ("custom", Dataset::Custom),
    ("mod", Dataset::Mod),
    ("digits", Dataset::Digits),
    ("fn", Dataset::Fn),
];
pub const FUNC: &[(&str, Func)] = &[
    ("j0", Func::J0),
    ("expsin", Func::Expsin),
    ("xy", Func::Xy),
    ("xdivy", Func::Xdivy),
    ("nested4", Func::Nested4),
    ("sum100", Func::Sum100),
];
pub const MODEL: &[(&str, Model)] =
    &[("mlp", Model::Mlp), ("kan", Model::Kan), ("emb", Model::Emb), ("tfm", Model::Tfm)];
/// URL names of the KAN bases (`basis`).
pub const BASIS: &[(&str, crate::core::kan::Basis)] = &[
    ("bspline", crate::core::kan::Basis::Bspline),
    ("relu", crate::core::kan::Basis::Relu),
    ("rational", crate::core::kan::Basis::Rational),
];
pub const LABELS: &[(&str, Labels)] = &[("given", Labels::Given), ("random", Labels::Random)];
pub const FEATURES: &[(&str, Feature)] = &[
    ("x", Feature::X),
    ("y", Feature::Y),
    ("x2", Feature::X2),
    ("y2", Feature::Y2),
    ("xy", Feature::Xy),
    ("sinx", Feature::Sinx),
    ("siny", Feature::Siny),
];
pub const ACT: &[(&str, Activation)] = &[
    ("relu", Activation::Relu),
    ("leaky", Activation::Leaky),
    ("gelu", Activation::Gelu),
    ("silu", Activation::Silu),
    ("tanh", Activation::Tanh),
    ("sigmoid", Activation::Sigmoid),
    ("sin", Activation::Sin),
    ("linear", Activation::Linear),
    ("quad", Activation::Quad),
];
pub const LOSS: &[(&str, Loss)] = &[("mse", Loss::Mse), ("ce", Loss::Ce), ("mse-onehot", Loss::MseOnehot)];
pub const OPT: &[(&str, Optimizer)] = &[
    ("sgd", Optimizer::Sgd),
    ("momentum", Optimizer::Momentum),
    ("adam", Optimizer::Adam),
    ("adamw", Optimizer::Adamw),
];
pub const SCHED: &[(&str, Schedule)] = &[
    ("constant", Schedule::Constant),
    ("warmup", Schedule::Warmup),
    ("cosine", Schedule::Cosine),
    ("step", Schedule::Step),
];
pub const INIT: &[(&str, Init)] = &[
    ("standard", Init::Standard),
    ("he", Init::He),
    ("xavier", Init::Xavier),
    ("ntk", Init::Ntk),
    ("mup", Init::Mup),
    ("zero", Init::Zero),
];
pub const BACKEND: &[(&str, BackendChoice)] =
    &[("auto", BackendChoice::Auto), ("webgpu", BackendChoice::Webgpu), ("cpu", BackendChoice::Cpu)];

/// Per-example scores of the training points: memorization (Feldman & Zhang 2020), EL2N and
/// GraNd (Paul et al. 2021, "Deep Learning on a Data Diet").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScoreKind {
    None,
    Memo,
    El2n,
    Grand,
}

/// Which points `prune` removes: the lowest scores (`easy`, what Paul et al. recommend: keep the
/// hard examples), the highest (`hard`), or a random subset (`random`, the baseline).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PruneSide {
    Easy,
    Hard,
    Random,
}

pub const SCORE: &[(&str, ScoreKind)] =
    &[("none", ScoreKind::None), ("memo", ScoreKind::Memo), ("el2n", ScoreKind::El2n), ("grand", ScoreKind::Grand)];
pub const PRUNE_SIDE: &[(&str, PruneSide)] =
    &[("easy", PruneSide::Easy), ("hard", PruneSide::Hard), ("random", PruneSide::Random)];
pub const OP: &[(&str, ModOp)] = &[
    ("add", ModOp::Add),
    ("sub", ModOp::Sub),
    ("mul", ModOp::Mul),
    ("div", ModOp::Div),
    ("sq", ModOp::Sq),
    ("cube", ModOp::Cube),
];

/// The URL name of `v` in `table`.
pub fn name_in<T: Copy + PartialEq>(table: &[(&'static str, T)], v: T) -> &'static str {
    table.iter().find(|(_, t)| *t == v).map_or("?", |(n, _)| n)
}
