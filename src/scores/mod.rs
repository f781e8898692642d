//! Per-example scores of the training points, from M models trained together on the model axis
//! (`score` URL key), and data pruning by score (`prune`, `prune_side`).
//!
//! - `memo` — memorization (Feldman & Zhang 2020, "What Neural Networks Memorize and Why";
//!   Feldman 2020): model m trains on its own random half S_m of the training set (per-model
//!   subsets of the batch stream, one batched run of `seeds` models, `steps` steps); then
//!   score(i) = P(correct on i | i ∈ S_m) − P(correct on i | i ∉ S_m), both estimated over the
//!   models, "correct" meaning the model predicts i's training label.
//! - `el2n`, `grand` — Paul et al. 2021 ("Deep Learning on a Data Diet"): `seeds` models train on
//!   the whole set for `score_step` steps; the score is the mean over models of the EL2N or GraNd
//!   score (`per_example`).
//! - Pruning ([`prune_curve`]): remove a fraction of the training set — the lowest scores
//!   (`easy`: Paul et al. keep the hard examples), the highest (`hard`) or a random subset — and
//!   retrain from scratch. Every fraction of the curve and the random baseline train in one
//!   batched run: model (f, v, s) = fraction f, variant v (chosen side / random), seed s, each on
//!   its own kept subset (`BatchStream::with_subsets`).
//!
//! The parameters are read back with `Backend::request_params` and evaluated with the CPU
//! reference forward, so every backend gives the same scores. `make` builds the backend of a
//! setup (CPU or GPU); runs block (natively; the page drives the same steps asynchronously).

pub mod per_example;
pub mod report;

use crate::core::rng::Rng;
use crate::engine::{Backend, Setup};
use crate::experiment::{Experiment, PruneSide, ScoreKind};
use crate::train::{setup, Session};

/// Random stream of the memorization halves and of random pruning.
const STREAM: u64 = 0x4d45_4d4f;

/// Builds a backend for a setup.
pub type MakeBackend<'a> = dyn FnMut(Setup) -> Result<Box<dyn Backend>, String> + 'a;

/// Scores of the training points.
#[derive(Clone, Debug, PartialEq)]
pub struct Scores {
    pub kind: ScoreKind,
    /// Per training point (NaN where undefined: `memo` with a point in every or in no subset).
    pub score: Vec<f32>,
    /// Per training point: how many of the models trained on it.
    pub in_train: Vec<u32>,
    pub models: usize,
    /// Steps the scoring models trained.
    pub steps: u64,
    /// Mean test accuracy of the scoring models.
    pub test_acc: f32,
}

/// One point of the pruning curve: mean test accuracy after removing `fraction` of the training
/// set by score (`prune_side`) and at random.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PrunePoint {
    pub fraction: f32,
    pub test_acc: f32,
    pub random_test_acc: f32,
}

/// Model m's random half of `0..n` (⌊n/2⌋ points, at least 1).
pub fn halves(n: usize, models: usize, seed: u64) -> Vec<Vec<u32>> {
    (0..models)
        .map(|m| {
            let mut idx: Vec<u32> = (0..n as u32).collect();
            Rng::new(seed.wrapping_add(m as u64), STREAM).shuffle(&mut idx);
            idx.truncate((n / 2).max(1));
            idx.sort_unstable();
            idx
        })
        .collect()
}

/// Train a session `steps` steps (optionally on per-model subsets) and read its parameters.
fn train_params(
    e: &Experiment,
    make: &mut MakeBackend<'_>,
    subsets: Option<Vec<Vec<u32>>>,
    steps: u64,
) -> Result<(Vec<f32>, Session), String> {
    let (d, s) = setup(e);
    if d.train.is_empty() {
        return Err("no training points".into());
    }
    let backend = make(s)?;
    let mut session = Session::new(e.clone(), d, backend, 0);
    if let Some(subs) = subsets {
        session.set_subsets(subs);
    }
    while session.backend.steps() < steps {
        let k = (steps - session.backend.steps()).min(500);
        session.train(k as usize);
        session.backend.wait();
    }
    while !session.backend.request_params() {
        session.backend.wait();
    }
    loop {
        session.backend.wait();
        if let Some(r) = session.backend.poll_params() {
            return Ok((r?.0, session));
        }
    }
}

/// Mean test accuracy of a session's models (CPU forward of `params`).
fn mean_test_acc(session: &Session, params: &[f32]) -> Vec<f32> {
    let (_, s) = setup(&session.exp);
    per_example::correct(&s.layout, params, &session.data.test)
        .iter()
        .map(|c| c.iter().filter(|&&b| b).count() as f32 / c.len().max(1) as f32)
        .collect()
}

fn mean(v: &[f32]) -> f32 {
    v.iter().sum::<f32>() / v.len().max(1) as f32
}

/// The scores of `e.score` over `e.seeds` models (module doc). Errors for `score=none`.
pub fn score(e: &Experiment, make: &mut MakeBackend<'_>) -> Result<Scores, String> {
    let models = e.seeds.max(1) as usize;
    let n = crate::core::data::make(e).train.len();
    match e.score {
        ScoreKind::None => Err("score=none: nothing to score".into()),
        ScoreKind::Memo => {
            let subs = halves(n, models, e.seed);
            let (params, session) = train_params(e, make, Some(subs.clone()), e.steps)?;
            let (_, s) = setup(e);
            let ok = per_example::correct(&s.layout, &params, &session.data.train);
            let mut in_train = vec![0u32; n];
            let mut member = vec![vec![false; n]; models];
            for (m, sub) in subs.iter().enumerate() {
                for &i in sub {
                    member[m][i as usize] = true;
                    in_train[i as usize] += 1;
                }
            }
            let score = (0..n)
                .map(|i| {
                    let (mut a, mut na, mut b, mut nb) = (0.0, 0.0, 0.0, 0.0);
                    for m in 0..models {
                        let c = f32::from(ok[m][i]);
                        if member[m][i] {
                            (a, na) = (a + c, na + 1.0);
                        } else {
                            (b, nb) = (b + c, nb + 1.0);
                        }
                    }
                    if na == 0.0 || nb == 0.0 {
                        f32::NAN
                    } else {
                        a / na - b / nb
                    }
                })
                .collect();
            let test_acc = mean(&mean_test_acc(&session, &params));
            Ok(Scores { kind: e.score, score, in_train, models, steps: e.steps, test_acc })
        }
        ScoreKind::El2n | ScoreKind::Grand => {
            let (params, session) = train_params(e, make, None, e.score_step)?;
            let (_, s) = setup(e);
            let per = if e.score == ScoreKind::El2n {
                per_example::el2n(&s.layout, &params, &session.data.train)
            } else {
                per_example::grand(&s, &params)
            };
            let score = (0..n).map(|i| per.iter().map(|v| v[i]).sum::<f32>() / models as f32).collect();
            let test_acc = mean(&mean_test_acc(&session, &params));
            Ok(Scores { kind: e.score, score, in_train: vec![models as u32; n], models, steps: e.score_step, test_acc })
        }
    }
}

/// The training indices kept after removing `fraction` of them by `side` (NaN scores rank
/// lowest; ties by index).
pub fn kept(score: &[f32], fraction: f32, side: PruneSide, seed: u64) -> Vec<u32> {
    let n = score.len();
    let remove = ((fraction.clamp(0.0, 0.9) as f64 * n as f64).round() as usize).min(n.saturating_sub(1));
    let mut order: Vec<u32> = (0..n as u32).collect();
    let key = |i: &u32| {
        let v = score[*i as usize];
        if v.is_nan() {
            f32::NEG_INFINITY
        } else {
            v
        }
    };
    match side {
        PruneSide::Easy => order.sort_by(|a, b| key(a).total_cmp(&key(b))),
        PruneSide::Hard => order.sort_by(|a, b| key(b).total_cmp(&key(a))),
        PruneSide::Random => Rng::new(seed, STREAM.wrapping_add(1)).shuffle(&mut order),
    }
    let mut k = order.split_off(remove);
    k.sort_unstable();
    k
}

/// Fractions of the pruning curve: 0, 0.1, 0.2, … below `prune`, and `prune`.
pub fn fractions(prune: f32) -> Vec<f32> {
    let p = prune.clamp(0.0, 0.9);
    let mut f: Vec<f32> = (0..10).map(|k| k as f32 / 10.0).filter(|&x| x < p - 1e-6).collect();
    f.push(p);
    f.dedup();
    f
}

/// Retrain from scratch on the kept subsets of every fraction (`fractions(e.prune)`), on the
/// chosen side and at random, `retrain` seeds each, in one batched run of `e.steps` steps.
pub fn prune_curve(
    e: &Experiment,
    scores: &Scores,
    retrain: usize,
    make: &mut MakeBackend<'_>,
) -> Result<Vec<PrunePoint>, String> {
    let fr = fractions(e.prune);
    let retrain = retrain.max(1);
    let mut subs = vec![];
    for &f in &fr {
        for side in [e.prune_side, PruneSide::Random] {
            let k = kept(&scores.score, f, side, e.seed);
            subs.extend(std::iter::repeat_n(k, retrain));
        }
    }
    let big = Experiment { seeds: subs.len() as u32, ..e.clone() };
    let (params, session) = train_params(&big, make, Some(subs), e.steps)?;
    let acc = mean_test_acc(&session, &params);
    Ok(fr
        .iter()
        .enumerate()
        .map(|(j, &fraction)| {
            let at = |v: usize| mean(&acc[(2 * j + v) * retrain..(2 * j + v + 1) * retrain]);
            PrunePoint { fraction, test_acc: at(0), random_test_acc: at(1) }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_kept_and_fractions() {
        let h = halves(11, 3, 5);
        assert!(h.iter().all(|s| s.len() == 5 && s.windows(2).all(|w| w[0] < w[1] && w[1] < 11)));
        assert_ne!(h[0], h[1]);
        let s = [0.5, 0.1, f32::NAN, 0.9, 0.3];
        assert_eq!(kept(&s, 0.4, PruneSide::Easy, 1), vec![0, 3, 4]);
        assert_eq!(kept(&s, 0.4, PruneSide::Hard, 1), vec![1, 2, 4]);
        assert_eq!(kept(&s, 0.4, PruneSide::Random, 1).len(), 3);
        assert_eq!(kept(&s, 0.0, PruneSide::Easy, 1), vec![0, 1, 2, 3, 4]);
        assert_eq!(fractions(0.3), vec![0.0, 0.1, 0.2, 0.3]);
        assert_eq!(fractions(0.0), vec![0.0]);
        assert_eq!(fractions(0.25), vec![0.0, 0.1, 0.2, 0.25]);
    }
}
