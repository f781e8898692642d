//! Documentation of every URL key (range, default, meaning), in the order `url::encode` writes
//! them: `v`, then the [`super::Experiment`] fields. The README's key table is rendered from it.

use std::fmt::Write as _;

/// Documentation of one URL key (README table, UI help).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyDoc {
    pub key: &'static str,
    pub range: &'static str,
    pub default: &'static str,
    pub meaning: &'static str,
}

const fn doc(key: &'static str, range: &'static str, default: &'static str, meaning: &'static str) -> KeyDoc {
    KeyDoc { key, range, default, meaning }
}

/// Every key of the URL, in the order `encode` writes them: `v`, then the struct's fields.
pub const KEYS: &[KeyDoc] = &[
    doc("v", "1", "1", "Format version. Missing means 1; newer versions are read as 1."),
    doc("seed", "0–18446744073709551615", "1", "Random seed: data, initial weights, batch order."),
    doc(
        "data",
        "circle, xor, gauss, spiral, moons, checker, rings, xorclusters, longtail, plane, gauss2, sines, step, abs, chirp, custom, mod, digits, fn",
        "circle",
        "Dataset: TFP's four, moons, checkerboard, rings (multi-class), XOR clusters in `dim` dimensions, longtail (Zipf mixture of `subpops` subpopulations); regression: plane, gauss2 and the 1-D sines, step, abs, chirp; custom = drawn points (`pts`); mod = a∘b mod `p` over all pairs, one-hot inputs (Power et al. 2022); digits = scikit-learn's 8×8 digits (`n` training images, 597 test); fn = the KAN paper's toy functions (`fn`).",
    ),
    doc("n", "20–10000", "500", "Total points generated (train + test); `digits`: training images (at most 1200)."),
    doc("train", "0.05–0.9", "0.5", "Fraction of the points used for training (below 0.1 only for `mod`, which splits its pairs)."),
    doc("noise", "0–50", "0", "Noise, in percent of the data radius."),
    doc("classes", "2–5", "3", "Classes of `rings` and `longtail`."),
    doc("dim", "2–100", "2", "Dimension of `xorclusters` (the page shows the first two coordinates)."),
    doc("flip", "0–1", "0", "Fraction of training labels moved to a different class (test labels never change)."),
    doc("labels", "given, random", "given", "`random`: every training label drawn uniformly."),
    doc("freqs", "up to 8 numbers of 0.1–64", "1,3,9", "Frequencies of `sines`."),
    doc("pts", "up to 300 points x,y,v (x, y in −6–6)", "", "Drawn points of `custom`, as x,y,class triples."),
    doc("features", "comma list of x, y, x2, y2, xy, sinx, siny", "x,y", "Input features (TFP)."),
    doc("rff", "0–1024", "0", "Random Fourier features [cos 2πBv, sin 2πBv] added to the inputs (Tancik et al. 2020)."),
    doc("rff_scale", "0.01–100", "1", "Scale σ of the random Fourier frequencies B ~ N(0, σ²)."),
    doc("layers", "up to 8 widths of 1–1024", "4,2", "Hidden widths, comma-separated; empty = none."),
    doc(
        "act",
        "relu, leaky, gelu, silu, tanh, sigmoid, sin, linear, quad; one, or one per hidden layer",
        "tanh",
        "Hidden activations (sin = SIREN's sin(ω₀z); quad = z², Gromov 2023, Doshi et al. 2024).",
    ),
    doc("w0", "0.1–100", "1", "SIREN's ω₀ for `sin` layers (Sitzmann et al. 2020)."),
    doc("resid", "0, 1", "0", "Residual connections around equal-width hidden layers."),
    doc("hourglass", "0–1024", "0", "Wide-narrow-wide hourglass blocks: the narrow width; 0 = off."),
    doc(
        "loss",
        "mse, ce, mse-onehot",
        "mse",
        "mse = square loss on a tanh output (a linear output for regression; more than two classes use softmax cross-entropy, so old links keep their meaning); ce = softmax cross-entropy; mse-onehot = square loss ½Σ(z − onehot)² on one linear output per class, MLPs only (Gromov 2023; Doshi et al. 2024).",
    ),
    doc("opt", "sgd, momentum, adam, adamw", "sgd", "Optimizer (weight decay is decoupled for all)."),
    doc("lr", "0.000001–1000", "0.03", "Learning rate."),
    doc("momentum", "0–0.999", "0.9", "Momentum coefficient of `momentum`."),
    doc("nesterov", "0, 1", "0", "Nesterov momentum."),
    doc("beta1", "0–0.9999", "0.9", "Adam's β1."),
    doc("beta2", "0–0.99999", "0.999", "Adam's β2."),
    doc("sched", "constant, warmup, cosine, step", "constant", "Learning-rate schedule."),
    doc("warmup", "0–10000000", "100", "Linear warmup steps (`warmup`, `cosine`)."),
    doc("decay_every", "1–10000000", "1000", "`step` schedule: steps between decays."),
    doc("decay", "0.01–1", "0.5", "`step` schedule: factor per decay."),
    doc("bs", "1–10000", "10", "Batch size (at most the training set at run time)."),
    doc("clip", "0–1000", "0", "Gradient clipping by global norm per model; 0 = off."),
    doc("l1", "0–10", "0", "L1 penalty on weights (not biases)."),
    doc("l2", "0–10", "0", "L2 penalty on weights (not biases)."),
    doc("wd", "0–20", "0", "Decoupled weight decay on weights (Adam + wd = AdamW)."),
    doc("dropout", "0–0.9", "0", "Dropout rate on hidden units (training only)."),
    doc("smooth", "0–0.5", "0", "Label smoothing ε (cross-entropy)."),
    doc("gnoise", "0–10", "0", "Gradient noise η, variance η/(1+t)^0.55 (Neelakantan et al. 2015)."),
    doc("init", "standard, he, xavier, ntk, mup, zero", "standard", "Initialization / parametrization (mup: Yang & Hu 2021)."),
    doc("alpha", "0–100", "1", "Init-scale multiplier α (Omnigrok)."),
    doc("base", "1–1024", "8", "muP base width."),
    doc("seeds", "1–128", "1", "Models trained together (seeds `seed`, `seed`+1, …); curves show mean ± spread."),
    doc("steps", "1–10000000", "2000", "Run length in steps (CLI and presets)."),
    doc("backend", "auto, webgpu, cpu", "auto", "Where training runs."),
    doc("show_test", "0, 1", "1", "Draw the test points on the boundary plot."),
    doc("discretize", "0, 1", "0", "Two-colour decision boundary."),
    doc("logx", "0, 1", "0", "Log step axis on the curves."),
    doc("hide", "comma list of keys", "", "Classroom links: controls the page hides."),
    doc(
        "wedit",
        "up to 32 step:layer:from:to:value",
        "",
        "Weights set by hand (model 0): after `step` steps, dense layer `layer`'s weight from unit `from` to unit `to` (from 1) becomes `value` (±1000).",
    ),
    doc(
        "sweep",
        "none, width, depth, n, train, flip, wd, lr, alpha, seed, grid, corrupt",
        "none",
        "Sweep axis: one model per value (× `seeds`), trained together where possible. `width` sets every hidden layer, `depth` the number of hidden layers, `seed` the initialization seed only, `grid` the KAN grid G (model=kan). KANs sweep all but `alpha`; emb/tfm sweep seed, lr, wd, train, corrupt; `corrupt` is for data=mod/digits (there `flip` is not).",
    ),
    doc("sweep_values", "up to 128 values valid for the axis", "", "Values of the sweep axis, comma-separated (bad ones dropped)."),
    doc("sweep2", "as `sweep`, another axis", "none", "Second axis of a phase diagram (values × values2, value-major)."),
    doc("sweep2_values", "up to 128 values; at most 256 models in all", "", "Values of the second axis."),
    doc(
        "frozen",
        "0, 1",
        "0",
        "Random features: hidden layers frozen at their random init, the readout solved in closed form (no training steps); `test_loss` is the test MSE.",
    ),
    doc("ridge", "0–1000", "0", "Ridge penalty of the closed-form readout (`frozen`); 0 = minimum-norm least squares."),
    doc("subpops", "2–200", "40", "Subpopulations of `longtail` (small Gaussians, each of one class)."),
    doc("zipf", "0–3", "1.2", "`longtail`: subpopulation frequencies ∝ rank^−zipf (Feldman 2020)."),
    doc(
        "score",
        "none, memo, el2n, grand",
        "none",
        "Per-example scores of the training points: memo = P(correct when in train) − P(correct when held out) over `seeds` models each trained on a random half (Feldman & Zhang 2020); el2n, grand = error-vector and gradient norms at `score_step`, averaged over `seeds` (Paul et al. 2021).",
    ),
    doc("score_step", "1–10000000", "100", "Step at which EL2N and GraNd are computed."),
    doc("prune", "0–0.9", "0", "Fraction of the training set removed by score, then retrained from scratch (data diet)."),
    doc(
        "prune_side",
        "easy, hard, random",
        "easy",
        "Which points `prune` removes: lowest scores (easy; Paul et al. recommend keeping the hard ones), highest (hard), or random.",
    ),
    doc("p", "5–251 (primes)", "23", "`mod`: the modulus p (a non-prime moves to the nearest prime); 2p inputs, p classes."),
    doc("op", "add, sub, mul, div, sq, cube", "add", "`mod`: a+b, a−b, a·b, a·b⁻¹ (b ≠ 0), a²+b², a³+ab, all mod p."),
    doc("corrupt", "0–0.9", "0", "`mod`, `digits`: fraction of training labels replaced by a different random class (Doshi et al. 2024); their `flip`."),
    doc(
        "fn",
        "j0, expsin, xy, xdivy, nested4, sum100",
        "expsin",
        "Function of `data=fn` (Liu et al. 2024): J₀(20x); exp(sin(πx)+y²); xy; x/y (y at least 0.5 from 0); exp(½(sin(π(x₁²+x₂²))+sin(π(x₃²+x₄²)))); exp(Σ₁¹⁰⁰ sin²(πxᵢ/2)/100). Inputs uniform in [−1, 1]^d.",
    ),
    doc(
        "model",
        "mlp, kan, emb, tfm",
        "mlp",
        "Model: MLP, or a Kolmogorov–Arnold Network (B-spline edges, Liu et al. 2024) with hidden widths `layers`; for `mod` also `emb`, ReLU(E[a] + E[b])·W with a tied embedding of width `layers` (PAIR 2023), and `tfm`, a transformer reading the tokens a, b, = (Nanda et al. 2023); both train with softmax cross-entropy.",
    ),
    doc("grid", "3–100", "5", "KAN grid intervals G per edge."),
    doc("order", "1–5", "3", "KAN spline order k."),
    doc(
        "refine",
        "up to 8 step:G pairs, G in 3–100",
        "",
        "KAN grid refinement schedule, e.g. `200:10,400:20`: at each step the grids become G intervals fitted to the data, the splines refitted by least squares.",
    ),
    doc(
        "snap",
        "up to 64 step:layer:i:j:f or step:auto",
        "",
        "KAN symbolic snapping (pykan fix_symbolic): at the step, edge i→j of the layer becomes c·f(a·x+b)+d fitted to its samples, f one of x, x^2, x^3, exp, sin, tanh, log, sqrt, 1/x, abs, gaussian; `auto` snaps every live edge to its best suggestion.",
    ),
    doc(
        "kprune",
        "up to 8 step:threshold pairs, threshold 0–10",
        "",
        "KAN pruning by attribution (pykan prune): hidden nodes whose strongest incoming or outgoing edge scores below the threshold, then edges below it, are masked to 0.",
    ),
    doc("lamb", "0–10", "0", "KAN sparsity penalty λ (pykan reg): λ·Σ_layers (Σ mean|φ| + μ·entropy), added to the training loss."),
    doc("lamb_entropy", "0–10", "2", "KAN: weight μ of the entropy term in the sparsity penalty (pykan lamb_entropy)."),
    doc("d_model", "2–512", "128", "`tfm`: residual-stream width (a multiple of `heads`)."),
    doc("heads", "1–16", "4", "`tfm`: attention heads per block; d_head = d_model / heads."),
    doc("tfm_layers", "1–2", "1", "`tfm`: transformer blocks (causal attention, then the MLP)."),
    doc("d_mlp", "0–2048", "512", "`tfm`: hidden width of each block's ReLU MLP; 0 = attention-only."),
    doc("ln", "0, 1", "0", "`tfm`: pre-LayerNorm before attention, MLP and unembedding (Nanda et al. use none)."),
    doc(
        "basis",
        "bspline, relu, rational",
        "bspline",
        "KAN edge basis: B-splines of order k on the grid (pykan), ReLU-KAN's squared-ReLU bumps on the same grid (Qiu et al. 2024), or KAT's safe Padé rational P/Q of degrees 5/4 (Yang & Wang 2024; no grid, so `refine` and grid updates do nothing). Only `bspline` trains on the GPU.",
    ),
];

/// [`KEYS`] as a Markdown table (columns: key, range, default, meaning).
pub fn keys_markdown() -> String {
    let mut s = String::from("| key | range | default | meaning |\n|---|---|---|---|\n");
    for k in KEYS {
        let _ = writeln!(s, "| `{}` | {} | `{}` | {} |", k.key, k.range, k.default, k.meaning);
    }
    s
}
