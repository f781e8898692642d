//! Issue 5 phenomena through the CLI, on small configs (CPU backend): benign overfitting, the
//! long-tail memorization scores, the data diet (EL2N pruning) and closed-form random features.
//! Bounds were measured first (see each test) and leave a margin for seeds.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

fn run(args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_grokpad")).args(args).output().expect("run grokpad");
    let (so, se) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{se}");
    serde_json::from_str(so.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {so}"))
}

fn f(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

#[test]
fn benign_overfitting_fits_flipped_labels_and_generalizes() {
    // Measured: noisy_train_acc 1.0, test_acc 0.931.
    let v = run(&["run", "--preset", "benign-overfitting", "--backend", "cpu", "--json"]);
    assert!(f(&v["noisy_train_acc"]) >= 0.95, "{v}");
    assert!(f(&v["clean_train_acc"]) >= 0.95, "{v}");
    assert!(f(&v["test_acc"]) >= 0.85, "{v}");
}

#[test]
fn long_tail_rare_subpopulations_score_higher() {
    // Measured: subpopulations with 1 training point score 0.55 on average, 2–3 points 0.35,
    // the largest (≥ 32 points) 0.0.
    let v = run(&["run", "--preset", "long-tail", "--backend", "cpu", "--json"]);
    let s = &v["scores"];
    assert_eq!(s["kind"], "memo");
    assert_eq!(s["models"], 32);
    let ex = s["examples"].as_array().unwrap();
    assert_eq!(ex.len(), 200);
    for e in ex {
        for k in ["index", "subpop", "freq", "subpop_train", "in_train"] {
            assert!(e[k].is_number(), "{k} in {e}");
        }
        let n = e["in_train"].as_u64().unwrap();
        assert!((3..=29).contains(&n), "each point is in about half of the 32 subsets: {e}");
    }
    let b = s["by_freq"].as_array().unwrap();
    let (rare, common) = (&b[0], &b[b.len() - 1]);
    assert_eq!(rare["train_min"], 1);
    assert!(f(&rare["mean_score"]) > f(&common["mean_score"]) + 0.25, "{b:?}");
    assert!(f(&rare["mean_freq"]) < f(&common["mean_freq"]) / 10.0);
}

#[test]
fn data_diet_pruning_high_el2n_beats_random() {
    // Measured (8 seeds): at 20 % pruned, hardest removed 0.948 vs random 0.905, full data 0.939.
    let v = run(&["run", "--preset", "data-diet", "--backend", "cpu", "--json"]);
    assert_eq!(v["scores"]["kind"], "el2n");
    let c = v["prune_curve"].as_array().unwrap();
    let fr: Vec<f64> = c.iter().map(|p| f(&p["fraction"])).collect();
    assert_eq!(fr.len(), 4);
    assert!((fr[2] - 0.2).abs() < 1e-6 && (fr[3] - 0.3).abs() < 1e-6, "{fr:?}");
    let (full, at) = (f(&c[0]["test_acc"]), &c[2]);
    assert!(f(&at["test_acc"]) >= f(&at["random_test_acc"]) + 0.02, "{c:?}");
    assert!(f(&at["test_acc"]) >= full - 0.01, "{c:?}");
    // The flipped points rank high: their mean EL2N is above the clean points'.
    let ex = v["scores"]["examples"].as_array().unwrap();
    let mean = |flip: bool| {
        let s: Vec<f64> = ex.iter().filter(|e| e["flipped"] == flip).map(|e| f(&e["score"])).collect();
        s.iter().sum::<f64>() / s.len() as f64
    };
    assert!(mean(true) > 2.0 * mean(false), "{} vs {}", mean(true), mean(false));
}

#[test]
fn data_diet_pruning_low_el2n_keeps_accuracy() {
    // Paul et al.'s side (remove the easiest), scored late (step 500 of 600) on the spiral, 4 seeds.
    // Measured: 20 % pruned 0.996, random 0.992, full 0.991. It is fragile on this small set: at
    // 30 % it drops to 0.944 (random 0.991; 0.993 with 8 seeds), and scored at step 50 it is far
    // worse (0.81 at 20 %), so the bound is only "keeps accuracy at 20 %".
    let url = "v=1&data=spiral&n=800&noise=10&layers=32,32&act=relu&loss=ce&opt=adam&lr=0.01&bs=50\
               &seeds=4&steps=600&score=el2n&score_step=500&prune=0.2";
    let v = run(&["run", "--url", url, "--backend", "cpu", "--json"]);
    let c = v["prune_curve"].as_array().unwrap();
    let (full, last) = (f(&c[0]["test_acc"]), &c[c.len() - 1]);
    assert!((f(&last["fraction"]) - 0.2).abs() < 1e-6);
    assert!(f(&last["test_acc"]) >= full - 0.03, "{c:?}");
    assert!(f(&last["test_acc"]) >= f(&last["random_test_acc"]) - 0.03, "{c:?}");
}

#[test]
fn grand_scores_and_frozen_runs_report_through_the_cli() {
    let url = "v=1&data=moons&n=200&noise=20&flip=0.2&layers=16&act=relu&loss=ce&opt=adam&lr=0.01&seeds=2&score=grand&score_step=50";
    let v = run(&["run", "--url", url, "--backend", "cpu", "--json"]);
    let ex = v["scores"]["examples"].as_array().unwrap();
    assert_eq!((ex.len(), v["scores"]["kind"].as_str()), (100, Some("grand")));
    assert!(ex.iter().all(|e| f(&e["score"]) >= 0.0 && e["in_train"] == 2 && e.get("subpop").is_none()));
    assert!(v.get("prune_curve").is_none());
    let rf = "v=1&data=gauss2&n=200&train=0.25&noise=30&rff=16&layers=50&act=relu&frozen=1";
    let v = run(&["run", "--url", rf, "--backend", "cpu", "--json"]);
    assert_eq!((v["frozen"].as_bool(), v["steps"].as_u64(), v["features"].as_u64()), (Some(true), Some(0), Some(50)));
    assert!(f(&v["train_loss"]) < 1e-6 && f(&v["test_loss"]) > 1.0, "interpolating at the threshold: {v}");
    let v = run(&["run", "--url", &format!("{rf}&ridge=1"), "--backend", "cpu", "--json"]);
    assert!(f(&v["test_loss"]) < 1.0, "{v}");
}

#[test]
fn memorization_scores_agree_between_cpu_and_gpu() {
    // Per-model subsets travel in the GPU's [k, M, B] index buffer like the shared stream: the
    // same URL scores (nearly) the same on both backends (fails, not skips, without an adapter).
    let url = "v=1&data=longtail&n=200&classes=2&layers=16&act=relu&loss=ce&opt=adam&lr=0.01&bs=20&seeds=8&steps=200&score=memo";
    let scores = |b: &str| -> Vec<f64> {
        let v = run(&["run", "--url", url, "--backend", b, "--json"]);
        v["scores"]["examples"].as_array().unwrap().iter().map(|e| f(&e["score"])).collect()
    };
    let (c, g) = (scores("cpu"), scores("gpu"));
    assert_eq!(c.len(), g.len());
    let diff =
        c.iter().zip(&g).filter(|(a, b)| a.is_finite() && b.is_finite()).map(|(a, b)| (a - b).abs()).sum::<f64>()
            / c.len() as f64;
    assert!(diff < 0.02, "mean |cpu − gpu| score difference {diff}");
}

/// The page drives a score run a few steps per frame; the CLI in pieces of 500. Both must give
/// the same scores and pruning curve (the batch stream does not depend on the piece size).
#[test]
fn score_run_in_small_pieces_matches_the_blocking_run() {
    use grokpad::engine::{cpu::CpuBackend, Backend, Setup};
    use grokpad::scores::run::ScoreRun;
    let url = "v=1&data=moons&n=120&noise=20&flip=0.2&layers=8&act=relu&loss=ce&opt=adam&lr=0.01&bs=10\
               &seeds=4&steps=60&score=memo&prune=0.2";
    let e = grokpad::experiment::url::decode(url).experiment;
    let mut make = |s: Setup| -> Result<Box<dyn Backend>, String> { Ok(Box::new(CpuBackend::new(s, 0))) };
    let mut whole = ScoreRun::new(&e, 2);
    whole.finish(&mut make).unwrap();
    let mut pieces = ScoreRun::new(&e, 2);
    let mut calls = 0;
    while pieces.pump(7, &mut make).unwrap() {
        calls += 1;
        assert!(calls < 10_000, "the run must end");
    }
    assert!(pieces.done() && calls > 20, "{calls} pumps");
    let (a, b) = (whole.scores.unwrap(), pieces.scores.unwrap());
    assert_eq!(a.score.len(), 60);
    assert!(a.score.iter().any(|v| v.is_finite() && *v != 0.0));
    assert_eq!(format!("{:?}", a.score), format!("{:?}", b.score));
    let (ca, cb) = (whole.curve.unwrap(), pieces.curve.unwrap());
    assert_eq!(ca.len(), 3);
    assert_eq!(ca, cb);
}
