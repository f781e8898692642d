//! Layer 2 of the test plan (DESIGN.md §5) for the transformer ops of `core::ops`: causal
//! multi-head attention and LayerNorm against central finite differences (f64 accumulation of a
//! random projection L = Σ_k r_k·out_k of the f32 op, through `core::check`), plus structural
//! checks (causal mask, rows of probs summing to 1, the LayerNorm output normalized).
//!
//! Step and tolerance as in tests/ops.rs: ε = 2e-3, `check_grad` rtol = atol = 2e-3; the largest
//! |analytic − FD| is printed with `--nocapture` (≈1e-5 here), while a wrong scale or a dropped
//! softmax/normalization term is off by O(0.1).

use grokpad::core::check::{check_grad, fd_grad};
use grokpad::core::ops::{attn_bwd, attn_fwd, ln_bwd, ln_fwd, Attn};
use grokpad::core::rng::Rng;

const EPS: f32 = 2e-3;
const TOL: f32 = 2e-3;

fn rand_vec(r: &mut Rng, n: usize, lo: f64, hi: f64) -> Vec<f32> {
    (0..n).map(|_| r.range(lo, hi) as f32).collect()
}

fn proj(r: &[f32], out: &[f32]) -> f64 {
    assert_eq!(r.len(), out.len());
    r.iter().zip(out).map(|(&a, &b)| a as f64 * b as f64).sum()
}

fn grad_ok(name: &str, f: &dyn Fn(&[f32]) -> f64, x: &[f32], analytic: &[f32]) {
    let fd = fd_grad(f, x, EPS);
    let worst = analytic.iter().zip(&fd).map(|(&a, &b)| (a as f64 - b).abs()).fold(0.0, f64::max);
    println!("{name}: max |analytic - fd| = {worst:.2e} over {} entries", x.len());
    if let Err(e) = check_grad(name, f, x, analytic, EPS, TOL) {
        panic!("{e}");
    }
}

const SHAPES: [Attn; 4] = [
    Attn { batch: 1, seq: 1, heads: 1, d_head: 3 },
    Attn { batch: 2, seq: 3, heads: 2, d_head: 4 },
    Attn { batch: 1, seq: 5, heads: 3, d_head: 1 },
    Attn { batch: 3, seq: 4, heads: 1, d_head: 5 },
];

fn fwd(a: &Attn, q: &[f32], k: &[f32], v: &[f32]) -> (Vec<f32>, Vec<f32>) {
    let (mut p, mut o) = (vec![0.0; a.probs_len()], vec![0.0; a.qkv_len()]);
    attn_fwd(a, q, k, v, &mut p, &mut o);
    (p, o)
}

#[test]
fn attention_backward_matches_fd() {
    let mut rng = Rng::new(11, 0);
    for a in SHAPES {
        let n = a.qkv_len();
        let (q, k, v) =
            (rand_vec(&mut rng, n, -1.5, 1.5), rand_vec(&mut rng, n, -1.5, 1.5), rand_vec(&mut rng, n, -1.0, 1.0));
        let r = rand_vec(&mut rng, n, -1.0, 1.0);
        let (p, _) = fwd(&a, &q, &k, &v);
        let (mut dq, mut dk, mut dv) = (vec![7.0; n], vec![7.0; n], vec![7.0; n]);
        attn_bwd(&a, &q, &k, &v, &p, &r, &mut dq, &mut dk, &mut dv);
        grad_ok(&format!("attn dq {a:?}"), &|x| proj(&r, &fwd(&a, x, &k, &v).1), &q, &dq);
        grad_ok(&format!("attn dk {a:?}"), &|x| proj(&r, &fwd(&a, &q, x, &v).1), &k, &dk);
        grad_ok(&format!("attn dv {a:?}"), &|x| proj(&r, &fwd(&a, &q, &k, x).1), &v, &dv);
    }
}

#[test]
fn attention_is_causal_and_normalized() {
    let mut rng = Rng::new(12, 0);
    let a = Attn { batch: 2, seq: 4, heads: 2, d_head: 3 };
    let n = a.qkv_len();
    let (q, k, v) =
        (rand_vec(&mut rng, n, -2.0, 2.0), rand_vec(&mut rng, n, -2.0, 2.0), rand_vec(&mut rng, n, -1.0, 1.0));
    let (p, o) = fwd(&a, &q, &k, &v);
    for (row, pr) in p.chunks(a.seq).enumerate() {
        let i = row % a.seq;
        assert!(pr[i + 1..].iter().all(|&x| x == 0.0), "future key visible in row {row}: {pr:?}");
        assert!(pr[..=i].iter().all(|&x| x > 0.0));
        assert!((pr.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    }
    // Changing the last token's k and v leaves every earlier output unchanged.
    let (mut k2, mut v2) = (k.clone(), v.clone());
    let w = a.width();
    for b in 0..a.batch {
        let last = (b * a.seq + a.seq - 1) * w;
        k2[last..last + w].iter_mut().for_each(|x| *x += 1.0);
        v2[last..last + w].iter_mut().for_each(|x| *x -= 1.0);
    }
    let (_, o2) = fwd(&a, &q, &k2, &v2);
    for (t, (r1, r2)) in o.chunks(w).zip(o2.chunks(w)).enumerate() {
        assert_eq!(r1 == r2, t % a.seq != a.seq - 1, "token {t}");
    }
    // Large logits stay finite (max-subtracted softmax).
    let big: Vec<f32> = q.iter().map(|x| x * 1e3).collect();
    assert!(fwd(&a, &big, &k, &v).1.iter().all(|x| x.is_finite()));
}

fn ln_out(rows: usize, d: usize, x: &[f32], g: &[f32], b: &[f32]) -> Vec<f32> {
    let (mut y, mut m, mut r) = (vec![0.0; rows * d], vec![0.0; rows], vec![0.0; rows]);
    ln_fwd(rows, d, x, g, b, &mut y, &mut m, &mut r);
    y
}

#[test]
fn layernorm_backward_matches_fd() {
    let mut rng = Rng::new(13, 0);
    for (rows, d) in [(1, 1), (1, 2), (3, 5), (4, 8), (2, 17)] {
        let x = rand_vec(&mut rng, rows * d, -2.0, 2.0);
        let g = rand_vec(&mut rng, d, 0.5, 1.5);
        let b = rand_vec(&mut rng, d, -0.5, 0.5);
        let r = rand_vec(&mut rng, rows * d, -1.0, 1.0);
        let (mut y, mut m, mut rs) = (vec![0.0; rows * d], vec![0.0; rows], vec![0.0; rows]);
        ln_fwd(rows, d, &x, &g, &b, &mut y, &mut m, &mut rs);
        let (mut dx, mut dg, mut db) = (vec![0.0; rows * d], vec![0.0; d], vec![0.0; d]);
        ln_bwd(rows, d, &x, &g, &m, &rs, &r, &mut dx, &mut dg, &mut db);
        if d > 1 {
            // d = 1 normalizes every x to 0: y = β, dx = 0 (FD agrees, but the case is degenerate).
            grad_ok(&format!("ln dx {rows}x{d}"), &|x| proj(&r, &ln_out(rows, d, x, &g, &b)), &x, &dx);
        }
        grad_ok(&format!("ln dgamma {rows}x{d}"), &|g| proj(&r, &ln_out(rows, d, &x, g, &b)), &g, &dg);
        grad_ok(&format!("ln dbeta {rows}x{d}"), &|b| proj(&r, &ln_out(rows, d, &x, &g, b)), &b, &db);
        // Normalized: each row of (y − β)/γ has mean 0 and variance var/(var + ε) ≈ 1.
        for row in 0..rows {
            let xh: Vec<f32> = (0..d).map(|c| (y[row * d + c] - b[c]) / g[c]).collect();
            let mu = xh.iter().sum::<f32>() / d as f32;
            assert!(mu.abs() < 1e-5, "row mean {mu}");
            if d > 1 {
                let var = xh.iter().map(|v| v * v).sum::<f32>() / d as f32;
                assert!((var - 1.0).abs() < 1e-3, "row variance {var}");
            }
        }
    }
}
