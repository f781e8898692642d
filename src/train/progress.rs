//! Progress measures of a trained `data=mod` MLP (one-hot a ‖ b inputs, issue 6), computed on
//! the CPU from model 0's parameters, so every backend reports the same numbers:
//! the Fourier spectrum of the a-input embedding and its key frequencies (Nanda et al. 2023),
//! the per-neuron IPR of the first hidden layer (Doshi et al. 2024), and the pruning of the
//! memorizing neurons: zero the outgoing weights of the k lowest-IPR neurons and compare the
//! accuracies before and after (with, as a control, the k highest-IPR neurons pruned instead).
//! The math is in `core::progress`; the page and `grokpad run --json` (`progress`) use this.

use crate::core::data::Split;
use crate::core::mlp::Layout;
use crate::core::progress as pm;
use serde::Serialize;

/// Bins of the IPR histogram over [0, 1].
pub const IPR_BINS: usize = 20;
/// Default pruning: neurons whose IPR is below this fraction of the largest IPR count as
/// memorizing (Doshi et al. separate the two populations by IPR; a threshold relative to the
/// most periodic neuron works for any p, where the uniform level 1/(⌊p/2⌋ + 1) changes).
pub const MEMORIZING_REL_IPR: f32 = 0.5;

/// Model 0's accuracies on the splits: training (against its labels, flipped ones included),
/// clean and flipped training points (flipped: predicted as the flipped label = memorized; NaN
/// without label noise), and test.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Accs {
    pub train: f32,
    pub clean_train: f32,
    pub noisy_train: f32,
    pub test: f32,
}

/// Accuracies before and after zeroing the outgoing weights of `k` neurons.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Prune {
    pub k: usize,
    /// The pruned neurons (lowest IPR first).
    pub neurons: Vec<usize>,
    pub before: Accs,
    pub after: Accs,
    /// Control: the `k` highest-IPR neurons pruned instead.
    pub after_high: Accs,
}

/// The progress measures of one model.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub p: usize,
    /// Fourier norm of the a-input embedding per frequency 0..=⌊p/2⌋.
    pub spectrum: Vec<f32>,
    pub key_frequencies: Vec<usize>,
    /// Per hidden neuron: IPR of its a- and b-input weights' Fourier power.
    pub ipr: Vec<f32>,
    /// `IPR_BINS` counts over [0, 1].
    pub ipr_hist: Vec<usize>,
    /// Per frequency 0..=⌊p/2⌋: how many periodic neurons (IPR at least `MEMORIZING_REL_IPR` ×
    /// the largest) have it as their dominant frequency. A one-hot MLP spreads its neurons over
    /// many frequencies (each neuron one), so its embedding spectrum can look flat although
    /// every neuron is periodic.
    pub neuron_frequencies: Vec<usize>,
}

/// Model 0's a-input and b-input weights of the first layer, each [p, h], when `layout` is an
/// MLP on one-hot pairs (2p inputs) with a hidden layer.
pub fn embeddings(layout: &Layout, params: &[f32], p: usize) -> Option<(Vec<f32>, Vec<f32>)> {
    let l0 = layout.layers.first()?;
    if p == 0 || l0.i != 2 * p || layout.layers.len() < 2 || params.len() < layout.p {
        return None;
    }
    let h = l0.o;
    // W [I, O] row-major: rows 0..p are the a-inputs, p..2p the b-inputs.
    let w = &params[l0.w_off..l0.b_off];
    Some((w[..p * h].to_vec(), w[p * h..2 * p * h].to_vec()))
}

impl Report {
    /// The measures of model 0 (`params` may hold M models); `None` when the layout is not an
    /// MLP on one-hot pairs of p residues.
    pub fn of(layout: &Layout, params: &[f32], p: usize) -> Option<Report> {
        let (ea, eb) = embeddings(layout, params, p)?;
        let h = layout.layers[0].o;
        let spectrum = pm::spectrum(&ea, p, h);
        let (pa, pb) = (pm::column_power(&ea, p, h), pm::column_power(&eb, p, h));
        let power: Vec<Vec<f64>> =
            pa.iter().zip(&pb).map(|(a, b)| a.iter().zip(b).map(|(x, y)| x + y).collect()).collect();
        let ipr: Vec<f32> = power.iter().map(|c| pm::ipr(c)).collect();
        let top = ipr.iter().copied().filter(|v| !v.is_nan()).fold(0.0f32, f32::max);
        let mut neuron_frequencies = vec![0; spectrum.len()];
        for (c, v) in power.iter().zip(&ipr) {
            if let (true, Some(k)) = (*v >= MEMORIZING_REL_IPR * top, pm::dominant_frequency(c)) {
                neuron_frequencies[k] += 1;
            }
        }
        Some(Report {
            p,
            neuron_frequencies,
            key_frequencies: pm::key_frequencies(&spectrum),
            spectrum,
            ipr_hist: pm::histogram(&ipr, IPR_BINS, 0.0, 1.0),
            ipr,
        })
    }

    /// The default number of neurons to prune: those below `MEMORIZING_REL_IPR` × the largest
    /// IPR (dead neurons, IPR NaN, included).
    pub fn default_k(&self) -> usize {
        let top = self.ipr.iter().copied().filter(|v| !v.is_nan()).fold(0.0f32, f32::max);
        self.ipr.iter().filter(|v| v.is_nan() || **v < MEMORIZING_REL_IPR * top).count()
    }

    /// Min, median, mean and max of the finite IPRs (NaN when none).
    pub fn ipr_summary(&self) -> [f32; 4] {
        let mut v: Vec<f32> = self.ipr.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return [f32::NAN; 4];
        }
        v.sort_by(f32::total_cmp);
        let mean = v.iter().sum::<f32>() / v.len() as f32;
        [v[0], v[v.len() / 2], mean, v[v.len() - 1]]
    }
}

/// A copy of model 0's parameters with the outgoing weights of the first hidden layer's
/// `neurons` set to zero; `None` when the second slot does not read the first one's units
/// directly (a residual skip).
pub fn pruned(layout: &Layout, params: &[f32], neurons: &[usize]) -> Option<Vec<f32>> {
    let (l0, l1) = (layout.layers.first()?, layout.layers.get(1)?);
    if l1.i != l0.o || l1.skip != 0 || params.len() < layout.p {
        return None;
    }
    let mut q = params[..layout.p].to_vec();
    for &j in neurons.iter().filter(|&&j| j < l1.i) {
        // W [I, O] of slot 1: row j holds neuron j's outgoing weights.
        q[l1.w_off + j * l1.o..l1.w_off + (j + 1) * l1.o].fill(0.0);
    }
    Some(q)
}

/// Model 0's accuracies (`Accs`) on the splits with parameters `params` ([P] or [M, P]).
pub fn accuracies(layout: &Layout, params: &[f32], train: &Split, test: &Split) -> Accs {
    let one = Layout { models: 1, ..layout.clone() };
    let q = &params[..one.p.min(params.len())];
    let correct = |s: &Split| -> Vec<bool> {
        if s.is_empty() || q.len() < one.p {
            return vec![];
        }
        let acts = one.forward(q, &s.x, s.len());
        let pred = super::memo::predictions(acts.last().map_or(&[][..], Vec::as_slice), one.outputs());
        pred.iter().zip(&s.y).map(|(a, b)| a == b).collect()
    };
    let frac = |c: &[bool], keep: &dyn Fn(usize) -> bool| {
        let (mut hit, mut n) = (0usize, 0usize);
        for (_, &ok) in c.iter().enumerate().filter(|(i, _)| keep(*i)) {
            n += 1;
            hit += usize::from(ok);
        }
        if n == 0 {
            f32::NAN
        } else {
            hit as f32 / n as f32
        }
    };
    let (tr, te) = (correct(train), correct(test));
    let flipped = |i: usize| train.flipped.get(i).copied().unwrap_or(false);
    Accs {
        train: frac(&tr, &|_| true),
        clean_train: frac(&tr, &|i| !flipped(i)),
        noisy_train: frac(&tr, &flipped),
        test: frac(&te, &|_| true),
    }
}

/// Prune the `k` lowest-IPR neurons of `report` (and, as the control, the `k` highest) and
/// evaluate; `None` when the layout cannot be pruned (`pruned`).
pub fn prune(layout: &Layout, params: &[f32], splits: (&Split, &Split), report: &Report, k: usize) -> Option<Prune> {
    let (train, test) = splits;
    let low = pm::lowest(&report.ipr, k);
    let neg: Vec<f32> = report.ipr.iter().map(|v| if v.is_nan() { f32::NAN } else { -v }).collect();
    // Highest IPR first; dead (NaN) neurons are never the control's.
    let high: Vec<usize> =
        pm::lowest(&neg, neg.len()).into_iter().filter(|&j| !neg[j].is_nan()).take(low.len()).collect();
    let after = accuracies(layout, &pruned(layout, params, &low)?, train, test);
    let after_high = accuracies(layout, &pruned(layout, params, &high)?, train, test);
    let before = accuracies(layout, params, train, test);
    Some(Prune { k: low.len(), neurons: low, before, after, after_high })
}

/// `grokpad run --json`'s `progress` object for a `data=mod` MLP: key frequencies, the
/// spectrum, an IPR summary and histogram, and the default pruning (`Report::default_k`).
pub fn json(layout: &Layout, params: &[f32], splits: (&Split, &Split), p: usize) -> Option<serde_json::Value> {
    let r = Report::of(layout, params, p)?;
    let [min, median, mean, max] = r.ipr_summary();
    let pr = prune(layout, params, splits, &r, r.default_k());
    let f = |x: f32| serde_json::Value::from(x);
    Some(serde_json::json!({
        "p": r.p,
        "key_frequencies": r.key_frequencies,
        "neuron_frequencies": r.neuron_frequencies,
        "spectrum": r.spectrum.iter().map(|&v| f(v)).collect::<Vec<_>>(),
        "ipr": {"min": f(min), "median": f(median), "mean": f(mean), "max": f(max), "hist": r.ipr_hist, "neurons": r.ipr.len()},
        "prune": pr.map(|x| serde_json::to_value(x).unwrap_or_default()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ops::Act;
    use crate::experiment::Loss;

    #[test]
    fn embeddings_prune_and_accuracies_on_a_hand_built_model() {
        // p = 3, one-hot pairs → 2 hidden (linear) → 3 logits; neuron 0 carries the answer "a".
        let p = 3;
        let l = Layout::new(&[6, 2, 3], Act::Linear, Loss::Ce, 1);
        let mut w = vec![0.0f32; l.p];
        let (l0, l1) = (l.layers[0], l.layers[1]);
        for a in 0..p {
            w[l0.w_off + a * 2] = a as f32; // neuron 0 = a (a-inputs only)
            w[l0.w_off + (p + a) * 2 + 1] = 1.0; // neuron 1 = 1 for any b
        }
        // Logit c = c·n0 − c²/2·n1, largest at c = a.
        for c in 0..p {
            w[l1.w_off + c] = c as f32;
            w[l1.w_off + 3 + c] = -((c * c) as f32) / 2.0;
        }
        let (ea, eb) = embeddings(&l, &w, p).unwrap();
        assert_eq!(ea, vec![0.0, 0.0, 1.0, 0.0, 2.0, 0.0]);
        assert_eq!(eb, vec![0.0, 1.0, 0.0, 1.0, 0.0, 1.0]);
        assert!(embeddings(&l, &w, 4).is_none(), "wrong p");
        // Data: label = a for every pair; the pair (2, 1) flipped to 0.
        let (mut x, mut y) = (vec![], vec![]);
        for a in 0..p {
            for b in 0..p {
                let mut row = vec![0.0; 6];
                (row[a], row[p + b]) = (1.0, 1.0);
                x.extend(row);
                y.push(a as u8);
            }
        }
        let mut train = Split::classified(x.clone(), y.clone());
        train.y[7] = 0;
        train.flipped[7] = true;
        let test = Split::classified(x, y);
        let a = accuracies(&l, &w, &train, &test);
        assert_eq!((a.clean_train, a.noisy_train, a.test), (1.0, 0.0, 1.0));
        assert!((a.train - 8.0 / 9.0).abs() < 1e-6);
        // Neuron 1 (b-only) is constant in a: power in bin 0 only → IPR 1; neuron 0 = a mod 3.
        let r = Report::of(&l, &w, p).unwrap();
        assert_eq!((r.spectrum.len(), r.ipr.len()), (2, 2));
        assert!((r.ipr[1] - 1.0).abs() < 1e-6, "{:?}", r.ipr);
        // Zeroing neuron 1's outgoing weights leaves logits c·a: argmax 0 (all equal) for a = 0,
        // 2 for a = 1 (wrong) and a = 2.
        let q = pruned(&l, &w, &[1]).unwrap();
        assert_eq!(&q[l1.w_off + 3..l1.w_off + 6], &[0.0, 0.0, 0.0]);
        let after = accuracies(&l, &q, &train, &test);
        assert!((after.test - 6.0 / 9.0).abs() < 1e-6, "{after:?}");
        let pr = prune(&l, &w, (&train, &test), &r, 1).unwrap();
        assert_eq!((pr.k, pr.before, pr.neurons.len()), (1, a, 1));
        assert_eq!(r.ipr_hist.iter().sum::<usize>(), 2);
        // Neuron 1 has no non-constant power; neuron 0 (a ↦ a) has its power at frequency 1.
        assert_eq!(r.neuron_frequencies, vec![0, 1]);
    }
}
