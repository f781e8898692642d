//! The KAN bases through the CLI (URL `basis`): on exp(sin(πx) + y²), a [2,5,1] KAN with
//! ReLU-KAN bumps or KAT's rational edges trains from a test RMSE of about 2.3 after one step to
//! under 0.15 in 2000 Adam steps (measured on this data and seed: B-spline 0.039, relu 0.062,
//! rational 0.087), reproducibly; a rational KAN with a `refine` schedule trains the same as
//! without it, and says once that it has no grid.

use std::process::Command;

fn run(url: &str) -> (f64, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_grokpad"))
        .args(["run", "--url", url, "--backend", "cpu", "--json"])
        .output()
        .expect("run grokpad");
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(0), "{url}: {err}");
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    (j["test_rmse"].as_f64().expect("test_rmse"), err + &j["notices"].to_string())
}

const COMMON: &str = "v=1&data=fn&fn=expsin&model=kan&layers=5&opt=adam&lr=0.01";

#[test]
fn relu_and_rational_kans_learn_expsin() {
    let (bspline, _) = run(&format!("{COMMON}&steps=2000"));
    for basis in ["relu", "rational"] {
        let (untrained, _) = run(&format!("{COMMON}&steps=1&basis={basis}"));
        let (trained, _) = run(&format!("{COMMON}&steps=2000&basis={basis}"));
        eprintln!(
            "basis={basis}: test RMSE {untrained:.4} after 1 step -> {trained:.4} after 2000 steps (bspline {bspline:.4})"
        );
        assert!(untrained > 1.0, "{basis}: untrained {untrained}");
        assert!(trained < 0.15 && trained < 0.1 * untrained, "{basis}: {trained} (untrained {untrained})");
        assert_eq!(run(&format!("{COMMON}&steps=2000&basis={basis}")).0, trained, "{basis}: reproducible");
    }
}

#[test]
fn rational_ignores_refinement_with_one_notice() {
    let (plain, _) = run(&format!("{COMMON}&steps=300&basis=rational"));
    let (refined, notes) = run(&format!("{COMMON}&steps=300&basis=rational&refine=100:10"));
    assert_eq!(plain, refined, "no grid: refine and grid updates change nothing");
    assert_eq!(notes.matches("no grid").count(), 2, "one notice (stderr and JSON): {notes}");
    // The relu basis keeps its grid: refinement changes the run.
    let (relu, _) = run(&format!("{COMMON}&steps=300&basis=relu"));
    let (relu_refined, _) = run(&format!("{COMMON}&steps=300&basis=relu&refine=100:10"));
    assert_ne!(relu, relu_refined);
}
