//! GPU parity of the issue-4 optimizer kernels (`shaders/optim.wgsl`, `shaders/norm.wgsl`)
//! against `core::optim`, one dispatch at a time through `gpu::oneshot` (as tests/gpu_parity.rs),
//! then whole runs through `train::Session` with clipping, L1, gradient noise, β1/β2, a
//! schedule and μP learning-rate multipliers on `GpuBackend` vs `CpuBackend` — the fused plan
//! must hand such steps to the per-op plan. Natively on wgpu/Vulkan; in CI lavapipe:
//! `WGPU_BACKEND=vulkan VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json
//! XDG_RUNTIME_DIR=<writable dir> cargo test --test gpu_optim`. Without an adapter these FAIL.
//!
//! Tolerances: as tests/gpu_parity.rs (rtol 1e-4, atol 1e-5 per kernel). The noise uses WGSL
//! `log` and `cos` (not correctly rounded), the norms sum in a different order (f32 tree on the
//! GPU, f64 on the CPU): both a few ulp, covered by the same tolerance.
#![cfg(not(target_arch = "wasm32"))]

use grokpad::core::check::close;
use grokpad::core::init::{InitSpec, Scheme};
use grokpad::core::optim::{grad_norms, norms, update, Masks, Method, OptSpec, StepHyper};
use grokpad::core::rng::Rng;
use grokpad::engine::cpu::CpuBackend;
use grokpad::experiment::url::decode;
use grokpad::gpu::kernels::{Dims, Slot, F_LR_M, K, MAX_GROUPS, WG};
use grokpad::gpu::{GpuBackend, PlanKind};
use grokpad::train::lr::{Kind, LrSpec};
use grokpad::train::{self, Session};
mod common;
use common::{gpu, launch, rand_vec};

/// More threads of work than one bounded dispatch has: the grid-stride loops must wrap.
const WRAP: usize = WG * MAX_GROUPS + 1;

fn check(name: &str, got: &[f32], want: &[f32], rtol: f32, atol: f32) {
    let worst = got.iter().zip(want).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
    println!("{name}: max |gpu - cpu| = {worst:.2e} over {} values", want.len());
    if let Err(e) = close(name, got, want, rtol, atol) {
        panic!("{e}");
    }
}

/// One update of M = 3 models of P parameters with `method` and the step `h` (at step `t`),
/// random masks and multipliers; model 1's gradient is scaled up so that clipping bites there.
fn update_case(method: Method, p: usize, h: StepHyper, seed: u64) {
    update_case_lr(method, p, h, seed, false);
}

/// `update_case` with learning-rate multipliers [M, P] (`F_LR_M`, sweeps) when `per_model`,
/// some of them 0 (the padding of a width sweep: those weights must not move).
fn update_case_lr(method: Method, p: usize, h: StepHyper, seed: u64, per_model: bool) {
    let m = 3;
    let mut rng = Rng::new(seed, 0);
    let params = rand_vec(&mut rng, m * p, -1.0, 1.0);
    let mut grads = rand_vec(&mut rng, m * p, -1.0, 1.0);
    grads[p..2 * p].iter_mut().for_each(|g| *g *= 50.0);
    let decay: Vec<f32> = (0..p).map(|_| (rng.below(3) > 0) as u8 as f32).collect();
    let mut lr_mask = rand_vec(&mut rng, if per_model { m * p } else { p }, 0.25, 4.0);
    if per_model {
        lr_mask.iter_mut().step_by(3).for_each(|v| *v = 0.0);
    }
    let m1 = rand_vec(&mut rng, m * p, -0.1, 0.1);
    let m2 = rand_vec(&mut rng, m * p, 0.0, 0.01);
    let gn = grad_norms(&grads, p);
    let (mut w, mut a, mut v) = (params.clone(), m1.clone(), m2.clone());
    update(method, &mut w, &grads, Masks { decay: &decay, lr: &lr_mask }, &mut a, &mut v, &gn, &h);
    let k = match method {
        Method::Sgd => K::Sgd,
        Method::Momentum => K::Momentum,
        Method::Adam => K::Adam,
    };
    let masks: Vec<f32> = decay.iter().chain(&lr_mask).copied().collect();
    let flags = if per_model { F_LR_M } else { 0 };
    let d = Dims { m: (m * p) as u32, p_stride: p as u32, flags, ..Default::default() };
    let slot = Slot::from_hyper(&h, 0, h.t);
    let ro = [Some(&grads[..]), Some(&masks[..]), Some(&gn[..])];
    let [gw, ga, gv] = launch(k, d, slot, ro, [Some(&params), Some(&m1), Some(&m2)]);
    let name = format!("{method:?} P={p} {h:?}");
    // The noise term reaches 5.8σ and WGSL's log/cos carry absolute errors of a few 1e-7, so
    // the absolute tolerance scales with the size of the gradient it enters (measured ≤ 2.3e-5
    // on the momentum buffer for σ = 0.35, inside the cancellation with the old velocity).
    let s = 1.0 + 6.0 * h.noise;
    check(&format!("{name} params"), &gw, &w, 1e-4, 1e-5 * s);
    if method != Method::Sgd {
        check(&format!("{name} m1"), &ga, &a, 1e-4, 1e-5 * s);
    }
    if method == Method::Adam {
        check(&format!("{name} m2"), &gv, &v, 1e-4, 1e-7 * s * s);
    }
    assert!(w.iter().zip(&params).any(|(a, b)| a != b), "{name}: nothing moved");
    if per_model {
        for k in (0..m * p).step_by(3) {
            assert_eq!((gw[k], w[k]), (params[k], params[k]), "{name}: multiplier 0 at {k} moved");
        }
    }
}

#[test]
fn per_model_learning_rate_multipliers_match_cpu() {
    let all = |h: StepHyper| h.with_l1(0.02).with_clip(2.0).with_noise(0.3, 99).with_betas(0.8, 0.99);
    for (i, method) in [Method::Sgd, Method::Momentum, Method::Adam].into_iter().enumerate() {
        update_case_lr(method, 37, hyper(3), 80 + i as u64, true);
        update_case_lr(method, 41, all(hyper(6)).with_momentum(0.9, true), 90 + i as u64, true);
    }
}

fn hyper(t: u64) -> StepHyper {
    StepHyper::new(0.03, 0.01, t).with_wd(0.1)
}

#[test]
fn optimizers_with_every_option_match_cpu() {
    let all = |h: StepHyper| h.with_l1(0.02).with_clip(2.0).with_noise(0.3, 99).with_betas(0.8, 0.99);
    let mut seed = 60;
    for method in [Method::Sgd, Method::Momentum, Method::Adam] {
        for h in [
            hyper(3),
            hyper(3).with_l1(0.05),
            hyper(3).with_clip(1.0),
            hyper(4).with_noise(0.5, 12345),
            hyper(2).with_betas(0.5, 0.9),
            hyper(3).with_momentum(0.9, false),
            hyper(3).with_momentum(0.8, true),
            all(hyper(7)).with_momentum(0.9, true),
        ] {
            update_case(method, 37, h, seed);
            seed += 1;
        }
        // M·P = 3·22000 > 64·1024: the grid-stride loop wraps.
        update_case(method, WRAP / 3 + 200, all(hyper(5)).with_momentum(0.9, true), seed);
        seed += 1;
    }
}

fn norm_case(models: usize, p: usize, seed: u64) {
    let mut rng = Rng::new(seed, 0);
    let x = rand_vec(&mut rng, models * p, -2.0, 2.0);
    let want = norms(&x, p);
    let d = Dims { m: models as u32, p_stride: p as u32, ..Default::default() };
    let out = vec![-1.0f32; models];
    let [got, _, _] = launch(K::Norm, d, Slot::default(), [Some(&x), None, None], [Some(&out), None, None]);
    check(&format!("norm M={models} P={p}"), &got, &want, 1e-5, 1e-6);
}

#[test]
fn norms_match_cpu() {
    norm_case(1, 1, 70);
    norm_case(3, 37, 71);
    norm_case(2, 5000, 72);
    // More models than workgroups in one dispatch: the loop over models wraps.
    norm_case(MAX_GROUPS + 3, 9, 73);
}

// ---------------------------------------------------------------------------------------------
// Whole runs

fn weights_close(name: &str, gpu: &[f32], cpu: &[f32]) {
    assert_eq!(gpu.len(), cpu.len(), "{name}");
    let mut worst = 0.0f32;
    for (k, (&g, &c)) in gpu.iter().zip(cpu).enumerate() {
        let diff = (g - c).abs();
        assert!(diff <= 1e-4 + 1e-3 * c.abs(), "{name}[{k}]: gpu {g} cpu {c}");
        worst = worst.max(diff);
    }
    println!("{name}: max |Δ| {worst:.2e} over {} values", cpu.len());
}

/// `k` steps of `url` with the options, on the CPU and on the GPU plan `kind`; compares
/// weights, moments, losses and the weight and gradient norms.
fn run_case(url: &str, k: usize, kind: PlanKind, init: InitSpec, opt: OptSpec, sched: LrSpec) {
    let e = decode(url).experiment;
    let (data, setup) = train::setup_with(&e, &init);
    let cpu = CpuBackend::new(setup.clone(), 0);
    let g = GpuBackend::new_with(gpu().0.clone(), setup, 0, kind).unwrap_or_else(|err| panic!("{url}: {err}"));
    let fused = g.is_fused();
    let (mut cs, mut gs) =
        (Session::new(e.clone(), data.clone(), Box::new(cpu), 0), Session::new(e, data, Box::new(g), 0));
    cs.set_optim(opt, sched);
    gs.set_optim(opt, sched);
    cs.train(k);
    gs.train(k);
    let name = format!("{url} {kind:?} (fused {fused}) {init:?}");
    let (cw, cm1, cm2) = common::state_of(cs.backend.as_mut());
    let (gw, gm1, gm2) = common::state_of(gs.backend.as_mut());
    weights_close(&format!("{name} params"), &gw, &cw);
    weights_close(&format!("{name} m1"), &gm1, &cm1);
    weights_close(&format!("{name} m2"), &gm2, &cm2);
    let c = cs.snapshot_blocking(false).expect("cpu snapshot");
    let g = gs.snapshot_blocking(false).unwrap_or_else(|err| panic!("{name}: gpu snapshot: {err}"));
    for (gm, cm) in g.train.iter().zip(&c.train) {
        assert!((gm.loss - cm.loss).abs() <= 1e-4 + 1e-3 * cm.loss.abs(), "{name}: {} vs {}", gm.loss, cm.loss);
    }
    check(&format!("{name} wnorm"), &g.wnorm, &c.wnorm, 1e-4, 1e-5);
    check(&format!("{name} gnorm"), &g.gnorm, &c.gnorm, 1e-3, 1e-5);
    assert!(c.gnorm.iter().all(|v| v.is_finite() && *v > 0.0), "{name}: {:?}", c.gnorm);
}

const TFP: &str = "#v=1";
const XOR_CE_ADAM: &str = "#v=1&layers=16,16&act=relu&loss=ce&opt=adam&lr=0.01&data=xor&bs=32";

fn opts() -> OptSpec {
    OptSpec { beta1: 0.8, beta2: 0.99, l1: 0.001, clip: 0.5, gnoise: 0.01, seed: 5, ..OptSpec::default() }
}

#[test]
fn runs_with_options_match_cpu() {
    let cosine = LrSpec { kind: Kind::Cosine, warmup: 10, steps: 60, ..LrSpec::default() };
    let std = InitSpec::default();
    // Per-op plan, and the fused plan handing these steps to the per-op plan.
    for kind in [PlanKind::PerOp, PlanKind::Fused] {
        run_case(TFP, 60, kind, std, opts(), cosine);
        run_case(XOR_CE_ADAM, 60, kind, std, opts(), cosine);
    }
    // The options from URL keys (Session and setup read them from the experiment).
    for url in [
        "#v=1&opt=momentum&momentum=0.8&nesterov=1&clip=0.5&l1=0.001&gnoise=0.01&sched=cosine&warmup=10&steps=60",
        "#v=1&layers=16,16&act=relu&loss=ce&opt=adamw&beta1=0.8&beta2=0.99&wd=0.01&lr=0.01&data=xor&bs=32&sched=step&decay_every=7",
        "#v=1&opt=momentum&init=mup&base=2&alpha=0.5&sched=warmup&warmup=20",
    ] {
        let d = decode(url);
        assert!(d.notices.is_empty(), "{url}: {:?}", d.notices);
        assert!(d.experiment.opt != grokpad::experiment::Optimizer::Sgd, "{url}");
        for kind in [PlanKind::PerOp, PlanKind::Auto] {
            let e = decode(url).experiment;
            run_case(url, 60, kind, InitSpec::from_experiment(&e), OptSpec::from_experiment(&e), LrSpec::from_experiment(&e));
        }
    }
    // μP multipliers (per-op plan only; Auto must not pick the fused plan).
    let mup = InitSpec { scheme: Scheme::Mup, alpha: 1.0, base: 4 };
    run_case(XOR_CE_ADAM, 40, PlanKind::Auto, mup, OptSpec::default(), LrSpec::default());
    run_case(TFP, 40, PlanKind::Auto, mup, opts(), LrSpec { kind: Kind::Step, decay_every: 7, ..LrSpec::default() });
}

/// Gradient norms through the fused plan (accumulated in its update loop, recorded after the
/// divergence record), then through per-op steps (forced by clipping) after fused ones, and NaN
/// on both backends before any step.
#[test]
fn fused_plan_gradient_norms() {
    let e = decode(TFP).experiment;
    let (data, setup) = train::setup(&e);
    let cpu = CpuBackend::new(setup.clone(), 0);
    let g = GpuBackend::new_with(gpu().0.clone(), setup, 0, PlanKind::Fused).expect("fused plan");
    let (mut cs, mut gs) =
        (Session::new(e.clone(), data.clone(), Box::new(cpu), 0), Session::new(e, data, Box::new(g), 0));
    let (c, g) = (cs.snapshot_blocking(false).unwrap(), gs.snapshot_blocking(false).unwrap());
    assert!(c.gnorm[0].is_nan() && g.gnorm[0].is_nan(), "{:?} {:?}", c.gnorm, g.gnorm);
    cs.train(20);
    gs.train(20);
    let (c, g) = (cs.snapshot_blocking(false).unwrap(), gs.snapshot_blocking(false).unwrap());
    check("fused wnorm", &g.wnorm, &c.wnorm, 1e-4, 1e-5);
    check("fused gnorm", &g.gnorm, &c.gnorm, 1e-3, 1e-5);
    assert!(c.gnorm[0] > 0.0);
    let clip = OptSpec { clip: 1e6, seed: 1, ..OptSpec::default() };
    cs.set_optim(clip, LrSpec::default());
    gs.set_optim(clip, LrSpec::default());
    cs.train(5);
    gs.train(5);
    let (c, g) = (cs.snapshot_blocking(false).unwrap(), gs.snapshot_blocking(false).unwrap());
    check("per-op gnorm after fused steps", &g.gnorm, &c.gnorm, 1e-3, 1e-5);
    cs.set_optim(OptSpec::default(), LrSpec::default());
    gs.set_optim(OptSpec::default(), LrSpec::default());
    cs.train(300);
    gs.train(300);
    let (c, g) = (cs.snapshot_blocking(false).unwrap(), gs.snapshot_blocking(false).unwrap());
    check("fused gnorm after per-op steps, over submits", &g.gnorm, &c.gnorm, 1e-3, 1e-5);
}
