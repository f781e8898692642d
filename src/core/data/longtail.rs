//! Long-tailed data (Feldman 2020, "Does Learning Require Memorization? A Short Tale about a Long
//! Tail"; Feldman & Zhang 2020, "What Neural Networks Memorize and Why"): a mixture of `k` small
//! Gaussian subpopulations in 2-D whose frequencies follow Zipf's law, p_j ∝ (j + 1)^−zipf
//! (rank 0 the most frequent). Subpopulation j has one class, `j % classes` (so every class has
//! frequent subpopulations), a centre uniform on [−5, 5]² and standard deviation
//! `0.15 + noise` (noise 0–0.5 from the slider). Every point draws its subpopulation from the
//! mixture, so rare subpopulations hold one or two points (or none): classifying their held-out
//! points needs those very examples, which is what the memorization score measures. Test points
//! come from the same mixture (the usual shuffle and split). Each point keeps its subpopulation
//! id (`Points::groups`, then `Split::subpop`).

use super::Points;
use crate::core::rng::Rng;

/// Mixture weights p_j ∝ (j + 1)^−zipf of `k` subpopulations (sum 1). `zipf` is clamped to
/// 0–3 (NaN → 0), `k` to at least 1.
pub fn weights(k: usize, zipf: f32) -> Vec<f64> {
    let s = if zipf.is_finite() { zipf.clamp(0.0, 3.0) as f64 } else { 0.0 };
    let raw: Vec<f64> = (0..k.max(1)).map(|j| ((j + 1) as f64).powf(-s)).collect();
    let total: f64 = raw.iter().sum();
    raw.into_iter().map(|w| w / total).collect()
}

/// `n` points of the mixture of `k` (2–200) subpopulations over `classes` (2–5) classes.
pub fn generate(n: usize, k: usize, zipf: f32, classes: usize, noise: f64, r: &mut Rng) -> Points {
    let k = k.clamp(2, 200);
    let classes = classes.clamp(2, 5);
    let w = weights(k, zipf);
    let centres: Vec<(f64, f64)> = (0..k).map(|_| (r.range(-5.0, 5.0), r.range(-5.0, 5.0))).collect();
    let sd = 0.15 + noise.clamp(0.0, 0.5);
    let mut cum = Vec::with_capacity(k);
    let mut acc = 0.0;
    for p in &w {
        acc += p;
        cum.push(acc);
    }
    let mut p = Points { dim: 2, ..Default::default() };
    for _ in 0..n {
        let u = r.uniform();
        let j = cum.partition_point(|&c| c <= u).min(k - 1);
        let (cx, cy) = centres[j];
        p.coords.push(r.normal(cx, sd * sd));
        p.coords.push(r.normal(cy, sd * sd));
        p.labels.push((j % classes) as u8);
        p.groups.push(j as u32);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::rng::stream;

    #[test]
    fn zipf_weights() {
        let w = weights(4, 1.0);
        assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((w[0] / w[3] - 4.0).abs() < 1e-12);
        assert_eq!(weights(3, 0.0), vec![1.0 / 3.0; 3]);
        assert_eq!(weights(2, f32::NAN), vec![0.5; 2]);
    }

    #[test]
    fn frequencies_follow_the_weights_and_classes_follow_the_subpopulation() {
        let mut r = Rng::new(3, stream::DATA);
        let p = generate(20_000, 10, 1.5, 3, 0.0, &mut r);
        assert_eq!((p.len(), p.groups.len(), p.coords.len()), (20_000, 20_000, 40_000));
        let w = weights(10, 1.5);
        let mut count = [0usize; 10];
        for (i, &g) in p.groups.iter().enumerate() {
            count[g as usize] += 1;
            assert_eq!(p.labels[i] as u32, g % 3);
        }
        for j in 0..10 {
            let f = count[j] as f64 / 20_000.0;
            assert!((f - w[j]).abs() < 0.01, "subpop {j}: {f} vs {}", w[j]);
        }
        // Points sit near their subpopulation's centre (sd 0.15).
        let first: Vec<(f64, f64)> = (0..20_000).filter(|&i| p.groups[i] == 0).map(|i| p.xy(i)).collect();
        let (mx, my) = first.iter().fold((0.0, 0.0), |a, q| (a.0 + q.0, a.1 + q.1));
        let (mx, my) = (mx / first.len() as f64, my / first.len() as f64);
        assert!(first.iter().all(|q| (q.0 - mx).abs() < 1.0 && (q.1 - my).abs() < 1.0));
    }
}
