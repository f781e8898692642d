//! Random features with a closed-form readout (`grokpad::rf`): exact interpolation past the
//! threshold, ridge shrinkage, parameters in the engine's layout, and Belkin et al.'s double
//! descent of the test error over width.
#![cfg(not(target_arch = "wasm32"))]

use grokpad::core::mlp::Layout;
use grokpad::experiment::url::decode;
use grokpad::rf::fit;

fn exp(hash: &str) -> grokpad::experiment::Experiment {
    let d = decode(hash);
    assert!(d.notices.is_empty(), "{:?}", d.notices);
    d.experiment
}

/// Noisy 2-D regression, 50 training points, 16 random Fourier features under random ReLU
/// features (the preset `rf-double-descent` sweeps `layers` over this).
const DD: &str = "v=1&data=gauss2&n=200&train=0.25&noise=30&rff=16&act=relu&frozen=1";

#[test]
fn test_error_peaks_at_the_interpolation_threshold() {
    let widths: Vec<u32> = (1..=64).map(|k| 2 * k).collect();
    let t0 = std::time::Instant::now();
    let curve: Vec<(u32, f32, f32)> = widths
        .iter()
        .map(|&w| {
            let f = fit(&exp(&format!("{DD}&layers={w}"))).unwrap();
            (w, f.train_loss, f.test_loss)
        })
        .collect();
    eprintln!("64 widths (2..128) fitted in {:.3} s", t0.elapsed().as_secs_f64());
    let n_train = exp(DD).n_train() as u32;
    let (wpeak, _, peak) = curve.iter().cloned().fold((0, 0.0, 0.0f32), |a, c| if c.2 > a.2 { c } else { a });
    eprintln!(
        "peak test MSE {peak} at width {wpeak} (n_train {n_train}); width 2: {}, width 128: {}",
        curve[0].2, curve[63].2
    );
    assert!(wpeak + 8 >= n_train && wpeak <= n_train + 12, "peak at {wpeak}");
    assert!(peak > 20.0 * curve[0].2 && peak > 10.0 * curve[63].2, "{curve:?}");
    // Past the threshold (features + bias ≥ points) the training points are interpolated.
    assert!(curve.iter().filter(|c| c.0 + 1 >= n_train).all(|c| c.1 < 1e-6), "{curve:?}");
    assert!(curve[0].1 > 0.05);
}

#[test]
fn ridge_tames_the_peak_and_classification_params_draw_the_fit() {
    let at = |extra: &str| fit(&exp(&format!("{DD}&layers=50{extra}"))).unwrap();
    let (plain, ridge) = (at(""), at("&ridge=1"));
    assert!(ridge.test_loss < plain.test_loss / 10.0, "{} vs {}", ridge.test_loss, plain.test_loss);
    assert!(ridge.train_loss > plain.train_loss);
    // Classification (two classes, ±1 targets): the returned parameters, run through the CPU
    // forward of the engine's layout, classify the training points as the fit says.
    let e = exp("v=1&data=circle&n=300&noise=5&flip=0.1&layers=400&act=relu&frozen=1&rff=8");
    let f = fit(&e).unwrap();
    assert_eq!((f.train_acc, f.noisy_train_acc), (1.0, Some(1.0)), "interpolates, flipped labels included");
    assert_eq!(f.clean_train_acc, Some(1.0));
    let r = fit(&grokpad::experiment::Experiment { ridge: 1.0, ..e.clone() }).unwrap();
    assert!(r.test_acc > 0.75, "ridge test acc {} (min-norm {})", r.test_acc, f.test_acc);
    let (d, _) = grokpad::train::setup(&e);
    let l = Layout::from_experiment(&e, 1);
    assert_eq!(f.params.len(), l.p);
    let out = l.forward(&f.params, &d.test.x, d.test.len()).pop().unwrap();
    let acc = out.iter().zip(&d.test.y).filter(|(z, &y)| (**z >= 0.0) == (y == 1)).count() as f32 / d.test.len() as f32;
    assert!((acc - f.test_acc).abs() < 1e-6, "{acc} vs {}", f.test_acc);
    // Softmax heads: one-hot targets, arg-max prediction.
    let g = fit(&exp("v=1&data=rings&n=300&layers=200&loss=ce&act=relu&frozen=1&rff=8")).unwrap();
    assert_eq!(g.train_acc, 1.0);
    assert!(g.test_acc > 0.5, "{}", g.test_acc);
    assert!(fit(&decode("v=1&data=custom&layers=8&frozen=1").experiment).is_err());
}
