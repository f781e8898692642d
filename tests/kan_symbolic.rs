//! KAN symbolic tools (`core::kan::symbolic`, issue 7): snapped edges in the forward pass, the
//! formula text of a fully snapped network, edge curves and samples, pykan attribution, and the
//! `snap` schedule's text form.

use grokpad::core::kan::symbolic::{edge_curve, edge_importance, edge_samples, formula, suggest, Snap, SymFit, AUTO};
use grokpad::core::kan::{EdgeFn, KanLayout};
use grokpad::core::ops::HeadKind;
use std::f32::consts::PI;

fn sym(name: &'static str, a: f32, b: f32, c: f32, d: f32) -> EdgeFn {
    EdgeFn::Symbolic(SymFit { name, a, b, c, d, r2: 1.0 })
}

/// A [2,1,1] KAN computing exp(sin(πx) + y²) with every edge snapped, biases 0.
fn hello() -> (KanLayout, Vec<f32>) {
    let mut l = KanLayout::new(&[2, 1, 1], 5, 3, HeadKind::Regression, 1);
    let mut p = l.init(7);
    assert!(l.set_edge(&mut p, 0, 0, 0, 0, sym("sin", PI, 0.0, 1.0, 0.0)));
    assert!(l.set_edge(&mut p, 0, 0, 1, 0, sym("x^2", 1.0, 0.0, 1.0, 0.0)));
    assert!(l.set_edge(&mut p, 0, 1, 0, 0, sym("exp", 1.0, 0.0, 1.0, 0.0)));
    assert!(!l.set_edge(&mut p, 0, 2, 0, 0, EdgeFn::Pruned), "no layer 2");
    (l, p)
}

fn grid_inputs(n: usize) -> Vec<f32> {
    (0..n * n)
        .flat_map(|k| [-1.0 + 2.0 * (k / n) as f32 / (n - 1) as f32, -1.0 + 2.0 * (k % n) as f32 / (n - 1) as f32])
        .collect()
}

#[test]
fn snapped_network_computes_and_prints_its_formula() {
    let (l, p) = hello();
    let x = grid_inputs(7);
    let n = x.len() / 2;
    let y = l.forward(&p, &x, n).pop().unwrap();
    for s in 0..n {
        let want = ((PI * x[2 * s]).sin() + x[2 * s + 1].powi(2)).exp();
        assert!((y[s] - want).abs() < 1e-4 * want, "{} vs {want}", y[s]);
    }
    assert_eq!(formula(&l, &p, &[]).as_deref(), Some("y = 1.00·exp(1.00·sin(3.14·x1) + 1.00·x2^2)"));
    // A spline edge leaves the formula undefined until it is snapped (or previewed by `snaps`).
    let (mut l2, mut p2) = hello();
    l2.set_edge(&mut p2, 0, 0, 1, 0, EdgeFn::Spline);
    assert_eq!(formula(&l2, &p2, &[]), None);
    let preview = Snap { step: 0, layer: 0, i: 1, j: 0, name: "x^2" };
    assert!(formula(&l2, &p2, &[preview]).is_some());
    assert!(formula(&l2, &p2, &[Snap { step: 0, layer: 0, i: 0, j: 0, name: AUTO }]).is_some());
    // Pruning the y edge drops it; a linear edge folds into its node; constants add up.
    let (mut l3, mut p3) = hello();
    l3.set_edge(&mut p3, 0, 0, 1, 0, EdgeFn::Pruned);
    l3.set_edge(&mut p3, 0, 1, 0, 0, sym("x", 2.0, 0.5, 1.5, 0.25));
    assert_eq!(formula(&l3, &p3, &[]).as_deref(), Some("y = 3.00·sin(3.14·x1) + 1.00"));
    assert_eq!(formula(&l3, &p3[..3], &[]), None, "short parameters");
    // The same function written with signs, scales and shifts inside the fits reads the same.
    let (mut l4, mut p4) = hello();
    l4.set_edge(&mut p4, 0, 0, 0, 0, sym("sin", -PI, 0.0, -1.0, 0.0));
    l4.set_edge(&mut p4, 0, 0, 1, 0, sym("x^2", 2.0, 0.02, 0.25, 0.0));
    l4.set_edge(&mut p4, 0, 1, 0, 0, sym("exp", 1.0, 1.0, (-1.0f32).exp(), 0.0));
    assert_eq!(formula(&l4, &p4, &[]).as_deref(), Some("y = 1.00·exp(1.00·sin(3.14·x1) + 1.00·(1.00·x2 + 0.01)^2)"));
}

#[test]
fn curves_samples_and_importance() {
    let (l, p) = hello();
    let xs = [-0.5f32, 0.0, 0.25];
    let c = edge_curve(&l, &p, 0, 0, 0, &xs);
    for (x, v) in xs.iter().zip(&c) {
        assert!((v - (PI * x).sin()).abs() < 1e-5);
    }
    assert!(edge_curve(&l, &p, 0, 2, 0, &xs).is_empty() && edge_curve(&l, &p, 5, 0, 0, &xs).is_empty());
    let x = grid_inputs(9);
    let (sx, sy) = edge_samples(&l, &p, &x, 1, 0, 0);
    assert_eq!(sx.len(), 81);
    assert!(sx.windows(2).all(|w| w[0] <= w[1]), "sorted");
    for (h, v) in sx.iter().zip(&sy) {
        assert!((v - h.exp()).abs() < 1e-4 * v);
    }
    let imp = edge_importance(&l, &p, &x);
    assert_eq!(imp.iter().map(Vec::len).collect::<Vec<_>>(), vec![2, 1]);
    assert!((imp[1][0] - 1.0).abs() < 1e-3, "{imp:?}");
    assert!(imp[0].iter().all(|&v| v > 0.1), "{imp:?}");
    // A spline network: an edge zeroed by pruning scores 0; the rest positive.
    let mut l2 = KanLayout::new(&[2, 3, 1], 5, 3, HeadKind::Regression, 2);
    let mut p2 = l2.init(3);
    l2.set_edge(&mut p2, 0, 0, 0, 2, EdgeFn::Pruned);
    let imp = edge_importance(&l2, &p2, &x);
    assert_eq!(imp[0][2], 0.0);
    assert!(imp[0].iter().enumerate().all(|(k, &v)| k == 2 || v > 0.0), "{imp:?}");
    assert!(edge_importance(&l2, &p2[..10], &x).is_empty());
}

#[test]
fn suggestions_on_learned_shapes() {
    let xs: Vec<f32> = (0..200).map(|k| -1.0 + k as f32 / 100.0).collect();
    let ys: Vec<f32> = xs.iter().map(|x| (-(2.0 * x - 0.5).powi(2)).exp()).collect();
    assert_eq!(suggest(&xs, &ys)[0].name, "gaussian");
}

#[test]
fn snap_text_round_trips() {
    for t in ["100:0:1:0:sin", "5:auto", "7:1:0:2:1/x", "0:0:0:0:x^2"] {
        let s: Snap = t.parse().unwrap();
        assert_eq!(s.to_string(), t);
    }
    for bad in ["", "1:2:3", "x:0:0:0:sin", "1:0:0:0:cosh", "1:0:0:99999999:sin", "-1:auto"] {
        assert!(bad.parse::<Snap>().is_err(), "{bad}");
    }
}

/// Finite differences of Σ r·output + the sparsity penalty through a [2,3,1] KAN (M = 2) with
/// a snapped edge in each layer and a pruned one: the CPU step's backward (`kan_bwd` +
/// `sym_bwd` + `reg_bwd`) against the forward (`kan_fwd` + `sym_fwd` + `reg_fwd`).
#[test]
fn sparsity_and_snapped_edges_gradients_match_finite_differences() {
    use grokpad::core::check::check_grad;
    use grokpad::core::kan::edges::{sym_bwd, sym_fwd};
    use grokpad::core::kan::reg::{reg_bwd, reg_fwd, Sparsity};
    use grokpad::core::kan::{kan_bwd, kan_fwd, Batch};
    let (m, b) = (2, 5);
    let mut l = KanLayout::new(&[2, 3, 1], 4, 3, HeadKind::Regression, m);
    let mut p = l.init(11);
    for (k, v) in p.iter_mut().enumerate() {
        if l.lr_mask()[k % l.p] == 1.0 {
            *v += 0.3 * ((k * 7919 % 13) as f32 / 13.0 - 0.5);
        }
    }
    l.set_edge(&mut p, 0, 0, 1, 2, sym("sin", 2.0, 0.3, 0.8, 0.1));
    l.set_edge(&mut p, 1, 1, 1, 0, sym("x^2", 1.5, -0.2, 0.6, 0.0));
    l.set_edge(&mut p, 1, 0, 0, 0, EdgeFn::Pruned);
    let w = Sparsity { lamb: 0.3, entropy: 2.0 };
    let x: Vec<f32> = (0..m * b * 2).map(|k| ((k * 37 % 23) as f32 / 23.0) * 1.8 - 0.9).collect();
    let r: Vec<f32> = (0..m * b).map(|k| ((k * 11 % 7) as f32 / 7.0) - 0.4).collect();
    let bt = |i: usize| Batch { models: m, rows: b, x_stride_m: b * i, p: l.p };
    let forward = |params: &[f32]| {
        let (mut acts, mut pen): (Vec<Vec<f32>>, f64) = (vec![], 0.0);
        for (li, ly) in l.layers.iter().enumerate() {
            let input = if li == 0 { &x[..] } else { &acts[li - 1][..] };
            let mut out = vec![0.0; m * b * ly.o];
            kan_fwd(ly, bt(ly.i), input, params, &mut out);
            sym_fwd(&l, li, bt(ly.i), input, &mut out);
            pen += reg_fwd(ly, bt(ly.i), input, params, w).0.iter().map(|&v| v as f64).sum::<f64>();
            acts.push(out);
        }
        (acts, pen)
    };
    let f = |params: &[f32]| {
        let (acts, pen) = forward(params);
        acts[1].iter().zip(&r).map(|(&a, &b)| a as f64 * b as f64).sum::<f64>() + pen
    };
    let (acts, _) = forward(&p);
    let mut grads = vec![0.0; m * l.p];
    let mut dz = r.clone();
    for (li, ly) in l.layers.iter().enumerate().rev() {
        let input = if li == 0 { &x[..] } else { &acts[li - 1][..] };
        let gphi = reg_fwd(ly, bt(ly.i), input, &p, w).1;
        let mut dx = vec![0.0; m * b * ly.i];
        kan_bwd(ly, bt(ly.i), input, &p, &dz, &mut grads, Some(&mut dx));
        sym_bwd(&l, li, bt(ly.i), input, &dz, &mut dx);
        reg_bwd(ly, bt(ly.i), input, &p, &gphi, &mut grads, Some(&mut dx));
        dz = dx;
    }
    // Parameters other than the grids (which get no gradient).
    let mask = l.lr_mask();
    let idx: Vec<usize> = (0..m * l.p).filter(|&k| mask[k % l.p] == 1.0).collect();
    let theta: Vec<f32> = idx.iter().map(|&k| p[k]).collect();
    let analytic: Vec<f32> = idx.iter().map(|&k| grads[k]).collect();
    let g = |t: &[f32]| {
        let mut q = p.clone();
        idx.iter().zip(t).for_each(|(&k, &v)| q[k] = v);
        f(&q)
    };
    check_grad("kan sparsity + symbolic", &g, &theta, &analytic, 2e-3, 5e-3).unwrap();
    assert!(analytic.iter().any(|v| v.abs() > 1e-2));
}
