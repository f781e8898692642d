use super::*;
use crate::experiment::url::decode;
use crate::train::Session;
use crate::ui::kanrun::KanVsMlp;

fn exp(q: &str) -> Experiment {
    let d = decode(q);
    assert!(d.notices.is_empty(), "{q}: {:?}", d.notices);
    d.experiment
}

#[test]
fn width_matching_picks_the_closest_count() {
    // count(w) = 4w + 1 (a [2, w, 1] MLP): 157 is w = 39 exactly; 159 is nearer 39 than 40.
    let count = |w: usize| 4 * w + 1;
    assert_eq!(match_width(157, count), 39);
    assert_eq!(match_width(159, count), 39);
    assert_eq!(match_width(160, count), 40);
    assert_eq!(match_width(0, count), 1);
    assert_eq!(match_width(usize::MAX, count), MAX_WIDTH);
    // A quadratic count (two hidden layers): w² + 5w + 1.
    let two = |w: usize| w * w + 5 * w + 1;
    let w = match_width(1000, two);
    assert!((1..=MAX_WIDTH).all(|v| 1000usize.abs_diff(two(w)) <= 1000usize.abs_diff(two(v))), "{w}");
}

#[test]
fn the_hello_kan_shape_is_matched_by_a_39_wide_mlp() {
    // [2,5,1], G = 5, k = 3: 156 trainable parameters (tests/kan_cli.rs); [2,39,1]: 157.
    let e = exp("v=1&data=fn&fn=expsin&model=kan&layers=5&grid=5");
    assert_eq!(kan_params(&e, 5), 156);
    let m = matched_mlp(&e, 156);
    assert_eq!((m.model, m.layers.clone(), mlp_params(&m)), (Model::Mlp, vec![39], 157));
    // Same data, optimizer, rate, steps; a single model; no KAN keys that matter.
    assert_eq!((m.data, m.func, m.opt, m.lr, m.steps, m.seeds), (e.data, e.func, e.opt, e.lr, e.steps, 1));
    // Two hidden KAN layers give an MLP of two hidden layers.
    let deep = exp("v=1&data=fn&fn=nested4&model=kan&layers=2,1");
    let target = kan_params(&deep, deep.grid);
    let m = matched_mlp(&deep, target);
    assert_eq!(m.layers.len(), 2);
    let w = m.layers[0] as usize;
    let p = |w: usize| mlp_params(&mlp_exp(&deep, 2, w));
    assert!(target.abs_diff(p(w)) <= target.abs_diff(p(w + 1)) && target.abs_diff(p(w)) <= target.abs_diff(p(w - 1)));
}

#[test]
fn the_plan_pairs_the_link_with_its_mlp_then_scales_the_grid() {
    let e = exp("v=1&data=fn&fn=j0&model=kan&layers=5&grid=5&steps=3000&seeds=4");
    let p = plan(&e);
    assert_eq!(p.len(), 2 + 2 * (GRIDS.len() - 1), "G = 5 is the link's own");
    assert_eq!((p[0].arch, p[1].arch, p[0].pair, p[1].pair), (Arch::Kan, Arch::Mlp, true, true));
    assert_eq!(p[0].label, "KAN [1,5,1] G=5");
    assert!(p[1].label.starts_with("MLP [1,"), "{}", p[1].label);
    assert!(p.iter().all(|s| s.exp.seeds == 1 && s.exp.steps == 3000));
    for pair in p.chunks(2) {
        assert_eq!((pair[0].arch, pair[1].arch), (Arch::Kan, Arch::Mlp));
        // Within one width step of the KAN: [1, w, 1] has 3w + 1 parameters.
        assert!(pair[0].params.abs_diff(pair[1].params) <= 2, "{} vs {}", pair[0].label, pair[1].label);
    }
    let grids: Vec<u32> = p.iter().filter(|s| s.arch == Arch::Kan).map(|s| s.exp.grid).collect();
    assert_eq!(grids, vec![5, 3, 10, 20, 50]);
    let sizes: Vec<usize> = p.iter().filter(|s| s.arch == Arch::Kan && !s.pair).map(|s| s.params).collect();
    assert!(sizes.windows(2).all(|w| w[0] < w[1]), "{sizes:?}");
    // A refined KAN is matched at its largest grid, and its own grid is still scaled.
    let r = exp("v=1&data=fn&model=kan&layers=5&grid=3&refine=1000:10");
    let p = plan(&r);
    assert_eq!(p[0].params, kan_params(&r, 10));
    assert_eq!(p[0].label, "KAN [2,5,1] G=3→10");
    assert_eq!(p.len(), 2 + 2 * GRIDS.len());
    assert!(p.iter().skip(2).all(|s| s.exp.refine.is_empty()));
    // The hello-kan preset's snaps and pruning are left out of the comparison.
    let hello = exp(&format!("#{}", crate::experiment::presets::find("hello-kan").unwrap().url));
    assert!(!hello.snap.is_empty() && !hello.kprune.is_empty());
    assert!(plan(&hello).iter().all(|s| s.exp.snap.is_empty() && s.exp.kprune.is_empty()));
    // An MLP link compares nothing.
    assert!(plan(&exp("v=1&data=fn")).is_empty());
    // Long links are compared over their first MAX_STEPS.
    let long = exp(&format!("v=1&data=fn&model=kan&steps={}", MAX_STEPS * 2));
    assert_eq!(plan(&long)[0].exp.steps, MAX_STEPS);
}

#[test]
fn the_driver_trains_every_run_and_records_the_metric() {
    let e = exp("v=1&data=fn&fn=expsin&model=kan&layers=3&grid=5&opt=adam&lr=0.01&steps=120&n=200");
    let mut c = KanVsMlp::new(&e);
    assert_eq!(c.runs.len(), 2 + 2 * (GRIDS.len() - 1));
    assert_eq!(c.every, 2);
    let mut make = cpu_backend;
    // Small pieces: the pair advances together.
    for _ in 0..40 {
        c.pump(7, &mut make);
        let (a, b) = (c.runs[0].step(), c.runs[1].step());
        assert!(a.abs_diff(b) <= 7, "{a} vs {b}");
    }
    c.run_blocking(&mut make);
    assert!(c.finished());
    assert_eq!(c.progress(), (c.runs.len(), c.runs.len()));
    for r in &c.runs {
        assert!(r.error.is_none(), "{}: {:?}", r.spec.label, r.error);
        assert_eq!(r.curve.len() as u64, 120 / 2 + 1, "{}", r.spec.label);
        assert_eq!((r.curve[0].0, r.curve.last().unwrap().0), (0.0, 120.0));
        assert!(r.curve.iter().all(|p| p.1.is_finite() && p.1 >= 0.0));
    }
    // The KAN run equals the link's own run: same final RMSE as a plain session.
    let mut s = Session::new(e.clone(), cpu_backend(&e).unwrap().0, cpu_backend(&e).unwrap().1, 0);
    let snap = s.run_blocking(120, 60).unwrap();
    assert_eq!(c.runs[0].last(), Some(Metric::Rmse.value(&snap)));
    assert!(Metric::Rmse.value(&snap) < c.runs[0].curve[0].1, "the KAN learns");
    let kan = c.scaling(Arch::Kan);
    let mlp = c.scaling(Arch::Mlp);
    assert_eq!((kan.len(), mlp.len()), (GRIDS.len(), GRIDS.len()));
    assert!(kan.windows(2).all(|w| w[0].0 < w[1].0));
    // RMSE is √(2·loss) of model 0's test loss.
    let v = Metric::Rmse.value(&snap);
    assert!((v * v / 2.0 - snap.test[0].loss as f64).abs() < 1e-6);
}

#[test]
fn classification_compares_test_error_and_failures_are_kept() {
    let e = exp("v=1&data=spiral&model=kan&layers=4&loss=ce&steps=20&n=100");
    let mut c = KanVsMlp::new(&e);
    assert_eq!(c.metric, Metric::Error);
    let mut calls = 0;
    let mut failing = |x: &Experiment| {
        calls += 1;
        if x.model == Model::Mlp {
            Err("no GPU".to_string())
        } else {
            cpu_backend(x)
        }
    };
    c.run_blocking(&mut failing);
    assert!(c.finished());
    assert!(calls >= c.runs.len());
    for r in &c.runs {
        match r.spec.arch {
            Arch::Mlp => assert_eq!(r.error.as_deref(), Some("no GPU")),
            Arch::Kan => assert!(r.error.is_none() && r.last().is_some_and(|v| (0.0..=1.0).contains(&v))),
        }
    }
    assert!(c.scaling(Arch::Mlp).is_empty());
}
