//! Progress measures of grokking on modular arithmetic, as pure functions of an embedding
//! matrix `[p, d]` (row a = token a's vector; for the one-hot MLP the first-layer weights of the
//! a-inputs, one column per hidden neuron; for a transformer its token embedding).
//!
//! - Fourier spectrum (Nanda et al. 2023, "Progress measures for grokking via mechanistic
//!   interpretability"): the DFT over the token axis, e_k = Σ_a E[a, ·] e^{−2πi·k·a/p}, and the
//!   norm per frequency. A real signal has |e_k| = |e_{p−k}|, so frequency k ∈ 1..=⌊p/2⌋ holds
//!   the power of k and p − k (its cosine and sine components); k = 0 is the constant. A model
//!   that generalizes concentrates the norm on a few *key frequencies*.
//! - Inverse participation ratio per neuron (Doshi et al. 2024, "To grok or not to grok:
//!   Disentangling generalization and memorization on corrupted algorithmic datasets"): with
//!   P_k the power of a neuron's input weights at frequency k, IPR = Σ_k P_k² / (Σ_k P_k)².
//!   One frequency gives 1 (periodic, generalizing neuron); power spread over all ⌊p/2⌋ + 1
//!   frequencies gives 1/(⌊p/2⌋ + 1) (memorizing neuron).
//!
//! The DFT is the direct O(p²·d) sum in f64 (p ≤ a few hundred: no FFT needed).

/// The power P_k = Σ_j |e_k[j]|² of `emb` ([p, d], row-major) at each frequency k = 0..=⌊p/2⌋
/// (k and p − k merged), per column: `[d][⌊p/2⌋ + 1]`. Empty for p = 0 or a short `emb`.
pub fn column_power(emb: &[f32], p: usize, d: usize) -> Vec<Vec<f64>> {
    if p == 0 || d == 0 || emb.len() < p * d {
        return vec![];
    }
    let half = p / 2;
    // cos/sin tables of 2π·(k·a mod p)/p.
    let tw: Vec<(f64, f64)> = (0..p)
        .map(|t| {
            let th = std::f64::consts::TAU * t as f64 / p as f64;
            (th.cos(), th.sin())
        })
        .collect();
    let mut out = vec![vec![0.0f64; half + 1]; d];
    for k in 0..p {
        // Frequency bin: k and p − k share one (k = 0: bin 0).
        let bin = k.min(p - k);
        for (j, col) in out.iter_mut().enumerate() {
            let (mut re, mut im) = (0.0f64, 0.0f64);
            for a in 0..p {
                let (c, s) = tw[(k * a) % p];
                let v = f64::from(emb[a * d + j]);
                re += v * c;
                im -= v * s;
            }
            col[bin] += re * re + im * im;
        }
    }
    out
}

/// The Fourier norm per frequency of the whole matrix: sqrt(Σ_columns P_k) / √p, k = 0..=⌊p/2⌋
/// (Parseval: the squares sum to Σ E², the matrix's squared Frobenius norm).
pub fn spectrum(emb: &[f32], p: usize, d: usize) -> Vec<f32> {
    let pw = column_power(emb, p, d);
    let bins = pw.first().map_or(0, Vec::len);
    (0..bins).map(|k| (pw.iter().map(|c| c[k]).sum::<f64>() / p as f64).sqrt() as f32).collect()
}

/// Key frequencies of a spectrum (norms per frequency, index = frequency): the non-constant
/// frequencies whose power (norm²) is at least `KEY_FACTOR` × the mean power of the
/// non-constant frequencies, strongest first. None when the power is spread evenly.
pub fn key_frequencies(spec: &[f32]) -> Vec<usize> {
    const KEY_FACTOR: f64 = 3.0;
    if spec.len() < 3 {
        return vec![];
    }
    let pw: Vec<f64> = spec.iter().map(|&v| f64::from(v) * f64::from(v)).collect();
    let mean = pw[1..].iter().sum::<f64>() / (pw.len() - 1) as f64;
    if !(mean > 0.0 && mean.is_finite()) {
        return vec![];
    }
    let mut keys: Vec<usize> = (1..pw.len()).filter(|&k| pw[k] >= KEY_FACTOR * mean).collect();
    keys.sort_by(|&a, &b| pw[b].total_cmp(&pw[a]).then(a.cmp(&b)));
    keys
}

/// Inverse participation ratio Σ P_k² / (Σ P_k)² of a power vector; NaN when it is all zero (or
/// not finite).
pub fn ipr(power: &[f64]) -> f32 {
    let s: f64 = power.iter().sum();
    if !(s > 0.0 && s.is_finite()) {
        return f32::NAN;
    }
    (power.iter().map(|v| v * v).sum::<f64>() / (s * s)) as f32
}

/// Per column (neuron) of `emb` ([p, d]): the IPR of its Fourier power.
pub fn neuron_ipr(emb: &[f32], p: usize, d: usize) -> Vec<f32> {
    column_power(emb, p, d).iter().map(|c| ipr(c)).collect()
}

/// Per neuron: the IPR of the summed power of its a-input and b-input weights (both `[p, d]`), so
/// a neuron counts as periodic when both inputs use the same frequency (Doshi et al.).
pub fn pair_ipr(emb_a: &[f32], emb_b: &[f32], p: usize, d: usize) -> Vec<f32> {
    let (pa, pb) = (column_power(emb_a, p, d), column_power(emb_b, p, d));
    pa.iter().zip(&pb).map(|(a, b)| ipr(&a.iter().zip(b).map(|(x, y)| x + y).collect::<Vec<_>>())).collect()
}

/// The dominant non-constant frequency of a power vector (bins 0..=⌊p/2⌋): the bin k ≥ 1 of
/// largest power; `None` when none holds more than 10⁻⁹ of the total (rounding of a constant).
pub fn dominant_frequency(power: &[f64]) -> Option<usize> {
    let floor = 1e-9 * power.iter().sum::<f64>();
    let mut best: Option<usize> = None;
    for k in 1..power.len() {
        if power[k] > floor && best.is_none_or(|b| power[k] > power[b]) {
            best = Some(k);
        }
    }
    best
}

/// Counts of `values` in `bins` equal bins over [lo, hi] (values outside are clamped into the
/// end bins; NaN skipped). Empty for bins = 0 or lo ≥ hi.
pub fn histogram(values: &[f32], bins: usize, lo: f32, hi: f32) -> Vec<usize> {
    if bins == 0 || lo.partial_cmp(&hi) != Some(std::cmp::Ordering::Less) {
        return vec![];
    }
    let mut h = vec![0; bins];
    for v in values.iter().filter(|v| !v.is_nan()) {
        let t = ((v - lo) / (hi - lo) * bins as f32).floor();
        h[(t.max(0.0) as usize).min(bins - 1)] += 1;
    }
    h
}

/// Indices of the `k` smallest values (NaN counts as smallest: a dead neuron has no frequency),
/// ties by index; `k` is capped at the length.
pub fn lowest(values: &[f32], k: usize) -> Vec<usize> {
    let key = |v: f32| if v.is_nan() { f32::NEG_INFINITY } else { v };
    let mut idx: Vec<usize> = (0..values.len()).collect();
    idx.sort_by(|&a, &b| key(values[a]).total_cmp(&key(values[b])).then(a.cmp(&b)));
    idx.truncate(k.min(values.len()));
    idx
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::rng::Rng;

    /// [p, d] with column j = amp_j · cos(2π f_j a / p + φ_j).
    fn sinusoids(p: usize, cols: &[(usize, f64, f64)]) -> Vec<f32> {
        let d = cols.len();
        let mut e = vec![0.0; p * d];
        for a in 0..p {
            for (j, &(f, amp, ph)) in cols.iter().enumerate() {
                e[a * d + j] = (amp * (std::f64::consts::TAU * (f * a) as f64 / p as f64 + ph).cos()) as f32;
            }
        }
        e
    }

    fn random(p: usize, d: usize, seed: u64) -> Vec<f32> {
        let mut r = Rng::new(seed, 0);
        (0..p * d).map(|_| r.range(-1.0, 1.0) as f32).collect()
    }

    #[test]
    fn pure_sinusoid_has_one_key_frequency_and_ipr_one() {
        let p = 23;
        let e = sinusoids(p, &[(5, 1.0, 0.3), (5, 2.0, 1.1), (5, 0.5, -2.0)]);
        let s = spectrum(&e, p, 3);
        assert_eq!(s.len(), p / 2 + 1);
        assert_eq!(key_frequencies(&s), vec![5]);
        // Parseval: Σ norm² = ‖E‖²_F.
        let fro: f64 = e.iter().map(|&v| f64::from(v) * f64::from(v)).sum();
        let tot: f64 = s.iter().map(|&v| f64::from(v) * f64::from(v)).sum();
        assert!((fro - tot).abs() < 1e-4 * fro, "{fro} vs {tot}");
        for v in neuron_ipr(&e, p, 3) {
            assert!((v - 1.0).abs() < 1e-5, "{v}");
        }
        // Frequency p − 5 is the same frequency (bin 5).
        let e2 = sinusoids(p, &[(p - 5, 1.0, 0.0)]);
        assert_eq!(key_frequencies(&spectrum(&e2, p, 1)), vec![5]);
    }

    #[test]
    fn two_frequencies_and_constant() {
        let p = 31;
        let mut e = sinusoids(p, &[(3, 2.0, 0.0), (7, 1.5, 0.5)]);
        // A constant offset lands in bin 0 and is never a key frequency.
        for v in &mut e {
            *v += 10.0;
        }
        let s = spectrum(&e, p, 2);
        assert_eq!(key_frequencies(&s), vec![3, 7]);
        assert!(s[0] > s[3]);
        // Each column: its frequency plus the constant → IPR below 1 but above ½·…
        let ipr = neuron_ipr(&e, p, 2);
        assert!(ipr.iter().all(|&v| v > 0.5 && v < 1.0), "{ipr:?}");
    }

    #[test]
    fn random_weights_have_low_ipr_and_no_key_frequency() {
        let p = 23;
        let d = 64;
        let e = random(p, d, 7);
        let s = spectrum(&e, p, d);
        assert!(key_frequencies(&s).is_empty(), "{s:?}");
        let ipr = neuron_ipr(&e, p, d);
        let mean = ipr.iter().sum::<f32>() / d as f32;
        // Uniform power would give 1/12; random power fluctuates, still far from 1.
        assert!(mean < 0.25, "{mean}");
        assert!(ipr.iter().all(|v| (1.0 / 12.0 - 1e-6..0.6).contains(v)), "{ipr:?}");
        // The pair IPR of (sinusoid, same sinusoid) is 1; of (sinusoid, random) it is lower.
        let sa = sinusoids(p, &vec![(4, 1.0, 0.0); d]);
        assert!(pair_ipr(&sa, &sa, p, d).iter().all(|&v| (v - 1.0).abs() < 1e-5));
        assert!(pair_ipr(&sa, &e, p, d).iter().all(|&v| v < 0.99));
    }

    #[test]
    fn edge_cases_do_not_panic() {
        assert!(column_power(&[], 0, 3).is_empty());
        assert!(column_power(&[1.0; 5], 3, 2).is_empty(), "short matrix");
        assert!(spectrum(&[], 5, 0).is_empty());
        assert!(key_frequencies(&[1.0, 0.0]).is_empty());
        assert!(key_frequencies(&[1.0, 0.0, 0.0, 0.0]).is_empty(), "no power");
        assert!(ipr(&[0.0, 0.0]).is_nan());
        assert_eq!(ipr(&[1.0, 1.0, 1.0, 1.0]), 0.25);
        assert_eq!(histogram(&[0.0, 0.05, 0.5, 1.0, 2.0, -1.0, f32::NAN], 4, 0.0, 1.0), vec![3, 0, 1, 2]);
        assert!(histogram(&[0.5], 0, 0.0, 1.0).is_empty() && histogram(&[0.5], 3, 1.0, 1.0).is_empty());
        assert_eq!(lowest(&[0.5, f32::NAN, 0.1, 0.1, 0.9], 3), vec![1, 2, 3]);
        assert_eq!(lowest(&[0.5], 9), vec![0]);
        assert_eq!(dominant_frequency(&[9.0, 1.0, 3.0, 3.0]), Some(2));
        assert_eq!(dominant_frequency(&[9.0, 0.0]), None);
    }
}
