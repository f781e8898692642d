//! The selectable KAN bases (`core::kan::basis`, URL `basis`): finite-difference gradient checks
//! of the ReLU-KAN (Qiu et al. 2024) and rational (KAT, Yang & Wang 2024) layers through two
//! chained layers and M = 2 models (inputs inside and outside the grid, exactly at knots, and
//! x = 0 where the safe Padé denominator has its kink), the sparsity penalty's backward on both,
//! KAT's variance-preserving init, refinement (least squares over the ReLU bumps; a no-op for
//! the rational basis), edge curves agreeing with the forward, and the GPU fallback.
//!
//! FD on f32 ops, tolerance 1e-2 (2e-2 for ReLU). R_j is C¹ but R″ jumps by 32/w² at the ends
//! of its span (w its width), so the ReLU check, which plants inputs exactly at knots, uses
//! ε = 2e-4; the rational check (ε = 5e-4) redraws any draw whose A(x) = Σ b_n xⁿ comes within
//! the FD step of 0 (|A| is not differentiable there) except the planted x = 0, where
//! sgn(0) = 0 is the central difference's own value.

use grokpad::core::check::check_grad;
use grokpad::core::kan::basis::{RAT_COEFS, RAT_M};
use grokpad::core::kan::edges::edge_phi;
use grokpad::core::kan::refine::refine;
use grokpad::core::kan::reg::{reg_bwd, reg_fwd, Sparsity};
use grokpad::core::kan::{kan_bwd, kan_fwd, Basis, Batch, KanLayout};
use grokpad::core::ops::HeadKind;
use grokpad::core::rng::Rng;
use grokpad::experiment::url::decode;

/// FD steps: small enough that the jump of R″ at a knot (32/w² for a bump of width w) or a
/// kink of |A| within reach costs well under the tolerance, large enough for f32.
fn eps(basis: Basis) -> f32 {
    match basis {
        Basis::Relu => 2e-4,
        _ => 5e-4,
    }
}

fn bt(l: &KanLayout, i: usize, b: usize) -> Batch {
    Batch { models: l.models, rows: b, x_stride_m: b * i, p: l.p }
}

/// Forward of a whole layout on per-model inputs x [M, B, I0]; every layer's output.
fn forward(l: &KanLayout, params: &[f32], x: &[f32], b: usize) -> Vec<Vec<f32>> {
    let mut acts: Vec<Vec<f32>> = vec![];
    for (li, ly) in l.layers.iter().enumerate() {
        let mut out = vec![0.0; l.models * b * ly.o];
        let input = if li == 0 { x } else { &acts[li - 1][..] };
        kan_fwd(ly, bt(l, ly.i, b), input, params, &mut out);
        acts.push(out);
    }
    acts
}

fn proj(r: &[f32], out: &[f32]) -> f64 {
    r.iter().zip(out).map(|(&a, &b)| a as f64 * b as f64).sum()
}

/// Whether some rational edge's A(x) is within reach of the FD step of its kink at A = 0
/// (x = 0 exactly is allowed: see the module doc).
fn near_kink(l: &KanLayout, params: &[f32], acts: &[Vec<f32>], x: &[f32], b: usize) -> bool {
    l.layers.iter().enumerate().any(|(li, ly)| {
        let input = if li == 0 { x } else { &acts[li - 1][..] };
        (0..l.models * b * ly.i).any(|s| {
            let (m, i, v) = (s / (b * ly.i), s % ly.i, input[s]);
            v != 0.0
                && (0..ly.o).any(|o| {
                    let c = &params[m * l.p + ly.coef_off(i, o)..][RAT_M + 1..RAT_COEFS];
                    let a: f32 = c.iter().enumerate().map(|(n, bn)| bn * v.powi(n as i32 + 1)).sum();
                    let da: f32 = c.iter().enumerate().map(|(n, bn)| (n + 1) as f32 * bn * v.powi(n as i32)).sum();
                    let reach: f32 = (1..=4).map(|n| v.abs().powi(n)).sum::<f32>() + 3.0 * da.abs();
                    a.abs() < 2.0 * eps(Basis::Rational) * reach
                })
        })
    })
}

fn grad_check(basis: Basis, g: usize, k: usize, seed: u64) {
    // The rational check redraws near kinks: a smaller net keeps that rare.
    let (m, b, w) = if basis == Basis::Rational { (2, 2, [3, 2, 2]) } else { (2, 4, [3, 4, 2]) };
    let l = KanLayout::new(&w, g, k, HeadKind::Regression, m).with_basis(basis);
    let mut r = Rng::new(seed, 9);
    let (mut params, mut x, mut acts);
    let mut tries = 0;
    let knots = grokpad::core::kan::bspline::uniform(-1.0, 1.0, g, k);
    let scale = if basis == Basis::Rational { 0.5 } else { 1.0 };
    loop {
        params = l.init(r.next_u32() as u64);
        for ly in &l.layers {
            for mi in 0..m {
                for j in ly.wb_off()..ly.bias_off() + ly.o {
                    params[mi * l.p + j] = (r.range(-1.0, 1.0) * scale) as f32;
                }
            }
        }
        let span = if basis == Basis::Rational { 1.5 } else { 3.0 };
        x = (0..m * b * w[0]).map(|_| r.range(-span, span) as f32).collect::<Vec<f32>>();
        if basis == Basis::Rational {
            x[1] = 0.0;
        } else {
            // Exactly at knots (inner and extended), and beyond the extended grid.
            x[0] = knots[k + 1];
            x[4] = knots[k + g / 2];
            x[8] = knots[1];
            x[2] = knots[knots.len() - 1] + 0.5;
            x[5] = knots[0] - 0.7;
        }
        acts = forward(&l, &params, &x, b);
        if basis != Basis::Rational || !near_kink(&l, &params, &acts, &x, b) {
            break;
        }
        tries += 1;
        assert!(tries < 500, "no draw away from the kinks");
    }
    let rr: Vec<f32> = (0..m * b * w[2]).map(|_| r.range(-1.0, 1.0) as f32).collect();
    let mut grads = vec![0.0; m * l.p];
    let (l0, l1) = (&l.layers[0], &l.layers[1]);
    let mut d1 = vec![0.0; m * b * l1.i];
    kan_bwd(l1, bt(&l, l1.i, b), &acts[0], &params, &rr, &mut grads, Some(&mut d1));
    let mut dx = vec![0.0; m * b * w[0]];
    kan_bwd(l0, bt(&l, l0.i, b), &x, &params, &d1, &mut grads, Some(&mut dx));
    let mask = l.lr_mask();
    let idx: Vec<usize> = (0..m * l.p).filter(|&j| mask[j % l.p] == 1.0).collect();
    let sub: Vec<f32> = idx.iter().map(|&j| params[j]).collect();
    let gsub: Vec<f32> = idx.iter().map(|&j| grads[j]).collect();
    let loss_p = |s: &[f32]| {
        let mut p = params.clone();
        idx.iter().zip(s).for_each(|(&j, &v)| p[j] = v);
        proj(&rr, forward(&l, &p, &x, b).last().unwrap())
    };
    let name = format!("{basis:?} k={k} G={g}");
    let tol = if basis == Basis::Relu { 2e-2 } else { 1e-2 };
    check_grad(&format!("{name} params"), &loss_p, &sub, &gsub, eps(basis), tol).unwrap();
    let loss_x = |xx: &[f32]| proj(&rr, forward(&l, &params, xx, b).last().unwrap());
    check_grad(&format!("{name} input"), &loss_x, &x, &dx, eps(basis), tol).unwrap();
    for ly in &l.layers {
        assert!((0..m).all(|mi| grads[mi * l.p + ly.off..mi * l.p + ly.wb_off()].iter().all(|&v| v == 0.0)));
    }
    assert!(gsub.iter().any(|&v| v != 0.0), "{name}: some gradient");
}

#[test]
fn relu_kan_gradients_match_finite_differences() {
    for k in 1..=4 {
        for g in [3, 5, 8] {
            grad_check(Basis::Relu, g, k, 300 + (10 * k + g) as u64);
        }
    }
}

#[test]
fn rational_gradients_match_finite_differences() {
    for seed in 0..6 {
        grad_check(Basis::Rational, 5, 3, 500 + seed);
    }
}

/// The penalty's backward (`reg_bwd`, through `branch_bwd`) against FD of `reg_fwd`'s penalty.
#[test]
fn sparsity_penalty_gradients_on_both_bases() {
    for basis in [Basis::Bspline, Basis::Relu, Basis::Rational] {
        let (m, b) = (1, 5);
        let l = KanLayout::new(&[2, 3], 4, 2, HeadKind::Regression, m).with_basis(basis);
        let ly = l.layers[0];
        let mut r = Rng::new(8, 8);
        let params = l.init(11);
        // |φ| has a kink at 0: draw samples whose edge values keep away from it.
        let x = loop {
            let x: Vec<f32> = (0..b * 2).map(|_| r.range(-0.9, 0.9) as f32).collect();
            let far = (0..b * 2).all(|s| (0..3).all(|o| edge_phi(&l, &params, 0, 0, s % 2, o, x[s]).abs() > 5e-3));
            if far {
                break x;
            }
        };
        let w = Sparsity { lamb: 0.5, entropy: 2.0 };
        let bt = Batch { models: m, rows: b, x_stride_m: 0, p: l.p };
        let (_, gphi) = reg_fwd(&ly, bt, &x, &params, w);
        let mut grads = vec![0.0; l.p];
        reg_bwd(&ly, bt, &x, &params, &gphi, &mut grads, None);
        let idx: Vec<usize> = (ly.wb_off()..ly.bias_off()).collect();
        let sub: Vec<f32> = idx.iter().map(|&j| params[j]).collect();
        let gsub: Vec<f32> = idx.iter().map(|&j| grads[j]).collect();
        let f = |s: &[f32]| {
            let mut p = params.clone();
            idx.iter().zip(s).for_each(|(&j, &v)| p[j] = v);
            reg_fwd(&ly, bt, &x, &p, w).0[0] as f64
        };
        check_grad(&format!("{basis:?} penalty"), &f, &sub, &gsub, 1e-3, 2e-2).unwrap();
    }
}

#[test]
fn layouts_and_rational_init_are_variance_preserving() {
    let bs = KanLayout::new(&[2, 5, 1], 5, 3, HeadKind::Regression, 1);
    let relu = bs.clone().with_basis(Basis::Relu);
    let rat = bs.clone().with_basis(Basis::Rational);
    assert_eq!((relu.p, relu.trainable()), (bs.p, 156), "same coefficients as the B-splines");
    // 15 edges × (10 rational coefficients + w_b + w_s) + 6 biases.
    assert_eq!(rat.trainable(), 15 * 12 + 6);
    assert_eq!(KanLayout::new(&[2, 5, 1], 5, 3, HeadKind::Regression, 1).with_basis(Basis::Bspline), bs);
    // KAT's criterion: the rational branch keeps E[out²] ≈ E[x²] whatever the width.
    for w in [4usize, 32, 128] {
        let l = KanLayout::new(&[w, 1], 5, 3, HeadKind::Regression, 16).with_basis(Basis::Rational);
        let mut p = l.init(5);
        let ly = l.layers[0];
        for mi in 0..16 {
            p[mi * l.p + ly.wb_off()..][..w].fill(0.0); // the rational branch alone
        }
        let mut r = Rng::new(2, 2);
        let x: Vec<f32> = (0..100 * w).map(|_| r.range(-1.0, 1.0) as f32).collect();
        let out = l.forward(&p, &x, 100).pop().unwrap();
        let var = out.iter().map(|v| (*v as f64).powi(2)).sum::<f64>() / out.len() as f64;
        eprintln!("rational width {w}: E[out²] {var:.3} (E[x²] = 0.333)");
        assert!(var > 0.333 / 2.0 && var < 0.333 * 2.0, "width {w}: {var}");
    }
}

#[test]
fn relu_refinement_preserves_the_function_and_rational_has_no_grid() {
    let l = KanLayout::new(&[2, 3, 1], 5, 3, HeadKind::Regression, 2).with_basis(Basis::Relu);
    let mut r = Rng::new(4, 4);
    let mut params = l.init(7);
    for ly in &l.layers {
        for j in ly.coef_off(0, 0)..ly.bias_off() {
            params[j] = r.range(-1.0, 1.0) as f32;
            params[l.p + j] = r.range(-1.0, 1.0) as f32;
        }
    }
    let n = 600;
    let x: Vec<f32> = (0..2 * n).map(|_| r.range(-1.0, 1.0) as f32).collect();
    let before = l.forward(&params, &x, n).pop().unwrap();
    let scale = before.iter().map(|v| v.abs()).fold(0.0f32, f32::max);
    // The ReLU bumps of G′ do not contain those of G (B-splines on a refined grid would), so
    // the refit is close, not exact: measured max errors 7.9% (G′ = 10) and 3.9% (G′ = 40).
    for (g_new, tol) in [(10, 0.1), (40, 0.05)] {
        let (nl, np) = refine(&l, &params, &x, n, g_new);
        assert_eq!((nl.layers[0].g, nl.basis()), (g_new, Basis::Relu));
        let after = nl.forward(&np, &x, n).pop().unwrap();
        let err = before.iter().zip(&after).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
        eprintln!("relu G 5 -> {g_new}: max error {err} (scale {scale})");
        assert!(err < tol * scale, "G 5 -> {g_new}: {err} (scale {scale})");
    }
    let rat = l.clone().with_basis(Basis::Rational);
    let p = rat.init(3);
    let (nl, np) = refine(&rat, &p, &x, n, 20);
    assert_eq!((nl, np), (rat, p), "rational: refine changes nothing");
}

/// The edge curves (`edge_phi`, used by the diagram, symbolic fits, pruning, formula) add up to
/// the layer's forward for every basis.
#[test]
fn edge_curves_agree_with_the_forward() {
    for basis in [Basis::Bspline, Basis::Relu, Basis::Rational] {
        let l = KanLayout::new(&[2, 3], 4, 3, HeadKind::Regression, 2).with_basis(basis);
        let p = l.init(9);
        let x = [0.3f32, -1.7, 2.5, 0.0];
        let out = l.forward(&p, &x, 2).pop().unwrap();
        let ly = l.layers[0];
        for m in 0..2 {
            for s in 0..2 {
                for j in 0..3 {
                    let sum: f32 = (0..2).map(|i| edge_phi(&l, &p, m, 0, i, j, x[s * 2 + i])).sum::<f32>()
                        + p[m * l.p + ly.bias_off() + j];
                    let got = out[(m * 2 + s) * 3 + j];
                    assert!((sum - got).abs() < 1e-5, "{basis:?}: {sum} vs {got}");
                }
            }
        }
    }
}

#[test]
fn only_bspline_trains_on_the_gpu() {
    for (url, gpu) in [("model=kan", true), ("model=kan&basis=relu", false), ("model=kan&basis=rational", false)] {
        let e = decode(url).experiment;
        assert_eq!(grokpad::gpu::kan::gpu_supports(&e), gpu, "{url}");
        if !gpu {
            assert!(grokpad::gpu::kan::cpu_reason(&e).contains("B-spline"), "{url}");
        }
    }
}
