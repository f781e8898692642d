//! CLI tests: `grokpad run` reproduces a URL headless on both backends (the GPU one on lavapipe
//! in CI; it fails, not skips, without an adapter), byte-identical JSON on the CPU, curves CSV,
//! and exit code 2 with a clear message for bad flags or URLs.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

fn grokpad(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_grokpad")).args(args).output().expect("run grokpad");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

const CIRCLE: &str = "http://127.0.0.1:8080/#v=1&data=circle&layers=8,8&lr=0.1";

#[test]
fn circle_reaches_095_on_cpu_and_is_reproducible() {
    let (code, a, err) = grokpad(&["run", "--url", CIRCLE, "--steps", "3000", "--backend", "cpu", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v = json(&a);
    assert_eq!(v["steps"], 3000);
    assert_eq!(v["backend"], "cpu");
    assert!(v["test_acc"].as_f64().unwrap() >= 0.95, "{a}");
    for k in ["train_loss", "test_loss", "train_acc"] {
        assert!(v[k].as_f64().is_some_and(f64::is_finite), "{k} in {a}");
    }
    let (_, b, _) = grokpad(&["run", "--url", CIRCLE, "--steps", "3000", "--backend", "cpu", "--json"]);
    assert_eq!(a, b, "two CPU runs of one URL must print identical JSON");
}

#[test]
fn circle_reaches_095_on_gpu() {
    let (code, out, err) = grokpad(&["run", "--url", CIRCLE, "--steps", "3000", "--backend", "gpu", "--json"]);
    assert_eq!(code, 0, "GPU run failed (is lavapipe installed? see scripts/install.sh): {err}");
    let v = json(&out);
    assert_eq!(v["backend"], "gpu");
    assert!(v["test_acc"].as_f64().unwrap() >= 0.95, "{out}");
}

#[test]
fn url_backend_and_hash_only_forms() {
    // `backend=webgpu` in a URL means the native GPU; --backend overrides it.
    let (code, out, err) = grokpad(&["run", "--url", "v=1&backend=webgpu&steps=50", "--backend", "cpu", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert_eq!((v["backend"].as_str(), v["steps"].as_u64()), (Some("cpu"), Some(50)));
}

#[test]
fn curves_csv_has_rows_through_the_last_step() {
    let dir = std::env::temp_dir().join(format!("grokpad-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("curves.csv");
    let (code, _, err) =
        grokpad(&["run", "--url", "#v=1", "--steps", "1000", "--json", "--curves", f.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let csv = std::fs::read_to_string(&f).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "step,train_loss,test_loss,train_acc,test_acc");
    assert!((150..=260).contains(&(lines.len() - 1)), "{} rows", lines.len() - 1);
    assert!(lines.last().unwrap().starts_with("1000,"));
    assert!(lines[1].starts_with("0,"));
    let first: f64 = lines[1].split(',').nth(1).unwrap().parse().unwrap();
    let last: f64 = lines.last().unwrap().split(',').nth(1).unwrap().parse().unwrap();
    assert!(last < first, "loss should fall: {first} -> {last}");
    let (_, _, _) =
        grokpad(&["run", "--url", "#v=1", "--steps", "10", "--every", "3", "--curves", f.to_str().unwrap()]);
    let steps: Vec<String> = std::fs::read_to_string(&f)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(steps, ["0", "3", "6", "9", "10"]);
}

#[test]
fn bad_input_exits_2_with_a_message() {
    for args in [
        vec!["run"],
        vec!["run", "--url", "#v=1", "--steps", "abc"],
        vec!["run", "--url", "#v=1", "--steps", "0"],
        vec!["run", "--url", "#v=1", "--backend", "tpu"],
        vec!["run", "--url", ""],
        vec!["run", "--url", "#v=1", "--every", "0"],
        vec!["fly"],
    ] {
        let (code, out, err) = grokpad(&args);
        assert_eq!(code, 2, "{args:?}: {out} {err}");
        assert!(!err.trim().is_empty(), "{args:?} should explain");
    }
}

#[test]
fn divergence_is_reported_not_hidden() {
    let (code, out, err) =
        grokpad(&["run", "--url", "#v=1&loss=ce&act=linear&lr=1000&layers=8,8", "--steps", "200", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert_eq!(v["diverged"], true, "{out}");
    assert!(v["diverged_at_step"].as_u64().is_some_and(|s| (1..=200).contains(&s)), "{out}");
    let (_, ok, _) = grokpad(&["run", "--url", "#v=1", "--steps", "50", "--json"]);
    assert_eq!(json(&ok)["diverged"], false);
}

#[test]
fn hostile_url_runs_on_defaults_and_lists_notices() {
    let (code, out, err) =
        grokpad(&["run", "--url", "#v=9&lr=NaN&n=-5&layers=99999&<script>=1", "--steps", "20", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    let notices = v["notices"].as_array().unwrap();
    assert!(notices.len() >= 4, "{out}");
    assert!(err.contains("notice"), "{err}");
}

#[test]
fn presets_are_listed_as_json_and_runnable_by_name() {
    let (code, out, err) = grokpad(&["presets", "--json"]);
    assert_eq!(code, 0, "{err}");
    let list = json(&out);
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    for slug in [
        "spectral-bias",
        "fourier-features",
        "xor-clusters-benign",
        "random-labels",
        "dropout-label-noise",
        "gradient-noise-deep",
        "mup-width",
    ] {
        assert!(names.contains(&slug), "{slug} missing from {names:?}");
    }
    for p in list.as_array().unwrap() {
        assert!(p["url"].as_str().unwrap().starts_with("#v=1&"), "{p}");
        assert!(!p["title"].as_str().unwrap().is_empty() && !p["paper"].as_str().unwrap().is_empty(), "{p}");
    }
    let (code, _, err) = grokpad(&["run", "--preset", "no-such-preset", "--json"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown preset `no-such-preset`") && err.contains("spectral-bias"), "{err}");
    let (code, out, err) =
        grokpad(&["run", "--preset", "gradient-noise-deep", "--steps", "20", "--backend", "cpu", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert_eq!(
        (v["steps"].as_u64(), v["url"].as_str().map(|u| u.contains("gnoise=0.01"))),
        (Some(20), Some(true)),
        "{out}"
    );
}

#[test]
fn seeds_report_each_model_and_their_mean() {
    let (code, out, err) = grokpad(&["run", "--url", "v=1&seeds=3&steps=200", "--backend", "cpu", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    let seeds = v["seeds"].as_array().expect("seeds list");
    assert_eq!(seeds.iter().map(|s| s["seed"].as_u64().unwrap()).collect::<Vec<_>>(), vec![1, 2, 3]);
    for k in ["train_loss", "test_loss", "train_acc", "test_acc"] {
        let mean = seeds.iter().map(|s| s[k].as_f64().unwrap()).sum::<f64>() / 3.0;
        assert!((v[k].as_f64().unwrap() - mean).abs() < 1e-9, "{k}: {out}");
    }
    assert_ne!(seeds[0]["test_loss"], seeds[1]["test_loss"], "different seeds must train differently");
    // Seed 1 of a 3-seed run is the 1-seed run.
    let (_, one, _) = grokpad(&["run", "--url", "v=1&steps=200", "--backend", "cpu", "--json"]);
    assert_eq!(json(&one)["test_loss"], seeds[0]["test_loss"]);
    assert!(json(&one).get("seeds").is_none());
}

/// Two presets of the gallery show their effect through the CLI: random labels memorized, and
/// benign overfitting (flipped labels fit while the true function is still learned).
#[test]
fn presets_show_memorization_and_benign_overfitting() {
    let (code, out, err) = grokpad(&["run", "--preset", "random-labels", "--backend", "cpu", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert!(v["train_acc"].as_f64().unwrap() >= 0.95, "random labels must be memorized: {out}");
    assert!(v["test_acc"].as_f64().unwrap() <= 0.7, "random labels cannot generalize: {out}");
    let (code, out, err) = grokpad(&["run", "--preset", "xor-clusters-benign", "--backend", "cpu", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert!(v["noisy_train_acc"].as_f64().unwrap() >= 0.95, "flipped labels must be fit: {out}");
    assert!(v["clean_train_acc"].as_f64().unwrap() >= 0.95, "{out}");
    assert!(v["test_acc"].as_f64().unwrap() >= 0.85, "the true function must still be learned: {out}");
}

/// Regression data reports RMSE; a 1-D fit beats predicting zero.
#[test]
fn regression_reports_rmse() {
    let url = "v=1&data=abs&layers=32,32&act=relu&opt=adam&lr=0.01&bs=50&steps=1500";
    let (code, out, err) = grokpad(&["run", "--url", url, "--backend", "cpu", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    let rmse = v["test_rmse"].as_f64().unwrap();
    assert!((rmse - (2.0 * v["test_loss"].as_f64().unwrap()).sqrt()).abs() < 1e-6, "{out}");
    // |x|/3 − 1 on [-6, 6] has RMS ≈ 0.58 around zero; the fit must do far better.
    assert!(rmse < 0.1, "{out}");
    assert!(v.get("clean_train_acc").is_none());
}

/// Custom data without points is refused with a clear message (it used to panic); one point
/// trains, with no test metrics rather than a false divergence.
#[test]
fn custom_data_without_points_is_refused() {
    let (code, _, err) = grokpad(&["run", "--url", "v=1&data=custom", "--steps", "5", "--json"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no training points"), "{err}");
    let (code, out, err) = grokpad(&["run", "--url", "v=1&data=custom&pts=1,1,0", "--steps", "5", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["diverged"], false, "{out}");
}
