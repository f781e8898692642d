//! GPU parity of sweep groups (issue 5): a padded width group (per-model learning-rate
//! multipliers [M, P] with zeros on the padding, `F_LR_M`) and a learning-rate × width group on
//! `GpuBackend` against `CpuBackend`, through `sweep::run::SweepRun` and directly; the padding
//! must stay exactly 0 on the GPU too. A seed sweep keeps shared multipliers and so the fused
//! plan. Natively on wgpu/Vulkan (lavapipe in CI, see tests/gpu_optim.rs); without an adapter
//! these FAIL.
#![cfg(not(target_arch = "wasm32"))]

use grokpad::engine::cpu::CpuBackend;
use grokpad::engine::Backend;
use grokpad::experiment::url::decode;
use grokpad::gpu::{GpuBackend, PlanKind};
use grokpad::sweep::build::{embed, group_setup};
use grokpad::sweep::run::SweepRun;
use grokpad::sweep::{expand, SweepPoint};
use grokpad::train::Session;
mod common;
use common::gpu;

fn params(b: &mut dyn Backend) -> Vec<f32> {
    assert!(b.request_params());
    loop {
        b.wait();
        if let Some(r) = b.poll_params() {
            return r.unwrap().0;
        }
    }
}

fn group_case(url: &str, k: usize, want_fused: bool) {
    let e = decode(url).experiment;
    let pts = expand(&e);
    let refs: Vec<&SweepPoint> = pts.iter().collect();
    let (gexp, data, setup) = group_setup(&refs).unwrap();
    let l = setup.layout.clone();
    let g = GpuBackend::new_with(gpu().0.clone(), setup.clone(), 0, PlanKind::Auto).unwrap();
    assert_eq!(g.is_fused(), want_fused, "{url}");
    let (b, m) = (setup.batch, l.models);
    let mut cs = Session::from_parts(gexp.clone(), data.clone(), Box::new(CpuBackend::new(setup, 0)), b, m, 0);
    let mut gs = Session::from_parts(gexp, data, Box::new(g), b, m, 0);
    cs.train(k);
    gs.train(k);
    let (cw, gw) = (params(cs.backend.as_mut()), params(gs.backend.as_mut()));
    let mut worst = 0.0f32;
    for (i, (g, c)) in gw.iter().zip(&cw).enumerate() {
        assert!((g - c).abs() <= 1e-4 + 1e-3 * c.abs(), "{url}[{i}]: gpu {g} cpu {c}");
        worst = worst.max((g - c).abs());
    }
    println!("{url}: max |gpu - cpu| {worst:.2e} over {} values", cw.len());
    let seeds = e.seeds.max(1) as usize;
    for (j, p) in pts.iter().enumerate() {
        let own = grokpad::core::mlp::Layout::from_experiment(&p.exp, seeds);
        for s in 0..seeds {
            let mi = j * seeds + s;
            let mut pad = gw[mi * l.p..(mi + 1) * l.p].to_vec();
            embed(&own, &l, &vec![0.0; own.p], &mut pad);
            assert!(pad.iter().all(|&v| v == 0.0), "{url}: padding of model {mi} moved on the GPU");
        }
    }
}

#[test]
fn sweep_groups_match_cpu() {
    group_case(
        "v=1&data=xor&layers=3,3&act=relu&opt=adam&lr=0.01&seeds=2&clip=1&l1=0.001&sweep=width&sweep_values=2,7,4",
        40,
        false,
    );
    group_case(
        "v=1&layers=4&opt=momentum&wd=0.01&sweep=lr&sweep_values=0.03,0.1,0.007&sweep2=width&sweep2_values=2,5",
        40,
        false,
    );
    group_case("v=1&loss=ce&data=spiral&layers=8,8&sweep=seed&sweep_values=3,9,27,81", 40, true);
}

#[test]
fn runner_on_gpu_matches_cpu() {
    let e = decode("v=1&data=xor&flip=0.1&layers=6&act=relu&steps=40&sweep=width&sweep_values=1,3,6&sweep2=wd&sweep2_values=0,0.05").experiment;
    let ctx = gpu().0.clone();
    let mut fg = |s| -> Result<Box<dyn Backend>, String> { Ok(Box::new(GpuBackend::new(ctx.clone(), s, 0)?)) };
    let mut fc = |s| -> Result<Box<dyn Backend>, String> { Ok(Box::new(CpuBackend::new(s, 0))) };
    let (mut g, mut c) = (SweepRun::new(&e), SweepRun::new(&e));
    g.run_blocking(&mut fg).unwrap();
    c.run_blocking(&mut fc).unwrap();
    for (rg, rc) in g.results.iter().zip(&c.results) {
        assert_eq!(rg.rows.len(), rc.rows.len());
        for (a, b) in rg.rows.iter().zip(&rc.rows) {
            assert_eq!(a.step, b.step);
            assert!((a.train_loss - b.train_loss).abs() <= 1e-4 + 1e-3 * b.train_loss.abs(), "{a:?} {b:?}");
            assert!((a.test_loss - b.test_loss).abs() <= 1e-4 + 1e-3 * b.test_loss.abs(), "{a:?} {b:?}");
        }
    }
}
