//! KAN through the CLI (issue 7, "done when"): on exp(sin(πx) + y²) (`data=fn&fn=expsin`), a
//! [2,5,1] KAN (G = 5, k = 3: 156 trainable parameters) reaches a lower test RMSE than
//! parameter-matched MLPs [2,39,1] (157 parameters; tanh and relu) with the same optimizer, rate,
//! batches and step budget; refining its grid 5 → 10 halfway lowers the RMSE further; the run is
//! reproducible and its URL replays the refinement.

use std::process::Command;

fn rmse(url: &str) -> (f64, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_grokpad"))
        .args(["run", "--url", url, "--backend", "cpu", "--json"])
        .output()
        .expect("run grokpad");
    assert_eq!(out.status.code(), Some(0), "{url}: {}", String::from_utf8_lossy(&out.stderr));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    (j["test_rmse"].as_f64().expect("test_rmse"), j["url"].as_str().unwrap_or_default().to_string())
}

const COMMON: &str = "data=fn&fn=expsin&opt=adam&lr=0.01&steps=2000";

#[test]
fn kan_beats_a_parameter_matched_mlp_and_refinement_helps() {
    let (kan, url) = rmse(&format!("{COMMON}&model=kan&layers=5&grid=5"));
    let (again, _) = rmse(&format!("{COMMON}&model=kan&layers=5&grid=5"));
    assert_eq!(kan, again, "reproducible");
    assert!(url.contains("model=kan"), "{url}");
    let (tanh, _) = rmse(&format!("{COMMON}&layers=39"));
    let (relu, _) = rmse(&format!("{COMMON}&layers=39&act=relu"));
    eprintln!("test RMSE: KAN [2,5,1] G=5 {kan:.4}; MLP [2,39,1] tanh {tanh:.4}, relu {relu:.4}");
    assert!(kan < 0.5 * tanh.min(relu), "KAN {kan} vs MLP tanh {tanh}, relu {relu}");
    let (refined, url) = rmse(&format!("{COMMON}&model=kan&layers=5&grid=5&refine=1000:10"));
    eprintln!("refined at step 1000 to G=10: {refined:.4}");
    assert!(url.contains("refine=1000:10"), "{url}");
    assert!(refined < kan, "refined {refined} vs {kan}");
    assert_eq!(rmse(&url).0, refined, "the URL replays the refinement");
}
