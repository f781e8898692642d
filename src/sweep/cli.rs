//! The CLI's sweep commands (native only): `grokpad run --url '…sweep=…'` trains every point
//! (`super::run`) and prints the `sweep` JSON (`super::report`); `grokpad bench --sweep` times
//! sweeps against sequential runs (`bench::sweeps`).

use crate::engine::Backend;
use crate::experiment::{url, Experiment, Model};
use crate::gpu::{GpuBackend, GpuContext};
use crate::sweep::models::ModelSetup;
use std::sync::Arc;
use std::time::Instant;

/// A sweep URL: every point trained (`sweep::run`), printed as the `sweep` array
/// (`sweep::report`).
pub fn run_sweep(
    e: &Experiment,
    gpu: bool,
    json: bool,
    timings: bool,
    notices: &[url::Notice],
) -> Result<String, (i32, String)> {
    if e.frozen {
        return frozen_sweep(e, json, timings, notices);
    }
    let mut run = crate::sweep::run::SweepRun::with_padding(e, gpu);
    // As single runs (`cli::make_backend`): KANs on the GPU where `gpu::kan::gpu_supports`
    // them, token models on `gpu::tfm::TfmGpu`.
    let on_gpu = gpu && (e.model != Model::Kan || crate::gpu::kan::gpu_supports(e));
    if gpu && !on_gpu {
        eprintln!("grokpad: notice: this model={} sweep trains on the CPU reference", url::model_name(e.model));
    }
    let ctx = if on_gpu { Some(Arc::new(GpuContext::new_blocking().map_err(|m| (1, m))?)) } else { None };
    let mut factory = |_: &Experiment, s: ModelSetup| -> Result<Box<dyn Backend>, String> {
        if !s.has_train() {
            return Err("no training points: custom data needs drawn points (`pts`) or a CSV import".into());
        }
        match (&ctx, s) {
            (Some(c), ModelSetup::Mlp(s)) => Ok(Box::new(GpuBackend::new(c.clone(), s, 0)?)),
            (Some(c), ModelSetup::Kan(s)) => Ok(Box::new(crate::gpu::kan::KanGpu::new(c.clone(), s, 0)?)),
            (Some(c), ModelSetup::Tfm(s)) => Ok(Box::new(crate::gpu::tfm::TfmGpu::new(c.clone(), s, 0)?)),
            (_, s) => Ok(crate::sweep::models::cpu_backend(s)),
        }
    };
    let t0 = Instant::now();
    run.run_blocking_any(&mut factory).map_err(|m| (if m.starts_with("no training points") { 2 } else { 1 }, m))?;
    let secs = t0.elapsed().as_secs_f64();
    let mut out = crate::sweep::report::json(&run);
    out["url"] = format!("#{}", url::encode(e)).into();
    out["steps"] = e.steps.into();
    out["backend"] = (if on_gpu { "gpu" } else { "cpu" }).into();
    out["notices"] = notices.iter().map(|n| n.to_string()).collect::<Vec<_>>().into();
    if timings {
        out["seconds"] = secs.into();
    }
    if json {
        return Ok(out.to_string());
    }
    let mut text =
        format!("sweep over {} ({} points, {} groups):", e.sweep.name(), run.points.len(), run.group_count());
    for (p, r) in run.points.iter().zip(run.finals()) {
        let r = r.unwrap_or(crate::sweep::run::Record::mean(&[]));
        text.push_str(&format!(
            "\n  {}{}: train loss {:.4} acc {:.3}, test loss {:.4} acc {:.3}",
            p.value,
            p.value2.map_or(String::new(), |v| format!(" × {v}")),
            r.train_loss,
            r.train_acc,
            r.test_loss,
            r.test_acc
        ));
    }
    Ok(text)
}

/// A random-features sweep (`frozen=1`): every point solved in closed form on the CPU.
fn frozen_sweep(e: &Experiment, json: bool, timings: bool, notices: &[url::Notice]) -> Result<String, (i32, String)> {
    let t0 = Instant::now();
    let pts =
        crate::sweep::frozen::fit_all(e).map_err(|m| (if m.contains("no training points") { 2 } else { 1 }, m))?;
    let mut out = crate::sweep::frozen::json(e, &pts);
    out["url"] = format!("#{}", url::encode(e)).into();
    out["backend"] = "cpu".into();
    out["notices"] = notices.iter().map(|n| n.to_string()).collect::<Vec<_>>().into();
    if timings {
        out["seconds"] = t0.elapsed().as_secs_f64().into();
    }
    if json {
        return Ok(out.to_string());
    }
    let mut text = format!("random-features sweep over {} ({} points, closed form):", e.sweep.name(), pts.len());
    for p in &pts {
        text.push_str(&format!(
            "\n  {}{}: train mse {:.4}, test mse {:.4}, test acc {:.3}",
            p.value,
            p.value2.map_or(String::new(), |v| format!(" × {v}")),
            p.fit.train_loss,
            p.fit.test_loss,
            p.fit.test_acc
        ));
    }
    Ok(text)
}

/// `grokpad bench --sweep` (`bench::sweeps`).
pub fn bench_sweep(backend: &str, repeats: usize, json: bool) -> Result<String, (i32, String)> {
    use crate::bench::sweeps;
    let (cpu, gpu) = crate::cli::bench_targets(backend, repeats)?;
    let ctx = if gpu { Some(Arc::new(GpuContext::new_blocking().map_err(|e| (1, e))?)) } else { None };
    let mut pairs = vec![];
    for (name, u, steps, kind) in sweeps::cases() {
        for t in crate::cli::bench_list(cpu, ctx.as_ref()) {
            let pair = sweeps::run_case(name, &u, steps, kind, t, repeats).map_err(|e| (1, e))?;
            eprintln!("grokpad bench: {} {:.0} vs {:.0} model-steps/s", name, pair.0.steps_per_s, pair.1.steps_per_s);
            pairs.push(pair);
        }
    }
    if json {
        let rows: Vec<serde_json::Value> = pairs
            .iter()
            .map(|(a, b)| {
                serde_json::json!({"case": a.workload, "backend": a.backend, "adapter": a.adapter,
                    "together": a, "sequential": b, "speedup": a.steps_per_s / b.steps_per_s})
            })
            .collect();
        return Ok(serde_json::to_string_pretty(&rows).unwrap_or_default());
    }
    Ok(sweeps::markdown(&pairs))
}
