//! KAN vs MLP through the CLI (issue 7): `grokpad run --kan-vs-mlp --json` adds `kan_vs_mlp`,
//! the link's KAN and its parameter-matched MLP trained side by side and a grid-size scaling
//! series with an MLP matched to each. On exp(sin(πx) + y²) a [2,5,1] KAN (156 parameters)
//! reaches a lower test RMSE than the matched [2,39,1] MLP at the same step budget.

use std::process::Command;

#[test]
fn the_cli_reports_the_kan_against_matched_mlps() {
    let url = "v=1&data=fn&fn=expsin&model=kan&layers=5&grid=5&opt=adam&lr=0.01&steps=1000";
    let out = Command::new(env!("CARGO_BIN_EXE_grokpad"))
        .args(["run", "--url", url, "--backend", "cpu", "--json", "--kan-vs-mlp"])
        .output()
        .expect("run grokpad");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let runs = j["kan_vs_mlp"].as_array().expect("kan_vs_mlp array");
    let field = |r: &serde_json::Value, k: &str| r[k].as_f64().unwrap_or(f64::NAN);
    let (kan, mlp) = (&runs[0], &runs[1]);
    assert_eq!((kan["model"].as_str(), mlp["model"].as_str()), (Some("kan"), Some("mlp")));
    assert_eq!((field(kan, "params"), field(mlp, "params")), (156.0, 157.0));
    assert_eq!(mlp["layers"], serde_json::json!([39]));
    // The side-by-side KAN is the link's own run: the same RMSE as the main result.
    assert!((field(kan, "test_rmse") - field(&j, "test_rmse")).abs() < 1e-6, "{kan} vs {j}");
    let (k, m) = (field(kan, "test_rmse"), field(mlp, "test_rmse"));
    eprintln!("test RMSE at 1000 steps: KAN {k:.4}, matched MLP {m:.4}");
    assert!(k < m, "KAN {k} vs MLP {m}");
    assert_eq!(kan["curve"].as_array().map(|c| c.len()), Some(1000 / 17 + 2), "{}", kan["curve"]);
    // Scaling: four more grids, each KAN followed by its matched MLP (±2 parameters: 4w + 1).
    assert_eq!(runs.len(), 10);
    for pair in runs.chunks(2) {
        assert!((field(&pair[0], "params") - field(&pair[1], "params")).abs() <= 2.0, "{pair:?}");
        assert!(pair.iter().all(|r| field(r, "test_rmse").is_finite() && r.get("error").is_none()), "{pair:?}");
    }
    let grids: Vec<u64> = runs.iter().filter_map(|r| r["grid"].as_u64()).collect();
    assert_eq!(grids, vec![5, 3, 10, 20, 50]);
}
