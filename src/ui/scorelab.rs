//! The page's memorization and data-diet lab (issue 5): with `score` = memo, el2n or grand the
//! page trains the scoring models together (`scores::run::ScoreRun`, Feldman & Zhang 2020 halves
//! or Paul et al. 2021 early-training seeds) in frame-sized pieces before the single run, then
//! draws the scores on the data plane, memorization score against subpopulation frequency
//! (long-tail data, Feldman 2020) and, with `prune` > 0, test accuracy against the fraction
//! pruned by score and at random.

use super::runner::now_ms;
use super::widgets::{key, number, select};
use crate::core::data::{longtail, Data};
use crate::engine::cpu::CpuBackend;
use crate::engine::{Backend, Setup};
use crate::experiment::limits as lim;
use crate::experiment::{Dataset, Experiment, ScoreKind, PRUNE_SIDE, SCORE};
use crate::gpu::{GpuBackend, GpuContext};
use crate::plot::memo::{draw_prune_curve, draw_score_plane, draw_score_vs_freq};
use crate::scores::run::ScoreRun;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use std::cell::RefCell;
use std::sync::Arc;

/// Milliseconds of scoring work per frame.
const FRAME_MS: f64 = 12.0;

struct Driver {
    exp: Experiment,
    data: Data,
    run: ScoreRun,
    gpu: Option<Arc<GpuContext>>,
    started: f64,
    finished: Option<f64>,
    drawn: bool,
    error: Option<String>,
}

thread_local! {
    static DRIVER: RefCell<Option<Driver>> = const { RefCell::new(None) };
}

/// Whether `e` asks for per-example scores.
pub fn wanted(e: &Experiment) -> bool {
    e.score != ScoreKind::None && !crate::sweep::is_sweep(e)
}

/// Start (or drop, for a URL without scores) the score run of `e`; `gpu`: the page's WebGPU
/// context when training runs there.
pub fn start(e: &Experiment, gpu: Option<Arc<GpuContext>>) {
    let d = wanted(e).then(|| Driver {
        exp: e.clone(),
        data: crate::core::data::make(e),
        run: ScoreRun::new(e, (e.seeds as usize).clamp(1, 8)),
        gpu,
        started: now_ms(),
        finished: None,
        drawn: false,
        error: None,
    });
    DRIVER.with(|s| *s.borrow_mut() = d);
}

/// Whether the score run still trains (the single run waits for it).
pub fn active() -> bool {
    DRIVER.with(|s| s.borrow().as_ref().is_some_and(|d| d.finished.is_none() && d.error.is_none()))
}

/// One frame of scoring work (none while paused), the status text, and the charts once done.
pub fn after_frame(status: RwSignal<String>, running: bool) {
    let draw_now = DRIVER.with(|s| {
        let mut s = s.borrow_mut();
        let Some(d) = s.as_mut() else { return false };
        if d.finished.is_none() && d.error.is_none() && running {
            let gpu = d.gpu.clone();
            let mut factory = |setup: Setup| -> Result<Box<dyn Backend>, String> {
                match &gpu {
                    Some(c) => Ok(Box::new(GpuBackend::new(c.clone(), setup, 0)?)),
                    None => Ok(Box::new(CpuBackend::new(setup, 0))),
                }
            };
            let t0 = now_ms();
            let budget = if gpu.is_some() { 256 } else { 16 };
            while now_ms() - t0 < FRAME_MS {
                match d.run.pump(budget, &mut factory) {
                    Ok(true) if d.run.busy() => break,
                    Ok(true) => {}
                    Ok(false) => {
                        d.finished = Some(now_ms());
                        break;
                    }
                    Err(m) => {
                        d.error = Some(m);
                        break;
                    }
                }
            }
        }
        status.set(describe(d));
        let due = !d.drawn && (d.finished.is_some() || d.run.scores.is_some());
        if due {
            d.drawn = d.finished.is_some();
        }
        due
    });
    if draw_now && !draw() {
        DRIVER.with(|s| {
            if let Some(d) = s.borrow_mut().as_mut() {
                d.drawn = false;
            }
        });
    }
}

fn describe(d: &Driver) -> String {
    if let Some(m) = &d.error {
        return format!("Scoring stopped: {m}");
    }
    let secs = (d.finished.unwrap_or_else(now_ms) - d.started) / 1000.0;
    let (part, now, total) = d.run.progress();
    let what = match (part, d.exp.score) {
        (1, _) => "retraining the pruned sets",
        (_, ScoreKind::Memo) => "training on random halves",
        _ => "training the scoring seeds",
    };
    match (&d.finished, &d.run.scores) {
        (Some(_), Some(s)) => {
            let finite: Vec<f32> = s.score.iter().copied().filter(|v| v.is_finite()).collect();
            let mean = finite.iter().sum::<f32>() / finite.len().max(1) as f32;
            format!(
                "Scores done in {secs:.1} s: {} models × {} steps, mean score {mean:.3}, their mean test accuracy {:.3}.",
                s.models, s.steps, s.test_acc
            )
        }
        _ => format!("Scoring: {what}, {} models together, step {now} of {total} ({secs:.1} s).", d.run.models()),
    }
}

/// Draw the score charts; false when their canvases are not in the page yet.
pub fn draw() -> bool {
    DRIVER.with(|s| {
        let s = s.borrow();
        let Some(d) = s.as_ref() else { return true };
        let Some(sc) = &d.run.scores else { return true };
        let tr = &d.data.train;
        let Some(plane) = CanvasBackend::new("score-plane") else { return false };
        let pts: Vec<(f32, f32, f32)> = (0..tr.len())
            .map(|i| {
                let v = sc.score.get(i).copied().unwrap_or(f32::NAN);
                // EL2N and GraNd are ≥ 0 and unbounded: scale by the largest for the colours.
                (tr.raw.get(2 * i).copied().unwrap_or(f32::NAN), tr.raw.get(2 * i + 1).copied().unwrap_or(f32::NAN), v)
            })
            .collect();
        let top = pts.iter().map(|p| p.2).filter(|v| v.is_finite()).fold(0.0f32, f32::max).max(1e-6);
        let scaled: Vec<(f32, f32, f32)> = if d.exp.score == ScoreKind::Memo {
            pts
        } else {
            pts.into_iter().map(|(x, y, v)| (x, y, v / top)).collect()
        };
        if let Err(e) = draw_score_plane(&plane.into_drawing_area(), &scaled) {
            log::warn!("score plane: {e}");
        }
        if d.exp.data == Dataset::Longtail && d.exp.score == ScoreKind::Memo {
            if let Some(b) = CanvasBackend::new("score-freq") {
                let w = longtail::weights(d.exp.subpops.clamp(2, 200) as usize, d.exp.zipf);
                let pts: Vec<(f64, f64)> = tr
                    .subpop
                    .iter()
                    .zip(&sc.score)
                    .map(|(&g, &v)| (w.get(g as usize).copied().unwrap_or(f64::NAN), v as f64))
                    .collect();
                if let Err(e) = draw_score_vs_freq(&b.into_drawing_area(), &pts, true) {
                    log::warn!("score vs frequency: {e}");
                }
            }
        }
        if let (Some(curve), Some(b)) = (&d.run.curve, CanvasBackend::new("prune-curve")) {
            let rows: Vec<(f64, f64, f64)> =
                curve.iter().map(|p| (p.fraction as f64, p.test_acc as f64, p.random_test_acc as f64)).collect();
            let side = crate::experiment::name_in(PRUNE_SIDE, d.exp.prune_side);
            if let Err(e) = draw_prune_curve(&b.into_drawing_area(), &rows, side, true) {
                log::warn!("prune curve: {e}");
            }
        }
        true
    })
}

/// The scores panel: score kind, models, scoring step, pruning, the charts and the status.
#[component]
pub fn ScorePanel(exp: RwSignal<Experiment>, status: RwSignal<String>) -> impl IntoView {
    let on = move || exp.with(wanted);
    let longtail = move || exp.with(|e| e.data == Dataset::Longtail && e.score == ScoreKind::Memo);
    let pruning = move || exp.with(|e| e.prune > 0.0);
    let early = move |e: &Experiment| e.score == ScoreKind::El2n || e.score == ScoreKind::Grand;
    let (s_lo, s_hi) = lim::SCORE_STEP;
    let (p_lo, p_hi) = lim::PRUNE;
    let (m_lo, m_hi) = lim::SEEDS;
    view! {
        <section class="panel scores" id="score-panel">
            <h2>"Per-example scores: memorization and data diet"</h2>
            <div class="row">
                {select(key(exp, "score", "Score"), SCORE, |e| e.score, |e, v| e.score = v)}
                {number(key(exp, "seeds", "Models"), |e| e.seeds, |e, v| e.seeds = v, m_lo, m_hi)}
                {move || exp.with(early).then(|| number(key(exp, "score_step", "Score at step"), |e| e.score_step, |e, v| e.score_step = v, s_lo, s_hi))}
                {number(key(exp, "prune", "Prune up to"), |e| e.prune, |e, v| e.prune = v, p_lo, p_hi)}
                {select(key(exp, "prune_side", "Prune side"), PRUNE_SIDE, |e| e.prune_side, |e, v| e.prune_side = v)}
            </div>
            <Show when=on fallback=|| view! {
                <p class="hint">"Pick a score: memo trains the models on random halves of the training set and scores \
                    each point by P(correct | trained on it) − P(correct | held out) (Feldman & Zhang); el2n and grand \
                    average the error norm or gradient norm early in training (Paul et al.). Then prune the highest- or \
                    lowest-scored points and retrain. Try the long-tail and data-diet presets."</p>
            }>
                <p id="score-status" class="status-line">{move || status.get()}</p>
                <div class="row score-charts">
                    <figure>
                        <canvas id="score-plane" width="300" height="300"></canvas>
                        <figcaption>"Training points coloured by score (blue high, orange negative, white 0)."</figcaption>
                    </figure>
                    <Show when=longtail>
                        <canvas id="score-freq" width="420" height="300"></canvas>
                    </Show>
                    <Show when=pruning>
                        <canvas id="prune-curve" width="420" height="300"></canvas>
                    </Show>
                </div>
            </Show>
        </section>
    }
}
