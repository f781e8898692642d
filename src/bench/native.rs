//! `grokpad bench`: the P1–P4 workloads natively, on the CPU reference and on wgpu (Vulkan;
//! lavapipe here, a real GPU on the device machine). Warm-up excluded, median of the repeats,
//! metrics read back about every 100 ms as the app does, set-up excluded.

use super::{median, session, workload, Part, Row};
use crate::gpu::GpuContext;
use crate::train::Session;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Train `steps` steps with metrics requested at the app's cadence (`train::cadence`: about
/// every 100 ms, evaluations ≤ ~20 % of the work); seconds until all finished.
pub fn timed(s: &mut Session, steps: u64) -> Result<f64, String> {
    let t0 = Instant::now();
    let ms = || t0.elapsed().as_secs_f64() * 1e3;
    let target = s.backend.steps() + steps;
    let mut cadence = s.cadence(false);
    cadence.requested(0.0, s.backend.steps());
    while s.backend.steps() < target {
        while s.backend.busy() {
            std::thread::sleep(Duration::from_micros(50));
        }
        s.train((target - s.backend.steps()).min(256) as usize);
        let step = s.backend.steps();
        if cadence.due(ms(), step, true) && s.backend.request_snapshot(false) {
            cadence.requested(ms(), step);
        }
        if let Some(Err(e)) = s.pump() {
            return Err(e);
        }
    }
    // Every submitted step has run (no extra evaluation: the TF.js side ends with one scalar read).
    s.backend.wait();
    if let Some(Err(e)) = s.pump() {
        return Err(e);
    }
    Ok(t0.elapsed().as_secs_f64())
}

/// Run one workload on one backend: `repeats` timed runs after one warm-up.
/// `sequential` trains the workload's models one after another (P4's baseline).
pub fn run(name: &str, gpu: Option<&Arc<GpuContext>>, repeats: usize, sequential: bool) -> Result<Row, String> {
    let w = workload(name).ok_or_else(|| format!("unknown workload {name}"))?;
    let (m, steps) = (w.spec.models, w.spec.steps);
    let mut samples = vec![];
    if sequential {
        let mut ss: Vec<Session> = (0..m).map(|k| session(&w, Part::Member(k), gpu)).collect::<Result<_, _>>()?;
        for s in ss.iter_mut() {
            timed(s, steps.min(50))?;
        }
        for _ in 0..repeats {
            let mut secs = 0.0;
            for s in ss.iter_mut() {
                secs += timed(s, steps)?;
            }
            samples.push((m as u64 * steps) as f64 / secs);
        }
    } else {
        let mut s = session(&w, Part::All, gpu)?;
        timed(&mut s, (steps / 4).max(1))?;
        for _ in 0..repeats {
            let secs = timed(&mut s, steps)?;
            samples.push((m as u64 * steps) as f64 / secs);
        }
    }
    let backend = if gpu.is_some() { "gpu" } else { "cpu" };
    let adapter = gpu.map_or("CPU".to_string(), |c| c.label.clone());
    let workload = if sequential { format!("{name}-sequential") } else { name.to_string() };
    Ok(Row { workload, engine: "grokpad", backend: backend.into(), adapter, steps_per_s: median(&samples), samples })
}

/// Markdown table of rows.
pub fn markdown(rows: &[Row]) -> String {
    let mut s = String::from("| workload | engine | backend | adapter | steps/s (median) |\n|---|---|---|---|---|\n");
    for r in rows {
        s.push_str(&format!(
            "| {} | {} | {} | {} | {:.1} |\n",
            r.workload, r.engine, r.backend, r.adapter, r.steps_per_s
        ));
    }
    s
}

/// `grokpad bench --profile`: the per-op step of workload `name` on `ctx`, timed per dispatch
/// (`GpuBackend::profile_step`), as a Markdown table with each kernel's share and GFLOP/s.
pub fn profile(name: &str, ctx: &Arc<GpuContext>, reps: usize) -> Result<String, String> {
    use crate::gpu::{GpuBackend, PlanKind};
    let w = workload(name).ok_or_else(|| format!("unknown workload {name}"))?;
    let g = GpuBackend::new_with(ctx.clone(), w.part_setup(Part::All), 0, PlanKind::PerOp)?;
    let rows = g.profile_step(reps);
    let step: Vec<_> = rows.iter().filter(|r| !r.label.starts_with("eval")).collect();
    let total: f64 = step.iter().map(|r| r.ms).sum();
    let flops: f64 = step.iter().map(|r| r.flops).sum();
    let eval: f64 = rows.iter().map(|r| r.ms).sum::<f64>() - total;
    let mut s = format!(
        "{name} per-op step on {} ({reps} runs per dispatch): {total:.3} ms per step, {:.2} GFLOP/s overall; \
         one evaluation of both splits (the metrics) {eval:.3} ms\n\n\
         | dispatch | workgroups | ms | share | GFLOP/s |\n|---|---:|---:|---:|---:|\n",
        ctx.label,
        flops / total / 1e6
    );
    for r in &rows {
        let gf = if r.flops > 0.0 { format!("{:.2}", r.flops / r.ms / 1e6) } else { "–".into() };
        // Shares of the step, or of the evaluation for its dispatches.
        let of = if r.label.starts_with("eval") { eval } else { total };
        s.push_str(&format!("| {} | {} | {:.3} | {:.1} % | {gf} |\n", r.label, r.groups, r.ms, 100.0 * r.ms / of));
    }
    Ok(s)
}
