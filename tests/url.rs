//! The share-URL codec (`experiment::url`): round trips, hostile input, key documentation.
#![cfg(not(target_arch = "wasm32"))]

use grokpad::experiment::{limits, url::*, Activation, BackendChoice, Dataset, Experiment, Loss, Optimizer};
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
        data: Dataset::Spiral,
        n: 1000,
        train: 0.8,
        noise: 25.0,
        layers: vec![8, 8, 3],
        act: Activation::Relu,
        loss: Loss::Ce,
        opt: Optimizer::Adam,
        lr: 0.001,
        bs: 32,
        l2: 0.01,
        wd: 0.5,
        steps: 5000,
        backend: BackendChoice::Cpu,
        show_test: false,
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
        "v=1&seed=42&data=spiral&n=1000&train=0.8&noise=25&layers=8,8,3&act=relu&loss=ce\
         &opt=adam&lr=0.001&bs=32&l2=0.01&wd=0.5&steps=5000&backend=cpu&show_test=0"
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
        (e.data, e.act, e.loss, e.opt, e.backend, e.show_test),
        (Dataset::Spiral, Activation::Sigmoid, Loss::Ce, Optimizer::Adam, BackendChoice::Webgpu, false)
    );
    let (e, n) = one("data=moons", "data");
    assert_eq!(e.data, Dataset::Circle);
    assert_eq!(n.message, "expected one of circle, xor, gauss, spiral, using default circle");
    assert!(one("show_test=yes", "show_test").0.show_test);
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
    for k in &KEYS[1..] {
        let prefix = format!("{}=", k.key);
        let without: Vec<&str> = base.split('&').filter(|p| !p.starts_with(&prefix)).collect();
        let without = without.join("&");
        assert_eq!(without.len() + 1, base.len() - base.split('&').find(|p| p.starts_with(&prefix)).unwrap().len());
        assert_eq!(encode(&clean(&format!("{without}&{}={}", k.key, k.default))), without);
    }
}

#[test]
fn key_ranges_match_limits() {
    let range = |key: &str| KEYS.iter().find(|k| k.key == key).unwrap().range;
    assert_eq!(range("seed"), format!("0–{}", u64::MAX));
    assert_eq!(range("n"), format!("{}–{}", limits::N.0, limits::N.1));
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
    let a = (
        any::<u64>(),
        select(vec![Dataset::Circle, Dataset::Xor, Dataset::Gauss, Dataset::Spiral]),
        limits::N.0..=limits::N.1,
        f32_in(limits::TRAIN),
        f32_in(limits::NOISE),
        prop::collection::vec(limits::WIDTH.0..=limits::WIDTH.1, 0..=limits::MAX_LAYERS),
        select(vec![Activation::Relu, Activation::Tanh, Activation::Sigmoid, Activation::Linear]),
        select(vec![Loss::Mse, Loss::Ce]),
    );
    let b = (
        select(vec![Optimizer::Sgd, Optimizer::Adam]),
        f32_in(limits::LR),
        limits::BS.0..=limits::BS.1,
        f32_in(limits::L2),
        f32_in(limits::WD),
        limits::STEPS.0..=limits::STEPS.1,
        select(vec![BackendChoice::Auto, BackendChoice::Webgpu, BackendChoice::Cpu]),
        any::<bool>(),
    );
    (a, b).prop_map(
        |((seed, data, n, train, noise, layers, act, loss), (opt, lr, bs, l2, wd, steps, backend, show_test))| {
            Experiment {
                seed,
                data,
                n,
                train,
                noise,
                layers,
                act,
                loss,
                opt,
                lr,
                bs,
                l2,
                wd,
                steps,
                backend,
                show_test,
            }
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
    fn valid_experiments_round_trip(e in experiment()) {
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
