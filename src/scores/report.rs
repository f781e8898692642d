//! JSON summaries of score runs (the CLI's `grokpad run --json` output, issue 5): per example
//! `{index, subpop, freq, subpop_train, score, in_train, flipped}` (subpopulation fields only for
//! `longtail`), the mean score, and for `longtail` the mean score per frequency bucket: the
//! subpopulations grouped by their number of training points, 1, 2–3, 4–7, … (powers of two).

use super::{PrunePoint, Scores};
use crate::core::data::{longtail, Data};
use crate::experiment::{name_in, Dataset, Experiment, SCORE};
use serde_json::{json, Value};

/// Per frequency bucket of a long-tailed training split: (lowest count, highest count,
/// subpopulations, points, mean score, mean mixture weight).
pub fn buckets(sub: &[u32], score: &[f32], weights: &[f64]) -> Vec<(u32, u32, usize, usize, f32, f64)> {
    let k = weights.len();
    let mut count = vec![0u32; k];
    for &g in sub {
        if let Some(c) = count.get_mut(g as usize) {
            *c += 1;
        }
    }
    let mut out = vec![];
    let mut lo = 1u32;
    let top = count.iter().copied().max().unwrap_or(0);
    while lo <= top {
        let hi = lo * 2 - 1;
        let groups: Vec<usize> = (0..k).filter(|&j| (lo..=hi).contains(&count[j])).collect();
        let pts: Vec<f32> = sub
            .iter()
            .zip(score)
            .filter(|(g, s)| groups.contains(&(**g as usize)) && s.is_finite())
            .map(|(_, s)| *s)
            .collect();
        if !groups.is_empty() {
            let w = groups.iter().map(|&j| weights[j]).sum::<f64>() / groups.len() as f64;
            let m = pts.iter().sum::<f32>() / pts.len().max(1) as f32;
            out.push((lo, hi, groups.len(), pts.len(), if pts.is_empty() { f32::NAN } else { m }, w));
        }
        lo *= 2;
    }
    out
}

/// The `scores` object of the CLI JSON.
pub fn scores_json(e: &Experiment, d: &Data, s: &Scores) -> Value {
    let tr = &d.train;
    let weights =
        if e.data == Dataset::Longtail { longtail::weights(e.subpops.clamp(2, 200) as usize, e.zipf) } else { vec![] };
    let mut count = vec![0u32; weights.len()];
    for &g in &tr.subpop {
        if let Some(c) = count.get_mut(g as usize) {
            *c += 1;
        }
    }
    let examples: Vec<Value> = (0..s.score.len())
        .map(|i| {
            let mut v = json!({"index": i, "score": s.score[i], "in_train": s.in_train[i], "flipped": tr.flipped.get(i).copied().unwrap_or(false)});
            if let Some(&g) = tr.subpop.get(i) {
                v["subpop"] = g.into();
                v["freq"] = weights.get(g as usize).copied().unwrap_or(f64::NAN).into();
                v["subpop_train"] = count.get(g as usize).copied().unwrap_or(0).into();
            }
            v
        })
        .collect();
    let finite: Vec<f32> = s.score.iter().copied().filter(|v| v.is_finite()).collect();
    let mut out = json!({
        "kind": name_in(SCORE, s.kind),
        "models": s.models,
        "steps": s.steps,
        "test_acc": s.test_acc,
        "mean": finite.iter().sum::<f32>() / finite.len().max(1) as f32,
        "examples": examples,
    });
    if !weights.is_empty() {
        out["by_freq"] = buckets(&tr.subpop, &s.score, &weights)
            .into_iter()
            .map(|(lo, hi, g, n, m, w)| json!({"train_min": lo, "train_max": hi, "subpops": g, "points": n, "mean_score": m, "mean_freq": w}))
            .collect::<Vec<_>>()
            .into();
    }
    out
}

/// The `prune_curve` array of the CLI JSON.
pub fn prune_json(curve: &[PrunePoint]) -> Value {
    curve
        .iter()
        .map(|p| json!({"fraction": p.fraction, "test_acc": p.test_acc, "random_test_acc": p.random_test_acc}))
        .collect::<Vec<_>>()
        .into()
}

/// The CLI's JSON fields of an issue-5 lab run, or `None` when `e` is an ordinary training run:
/// `frozen=1` → the closed-form random-features fit (`rf::fit`, no steps); `score` ≠ none → the
/// `scores` object, and with `prune` > 0 the `prune_curve` (each fraction retrained with
/// `min(seeds, 8)` seeds per variant).
pub fn lab_json(e: &Experiment, make: &mut super::MakeBackend<'_>) -> Option<Result<Value, String>> {
    if e.frozen {
        return Some(crate::rf::fit(e).map(|f| {
            let mut v = json!({
                "frozen": true, "steps": 0, "train_loss": f.train_loss, "test_loss": f.test_loss,
                "train_acc": f.train_acc, "test_acc": f.test_acc, "features": f.features, "rank": f.rank,
            });
            if let (Some(c), Some(n)) = (f.clean_train_acc, f.noisy_train_acc) {
                v["clean_train_acc"] = c.into();
                v["noisy_train_acc"] = n.into();
            }
            v
        }));
    }
    if e.score == crate::experiment::ScoreKind::None {
        return None;
    }
    let mut run = || -> Result<Value, String> {
        let mut r = super::run::ScoreRun::new(e, (e.seeds as usize).clamp(1, 8));
        r.finish(make)?;
        let s = r.scores.ok_or("the score run ended without scores")?;
        let d = crate::core::data::make(e);
        let mut v = json!({"steps": s.steps, "test_acc": s.test_acc, "scores": scores_json(e, &d, &s)});
        if let Some(curve) = &r.curve {
            v["prune_curve"] = prune_json(curve);
        }
        Ok(v)
    };
    Some(run())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_group_subpopulations_by_training_count() {
        // subpop 0: 4 points, subpop 1: 1 point, subpop 2: 2 points, subpop 3: none.
        let sub = [0, 0, 0, 0, 1, 2, 2];
        let score = [0.0, 0.0, 0.1, 0.1, 0.9, 0.5, f32::NAN];
        let b = buckets(&sub, &score, &[0.4, 0.3, 0.2, 0.1]);
        assert_eq!(b.len(), 3);
        assert_eq!((b[0].0, b[0].1, b[0].2, b[0].3), (1, 1, 1, 1));
        assert!((b[0].4 - 0.9).abs() < 1e-6 && (b[0].5 - 0.3).abs() < 1e-12);
        assert_eq!((b[1].0, b[1].1, b[1].3), (2, 3, 1));
        assert!((b[2].4 - 0.05).abs() < 1e-6);
    }
}
