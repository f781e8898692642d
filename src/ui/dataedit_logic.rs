//! Pure logic of the page's data editor (issue 4, "draw your own points; import and export the
//! dataset as CSV"): boundary-canvas pixels → plane coordinates, adding, erasing and clearing
//! drawn points, the class picker's range and CSV import into `Experiment::pts`.
//!
//! Compiled on every target (the rest of `ui` is wasm-only) so it is unit-tested natively. Drawn
//! points are custom *classification* data (`data=custom`, `v` = class 0–4), kept to 0.01 on
//! [-6, 6]² like the URL decoder keeps them, so an edited experiment round-trips through its link.
//! The link holds at most [`limits::MAX_POINTS`] points; the page keeps up to [`PAGE_POINTS`]
//! (a CSV import's limit) for training, says that the link has only the first ones and offers the
//! CSV file instead (`link_note`).

use crate::experiment::{limits, Dataset, Experiment, Loss, Point};
use crate::plot::boundary::{plot_square, EXTENT};

/// Most points the page keeps (and trains on): a CSV file's row limit.
pub const PAGE_POINTS: usize = crate::core::data::csv::MAX_ROWS;

/// Erase picks the nearest drawn point within this distance (plane units).
pub const ERASE_RADIUS: f32 = 0.3;

/// Largest class index a drawn point can carry (5 classes, as `limits::CLASSES`).
pub const MAX_CLASS: u32 = limits::CLASSES.1 - 1;

/// Coordinates kept to 0.01, as the URL's `pts` (`experiment::lists::quantize`).
pub fn quantize(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

/// A coordinate clamped to the plane and quantized (NaN → 0).
fn on_plane(v: f32) -> f32 {
    let (lo, hi) = limits::POINT_COORD;
    if v.is_nan() {
        0.0
    } else {
        quantize(v.clamp(lo, hi))
    }
}

/// Plane coordinates of pixel (`px`, `py`) on a canvas of `w × h` pixels, as the boundary plot
/// draws it (`plot::boundary::data_to_pixel`: the centred square shows [-6, 6]², row 0 at
/// y = +6), quantized to 0.01. `None` outside the plotted square or for a degenerate canvas.
pub fn pixel_to_data(px: f64, py: f64, w: u32, h: u32) -> Option<(f32, f32)> {
    let (left, top, side) = plot_square(w, h);
    if side <= 0 || !px.is_finite() || !py.is_finite() {
        return None;
    }
    let (u, v) = ((px - left as f64) / side as f64, (py - top as f64) / side as f64);
    if !(0.0..=1.0).contains(&u) || !(0.0..=1.0).contains(&v) {
        return None;
    }
    let e = EXTENT as f64;
    Some((on_plane((-e + 2.0 * e * u) as f32), on_plane((e - 2.0 * e * v) as f32)))
}

/// Index of the point of `pts` nearest to (`x`, `y`) within `radius`, if any.
pub fn nearest(pts: &[Point], x: f32, y: f32, radius: f32) -> Option<usize> {
    pts.iter()
        .enumerate()
        .map(|(i, p)| (i, (p.x - x).powi(2) + (p.y - y).powi(2)))
        .filter(|&(_, d2)| d2.is_finite() && d2 <= radius * radius)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

/// Classes in use among drawn points: 1 + the largest class (0 when there are none).
pub fn classes_in_use(pts: &[Point]) -> u32 {
    pts.iter().map(|p| p.v.clamp(0.0, MAX_CLASS as f32) as u32 + 1).max().unwrap_or(0)
}

/// Buttons of the class picker: the classes in use plus one new class, 2–5.
pub fn picker_classes(pts: &[Point]) -> u32 {
    (classes_in_use(pts) + 1).clamp(2, MAX_CLASS + 1)
}

/// The class a shift-click adds: the one after `current`, cycling through the classes in use
/// (at least two).
pub fn next_class(current: u32, pts: &[Point]) -> u32 {
    (current.min(MAX_CLASS) + 1) % classes_in_use(pts).max(2)
}

/// The message shown when the page is full.
pub fn full_message() -> String {
    format!("The page holds at most {PAGE_POINTS} drawn points.")
}

/// What the page says when the link cannot hold all `n` points (more than
/// [`limits::MAX_POINTS`]); `None` when it can.
pub fn link_note(n: usize) -> Option<String> {
    (n > limits::MAX_POINTS).then(|| {
        format!(
            "All {n} points train here, but the link holds only the first {}: use “Export CSV” to \
             keep or share the whole data as a file (“Import CSV” loads it again).",
            limits::MAX_POINTS
        )
    })
}

/// Switch `e` to drawn data (its existing `pts` are kept: they are the user's earlier drawing).
fn make_custom(e: &mut Experiment) {
    e.data = Dataset::Custom;
}

/// After an edit: more than two drawn classes always train with softmax cross-entropy, so the
/// link says `loss=ce` (instead of a "mse → ce" notice when it is opened).
fn settle_loss(e: &mut Experiment) {
    if e.loss == Loss::Mse && e.classes_out() > 2 {
        e.loss = Loss::Ce;
    }
}

/// Add a point of `class` (clamped to 0–4) at (`x`, `y`) (clamped to the plane, kept to 0.01)
/// and switch to drawn data (`loss=ce` once there are more than two classes). At [`PAGE_POINTS`]
/// points nothing changes and the `Err` says so.
pub fn add_point(e: &mut Experiment, x: f32, y: f32, class: u32) -> Result<(), String> {
    if e.pts.len() >= PAGE_POINTS {
        return Err(full_message());
    }
    make_custom(e);
    e.pts.push(Point { x: on_plane(x), y: on_plane(y), v: class.min(MAX_CLASS) as f32 });
    settle_loss(e);
    Ok(())
}

/// Remove the drawn point nearest to (`x`, `y`) within [`ERASE_RADIUS`]; whether one was. Only
/// drawn data is edited (a generated dataset has no `pts` to erase).
pub fn erase_near(e: &mut Experiment, x: f32, y: f32) -> bool {
    if e.data != Dataset::Custom {
        return false;
    }
    match nearest(&e.pts, x, y, ERASE_RADIUS) {
        Some(i) => {
            e.pts.remove(i);
            true
        }
        None => false,
    }
}

/// `Err` (what the page says) when `e` has no points to train on: drawn data with none. The
/// training backends need at least one point; one to three train (the URL decoder notes that
/// custom data wants at least 4).
pub fn check_trainable(e: &Experiment) -> Result<(), String> {
    if e.data == Dataset::Custom && e.pts.is_empty() {
        return Err(
            "No points yet: click the plot to draw points (shift-click: next class), or import a CSV file.".into()
        );
    }
    Ok(())
}

/// Remove every drawn point (drawn data, empty).
pub fn clear(e: &mut Experiment) {
    make_custom(e);
    e.pts.clear();
}

/// Put points parsed from a CSV file (`core::data::csv::parse(text, false)`) into `e` as drawn
/// data: coordinates clamped to the plane and kept to 0.01, classes clamped to 0–4, the first
/// [`PAGE_POINTS`] kept (the link holds fewer: `link_note`). Returns what the page says (how
/// many points, what was changed).
pub fn import(e: &mut Experiment, parsed: &[Point]) -> String {
    let (lo, hi) = limits::POINT_COORD;
    let outside = parsed.iter().filter(|p| !(lo..=hi).contains(&p.x) || !(lo..=hi).contains(&p.y)).count();
    let kept = parsed.len().min(PAGE_POINTS);
    let pts: Vec<Point> = parsed[..kept]
        .iter()
        .map(|p| Point {
            x: on_plane(p.x),
            y: on_plane(p.y),
            v: if p.v.is_finite() { p.v.clamp(0.0, MAX_CLASS as f32).trunc() } else { 0.0 },
        })
        .collect();
    make_custom(e);
    e.pts = pts;
    settle_loss(e);
    let mut msg = format!("Imported {kept} points.");
    if parsed.len() > kept {
        msg = format!("The file has {} points; the first {kept} were imported.", parsed.len());
    }
    if kept > limits::MAX_POINTS {
        msg.push_str(&format!(" The link holds the first {}; export CSV to share them all.", limits::MAX_POINTS));
    }
    if outside > 0 {
        msg.push_str(&format!(" {outside} point(s) outside [{lo}, {hi}]² were moved to its edge."));
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::url;

    fn pt(x: f32, y: f32, v: f32) -> Point {
        Point { x, y, v }
    }

    #[test]
    fn pixels_map_to_the_plotted_plane() {
        assert_eq!(pixel_to_data(0.0, 0.0, 320, 320), Some((-6.0, 6.0)));
        assert_eq!(pixel_to_data(320.0, 320.0, 320, 320), Some((6.0, -6.0)));
        assert_eq!(pixel_to_data(160.0, 160.0, 320, 320), Some((0.0, 0.0)));
        assert_eq!(pixel_to_data(80.0, 240.0, 320, 320), Some((-3.0, -3.0)));
        // Quantized to 0.01: 1 px = 0.0375 units.
        assert_eq!(pixel_to_data(161.0, 159.0, 320, 320), Some((0.04, 0.04)));
        assert_eq!(pixel_to_data(-1.0, 10.0, 320, 320), None);
        assert_eq!(pixel_to_data(10.0, 321.0, 320, 320), None);
        assert_eq!(pixel_to_data(f64::NAN, 10.0, 320, 320), None);
        assert_eq!(pixel_to_data(1.0, 1.0, 0, 0), None);
        // A wide canvas centres the square (as data_to_pixel does); the margins are outside.
        assert_eq!(pixel_to_data(39.0, 100.0, 400, 320), None);
        assert_eq!(pixel_to_data(200.0, 160.0, 400, 320), Some((0.0, 0.0)));
        // Inverse of plot::boundary::data_to_pixel at whole pixels.
        for &(x, y) in &[(-4.5f32, 1.5f32), (3.0, -6.0), (0.75, 2.25)] {
            let (px, py) = crate::plot::boundary::data_to_pixel(320, 320, x, y);
            assert_eq!(pixel_to_data(px as f64, py as f64, 320, 320), Some((x, y)));
        }
    }

    #[test]
    fn nearest_within_radius() {
        let p = [pt(0.0, 0.0, 0.0), pt(1.0, 0.0, 1.0), pt(0.2, 0.1, 1.0)];
        assert_eq!(nearest(&p, 0.15, 0.1, 0.3), Some(2));
        assert_eq!(nearest(&p, 0.9, 0.1, 0.3), Some(1));
        assert_eq!(nearest(&p, 0.5, 0.5, 0.3), None);
        assert_eq!(nearest(&[], 0.0, 0.0, 0.3), None);
        assert_eq!(nearest(&[pt(f32::NAN, 0.0, 0.0)], 0.0, 0.0, 0.3), None);
    }

    #[test]
    fn classes_picker_and_shift() {
        assert_eq!((classes_in_use(&[]), picker_classes(&[])), (0, 2));
        let two = [pt(0.0, 0.0, 0.0), pt(1.0, 1.0, 1.0)];
        assert_eq!((classes_in_use(&two), picker_classes(&two)), (2, 3));
        let five = [pt(0.0, 0.0, 4.0)];
        assert_eq!((classes_in_use(&five), picker_classes(&five)), (5, 5));
        assert_eq!(next_class(0, &[]), 1);
        assert_eq!(next_class(1, &two), 0);
        assert_eq!(next_class(2, &two), 1, "a new class cycles back into the classes in use");
        assert_eq!(next_class(3, &five), 4);
        assert_eq!(next_class(4, &five), 0);
        assert_eq!(next_class(99, &five), 0);
    }

    #[test]
    fn add_switches_to_custom_and_respects_the_limit() {
        let mut e = Experiment::default();
        assert_ne!(e.data, Dataset::Custom);
        add_point(&mut e, 1.234, -9.0, 7).unwrap();
        assert_eq!(e.data, Dataset::Custom);
        assert_eq!(e.pts, vec![pt(1.23, -6.0, 4.0)]);
        // Past the link's limit drawing goes on (the page says the link holds the first ones).
        e.pts = vec![pt(0.0, 0.0, 0.0); limits::MAX_POINTS];
        assert!(link_note(e.pts.len()).is_none());
        add_point(&mut e, 1.0, 1.0, 1).unwrap();
        let note = link_note(e.pts.len()).unwrap();
        assert!(note.contains("301") && note.contains("first 300") && note.contains("CSV"), "{note}");
        e.pts = vec![pt(0.0, 0.0, 0.0); PAGE_POINTS - 1];
        add_point(&mut e, 1.0, 1.0, 1).unwrap();
        let before = e.clone();
        let err = add_point(&mut e, 2.0, 2.0, 1).unwrap_err();
        assert!(err.contains(&PAGE_POINTS.to_string()), "{err}");
        assert_eq!(e, before, "a full page is left unchanged");
    }

    #[test]
    fn two_classes_keep_the_loss() {
        let mut e = Experiment::default();
        add_point(&mut e, 0.0, 0.0, 0).unwrap();
        add_point(&mut e, 1.0, 0.0, 1).unwrap();
        assert_eq!(e.loss, Loss::Mse);
        add_point(&mut e, 2.0, 0.0, 2).unwrap();
        assert_eq!(e.loss, Loss::Ce);
    }

    /// Drawing starts from one point (and Clear leaves none): the session must still build, train
    /// and evaluate without panicking on such tiny data.
    #[test]
    fn tiny_drawn_data_trains() {
        for n in 0..4 {
            let mut e = Experiment::default();
            clear(&mut e);
            for i in 0..n {
                add_point(&mut e, i as f32, 1.0, (i % 2) as u32).unwrap();
            }
            assert_eq!(check_trainable(&e).is_ok(), n > 0);
            if n == 0 {
                continue;
            }
            let mut s = crate::train::Session::cpu(&e);
            let snap = s.run_blocking(5, 5).unwrap();
            assert!(snap.step >= 5, "{n} points");
        }
    }

    #[test]
    fn erase_and_clear() {
        let mut e =
            Experiment { data: Dataset::Custom, pts: vec![pt(0.0, 0.0, 0.0), pt(2.0, 2.0, 1.0)], ..Default::default() };
        assert!(!erase_near(&mut e, 1.0, 1.0));
        assert!(erase_near(&mut e, 2.2, 1.9));
        assert_eq!(e.pts, vec![pt(0.0, 0.0, 0.0)]);
        let mut g = Experiment { pts: vec![pt(0.0, 0.0, 0.0)], ..Default::default() };
        assert!(!erase_near(&mut g, 0.0, 0.0), "generated data is not edited");
        assert_eq!(g.pts.len(), 1);
        clear(&mut g);
        assert_eq!((g.data, g.pts.len()), (Dataset::Custom, 0));
    }

    #[test]
    fn import_clamps_truncates_and_round_trips() {
        let mut e = Experiment::default();
        let text = "x,y,label\n1.234,2,0\n7,-8,1\n0.5,0.5,2\n-1,-1,1\n";
        let parsed = crate::core::data::csv::parse(text, false).unwrap();
        let msg = import(&mut e, &parsed);
        assert_eq!((e.data, e.loss), (Dataset::Custom, Loss::Ce), "three classes: softmax cross-entropy");
        assert_eq!(e.pts, vec![pt(1.23, 2.0, 0.0), pt(6.0, -6.0, 1.0), pt(0.5, 0.5, 2.0), pt(-1.0, -1.0, 1.0)]);
        assert!(msg.starts_with("Imported 4 points.") && msg.contains("1 point(s) outside"), "{msg}");
        // What the page writes to the link decodes to the same experiment, without notices.
        let d = url::decode(&url::encode(&e));
        assert_eq!(d.experiment, e);
        assert!(d.notices.is_empty(), "{:?}", d.notices);
        let many: Vec<Point> = (0..450).map(|i| pt((i % 12) as f32 - 6.0, 0.0, (i % 2) as f32)).collect();
        let msg = import(&mut e, &many);
        // All 450 train in the page; the link holds the first 300 and decodes without notices.
        assert_eq!(e.pts, many);
        assert_eq!(crate::core::data::make(&e).train.len() + crate::core::data::make(&e).test.len(), 450);
        assert!(msg.contains("Imported 450 points") && msg.contains("first 300") && msg.contains("CSV"), "{msg}");
        let d = url::decode(&url::encode(&e));
        assert_eq!(d.experiment.pts[..], many[..limits::MAX_POINTS]);
        assert!(d.notices.is_empty(), "{:?}", d.notices);
        let over: Vec<Point> = vec![pt(0.0, 0.0, 0.0); PAGE_POINTS + 5];
        assert!(import(&mut e, &over).contains(&format!("{} points; the first {PAGE_POINTS}", PAGE_POINTS + 5)));
        assert_eq!(e.pts.len(), PAGE_POINTS);
    }
}
