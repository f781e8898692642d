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
