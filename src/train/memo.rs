//! Memorization metrics of a trained model on its training split (Zhang et al. 2017; Arpit et
//! al. 2017): with label noise, accuracy on the points whose label was kept (`clean_train_acc`,
//! against that label) and on the flipped points (`noisy_train_acc`: predicted as their flipped
//! label, i.e. memorized). Computed from the parameters with the CPU reference forward pass, so
//! every backend reports the same numbers. Over steps, `subset_acc` splits the per-example
//! correctness that snapshots carry (`engine::Snapshot::correct`) the same way.

use crate::core::mlp::Layout;

/// The class each row of `out` ([N, C]) predicts: the sign of TFP's tanh output for one output,
/// else the arg-max logit.
pub fn predictions(out: &[f32], c: usize) -> Vec<u8> {
    out.chunks(c.max(1))
        .map(|row| {
            if c == 1 {
                u8::from(row[0] >= 0.0)
            } else {
                let mut arg = 0;
                for (j, v) in row.iter().enumerate() {
                    if *v > row[arg] {
                        arg = j;
                    }
                }
                arg as u8
            }
        })
        .collect()
}

/// Per model: (clean accuracy, noisy accuracy). `y` are the training labels (after flipping),
/// `flipped[i]` whether point i's label was changed. A part with no points gives NaN.
pub fn label_noise_acc(layout: &Layout, params: &[f32], x: &[f32], y: &[u8], flipped: &[bool]) -> Vec<(f32, f32)> {
    let n = y.len();
    if n == 0 {
        return vec![(f32::NAN, f32::NAN); layout.models];
    }
    let acts = layout.forward(params, x, n);
    let out = acts.last().map(Vec::as_slice).unwrap_or(&[]);
    let c = layout.outputs();
    (0..layout.models)
        .map(|m| {
            let pred = predictions(&out[m * n * c..(m + 1) * n * c], c);
            let (mut hit, mut cnt) = ([0usize; 2], [0usize; 2]);
            for i in 0..n {
                let k = usize::from(flipped.get(i).copied().unwrap_or(false));
                cnt[k] += 1;
                hit[k] += usize::from(pred[i] == y[i]);
            }
            let frac = |k: usize| if cnt[k] == 0 { f32::NAN } else { hit[k] as f32 / cnt[k] as f32 };
            (frac(0), frac(1))
        })
        .collect()
}

/// (clean, noisy) accuracy from per-example correctness against the training labels (as flipped):
/// `correct[i]` is 1 when point i is predicted as its label `y[i]`. Only the first
/// `flipped.len()` entries are read (a snapshot's `correct` continues with the test split).
/// A part with no points (or too short a `correct`) gives NaN.
pub fn subset_acc(correct: &[f32], flipped: &[bool]) -> (f32, f32) {
    if correct.len() < flipped.len() {
        return (f32::NAN, f32::NAN);
    }
    let (mut hit, mut cnt) = ([0.0f64; 2], [0usize; 2]);
    for (c, &f) in correct.iter().zip(flipped) {
        cnt[usize::from(f)] += 1;
        hit[usize::from(f)] += f64::from(*c);
    }
    let frac = |k: usize| if cnt[k] == 0 { f32::NAN } else { (hit[k] / cnt[k] as f64) as f32 };
    (frac(0), frac(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ops::Act;
    use crate::experiment::Loss;

    #[test]
    fn predictions_and_split_accuracies() {
        assert_eq!(predictions(&[0.5, -0.1, 0.0], 1), vec![1, 0, 1]);
        assert_eq!(predictions(&[0.1, 0.9, 0.3, 2.0, 1.0, 0.0], 3), vec![1, 0]);
        // A 1→1 linear-logit… tanh-output model with w = 1, b = 0 predicts class 1 iff x ≥ 0.
        let l = Layout::new(&[1, 1], Act::Tanh, Loss::Mse, 1);
        let params = vec![1.0, 0.0];
        let x = [1.0, -1.0, 2.0, -2.0];
        let y = [1, 0, 0, 1]; // the last two were flipped: the model fits neither
        let flipped = [false, false, true, true];
        assert_eq!(label_noise_acc(&l, &params, &x, &y, &flipped), vec![(1.0, 0.0)]);
        let y2 = [1, 0, 1, 0];
        assert_eq!(label_noise_acc(&l, &params, &x, &y2, &flipped), vec![(1.0, 1.0)]);
    }

    #[test]
    fn subset_accuracies_from_correctness() {
        // Train points 0..4 (the last two flipped), then two test entries that are ignored.
        let correct = [1.0, 0.0, 1.0, 1.0, 0.0, 0.0];
        assert_eq!(subset_acc(&correct, &[false, false, true, true]), (0.5, 1.0));
        let (c, n) = subset_acc(&correct[..3], &[false, false, false]);
        assert!((c - 2.0 / 3.0).abs() < 1e-6 && n.is_nan());
        let (c, n) = subset_acc(&correct[..1], &[false, true]);
        assert!(c.is_nan() && n.is_nan(), "too short");
    }
}
