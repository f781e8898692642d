//! The KAN views (`plot::kandiagram`, `plot::kanedge`, `plot::kanvs`): diagram geometry and
//! hit-testing, edge curves drawn inside their boxes (bitmap pixels), opacity by importance,
//! the enlarged edge and the two KAN-vs-MLP charts rendered to SVG (labels, legend, colours).
#![cfg(not(target_arch = "wasm32"))]

use grokpad::plot::kandiagram::{alphas, curve_in_box, draw_kan, EdgeLook, KanDiagram, CURVE, MIN_BOX, SNAPPED};
use grokpad::plot::kanedge::{draw_edge, EdgeView};
use grokpad::plot::kanvs::{draw_scaling, draw_steps, KAN_COLOR, MLP_COLOR};
use plotters::prelude::*;

fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| Some(t.split_once('>')?.1.split_once("</text>")?.0.trim().to_string()))
        .collect()
}

fn svg_of(f: impl FnOnce(&DrawingArea<SVGBackend, plotters::coord::Shift>)) -> String {
    let mut s = String::new();
    {
        let area = SVGBackend::with_string(&mut s, (460, 300)).into_drawing_area();
        f(&area);
        area.present().unwrap();
    }
    s
}

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

#[test]
fn the_diagram_lays_out_nodes_and_one_box_per_edge() {
    let d = KanDiagram::new(&[2, 5, 1], 580).unwrap();
    assert_eq!(d.nodes.iter().map(|c| c.len()).collect::<Vec<_>>(), vec![2, 5, 1]);
    assert_eq!(d.edges.len(), 2 * 5 + 5);
    assert!(d.side >= MIN_BOX && d.h >= 120);
    // Columns run left to right: nodes, boxes of layer 0, nodes, boxes of layer 1, nodes.
    let xs = [d.nodes[0][0].0, d.edges[0].c.0, d.nodes[1][0].0, d.edges[10].c.0, d.nodes[2][0].0];
    assert!(xs.windows(2).all(|w| w[0] < w[1]), "{xs:?}");
    // i-major order within a layer, boxes inside the canvas and not overlapping.
    assert_eq!((d.edges[6].layer, d.edges[6].i, d.edges[6].j), (0, 1, 1));
    for e in &d.edges {
        let r = d.side / 2.0;
        assert!(e.c.1 - r >= 0.0 && e.c.1 + r <= d.h as f32 && e.c.0 + r <= 580.0, "{e:?}");
    }
    let col: Vec<f32> = d.edges.iter().filter(|e| e.layer == 0).map(|e| e.c.1).collect();
    assert!(col.windows(2).all(|w| w[1] - w[0] >= d.side), "{col:?}");
    // Every box is hit at its centre and a corner; the gap between columns hits nothing.
    for (k, e) in d.edges.iter().enumerate() {
        assert_eq!(d.hit(e.c.0, e.c.1), Some(k));
        assert_eq!(d.hit(e.c.0 + d.side / 2.0 - 1.0, e.c.1 - d.side / 2.0 + 1.0), Some(k));
        assert_eq!(d.index(e.layer, e.i, e.j), Some(k));
    }
    assert_eq!(d.hit(d.nodes[1][2].0, d.nodes[1][2].1), None);
    assert_eq!(d.index(2, 0, 0), None);
    // Too many edges for a box of MIN_BOX pixels, or no layer: none.
    assert!(KanDiagram::new(&[100, 5, 1], 580).is_none());
    // At most 34 edges between two layers on 580 px (the page's message says so).
    assert!(KanDiagram::new(&[2, 17, 1], 580).is_some_and(|d| d.side >= MIN_BOX && d.h <= 560));
    assert!(KanDiagram::new(&[5, 7, 1], 580).is_none());
    assert!(KanDiagram::new(&[2], 580).is_none());
    assert!(KanDiagram::new(&[2, 0, 1], 580).is_none());
    // Deeper shapes fit the same width.
    let deep = KanDiagram::new(&[4, 2, 1, 1], 580).unwrap();
    assert_eq!(deep.edges.len(), 8 + 2 + 1);
}

#[test]
fn a_curve_fills_its_box_and_a_flat_one_runs_through_the_middle() {
    let ys: Vec<f32> = (0..20).map(|k| (k as f32 / 19.0 * 3.0).sin()).collect();
    let pts = curve_in_box(&ys, (50.0, 40.0), 30.0);
    assert_eq!(pts.len(), 20);
    let (x0, x1) = (pts[0].0, pts[19].0);
    assert!(x0 >= 37 && x1 <= 63 && x1 - x0 >= 24, "{pts:?}");
    let (lo, hi) = (pts.iter().map(|p| p.1).min().unwrap(), pts.iter().map(|p| p.1).max().unwrap());
    assert!(lo >= 27 && hi <= 53 && hi - lo >= 24, "{lo}..{hi}");
    // The maximum of sin is drawn highest (smallest y).
    let top = pts.iter().min_by_key(|p| p.1).unwrap();
    assert!((top.0 - 50).abs() <= 4, "{top:?}");
    let flat = curve_in_box(&[2.0; 10], (50.0, 40.0), 30.0);
    assert!(flat.iter().all(|p| p.1 == 40));
    assert_eq!(curve_in_box(&[f32::NAN, 1.0, f32::INFINITY, 2.0], (0.0, 0.0), 20.0).len(), 2);
}

#[test]
fn opacity_follows_importance_within_each_layer() {
    let a = alphas(&[0.0, 1.0, 0.5, f32::NAN, 10.0, 10.0, 0.0], &[0, 0, 0, 0, 1, 1, 1]);
    assert_eq!((a[0], a[3], a[6]), (0.0, 0.0, 0.0));
    assert!(a[1] > 0.99 && a[2] > 0.85 && a[2] < a[1], "{a:?}");
    assert_eq!(a[4], a[5]);
    assert_eq!(alphas(&[0.0, 0.0], &[0, 0]), vec![0.0, 0.0]);
}

#[test]
fn the_diagram_draws_curves_in_their_boxes_by_opacity() {
    let d = KanDiagram::new(&[2, 2, 1], 300).unwrap();
    let wave: Vec<f32> = (0..24).map(|k| (k as f32 * 0.5).sin()).collect();
    let mut looks = vec![EdgeLook { ys: wave.clone(), alpha: 1.0, snapped: false }; d.edges.len()];
    looks[1].alpha = 0.0;
    looks[2].snapped = true;
    let (w, h) = (d.w, d.h);
    let mut buf = vec![0u8; (w * h * 3) as usize];
    {
        let area = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        draw_kan(&area, &d, &looks, Some(3)).unwrap();
        area.present().unwrap();
    }
    let px = |x: i32, y: i32| {
        let k = ((y as u32 * w + x as u32) * 3) as usize;
        (buf[k], buf[k + 1], buf[k + 2])
    };
    let ink_in = |k: usize| {
        let (c, r) = (d.edges[k].c, (d.side / 2.0 - 3.0) as i32);
        let (cx, cy) = (c.0 as i32, c.1 as i32);
        let mut dark = 0;
        for y in cy - r..=cy + r {
            for x in cx - r..=cx + r {
                let p = px(x, y);
                if (p.0 as u32 + p.1 as u32 + p.2 as u32) < 3 * 160 {
                    dark += 1;
                }
            }
        }
        dark
    };
    assert!(ink_in(0) > 10, "an important edge's curve is drawn: {}", ink_in(0));
    assert!(ink_in(1) < ink_in(0) / 3, "an unimportant one is faint: {} vs {}", ink_in(1), ink_in(0));
    // The snapped edge is purple somewhere in its box.
    let c = d.edges[2].c;
    let r = (d.side / 2.0 - 2.0) as i32;
    let purple = (-r..=r).flat_map(|dy| (-r..=r).map(move |dx| (dx, dy))).any(|(dx, dy)| {
        let p = px(c.0 as i32 + dx, c.1 as i32 + dy);
        i32::from(p.2) > i32::from(p.1) + 40 && i32::from(p.0) > i32::from(p.1) + 20
    });
    assert!(purple, "snapped curve in {SNAPPED:?}");
    // Nodes are dark dots.
    let n = d.nodes[1][0];
    assert_eq!(px(n.0 as i32, n.1 as i32), CURVE);
}

#[test]
fn the_enlarged_edge_shows_curve_data_and_candidate_with_a_legend() {
    let xs: Vec<f32> = (0..50).map(|k| -1.0 + k as f32 / 24.5).collect();
    let ys: Vec<f32> = xs.iter().map(|x| (std::f32::consts::PI * x).sin()).collect();
    let samples: Vec<(f32, f32)> =
        xs.iter().step_by(3).map(|&x| (x, (std::f32::consts::PI * x).sin() + 0.01)).collect();
    let fit = Some(("sin, R² = 0.999".to_string(), ys.iter().map(|y| y * 1.01).collect()));
    let v = EdgeView { title: "φ 1,1 → 2,1".into(), xs, ys, samples, fit, draw_text: true };
    let svg = svg_of(|a| draw_edge(a, &v).unwrap());
    let t = texts(&svg);
    for want in ["φ 1,1 → 2,1", "learned φ", "data through the edge", "sin, R² = 0.999", "input x", "φ(x)"] {
        assert!(t.iter().any(|x| x == want), "{want} missing: {t:?}");
    }
    assert!(svg.contains("<circle"), "data dots");
    assert!(svg.to_ascii_lowercase().contains(&hex(SNAPPED)), "candidate in purple");
    // Empty and non-finite input still draws axes.
    let empty = EdgeView { xs: vec![f32::NAN], ys: vec![1.0], ..EdgeView::default() };
    assert!(svg_of(|a| draw_edge(a, &empty).unwrap()).contains("<line") || !svg.is_empty());
}

#[test]
fn the_comparison_charts_label_both_models() {
    let kan: Vec<(f64, f64)> = (0..=10).map(|s| (s as f64 * 100.0, 0.5 * (-(s as f64) / 3.0).exp() + 0.01)).collect();
    let mlp: Vec<(f64, f64)> = (0..=10).map(|s| (s as f64 * 100.0, 0.5 * (-(s as f64) / 10.0).exp() + 0.1)).collect();
    let svg = svg_of(|a| {
        draw_steps(a, ("KAN [2,5,1] G=5", &kan), ("MLP [2,39,1] tanh", &mlp), "test RMSE", true).unwrap();
    });
    let t = texts(&svg);
    for want in
        ["KAN [2,5,1] G=5", "MLP [2,39,1] tanh", "step", "test RMSE", "KAN vs MLP at equal parameters: test RMSE"]
    {
        assert!(t.iter().any(|x| x == want), "{want} missing: {t:?}");
    }
    let lower = svg.to_ascii_lowercase();
    assert!(lower.contains(&hex(KAN_COLOR)) && lower.contains(&hex(MLP_COLOR)));
    let ks = [(126.0, 0.05), (171.0, 0.03), (306.0, 0.02), (531.0, 0.03), (1206.0, 0.06)];
    let ms = [(127.0, 0.3), (169.0, 0.25), (305.0, 0.2), (529.0, 0.2), (1205.0, 0.15)];
    let svg = svg_of(|a| draw_scaling(a, &ks, &ms, "test RMSE", true).unwrap());
    let t = texts(&svg);
    for want in ["KAN (grid sizes)", "MLP (matched widths)", "parameters", "Scaling: final test RMSE vs parameters"] {
        assert!(t.iter().any(|x| x == want), "{want} missing: {t:?}");
    }
    assert!(svg.matches("<circle").count() >= ks.len() + ms.len(), "a dot per model");
    // Nothing finished yet: empty axes, no panic.
    let empty = svg_of(|a| draw_scaling(a, &[], &[(0.0, f64::NAN)], "test error", true).unwrap());
    assert!(texts(&empty).iter().any(|x| x == "test error"));
}
