//! GPU parity of a KAN sweep (issues 5 and 7): a seed sweep's group of `points × seeds` KAN
//! models on `gpu::kan::KanGpu` (through `sweep::run::SweepRun::run_blocking_any`, the factory
//! the CLI and the page use) against the same sweep on `engine::kan::KanCpu`, every recorded
//! loss within the KAN parity tolerance of tests/gpu_kan.rs. Natively on wgpu/Vulkan (lavapipe
//! in CI); without an adapter this FAILS.
#![cfg(not(target_arch = "wasm32"))]

use grokpad::engine::Backend;
use grokpad::experiment::url::decode;
use grokpad::experiment::Experiment;
use grokpad::gpu::kan::KanGpu;
use grokpad::sweep::models::{cpu_backend, ModelSetup};
use grokpad::sweep::run::SweepRun;
mod common;
use common::gpu;

#[test]
fn kan_seed_sweep_on_the_gpu_matches_the_cpu() {
    let url = "v=1&data=fn&layers=3&opt=adam&lr=0.01&steps=40&seeds=2&model=kan&grid=5&sweep=seed&sweep_values=1,9,4";
    let e = decode(url).experiment;
    let mut cpu = SweepRun::with_padding(&e, false);
    cpu.run_blocking_any(&mut |_: &Experiment, s| Ok(cpu_backend(s))).unwrap();
    let ctx = gpu().0.clone();
    let mut on_gpu = SweepRun::with_padding(&e, true);
    let mut models = 0;
    on_gpu
        .run_blocking_any(&mut |_: &Experiment, s| match s {
            ModelSetup::Kan(s) => {
                models = s.layout.models;
                Ok(Box::new(KanGpu::new(ctx.clone(), s, 0)?) as Box<dyn Backend>)
            }
            _ => Err("not a KAN".into()),
        })
        .unwrap();
    assert_eq!((on_gpu.group_count(), models), (1, 6), "three points × two seeds on one backend");
    for (a, b) in cpu.results.iter().zip(&on_gpu.results) {
        assert_eq!(a.rows.len(), b.rows.len());
        for (x, y) in a.seeds.iter().zip(&b.seeds).chain(a.rows.iter().zip(&b.rows)) {
            for (p, q) in [(x.train_loss, y.train_loss), (x.test_loss, y.test_loss)] {
                assert!((p - q).abs() <= 1e-3 * p.abs().max(1e-2), "point {}: cpu {p} gpu {q}", a.value);
            }
        }
    }
}
