//! Sweeps (issue 5, `grokpad::sweep`): `expand` for every axis, the grouping rules, padded
//! width groups training exactly like each model alone on the CPU, the learning-rate and
//! init-scale axes, the runner's records, and the CLI's `sweep` JSON. The GPU side is in
//! tests/gpu_sweep.rs.
#![cfg(not(target_arch = "wasm32"))]

use grokpad::engine::cpu::CpuBackend;
use grokpad::engine::Backend;
use grokpad::experiment::url::decode;
use grokpad::experiment::{Experiment, SweepAxis};
use grokpad::sweep::build::{extract, group_setup};
use grokpad::sweep::run::{record_steps, SweepRun};
use grokpad::sweep::{expand, groups, SweepPoint};
use grokpad::train::Session;
use std::process::Command;

fn exp(url: &str) -> Experiment {
    let d = decode(url);
    assert!(d.notices.is_empty(), "{url}: {:?}", d.notices);
    d.experiment
}

#[test]
fn expand_substitutes_every_axis() {
    let base = "v=1&layers=4,2&seed=7";
    type Get = fn(&Experiment) -> f64;
    let cases: &[(&str, &str, Get)] = &[
        ("width", "3,16", |e| e.layers[1] as f64),
        ("depth", "0,3", |e| e.layers.len() as f64),
        ("n", "100,2000", |e| e.n as f64),
        ("train", "0.2,0.8", |e| e.train as f64),
        ("flip", "0,0.25", |e| e.flip as f64),
        ("wd", "0,0.5", |e| e.wd as f64),
        ("lr", "0.001,0.5", |e| e.lr as f64),
        ("alpha", "0.5,4", |e| e.alpha as f64),
    ];
    for (axis, values, get) in cases {
        let e = exp(&format!("{base}&sweep={axis}&sweep_values={values}"));
        let pts = expand(&e);
        assert_eq!(pts.len(), 2, "{axis}");
        for (p, want) in pts.iter().zip(&e.sweep_values) {
            assert_eq!(get(&p.exp) as f32, *want as f32, "{axis}");
            assert_eq!((p.value, p.value2, p.init_seed), (*want, None, 7), "{axis}");
            assert_eq!((p.exp.sweep, p.exp.sweep_values.len()), (SweepAxis::None, 0), "{axis}");
            // Everything else is the base experiment.
            let mut q = p.exp.clone();
            let mut b = e.clone();
            (b.sweep, b.sweep_values) = (SweepAxis::None, vec![]);
            (q.layers, q.n, q.train, q.flip, q.wd, q.lr, q.alpha) =
                (b.layers.clone(), b.n, b.train, b.flip, b.wd, b.lr, b.alpha);
            assert_eq!(q, b, "{axis}");
        }
    }
    assert_eq!(expand(&exp("v=1&layers=&sweep=width&sweep_values=5"))[0].exp.layers, vec![5]);
    assert_eq!(expand(&exp("v=1&layers=6,3&sweep=depth&sweep_values=3"))[0].exp.layers, vec![6, 6, 6]);
    // Seed: the initialization seed only.
    let pts = expand(&exp("v=1&seed=7&sweep=seed&sweep_values=100,5"));
    assert_eq!(pts.iter().map(|p| (p.init_seed, p.exp.seed)).collect::<Vec<_>>(), vec![(100, 7), (5, 7)]);
    // Two axes: value-major.
    let e = exp("v=1&sweep=width&sweep_values=2,8&sweep2=wd&sweep2_values=0,0.1,0.2");
    let pts = expand(&e);
    let vv: Vec<(f64, Option<f64>)> = pts.iter().map(|p| (p.value, p.value2)).collect();
    assert_eq!(
        vv,
        [(2.0, Some(0.0)), (2.0, Some(0.1)), (2.0, Some(0.2)), (8.0, Some(0.0)), (8.0, Some(0.1)), (8.0, Some(0.2))]
    );
    assert_eq!((pts[4].exp.layers.clone(), pts[4].exp.wd), (vec![8, 8], 0.1));
    // Widths batch, weight decays do not: one group per wd value.
    assert_eq!(groups(&e, &pts, true), vec![vec![0, 3], vec![1, 4], vec![2, 5]]);
    assert!(expand(&Experiment::default()).is_empty());
}

#[test]
fn grouping_rules() {
    let g = |url: &str| {
        let e = exp(url);
        groups(&e, &expand(&e), true).len()
    };
    assert_eq!(g("v=1&sweep=width&sweep_values=1,2,3"), 1);
    assert_eq!(g("v=1&sweep=lr&sweep_values=0.1,0.2,0.3"), 1);
    assert_eq!(g("v=1&sweep=alpha&sweep_values=0.1,0.2,0.3"), 1);
    assert_eq!(g("v=1&sweep=seed&sweep_values=1,2,3"), 1);
    for axis in ["n=20,30,40", "train=0.2,0.3,0.4", "flip=0,0.1,0.2", "wd=0,0.1,0.2", "depth=1,2,3"] {
        let (a, v) = axis.split_once('=').unwrap();
        assert_eq!(g(&format!("v=1&sweep={a}&sweep_values={v}")), 3, "{axis}");
    }
    let e = exp("v=1&sweep=width&sweep_values=1,2,3&sweep2=lr&sweep2_values=0.1,0.2");
    assert_eq!(groups(&e, &expand(&e), false), vec![vec![0, 1], vec![2, 3], vec![4, 5]]);
    // Widths that would not train as alone when padded: one group per width.
    for extra in ["init=ntk", "init=mup", "act=sigmoid", "dropout=0.1", "gnoise=0.1"] {
        assert_eq!(g(&format!("v=1&{extra}&sweep=width&sweep_values=1,2,3")), 3, "{extra}");
    }
}

fn params(b: &mut dyn Backend) -> Vec<f32> {
    assert!(b.request_params());
    b.poll_params().unwrap().unwrap().0
}

/// Trains the group of all points of `url` and every point alone for `k` steps on the CPU;
/// returns (group model params extracted to each point's layout, alone params) per model.
fn group_vs_alone(url: &str, k: usize) -> Vec<(Vec<f32>, Vec<f32>)> {
    let e = exp(url);
    let pts = expand(&e);
    let refs: Vec<&SweepPoint> = pts.iter().collect();
    let (gexp, data, setup) = group_setup(&refs).unwrap();
    let glayout = setup.layout.clone();
    let (batch, models) = (setup.batch, glayout.models);
    let mut group = Session::from_parts(gexp, data, Box::new(CpuBackend::new(setup, 0)), batch, models, 0);
    group.train(k);
    let gp = params(group.backend.as_mut());
    let seeds = e.seeds as usize;
    let mut out = vec![];
    for (j, p) in pts.iter().enumerate() {
        let mut alone = Session::cpu(&p.exp);
        alone.train(k);
        let ap = params(alone.backend.as_mut());
        let own = grokpad::core::mlp::Layout::from_experiment(&p.exp, seeds);
        for s in 0..seeds {
            let m = j * seeds + s;
            let got = extract(&own, &glayout, &gp[m * glayout.p..(m + 1) * glayout.p]);
            out.push((got, ap[s * own.p..(s + 1) * own.p].to_vec()));
        }
        // The padding never moved.
        let mut zeroed = gp[j * seeds * glayout.p..(j * seeds + 1) * glayout.p].to_vec();
        grokpad::sweep::build::embed(&own, &glayout, &vec![0.0; own.p], &mut zeroed);
        assert!(zeroed.iter().all(|&v| v == 0.0), "{url}: padding of point {j} moved");
    }
    out
}

#[test]
fn padded_widths_train_exactly_as_alone_on_cpu() {
    for url in [
        "v=1&data=xor&layers=3,3&act=relu&opt=adam&lr=0.01&seeds=2&sweep=width&sweep_values=2,7,4",
        "v=1&layers=4,4&act=tanh&opt=momentum&nesterov=1&clip=0.5&l1=0.001&l2=0.001&wd=0.01&resid=1&sweep=width&sweep_values=5,1,3",
        "v=1&data=rings&classes=3&loss=ce&layers=6&act=gelu&init=he&alpha=2&smooth=0.1&sweep=width&sweep_values=9,2",
        "v=1&layers=5,5,5&act=leaky&hourglass=2&sched=cosine&warmup=5&flip=0.2&sweep=width&sweep_values=3,6",
    ] {
        for (m, (got, want)) in group_vs_alone(url, 40).iter().enumerate() {
            assert_eq!(got, want, "{url}: model {m}");
            assert!(got.iter().any(|&v| v != 0.0));
        }
    }
}

#[test]
fn alpha_and_lr_axes_train_as_alone() {
    let url = "v=1&data=xor&layers=6&act=relu&opt=adam&alpha=0.5&seeds=2&sweep=alpha&sweep_values=0.5,2,1";
    for (m, (got, want)) in group_vs_alone(url, 30).iter().enumerate() {
        assert_eq!(got, want, "alpha model {m}");
    }
    // lr × (value / lr₀) is the value up to rounding.
    let url = "v=1&layers=4&opt=sgd&sweep=lr&sweep_values=0.03,0.1,0.007&sweep2=width&sweep2_values=2,5";
    for (m, (got, want)) in group_vs_alone(url, 30).iter().enumerate() {
        for (a, b) in got.iter().zip(want) {
            assert!((a - b).abs() <= 1e-5 + 1e-4 * b.abs(), "lr model {m}: {a} vs {b}");
        }
    }
}

#[test]
fn runner_records_every_point_at_fixed_steps() {
    assert_eq!(record_steps(10), (0..=10).collect::<Vec<u64>>());
    let r = record_steps(1000);
    assert_eq!((r.len(), r[1], *r.last().unwrap()), (51, 20, 1000));
    let e = exp("v=1&data=xor&flip=0.2&steps=60&seeds=2&sweep=width&sweep_values=1,8&sweep2=wd&sweep2_values=0,0.1");
    let mut run = SweepRun::new(&e);
    assert_eq!(run.group_count(), 2);
    let mut f = |s| -> Result<Box<dyn Backend>, String> { Ok(Box::new(CpuBackend::new(s, 0))) };
    // Steppable: small budgets, progress grows to the total.
    let mut pumps = 0;
    while run.pump(7, &mut f).unwrap() {
        pumps += 1;
        assert!(pumps < 10_000);
    }
    assert_eq!(run.progress(), (2 * 2 * 2 * 60, 2 * 2 * 2 * 60));
    assert!(run.has_memo());
    for res in &run.results {
        let steps: Vec<u64> = res.rows.iter().map(|r| r.step).collect();
        assert_eq!(steps, record_steps(60));
        assert_eq!(res.seeds.len(), 2);
        let last = res.rows.last().unwrap();
        assert!(last.train_loss.is_finite() && last.clean_train_acc >= 0.0 && last.noisy_train_acc >= 0.0);
    }
    // The same run through run_blocking gives the same records (CPU: deterministic).
    let mut again = SweepRun::new(&e);
    again.run_blocking(&mut f).unwrap();
    assert_eq!(again.results, run.results);
}

fn grokpad(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_grokpad")).args(args).output().expect("run grokpad");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn cli_prints_the_sweep_in_value_order() {
    let url = "#v=1&data=xor&flip=0.1&layers=4&sweep=width&sweep_values=8,1,3&sweep2=lr&sweep2_values=0.03,0.1";
    let (code, out, err) = grokpad(&["run", "--url", url, "--steps", "50", "--backend", "cpu", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let sw = v["sweep"].as_array().unwrap();
    let vv: Vec<(f64, f64)> =
        sw.iter().map(|x| (x["value"].as_f64().unwrap(), x["value2"].as_f64().unwrap())).collect();
    assert_eq!(vv, [(8.0, 0.03), (8.0, 0.1), (1.0, 0.03), (1.0, 0.1), (3.0, 0.03), (3.0, 0.1)]);
    for x in sw {
        for k in ["train_loss", "test_loss", "train_acc", "test_acc", "clean_train_acc", "noisy_train_acc"] {
            assert!(x[k].as_f64().is_some_and(f64::is_finite), "{k}: {out}");
        }
    }
    // Width 1: W1 [2, 1], b1, W2 [1, 1], b2.
    assert_eq!(sw[2]["params"], 5);
    // 500 points, 250 for training, 1 output: 4w + 1 = 250.
    assert!((v["interpolation_threshold"].as_f64().unwrap() - 62.25).abs() < 1e-9, "{out}");
    assert_eq!((v["steps"].as_u64(), v["backend"].as_str()), (Some(50), Some("cpu")));
    // Non-sweep URLs keep their JSON (no `sweep` field).
    let (_, plain, _) = grokpad(&["run", "--url", "#v=1", "--steps", "5", "--json"]);
    let p: serde_json::Value = serde_json::from_str(plain.trim()).unwrap();
    assert!(p.get("sweep").is_none() && p.get("test_acc").is_some());
}

#[test]
fn rf_double_descent_preset_peaks_at_the_interpolation_threshold() {
    // Frozen random features, readout in closed form (min-norm): Belkin et al.'s curve.
    let (code, out, err) = grokpad(&["run", "--preset", "rf-double-descent", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["frozen"], true);
    let t = v["interpolation_threshold"].as_f64().unwrap();
    assert_eq!(t, 49.0, "50 training points: 49 features + the bias");
    let pts: Vec<(f64, f64)> = v["sweep"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["value"].as_f64().unwrap(), p["test_loss"].as_f64().unwrap()))
        .collect();
    assert_eq!(pts.len(), 64);
    let (peak_w, peak) = pts.iter().copied().fold((0.0, 0.0), |a, p| if p.1 > a.1 { p } else { a });
    assert!((t - 8.0..=t + 12.0).contains(&peak_w), "peak at width {peak_w}, threshold {t}");
    let small = pts.iter().filter(|p| p.0 <= 16.0).map(|p| p.1).fold(0.0, f64::max);
    let large = pts.iter().filter(|p| p.0 >= 112.0).map(|p| p.1).fold(0.0, f64::max);
    assert!(peak > 10.0 * small && peak > 10.0 * large, "peak {peak}, small widths {small}, large {large}");
    // Past the threshold every model interpolates the training set.
    assert!(v["sweep"].as_array().unwrap().iter().filter(|p| p["value"].as_f64().unwrap() > t + 2.0).all(|p| p
        ["train_loss"]
        .as_f64()
        .unwrap()
        < 1e-6));
}

#[test]
fn page_charts_of_a_trained_and_a_frozen_sweep() {
    use grokpad::sweep::view::{from_frozen, from_run};
    // Trained: error = 1 − accuracy per point, heatmap over values × recorded steps.
    let e =
        exp("v=1&data=xor&n=100&layers=4&act=relu&loss=ce&opt=adam&lr=0.01&steps=40&sweep=width&sweep_values=2,8,32");
    let mut run = SweepRun::with_padding(&e, false);
    let c0 = from_run(&run);
    assert!(c0.test.is_empty(), "nothing recorded yet");
    assert!(c0.heat.as_ref().unwrap().z.iter().all(|z| z.is_nan()));
    run.run_blocking(&mut |s| Ok(Box::new(CpuBackend::new(s, 0)) as Box<dyn Backend>)).unwrap();
    let c = from_run(&run);
    assert_eq!(c.test.iter().map(|p| p.0).collect::<Vec<_>>(), vec![2.0, 8.0, 32.0]);
    for (p, f) in c.test.iter().zip(run.finals()) {
        assert!((p.1 - (1.0 - f.unwrap().test_acc as f64)).abs() < 1e-9);
    }
    let h = c.heat.unwrap();
    assert_eq!((h.x.len(), h.y.len(), h.z.len()), (3, record_steps(40).len(), 3 * record_steps(40).len()));
    assert!(h.z.iter().all(|z| (0.0..=1.0).contains(z)), "every cell recorded");
    assert!(c.threshold.is_some() && !c.log_x);
    // Frozen: MSE per point, no epoch-wise heatmap for one axis; a phase diagram for two.
    let f = exp("v=1&data=gauss2&n=100&act=relu&frozen=1&sweep=width&sweep_values=2,20,200");
    let pts = grokpad::sweep::frozen::fit_all(&f).unwrap();
    let c = from_frozen(&f, &pts);
    assert_eq!(c.test.len(), 3);
    assert!(c.heat.is_none() && c.log_x);
    assert_eq!(c.threshold, Some(49.0));
    let f2 =
        exp("v=1&data=gauss2&n=100&act=relu&frozen=1&sweep=width&sweep_values=2,20,200&sweep2=n&sweep2_values=60,100");
    let pts = grokpad::sweep::frozen::fit_all(&f2).unwrap();
    let h = from_frozen(&f2, &pts).heat.unwrap();
    assert_eq!((h.x.len(), h.y.len()), (3, 2));
    // z[j * nx + i] is point i * n2 + j (value-major).
    assert_eq!(h.z[3], pts[1].fit.test_loss as f64);
    assert_eq!(h.z[1 + 3], pts[3].fit.test_loss as f64);
}
