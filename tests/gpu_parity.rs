//! Layer 3 of the test plan (DESIGN.md §5): every WGSL kernel against its `core` reference, one
//! dispatch at a time through `gpu::oneshot`, then whole training runs (K = 50 steps through
//! `train::Session`) on `GpuBackend` vs `CpuBackend`. Natively on wgpu/Vulkan; in CI that is
//! lavapipe:
//! `WGPU_BACKEND=vulkan VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json
//! XDG_RUNTIME_DIR=<writable dir> cargo test --test gpu_parity`.
//! Without an adapter these tests FAIL (they never skip silently).
//!
//! Tolerances. Per kernel: both sides sum in the same order, so what may differ is FMA
//! contraction and the transcendental functions (WGSL `exp`/`log` are not correctly rounded, and
//! tanh is computed as sign(z)·(1 − e^{−2|z|})/(1 + e^{−2|z|}) on the GPU): a few ulp. rtol 1e-4
//! with atol 1e-5 (scaled by the magnitude of the quantity, see `Tol`) is a ≥ 10× margin over
//! what was measured on lavapipe (max |Δ| 1.8e-7 for fwd tanh/sigmoid, 9.5e-7 on CE losses of
//! size ~5; bwd, MSE head and optimizers bit-identical). Gather and the 0/1 correctness flags
//! are compared exactly. Whole runs: per-step differences are fed back through 50 updates, so
//! weights (and Adam moments) get |Δw| ≤ 1e-4 + 1e-3·|w| (measured ≤ 2.4e-7), evaluation loss
//! the same (measured ≤ 4e-9), and the boundary grid scores 1e-3 (measured 1.3e-6); accuracy may
//! differ by one example at most (a point on the decision boundary can flip under a 1e-7 change).
#![cfg(not(target_arch = "wasm32"))]

use grokpad::core::check::close;
use grokpad::core::mlp::Layout;
use grokpad::core::ops::{
    act_fwd, dense_bwd_data, dense_bwd_weight, dense_fwd, gather, loss_head, Act, DenseDims, HeadOut,
};
use grokpad::core::optim::{adam, sgd, StepHyper};
use grokpad::core::rng::Rng;
use grokpad::engine::cpu::CpuBackend;
use grokpad::engine::Snapshot;
use grokpad::experiment::url::decode;
use grokpad::experiment::Loss;
use grokpad::gpu::kernels::{Dims, Slot, K, MAX_GROUPS, WG};
use grokpad::gpu::oneshot::u32_as_f32;
use grokpad::gpu::{GpuBackend, PlanKind};
use grokpad::train::{self, Session};
mod common;
use common::{gpu, launch, rand_vec};

const ACTS: [Act; 4] = [Act::Relu, Act::Tanh, Act::Sigmoid, Act::Linear];
/// More threads of work than one bounded dispatch has: the grid-stride loops must wrap.
const WRAP: usize = WG * MAX_GROUPS + 1;

/// Relative and absolute tolerance; `atol` is scaled by the typical magnitude of the compared
/// quantity (e.g. 1/B for head gradients).
#[derive(Clone, Copy)]
struct Tol {
    rtol: f32,
    atol: f32,
}
const TOL: Tol = Tol { rtol: 1e-4, atol: 1e-5 };

/// `close` with `tol`, panicking with its message; prints the largest |got − want|.
fn check(name: &str, got: &[f32], want: &[f32], tol: Tol) -> f32 {
    let worst = got.iter().zip(want).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
    println!("{name}: max |gpu - cpu| = {worst:.2e} over {} values", want.len());
    if let Err(e) = close(name, got, want, tol.rtol, tol.atol) {
        panic!("{e}");
    }
    worst
}

fn exact(name: &str, got: &[f32], want: &[f32]) {
    let bad = got.iter().zip(want).position(|(a, b)| a.to_bits() != b.to_bits());
    assert!(got.len() == want.len() && bad.is_none(), "{name}: differs at {bad:?}");
    println!("{name}: identical ({} values)", want.len());
}

fn dense_dims(d: &DenseDims, act_prev: Act) -> Dims {
    Dims::from_dense(d, act_prev)
}

/// M = 2 dims with padded parameter offsets (w_off = 3, two spare slots after the bias).
fn dims(act: Act, shared: bool, (m, b, i, o): (usize, usize, usize, usize)) -> DenseDims {
    let w_off = 3;
    let b_off = w_off + i * o;
    DenseDims {
        m,
        b,
        i,
        o,
        act,
        x_stride_m: if shared { 0 } else { b * i },
        p_stride: b_off + o + 2,
        w_off,
        b_off,
        mult: 1.0,
        w0: 1.0,
    }
}

const SMALL: (usize, usize, usize, usize) = (2, 7, 3, 5);

// ---------------------------------------------------------------------------------------------
// One kernel at a time

fn gather_case(m: usize, b: usize, i: usize, rows: usize, seed: u64) {
    let mut rng = Rng::new(seed, 0);
    let x = rand_vec(&mut rng, rows * i, -6.0, 6.0);
    let t: Vec<u32> = (0..rows).map(|_| rng.below(3)).collect();
    // The kernel reads idx at the slot's offset: put junk before it.
    let off = 5;
    let idx: Vec<u32> = (0..off + m * b).map(|k| if k < off { u32::MAX } else { rng.below(rows as u32) }).collect();
    let (mut xb, mut tb) = (vec![0.0; m * b * i], vec![0u32; m * b]);
    gather(i, &x, &t, &idx[off..], &mut xb, &mut tb);
    let d = Dims { m: m as u32, b: b as u32, i: i as u32, ..Default::default() };
    let slot = Slot { idx_off: off as u32, ..Default::default() };
    let (tf, idxf, tbf) = (u32_as_f32(&t), u32_as_f32(&idx), vec![0.0; m * b]);
    let [gx, gt, _] =
        launch(K::Gather, d, slot, [Some(&x), Some(&tf), Some(&idxf)], [Some(&vec![0.0; xb.len()]), Some(&tbf), None]);
    exact(&format!("gather m={m} b={b} x"), &gx, &xb);
    exact(&format!("gather m={m} b={b} t"), &gt, &u32_as_f32(&tb));
}

#[test]
fn gather_matches_cpu() {
    gather_case(2, 7, 3, 11, 1);
    gather_case(2, WRAP / 2 + 1, 2, 100, 2);
}

/// Layer inputs for `d`: uniform in [-2, 2], or one-hot rows (P3's encoding, which the dense
/// kernels skip through exactly as the CPU does).
fn inputs(rng: &mut Rng, d: &DenseDims, shared: bool, one_hot: bool) -> Vec<f32> {
    let mut x = rand_vec(rng, if shared { d.b * d.i } else { d.m * d.b * d.i }, -2.0, 2.0);
    if one_hot {
        for row in x.chunks_mut(d.i) {
            let hot = rng.below(d.i as u32) as usize;
            row.iter_mut().enumerate().for_each(|(k, v)| *v = if k == hot { 1.0 } else { 0.0 });
        }
    }
    x
}

fn fwd_case(act: Act, shared: bool, shape: (usize, usize, usize, usize), seed: u64) -> f32 {
    fwd_case_x(act, shared, shape, seed, false)
}

fn fwd_case_x(act: Act, shared: bool, shape: (usize, usize, usize, usize), seed: u64, one_hot: bool) -> f32 {
    let d = dims(act, shared, shape);
    let mut rng = Rng::new(seed, 0);
    let x = inputs(&mut rng, &d, shared, one_hot);
    let params = rand_vec(&mut rng, d.m * d.p_stride, -1.0, 1.0);
    let mut want = vec![0.0; d.m * d.b * d.o];
    dense_fwd(&d, &x, &params, &mut want);
    let [got, _, _] = launch(
        K::Fwd,
        dense_dims(&d, Act::Linear),
        Slot::default(),
        [Some(&x), Some(&params), None],
        [Some(&vec![f32::NAN; want.len()]), None, None],
    );
    check(&format!("fwd {act:?} shared={shared} one_hot={one_hot} {shape:?}"), &got, &want, TOL)
}

#[test]
fn fwd_matches_cpu_for_every_activation() {
    for (s, act) in ACTS.into_iter().enumerate() {
        for shared in [true, false] {
            fwd_case(act, shared, SMALL, s as u64);
        }
    }
    // M·⌈B/4⌉·⌈O/4⌉ = 4·150·130 4×4 tiles > 64·1024 invocations: the grid-stride loop wraps.
    for (s, act) in ACTS.into_iter().enumerate() {
        fwd_case(act, s % 2 == 0, (4, 600, 3, 519), 10 + s as u64);
    }
}

fn bwd_data_case(act_prev: Act, shape: (usize, usize, usize, usize), seed: u64) {
    let d = dims(Act::Linear, false, shape);
    let mut rng = Rng::new(seed, 0);
    let dz = rand_vec(&mut rng, d.m * d.b * d.o, -1.0, 1.0);
    let params = rand_vec(&mut rng, d.m * d.p_stride, -1.0, 1.0);
    let ap: Vec<f32> = rand_vec(&mut rng, d.m * d.b * d.i, -3.0, 3.0).iter().map(|&z| act_fwd(act_prev, z)).collect();
    let mut want = vec![0.0; ap.len()];
    dense_bwd_data(&d, &dz, &params, &ap, act_prev, &mut want);
    let [got, _, _] = launch(
        K::BwdData,
        dense_dims(&d, act_prev),
        Slot::default(),
        [Some(&dz), Some(&params), Some(&ap)],
        [Some(&vec![f32::NAN; want.len()]), None, None],
    );
    check(&format!("bwd_data act_prev={act_prev:?} {shape:?}"), &got, &want, TOL);
}

#[test]
fn bwd_data_matches_cpu_for_every_activation() {
    for (s, act) in ACTS.into_iter().enumerate() {
        bwd_data_case(act, SMALL, 20 + s as u64);
    }
    // M·⌈B/4⌉·⌈I/4⌉ = 4·150·130 tiles > 64·1024.
    bwd_data_case(Act::Tanh, (4, 599, 519, 3), 25);
}

fn bwd_weight_case(shared: bool, shape: (usize, usize, usize, usize), seed: u64) {
    bwd_weight_case_x(shared, shape, seed, false)
}

fn bwd_weight_case_x(shared: bool, shape: (usize, usize, usize, usize), seed: u64, one_hot: bool) {
    let d = dims(Act::Linear, shared, shape);
    let mut rng = Rng::new(seed, 0);
    let x = inputs(&mut rng, &d, shared, one_hot);
    let dz = rand_vec(&mut rng, d.m * d.b * d.o, -1.0, 1.0);
    // Junk in the grads buffer: the slots outside this layer must come back untouched.
    let init = rand_vec(&mut rng, d.m * d.p_stride, 5.0, 6.0);
    let mut want = init.clone();
    dense_bwd_weight(&d, &x, &dz, &mut want);
    let [got, _, _] = launch(
        K::BwdWeight,
        dense_dims(&d, Act::Linear),
        Slot::default(),
        [Some(&x), Some(&dz), None],
        [Some(&init), None, None],
    );
    // Sums over B terms of size ~1: scale atol by B.
    let tol = Tol { atol: TOL.atol * d.b as f32, ..TOL };
    check(&format!("bwd_weight shared={shared} one_hot={one_hot} {shape:?}"), &got, &want, tol);
}

#[test]
fn bwd_weight_matches_cpu() {
    bwd_weight_case(true, SMALL, 30);
    bwd_weight_case(false, SMALL, 31);
    // M·⌈(I+1)/4⌉·⌈O/4⌉ = 4·151·130 tiles > 64·1024.
    bwd_weight_case(false, (4, 3, 601, 517), 32);
    bwd_weight_case(true, (4, 3, 601, 517), 33);
}

fn head_case(kind: Loss, b: usize, c: usize, shared: bool, seed: u64) {
    let m = 2;
    let mut rng = Rng::new(seed, 0);
    let a = match kind {
        Loss::Mse => rand_vec(&mut rng, m * b, -3.0, 3.0).iter().map(|v| v.tanh()).collect(),
        Loss::Ce | Loss::MseOnehot => rand_vec(&mut rng, m * b * c, -4.0, 4.0),
    };
    let classes = if kind == Loss::Mse { 2 } else { c as u32 };
    let t: Vec<u32> = (0..if shared { b } else { m * b }).map(|_| rng.below(classes)).collect();
    let ts = if shared { 0 } else { b };
    let (mut dz, mut loss, mut correct) = (vec![0.0; m * b * c], vec![0.0; m * b], vec![0.0; m * b]);
    loss_head(kind, m, b, c, ts, &a, &t, HeadOut { dz: &mut dz, loss: &mut loss, correct: &mut correct });
    let d = Dims {
        m: m as u32,
        b: b as u32,
        o: c as u32,
        t_stride_m: ts as u32,
        kind: grokpad::core::ops::HeadKind::from(kind).code(),
        ..Default::default()
    };
    let nan = |n: usize| vec![f32::NAN; n];
    let [gdz, gloss, gcorrect] = launch(
        K::Head,
        d,
        Slot::default(),
        [Some(&a), Some(&u32_as_f32(&t)), None],
        [Some(&nan(dz.len())), Some(&nan(m * b)), Some(&nan(m * b))],
    );
    let name = format!("head {kind:?} B={b} C={c} shared_targets={shared}");
    // dz carries a 1/B factor.
    check(&format!("{name} dz"), &gdz, &dz, Tol { atol: TOL.atol / b as f32, ..TOL });
    check(&format!("{name} loss"), &gloss, &loss, TOL);
    exact(&format!("{name} correct"), &gcorrect, &correct);
}

#[test]
fn head_matches_cpu_mse_and_ce() {
    head_case(Loss::Mse, 7, 1, false, 40);
    head_case(Loss::Mse, 7, 1, true, 41);
    head_case(Loss::Ce, 7, 2, false, 42);
    head_case(Loss::Ce, 7, 3, true, 43);
    head_case(Loss::MseOnehot, 7, 3, true, 46);
    // M·B = 2·32769 > 64·1024.
    head_case(Loss::Mse, WRAP / 2 + 1, 1, false, 44);
    head_case(Loss::Ce, WRAP / 2 + 1, 3, false, 45);
}

fn optim_case(adam_opt: bool, p: usize, seed: u64) {
    let m = 2;
    let mut rng = Rng::new(seed, 0);
    let params = rand_vec(&mut rng, m * p, -1.0, 1.0);
    let grads = rand_vec(&mut rng, m * p, -1.0, 1.0);
    let mask: Vec<f32> = (0..p).map(|_| (rng.below(3) > 0) as u8 as f32).collect();
    let m1 = rand_vec(&mut rng, m * p, -0.1, 0.1);
    let m2 = rand_vec(&mut rng, m * p, 0.0, 0.01);
    let h = StepHyper::new(0.03, 0.01, 3);
    let slot = Slot::from_hyper(&h, 0, 1);
    let d = Dims { m: (m * p) as u32, p_stride: p as u32, ..Default::default() };
    let (mut w, mut a, mut v) = (params.clone(), m1.clone(), m2.clone());
    let (k, name) = if adam_opt {
        adam(&mut w, &grads, &mask, &mut a, &mut v, &h);
        (K::Adam, format!("adam P={p}"))
    } else {
        sgd(&mut w, &grads, &mask, &h);
        (K::Sgd, format!("sgd P={p}"))
    };
    // The kernels read the decay mask then unit learning-rate multipliers, and the gradient
    // norms (used only when clipping; see tests/gpu_optim.rs for the new options).
    let masks: Vec<f32> = mask.iter().copied().chain(std::iter::repeat_n(1.0, p)).collect();
    let gn = grokpad::core::optim::grad_norms(&grads, p);
    let ro = [Some(&grads[..]), Some(&masks[..]), Some(&gn[..])];
    let [gw, ga, gv] = launch(k, d, slot, ro, [Some(&params), Some(&m1), Some(&m2)]);
    check(&format!("{name} params"), &gw, &w, TOL);
    check(&format!("{name} m1"), &ga, &a, TOL);
    check(&format!("{name} m2"), &gv, &v, Tol { atol: 1e-7, ..TOL });
}

#[test]
fn optimizers_match_cpu() {
    optim_case(false, 37, 50);
    optim_case(true, 37, 51);
    // M·P = 2·33001 > 64·1024.
    optim_case(false, WRAP / 2 + 200, 52);
    optim_case(true, WRAP / 2 + 200, 53);
}

// ---------------------------------------------------------------------------------------------
// Whole training runs

/// Max |a − b| over the pairs, asserting |a − b| ≤ 1e-4 + 1e-3·|b| for each.
fn weights_close(name: &str, gpu: &[f32], cpu: &[f32]) -> f32 {
    assert_eq!(gpu.len(), cpu.len(), "{name}");
    let mut worst = 0.0f32;
    for (k, (&g, &c)) in gpu.iter().zip(cpu).enumerate() {
        let diff = (g - c).abs();
        assert!(diff <= 1e-4 + 1e-3 * c.abs(), "{name}[{k}]: gpu {g} cpu {c}");
        worst = worst.max(diff);
    }
    worst
}

fn snapshots_agree(url: &str, g: &Snapshot, c: &Snapshot, n: (usize, usize)) {
    assert_eq!(g.step, c.step, "{url}");
    for (split, gs, cs, n) in [("train", &g.train, &c.train, n.0), ("test", &g.test, &c.test, n.1)] {
        for (gm, cm) in gs.iter().zip(cs) {
            let dl = (gm.loss - cm.loss).abs();
            assert!(dl <= 1e-4 + 1e-3 * cm.loss.abs(), "{url} {split} loss: gpu {} cpu {}", gm.loss, cm.loss);
            assert!(
                (gm.acc - cm.acc).abs() <= 1.0 / n as f32 + 1e-6,
                "{url} {split} acc: gpu {} cpu {}",
                gm.acc,
                cm.acc
            );
            println!(
                "{url} {split}: loss gpu {} cpu {} (|Δ| {dl:.1e}), acc gpu {} cpu {}",
                gm.loss, cm.loss, gm.acc, cm.acc
            );
        }
    }
    let (gg, cg) = (g.grid.as_ref().expect("gpu grid"), c.grid.as_ref().expect("cpu grid"));
    check(&format!("{url} boundary grid"), gg, cg, Tol { rtol: 0.0, atol: 1e-3 });
}

/// A CPU and a GPU session of `url` over `models` models (the ensemble axis: model m has seed
/// `seed + m`), the GPU one on the `kind` plan.
fn sessions(url: &str, models: usize, kind: PlanKind) -> (Session, Session, (usize, usize)) {
    let e = decode(url).experiment;
    let (data, mut setup) = train::setup(&e);
    setup.layout = Layout::from_experiment(&e, models);
    setup.params = setup.layout.init(e.seed);
    let n = (data.train.len(), data.test.len());
    let cpu = CpuBackend::new(setup.clone(), 0);
    let g = GpuBackend::new_with(gpu().0.clone(), setup, 0, kind).unwrap_or_else(|err| panic!("{url}: {err}"));
    assert_eq!(g.is_fused(), kind == PlanKind::Fused, "{url}: {kind:?}");
    let b = e.batch();
    let cs = Session::from_parts(e.clone(), data.clone(), Box::new(cpu), b, models, 0);
    let gs = Session::from_parts(e, data, Box::new(g), b, models, 0);
    (cs, gs, n)
}

fn run_parity(url: &str, k: usize, kind: PlanKind) {
    run_parity_m(url, k, 1, kind)
}

fn run_parity_m(url: &str, k: usize, models: usize, kind: PlanKind) {
    let (mut cs, mut gs, n) = sessions(url, models, kind);
    let name = format!("{url} {kind:?} M={models}");
    let url = name.as_str();
    cs.train(k);
    gs.train(k);
    let (cw, cm1, cm2) = common::state_of(cs.backend.as_mut());
    let (gw, gm1, gm2) = common::state_of(gs.backend.as_mut());
    let dw = weights_close(&format!("{url} params"), &gw, &cw);
    let dm1 = weights_close(&format!("{url} adam m"), &gm1, &cm1);
    let dm2 = weights_close(&format!("{url} adam v"), &gm2, &cm2);
    let init = sessions_init(&cs, models);
    let moved = gw.iter().zip(&init).any(|(a, b)| a != b);
    assert!(moved, "{url}: the GPU run did not change the weights");
    println!("{url}: after {k} steps max |Δw| = {dw:.2e}, |Δm| = {dm1:.2e}, |Δv| = {dm2:.2e} over {} params", cw.len());
    let c = cs.snapshot_blocking(true).expect("cpu snapshot");
    let g = gs.snapshot_blocking(true).unwrap_or_else(|err| panic!("{url}: gpu snapshot: {err}"));
    snapshots_agree(url, &g, &c, n);
}

fn sessions_init(s: &Session, models: usize) -> Vec<f32> {
    Layout::from_experiment(&s.exp, models).init(s.exp.seed)
}

const TFP: &str = "#v=1";
const XOR_CE_ADAM: &str = "#v=1&layers=16,16&act=relu&loss=ce&opt=adam&lr=0.01&data=xor&bs=32";
const SIGMOID_L2: &str = "#v=1&l2=0.01&act=sigmoid";

#[test]
fn step_parity_default_tfp_mse_sgd_tanh() {
    run_parity(TFP, 50, PlanKind::PerOp);
    run_parity(TFP, 50, PlanKind::Fused);
}

#[test]
fn step_parity_xor_relu_ce_adam() {
    run_parity(XOR_CE_ADAM, 50, PlanKind::PerOp);
    run_parity(XOR_CE_ADAM, 50, PlanKind::Fused);
}

#[test]
fn step_parity_sigmoid_l2() {
    run_parity(SIGMOID_L2, 50, PlanKind::PerOp);
    run_parity(SIGMOID_L2, 50, PlanKind::Fused);
}

/// The fused kernel across submits (K > 256 steps), over an ensemble of models, with AdamW and
/// with SGD + decoupled decay, CE + L2, and a deeper TFP-style net (6 hidden layers, batch 30);
/// the per-op plan on the same ensemble for comparison.
#[test]
fn fused_parity_ensembles_and_long_runs() {
    run_parity_m("#v=1&layers=8,8&act=tanh&wd=0.5&lr=0.03", 300, 3, PlanKind::Fused);
    run_parity_m(
        "#v=1&layers=6,5&act=relu&loss=ce&opt=adam&wd=0.1&l2=0.001&lr=0.01&data=xor&bs=17",
        120,
        5,
        PlanKind::Fused,
    );
    run_parity_m("#v=1&layers=8,8,8,8,8,8&act=relu&bs=30&lr=0.01", 60, 2, PlanKind::Fused);
    run_parity_m("#v=1&layers=8,8&act=tanh&wd=0.5&lr=0.03", 300, 3, PlanKind::PerOp);
}

#[test]
fn plan_kind_auto_picks_fused_for_small_models_only() {
    let ctx = gpu().0.clone();
    let (_, small) = train::setup(&decode(TFP).experiment);
    assert!(GpuBackend::new(ctx.clone(), small, 0).unwrap().is_fused());
    let (_, big) = train::setup(&decode("#v=1&layers=64,64").experiment);
    assert!(!GpuBackend::new(ctx.clone(), big.clone(), 0).unwrap().is_fused());
    assert!(GpuBackend::new_with(ctx, big, 0, PlanKind::Fused).is_err());
}

/// Throughput of the per-op and fused plans (printed, not asserted: `--nocapture` shows it).
#[test]
fn steps_per_second_per_op_vs_fused() {
    let steps = 5000;
    for u in [TFP, "#v=1&layers=8,8&act=tanh"] {
        for kind in [PlanKind::PerOp, PlanKind::Fused] {
            let (_, mut gs, _) = sessions(u, 1, kind);
            gs.train(10);
            gs.backend.wait();
            let t0 = std::time::Instant::now();
            gs.train(steps);
            gs.backend.wait();
            let _ = common::state_of(gs.backend.as_mut());
            let s = steps as f64 / t0.elapsed().as_secs_f64();
            println!("SPEED {u} {kind:?}: {s:.0} steps/s ({steps} steps on {})", gpu().0.label);
        }
    }
}

/// Divergence is found where training runs (the optimizer kernel, or the fused kernel, records
/// the first step that left a weight non-finite) and equals the CPU reference's step, per model.
#[test]
fn divergence_step_matches_cpu_on_both_plans() {
    let url = "#v=1&loss=ce&act=linear&lr=1000&layers=8,8";
    for kind in [PlanKind::PerOp, PlanKind::Fused] {
        let (mut cs, mut gs, _) = sessions(url, 3, kind);
        cs.train(40);
        gs.train(40);
        let c = cs.snapshot_blocking(false).expect("cpu snapshot");
        let g = gs.snapshot_blocking(false).unwrap_or_else(|err| panic!("{url}: gpu snapshot: {err}"));
        println!("{url} {kind:?}: first non-finite step per model: cpu {:?} gpu {:?}", c.bad, g.bad);
        assert_eq!(c.bad.len(), 3);
        assert!(c.bad.iter().all(|s| s.is_some_and(|s| (1..=40).contains(&s))), "{:?}", c.bad);
        assert_eq!(g.bad, c.bad, "{url} {kind:?}");
    }
    // A healthy run records nothing.
    let (_, mut gs, _) = sessions(TFP, 2, PlanKind::Fused);
    gs.train(30);
    assert_eq!(gs.snapshot_blocking(false).expect("snapshot").bad, vec![None, None]);
}

/// One-hot inputs (P3's encoding): the dense kernels skip zero inputs, exactly as the CPU does.
#[test]
fn one_hot_inputs_match_cpu() {
    for (s, act) in ACTS.into_iter().enumerate() {
        fwd_case_x(act, false, (2, 9, 23, 6), 60 + s as u64, true);
    }
    bwd_weight_case_x(false, (2, 9, 23, 6), 65, true);
    bwd_weight_case_x(true, (2, 9, 23, 6), 66, true);
}
