//! Axis helpers for the line charts: data bounds, padding, log floors, clipping polylines to
//! the visible y range, and compact tick labels.

/// Floor for log-scale values: a tenth of the smallest positive value, never below
/// `MIN_LOG_FLOOR` (1e-3 when there is no positive value).
pub fn log_floor(data: &[Vec<(f64, f64)>]) -> f64 {
    let min_pos = data.iter().flatten().map(|p| p.1).filter(|v| *v > 0.0);
    let min_pos = min_pos.fold(f64::INFINITY, f64::min);
    if min_pos.is_finite() {
        (min_pos / 10.0).max(super::curves::MIN_LOG_FLOOR)
    } else {
        1e-3
    }
}

pub fn bounds(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// Widen a range a little (multiplicatively on a log axis); make degenerate ranges non-empty.
pub fn padded((lo, hi): (f64, f64), log: bool) -> (f64, f64) {
    let (plo, phi) = if log {
        let (lo, hi) = (lo.max(super::curves::MIN_LOG_FLOOR), hi.max(super::curves::MIN_LOG_FLOOR));
        let f = if hi / lo < 1.01 { 2.0 } else { 1.15 };
        (lo / f, hi * f)
    } else {
        let span = hi - lo;
        if span.abs() <= f64::EPSILON * lo.abs().max(hi.abs()).max(1.0) {
            let d = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
            (lo - d, hi + d)
        } else {
            (lo - span * 0.05, hi + span * 0.05)
        }
    };
    // Near f64::MAX the padding overflows: fall back to the data range itself.
    if plo.is_finite() && phi.is_finite() && plo < phi {
        (plo, phi)
    } else {
        (lo, hi)
    }
}

/// Split a polyline into runs inside the y range `lo..=hi`, cutting segments at the range edges
/// (linearly in display space, i.e. in log10 on a log axis). Single points become 1-point runs.
pub fn clip_runs(pts: &[(f64, f64)], (lo, hi): (f64, f64), log: bool) -> Vec<Vec<(f64, f64)>> {
    let f = |y: f64| if log { y.log10() } else { y };
    let g = |t: f64| if log { 10f64.powf(t) } else { t };
    let (tlo, thi) = (f(lo), f(hi));
    let mut runs = Vec::new();
    let mut cur: Vec<(f64, f64)> = Vec::new();
    if let [(x, y)] = pts {
        if (tlo..=thi).contains(&f(*y)) {
            runs.push(vec![(*x, *y)]);
        }
    }
    for w in pts.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        let (t0, t1) = (f(y0), f(y1));
        let (enter, exit) = if t0 == t1 {
            if (tlo..=thi).contains(&t0) {
                (0.0, 1.0)
            } else {
                (1.0, 0.0)
            }
        } else {
            let (a, b) = ((tlo - t0) / (t1 - t0), (thi - t0) / (t1 - t0));
            (a.min(b).max(0.0), a.max(b).min(1.0))
        };
        if enter > exit {
            if !cur.is_empty() {
                runs.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let at = |s: f64| (x0 + (x1 - x0) * s, g(t0 + (t1 - t0) * s));
        if enter > 0.0 && !cur.is_empty() {
            runs.push(std::mem::take(&mut cur));
        }
        if cur.is_empty() {
            cur.push(if enter > 0.0 { at(enter) } else { (x0, y0) });
        }
        cur.push(if exit < 1.0 { at(exit) } else { (x1, y1) });
        if exit < 1.0 {
            runs.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        runs.push(cur);
    }
    runs
}

/// Compact tick label: integers plainly (with a k or M suffix from 10 000 on, so step ticks do
/// not run into each other), small or large magnitudes in exponent form.
pub fn fmt_num(v: f64) -> String {
    let a = v.abs();
    let trim = |s: String| if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    if a == 0.0 {
        "0".into()
    } else if (1e4..1e6).contains(&a) {
        format!("{}k", trim(format!("{:.1}", v / 1e3)))
    } else if (1e6..1e9).contains(&a) {
        format!("{}M", trim(format!("{:.2}", v / 1e6)))
    } else if !(1e-3..1e9).contains(&a) {
        format!("{v:.1e}").replace(".0e", "e")
    } else if (v - v.round()).abs() < 1e-9 * a.max(1.0) {
        format!("{}", v.round() as i64)
    } else {
        trim(format!("{v:.4}"))
    }
}
