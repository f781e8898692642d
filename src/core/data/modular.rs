//! Modular arithmetic `a ∘ b mod p` over all pairs, the algorithmic datasets of grokking (Power
//! et al. 2022, "Grokking: Generalization Beyond Overfitting on Small Algorithmic Datasets"),
//! with label corruption (Doshi et al. 2024, "To grok or not to grok: Disentangling
//! generalization and memorization on corrupted algorithmic datasets").
//!
//! Every pair (a, b) ∈ [0, p)² is enumerated (b ≠ 0 for division: p(p − 1) pairs), shuffled
//! with the `SPLIT` stream of the seed, and the first `round(train · pairs)` form the training
//! split. Inputs are one-hot(a) ‖ one-hot(b) (2p columns); the label is the class a ∘ b mod p
//! (p classes). A fraction `corrupt` of the training labels is replaced by a different class
//! (`labels::flip`: the `LABELS` stream, clean label and flag kept); test labels never change.
//! Plot coordinates put the a × b table on the plot's [-6, 6]² ([`coord`]), so the boundary
//! plot shows every pair coloured by its label, test pairs ringed.

use super::{labels, n_train, Data, DataSpec, Labels, Lift, Split};
use crate::core::rng::{stream, Rng};
use crate::experiment::ModOp;

/// Whether `n` is prime.
pub fn is_prime(n: u32) -> bool {
    n >= 2 && (2..).take_while(|d: &u32| d.saturating_mul(*d) <= n).all(|d| !n.is_multiple_of(d))
}

/// The prime nearest `n` (the smaller one on a tie; 2 for n ≤ 2).
pub fn nearest_prime(n: u32) -> u32 {
    if n <= 2 {
        return 2;
    }
    (0..n).find_map(|d| [n - d, n.saturating_add(d)].into_iter().find(|&q| is_prime(q))).unwrap_or(2)
}

/// Plot coordinate of residue `v` mod `p`: cell centres spread over [-6, 6].
pub fn coord(v: usize, p: usize) -> f32 {
    -6.0 + 12.0 * (v as f32 + 0.5) / p.max(1) as f32
}

/// The residue whose [`coord`] is `c` (the inverse of `coord`, rounded).
pub fn residue(c: f32, p: usize) -> usize {
    let v = ((c + 6.0) * p as f32 / 12.0 - 0.5).round();
    (v.max(0.0) as usize).min(p.saturating_sub(1))
}

/// The modulus used for a URL's `p`: clamped to `limits::P` (labels are bytes), then the
/// nearest prime.
pub fn modulus(p: u32) -> usize {
    let (lo, hi) = crate::experiment::limits::P;
    nearest_prime(p.clamp(lo, hi)) as usize
}

/// Number of pairs of `op` mod `p`: p², or p(p − 1) for division.
pub fn n_pairs(p: usize, op: ModOp) -> usize {
    if op == ModOp::Div {
        p * p.saturating_sub(1)
    } else {
        p * p
    }
}

/// `b^e mod p`.
fn pow_mod(b: u64, mut e: u64, p: u64) -> u64 {
    let (mut r, mut b) = (1 % p, b % p);
    while e > 0 {
        if e & 1 == 1 {
            r = r * b % p;
        }
        b = b * b % p;
        e >>= 1;
    }
    r
}

/// `a ∘ b mod p` (p prime; `div` uses b⁻¹ = b^(p−2), Fermat).
pub fn apply(op: ModOp, a: u64, b: u64, p: u64) -> u64 {
    let (a, b) = (a % p, b % p);
    match op {
        ModOp::Add => (a + b) % p,
        ModOp::Sub => (a + p - b) % p,
        ModOp::Mul => a * b % p,
        ModOp::Div => a * pow_mod(b, p - 2, p) % p,
        ModOp::Sq => (a * a + b * b) % p,
        ModOp::Cube => (a * a % p * a + a * b) % p,
    }
}

/// All pairs of `op` mod `p`, a-major.
pub fn pairs(p: usize, op: ModOp) -> Vec<(usize, usize)> {
    let b0 = usize::from(op == ModOp::Div);
    (0..p).flat_map(|a| (b0..p).map(move |b| (a, b))).collect()
}

/// The dataset of `s` (see the module doc) with the modulus [`modulus`]`(s.p)`.
pub fn build(s: &DataSpec) -> Data {
    let p = modulus(s.p);
    let mut all = pairs(p, s.op);
    Rng::new(s.seed, stream::SPLIT).shuffle(&mut all);
    let k = n_train(all.len(), s.train);
    let split = |v: &[(usize, usize)]| {
        let mut x = vec![0.0f32; v.len() * 2 * p];
        for (i, &(a, b)) in v.iter().enumerate() {
            x[i * 2 * p + a] = 1.0;
            x[i * 2 * p + p + b] = 1.0;
        }
        let y: Vec<u8> = v.iter().map(|&(a, b)| apply(s.op, a as u64, b as u64, p as u64) as u8).collect();
        let raw = v.iter().flat_map(|&(a, b)| [coord(a, p), coord(b, p)]).collect();
        Split { x, raw, clean: y.clone(), flipped: vec![false; y.len()], y, r: vec![], subpop: vec![] }
    };
    let (mut train, test) = (split(&all[..k]), split(&all[k..]));
    match s.labels {
        Labels::Random => labels::randomize(&mut train.y, &mut train.flipped, p, s.seed),
        Labels::Given => labels::flip(&mut train.y, &mut train.flipped, s.corrupt.clamp(0.0, 0.9), p, s.seed),
    }
    Data { train, test, inputs: 2 * p, classes: p, lift: Lift::Coords { dim: 2 * p } }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primes_and_ops() {
        let primes: Vec<u32> = (0..30).filter(|&n| is_prime(n)).collect();
        assert_eq!(primes, vec![2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
        assert_eq!([nearest_prime(24), nearest_prime(25), nearest_prime(26), nearest_prime(100)], [23, 23, 23, 101]);
        assert_eq!(nearest_prime(113), 113);
        assert_eq!(nearest_prime(u32::MAX), 4_294_967_291);
        let p = 7;
        assert_eq!(apply(ModOp::Add, 5, 4, p), 2);
        assert_eq!(apply(ModOp::Sub, 2, 5, p), 4);
        assert_eq!(apply(ModOp::Mul, 3, 5, p), 1);
        assert_eq!(apply(ModOp::Sq, 3, 5, p), 34 % 7);
        assert_eq!(apply(ModOp::Cube, 3, 5, p), 42 % 7);
        for a in 0..p {
            for b in 1..p {
                // (a / b) · b = a.
                assert_eq!(apply(ModOp::Mul, apply(ModOp::Div, a, b, p), b, p), a);
            }
        }
        assert_eq!((pairs(7, ModOp::Div).len(), n_pairs(7, ModOp::Div), n_pairs(7, ModOp::Add)), (42, 42, 49));
    }
}
