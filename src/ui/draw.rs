//! Canvas drawing for the page: turns the session's data, latest snapshot and curves into the
//! `plot` module's inputs and draws them with plotters-canvas. No math, no wgpu.

use crate::plot::boundary::draw_boundary;
use crate::plot::curves::{draw_curves, CurveOpts};
use crate::plot::{GridValues, PlotPoint, Series};
use crate::train::history::Row;
use crate::train::Session;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

/// Draw the decision boundary with train (and optionally test) points on canvas `id`.
pub fn boundary(id: &str, s: &Session, grid: Option<&[f32]>, show_test: bool) {
    let Some(backend) = CanvasBackend::new(id) else { return };
    let area = backend.into_drawing_area();
    let mut pts = Vec::with_capacity(s.data.train.len() + s.data.test.len());
    for (split, test) in [(&s.data.train, false), (&s.data.test, true)] {
        for k in 0..split.len() {
            pts.push(PlotPoint { x: split.raw[2 * k], y: split.raw[2 * k + 1], class: split.y[k], test });
        }
    }
    let g = grid.map(|v| GridValues { res: crate::engine::GRID_RES, values: v.to_vec() });
    if let Err(e) = draw_boundary(&area, g.as_ref(), &pts, show_test) {
        log::warn!("boundary: {e}");
    }
    let _ = area.present();
}

/// Draw train/test loss (and accuracy) curves on canvas `id`.
pub fn curves(id: &str, rows: &[Row], acc: bool) {
    let Some(backend) = CanvasBackend::new(id) else { return };
    let area = backend.into_drawing_area();
    let pick = |f: fn(&Row) -> f32| rows.iter().map(|r| (r.step as f64, f(r) as f64)).collect::<Vec<_>>();
    let series = if acc {
        vec![
            Series { label: "train accuracy".into(), color: (8, 119, 189), points: pick(|r| r.train_acc) },
            Series { label: "test accuracy".into(), color: (245, 147, 34), points: pick(|r| r.test_acc) },
        ]
    } else {
        vec![
            Series { label: "train loss".into(), color: (8, 119, 189), points: pick(|r| r.train_loss) },
            Series { label: "test loss".into(), color: (245, 147, 34), points: pick(|r| r.test_loss) },
        ]
    };
    let opts = CurveOpts {
        title: if acc { "Accuracy".into() } else { "Loss".into() },
        x_label: "step".into(),
        y_label: if acc { "accuracy".into() } else { "loss (log)".into() },
        log_y: !acc,
        y_range: if acc { Some((0.0, 1.0)) } else { None },
        draw_text: true,
    };
    if let Err(e) = draw_curves(&area, &series, &opts) {
        log::warn!("curves: {e}");
    }
    let _ = area.present();
}
