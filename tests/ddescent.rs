//! The `double-descent` preset through the CLI (issue 5): model-wise double descent of trained
//! one-hidden-layer ReLU MLPs on 600 digit images with 20 % corrupted training labels
//! (Nakkiran et al. 2019, "Deep Double Descent: Where Bigger Models and More Data Hurt";
//! Belkin, Hsu, Ma & Mandal 2019, "Reconciling modern machine-learning practice and the
//! classical bias–variance trade-off").
//!
//! Smaller than the preset (widths 6, 8, 12, 16, 24, 128; one model per width instead of two)
//! and run for three data seeds. The threshold is measured, not assumed: the narrowest width
//! whose training error is ≤ 1 % (Nakkiran et al.'s effective model complexity reaching n).
//! Measured on the CPU (test error, widths 6 / 8 / 12 / 16 / 24 / 128): seed 1 .209 .214 .303
//! .328 .253 .214, seed 2 .228 .213 .302 .290 .260 .201, seed 3 .221 .236 .318 .343 .372 .240;
//! the threshold is width 16 for all three, 0.08–0.12 above the best narrower width and
//! 0.09–0.11 above width 128. The assertions ask for 0.05. With cross-entropy the peak sits
//! left of the n × classes parameter mark (`interpolation_threshold`, width ≈ 80 here): at
//! width 16 the model has ~2n parameters, enough to fit every corrupted label, no more.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

const GRID: &str = "6,8,12,16,24,128";

/// (width, test error, train error, noisy_train_acc) per point of the smaller preset, seed `seed`.
fn run(seed: u64) -> Vec<(f64, f64, f64, f64)> {
    let preset = grokpad::experiment::presets::find("double-descent").unwrap();
    let url = preset.url.replace("sweep_values=2,4,6,8,12,16,24,32,64,128", &format!("sweep_values={GRID}"));
    let url = format!("{}&seed={seed}", url.replace("seeds=2", "seeds=1"));
    assert!(url.contains(GRID) && url.contains("seeds=1&") && !preset.url.contains("&seed="), "{url}");
    let out = Command::new(env!("CARGO_BIN_EXE_grokpad"))
        .args(["run", "--url", &url, "--backend", "cpu", "--json"])
        .output()
        .expect("run grokpad");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
    let f = |p: &serde_json::Value, k: &str| p[k].as_f64().unwrap_or_else(|| panic!("{k}: {text}"));
    v["sweep"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (f(p, "value"), 1.0 - f(p, "test_acc"), 1.0 - f(p, "train_acc"), f(p, "noisy_train_acc")))
        .collect()
}

fn check(seed: u64) {
    let pts = run(seed);
    let line: Vec<String> =
        pts.iter().map(|p| format!("w {} test {:.3} train {:.3} noisy {:.3}", p.0, p.1, p.2, p.3)).collect();
    println!("seed {seed}: {}", line.join(" | "));
    assert_eq!(pts.iter().map(|p| p.0).collect::<Vec<_>>(), [6.0, 8.0, 12.0, 16.0, 24.0, 128.0]);
    let k = pts.iter().position(|p| p.2 <= 0.01).unwrap_or_else(|| panic!("no width interpolates: {line:?}"));
    assert!(k > 0, "the narrowest width already interpolates: {line:?}");
    // Past the threshold every width fits the training set, corrupted labels included.
    for p in &pts[k..] {
        assert!(p.2 <= 0.01 && p.3 >= 0.95, "width {} past the threshold: {line:?}", p.0);
    }
    // Below it the corrupted labels are mostly not fitted.
    assert!(pts[0].3 <= 0.5, "{line:?}");
    let under = pts[..k].iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let (peak, wide) = (pts[k].1, pts.last().unwrap().1);
    assert!(peak >= under + 0.05, "first descent: threshold {peak:.3} vs best narrower {under:.3}: {line:?}");
    assert!(peak >= wide + 0.05, "second descent: threshold {peak:.3} vs width 128 {wide:.3}: {line:?}");
}

#[test]
fn double_descent_peaks_at_the_threshold_seed_1() {
    check(1);
}

#[test]
fn double_descent_peaks_at_the_threshold_seed_2() {
    check(2);
}

#[test]
fn double_descent_peaks_at_the_threshold_seed_3() {
    check(3);
}
