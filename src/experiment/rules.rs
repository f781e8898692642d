//! Keys whose meaning depends on the dataset (`data=mod`, `data=digits`), read by
//! `url::decode` after `data` (KEYS order puts `data` first). Every value not taken as written
//! gets exactly one notice, and the result decodes again without notices.

use super::fields::{wide, Notes};
use super::types::Dataset;
use super::{limits, Experiment};
use crate::core::data::{digits, modular};

/// The range of `train`: down to `limits::TRAIN.0` for `mod`, else from
/// `limits::TRAIN_PLAYGROUND_MIN`.
pub(super) fn train_range(data: Dataset) -> (f32, f32) {
    if data == Dataset::Mod {
        limits::TRAIN
    } else {
        (limits::TRAIN_PLAYGROUND_MIN, limits::TRAIN.1)
    }
}

/// The range of `n`: `digits` trains on at most [`digits::TRAIN_MAX`] images.
pub(super) fn n_range(data: Dataset) -> (i128, i128) {
    let (lo, hi) = wide(limits::N);
    if data == Dataset::Digits {
        (lo, hi.min(digits::TRAIN_MAX as i128))
    } else {
        (lo, hi)
    }
}

/// `flip`: for `mod` and `digits` label corruption is `corrupt` (Doshi et al.), so a non-zero
/// `flip` there is ignored with a notice. (`corrupt`, like `classes` or `p`, is kept silently
/// where it has no effect.)
pub(super) fn flip(n: &mut Notes, raw: &str, data: Dataset) -> f32 {
    let d = Experiment::default().flip;
    let zero = raw.trim().parse::<f32>().is_ok_and(|x| x == 0.0);
    if data.is_vector() && !zero {
        n.push("flip", raw, "data=mod and data=digits corrupt labels with `corrupt`, ignored");
        return d;
    }
    n.float("flip", raw, d, limits::FLIP)
}

/// `p`: a whole number in `limits::P`, moved to the nearest prime.
pub(super) fn prime(n: &mut Notes, raw: &str) -> u32 {
    let d = Experiment::default().p;
    let p = n.int("p", raw, d.into(), wide(limits::P)) as u32;
    let q = modular::nearest_prime(p);
    if q != p {
        n.push("p", raw, format_args!("not a prime, using the nearest prime {q}"));
    }
    q
}

/// The token models (`model=emb`, `model=tfm`) read the pair (a, b) of `data=mod` as tokens and
/// train one plain run: other data moves them to `mlp`; random features and scores are off for
/// them (their sweep axes: `sweepkeys::axis_refusal`); `emb` has one hidden width (PAIR's 24
/// when none is given), or two (`D,H`: PAIR's factored form with a D-wide tied embedding,
/// `core::tfm::pair`); `tfm` needs `heads` to divide `d_model` (the largest divisor not above
/// `heads` is used). Each reported.
pub(super) fn token_models(e: &mut Experiment, n: &mut Notes) {
    use super::types::{Model, ScoreKind};
    if !matches!(e.model, Model::Emb | Model::Tfm) {
        return;
    }
    let name = if e.model == Model::Emb { "emb" } else { "tfm" };
    if e.data != Dataset::Mod {
        n.push("model", name, "reads the tokens a, b of data=mod only, using mlp");
        e.model = Model::Mlp;
        return;
    }
    if e.frozen {
        n.push("frozen", "1", format_args!("random features are for model=mlp, ignored"));
        e.frozen = false;
    }
    if e.score != ScoreKind::None {
        n.push("score", "", format_args!("per-example scores are for model=mlp, ignored"));
        e.score = ScoreKind::None;
    }
    if e.prune > 0.0 {
        n.push("prune", &e.prune.to_string(), format_args!("data pruning is for model=mlp, ignored"));
        e.prune = 0.0;
    }
    match e.model {
        Model::Emb if e.layers.is_empty() || e.layers.len() > 2 => {
            let raw = e.layers.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
            let w = e.layers.first().copied().unwrap_or(24);
            let why = format_args!("model=emb takes a hidden width H or an embedding and hidden width D,H; using {w}");
            n.push("layers", &raw, why);
            e.layers = vec![w];
        }
        Model::Tfm if !e.d_model.is_multiple_of(e.heads.max(1)) => {
            let h = (1..=e.heads.max(1)).rev().find(|h| e.d_model.is_multiple_of(*h)).unwrap_or(1);
            let why = format_args!("must divide d_model = {}, using {h}", e.d_model);
            n.push("heads", &e.heads.to_string(), why);
            e.heads = h;
        }
        _ => {}
    }
}

/// `basis=rational` has no grid: a `refine` schedule (like pykan's grid updates) would change
/// nothing, so a rational KAN drops it, reported (the link then no longer carries it).
pub(super) fn kan_basis(e: &mut Experiment, n: &mut Notes) {
    if e.model == super::types::Model::Kan && !e.basis.has_grid() && !e.refine.is_empty() {
        let raw = e.refine.iter().map(|(s, g)| format!("{s}:{g}")).collect::<Vec<_>>().join(",");
        n.push("refine", &raw, "basis=rational has no grid: refinements and grid updates do nothing, dropped");
        e.refine.clear();
    }
}

/// `loss=mse-onehot` (the square loss on one-hot targets, Gromov 2023; Doshi et al. 2024) is
/// implemented for MLPs: KANs and the token models (`emb`, `tfm`) train with softmax
/// cross-entropy instead, reported (the link then says `loss=ce`).
pub(super) fn onehot_mse(e: &mut Experiment, n: &mut Notes) {
    use super::types::{Loss, Model};
    if e.loss == Loss::MseOnehot && e.model != Model::Mlp && !e.is_regression() {
        let why = "the square loss on one-hot targets is for model=mlp; using softmax cross-entropy (ce)";
        n.push("loss", "mse-onehot", why);
        e.loss = Loss::Ce;
    }
}
