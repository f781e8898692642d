//! Memorization metrics of a trained model on its training split (Zhang et al. 2017; Arpit et
//! al. 2017): with label noise, accuracy on the points whose label was kept (`clean_train_acc`,
//! against that label) and on the flipped points (`noisy_train_acc`: predicted as their flipped
//! label, i.e. memorized). Computed from the parameters with the CPU reference forward pass, so
//! every backend reports the same numbers.

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
}
