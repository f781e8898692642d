use super::*;
use crate::core::kan::symbolic::fit_named;
use crate::core::ops::HeadKind;

/// A [2,3,1] KAN (two models) and 100 training rows over [−1, 1] × [−0.5, 2].
fn kan() -> (KanLayout, Vec<f32>, Vec<f32>) {
    let l = KanLayout::new(&[2, 3, 1], 5, 3, HeadKind::Regression, 2);
    let p = l.init(7);
    let x: Vec<f32> =
        (0..100).flat_map(|k| [-1.0 + k as f32 / 49.5, -0.5 + 2.5 * ((k * 37) % 100) as f32 / 99.0]).collect();
    (l, p, x)
}

#[test]
fn the_view_has_an_edge_per_box_over_the_data_range() {
    let (l, p, x) = kan();
    let v = build(&l, &p, &x, 580).unwrap();
    assert_eq!((v.layout.models, v.params.len()), (1, l.p));
    assert_eq!(v.diagram.edges.len(), 2 * 3 + 3);
    assert_eq!((v.looks.len(), v.ranges.len(), v.scores.len()), (9, 9, 9));
    // Layer-1 edges span the data of their input; every curve is sampled and finite.
    for (k, e) in v.diagram.edges.iter().enumerate() {
        if e.layer == 0 {
            let want = if e.i == 0 { (-1.0, 1.0) } else { (-0.5, 2.0) };
            assert!(
                (v.ranges[k].0 - want.0).abs() < 1e-4 && (v.ranges[k].1 - want.1).abs() < 1e-4,
                "{:?}",
                v.ranges[k]
            );
        }
        assert!(v.ranges[k].0 < v.ranges[k].1);
        assert_eq!(v.looks[k].ys.len(), CURVE_POINTS);
        assert!(v.looks[k].ys.iter().all(|y| y.is_finite()));
        assert!(!v.looks[k].snapped);
    }
    // The curve is φ itself: its end value is the edge's function at the range's end.
    let e = v.diagram.edges[4];
    let at = symbolic::edge_curve(&v.layout, &v.params, e.layer, e.i, e.j, &[v.ranges[4].1]);
    assert_eq!(v.looks[4].ys[CURVE_POINTS - 1], at[0]);
    // Opacity: the most important edge of each layer is nearly opaque, all within [0, 1].
    for layer in 0..2 {
        let a: Vec<f32> = (0..9).filter(|&k| v.diagram.edges[k].layer == layer).map(|k| v.looks[k].alpha).collect();
        assert!(a.iter().all(|x| (0.0..=1.0).contains(x)));
        assert!(a.iter().cloned().fold(0.0, f32::max) > 0.99, "{a:?}");
    }
    // Sizes that do not fit: none.
    assert!(build(&l, &p[..l.p - 1], &x, 580).is_none());
    let wide = KanLayout::new(&[100, 5, 1], 5, 3, HeadKind::Regression, 1);
    assert!(build(&wide, &wide.init(1), &vec![0.0; 200], 580).is_none());
}

#[test]
fn snapped_and_pruned_edges_show_and_the_formula_appears_when_all_are_snapped() {
    let (mut l, mut p, x) = kan();
    let inputs = subsample(&x, 2);
    let v = build(&l, &p, &inputs, 580).unwrap();
    assert_eq!(formula(&v), None, "splines left: no formula");
    // Snap every edge of both models to the linear fit of its samples; prune one.
    for layer in 0..2 {
        let (ni, no) = (l.layers[layer].i, l.layers[layer].o);
        for i in 0..ni {
            for j in 0..no {
                let (sx, sy) = symbolic::edge_samples(&l, &p, &inputs, layer, i, j);
                let f = fit_named("x", &sx, &sy).unwrap();
                let state = if (layer, i, j) == (0, 1, 2) { EdgeFn::Pruned } else { EdgeFn::Symbolic(f) };
                for m in 0..2 {
                    assert!(l.set_edge(&mut p, m, layer, i, j, state));
                }
            }
        }
    }
    let v = build(&l, &p, &inputs, 580).unwrap();
    let pruned = v.diagram.index(0, 1, 2).unwrap();
    assert_eq!((v.scores[pruned], v.looks[pruned].alpha, v.looks[pruned].snapped), (0.0, 0.0, false));
    assert!((0..9).filter(|&k| k != pruned).all(|k| v.looks[k].snapped));
    let f = formula(&v).expect("every live edge symbolic");
    assert!(f.contains("x1") && f.contains("x2"), "{f}");
}

#[test]
fn an_edge_enlarged_has_its_samples_and_suggestions() {
    let (l, p, x) = kan();
    let v = build(&l, &p, &x, 580).unwrap();
    let k = v.diagram.index(0, 0, 1).unwrap();
    let d = detail(&v, &x, k).unwrap();
    assert_eq!((d.layer, d.i, d.j, d.state), (0, 0, 1, EdgeFn::Spline));
    assert_eq!((d.xs.len(), d.ys.len(), d.samples.len()), (LARGE_POINTS, LARGE_POINTS, 100));
    assert_eq!((d.xs[0], d.xs[LARGE_POINTS - 1]), v.ranges[k]);
    assert!(d.samples.windows(2).all(|w| w[0].0 <= w[1].0), "sorted by x");
    assert!(d.fits.len() >= 5, "{:?}", d.fits);
    assert!(d.fits.iter().all(|f| f.r2.is_finite() && symbolic::SYMBOLS.contains(&f.name)));
    let best = d.fits[0];
    assert_eq!(fit_curve(&best, &[0.5]), vec![best.eval(0.5)]);
    assert!(fit_text(&best).starts_with(best.name) && fit_text(&best).contains("R² = "));
    assert!(detail(&v, &x, 99).is_none());
}

#[test]
fn names_samples_and_spacing() {
    assert_eq!(node_name(0, 1, 3), "x2");
    assert_eq!(node_name(1, 0, 3), "h1.1");
    assert_eq!(node_name(2, 0, 3), "y1");
    assert_eq!(edge_title(1, 2, 0, 3), "φ h1.3 → y1 (layer 2)");
    assert_eq!(linspace((0.0, 1.0), 5), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
    let x: Vec<f32> = (0..2000).map(|v| v as f32).collect();
    let s = subsample(&x, 2);
    assert_eq!(s.len(), 2 * MAX_SAMPLES);
    assert_eq!((s[0], s[1], s[2]), (0.0, 1.0, 6.0), "rows 0 and 3 of 1000, whole rows");
    assert_eq!(subsample(&x[..10], 2).len(), 10);
}
