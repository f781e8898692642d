//! Tests of `ui::netview`: maps through lifted inputs, weight edits, multi-class colours.

use super::*;
use crate::experiment::{url, Loss};
use crate::train::setup;

fn exp(hash: &str) -> Experiment {
    url::decode(hash).experiment
}

#[test]
fn maps_cover_inputs_and_every_slot_with_lifted_features() {
    let e = exp("#v=1&data=circle&features=x,y,x2,sinx&rff=3&layers=5,20");
    let (_, s) = setup(&e);
    let inputs = lifted_plane(&e, RES);
    assert_eq!(s.layout.inputs(), 4 + 6);
    assert_eq!(input_names(&e).len(), s.layout.inputs());
    assert_eq!(input_names(&e)[2], "x²");
    let m = maps(&s.layout, &s.params, &inputs);
    assert_eq!(m.iter().map(Vec::len).collect::<Vec<_>>(), vec![10, 5, MAX_UNITS, 1]);
    for unit in m.iter().flatten() {
        assert_eq!(unit.len(), RES * RES);
        assert!(unit.iter().all(|v| v.is_finite() && v.abs() <= 1.0 + 1e-6));
    }
    // Column 0 is the input feature itself: x² is symmetric in x and largest at the corners.
    let x2 = &m[0][2];
    assert!((x2[0] - 1.0).abs() < 1e-5 && (x2[0] - x2[RES - 1]).abs() < 1e-6);
    // Hidden unit 0 equals the reference forward pass at a grid point (up to its scale).
    let one = Layout { models: 1, ..s.layout.clone() };
    let acts = one.forward(&s.params[..one.p], &inputs, RES * RES);
    let raw: Vec<f32> = (0..RES * RES).map(|k| acts[0][k * 5]).collect();
    let max = raw.iter().fold(0.0f32, |a, v| a.max(v.abs()));
    assert!((m[1][0][7] - raw[7] / max).abs() < 1e-5);
    // Sizes that do not fit give nothing rather than a panic.
    assert!(maps(&s.layout, &s.params, &inputs[1..]).is_empty());
    assert!(maps(&s.layout, &s.params[..3], &inputs).is_empty());
}

#[test]
fn xor_clusters_name_their_coordinates() {
    let e = exp("#v=1&data=xorclusters&dim=7");
    assert_eq!(input_names(&e), (1..=7).map(|k| format!("x{k}")).collect::<Vec<_>>());
    let (_, s) = setup(&e);
    assert_eq!(maps(&s.layout, &s.params, &lifted_plane(&e, RES))[0].len(), 7);
}

#[test]
fn typed_weights_are_checked() {
    assert_eq!(parse_weight(" -0.25 "), Ok(-0.25));
    assert!(parse_weight("abc").is_err() && parse_weight("1e9").is_err() && parse_weight("inf").is_err());
}

#[test]
fn probabilities_only_for_more_than_two_classes() {
    let e = exp("#v=1&data=rings&classes=4&loss=ce");
    assert_eq!(e.loss, Loss::Ce);
    let (_, s) = setup(&e);
    let c = prob_colors(&s.layout, &s.params, &s.grid).unwrap();
    assert_eq!(c.len(), crate::engine::GRID_RES * crate::engine::GRID_RES);
    // Model 0's colours match the probabilities of its forward pass at a cell.
    let one = Layout { models: 1, ..s.layout.clone() };
    let out = one.forward(&s.params[..one.p], &s.grid, c.len());
    let k = 100;
    assert_eq!(c[k], crate::plot::probs::prob_color(&out.last().unwrap()[k * 4..k * 4 + 4]));
    assert!(shows_probs(&e));
    assert!(!shows_probs(&Experiment { discretize: true, ..e.clone() }));
    assert!(!shows_probs(&exp("#v=1&data=rings&classes=4&loss=ce&layers=200,200")), "too large to evaluate often");
    assert!(!shows_probs(&exp("#v=1&data=circle&loss=ce")));
    let (_, two) = setup(&exp("#v=1&data=circle&loss=ce"));
    assert!(prob_colors(&two.layout, &two.params, &two.grid).is_none());
    assert!(prob_colors(&s.layout, &s.params, &s.grid[1..]).is_none());
}
