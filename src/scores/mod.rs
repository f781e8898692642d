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
//! - Pruning ([`prune_job`]): remove a fraction of the training set — the lowest scores
//!   (`easy`: Paul et al. keep the hard examples), the highest (`hard`) or a random subset — and
//!   retrain from scratch. Every fraction of the curve and the random baseline train in one
//!   batched run: model (f, v, s) = fraction f, variant v (chosen side / random), seed s, each on
//!   its own kept subset (`BatchStream::with_subsets`).
//!
//! The parameters are read back with `Backend::request_params` and evaluated with the CPU
//! reference forward, so every backend gives the same scores. `make` builds the backend of a
//! setup (CPU or GPU); [`run::ScoreRun`] drives the parts (blocking natively, a piece per frame
//! in the page).

pub mod per_example;
pub mod report;
pub mod run;

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

/// What one part of a score run trains: `exp.seeds` models (on per-model subsets when given)
/// for `steps` steps.
#[derive(Clone, Debug)]
pub struct Job {
    pub exp: Experiment,
    pub subsets: Option<Vec<Vec<u32>>>,
    pub steps: u64,
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

/// The scoring part of `e`'s run: `memo` trains `seeds` models on random halves for `steps`
/// steps; `el2n`/`grand` train `seeds` models on everything for `score_step` steps.
pub fn score_job(e: &Experiment) -> Job {
    let models = e.seeds.max(1) as usize;
    match e.score {
        ScoreKind::Memo => {
            let n = crate::core::data::make(e).train.len();
            Job { exp: e.clone(), subsets: Some(halves(n, models, e.seed)), steps: e.steps }
        }
        _ => Job { exp: e.clone(), subsets: None, steps: e.score_step },
    }
}

/// The scores (module doc) from the trained parameters of `job` (its session `session`).
pub fn score_finish(e: &Experiment, job: &Job, params: &[f32], session: &Session) -> Scores {
    let models = e.seeds.max(1) as usize;
    let (_, s) = setup(e);
    let train = &session.data.train;
    let n = train.len();
    let test_acc = mean(&mean_test_acc(session, params));
    match (&job.subsets, e.score) {
        (Some(subs), _) => {
            let ok = per_example::correct(&s.layout, params, train);
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
            Scores { kind: e.score, score, in_train, models, steps: job.steps, test_acc }
        }
        (None, kind) => {
            let per = if kind == ScoreKind::Grand {
                per_example::grand(&s, params)
            } else {
                per_example::el2n(&s.layout, params, train)
            };
            let score = (0..n).map(|i| per.iter().map(|v| v[i]).sum::<f32>() / models as f32).collect();
            Scores { kind, score, in_train: vec![models as u32; n], models, steps: job.steps, test_acc }
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

/// The pruning part: every fraction of `fractions(e.prune)`, on the chosen side and at random,
/// `retrain` seeds each, retrained from scratch on its kept subset in one batched run of
/// `e.steps` steps.
pub fn prune_job(e: &Experiment, scores: &Scores, retrain: usize) -> Job {
    let retrain = retrain.max(1);
    let mut subs = vec![];
    for &f in &fractions(e.prune) {
        for side in [e.prune_side, PruneSide::Random] {
            let k = kept(&scores.score, f, side, e.seed);
            subs.extend(std::iter::repeat_n(k, retrain));
        }
    }
    let exp = Experiment { seeds: subs.len() as u32, ..e.clone() };
    Job { exp, subsets: Some(subs), steps: e.steps }
}

/// The pruning curve from the retrained parameters of [`prune_job`] (its session `session`).
pub fn prune_finish(e: &Experiment, retrain: usize, params: &[f32], session: &Session) -> Vec<PrunePoint> {
    let retrain = retrain.max(1);
    let acc = mean_test_acc(session, params);
    fractions(e.prune)
        .iter()
        .enumerate()
        .map(|(j, &fraction)| {
            let at = |v: usize| mean(&acc[(2 * j + v) * retrain..(2 * j + v + 1) * retrain]);
            PrunePoint { fraction, test_acc: at(0), random_test_acc: at(1) }
        })
        .collect()
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
