//! Label corruption of the training split, for memorization experiments (Zhang et al. 2017,
//! "Understanding deep learning requires rethinking generalization"; Arpit et al. 2017, "A Closer
//! Look at Memorization in Deep Networks"). Separate from TFP's geometric noise: the points stay,
//! only their training labels change. Test labels are never touched.
//!
//! Both draw from the `LABELS` stream, so they never shift the data or the split.

use crate::core::rng::{stream, Rng};

/// Number of labels `flip` changes among `n` training points: `round(frac · n)`, with `frac`
/// clamped to [0, 1] (NaN counts as 0).
pub fn flip_count(frac: f32, n: usize) -> usize {
    let f = if frac.is_nan() { 0.0 } else { frac.clamp(0.0, 1.0) as f64 };
    ((f * n as f64).round() as usize).min(n)
}

/// Flip exactly [`flip_count`] distinct labels of `y`: the points are the first `k` of a partial
/// Fisher–Yates shuffle of `0..n`; each gets one of the other `classes − 1` classes, uniformly.
/// Sets `flipped` for them. Does nothing with fewer than 2 classes.
pub fn flip(y: &mut [u8], flipped: &mut [bool], frac: f32, classes: usize, seed: u64) {
    let n = y.len();
    let k = flip_count(frac, n);
    if classes < 2 || k == 0 {
        return;
    }
    let mut r = Rng::new(seed, stream::LABELS);
    let mut idx: Vec<u32> = (0..n as u32).collect();
    for i in 0..k {
        let j = i + r.below((n - i) as u32) as usize;
        idx.swap(i, j);
        let p = idx[i] as usize;
        let shift = 1 + r.below(classes as u32 - 1) as usize;
        y[p] = ((y[p] as usize + shift) % classes) as u8;
        flipped[p] = true;
    }
}

/// Replace every label by one drawn uniformly from `0..classes` (random labels); a point is
/// marked `flipped` when its random label differs from its clean one.
pub fn randomize(y: &mut [u8], flipped: &mut [bool], classes: usize, seed: u64) {
    if classes < 2 {
        return;
    }
    let mut r = Rng::new(seed, stream::LABELS);
    for (l, f) in y.iter_mut().zip(flipped.iter_mut()) {
        let v = r.below(classes as u32) as u8;
        *f = v != *l;
        *l = v;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flip_changes_exactly_k_labels_to_other_classes() {
        let clean: Vec<u8> = (0..101).map(|i| (i % 3) as u8).collect();
        for frac in [0.0, 0.1, 0.333, 0.5, 1.0] {
            let (mut y, mut f) = (clean.clone(), vec![false; 101]);
            flip(&mut y, &mut f, frac, 3, 9);
            let k = flip_count(frac, 101);
            assert_eq!(f.iter().filter(|&&b| b).count(), k);
            for i in 0..101 {
                assert_eq!(f[i], y[i] != clean[i]);
                assert!(y[i] < 3);
            }
        }
        assert_eq!(flip_count(0.25, 10), 3, "round half away from zero: 2.5 → 3");
        assert_eq!(flip_count(f32::NAN, 10), 0);
        assert_eq!(flip_count(7.0, 10), 10);
    }

    #[test]
    fn flip_targets_are_uniform_over_other_classes() {
        let mut counts = [0usize; 4];
        for seed in 0..200 {
            let (mut y, mut f) = (vec![0u8; 50], vec![false; 50]);
            flip(&mut y, &mut f, 1.0, 4, seed);
            for &l in &y {
                counts[l as usize] += 1;
            }
        }
        assert_eq!(counts[0], 0);
        for &c in &counts[1..] {
            assert!((c as f64 / 10_000.0 - 1.0 / 3.0).abs() < 0.02, "{counts:?}");
        }
    }

    #[test]
    fn random_labels_mark_changes() {
        let clean = vec![1u8; 1000];
        let (mut y, mut f) = (clean.clone(), vec![false; 1000]);
        randomize(&mut y, &mut f, 2, 3);
        let changed = f.iter().filter(|&&b| b).count();
        assert!((450..550).contains(&changed), "{changed}");
        assert!((0..1000).all(|i| f[i] == (y[i] != clean[i])));
    }
}
