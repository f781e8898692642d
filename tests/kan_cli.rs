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

fn run_json(url: &str) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_grokpad"))
        .args(["run", "--url", url, "--backend", "cpu", "--json"])
        .output()
        .expect("run grokpad");
    assert_eq!(out.status.code(), Some(0), "{url}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

/// `hello-kan`: G = 3 → refine to 10 → prune → auto-snap recovers exp(sin(πx) + y²): one
/// hidden node left, fed by sin of x1 and the square of x2 (R² ≥ 0.99), read out by exp.
#[test]
fn hello_kan_prunes_and_snaps_to_the_formula() {
    let url = grokpad::experiment::presets::find("hello-kan").expect("preset").url;
    let j = run_json(url);
    let kan = &j["kan"];
    let formula = kan["formula"].as_str().unwrap_or_default();
    eprintln!("hello-kan: test RMSE {}, {formula}", j["test_rmse"]);
    let live: Vec<&serde_json::Value> =
        kan["edges"].as_array().expect("edges").iter().filter(|e| e["fn"] != "pruned").collect();
    let hidden: Vec<u64> = live.iter().filter(|e| e["layer"] == 0).map(|e| e["j"].as_u64().unwrap()).collect();
    assert_eq!(live.len(), 3, "{live:?}");
    assert!(hidden.iter().all(|&h| h == hidden[0]), "one hidden node: {live:?}");
    for e in &live {
        let want = match (e["layer"].as_u64(), e["i"].as_u64()) {
            (Some(0), Some(0)) => "sin",
            (Some(0), Some(1)) => "x^2",
            _ => "exp",
        };
        assert_eq!(e["fn"], want, "{e}");
        assert!(e["fit"]["r2"].as_f64().unwrap() >= 0.99, "{e}");
    }
    assert!(
        formula.starts_with("y = ") && formula.contains("exp(") && formula.contains("sin(") && formula.contains("^2"),
        "{formula}"
    );
    assert!(formula.contains("x1") && formula.contains("x2"), "{formula}");
    assert!(j["test_rmse"].as_f64().unwrap() < 0.1, "{j}");
}

/// `kan-vs-mlp-j0`: on J₀(20x) a [1,1] KAN (G = 10 → 30: 36 trainable parameters) reaches a
/// lower test RMSE than the parameter-matched MLP [1,12,1] (37 parameters) on the same budget.
#[test]
fn kan_beats_a_matched_mlp_on_bessel() {
    let url = grokpad::experiment::presets::find("kan-vs-mlp-j0").expect("preset").url;
    let kan = run_json(url)["test_rmse"].as_f64().expect("test_rmse");
    let mlp_url = "v=1&data=fn&layers=12&opt=adam&lr=0.01&steps=3000&fn=j0";
    let mlp = run_json(mlp_url)["test_rmse"].as_f64().expect("test_rmse");
    eprintln!("J0(20x): KAN [1,1] G=10→30 test RMSE {kan:.4}; MLP [1,12,1] {mlp:.4}");
    assert!(kan < 0.5 * mlp, "KAN {kan} vs MLP {mlp}");
}
