//! PAIR's embedding MLP (`model=emb&layers=D,H`, `core::tfm::pair`; Pearce et al. 2023, "Do
//! Machine Learning Models Memorize or Generalize?") groks through the CLI on the CPU, by
//! issue 6's criterion: on a + b mod 23 with 40 % of the pairs for training, a 64-wide tied
//! embedding and 24 hidden units, full-batch AdamW (lr 10⁻³, β2 0.98, weight decay 3), the step
//! where test accuracy first reaches 0.95 is at least 3× the step where train accuracy first
//! reached 0.99. The `grok-pair-mlp` preset is PAIR's notebook configuration at p = 67.
#![cfg(not(target_arch = "wasm32"))]

use grokpad::core::tfm::Net;
use grokpad::experiment::presets::PRESETS;
use grokpad::experiment::url::decode;
use std::process::Command;

const SMALL: &str =
    "v=1&data=mod&p=23&train=0.4&model=emb&layers=64,24&loss=ce&opt=adamw&lr=0.001&beta2=0.98&bs=10000&wd=3&steps=5000";

#[test]
fn pair_embedding_mlp_groks_a_small_modular_sum() {
    let out = Command::new(env!("CARGO_BIN_EXE_grokpad"))
        .args(["run", "--url", SMALL, "--backend", "cpu", "--json", "--every", "25"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let g: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(g["notices"].as_array().is_some_and(|n| n.is_empty()), "{g}");
    let grok = &g["grok"];
    let train = grok["train_099_step"].as_u64().unwrap_or_else(|| panic!("train never reached 0.99: {g}"));
    let test = grok["test_095_step"].as_u64().unwrap_or_else(|| panic!("test never reached 0.95: {g}"));
    println!("train 0.99 at step {train}, test 0.95 at step {test}");
    assert!(test >= 3 * train, "no grokking delay: train 0.99 at {train}, test 0.95 at {test}: {g}");
    assert!(g["test_acc"].as_f64().unwrap() >= 0.95, "{g}");
}

#[test]
fn grok_pair_mlp_preset_is_pairs_notebook_configuration() {
    let p = PRESETS.iter().find(|p| p.slug == "grok-pair-mlp").expect("preset grok-pair-mlp");
    assert!(p.paper.contains("Pearce") && p.paper.contains("Memorize or Generalize"), "{}", p.paper);
    let d = decode(p.url);
    assert!(d.notices.is_empty(), "{:?}", d.notices);
    let e = d.experiment;
    assert_eq!((e.modulus(), e.train, e.wd, e.lr, e.beta2), (67, 0.4, 1.0, 0.001, 0.98));
    assert_eq!(e.batch(), e.n_train(), "full batch");
    match grokpad::engine::tfm::net_of(&e) {
        Some(Net::Pair(l)) => assert_eq!((l.classes, l.embed, l.hidden), (67, 500, 24)),
        other => panic!("not PAIR's factored model: {other:?}"),
    }
}
