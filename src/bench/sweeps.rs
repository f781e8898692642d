//! `grokpad bench --sweep`: the sweep engine (`sweep::build`) against the same runs one after
//! another, the speed goals of issue 5 — a 64-seed sweep of a small MLP (TF Playground's
//! 2→8→8→1 tanh, batch 10, SGD) ≥ 20× and a 64-width sweep (2→w→1, w = 1…512, padded in
//! width buckets, `sweep::groups`) ≥ 3× faster together than sequentially. "Together" is what
//! the app runs: the sweep's groups one after another. Both sides use the same kernels (the
//! GPU's plan kind is fixed per case: fused for the seeds, per-op for the widths, whose
//! padding needs per-model learning-rate multipliers), set-up and warm-up excluded, metrics
//! read at the app's cadence (`native::timed`). Prints numbers; never a timed assertion.

use super::native::timed;
use super::{median, Row};
use crate::engine::Backend;
use crate::experiment::url::decode;
use crate::gpu::{GpuBackend, GpuContext, PlanKind};
use crate::sweep::build::group_setup;
use crate::sweep::{expand, groups, SweepPoint};
use crate::train::Session;
use std::sync::Arc;

/// The two cases: (name, URL, steps per repeat, GPU plan).
pub fn cases() -> Vec<(&'static str, String, u64, PlanKind)> {
    let seeds: Vec<String> = (1..=64).map(|s| s.to_string()).collect();
    let widths: Vec<String> = crate::bench::widths::sweep().iter().map(|w| w.to_string()).collect();
    vec![
        ("sweep-64-seeds", format!("v=1&layers=8,8&sweep=seed&sweep_values={}", seeds.join(",")), 1000, PlanKind::Auto),
        (
            "sweep-64-widths",
            format!("v=1&layers=8&sweep=width&sweep_values={}", widths.join(",")),
            200,
            PlanKind::PerOp,
        ),
    ]
}

fn session(points: &[&SweepPoint], gpu: Option<&Arc<GpuContext>>, kind: PlanKind) -> Result<Session, String> {
    let (exp, data, setup) = group_setup(points)?;
    let (batch, models) = (setup.batch, setup.layout.models);
    let b: Box<dyn Backend> = match gpu {
        Some(ctx) => Box::new(GpuBackend::new_with(ctx.clone(), setup, 0, kind)?),
        None => Box::new(crate::engine::cpu::CpuBackend::new(setup, 0)),
    };
    Ok(Session::from_parts(exp, data, b, batch, models, 0))
}

/// The batched and the sequential row of one case (model-steps per second, median of
/// `repeats`).
pub fn run_case(
    name: &str,
    url: &str,
    steps: u64,
    kind: PlanKind,
    gpu: Option<&Arc<GpuContext>>,
    repeats: usize,
) -> Result<(Row, Row), String> {
    let e = decode(url).experiment;
    let pts = expand(&e);
    let m = pts.len() as u64;
    // Together as the app trains them: the groups of `sweep::groups` (widths padded in buckets
    // on the GPU, one group per width on the CPU), one after another.
    let mut together: Vec<Session> = groups(&e, &pts, gpu.is_some())
        .iter()
        .map(|g| session(&g.iter().map(|&i| &pts[i]).collect::<Vec<_>>(), gpu, kind))
        .collect::<Result<_, _>>()?;
    for s in together.iter_mut() {
        timed(s, (steps / 4).max(1))?;
    }
    let mut batched = vec![];
    for _ in 0..repeats {
        let mut secs = 0.0;
        for s in together.iter_mut() {
            secs += timed(s, steps)?;
        }
        batched.push((m * steps) as f64 / secs);
    }
    drop(together);
    let mut alone: Vec<Session> = pts.iter().map(|p| session(&[p], gpu, kind)).collect::<Result<_, _>>()?;
    for s in alone.iter_mut() {
        timed(s, (steps / 4).clamp(1, 50))?;
    }
    let mut seq = vec![];
    for _ in 0..repeats {
        let mut secs = 0.0;
        for s in alone.iter_mut() {
            secs += timed(s, steps)?;
        }
        seq.push((m * steps) as f64 / secs);
    }
    let backend = if gpu.is_some() { "gpu" } else { "cpu" };
    let adapter = gpu.map_or("CPU".to_string(), |c| c.label.clone());
    let row = |workload: String, samples: Vec<f64>| Row {
        workload,
        engine: "grokpad",
        backend: backend.into(),
        adapter: adapter.clone(),
        steps_per_s: median(&samples),
        samples,
    };
    Ok((row(name.to_string(), batched), row(format!("{name}-sequential"), seq)))
}

/// Markdown: per case and backend, both rates and their ratio.
pub fn markdown(pairs: &[(Row, Row)]) -> String {
    let mut s = String::from(
        "| case | backend | adapter | together (model-steps/s) | one after another | speed-up |\n|---|---|---|---|---|---|\n",
    );
    for (a, b) in pairs {
        s.push_str(&format!(
            "| {} | {} | {} | {:.0} | {:.0} | {:.1}× |\n",
            a.workload,
            a.backend,
            a.adapter,
            a.steps_per_s,
            b.steps_per_s,
            a.steps_per_s / b.steps_per_s
        ));
    }
    s
}
