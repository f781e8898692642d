//! The native CLI: runs a share URL headless with the same engine as the page (DESIGN.md §4).
//! `grokpad run --url '<url or hash>' [--steps N] [--backend cpu|gpu] --json [--curves F.csv]`.
//! The JSON holds no timings (unless `--timings`), so a CPU run of one URL is byte-identical.
//! `data=mod` / `data=digits` runs add `grok` (`train::grok::Milestones`: the first evaluated
//! steps at train acc ≥ 0.99, test acc ≥ 0.9 and ≥ 0.95, null if never). Runs with label noise
//! add `history` (`train::history::rows_json`: per recorded row, the clean and flipped training
//! accuracies besides the usual metrics). `data=mod` MLP runs add `progress`
//! (`train::progress::json`: key frequencies, spectrum, IPR summary, pruning of the memorizing
//! neurons).

use crate::engine::cpu::CpuBackend;
use crate::engine::Backend;
use crate::experiment::{url, BackendChoice};
use crate::gpu::{GpuBackend, GpuContext};
use crate::train::{setup, Session};
use clap::{Parser, Subcommand, ValueEnum};

mod backend;
mod json;

use backend::make_backend;
use json::{final_params, kan_json, mean_json, memorization, model_json};
use std::sync::Arc;
use std::time::Instant;

#[derive(Parser)]
#[command(name = "grokpad", version, about = "Grokpad: train the experiment of a share URL headless")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BackendArg {
    Cpu,
    Gpu,
}

#[derive(Subcommand)]
enum Cmd {
    /// Train the experiment of a URL and print its final metrics.
    Run {
        /// Full URL or just the hash (`v=1&data=xor...`).
        #[arg(long, required_unless_present = "preset", conflicts_with = "preset")]
        url: Option<String>,
        /// Run a preset of the gallery by its slug (`grokpad presets` lists them).
        #[arg(long)]
        preset: Option<String>,
        /// Steps to train (overrides the URL's `steps`).
        #[arg(long)]
        steps: Option<u64>,
        /// Backend (overrides the URL's `backend`; `webgpu` in a URL means `gpu`).
        #[arg(long, value_enum)]
        backend: Option<BackendArg>,
        /// Print one JSON object (otherwise a short text summary).
        #[arg(long)]
        json: bool,
        /// Write the curves as CSV: step,train_loss,test_loss,train_acc,test_acc.
        #[arg(long)]
        curves: Option<std::path::PathBuf>,
        /// Record a curve row every N steps (default: about 200 rows over the run).
        #[arg(long)]
        every: Option<u64>,
        /// Add wall-clock timings (steps/s) to the output.
        #[arg(long)]
        timings: bool,
        /// For a KAN: also train a parameter-matched MLP and a grid-size scaling series
        /// (`kan_vs_mlp` in the JSON, `ui::kanrun::report`).
        #[arg(long)]
        kan_vs_mlp: bool,
    },
    /// Print the table of URL keys (range, default, meaning) as Markdown.
    Keys,
    /// List the preset gallery: slug, title, URL and paper.
    Presets {
        /// One JSON list of {name, title, url, paper, watch}.
        #[arg(long)]
        json: bool,
    },
    /// Benchmark the P1–P4 workloads natively (CPU reference and wgpu); prints numbers.
    Bench {
        /// Comma list of workloads (P1,P2,P3,P4-seeds); default all.
        #[arg(long)]
        workloads: Option<String>,
        /// cpu, gpu or both.
        #[arg(long, default_value = "both")]
        backend: String,
        /// Timed repeats per workload (median reported).
        #[arg(long, default_value_t = 5)]
        repeats: usize,
        /// Print JSON (a list of rows) instead of a Markdown table.
        #[arg(long)]
        json: bool,
        /// Instead of timing whole runs, time each dispatch of the per-op GPU step (`--repeats`
        /// runs each) and print where a step's time goes.
        #[arg(long)]
        profile: bool,
        /// Instead of the workloads, time sweeps (`bench::sweeps`): 64 seeds and 64 widths
        /// trained together vs one after another, with the speed-ups.
        #[arg(long)]
        sweep: bool,
    },
}

/// Entry point; returns the process exit code (2 for bad input, 1 for a failed run).
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match cli.cmd {
        Cmd::Bench { workloads, backend, repeats, json, profile, sweep } => {
            let out = if sweep {
                crate::sweep::cli::bench_sweep(&backend, repeats, json)
            } else {
                bench(workloads, &backend, repeats, json, profile)
            };
            match out {
                Ok(out) => {
                    emit(&format!("{out}\n"));
                    0
                }
                Err((code, msg)) => {
                    eprintln!("grokpad: {msg}");
                    code
                }
            }
        }
        Cmd::Keys => {
            emit(&url::keys_markdown());
            0
        }
        Cmd::Presets { json } => {
            emit(&format!("{}\n", presets(json)));
            0
        }
        Cmd::Run { url, preset, steps, backend, json, curves, every, timings, kan_vs_mlp } => {
            let input = match (url, preset) {
                (Some(u), _) => u,
                (None, Some(p)) => match crate::experiment::presets::find(&p) {
                    Some(p) => p.url.to_string(),
                    None => {
                        let known: Vec<&str> = crate::experiment::presets::PRESETS.iter().map(|p| p.slug).collect();
                        eprintln!("grokpad: unknown preset `{p}` (known: {})", known.join(", "));
                        return 2;
                    }
                },
                (None, None) => String::new(),
            };
            let out = run(&input, steps, backend, json, curves, every, timings);
            match out.map(|o| if kan_vs_mlp { with_kan_vs_mlp(o, &input, steps) } else { o }) {
                Ok(out) => {
                    emit(&format!("{out}\n"));
                    0
                }
                Err((code, msg)) => {
                    eprintln!("grokpad: {msg}");
                    code
                }
            }
        }
    }
}

/// The preset gallery as JSON (`{name, title, url, paper, watch}` per preset) or text.
fn presets(json: bool) -> String {
    use crate::experiment::presets::PRESETS;
    if json {
        let list: Vec<serde_json::Value> = PRESETS
            .iter()
            .map(|p| {
                serde_json::json!({"name": p.slug, "title": p.title, "url": format!("#{}", p.url), "paper": p.paper, "watch": p.watch})
            })
            .collect();
        serde_json::Value::Array(list).to_string()
    } else {
        PRESETS
            .iter()
            .map(|p| format!("{:<22} {}\n{:<22} #{}", p.slug, p.title, "", p.url))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// `out` with the KAN-vs-MLP comparison of the link `input` added (a `kan_vs_mlp` field of the
/// JSON, or one text line per run).
fn with_kan_vs_mlp(out: String, input: &str, steps: Option<u64>) -> String {
    let mut e = url::decode(input).experiment;
    e.steps = steps.unwrap_or(e.steps);
    let report = crate::ui::kanrun::report(&e);
    match serde_json::from_str::<serde_json::Value>(&out) {
        Ok(mut v) if v.is_object() => {
            v["kan_vs_mlp"] = report;
            v.to_string()
        }
        _ => {
            let lines = report.as_array().into_iter().flatten().map(|r| {
                let m = r.get("test_rmse").or(r.get("test_error")).cloned().unwrap_or_default();
                format!("{}: {} parameters, {m}", r["label"].as_str().unwrap_or(""), r["params"])
            });
            std::iter::once(out).chain(lines).collect::<Vec<_>>().join("\n")
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn run(
    input: &str,
    steps: Option<u64>,
    backend: Option<BackendArg>,
    json: bool,
    curves: Option<std::path::PathBuf>,
    every: Option<u64>,
    timings: bool,
) -> Result<String, (i32, String)> {
    if input.trim().is_empty() {
        return Err((2, "--url is empty".into()));
    }
    let dec = url::decode(input);
    for n in &dec.notices {
        eprintln!("grokpad: notice: {n}");
    }
    let mut e = dec.experiment;
    if let Some(s) = steps {
        if s == 0 || s > crate::experiment::limits::STEPS.1 {
            return Err((2, format!("--steps must be 1..={}", crate::experiment::limits::STEPS.1)));
        }
        e.steps = s;
    }
    let gpu = match backend {
        Some(b) => b == BackendArg::Gpu,
        None => e.backend == BackendChoice::Webgpu,
    };
    if crate::sweep::is_sweep(&e) {
        return crate::sweep::cli::run_sweep(&e, gpu, json, timings, &dec.notices);
    }
    // Issue-5 labs: closed-form random features, per-example scores and data pruning.
    let mut make = |s: crate::engine::Setup| -> Result<Box<dyn Backend>, String> {
        if gpu {
            Ok(Box::new(GpuBackend::new(Arc::new(GpuContext::new_blocking()?), s, 0)?))
        } else {
            Ok(Box::new(CpuBackend::new(s, 0)))
        }
    };
    if let Some(r) = crate::scores::report::lab_json(&e, &mut make) {
        let mut out = r.map_err(|m| (if m.starts_with("no training points") { 2 } else { 1 }, m))?;
        out["url"] = format!("#{}", url::encode(&e)).into();
        out["backend"] = (if gpu { "gpu" } else { "cpu" }).into();
        out["notices"] = dec.notices.iter().map(|n| n.to_string()).collect::<Vec<_>>().into();
        return Ok(if json {
            out.to_string()
        } else {
            format!("test acc {}, test loss {}", out["test_acc"], out["test_loss"])
        });
    }
    let every = every.unwrap_or((e.steps / 200).max(1));
    if every == 0 {
        return Err((2, "--every must be at least 1".into()));
    }
    let (d, b, rebuild) =
        make_backend(&e, gpu).map_err(|m| (if m.starts_with("no training points") { 2 } else { 1 }, m))?;
    let label = b.label();
    let mut session = Session::new(e.clone(), d, b, 0);
    session.rebuild = rebuild;
    let t0 = Instant::now();
    let last = session.run_blocking(e.steps, every).map_err(|m| (1, m))?;
    let secs = t0.elapsed().as_secs_f64();
    if let Some(path) = curves {
        let mut csv = String::from("step,train_loss,test_loss,train_acc,test_acc\n");
        for r in session.rows() {
            csv.push_str(&format!("{},{},{},{},{}\n", r.step, r.train_loss, r.test_loss, r.train_acc, r.test_acc));
        }
        std::fs::write(&path, csv).map_err(|err| (1, format!("cannot write {}: {err}", path.display())))?;
    }
    let (tr, te) = (last.train[0], last.test[0]);
    let noisy = e.flip > 0.0 || e.corrupt > 0.0 || e.labels == crate::experiment::Labels::Random;
    let memo = if e.is_regression() || !noisy || e.model != crate::experiment::Model::Mlp {
        None
    } else {
        Some(memorization(&mut session)?)
    };
    let per_model: Vec<serde_json::Value> = (0..last.train.len())
        .map(|m| model_json(&e, &last, m, memo.as_ref().map(|v| v[m]), session.data.test.is_empty()))
        .collect();
    let mut out = serde_json::json!({
        "url": format!("#{}", url::encode(&e)),
        "steps": last.step,
        "backend": if gpu && matches!(e.model, crate::experiment::Model::Mlp | crate::experiment::Model::Emb | crate::experiment::Model::Tfm) { "gpu" } else { "cpu" },
    });
    // One model: its results; several seeds: their mean, and the `seeds` list.
    for (k, v) in mean_json(&per_model).as_object().into_iter().flatten() {
        out[k] = v.clone();
    }
    out["notices"] = dec.notices.iter().map(|n| n.to_string()).collect::<Vec<_>>().into();
    if per_model.len() > 1 {
        out["seeds"] = per_model.into();
    }
    if let Some((layout, params)) = session.backend.kan_state() {
        out["kan"] = kan_json(&layout, &params);
    }
    if e.data.is_vector() {
        // Model 0's first evaluated steps at train acc ≥ 0.99, test acc ≥ 0.9 and ≥ 0.95.
        out["grok"] = serde_json::to_value(session.milestones).unwrap_or_default();
    }
    if e.data == crate::experiment::Dataset::Mod && e.model == crate::experiment::Model::Mlp {
        // Model 0's progress measures (`train::progress`): Fourier spectrum, IPR, pruning.
        let params = final_params(&mut session)?;
        let (_, s) = setup(&session.exp);
        let splits = (&session.data.train, &session.data.test);
        let p = crate::core::data::modular::modulus(e.p);
        out["progress"] = crate::train::progress::json(&s.layout, &params, splits, p).unwrap_or_default();
    }
    let rows = session.rows();
    if rows.iter().any(|r| r.noisy_acc.is_finite()) {
        // Label noise: every recorded row with its clean / flipped training accuracy.
        out["history"] = crate::train::history::rows_json(&rows);
    }
    if timings {
        out["adapter"] = label.clone().into();
        out["seconds"] = secs.into();
        out["steps_per_s"] = (last.step as f64 / secs.max(1e-9)).into();
    }
    if json {
        Ok(out.to_string())
    } else {
        Ok(format!(
            "{} steps on {label}: train loss {:.4} acc {:.3}, test loss {:.4} acc {:.3}",
            last.step, tr.loss, tr.acc, te.loss, te.acc
        ))
    }
}

fn bench(
    workloads: Option<String>,
    backend: &str,
    repeats: usize,
    json: bool,
    profile: bool,
) -> Result<String, (i32, String)> {
    use crate::bench::{native, NAMES};
    let names: Vec<String> = match workloads {
        Some(w) => w.split(',').map(|s| s.trim().to_string()).collect(),
        None => NAMES.iter().map(|s| s.to_string()).collect(),
    };
    if let Some(bad) = names.iter().find(|n| !NAMES.contains(&n.as_str())) {
        return Err((2, format!("unknown workload `{bad}` (known: {})", NAMES.join(", "))));
    }
    let (cpu, gpu) = bench_targets(backend, repeats)?;
    let ctx = if gpu || profile { Some(Arc::new(GpuContext::new_blocking().map_err(|e| (1, e))?)) } else { None };
    if let (true, Some(c)) = (profile, ctx.as_ref()) {
        let tables: Result<Vec<String>, String> = names.iter().map(|n| native::profile(n, c, repeats)).collect();
        return tables.map(|t| t.join("\n")).map_err(|e| (1, e));
    }
    let mut rows = vec![];
    for n in &names {
        for t in bench_list(cpu, ctx.as_ref()) {
            rows.push(native::run(n, t, repeats, false).map_err(|e| (1, e))?);
            if n.starts_with("P4") {
                rows.push(native::run(n, t, repeats, true).map_err(|e| (1, e))?);
            }
            eprintln!("grokpad bench: {}", serde_json::to_string(rows.last().unwrap()).unwrap_or_default());
        }
    }
    Ok(if json { serde_json::to_string_pretty(&rows).unwrap_or_default() } else { native::markdown(&rows) })
}

/// Write to stdout, ignoring a closed pipe (`grokpad … | head` must not panic).
fn emit(s: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(s.as_bytes());
}

/// `grokpad bench`'s `--backend` (cpu, gpu, both) as (run on the CPU, run on the GPU), after
/// checking `--repeats` ≥ 1.
pub(crate) fn bench_targets(backend: &str, repeats: usize) -> Result<(bool, bool), (i32, String)> {
    if repeats == 0 {
        return Err((2, "--repeats must be at least 1".into()));
    }
    match backend {
        "cpu" => Ok((true, false)),
        "gpu" => Ok((false, true)),
        "both" => Ok((true, true)),
        other => Err((2, format!("--backend must be cpu, gpu or both, not `{other}`"))),
    }
}

/// The backends a benchmark runs on, in order: the CPU (`None`) when asked, then the GPU.
pub(crate) fn bench_list(cpu: bool, gpu: Option<&Arc<GpuContext>>) -> Vec<Option<&Arc<GpuContext>>> {
    let mut v = Vec::with_capacity(2);
    if cpu {
        v.push(None);
    }
    if gpu.is_some() {
        v.push(gpu);
    }
    v
}
