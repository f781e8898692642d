use super::*;
use crate::core::ops::HeadKind;
use crate::experiment::url::decode;

fn kan_session(e: &Experiment) -> Session {
    let (d, b) = crate::ui::kanvs::cpu_backend(e).unwrap();
    Session::new(e.clone(), d, b, 0)
}

#[test]
fn thresholds_are_checked() {
    assert_eq!(parse_threshold(" 0.01 "), Ok(0.01));
    assert_eq!(parse_threshold("0"), Ok(0.0));
    for bad in ["", "abc", "-0.1", "11", "NaN", "inf"] {
        assert!(parse_threshold(bad).is_err(), "{bad}");
    }
}

#[test]
fn the_schedule_stays_ordered_and_capped() {
    let list = vec![(5, 0.1), (9, 0.2)];
    assert_eq!(insert(&list, 7, 0.3).unwrap(), vec![(5, 0.1), (7, 0.3), (9, 0.2)]);
    assert_eq!(insert(&list, 9, 0.5).unwrap(), vec![(5, 0.1), (9, 0.5)], "same step: replaced");
    assert_eq!(insert(&[], 0, 0.01).unwrap(), vec![(0, 0.01)]);
    let full: Vec<(u64, f32)> = (0..limits::MAX_KPRUNES as u64).map(|s| (s, 0.1)).collect();
    assert!(insert(&full, 100, 0.1).is_err());
    assert_eq!(insert(&full, 3, 0.7).unwrap()[3], (3, 0.7), "replacing needs no room");
}

#[test]
fn counts_edges_and_whole_hidden_nodes() {
    let mut l = KanLayout::new(&[2, 3, 1], 5, 3, HeadKind::Regression, 2);
    let mut p = l.init(1);
    assert_eq!(counts(&l, 0), Counts { edges: 0, edges_total: 9, nodes: 0, nodes_total: 3 });
    // Hidden node 1: both edges in and its edge out pruned; node 2 only its edge out.
    for (li, i, j) in [(0, 0, 1), (0, 1, 1), (1, 1, 0), (1, 2, 0)] {
        assert!(l.set_edge(&mut p, 0, li, i, j, EdgeFn::Pruned));
    }
    let c = counts(&l, 0);
    assert_eq!((c.edges, c.nodes), (4, 1));
    assert_eq!(c.text(), "4 of 9 edges and 1 of 3 hidden nodes");
    assert_eq!(counts(&l, 1).edges, 0, "model 1 untouched");
    let flat = KanLayout::new(&[1, 1], 5, 3, HeadKind::Regression, 1);
    assert_eq!(counts(&flat, 0).text(), "0 of 1 edge and 0 of 0 hidden nodes");
}

/// Pruning at step 30 (a grid update is due there: the preview regrids first, as the engine):
/// the link gets `kprune=30:θ`, the curves are kept, the preview is what the next step prunes,
/// and the run goes on exactly as the link replays it from the seed.
#[test]
fn pruning_mid_run_equals_replaying_the_link() {
    let e = decode("v=1&data=fn&model=kan&layers=5&grid=5&opt=adam&lr=0.01&n=200").experiment;
    let mut a = kan_session(&e);
    a.run_blocking(30, 10).unwrap();
    let before = a.rows().len();
    let th = 0.3;
    let (mut b, entry, c) = pruned(&a, th).unwrap();
    assert_eq!((entry, b.backend.steps(), b.rows().len()), ((30, th), 30, before));
    assert_eq!(b.exp.kprune, vec![(30, th)]);
    assert_eq!(b.markers.last().map(|m| m.1.as_str()), Some("prune θ = 0.3"));
    assert!(c.edges > 0 && c.edges < c.edges_total, "θ = {th} prunes some edges: {c:?}");
    b.run_blocking(31, 1).unwrap();
    let (layout, params) = b.backend.kan_state().unwrap();
    let now = counts(&layout, 0);
    assert_eq!((now.edges, now.nodes), (c.edges, c.nodes), "the preview is what the engine pruned");
    b.run_blocking(40, 10).unwrap();
    let mut replay = kan_session(&b.exp);
    replay.run_blocking(40, 10).unwrap();
    assert_eq!(replay.backend.kan_state().unwrap().1, b.backend.kan_state().unwrap().1);
    assert_ne!(params.len(), 0);
    // Not a KAN: refused.
    assert!(pruned(&Session::cpu(&decode("v=1").experiment), 0.01).is_err());
}
