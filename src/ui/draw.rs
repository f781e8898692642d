//! Drawing for the page: turns the session's data, latest snapshot and curves into the `plot`
//! module's inputs. Every plot is drawn by one function generic over the plotters backend, so
//! the canvas and the SVG export are the same picture. Also keeps what the plots need between
//! frames: per-seed bands (mean and min–max over the models), the pinned run, the x axes (hover).

use crate::engine::{Snapshot, GRID_RES};
use crate::experiment::Experiment;
use crate::plot::boundary::{draw_boundary_with, BoundaryOpts};
use crate::plot::curves::{draw_curves, CurveOpts, XAxis};
use crate::plot::fit::draw_fit_1d;
use crate::plot::{GridValues, PlotPoint, Series};
use crate::train::history::Row;
use crate::train::Session;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use std::cell::RefCell;

/// Curve colours: TFP's blue (train) and orange (test).
const TRAIN: (u8, u8, u8) = (8, 119, 189);
const TEST: (u8, u8, u8) = (245, 147, 34);
/// Label noise (issue 5): accuracy on the clean training points (green) and on the flipped ones
/// (red: predicted as their flipped label = memorized).
const CLEAN: (u8, u8, u8) = (44, 160, 44);
const FLIPPED: (u8, u8, u8) = (214, 39, 40);
/// Band rows kept; beyond it every other row is dropped.
const BAND_CAP: usize = 2000;

/// Mean, min and max over the models of one metric.
type Spread = (f32, f32, f32);

/// Per-seed statistics at one step: train loss, test loss, train acc, test acc.
#[derive(Clone, Copy, Debug)]
pub struct BandRow {
    pub step: u64,
    pub v: [Spread; 4],
}

thread_local! {
    static BANDS: RefCell<Vec<BandRow>> = const { RefCell::new(Vec::new()) };
    static PINNED: RefCell<Option<Vec<Row>>> = const { RefCell::new(None) };
    static AXES: RefCell<Vec<(String, XAxis)>> = const { RefCell::new(Vec::new()) };
    static MARKERS: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
    /// More than two classes: cell colours of model 0's class probabilities over the boundary
    /// grid (`netview::prob_colors`), from the latest weights read back.
    static PROBS: RefCell<Option<Vec<(u8, u8, u8)>>> = const { RefCell::new(None) };
}

/// The class-probability colours the boundary draws for more than two classes (`None`: the
/// engine's arg-max grid).
pub fn set_probs(colors: Option<Vec<(u8, u8, u8)>>) {
    PROBS.with(|p| *p.borrow_mut() = colors);
}

/// Steps of the session's live edits, drawn on every chart.
pub fn set_markers(steps: Vec<f64>) {
    MARKERS.with(|m| *m.borrow_mut() = steps);
}

fn spread(v: impl Iterator<Item = f32> + Clone) -> Spread {
    let n = v.clone().count().max(1) as f32;
    let mean = v.clone().sum::<f32>() / n;
    let lo = v.clone().fold(f32::INFINITY, f32::min);
    let hi = v.fold(f32::NEG_INFINITY, f32::max);
    (mean, lo, hi)
}

/// Record a snapshot's per-model metrics (only when several models train together).
pub fn record(s: &Snapshot) {
    if s.train.len() < 2 {
        return;
    }
    let row = BandRow {
        step: s.step,
        v: [
            spread(s.train.iter().map(|m| m.loss)),
            spread(s.test.iter().map(|m| m.loss)),
            spread(s.train.iter().map(|m| m.acc)),
            spread(s.test.iter().map(|m| m.acc)),
        ],
    };
    BANDS.with(|b| {
        let mut b = b.borrow_mut();
        if b.last().is_some_and(|l| l.step >= row.step) {
            return;
        }
        b.push(row);
        if b.len() > BAND_CAP {
            let mut k = 0;
            b.retain(|_| {
                k += 1;
                k % 2 == 1 || k == BAND_CAP + 1
            });
        }
    });
}

/// Forget the bands (new session).
pub fn clear_bands() {
    BANDS.with(|b| b.borrow_mut().clear());
}

/// Keep `rows` to overlay (dashed) on the next runs; `None` unpins.
pub fn pin(rows: Option<Vec<Row>>) {
    PINNED.with(|p| *p.borrow_mut() = rows);
}

/// The three curve charts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Chart {
    Loss,
    Acc,
    Gap,
    Norms,
}

/// Canvas ids of the charts.
pub const CHARTS: [(&str, Chart); 4] =
    [("loss-chart", Chart::Loss), ("acc-chart", Chart::Acc), ("gap-chart", Chart::Gap), ("norm-chart", Chart::Norms)];

/// A metric of a row: 0 train loss, 1 test loss, 2 train acc, 3 test acc.
fn metric(r: &Row, k: usize) -> f32 {
    [r.train_loss, r.test_loss, r.train_acc, r.test_acc][k]
}

/// The series and options of `chart`: lines from `rows` (model 0), or the seed means with
/// min–max bands when several models train; the pinned run dashed.
pub fn chart_series(chart: Chart, rows: &[Row], logx: bool) -> (Vec<Series>, CurveOpts) {
    let bands = BANDS.with(|b| b.borrow().clone());
    let pinned = PINNED.with(|p| p.borrow().clone());
    let seeds = !bands.is_empty();
    let pts = |k: usize| -> Vec<(f64, f64)> {
        if seeds {
            bands.iter().map(|b| (b.step as f64, b.v[k].0 as f64)).collect()
        } else {
            rows.iter().map(|r| (r.step as f64, metric(r, k) as f64)).collect()
        }
    };
    let band = |k: usize| -> Vec<(f64, f64, f64)> {
        bands.iter().map(|b| (b.step as f64, b.v[k].1 as f64, b.v[k].2 as f64)).collect()
    };
    let gap = |rows: &[Row]| rows.iter().map(|r| (r.step as f64, (r.test_loss - r.train_loss) as f64)).collect();
    let mut s = match chart {
        Chart::Loss | Chart::Acc => {
            let (k, name) = if chart == Chart::Loss { (0, "loss") } else { (2, "accuracy") };
            vec![
                Series {
                    label: format!("train {name}"),
                    color: TRAIN,
                    points: pts(k),
                    band: band(k),
                    ..Default::default()
                },
                Series {
                    label: format!("test {name}"),
                    color: TEST,
                    points: pts(k + 1),
                    band: band(k + 1),
                    ..Default::default()
                },
            ]
        }
        Chart::Gap => {
            let points = if seeds {
                bands.iter().map(|b| (b.step as f64, (b.v[1].0 - b.v[0].0) as f64)).collect()
            } else {
                gap(rows)
            };
            vec![Series { label: "test − train loss".into(), color: (110, 80, 160), points, ..Default::default() }]
        }
        Chart::Norms => {
            let col = |f: fn(&Row) -> f32| rows.iter().map(|r| (r.step as f64, f(r) as f64)).collect::<Vec<_>>();
            vec![
                Series {
                    label: "weight norm".into(),
                    color: (60, 60, 60),
                    points: col(|r| r.wnorm),
                    ..Default::default()
                },
                Series {
                    label: "gradient norm".into(),
                    color: (200, 120, 20),
                    points: col(|r| r.gnorm),
                    ..Default::default()
                },
            ]
        }
    };
    if chart == Chart::Acc && rows.iter().any(|r| r.noisy_acc.is_finite()) {
        // Model 0's clean / flipped training accuracy (Doshi et al.'s two stages: memorize the
        // corrupted labels, then unlearn them as the model groks).
        let col = |f: fn(&Row) -> f32| rows.iter().map(|r| (r.step as f64, f(r) as f64)).collect::<Vec<_>>();
        s.push(Series {
            label: "clean train".into(),
            color: CLEAN,
            points: col(|r| r.clean_acc),
            ..Default::default()
        });
        s.push(Series {
            label: "flipped train (memorized)".into(),
            color: FLIPPED,
            points: col(|r| r.noisy_acc),
            ..Default::default()
        });
    }
    if let Some(p) = pinned {
        let line =
            |label: &str, color, points| Series { label: label.into(), color, points, dashed: true, band: vec![] };
        let col = |k: usize| p.iter().map(|r| (r.step as f64, metric(r, k) as f64)).collect::<Vec<_>>();
        match chart {
            Chart::Loss => s.extend([line("pinned train", TRAIN, col(0)), line("pinned test", TEST, col(1))]),
            Chart::Acc => s.extend([line("pinned train", TRAIN, col(2)), line("pinned test", TEST, col(3))]),
            Chart::Gap => s.push(line("pinned", (110, 80, 160), gap(&p))),
            Chart::Norms => {}
        }
    }
    let (title, y_label, log_y, y_range) = match chart {
        Chart::Loss => ("Loss", "loss (log)", true, None),
        Chart::Acc => ("Accuracy", "accuracy", false, Some((0.0, 1.0))),
        Chart::Gap => ("Generalization gap", "test − train loss", false, None),
        Chart::Norms => ("Weight and gradient norm (model 0)", "L2 norm (log)", true, None),
    };
    let x_label = if logx { "step (log)" } else { "step" };
    let opts = CurveOpts {
        title: title.into(),
        x_label: x_label.into(),
        y_label: y_label.into(),
        log_y,
        log_x: logx,
        y_range,
        draw_text: true,
        markers: MARKERS.with(|m| m.borrow().clone()),
    };
    (s, opts)
}

/// Draw `chart` on any backend; returns its x axis.
pub fn chart_on<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: Chart,
    rows: &[Row],
    logx: bool,
) -> Result<XAxis, String> {
    let (series, opts) = chart_series(chart, rows, logx);
    draw_curves(area, &series, &opts)
}

/// Draw `chart` on canvas `id` and remember its axis for hover read-outs.
pub fn curves(id: &str, chart: Chart, rows: &[Row], logx: bool) {
    let Some(backend) = CanvasBackend::new(id) else { return };
    let area = backend.into_drawing_area();
    match chart_on(&area, chart, rows, logx) {
        Ok(ax) => AXES.with(|a| {
            let mut a = a.borrow_mut();
            a.retain(|(k, _)| k != id);
            a.push((id.to_string(), ax));
        }),
        Err(e) => log::warn!("curves: {e}"),
    }
    let _ = area.present();
}

/// The step under canvas pixel column `px` of chart `id`.
pub fn step_at(id: &str, px: i32) -> Option<f64> {
    AXES.with(|a| a.borrow().iter().find(|(k, _)| k == id).map(|(_, ax)| ax.value_at(px)))
}

/// The read-out of the recorded row nearest step `at`.
pub fn hover_text(rows: &[Row], at: f64, regression: bool) -> Option<String> {
    let d = |r: &&Row| (r.step as f64 - at).abs();
    let r = rows.iter().min_by(|a, b| d(a).total_cmp(&d(b)))?;
    let acc = if regression {
        String::new()
    } else {
        let memo = if r.noisy_acc.is_finite() {
            format!(" · clean train {:.3} flipped train {:.3}", r.clean_acc, r.noisy_acc)
        } else {
            String::new()
        };
        format!(" · accuracy train {:.3} test {:.3}{memo}", r.train_acc, r.test_acc)
    };
    let gap = r.test_loss - r.train_loss;
    Some(format!("step {}: loss train {:.4} test {:.4} (gap {gap:+.4}){acc}", r.step, r.train_loss, r.test_loss))
}

/// Boundary (classification, 2-D regression) or fitted curve (1-D regression) on any backend.
pub fn boundary_on<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &Session,
    grid: Option<&[f32]>,
    e: &Experiment,
) -> Result<(), String> {
    if super::grok::shown(e) {
        // data=mod: the a × b table of predictions instead of the points.
        return super::grok::table_on(area, s, e);
    }
    let mut pts = Vec::with_capacity(s.data.train.len() + s.data.test.len());
    // Per point: label flipped (train only), and the clean label (issue 5's memorization view).
    let mut marks: Vec<(bool, Option<u8>)> = Vec::with_capacity(pts.capacity());
    // Plot coordinates (`raw`, the first two for XOR clusters), and the label or target.
    for (split, test) in [(&s.data.train, false), (&s.data.test, true)] {
        for k in 0..split.len() {
            let (x, y) =
                (split.raw.get(2 * k).copied().unwrap_or(0.0), split.raw.get(2 * k + 1).copied().unwrap_or(0.0));
            let v = split.r.get(k).copied().unwrap_or(split.y[k] as f32);
            pts.push((x, y, v, test));
            marks.push((split.flipped.get(k).copied().unwrap_or(false), split.clean.get(k).copied()));
        }
    }
    if e.data.is_1d() {
        let row = GRID_RES / 2;
        let curve: Vec<(f32, f32)> = grid
            .map(|g| {
                (0..GRID_RES)
                    .map(|c| (-6.0 + (c as f32 + 0.5) * 12.0 / GRID_RES as f32, g[row * GRID_RES + c]))
                    .collect()
            })
            .unwrap_or_default();
        let fit: Vec<_> = pts.iter().map(|p| (p.0, p.2, p.3)).collect();
        return draw_fit_1d(area, &fit, &curve, e.show_test);
    }
    let reg = e.is_regression();
    let noisy = !reg && (e.flip > 0.0 || e.corrupt > 0.0);
    let multi = e.classes_out() > 2;
    let pts: Vec<PlotPoint> = pts
        .iter()
        .zip(&marks)
        .map(|(p, &(flipped, clean))| PlotPoint {
            x: p.0,
            y: p.1,
            class: p.2 as u8,
            test: p.3,
            value: reg.then_some(p.2),
            flipped: noisy && flipped,
            // Fitted against its true label: the model's class at the point is not the clean one.
            misfit: noisy
                && !p.3
                && match (clean, grid.and_then(|g| crate::plot::boundary::class_at(g, GRID_RES, p.0, p.1, multi))) {
                    (Some(c), Some(k)) => k != c,
                    _ => false,
                },
        })
        .collect();
    let g = grid.map(|v| GridValues { res: GRID_RES, values: v.to_vec() });
    let multiclass = e.classes_out() > 2;
    if multiclass && !e.discretize {
        let drawn = PROBS.with(|p| {
            p.borrow()
                .as_ref()
                .filter(|c| c.len() == GRID_RES * GRID_RES)
                .map(|c| crate::plot::probs::draw_prob_boundary(area, GRID_RES, c, &pts, e.show_test))
        });
        if let Some(r) = drawn {
            return r;
        }
    }
    let opts = BoundaryOpts {
        show_test: e.show_test,
        discretize: e.discretize && !reg,
        multiclass,
        mark_flipped: noisy,
        mark_misfit: noisy,
    };
    draw_boundary_with(area, g.as_ref(), &pts, &opts)
}

/// Draw the boundary on canvas `id`.
pub fn boundary(id: &str, s: &Session, grid: Option<&[f32]>, e: &Experiment) {
    let Some(backend) = CanvasBackend::new(id) else { return };
    let area = backend.into_drawing_area();
    if let Err(err) = boundary_on(&area, s, grid, e) {
        log::warn!("boundary: {err}");
    }
    let _ = area.present();
}

/// The plot on canvas `id` as an SVG document of the same size.
pub fn svg(id: &str, s: &Session, e: &Experiment, size: (u32, u32)) -> Result<String, String> {
    let mut out = String::new();
    {
        let area = SVGBackend::with_string(&mut out, size).into_drawing_area();
        let rows = s.rows();
        match CHARTS.iter().find(|(k, _)| *k == id) {
            Some(&(_, chart)) => chart_on(&area, chart, &rows, e.logx).map(|_| ())?,
            None => boundary_on(&area, s, s.last.as_ref().and_then(|l| l.grid.as_deref()), e)?,
        }
        area.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}
