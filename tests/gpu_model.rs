//! Layer 3 of the test plan (DESIGN.md §5) for the issue-4 model ops: the dense kernels with
//! the new activations, multiplier, residual skip, z storage, counter-based dropout and skip
//! gradients, and the regression / label-smoothed heads, one dispatch at a time through
//! `gpu::oneshot` against `core::ops`; then whole runs (CPU step vs per-op GPU step, K steps
//! through `train::Session`) of `Layout::build` networks using them. Tolerances and their
//! reasoning as in `tests/gpu_parity.rs` (gelu, silu and sin add WGSL's tanh/exp/sin/cos: still
//! a few ulp). Without an adapter these tests FAIL. Run on lavapipe:
//! `WGPU_BACKEND=vulkan VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json
//! XDG_RUNTIME_DIR=<writable dir> cargo test --release --test gpu_model`.
#![cfg(not(target_arch = "wasm32"))]

use grokpad::core::check::close;
use grokpad::core::mlp::{Layout, ModelSpec};
use grokpad::core::ops::{
    act_fwd_w, dense_bwd_data_ex, dense_bwd_weight, dense_fwd_ex, loss_head_ex, Act, DenseDims, Dropout, FwdExtra,
    HeadKind, HeadOut, Prev,
};
use grokpad::core::rng::Rng;
use grokpad::engine::cpu::CpuBackend;
use grokpad::engine::Snapshot;
use grokpad::experiment::url::decode;
use grokpad::gpu::kernels::{Dims, Slot, F_DROP, F_SKIP, F_STORE_G, F_Z, K};
use grokpad::gpu::oneshot::u32_as_f32;
use grokpad::gpu::{GpuBackend, PlanKind};
use grokpad::train::{self, Session};
mod common;
use common::{gpu, launch, rand_vec};

/// `close` with rtol 1e-4 and `atol`, printing the largest |gpu − cpu|.
fn check(name: &str, got: &[f32], want: &[f32], atol: f32) {
    let worst = got.iter().zip(want).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
    println!("{name}: max |gpu - cpu| = {worst:.2e} over {} values", want.len());
    close(name, got, want, 1e-4, atol).unwrap_or_else(|e| panic!("{e}"));
}

const STEP: u32 = 5;
const SEED: u64 = 0x1234_5678_9abc;

fn dims(act: Act, (m, b, i, o): (usize, usize, usize, usize), mult: f32, w0: f32) -> DenseDims {
    let (w_off, b_off) = (3, 3 + i * o);
    DenseDims { m, b, i, o, act, x_stride_m: b * i, p_stride: b_off + o + 2, w_off, b_off, mult, w0 }
}

/// The GPU dims of `d` with the given flags and dropout of layer `layer`.
fn gdims(d: &DenseDims, act_prev: Act, flags: u32, drop: Option<Dropout>) -> Dims {
    let dr = drop.unwrap_or(Dropout::new(0.0, SEED, 0, STEP));
    Dims {
        p_drop: dr.p,
        drop_scale: dr.scale(),
        seed: dr.seed,
        salt: dr.salt,
        flags: flags | if drop.is_some() { F_DROP } else { 0 },
        ..Dims::from_dense(d, act_prev)
    }
}

fn slot() -> Slot {
    Slot { step: STEP, ..Default::default() }
}

fn fwd_case(act: Act, shape: (usize, usize, usize, usize), mult: f32, skip: bool, p: f32, seed: u64) {
    let d = dims(act, shape, mult, 2.5);
    let mut rng = Rng::new(seed, 0);
    let x = rand_vec(&mut rng, d.m * d.b * d.i, -2.0, 2.0);
    let params = rand_vec(&mut rng, d.m * d.p_stride, -1.0, 1.0);
    let s = rand_vec(&mut rng, d.m * d.b * d.o, -1.0, 1.0);
    let drop = (p > 0.0).then(|| Dropout::new(p, SEED, 4, STEP));
    let n = d.m * d.b * d.o;
    let (mut want, mut z) = (vec![0.0; n], vec![0.0; n]);
    let ex = FwdExtra { skip: skip.then_some(&s[..]), drop, z: Some(&mut z) };
    dense_fwd_ex(&d, &x, &params, &mut want, ex);
    let flags = F_Z | if skip { F_SKIP } else { 0 };
    let [got, gz, _] = launch(
        K::Fwd,
        gdims(&d, Act::Linear, flags, drop),
        slot(),
        [Some(&x), Some(&params), Some(&s)],
        [Some(&vec![f32::NAN; n]), Some(&vec![f32::NAN; n]), None],
    );
    let name = format!("fwd {act:?} mult={mult} skip={skip} p={p} {shape:?}");
    check(&format!("{name} z"), &gz, &z, 1e-5);
    check(&format!("{name} a"), &got, &want, 1e-5);
    if let Some(dr) = drop {
        // Dropped units carry exactly the residual (or 0), as the CPU mask says.
        let mut dropped = 0;
        for k in 0..n {
            let (m, row, u) = (k / (d.b * d.o), (k / d.o) % d.b, k % d.o);
            if !dr.keep(m, row, u, d.o) {
                dropped += 1;
                assert_eq!(got[k], if skip { s[k] } else { 0.0 }, "{name}: dropped unit {k}");
            }
        }
        assert!(dropped > 0 && dropped < n, "{name}: {dropped} of {n} dropped");
    }
}

#[test]
fn fwd_new_activations_mult_skip_dropout_match_cpu() {
    for (s, act) in Act::ALL.into_iter().enumerate() {
        fwd_case(act, (2, 7, 3, 5), 1.0, false, 0.0, s as u64);
        fwd_case(act, (2, 9, 6, 6), 0.6, true, 0.3, 10 + s as u64);
    }
    // Many tiles (grid-stride wrap) with dropout: the per-element counter index is exact.
    fwd_case(Act::Gelu, (3, 600, 4, 160), 1.3, true, 0.5, 30);
}

/// bwd_data into a previous layer of activation `act_prev`: from its z (with its dropout) or
/// from its output, with the skip consumer's gradient added and g stored.
fn bwd_data_case(act_prev: Act, from_z: bool, skip: bool, p: f32, shape: (usize, usize, usize, usize), seed: u64) {
    let d = dims(Act::Linear, shape, 0.8, 2.5);
    let mut rng = Rng::new(seed, 0);
    let dz = rand_vec(&mut rng, d.m * d.b * d.o, -1.0, 1.0);
    let params = rand_vec(&mut rng, d.m * d.p_stride, -1.0, 1.0);
    let zp = rand_vec(&mut rng, d.m * d.b * d.i, -3.0, 3.0);
    let ap: Vec<f32> = zp.iter().map(|&z| act_fwd_w(act_prev, z, d.w0)).collect();
    let sg = rand_vec(&mut rng, zp.len(), -1.0, 1.0);
    let drop = (p > 0.0).then(|| Dropout::new(p, SEED, 2, STEP));
    let prev =
        if from_z { Prev::Z { z: &zp, act: act_prev, w0: d.w0, drop } } else { Prev::Output { a: &ap, act: act_prev } };
    let (mut want, mut g) = (vec![0.0; zp.len()], vec![0.0; zp.len()]);
    dense_bwd_data_ex(&d, &dz, &params, prev, skip.then_some(&sg[..]), &mut want, Some(&mut g));
    let flags = F_STORE_G | if from_z { F_Z } else { 0 } | if skip { F_SKIP } else { 0 };
    let input = if from_z { &zp } else { &ap };
    let nan = vec![f32::NAN; zp.len()];
    let [got, gg, _] = launch(
        K::BwdData,
        gdims(&d, act_prev, flags, drop),
        slot(),
        [Some(&dz), Some(&params), Some(input)],
        [Some(&nan), Some(&nan), Some(&sg)],
    );
    let name = format!("bwd_data prev={act_prev:?} from_z={from_z} skip={skip} p={p} {shape:?}");
    check(&format!("{name} g"), &gg, &g, 1e-5);
    check(&format!("{name} dz"), &got, &want, 1e-5);
}

#[test]
fn bwd_data_z_skip_dropout_match_cpu() {
    for (s, act) in Act::ALL.into_iter().enumerate() {
        bwd_data_case(act, true, false, 0.0, (2, 7, 3, 5), 40 + s as u64);
        bwd_data_case(act, true, true, 0.4, (2, 7, 6, 6), 50 + s as u64);
        if !act.needs_z() {
            bwd_data_case(act, false, true, 0.0, (2, 7, 5, 5), 60 + s as u64);
        }
    }
    bwd_data_case(Act::Sin, true, true, 0.2, (3, 599, 170, 3), 70);
}

#[test]
fn bwd_weight_with_mult_matches_cpu() {
    for (s, mult) in [0.25f32, 1.7].into_iter().enumerate() {
        let d = dims(Act::Linear, (2, 9, 6, 5), mult, 1.0);
        let mut rng = Rng::new(80 + s as u64, 0);
        let x = rand_vec(&mut rng, d.m * d.b * d.i, -2.0, 2.0);
        let dz = rand_vec(&mut rng, d.m * d.b * d.o, -1.0, 1.0);
        let init = rand_vec(&mut rng, d.m * d.p_stride, 5.0, 6.0);
        let mut want = init.clone();
        dense_bwd_weight(&d, &x, &dz, &mut want);
        let [got, _, _] = launch(
            K::BwdWeight,
            gdims(&d, Act::Linear, 0, None),
            slot(),
            [Some(&x), Some(&dz), None],
            [Some(&init), None, None],
        );
        check(&format!("bwd_weight mult={mult}"), &got, &want, 1e-4);
    }
}

fn head_case(h: HeadKind, b: usize, c: usize, seed: u64) {
    let m = 2;
    let mut rng = Rng::new(seed, 0);
    let a = rand_vec(&mut rng, m * b * c, -3.0, 3.0);
    let t: Vec<u32> = match h {
        HeadKind::Regression => rand_vec(&mut rng, m * b, -3.0, 3.0).iter().map(|v| v.to_bits()).collect(),
        _ => (0..m * b).map(|_| rng.below(c as u32)).collect(),
    };
    let (mut dz, mut loss, mut correct) = (vec![0.0; m * b * c], vec![0.0; m * b], vec![0.0; m * b]);
    loss_head_ex(h, m, b, c, b, &a, &t, HeadOut { dz: &mut dz, loss: &mut loss, correct: &mut correct });
    let d = Dims {
        m: m as u32,
        b: b as u32,
        o: c as u32,
        t_stride_m: b as u32,
        kind: h.code(),
        smooth: h.smooth(),
        ..Default::default()
    };
    let nan = |n: usize| vec![f32::NAN; n];
    let [gdz, gl, gc] = launch(
        K::Head,
        d,
        Slot::default(),
        [Some(&a), Some(&u32_as_f32(&t)), None],
        [Some(&nan(dz.len())), Some(&nan(m * b)), Some(&nan(m * b))],
    );
    let name = format!("head {h:?} B={b} C={c}");
    check(&format!("{name} dz"), &gdz, &dz, 1e-5 / b as f32);
    check(&format!("{name} loss"), &gl, &loss, 1e-5);
    assert_eq!(gc, correct, "{name} correct");
}

#[test]
fn regression_and_smoothed_heads_match_cpu() {
    head_case(HeadKind::Regression, 37, 1, 90);
    head_case(HeadKind::Softmax { smooth: 0.1 }, 37, 2, 91);
    head_case(HeadKind::Softmax { smooth: 0.35 }, 37, 5, 92);
}

/// The one-hot square loss (Gromov 2023; Doshi et al. 2024), over a grid-stride wrap too.
#[test]
fn onehot_square_head_matches_cpu() {
    head_case(HeadKind::OneHotMse, 37, 2, 93);
    head_case(HeadKind::OneHotMse, 37, 23, 94);
    head_case(HeadKind::OneHotMse, 700, 5, 95);
}

// ---------------------------------------------------------------------------------------------
// Whole runs

/// A run of `spec` on the data of `url`: how to change the layout and the setup.
struct Run {
    url: &'static str,
    spec: ModelSpec,
    mults: Vec<(usize, f32)>,
    /// Regression targets as a function of the point, or class relabelling.
    values: Option<fn(f32, f32) -> f32>,
    classes: Option<fn(f32, f32) -> u8>,
    steps: usize,
}

fn compare(name: &str, g: &Snapshot, c: &Snapshot, n: (usize, usize), multi: bool) {
    for (split, gs, cs, n) in [("train", &g.train, &c.train, n.0), ("test", &g.test, &c.test, n.1)] {
        for (gm, cm) in gs.iter().zip(cs) {
            println!("{name} {split}: loss gpu {} cpu {}, acc gpu {} cpu {}", gm.loss, cm.loss, gm.acc, cm.acc);
            assert!((gm.loss - cm.loss).abs() <= 1e-4 + 1e-3 * cm.loss.abs(), "{name} {split} loss");
            assert!((gm.acc - cm.acc).abs() <= 1.0 / n as f32 + 1e-6, "{name} {split} acc");
        }
    }
    let (gg, cg) = (g.grid.as_ref().expect("gpu grid"), c.grid.as_ref().expect("cpu grid"));
    if multi {
        // Argmax class per cell: a cell on a class boundary may flip under a 1e-7 change.
        let diff = gg.iter().zip(cg).filter(|(a, b)| a != b).count();
        println!("{name}: {diff} of {} grid cells differ", cg.len());
        assert!(diff <= cg.len() / 100, "{name}: {diff} grid cells differ");
    } else {
        check(&format!("{name} grid"), gg, cg, 1e-3);
    }
}

fn run_parity(r: Run) {
    let e = decode(r.url).experiment;
    let (data, mut setup) = train::setup(&e);
    let mut l = Layout::build(&r.spec);
    for &(k, m) in &r.mults {
        l.layers[k].mult = m;
    }
    let name = format!("{} {:?}", r.url, r.spec);
    setup.params = l.init(e.seed);
    setup.layout = l;
    if let Some(f) = r.values {
        for s in [&mut setup.train, &mut setup.test] {
            s.r = s.x.chunks(2).map(|p| f(p[0], p[1])).collect();
        }
    }
    if let Some(f) = r.classes {
        for s in [&mut setup.train, &mut setup.test] {
            s.y = s.x.chunks(2).map(|p| f(p[0], p[1])).collect();
        }
    }
    let n = (data.train.len(), data.test.len());
    let models = r.spec.models;
    let init = setup.params.clone();
    let cpu = CpuBackend::new(setup.clone(), 0);
    let g =
        GpuBackend::new_with(gpu().0.clone(), setup.clone(), 0, PlanKind::Auto).unwrap_or_else(|err| panic!("{err}"));
    assert!(!g.is_fused(), "{name}: issue-4 layouts run on the per-op plan");
    let mut cs = Session::from_parts(e.clone(), data.clone(), Box::new(cpu), e.batch(), models, 0);
    let mut gs = Session::from_parts(e, data, Box::new(g), setup.batch, models, 0);
    cs.train(r.steps);
    gs.train(r.steps);
    let (cw, gw) = (common::params_of(cs.backend.as_mut()), common::params_of(gs.backend.as_mut()));
    let mut worst = 0.0f32;
    for (k, (&a, &b)) in gw.iter().zip(&cw).enumerate() {
        assert!((a - b).abs() <= 1e-4 + 1e-3 * b.abs(), "{name} param {k}: gpu {a} cpu {b}");
        worst = worst.max((a - b).abs());
    }
    assert!(gw.iter().zip(&init).any(|(a, b)| a != b), "{name}: the GPU run did not move the weights");
    println!("{name}: after {} steps max |Δw| = {worst:.2e} over {} params", r.steps, cw.len());
    let c = cs.snapshot_blocking(true).expect("cpu snapshot");
    let g = gs.snapshot_blocking(true).unwrap_or_else(|err| panic!("{name}: gpu snapshot: {err}"));
    let multi = r.spec.widths.last() > Some(&2);
    compare(&name, &g, &c, n, multi);
}

#[allow(clippy::too_many_arguments)]
fn spec(
    widths: &[usize],
    acts: &[Act],
    w0: f32,
    resid: bool,
    hourglass: usize,
    dropout: f32,
    head: HeadKind,
    models: usize,
) -> ModelSpec {
    ModelSpec { widths: widths.to_vec(), acts: acts.to_vec(), w0, resid, hourglass, dropout, head, models }
}

#[test]
fn step_parity_per_layer_acts_with_resid() {
    run_parity(Run {
        url: "#v=1&data=circle&bs=16&lr=0.03",
        spec: spec(&[2, 8, 8, 8, 1], &[Act::Gelu, Act::Silu, Act::Sin], 2.0, true, 0, 0.0, HeadKind::Tanh, 2),
        mults: vec![],
        values: None,
        classes: None,
        steps: 50,
    });
}

#[test]
fn step_parity_hourglass_dropout_smoothing_adam() {
    run_parity(Run {
        url: "#v=1&data=xor&opt=adam&lr=0.01&bs=20",
        spec: spec(&[2, 12, 12, 12, 2], &[Act::Leaky], 1.0, false, 4, 0.2, HeadKind::Softmax { smooth: 0.1 }, 3),
        mults: vec![],
        values: None,
        classes: None,
        steps: 60,
    });
}

#[test]
fn step_parity_regression_sin_with_multipliers() {
    run_parity(Run {
        url: "#v=1&data=gauss&lr=0.02&bs=10",
        spec: spec(&[2, 16, 16, 1], &[Act::Sin, Act::Tanh], 1.5, true, 0, 0.1, HeadKind::Regression, 2),
        mults: vec![(0, 0.5), (1, 0.25), (2, 0.25)],
        values: Some(|x, y| (0.5 * x).sin() + 0.1 * y),
        classes: None,
        steps: 50,
    });
}

#[test]
fn step_parity_three_classes() {
    run_parity(Run {
        url: "#v=1&data=spiral&opt=adam&lr=0.01&bs=25",
        spec: spec(&[2, 10, 10, 3], &[Act::Silu], 1.0, false, 0, 0.0, HeadKind::Softmax { smooth: 0.0 }, 2),
        mults: vec![],
        values: None,
        classes: Some(|x, y| ((y.atan2(x) + std::f32::consts::PI) / (2.0 * std::f32::consts::PI / 3.0)).min(2.0) as u8),
        steps: 50,
    });
}

/// act=quad (σ = z², keeps z) with the one-hot square loss: whole training steps, GPU vs CPU.
#[test]
fn step_parity_quad_onehot_square() {
    run_parity(Run {
        url: "#v=1&data=spiral&opt=adam&lr=0.005&bs=25",
        spec: spec(&[2, 10, 10, 3], &[Act::Quad, Act::Tanh], 1.0, false, 0, 0.0, HeadKind::OneHotMse, 2),
        mults: vec![],
        values: None,
        classes: Some(|x, y| ((y.atan2(x) + std::f32::consts::PI) / (2.0 * std::f32::consts::PI / 3.0)).min(2.0) as u8),
        steps: 50,
    });
}
