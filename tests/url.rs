//! The share-URL codec (`experiment::url`): round trips, hostile input, key documentation.
#![cfg(not(target_arch = "wasm32"))]

use grokpad::core::kan::Basis;
use grokpad::experiment::{limits, types::*, url::*, Experiment, SweepAxis};
use proptest::prelude::*;

/// Decodes `input`, expecting exactly one notice, about `key`.
fn one(input: &str, key: &str) -> (Experiment, Notice) {
    let d = decode(input);
    assert_eq!(d.notices.len(), 1, "{input}: {:?}", d.notices);
    let n = d.notices[0].clone();
    assert_eq!(n.key, key, "{input}: {n}");
    (d.experiment, n)
}

fn clean(input: &str) -> Experiment {
    let d = decode(input);
    assert!(d.notices.is_empty(), "{input}: {:?}", d.notices);
    d.experiment
}

/// An experiment that differs from the default in every field.
fn all_changed() -> Experiment {
    Experiment {
        seed: 42,
        data: Dataset::Moons,
        n: 1000,
        train: 0.8,
        noise: 25.0,
        classes: 4,
        dim: 20,
        flip: 0.2,
        labels: Labels::Random,
        freqs: vec![2.0, 5.5],
        pts: vec![Point { x: 1.25, y: -3.5, v: 1.0 }, Point { x: 0.0, y: 6.0, v: 0.0 }],
        features: vec![Feature::X, Feature::Y, Feature::Xy, Feature::Sinx],
        rff: 16,
        rff_scale: 3.0,
        layers: vec![8, 8, 3],
        act: vec![Activation::Gelu],
        w0: 30.0,
        resid: true,
        hourglass: 4,
        loss: Loss::Ce,
        opt: Optimizer::Momentum,
        lr: 0.001,
        momentum: 0.8,
        nesterov: true,
        beta1: 0.5,
        beta2: 0.98,
        sched: Schedule::Cosine,
        warmup: 50,
        decay_every: 300,
        decay: 0.1,
        bs: 32,
        clip: 1.5,
        l1: 0.001,
        l2: 0.01,
        wd: 0.5,
        dropout: 0.2,
        smooth: 0.1,
        gnoise: 0.01,
        init: Init::Mup,
        alpha: 3.0,
        base: 16,
        seeds: 8,
        steps: 5000,
        backend: BackendChoice::Cpu,
        show_test: false,
        discretize: true,
        logx: true,
        hide: vec!["lr".into(), "wd".into()],
        wedit: vec![WeightEdit { step: 100, layer: 1, from: 2, to: 3, value: -0.5 }],
        sweep: SweepAxis::Width,
        sweep_values: vec![1.0, 2.0, 4.0],
        sweep2: SweepAxis::Lr,
        sweep2_values: vec![0.01, 0.1],
        frozen: true,
        ridge: 0.5,
        subpops: 100,
        zipf: 2.0,
        score: ScoreKind::El2n,
        score_step: 50,
        prune: 0.3,
        prune_side: PruneSide::Hard,
        p: 31,
        op: ModOp::Cube,
        corrupt: 0.3,
        func: Func::J0,
        model: Model::Kan,
        grid: 10,
        order: 2,
        refine: vec![(100, 20), (300, 50)],
        snap: vec!["10:0:1:0:sin".parse().unwrap(), "20:auto".parse().unwrap()],
        kprune: vec![(15, 0.05)],
        lamb: 0.01,
        lamb_entropy: 5.0,
        d_model: 64,
        heads: 8,
        tfm_layers: 2,
        d_mlp: 0,
        ln: true,
        basis: Basis::Relu,
    }
}

fn keys_of(encoded: &str) -> Vec<String> {
    encoded.split('&').map(|p| p.split('=').next().unwrap().to_string()).collect()
}

fn assert_valid(e: &Experiment) {
    let within = |x: f32, (lo, hi): (f32, f32)| x.is_finite() && lo <= x && x <= hi;
    assert!((limits::N.0..=limits::N.1).contains(&e.n), "{e:?}");
    assert!(within(e.train, limits::TRAIN), "{e:?}");
    assert!(within(e.noise, limits::NOISE), "{e:?}");
    assert!(e.layers.len() <= limits::MAX_LAYERS, "{e:?}");
    assert!(e.layers.iter().all(|w| (limits::WIDTH.0..=limits::WIDTH.1).contains(w)), "{e:?}");
    assert!(within(e.lr, limits::LR), "{e:?}");
    assert!((limits::BS.0..=limits::BS.1).contains(&e.bs), "{e:?}");
    assert!(within(e.l2, limits::L2), "{e:?}");
    assert!((limits::STEPS.0..=limits::STEPS.1).contains(&e.steps), "{e:?}");
    assert!(within(e.ridge, limits::RIDGE) && within(e.zipf, limits::ZIPF) && within(e.prune, limits::PRUNE), "{e:?}");
    assert!((limits::SUBPOPS.0..=limits::SUBPOPS.1).contains(&e.subpops), "{e:?}");
    assert!((limits::SCORE_STEP.0..=limits::SCORE_STEP.1).contains(&e.score_step), "{e:?}");
}

/// The issue-5 keys of a random experiment (applied on top of [`experiment`]).
fn issue5() -> impl Strategy<Value = (bool, f32, u32, f32, ScoreKind, u64, f32, PruneSide)> {
    use prop::sample::select;
    (
        any::<bool>(),
        f32_in(limits::RIDGE),
        limits::SUBPOPS.0..=limits::SUBPOPS.1,
        f32_in(limits::ZIPF),
        select(SCORE.iter().map(|d| d.1).collect::<Vec<_>>()),
        limits::SCORE_STEP.0..=limits::SCORE_STEP.1,
        f32_in(limits::PRUNE),
        select(PRUNE_SIDE.iter().map(|d| d.1).collect::<Vec<_>>()),
    )
}

#[test]
fn default_encodes_to_version_only() {
    assert_eq!(encode(&Experiment::default()), "v=1");
    assert_eq!(clean("v=1"), Experiment::default());
    assert_eq!(clean(""), Experiment::default());
    assert_eq!(clean("#"), Experiment::default());
}

#[test]
fn encodes_only_non_defaults_in_field_order() {
    let e = Experiment { data: Dataset::Xor, layers: vec![8, 8], lr: 0.1, ..Default::default() };
    assert_eq!(encode(&e), "v=1&data=xor&layers=8,8&lr=0.1");
    let e = Experiment { layers: vec![], show_test: false, ..Default::default() };
    assert_eq!(encode(&e), "v=1&layers=&show_test=0");
    let all = encode(&all_changed());
    assert_eq!(
        all,
        "v=1&seed=42&data=moons&n=1000&train=0.8&noise=25&classes=4&dim=20&flip=0.2&labels=random\
         &freqs=2,5.5&pts=1.25,-3.5,1,0,6,0&features=x,y,xy,sinx&rff=16&rff_scale=3&layers=8,8,3&act=gelu\
         &w0=30&resid=1&hourglass=4&loss=ce&opt=momentum&lr=0.001&momentum=0.8&nesterov=1&beta1=0.5\
         &beta2=0.98&sched=cosine&warmup=50&decay_every=300&decay=0.1&bs=32&clip=1.5&l1=0.001&l2=0.01\
         &wd=0.5&dropout=0.2&smooth=0.1&gnoise=0.01&init=mup&alpha=3&base=16&seeds=8&steps=5000\
         &backend=cpu&show_test=0&discretize=1&logx=1&hide=lr,wd&wedit=100:1:2:3:-0.5\
         &sweep=width&sweep_values=1,2,4&sweep2=lr&sweep2_values=0.01,0.1\
         &frozen=1&ridge=0.5&subpops=100&zipf=2\
         &score=el2n&score_step=50&prune=0.3&prune_side=hard\
         &p=31&op=cube&corrupt=0.3&fn=j0\
         &model=kan&grid=10&order=2&refine=100:20,300:50\
         &snap=10:0:1:0:sin,20:auto&kprune=15:0.05&lamb=0.01&lamb_entropy=5\
         &d_model=64&heads=8&tfm_layers=2&d_mlp=0&ln=1&basis=relu"
    );
    assert_eq!(clean(&all), all_changed());
}

#[test]
fn decodes_hash_url_and_query_forms() {
    let want = Experiment { data: Dataset::Xor, layers: vec![8, 8], ..Default::default() };
    for input in [
        "#v=1&data=xor&layers=8,8",
        "v=1&data=xor&layers=8,8",
        "v=1&data=xor&layers=8%2C8",
        "  https://grokpad.example/lab/?utm=ignored&data=gauss#v=1&data=xor&layers=8,8\n",
        "http://h/?v=1&data=xor&layers=8,8",
        "http://h/?v=1&data=xor&layers=8,8#",
        "?data=XOR&layers=8,+8",
    ] {
        assert_eq!(clean(input), want, "{input}");
    }
}

#[test]
fn empty_layers_mean_no_hidden_layer() {
    assert_eq!(clean("v=1&layers=").layers, Vec::<u32>::new());
    assert_eq!(clean("layers").layers, Vec::<u32>::new());
}

#[test]
fn bad_floats_fall_back_or_clamp() {
    for (input, lr, message) in [
        ("lr=NaN", 0.03, "not a finite number, using default 0.03"),
        ("lr=inf", 0.03, "not a finite number, using default 0.03"),
        ("lr=-infinity", 0.03, "not a finite number, using default 0.03"),
        ("lr=abc", 0.03, "not a number, using default 0.03"),
        ("lr=", 0.03, "not a number, using default 0.03"),
        ("lr=1e308", 1000.0, "out of range 0.000001–1000, clamped to 1000"),
        ("lr=-1e308", 1e-6, "out of range 0.000001–1000, clamped to 0.000001"),
        ("lr=0", 1e-6, "out of range 0.000001–1000, clamped to 0.000001"),
    ] {
        let (e, n) = one(input, "lr");
        assert_eq!(e.lr, lr, "{input}");
        assert_eq!(n.message, message, "{input}");
        assert_eq!(e, Experiment { lr, ..Default::default() });
    }
    let (e, n) = one("lr=abc", "lr");
    assert_eq!(n.to_string(), "lr=abc: not a number, using default 0.03");
    assert_eq!(e.lr, 0.03);
    assert_eq!(one("train=50", "train").0.train, 0.9);
    assert_eq!(one("noise=-1", "noise").0.noise, 0.0);
    assert_eq!(one("l2=1e9", "l2").0.l2, 10.0);
    assert_eq!(clean("lr=1e-5").lr, 1e-5);
}

#[test]
fn bad_integers_fall_back_or_clamp() {
    let (e, n) = one("n=-5", "n");
    assert_eq!((e.n, n.value.as_str()), (20, "-5"));
    assert!(n.message.ends_with("clamped to 20"), "{n}");
    let (e, n) = one("n=99999999999", "n");
    assert_eq!(e.n, 10_000);
    assert!(n.message.ends_with("clamped to 10000"), "{n}");
    assert_eq!(one(&format!("n={}", "9".repeat(60)), "n").0.n, 10_000);
    assert_eq!(one("n=2.5", "n").0.n, 500);
    assert_eq!(one("bs=0", "bs").0.bs, 1);
    assert_eq!(one("steps=0", "steps").0.steps, 1);
    assert_eq!(one("steps=1e99", "steps").0.steps, 10_000_000);
    assert_eq!(one("steps=12x", "steps").0.steps, 2000);
    assert_eq!(clean("steps=1e6").steps, 1_000_000);
    assert_eq!(clean("n=+700").n, 700);
}

#[test]
fn seed_is_any_u64() {
    assert_eq!(clean("seed=0").seed, 0);
    assert_eq!(clean("seed=18446744073709551615").seed, u64::MAX);
    for bad in ["seed=-1", "seed=18446744073709551616", "seed=x", "seed=1.5"] {
        assert_eq!(one(bad, "seed").0.seed, 1, "{bad}");
    }
}

#[test]
fn enums_and_flags() {
    let e = clean("data=Spiral&act=SIGMOID&loss=ce&opt=adam&backend=webgpu&show_test=false");
    assert_eq!(
        (e.data, e.act.clone(), e.loss, e.opt, e.backend, e.show_test),
        (Dataset::Spiral, vec![Activation::Sigmoid], Loss::Ce, Optimizer::Adam, BackendChoice::Webgpu, false)
    );
    let (e, n) = one("data=donut", "data");
    assert_eq!(e.data, Dataset::Circle);
    assert!(n.message.starts_with("expected one of circle, xor, gauss, spiral, moons,"), "{}", n.message);
    assert!(n.message.ends_with("custom, mod, digits, fn, using default circle"), "{}", n.message);
    assert!(one("show_test=yes", "show_test").0.show_test);
    let e = clean("data=longtail&classes=2&score=memo&prune_side=random&frozen=1");
    assert_eq!(
        (e.data, e.score, e.prune_side, e.frozen),
        (Dataset::Longtail, ScoreKind::Memo, PruneSide::Random, true)
    );
}

#[test]
fn issue5_keys_clamp_and_default() {
    assert_eq!(one("ridge=-1", "ridge").0.ridge, 0.0);
    assert_eq!(one("subpops=1000", "subpops").0.subpops, limits::SUBPOPS.1);
    assert_eq!(one("subpops=1", "subpops").0.subpops, limits::SUBPOPS.0);
    assert_eq!(one("zipf=9", "zipf").0.zipf, limits::ZIPF.1);
    assert_eq!(one("zipf=nan", "zipf").0.zipf, 1.2);
    assert_eq!(one("score=loss", "score").0.score, ScoreKind::None);
    assert_eq!(one("score_step=0", "score_step").0.score_step, 1);
    assert_eq!(one("prune=0.95", "prune").0.prune, limits::PRUNE.1);
    assert_eq!(one("prune_side=middle", "prune_side").0.prune_side, PruneSide::Easy);
    assert!(!one("frozen=2", "frozen").0.frozen);
}

#[test]
fn layers_are_truncated_clamped_or_defaulted() {
    let (e, n) = one("layers=1,2,3,4,5,6,7,8,9,10", "layers");
    assert_eq!(e.layers, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert_eq!(n.message, "more than 8 layers, using 1,2,3,4,5,6,7,8");
    let (e, n) = one("layers=5000", "layers");
    assert_eq!(e.layers, [1024]);
    assert_eq!(n.message, "widths out of range 1–1024, using 1024");
    let (e, n) = one("layers=0,3,2,2,2,2,2,2,2", "layers");
    assert_eq!(e.layers, [1, 3, 2, 2, 2, 2, 2, 2]);
    assert!(n.message.contains(" and "), "{n}");
    for bad in ["layers=a,b", "layers=8,,8", "layers=8,", "layers=8,x", "layers=1.5"] {
        let (e, n) = one(bad, "layers");
        assert_eq!(e.layers, [4, 2], "{bad}");
        assert_eq!(n.message, "widths must be whole numbers, using default 4,2");
    }
}

#[test]
fn duplicates_unknown_keys_and_empty_pairs() {
    let (e, n) = one("lr=0.1&data=xor&lr=0.2", "lr");
    assert_eq!((e.lr, e.data), (0.2, Dataset::Xor));
    assert_eq!(n.value, "0.1");
    // A bad earlier value is overridden silently apart from the duplicate notice.
    assert_eq!(one("lr=zzz&lr=0.5", "lr").0.lr, 0.5);

    let (e, n) = one("v=1&<script>alert(1)</script>=1", "<script>alert(1)</script>");
    assert_eq!((e, n.value.as_str()), (Experiment::default(), "1"));
    assert_eq!(n.message, "unknown key, ignored");

    assert_eq!(clean("&&v=1&&&data=xor&&"), clean("data=xor"));
}

#[test]
fn versions() {
    assert_eq!(clean("data=xor").data, Dataset::Xor);
    let (e, n) = one("v=2&data=xor", "v");
    assert_eq!(e.data, Dataset::Xor);
    assert!(n.message.contains("newer version"), "{n}");
    for bad in ["v=abc", "v=0", "v=-1", "v="] {
        let (e, n) = one(&format!("{bad}&data=xor"), "v");
        assert_eq!(e.data, Dataset::Xor);
        assert_eq!(n.message, "not a valid version, read as v=1", "{bad}");
    }
}

#[test]
fn notices_are_capped_and_safe_to_show() {
    let many: String = (0..120).map(|i| format!("k{i}=1&")).collect();
    let d = decode(&many);
    assert_eq!(d.notices.len(), 51);
    assert_eq!(d.notices[50].to_string(), "… and 70 more");

    let long = format!("lr={}", "é".repeat(100));
    let (_, n) = one(&long, "lr");
    assert_eq!(n.value.chars().count(), 65);
    assert!(n.value.ends_with('…'));

    let (_, n) = one("lr=a%00b%1B[31m%E2%80%AEc%0A", "lr");
    assert_eq!(n.value, "a\\u{0}b\\u{1b}[31m\\u{202e}c\\u{a}");
    let (_, n) = one("x%FF%FE=1", "x\u{fffd}\u{fffd}");
    assert_eq!(n.value, "1");
}

#[test]
fn megabyte_inputs_return() {
    let mb = 1 << 20;
    let inputs = [
        "&".repeat(mb),
        "%".repeat(mb),
        "%FF".repeat(mb / 3),
        "a=b&".repeat(mb / 4),
        "lr=0.1&".repeat(mb / 7),
        format!("layers={}", "1,".repeat(mb / 2)),
        format!("layers={}x", "9".repeat(mb)),
        format!("lr=1{}", "0".repeat(mb)),
        format!("lr=0.{}1", "0".repeat(mb)),
        format!("n={}", "9".repeat(mb)),
        format!("seed=-{}", "9".repeat(mb)),
        "#".repeat(mb),
        "=".repeat(mb),
        "\u{202e}".repeat(mb / 3),
    ];
    for input in &inputs {
        let t = std::time::Instant::now();
        let d = decode(input);
        assert_valid(&d.experiment);
        assert!(d.notices.len() <= 51);
        let head: String = input.chars().take(12).collect();
        println!("{:>8} bytes {head:?}: {:?}", input.len(), t.elapsed());
    }
}

#[test]
fn keys_cover_exactly_what_encode_emits() {
    let documented: Vec<&str> = KEYS.iter().map(|k| k.key).collect();
    assert_eq!(keys_of(&encode(&all_changed())), documented);
    for k in &KEYS[1..] {
        let d = decode(&format!("v=1&{}={}", k.key, k.default));
        assert!(d.notices.is_empty(), "{}: {:?}", k.key, d.notices);
        assert_eq!(d.experiment, Experiment::default(), "{}", k.key);
    }
    // Starting from an experiment where every field differs, writing a key's documented
    // default resets just that field, so encode drops just that key.
    let base = encode(&all_changed());
    // The sweep keys are coupled (values need their axis: `sweep_keys_are_coupled_and_capped`).
    for k in KEYS[1..].iter().filter(|k| !k.key.starts_with("sweep")) {
        let prefix = format!("{}=", k.key);
        let without: Vec<&str> = base.split('&').filter(|p| !p.starts_with(&prefix)).collect();
        let without = without.join("&");
        assert_eq!(without.len() + 1, base.len() - base.split('&').find(|p| p.starts_with(&prefix)).unwrap().len());
        assert_eq!(encode(&clean(&format!("{without}&{}={}", k.key, k.default))), without);
    }
}

#[test]
fn sweep_keys_are_coupled_and_capped() {
    let (e, n) = one("v=1&sweep=width&sweep_values=1,x,0,2.5,4,2048,8", "sweep_values");
    assert_eq!((e.sweep, e.sweep_values.clone()), (SweepAxis::Width, vec![1.0, 4.0, 8.0]));
    assert!(n.message.contains("4 entries"), "{n}");
    let (e, n) = one("v=1&sweep=train&sweep_values=0.05,0.2,0.5,1", "sweep_values");
    assert_eq!(e.sweep_values, vec![0.2, 0.5]);
    assert!(n.message.contains("2 entries"), "{n}");
    let (e, _) = one("v=1&sweep=lr", "sweep");
    assert_eq!(e, Experiment::default());
    let d = decode("v=1&sweep=width&sweep_values=x");
    let keys: Vec<&str> = d.notices.iter().map(|n| n.key.as_str()).collect();
    assert_eq!((d.experiment, keys), (Experiment::default(), vec!["sweep_values", "sweep"]));
    let (e, _) = one("v=1&sweep_values=1,2", "sweep_values");
    assert_eq!(e, Experiment::default());
    let (e, _) = one("v=1&sweep2=wd&sweep2_values=0.1", "sweep2");
    assert_eq!(e, Experiment::default());
    let (e, _) = one("v=1&sweep=wd&sweep_values=0.1&sweep2=wd&sweep2_values=0.2", "sweep2");
    assert_eq!((e.sweep, e.sweep2, e.sweep2_values.len()), (SweepAxis::Wd, SweepAxis::None, 0));
    let d = decode("v=1&sweep=height&sweep_values=1");
    let keys: Vec<&str> = d.notices.iter().map(|n| n.key.as_str()).collect();
    assert_eq!((d.experiment, keys), (Experiment::default(), vec!["sweep", "sweep_values"]));
    // Seeds exactly as integers up to 2^53.
    let e = clean("v=1&sweep=seed&sweep_values=0,9007199254740991");
    assert_eq!(e.sweep_values, vec![0.0, 9_007_199_254_740_991.0]);
    // 128 values at most; 256 models at most (values × values2 × seeds), second axis cut first.
    let many: Vec<String> = (1..=200).map(|w| w.to_string()).collect();
    let (e, n) = one(&format!("v=1&sweep=width&sweep_values={}", many.join(",")), "sweep_values");
    assert_eq!(e.sweep_values.len(), 128);
    assert!(n.message.contains("more than 128"), "{n}");
    let d = decode("v=1&seeds=4&sweep=width&sweep_values=1,2,4,8,16,32,64,128&sweep2=wd&sweep2_values=0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9");
    let e = d.experiment;
    assert_eq!((e.sweep_values.len(), e.sweep2_values.len()), (8, 8));
    assert_eq!(d.notices.len(), 1, "{:?}", d.notices);
    assert_eq!(d.notices[0].key, "sweep2_values");
    let d = decode(&format!("v=1&seeds=4&sweep=alpha&sweep_values={}", many[..100].join(",")));
    assert_eq!(d.experiment.sweep_values.len(), 64, "{:?}", d.notices);
    // A valid sweep round-trips.
    let e = clean("v=1&sweep=lr&sweep_values=0.001,0.01,0.1,1&sweep2=alpha&sweep2_values=0.5,2");
    assert_eq!(encode(&e), "v=1&sweep=lr&sweep_values=0.001,0.01,0.1,1&sweep2=alpha&sweep2_values=0.5,2");
    assert_eq!(clean(&encode(&e)), e);
}

#[test]
fn key_ranges_match_limits() {
    let range = |key: &str| KEYS.iter().find(|k| k.key == key).unwrap().range;
    assert_eq!(range("seed"), format!("0–{}", u64::MAX));
    assert_eq!(range("n"), format!("{}–{}", limits::N.0, limits::N.1));
    assert_eq!(range("ridge"), format!("{}–{}", limits::RIDGE.0, limits::RIDGE.1));
    assert_eq!(range("subpops"), format!("{}–{}", limits::SUBPOPS.0, limits::SUBPOPS.1));
    assert_eq!(range("zipf"), format!("{}–{}", limits::ZIPF.0, limits::ZIPF.1));
    assert_eq!(range("score_step"), format!("{}–{}", limits::SCORE_STEP.0, limits::SCORE_STEP.1));
    assert_eq!(range("prune"), format!("{}–{}", limits::PRUNE.0, limits::PRUNE.1));
    assert_eq!(range("train"), format!("{}–{}", limits::TRAIN.0, limits::TRAIN.1));
    assert_eq!(range("noise"), format!("{}–{}", limits::NOISE.0, limits::NOISE.1));
    assert_eq!(range("lr"), format!("{}–{}", limits::LR.0, limits::LR.1));
    assert_eq!(range("bs"), format!("{}–{}", limits::BS.0, limits::BS.1));
    assert_eq!(range("l2"), format!("{}–{}", limits::L2.0, limits::L2.1));
    assert_eq!(range("steps"), format!("{}–{}", limits::STEPS.0, limits::STEPS.1));
    let layers = format!("up to {} widths of {}–{}", limits::MAX_LAYERS, limits::WIDTH.0, limits::WIDTH.1);
    assert_eq!(range("layers"), layers);
}

#[test]
fn markdown_table_has_a_row_per_key() {
    let md = keys_markdown();
    let lines: Vec<&str> = md.lines().collect();
    assert_eq!(lines[0], "| key | range | default | meaning |");
    assert_eq!(lines.len(), KEYS.len() + 2);
    assert!(lines.contains(&"| `lr` | 0.000001–1000 | `0.03` | Learning rate. |"), "{md}");
}

/// An f32 in `[lo, hi]`, biased towards awkward values: the bounds, their neighbours,
/// values a few ulps off round decimals, and log-uniform magnitudes.
fn f32_in((lo, hi): (f32, f32)) -> impl Strategy<Value = f32> {
    let nudge =
        move |x: f32, d: i64| f32::from_bits((i64::from(x.to_bits()) + d).clamp(0, 0x7f7f_ffff) as u32).clamp(lo, hi);
    let decimals = [0.1f32, 0.3, 0.5, 0.9, 1e-6, 1e-5, 0.001, 0.03, 1.0, 3.0, 25.0, 50.0, 999.9];
    prop_oneof![
        lo..=hi,
        Just(lo),
        Just(hi),
        (prop::sample::select(decimals.to_vec()), -3i64..=3).prop_map(move |(x, d)| nudge(x, d)),
        (-7.0f64..3.5).prop_map(move |p| (10f64.powf(p) as f32).clamp(lo, hi)),
        (lo..=hi, -2i64..=2).prop_map(move |(x, d)| nudge(x, d)),
    ]
}

fn experiment() -> impl Strategy<Value = Experiment> {
    use prop::sample::select;
    let datasets = grokpad::experiment::types::DATA.iter().map(|d| d.1).collect::<Vec<_>>();
    let acts = grokpad::experiment::types::ACT.iter().map(|d| d.1).collect::<Vec<_>>();
    let a = (
        any::<u64>(),
        select(datasets),
        limits::N.0..=limits::N.1,
        f32_in(limits::TRAIN),
        f32_in(limits::NOISE),
        prop::collection::vec(limits::WIDTH.0..=limits::WIDTH.1, 0..=limits::MAX_LAYERS),
        prop::collection::vec(select(acts), 1..=limits::MAX_LAYERS),
        select(vec![Loss::Mse, Loss::Ce, Loss::MseOnehot]),
    );
    let b = (
        select(grokpad::experiment::types::OPT.iter().map(|d| d.1).collect::<Vec<_>>()),
        f32_in(limits::LR),
        limits::BS.0..=limits::BS.1,
        f32_in(limits::L2),
        f32_in(limits::WD),
        limits::STEPS.0..=limits::STEPS.1,
        select(vec![BackendChoice::Auto, BackendChoice::Webgpu, BackendChoice::Cpu]),
        any::<bool>(),
    );
    let pt = (-600i32..=600, -600i32..=600, 0u8..5).prop_map(|(x, y, v)| Point {
        x: x as f32 / 100.0,
        y: y as f32 / 100.0,
        v: v as f32,
    });
    let c = (
        (limits::CLASSES.0..=limits::CLASSES.1, limits::DIM.0..=limits::DIM.1, f32_in(limits::FLIP)),
        prop::collection::vec(f32_in(limits::FREQ), 1..=limits::MAX_FREQS),
        prop::collection::vec(pt, 0..20),
        (
            prop::sample::subsequence(vec![Feature::Y, Feature::X2, Feature::Y2, Feature::Xy, Feature::Siny], 0..=5),
            0..=64u32,
        ),
        (f32_in(limits::W0), any::<bool>(), 0..=64u32, f32_in(limits::MOMENTUM), f32_in(limits::BETA2)),
        (f32_in(limits::CLIP), f32_in(limits::DROPOUT), f32_in(limits::SMOOTH), f32_in(limits::ALPHA)),
        (limits::SEEDS.0..=limits::SEEDS.1, any::<bool>(), prop::sample::subsequence(vec!["lr", "wd", "data"], 0..=3)),
        prop::collection::vec(
            (0..=limits::STEPS.1, 1..=9u32, 1..=64u32, 1..=64u32, f32_in((-limits::WEDIT_VALUE, limits::WEDIT_VALUE)))
                .prop_map(|(step, layer, from, to, value)| WeightEdit { step, layer, from, to, value }),
            0..=4,
        ),
        (
            select(vec![5u32, 7, 23, 31, 67, 97, 113, 251]),
            select(grokpad::experiment::types::OP.iter().map(|d| d.1).collect::<Vec<_>>()),
            f32_in(limits::CORRUPT),
        ),
    );
    (a, b, c).prop_map(
        |(
            (seed, data, n, train, noise, layers, act, loss),
            (opt, lr, bs, l2, wd, steps, backend, show_test),
            (
                (classes, dim, flip),
                freqs,
                pts,
                (more, rff),
                (w0, resid, hourglass, momentum, beta2),
                (clip, dropout, smooth, alpha),
                (seeds, logx, hide),
                mut wedit,
                (p, op, corrupt),
            ),
        )| {
            wedit.sort_by_key(|w| w.step);
            let mut features = vec![Feature::X];
            features.extend(more);
            let mut e = Experiment {
                seed,
                data,
                n,
                train,
                noise,
                classes,
                dim,
                flip,
                freqs,
                pts,
                features,
                rff,
                layers,
                act,
                w0,
                resid,
                hourglass,
                loss,
                opt,
                lr,
                momentum,
                beta2,
                bs,
                clip,
                l2,
                wd,
                dropout,
                smooth,
                alpha,
                seeds,
                steps,
                backend,
                show_test,
                logx,
                hide: hide.into_iter().map(String::from).collect(),
                wedit,
                p,
                op,
                corrupt,
                ..Default::default()
            };
            // The grokking datasets corrupt with `corrupt`, the others with `flip`; only `mod`
            // trains on less than a tenth; digits has at most 1200 training images.
            if e.data.is_vector() {
                e.flip = 0.0;
            }
            if e.data != Dataset::Mod {
                e.train = e.train.max(limits::TRAIN_PLAYGROUND_MIN);
            }
            if e.data == Dataset::Digits {
                e.n = e.n.min(1200);
            }
            // A consistent experiment (the codec reports the cross-key conflicts).
            if e.is_regression() {
                (e.flip, e.loss) = (0.0, Loss::Mse);
            } else if e.classes_out() > 2 && e.loss == Loss::Mse {
                e.loss = Loss::Ce;
            }
            if e.act.len() != e.layers.len() {
                e.act.truncate(1);
            }
            if e.data == Dataset::Custom && e.pts.len() < 4 {
                e.data = Dataset::Moons;
            }
            // A width sweep over the generated widths (within the model cap).
            if logx && !e.layers.is_empty() {
                e.sweep = SweepAxis::Width;
                let cap = 256 / e.seeds.max(1) as usize;
                e.sweep_values = e.layers.iter().map(|&w| w as f64).take(cap.max(1)).collect();
            }
            e
        },
    )
}

/// URL-ish noise: keys, separators, percent escapes, signs, exponents, control characters.
fn hostile() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "v",
        "seed",
        "data",
        "n",
        "train",
        "noise",
        "layers",
        "act",
        "lr",
        "bs",
        "l2",
        "steps",
        "show_test",
        "=",
        "&",
        "#",
        "?",
        ",",
        "%",
        "%2",
        "%2C",
        "%00",
        "%FF",
        "%E2%80%AE",
        "+",
        "-",
        ".",
        "e",
        "1",
        "9",
        "0",
        "NaN",
        "inf",
        "xor",
        "\u{0}",
        "\u{1b}",
        "é",
        "🦀",
        " ",
    ]);
    prop::collection::vec(atoms, 0..80).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn valid_experiments_round_trip(e in experiment(), x in issue5()) {
        let mut e = e;
        (e.frozen, e.ridge, e.subpops, e.zipf, e.score, e.score_step, e.prune, e.prune_side) = x;
        let enc = encode(&e);
        prop_assert!(enc.starts_with("v=1"));
        let d = decode(&enc);
        prop_assert!(d.notices.is_empty(), "{enc}: {:?}", d.notices);
        prop_assert_eq!(&d.experiment, &e, "{}", enc);
        prop_assert_eq!(decode(&format!("https://x.example/?q=1#{enc}")).experiment, e.clone());
        prop_assert_eq!(decode(&format!("http://h/?{enc}")).experiment, e);
    }

    #[test]
    fn any_string_decodes_to_a_valid_stable_experiment(s in prop_oneof![any::<String>(), hostile()]) {
        let d = decode(&s);
        assert_valid(&d.experiment);
        prop_assert!(d.notices.len() <= 51);
        for n in &d.notices {
            prop_assert!(n.value.chars().count() <= 65 && n.key.chars().count() <= 65);
            prop_assert!(!n.to_string().chars().any(char::is_control), "{:?}", n);
        }
        // Decoding is idempotent: the result re-encodes to a clean link for the same experiment.
        let again = decode(&encode(&d.experiment));
        prop_assert!(again.notices.is_empty());
        prop_assert_eq!(again.experiment, d.experiment);
    }

    #[test]
    fn garbage_values_are_reported(i in 0..KEYS.len(), junk in "[!*~@;:]\\PC{0,40}") {
        let key = KEYS[i].key;
        let input = form_urlencoded::Serializer::new(String::new()).append_pair(key, &junk).finish();
        let d = decode(&input);
        prop_assert!(d.notices.iter().any(|n| n.key == key), "{input}: {:?}", d.notices);
    }

    #[test]
    fn unknown_keys_are_reported(key in "[a-z_]{1,12}", value in "\\PC{0,20}") {
        prop_assume!(KEYS.iter().all(|k| k.key != key));
        let input = form_urlencoded::Serializer::new(String::new()).append_pair(&key, &value).finish();
        let d = decode(&input);
        prop_assert_eq!(d.notices.len(), 1);
        prop_assert_eq!(&d.notices[0].key, &key);
        prop_assert_eq!(d.experiment, Experiment::default());
    }
}

#[test]
fn list_keys_and_cross_key_rules() {
    let e = clean("layers=4,4&act=relu,sin");
    assert_eq!(e.act, vec![Activation::Relu, Activation::Sin]);
    assert_eq!((e.act_of(0), e.act_of(1), e.act_of(2)), (Activation::Relu, Activation::Sin, Activation::Sin));
    let (e, n) = one("layers=4&act=relu,sin", "act");
    assert_eq!(e.act.len(), 2);
    assert!(n.message.contains("2 activations for 1 hidden layers"), "{}", n.message);
    // Features: deduplicated silently, order kept; inputs count RFF pairs; 1-D data drops y.
    let e = clean("features=xy,x,xy&rff=3");
    assert_eq!((e.features.clone(), e.inputs()), (vec![Feature::Xy, Feature::X], 8));
    let e = clean("data=sines&features=x,y,x2");
    assert_eq!(e.inputs(), 2);
    let (e, n) = one("data=sines&features=y", "features");
    assert_eq!(
        (e.features.clone(), n.message.as_str()),
        (vec![Feature::X, Feature::Y], "1-D data needs a feature of x, adding x")
    );
    // Points: quantized to 0.01, clamped, capped; regression rules; classes and outputs.
    let e = clean("data=custom&loss=ce&pts=1.234,-2,1,0,0,0,1,1,2,3,3,0");
    assert_eq!((e.pts.len(), e.pts[0].x, e.classes_out(), e.outputs()), (4, 1.23, 3, 3));
    assert!(one("pts=9,0,1", "pts").1.message.contains("clamped"));
    let many = vec!["1,1,0"; 301].join(",");
    assert_eq!(one(&format!("pts={many}"), "pts").0.pts.len(), 300);
    assert!(one("data=plane&loss=ce", "loss").1.message.contains("regression"));
    assert_eq!(clean("data=plane").outputs(), 1);
    let (e, n) = one("data=rings&classes=5", "loss");
    assert_eq!((e.outputs(), e.uses_ce()), (5, true));
    assert!(n.message.contains("cross-entropy"));
    assert_eq!(clean("data=xorclusters&dim=50").widths(), vec![50, 4, 2, 1]);
    assert_eq!(one("hide=lr,bogus", "hide").0.hide, vec!["lr".to_string()]);
    assert_eq!(one("freqs=1,100", "freqs").0.freqs, vec![1.0, 64.0]);
    // Hand-set weights: step:layer:from:to:value, indices from 1, sorted by step, value clamped.
    let e = clean("wedit=10:1:1:1:-2,50:2:1%3A3:0.25");
    assert_eq!(
        e.wedit,
        vec![
            WeightEdit { step: 10, layer: 1, from: 1, to: 1, value: -2.0 },
            WeightEdit { step: 50, layer: 2, from: 1, to: 3, value: 0.25 }
        ]
    );
    assert_eq!(encode(&e), "v=1&wedit=10:1:1:1:-2,50:2:1:3:0.25");
    let (e, n) = one("wedit=5:0:1:1:1,5:1:1:1:nan,5:1:1,x,7:1:1:1:2", "wedit");
    assert_eq!(e.wedit, vec![WeightEdit { step: 7, layer: 1, from: 1, to: 1, value: 2.0 }]);
    assert!(n.message.contains("not step:layer:from:to:value"), "{}", n.message);
    let (e, n) = one("wedit=5:1:1:1:1e9", "wedit");
    assert_eq!(e.wedit[0].value, limits::WEDIT_VALUE);
    assert!(n.message.contains("clamped"), "{}", n.message);
    let many = vec!["1:1:1:1:1"; limits::MAX_WEDITS + 3].join(",");
    let (e, n) = one(&format!("wedit={many}"), "wedit");
    assert_eq!(e.wedit.len(), limits::MAX_WEDITS);
    assert!(n.message.contains("keeping the first"), "{}", n.message);
    assert!(one("wedit=3:1:1:1:1,1:1:1:1:1", "wedit").1.message.contains("sorted"));
}

#[test]
fn grokking_data_keys() {
    // data=mod: p moves to the nearest prime; train may go down to 0.05; inputs 2p, p classes.
    let e = clean("data=mod&p=31&op=div&train=0.05&corrupt=0.3");
    assert_eq!((e.p, e.op, e.train, e.corrupt), (31, ModOp::Div, 0.05, 0.3));
    assert_eq!((e.inputs(), e.outputs(), e.uses_ce(), e.n_train() + e.n_test()), (62, 31, true, 31 * 30));
    assert_eq!(e.widths(), vec![62, 4, 2, 31]);
    let (e, n) = one("data=mod&p=24", "p");
    assert_eq!((e.p, n.message.as_str()), (23, "not a prime, using the nearest prime 23"));
    assert_eq!(one("data=mod&p=1000", "p").0.p, 251);
    assert_eq!(one("data=mod&op=pow", "op").0.op, ModOp::Add);
    // Only mod trains on less than a tenth; corruption of mod/digits is `corrupt`, not `flip`.
    assert_eq!(one("data=circle&train=0.05", "train").0.train, 0.1);
    let (e, n) = one("data=mod&flip=0.2", "flip");
    assert!((e.flip == 0.0) && n.message.contains("corrupt"), "{}", n.message);
    assert_eq!(one("data=mod&corrupt=0.95", "corrupt").0.corrupt, 0.9);
    // digits: n training images (at most 1200), 64 inputs, 10 classes, 597 test images.
    let e = clean("data=digits&n=1000");
    assert_eq!((e.n_train(), e.n_test(), e.inputs(), e.outputs()), (1000, 597, 64, 10));
    assert_eq!(one("data=digits&n=5000", "n").0.n, 1200);
    assert_eq!(clean("data=circle&n=5000").n, 5000);
}

#[test]
fn kan_function_key() {
    let e = clean("data=fn&fn=nested4");
    assert_eq!((e.data, e.func, e.inputs(), e.widths()), (Dataset::Fn, Func::Nested4, 4, vec![4, 4, 2, 1]));
    assert!(e.is_regression());
    assert_eq!(clean("data=fn&fn=sum100").inputs(), 100);
    assert_eq!(clean("data=fn&fn=j0").inputs(), 1);
    assert_eq!(clean("data=fn").func, Func::Expsin);
    let (e, n) = one("data=fn&fn=bessel", "fn");
    assert_eq!(e.func, Func::Expsin);
    assert!(n.message.contains("j0"), "{n:?}");
    assert_eq!(decode(&encode(&clean("data=fn&fn=xdivy"))).experiment.func, Func::Xdivy);
}

#[test]
fn kan_model_keys() {
    let e = clean("model=kan&grid=20&order=4&refine=100:10,300:50");
    assert_eq!((e.model, e.grid, e.order), (Model::Kan, 20, 4));
    assert_eq!(e.refine, vec![(100, 10), (300, 50)]);
    assert_eq!(one("model=kan&refine=300:50,100:10", "refine").0.refine, vec![(100, 10), (300, 50)], "sorted");
    assert_eq!(one("model=kan&grid=500", "grid").0.grid, 100);
    assert_eq!(one("model=kan&order=0", "order").0.order, 1);
    let (e, n) = one("model=kan&refine=10:7,x:3,20:1000", "refine");
    assert_eq!(e.refine, vec![(10, 7), (20, 100)]);
    assert!(n.message.contains("10:7,20:100"), "{n:?}");
    assert_eq!(one("model=transformer", "model").0.model, Model::Mlp);
    assert_eq!(clean("refine=10:20").refine, vec![(10, 20)], "kept (unused by MLPs, like grid and order)");
    let many = (1..=12).map(|s| format!("{s}:5")).collect::<Vec<_>>().join(",");
    assert_eq!(one(&format!("model=kan&refine={many}"), "refine").0.refine.len(), limits::MAX_REFINES);
    let e = clean("model=kan&refine=5:9");
    assert_eq!(decode(&encode(&e)).experiment, e);
}

#[test]
fn kan_basis_key() {
    for (raw, b) in
        [("bspline", Basis::Bspline), ("relu", Basis::Relu), ("rational", Basis::Rational), ("ReLU", Basis::Relu)]
    {
        let e = clean(&format!("model=kan&basis={raw}"));
        assert_eq!(e.basis, b, "{raw}");
        assert_eq!(decode(&encode(&e)).experiment, e, "round trip {raw}");
    }
    assert_eq!(encode(&clean("model=kan&basis=bspline")), "v=1&model=kan", "the default is not written");
    for bad in ["spline", "rational2", "nan", "<b>"] {
        let (e, n) = one(&format!("model=kan&basis={bad}"), "basis");
        assert_eq!(e.basis, Basis::Bspline, "{bad}: {n:?}");
    }
    // A rational KAN has no grid: its refinements are dropped, reported once.
    let (e, n) = one("model=kan&basis=rational&refine=100:10", "refine");
    assert_eq!((e.basis, e.refine.clone()), (Basis::Rational, vec![]));
    assert!(n.message.contains("no grid"), "{n:?}");
    assert_eq!(encode(&e), "v=1&model=kan&basis=rational");
    assert_eq!(clean("model=kan&basis=relu&refine=100:10").refine, vec![(100, 10)], "relu keeps its grid");
    assert_eq!(clean("basis=rational&refine=100:10").basis, Basis::Rational, "kept where unused (model=mlp)");
}

#[test]
fn kan_snap_prune_and_sparsity_keys() {
    let e = clean("model=kan&snap=100:1:2:0:x^2,100:0:0:0:1/x,200:auto&kprune=50:0.01&lamb=0.01&lamb_entropy=3");
    let snaps: Vec<String> = e.snap.iter().map(|s| s.to_string()).collect();
    assert_eq!(snaps, vec!["100:1:2:0:x^2", "100:0:0:0:1/x", "200:auto"]);
    let sorted = one("model=kan&snap=200:auto,100:0:0:0:sin", "snap").0.snap;
    assert_eq!((sorted[0].step, sorted[1].step), (100, 200), "sorted by step");
    assert_eq!((e.kprune.clone(), e.lamb, e.lamb_entropy), (vec![(50, 0.01)], 0.01, 3.0));
    assert_eq!(decode(&encode(&e)).experiment, e, "round trip (x%5E2, 1%2Fx)");
    let (e, n) = one("model=kan&snap=5:0:0:0:cosh,6:auto,7:0:0", "snap");
    assert_eq!(e.snap.len(), 1);
    assert!(n.message.contains("6:auto"), "{n:?}");
    assert_eq!(one("snap=0:auto", "snap").0.snap[0].step, 1, "step clamped");
    let many = (1..=70).map(|s| format!("{s}:auto")).collect::<Vec<_>>().join(",");
    assert_eq!(one(&format!("model=kan&snap={many}"), "snap").0.snap.len(), limits::MAX_SNAPS);
    let (e, n) = one("model=kan&kprune=10:-1,x:0.1,20:50,30:nan", "kprune");
    assert_eq!(e.kprune, vec![(10, 0.0), (20, 10.0)]);
    assert!(n.message.contains("10:0,20:10"), "{n:?}");
    assert_eq!(one("lamb=-1", "lamb").0.lamb, 0.0);
    assert_eq!(one("lamb_entropy=nan", "lamb_entropy").0.lamb_entropy, 2.0);
}

#[test]
fn token_model_keys() {
    let e = clean("data=mod&p=31&model=tfm&d_model=64&heads=8&tfm_layers=2&d_mlp=0&ln=1");
    assert_eq!((e.model, e.d_model, e.heads, e.tfm_layers, e.d_mlp, e.ln), (Model::Tfm, 64, 8, 2, 0, true));
    assert_eq!(decode(&encode(&e)).experiment, e);
    assert_eq!(clean("data=mod&model=emb&layers=24").model, Model::Emb);
    // Out of range: clamped, one notice each.
    assert_eq!(one("data=mod&model=tfm&d_model=4096", "d_model").0.d_model, limits::D_MODEL.1);
    assert_eq!(one("data=mod&model=tfm&heads=0", "heads").0.heads, 1);
    assert_eq!(one("data=mod&model=tfm&tfm_layers=9", "tfm_layers").0.tfm_layers, 2);
    assert_eq!(one("data=mod&model=tfm&d_mlp=-3", "d_mlp").0.d_mlp, 0);
    assert!(!one("data=mod&model=tfm&ln=yes", "ln").0.ln);
    // Heads must divide d_model: the largest divisor not above `heads`.
    let (e, n) = one("data=mod&model=tfm&d_model=12&heads=5", "heads");
    assert_eq!(e.heads, 4);
    assert!(n.message.contains("d_model"), "{n:?}");
    assert_eq!(clean("d_model=12&heads=5").heads, 5, "kept where unused (model=mlp)");
    // Token models read data=mod only.
    let (e, n) = one("data=xor&model=tfm", "model");
    assert_eq!(e.model, Model::Mlp);
    assert!(n.message.contains("data=mod"), "{n:?}");
    // emb has one hidden width H, or D,H (PAIR's factored form with a D-wide tied embedding);
    // sweeps, random features and scores are for MLPs.
    assert_eq!(one("data=mod&model=emb&layers=", "layers").0.layers, vec![24]);
    assert_eq!(clean("data=mod&model=emb&layers=16,8").layers, vec![16, 8]);
    let (e, n) = one("data=mod&model=emb&layers=16,8,4", "layers");
    assert_eq!(e.layers, vec![16]);
    assert!(n.message.contains("D,H"), "{n:?}");
    let d = decode("data=mod&model=tfm&sweep=width&sweep_values=1,2");
    let keys: Vec<&str> = d.notices.iter().map(|n| n.key.as_str()).collect();
    assert_eq!(keys, ["sweep", "sweep_values"]);
    assert!(d.experiment.sweep_values.is_empty() && d.experiment.sweep == SweepAxis::None);
    assert_eq!(one("data=mod&model=emb&layers=24&prune=0.3", "prune").0.prune, 0.0);
    assert!(!one("data=mod&model=emb&layers=24&frozen=1", "frozen").0.frozen);
    for bad in ["data=mod&model=tfm&d_model=12&heads=5", "data=xor&model=emb", "data=mod&model=emb&layers=1,2,3"] {
        let d = decode(bad);
        assert!(decode(&encode(&d.experiment)).notices.is_empty(), "{bad}");
    }
}

#[test]
fn kan_and_token_model_sweep_axes() {
    // `grid` (KAN grid G) and `corrupt` round trip where the model and data take them.
    let e = clean("v=1&data=fn&sweep=grid&sweep_values=3,5,10&model=kan");
    assert_eq!((e.sweep, e.sweep_values.clone()), (SweepAxis::Grid, vec![3.0, 5.0, 10.0]));
    assert_eq!(decode(&encode(&e)).experiment, e);
    let e = clean("v=1&data=mod&train=0.3&sweep=wd&sweep_values=0,1&sweep2=train&sweep2_values=0.3,0.5&model=tfm");
    assert_eq!((e.sweep, e.sweep2), (SweepAxis::Wd, SweepAxis::Train));
    assert_eq!(decode(&encode(&e)).experiment, e);
    let e = clean("v=1&data=mod&layers=24&sweep=corrupt&sweep_values=0,0.1&model=emb");
    assert_eq!((e.sweep, e.sweep_values.clone()), (SweepAxis::Corrupt, vec![0.0, 0.1]));
    // Bad values of the new axes are dropped as for the others.
    let (e, n) = one("v=1&model=kan&sweep=grid&sweep_values=2,3,4.5,101,7", "sweep_values");
    assert_eq!(e.sweep_values, vec![3.0, 7.0]);
    assert!(n.message.contains("grid"), "{n:?}");
    // An axis the model or data does not sweep: dropped with its values, one notice each.
    for (url, why) in [
        ("v=1&sweep=grid&sweep_values=3,5", "model=kan"),
        ("v=1&model=kan&sweep=alpha&sweep_values=0.5,1", "no scale"),
        ("v=1&data=mod&model=tfm&sweep=depth&sweep_values=1,2", "seed, lr, wd, train or corrupt"),
        ("v=1&sweep=corrupt&sweep_values=0.1", "data=mod"),
        ("v=1&data=mod&sweep=flip&sweep_values=0.1", "corrupt"),
    ] {
        let d = decode(url);
        let keys: Vec<&str> = d.notices.iter().map(|n| n.key.as_str()).collect();
        assert_eq!(keys, ["sweep", "sweep_values"], "{url}");
        assert!(d.notices[0].message.contains(why), "{url}: {:?}", d.notices);
        assert_eq!((d.experiment.sweep, d.experiment.sweep_values.len()), (SweepAxis::None, 0), "{url}");
        assert!(decode(&encode(&d.experiment)).notices.is_empty(), "{url}");
    }
    // A refused second axis leaves the first.
    let d = decode("v=1&model=kan&sweep=grid&sweep_values=3,5&sweep2=alpha&sweep2_values=1,2");
    assert_eq!((d.experiment.sweep, d.experiment.sweep2), (SweepAxis::Grid, SweepAxis::None));
    assert_eq!(d.notices.iter().map(|n| n.key.as_str()).collect::<Vec<_>>(), ["sweep2", "sweep2_values"]);
}

/// `act=quad` and `loss=mse-onehot` (Gromov 2023; Doshi et al. 2024): round trip, heads and
/// output widths, the cross-key rules (regression, token models, KANs) and bad spellings.
#[test]
fn quad_and_onehot_square_loss() {
    let e = clean("data=mod&p=23&layers=64&act=quad&loss=mse-onehot");
    assert_eq!((e.act.clone(), e.loss), (vec![Activation::Quad], Loss::MseOnehot));
    assert_eq!((e.uses_onehot_mse(), e.uses_ce(), e.outputs()), (true, false, 23));
    let url = encode(&e);
    assert!(url.ends_with("&act=quad&loss=mse-onehot"), "{url}");
    let back = decode(&encode(&e));
    assert!(back.notices.is_empty(), "{:?}", back.notices);
    assert_eq!(back.experiment, e);
    // Two classes: two linear outputs (not TFP's one tanh output); old `mse` links keep theirs.
    assert_eq!(clean("data=moons&loss=mse-onehot").widths(), vec![2, 4, 2, 2]);
    assert_eq!(clean("data=moons").widths(), vec![2, 4, 2, 1]);
    assert_eq!((clean("data=mod&p=23").uses_ce(), clean("data=mod&p=23").outputs()), (true, 23));
    // Regression: the square loss on a linear output, reported and dropped.
    let (e, n) = one("data=plane&loss=mse-onehot", "loss");
    assert_eq!((e.loss, e.outputs()), (Loss::Mse, 1));
    assert!(n.message.contains("regression"), "{}", n.message);
    // Token models and KANs train with softmax cross-entropy: reported, the link says ce.
    for m in ["emb", "tfm", "kan"] {
        let (e, n) = one(&format!("data=mod&p=23&model={m}&loss=mse-onehot"), "loss");
        assert_eq!((e.loss, e.uses_ce(), e.uses_onehot_mse()), (Loss::Ce, true, false), "{m}");
        assert!(n.message.contains("model=mlp"), "{m}: {}", n.message);
    }
    // A token model on other data moves to mlp first and keeps the loss.
    let (e, _) = one("data=moons&model=tfm&loss=mse-onehot", "model");
    assert_eq!(e.loss, Loss::MseOnehot);
    // Bad spellings: a notice and the default.
    assert_eq!(one("loss=mse_onehot", "loss").0.loss, Loss::Mse);
    assert_eq!(one("loss=onehot", "loss").0.loss, Loss::Mse);
    assert_eq!(one("act=square", "act").0.act, vec![Activation::Tanh]);
    assert_eq!(clean("act=QUAD").act, vec![Activation::Quad]);
}
