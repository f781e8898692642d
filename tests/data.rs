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
