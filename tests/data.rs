//! Datasets through the public API (`core::data`): every generator, label corruption, input
//! features, CSV, and the URL `v=1` freeze of TFP's four classification sets.

use grokpad::core::data::make;
use grokpad::experiment::{Dataset, Experiment};

fn fnv(h: &mut u64, bytes: &[u8]) {
    for &b in bytes {
        *h ^= b as u64;
        *h = h.wrapping_mul(0x100_0000_01b3);
    }
}

/// FNV-1a over the inputs and labels of both splits (the fields the first release had).
fn hash(e: &Experiment) -> u64 {
    let d = make(e);
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for s in [&d.train, &d.test] {
        for v in &s.x {
            fnv(&mut h, &v.to_bits().to_le_bytes());
        }
        fnv(&mut h, &s.y);
    }
    h
}

/// Hashes of the first release's `data::make` (taken before the issue-4 refactor): old links
/// must regenerate bit-identical data.
#[test]
fn tfp_classification_is_frozen() {
    let frozen: [(Dataset, u64, u32, f32, f32, u64); 16] = [
        (Dataset::Circle, 1, 500, 0.5, 0.0, 0xeb0877fd93cd46a2),
        (Dataset::Circle, 7, 333, 0.3, 25.0, 0xcd70edab808869fe),
        (Dataset::Circle, 42, 10000, 0.9, 50.0, 0x671c2f5a2119a71f),
        (Dataset::Circle, 3, 20, 0.1, 10.0, 0x91966c81295209df),
        (Dataset::Xor, 1, 500, 0.5, 0.0, 0x7a6ba27bf752677f),
        (Dataset::Xor, 7, 333, 0.3, 25.0, 0x4d2e7c35bf425d5d),
        (Dataset::Xor, 42, 10000, 0.9, 50.0, 0xd686796a46197fbc),
        (Dataset::Xor, 3, 20, 0.1, 10.0, 0x1f3e97465888f780),
        (Dataset::Gauss, 1, 500, 0.5, 0.0, 0x4ea8fbc437f3252f),
        (Dataset::Gauss, 7, 333, 0.3, 25.0, 0xe672be7f3bdac7f5),
        (Dataset::Gauss, 42, 10000, 0.9, 50.0, 0xc2259694c01ab6fe),
        (Dataset::Gauss, 3, 20, 0.1, 10.0, 0xae710450a17c26c6),
        (Dataset::Spiral, 1, 500, 0.5, 0.0, 0x8c26affa65cdc2cf),
        (Dataset::Spiral, 7, 333, 0.3, 25.0, 0xa70844ec6f986b62),
        (Dataset::Spiral, 42, 10000, 0.9, 50.0, 0x34f5425ac1ac5dcf),
        (Dataset::Spiral, 3, 20, 0.1, 10.0, 0xcd5d4ecb26c678b1),
    ];
    for (data, seed, n, train, noise, want) in frozen {
        let e = Experiment { data, seed, n, train, noise, ..Default::default() };
        assert_eq!(hash(&e), want, "{data:?} seed {seed} n {n} train {train} noise {noise}");
    }
}

use grokpad::core::data::labels::flip_count;
use grokpad::core::data::{build, csv, shapes, DataSpec, Feature, Labels, Point};
use grokpad::core::data::{Data, Dataset as D};

fn spec(data: D) -> DataSpec {
    DataSpec { data, ..Default::default() }
}

fn frac_of(y: &[u8], class: u8) -> f64 {
    y.iter().filter(|&&l| l == class).count() as f64 / y.len() as f64
}

/// All points of both splits: (x, y, class or target).
fn all(d: &Data) -> Vec<(f32, f32, f32)> {
    let mut v = Vec::new();
    for s in [&d.train, &d.test] {
        for i in 0..s.len() {
            let l = if d.classes == 0 { s.r[i] } else { s.clean[i] as f32 };
            v.push((s.raw[2 * i], s.raw[2 * i + 1], l));
        }
    }
    v
}

#[test]
fn every_generator_counts_classes_ranges_determinism() {
    use D::*;
    for data in [Circle, Xor, Gauss, Spiral, Moons, Checker, Rings, Xorclusters, Plane, Gauss2, Sines, Step, Abs, Chirp]
    {
        for noise in [0.0, 30.0] {
            let s = DataSpec { data, n: 401, train: 0.7, noise, classes: 4, dim: 5, ..Default::default() };
            let d = build(&s);
            assert_eq!((d.train.len(), d.test.len()), (281, 120), "{data:?}");
            for sp in [&d.train, &d.test] {
                assert_eq!(sp.x.len(), sp.len() * d.inputs);
                assert_eq!(sp.raw.len(), 2 * sp.len());
                assert_eq!((sp.clean.len(), sp.flipped.len()), (sp.len(), sp.len()));
                assert!(sp.raw.iter().all(|v| v.is_finite() && v.abs() <= 20.0), "{data:?}");
            }
            let expect_classes = match data {
                Rings => 4,
                _ if data.is_regression() => 0,
                _ => 2,
            };
            assert_eq!(d.classes, expect_classes, "{data:?}");
            let pts = all(&d);
            if d.classes == 0 {
                assert_eq!(d.train.r.len(), d.train.len());
                assert!(d.train.y.iter().all(|&y| y == 0));
                if noise == 0.0 {
                    assert!(pts.iter().all(|p| p.2.abs() <= 1.0), "{data:?} targets in [-1, 1]");
                }
                if data.is_1d() {
                    assert!(pts.iter().all(|p| p.1 == 0.0 && p.0.abs() <= 6.0));
                    assert_eq!(d.inputs, 1, "default [x, y] drops y on 1-D data");
                }
            } else {
                assert!(d.train.r.is_empty());
                // Balance is by construction at noise 0 (TFP's label-jitter noise may tilt it).
                for c in 0..d.classes as u8 {
                    let all_y: Vec<u8> = pts.iter().map(|p| p.2 as u8).collect();
                    let f = frac_of(&all_y, c);
                    let tol = if noise == 0.0 { 0.06 } else { 0.15 };
                    assert!((f - 1.0 / d.classes as f64).abs() < tol, "{data:?} class {c}: {f}");
                }
            }
            assert_eq!(d, build(&s), "{data:?} deterministic");
            assert_ne!(d.train.raw, build(&DataSpec { seed: 9, ..s }).train.raw, "{data:?} seed");
        }
    }
}

#[test]
fn geometry_of_the_new_sets() {
    let m = all(&build(&spec(D::Moons)));
    for &(x, y, l) in &m {
        let s = if l == 0.0 { 1.0 } else { -1.0 };
        let (cx, cy) = (s * shapes::MOON_CENTER.0, s * shapes::MOON_CENTER.1);
        let r = ((x as f64 - cx).hypot(y as f64 - cy) - shapes::MOON_RADIUS).abs();
        assert!(r < 1e-5, "moon point off its arc by {r}");
    }
    for &(x, y, l) in &all(&build(&spec(D::Checker))) {
        let parity = ((x / 3.0).floor() + (y / 3.0).floor()).rem_euclid(2.0);
        assert_eq!(l, parity, "checker at ({x}, {y})");
    }
    for classes in 2..=5 {
        let d = build(&DataSpec { data: D::Rings, classes, ..Default::default() });
        assert_eq!(d.classes, classes as usize);
        for &(x, y, l) in &all(&d) {
            let (lo, hi) = shapes::ring_band(l as usize, classes as usize);
            let r = (x as f64).hypot(y as f64);
            assert!(r >= lo - 1e-5 && r <= hi + 1e-5, "ring {l} at radius {r}");
        }
    }
}

#[test]
fn xor_clusters_means_and_inputs() {
    let s = DataSpec { data: D::Xorclusters, n: 4000, dim: 100, noise: 20.0, ..Default::default() };
    let d = build(&s);
    assert_eq!((d.inputs, d.classes), (100, 2));
    let mut sums = [[0.0f64; 3]; 4];
    for sp in [&d.train, &d.test] {
        assert_eq!(sp.x.len(), sp.len() * 100);
        for i in 0..sp.len() {
            let row = &sp.x[i * 100..(i + 1) * 100];
            assert_eq!(&row[..2], &sp.raw[2 * i..2 * i + 2], "plot shows the first two coordinates");
            // Cluster by the sign pattern of the mean: ±μ1 = ±(3, 3) class 0, ±μ2 = ±(3, −3) class 1.
            let c = match (sp.y[i], row[0] + row[1] > 0.0, row[0] - row[1] > 0.0) {
                (0, true, _) => 0,
                (0, false, _) => 1,
                (_, _, true) => 2,
                _ => 3,
            };
            let rest = row[2..].iter().map(|&v| v as f64).sum::<f64>() / 98.0;
            for (k, v) in [row[0] as f64, row[1] as f64, rest].into_iter().enumerate() {
                sums[c][k] += v / 1000.0;
            }
        }
    }
    let want = [[3.0, 3.0], [-3.0, -3.0], [3.0, -3.0], [-3.0, 3.0]];
    for c in 0..4 {
        assert!((sums[c][0] - want[c][0]).abs() < 0.15 && (sums[c][1] - want[c][1]).abs() < 0.15, "{sums:?}");
        assert!(sums[c][2].abs() < 0.05, "noise coordinates have mean 0: {sums:?}");
    }
    let sd: f64 =
        d.train.x.iter().skip(50).step_by(100).map(|&v| (v as f64).powi(2)).sum::<f64>() / d.train.len() as f64;
    assert!((sd.sqrt() - 1.2).abs() < 0.1, "σ = 6·noise/100 = 1.2, got {}", sd.sqrt());
    let grid = d.lift.apply(&[1.0, -2.0]);
    assert_eq!(grid.len(), 100);
    assert_eq!(&grid[..3], &[1.0, -2.0, 0.0]);
}

#[test]
fn flipped_labels() {
    for (data, classes) in [(D::Circle, 2), (D::Rings, 5), (D::Spiral, 2)] {
        let base = DataSpec { data, classes, n: 600, train: 0.5, ..Default::default() };
        let clean = build(&base);
        for flip in [0.1f32, 0.37, 1.0] {
            let d = build(&DataSpec { flip, ..base.clone() });
            assert_eq!(d.test, clean.test, "test split untouched");
            assert_eq!((&d.train.x, &d.train.raw, &d.train.clean), (&clean.train.x, &clean.train.raw, &clean.train.y));
            let k = d.train.flipped.iter().filter(|&&f| f).count();
            assert_eq!(k, (flip as f64 * 300.0).round() as usize);
            assert_eq!(k, flip_count(flip, 300));
            for i in 0..300 {
                assert_eq!(d.train.flipped[i], d.train.y[i] != d.train.clean[i]);
                assert!((d.train.y[i] as usize) < classes as usize);
            }
            if flip < 1.0 {
                let (a, b) =
                    (DataSpec { flip, seed: 2, ..base.clone() }, DataSpec { flip: 0.0, seed: 2, ..base.clone() });
                assert_eq!(build(&a).train.raw, build(&b).train.raw);
                assert_ne!(build(&a).train.flipped, d.train.flipped, "chosen by seed");
            }
        }
    }
    let r = build(&DataSpec { data: D::Plane, flip: 0.5, ..Default::default() });
    assert!(r.train.flipped.iter().all(|&f| !f), "regression has no classes to flip");
}

#[test]
fn random_labels() {
    let base = DataSpec { data: D::Rings, classes: 3, n: 3000, ..Default::default() };
    let d = build(&DataSpec { labels: Labels::Random, flip: 0.2, ..base.clone() });
    assert_eq!(d.test, build(&base).test);
    for c in 0..3 {
        assert!((frac_of(&d.train.y, c) - 1.0 / 3.0).abs() < 0.04);
    }
    let changed = (0..d.train.len()).filter(|&i| d.train.y[i] != d.train.clean[i]).count();
    assert_eq!(changed, d.train.flipped.iter().filter(|&&f| f).count());
    assert!((changed as f64 / 1500.0 - 2.0 / 3.0).abs() < 0.05, "{changed}");
}

#[test]
fn features_and_fourier_features_lift_the_grid_like_the_data() {
    use Feature::*;
    let every = vec![X, Y, X2, Y2, Xy, Sinx, Siny];
    for (data, features, rff, inputs) in [
        (D::Circle, vec![X, Y], 0, 2),
        (D::Spiral, every.clone(), 0, 7),
        (D::Moons, vec![Sinx, X2], 8, 18),
        (D::Gauss2, vec![Xy], 3, 7),
        (D::Sines, every.clone(), 0, 3),
        (D::Chirp, vec![Y], 64, 128),
    ] {
        let s = DataSpec { data, features: features.clone(), rff, rff_scale: 3.0, ..Default::default() };
        let d = build(&s);
        assert_eq!((d.inputs, s.inputs()), (inputs, inputs), "{data:?} {features:?}");
        for sp in [&d.train, &d.test] {
            assert_eq!(sp.x, d.lift.apply(&sp.raw), "{data:?}: lift of the plot coordinates = data rows");
        }
        // Known values of the row of the first training point.
        let (x, y) = (d.train.raw[0] as f64, d.train.raw[1] as f64);
        if data == D::Spiral {
            let want = [x, y, x * x, y * y, x * y, x.sin(), y.sin()].map(|v| v as f32);
            assert_eq!(&d.train.x[..7], &want);
        }
        if data == D::Sines {
            assert_eq!(&d.train.x[..3], &[x as f32, (x * x) as f32, x.sin() as f32], "y features dropped");
        }
        if rff > 0 {
            let rff = rff as usize;
            let f = inputs - 2 * rff;
            let row = &d.train.x[..inputs];
            for i in 0..rff {
                let (c, s) = (row[f + i] as f64, row[f + rff + i] as f64);
                assert!((c * c + s * s - 1.0).abs() < 1e-5, "cos² + sin² = 1");
            }
            let other = build(&DataSpec { seed: 2, ..s.clone() });
            assert_ne!(other.lift, d.lift, "B is drawn by seed");
        }
    }
    let default = build(&DataSpec::default());
    assert_eq!(default.train.x, default.train.raw, "default [x, y] inputs are the coordinates");
}

#[test]
fn custom_points_split_by_fraction_and_seed() {
    let pts: Vec<Point> =
        (0..40).map(|i| Point { x: i as f32 * 0.25 - 5.0, y: (i % 7) as f32, v: (i % 3) as f32 }).collect();
    let s = DataSpec { data: D::Custom, pts: pts.clone(), train: 0.3, n: 9999, ..Default::default() };
    let d = build(&s);
    assert_eq!((d.train.len(), d.test.len(), d.classes), (12, 28, 3));
    let mut got: Vec<(f32, f32, f32)> = all(&d);
    let mut want: Vec<(f32, f32, f32)> = pts.iter().map(|p| (p.x, p.y, p.v)).collect();
    assert_ne!(got, want, "shuffled");
    got.sort_by(|a, b| a.partial_cmp(b).unwrap());
    want.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(got, want, "every point once");
    assert_ne!(build(&DataSpec { seed: 5, ..s.clone() }).train.raw, d.train.raw);
    let none = build(&DataSpec { data: D::Custom, ..Default::default() });
    assert_eq!((none.train.len(), none.test.len(), none.classes), (0, 0, 2));
    let reg = build(&DataSpec { data: D::Custom, pts, custom_regression: true, ..Default::default() });
    assert_eq!((reg.classes, reg.train.r.len()), (0, 20));
}

#[test]
fn csv_round_trip_and_errors() {
    for (s, regression) in [
        (DataSpec { data: D::Rings, classes: 5, flip: 0.2, noise: 10.0, ..Default::default() }, false),
        (DataSpec { data: D::Gauss2, noise: 10.0, ..Default::default() }, true),
        (DataSpec { data: D::Abs, noise: 10.0, ..Default::default() }, true),
    ] {
        let d = build(&s);
        let text = csv::export(&d);
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("x,y,label,split,flipped"));
        assert_eq!(text.lines().count(), 1 + 500);
        let flips = text.lines().filter(|l| l.ends_with(",train,1")).count();
        assert_eq!(flips, d.train.flipped.iter().filter(|&&f| f).count());
        assert_eq!(text.lines().filter(|l| l.contains(",test,")).count(), d.test.len());
        let back = csv::parse(&text, regression).unwrap();
        let mut want = Vec::new();
        for sp in [&d.train, &d.test] {
            for i in 0..sp.len() {
                let v = if regression { sp.r[i] } else { sp.y[i] as f32 };
                want.push(Point { x: sp.raw[2 * i], y: sp.raw[2 * i + 1], v });
            }
        }
        assert_eq!(back, want, "exported numbers read back bit for bit");
        let custom =
            build(&DataSpec { data: D::Custom, pts: back, custom_regression: regression, ..Default::default() });
        assert_eq!(custom.train.len() + custom.test.len(), 500);
    }
    let bad = "x,y,label\n1,2,0\n# ok\n\n3,4,1\n5,6,1\nabc\n";
    assert_eq!(csv::parse(bad, false).unwrap_err(), "line 7: expected 3 numbers separated by commas, found \"abc\"");
    assert!(csv::parse("1,2,0\n1e7,0,1\n", false).unwrap_err().starts_with("line 2: column 1"));
    assert!(csv::parse("1,2,0\n0,0,1.5\n", false).unwrap_err().starts_with("line 2: class label"));
    assert!(csv::parse("1,2\n3,4\n", true).is_ok());
    assert!(csv::parse("1,2\n", false).unwrap_err().starts_with("line 1: expected 3 numbers"));
}

#[test]
fn hostile_specs_do_not_panic() {
    use D::*;
    let pts = vec![Point { x: f32::NAN, y: f32::INFINITY, v: f32::NAN }, Point { x: 1.0, y: 2.0, v: 99.0 }];
    for data in [Circle, Rings, Xorclusters, Sines, Custom, Plane] {
        for (noise, classes, dim, flip, train) in
            [(f32::NAN, 0, 0, f32::NAN, f32::NAN), (1e9, 99, 1000, 7.0, 2.0), (-1.0, 1, 1, -1.0, -1.0)]
        {
            let s = DataSpec {
                data,
                n: 50,
                noise,
                classes,
                dim,
                flip,
                train,
                freqs: vec![f32::INFINITY, f32::NAN],
                pts: pts.clone(),
                rff: u32::MAX,
                rff_scale: f32::NAN,
                labels: Labels::Random,
                ..Default::default()
            };
            let d = build(&s);
            for sp in [&d.train, &d.test] {
                assert!(sp.x.iter().chain(&sp.raw).chain(&sp.r).all(|v| v.is_finite()), "{data:?}");
                assert!(sp.y.iter().all(|&y| d.classes == 0 || (y as usize) < d.classes));
                assert_eq!(sp.x.len(), sp.len() * d.inputs);
            }
        }
    }
}

/// The experiment's own counts (`Experiment::inputs`, `classes_out`) agree with the data.
#[test]
fn experiment_counts_match_the_data() {
    use grokpad::core::data::inputs;
    use Feature::*;
    let pts =
        vec![Point { x: 1.0, y: 1.0, v: 0.0 }, Point { x: -1.0, y: 2.0, v: 3.0 }, Point { x: 0.0, y: 0.0, v: 1.0 }];
    for data in [D::Circle, D::Moons, D::Rings, D::Xorclusters, D::Plane, D::Sines, D::Step, D::Custom] {
        for (features, rff) in [(vec![X, Y], 0), (vec![Y, X2, Siny], 5), (vec![Siny], 3)] {
            let e = Experiment { data, features, rff, classes: 4, dim: 9, pts: pts.clone(), ..Default::default() };
            let d = make(&e);
            assert_eq!((d.inputs, d.classes), (e.inputs(), e.classes_out()), "{data:?} {:?} rff {rff}", e.features);
            assert_eq!(inputs(&e), d.inputs);
        }
    }
}

#[test]
fn modular_pairs_split_labels_and_corruption() {
    use grokpad::core::data::modular::{apply, coord, n_pairs, residue};
    use grokpad::experiment::ModOp;
    for op in [ModOp::Add, ModOp::Sub, ModOp::Mul, ModOp::Div, ModOp::Sq, ModOp::Cube] {
        let s = DataSpec { data: D::Mod, p: 24, op, train: 0.3, ..Default::default() };
        let d = build(&s);
        let p = 23;
        assert_eq!((d.inputs, d.classes), (2 * p, p), "{op:?}: p=24 → 23");
        let total = n_pairs(p, op);
        assert_eq!(d.train.len() + d.test.len(), total);
        assert_eq!(d.train.len(), (0.3 * total as f32).round() as usize);
        // Every pair once, one-hot a ‖ one-hot b, label a ∘ b mod p (never corrupted here).
        let mut seen = std::collections::HashSet::new();
        for sp in [&d.train, &d.test] {
            for i in 0..sp.len() {
                let row = &sp.x[i * 2 * p..(i + 1) * 2 * p];
                let (a, b) = (residue(sp.raw[2 * i], p), residue(sp.raw[2 * i + 1], p));
                assert_eq!((coord(a, p), coord(b, p)), (sp.raw[2 * i], sp.raw[2 * i + 1]));
                assert!(sp.raw[2 * i].abs() < 6.0 && sp.raw[2 * i + 1].abs() < 6.0);
                assert_eq!(row.iter().sum::<f32>(), 2.0);
                assert_eq!((row[a], row[p + b]), (1.0, 1.0));
                assert_eq!(sp.y[i] as u64, apply(op, a as u64, b as u64, p as u64));
                assert!(op != ModOp::Div || b != 0);
                assert!(seen.insert((a, b)), "{op:?}: pair ({a}, {b}) twice");
            }
        }
        assert_eq!(d, build(&s));
        assert_ne!(d.train.raw, build(&DataSpec { seed: 7, ..s.clone() }).train.raw, "split by seed");
    }
    // corrupt: exactly round(ξ·n) training labels move to another class; test never changes.
    let s = DataSpec { data: D::Mod, p: 31, train: 0.5, corrupt: 0.4, ..Default::default() };
    let (d, clean) = (build(&s), build(&DataSpec { corrupt: 0.0, ..s.clone() }));
    let moved = d.train.flipped.iter().filter(|&&f| f).count();
    assert_eq!(moved, flip_count(0.4, d.train.len()));
    for i in 0..d.train.len() {
        assert_eq!(d.train.clean[i], clean.train.y[i]);
        assert_eq!(d.train.flipped[i], d.train.y[i] != d.train.clean[i]);
    }
    assert_eq!((d.test.clone(), d.train.x.clone()), (clean.test, clean.train.x));
    assert!(d.test.flipped.iter().all(|f| !f));
}

#[test]
fn digits_fixed_test_split_and_scaled_pixels() {
    let s = |n: u32, seed: u64| DataSpec { data: D::Digits, n, seed, ..Default::default() };
    let (small, large) = (build(&s(100, 3)), build(&s(1200, 3)));
    assert_eq!((small.inputs, small.classes, small.train.len(), small.test.len()), (64, 10, 100, 597));
    assert_eq!(large.train.len(), 1200);
    // The test split does not depend on n; the first training images are shared.
    assert_eq!(small.test, large.test);
    assert_eq!(small.train.x[..], large.train.x[..100 * 64]);
    assert_ne!(small.test, build(&s(100, 4)).test, "test split fixed by seed");
    assert!(large.train.x.iter().chain(&large.test.x).all(|&v| (0.0..=1.0).contains(&v)));
    assert!(large.train.x.contains(&1.0), "pixels of 16 scale to 1");
    // Train + test of n = 1200 are all 1797 images once: their class counts are sklearn's.
    let mut count = [0usize; 10];
    for y in large.train.y.iter().chain(&large.test.y) {
        count[*y as usize] += 1;
    }
    assert_eq!(count, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
    let c = build(&DataSpec { corrupt: 0.5, ..s(200, 3) });
    assert_eq!(c.train.flipped.iter().filter(|&&f| f).count(), 100);
}

#[test]
fn kan_functions_build_with_their_dimension() {
    use grokpad::core::data::fns::{self, Func};
    for (f, d) in [(Func::J0, 1), (Func::Expsin, 2), (Func::Nested4, 4), (Func::Sum100, 100)] {
        let s = DataSpec { data: D::Fn, func: f, n: 200, train: 0.5, ..Default::default() };
        let data = build(&s);
        assert_eq!((data.inputs, data.classes, data.train.len()), (d, 0, 100), "{f:?}");
        let e = grokpad::experiment::Experiment { data: D::Fn, func: f, ..Default::default() };
        assert_eq!(e.inputs(), d);
        for sp in [&data.train, &data.test] {
            assert_eq!((sp.x.len(), sp.raw.len(), sp.r.len()), (sp.len() * d, 2 * sp.len(), sp.len()));
            for i in 0..sp.len() {
                let x: Vec<f64> = sp.x[i * d..(i + 1) * d].iter().map(|&v| v as f64).collect();
                assert!(x.iter().all(|v| v.abs() <= 1.0));
                assert!((sp.r[i] as f64 - fns::target(f, &x)).abs() < 1e-5);
                // Plot coordinates: the first two inputs times 6 (1-D: y = 0); the lift maps back.
                assert!((sp.raw[2 * i] - sp.x[i * d] * 6.0).abs() < 1e-5);
                let y = if d >= 2 { sp.x[i * d + 1] * 6.0 } else { 0.0 };
                assert!((sp.raw[2 * i + 1] - y).abs() < 1e-5);
                let lifted = data.lift.apply(&sp.raw[2 * i..2 * i + 2]);
                assert_eq!(lifted.len(), d);
                assert!((lifted[0] - sp.x[i * d]).abs() < 1e-6);
            }
        }
    }
}
