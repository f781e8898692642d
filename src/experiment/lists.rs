//! Validation of the URL's list-valued keys (`freqs`, `pts`, `features`, `act`, `hide`, `wedit`): each
//! turns any string into a valid list plus at most one [`super::url::Notice`] per key.

use super::fields::{name, Notes};
use super::types::{Point, WeightEdit};
use super::{limits, url::KEYS};

/// Drawn-point coordinates are kept to 0.01 (so a link's text is short and round-trips).
pub fn quantize(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

fn fmt_floats(v: &[f32]) -> String {
    v.iter().map(f32::to_string).collect::<Vec<_>>().join(",")
}

/// `pts` as `x,y,v,x,y,v,…`.
pub fn fmt_points(p: &[Point]) -> String {
    fmt_floats(&p.iter().flat_map(|p| [p.x, p.y, p.v]).collect::<Vec<_>>())
}

pub fn fmt_names<T: Copy + PartialEq>(table: &[(&'static str, T)], v: &[T]) -> String {
    v.iter().map(|&x| name(table, x)).collect::<Vec<_>>().join(",")
}

/// `step:layer:from:to:value` items, comma-separated.
pub fn fmt_wedits(w: &[WeightEdit]) -> String {
    w.iter().map(|w| format!("{}:{}:{}:{}:{}", w.step, w.layer, w.from, w.to, w.value)).collect::<Vec<_>>().join(",")
}

fn finite(s: &str) -> Option<f32> {
    s.trim().parse::<f32>().ok().filter(|x| x.is_finite())
}

impl Notes {
    /// Up to `max` finite numbers clamped to `range`; none or any non-number: the default.
    pub(super) fn floats(&mut self, key: &str, raw: &str, def: &[f32], (lo, hi): (f32, f32), max: usize) -> Vec<f32> {
        let parts: Vec<Option<f32>> = raw.split(',').map(finite).collect();
        if raw.trim().is_empty() || parts.iter().any(Option::is_none) {
            let why = format_args!("expected numbers separated by commas, using default {}", fmt_floats(def));
            self.push(key, raw, why);
            return def.to_vec();
        }
        let all: Vec<f32> = parts.into_iter().flatten().collect();
        let out: Vec<f32> = all.iter().take(max).map(|x| x.clamp(lo, hi)).collect();
        if all.len() > max || out.iter().zip(&all).any(|(a, b)| a != b) {
            let why = format_args!("at most {max} values in {lo}–{hi}, using {}", fmt_floats(&out));
            self.push(key, raw, why);
        }
        out
    }

    /// Names from `table`, comma-separated, duplicates dropped; empty or an unknown name: the
    /// default. At most `max` (the rest dropped with a notice).
    pub(super) fn picks<T: Copy + PartialEq>(
        &mut self,
        key: &str,
        raw: &str,
        table: &[(&'static str, T)],
        def: &[T],
        max: usize,
    ) -> Vec<T> {
        let mut out = Vec::new();
        for part in raw.split(',') {
            let s = part.trim();
            let Some(&(_, v)) = table.iter().find(|(n, _)| n.eq_ignore_ascii_case(s)) else {
                let names = table.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ");
                let why = format_args!("expected names from {names}, using default {}", fmt_names(table, def));
                self.push(key, raw, why);
                return def.to_vec();
            };
            if !out.contains(&v) || key == "act" {
                out.push(v);
            }
        }
        if out.len() > max {
            out.truncate(max);
            self.push(key, raw, format_args!("more than {max} values, using {}", fmt_names(table, &out)));
        }
        out
    }

    /// `x,y,v` triples; coordinates clamped to the plane and kept to 0.01. A non-number: no
    /// points. More than [`limits::MAX_POINTS`]: the first ones.
    pub(super) fn points(&mut self, raw: &str) -> Vec<Point> {
        if raw.trim().is_empty() {
            return Vec::new();
        }
        let nums: Vec<Option<f32>> = raw.split(',').map(finite).collect();
        if nums.iter().any(Option::is_none) {
            self.push("pts", raw, "expected numbers x,y,v,x,y,v,…, using no points");
            return Vec::new();
        }
        let nums: Vec<f32> = nums.into_iter().flatten().collect();
        let (c, v) = (limits::POINT_COORD, limits::POINT_VALUE);
        let mut why = Vec::new();
        if !nums.len().is_multiple_of(3) {
            why.push("a trailing incomplete point dropped".to_string());
        }
        let mut pts: Vec<Point> = nums
            .chunks_exact(3)
            .map(|t| Point {
                x: quantize(t[0].clamp(c.0, c.1)),
                y: quantize(t[1].clamp(c.0, c.1)),
                v: t[2].clamp(v.0, v.1),
            })
            .collect();
        if pts.len() > limits::MAX_POINTS {
            why.push(format!("more than {} points, keeping the first (use a CSV file for more)", limits::MAX_POINTS));
            pts.truncate(limits::MAX_POINTS);
        }
        if nums.chunks_exact(3).any(|t| t[0].abs() > c.1 || t[1].abs() > c.1 || t[2] < v.0 || t[2] > v.1) {
            why.push("values out of range clamped".to_string());
        }
        if !why.is_empty() {
            self.push("pts", raw, why.join("; "));
        }
        pts
    }

    /// `step:layer:from:to:value` items (`fmt_wedits`): indices from 1, a finite value within
    /// ±`limits::WEDIT_VALUE` (clamped), sorted by step (stable); malformed items are dropped,
    /// more than `limits::MAX_WEDITS` keeps the first ones. Whether the indices exist in the
    /// model is checked where the edit applies (a missing weight is skipped there).
    pub(super) fn wedits(&mut self, raw: &str) -> Vec<WeightEdit> {
        let mut out = Vec::new();
        let mut why = Vec::new();
        for item in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let f: Vec<&str> = item.split(':').collect();
            let int = |s: &str, lo: u64| s.trim().parse::<u64>().ok().filter(|&v| v >= lo && v <= limits::STEPS.1);
            let parsed = match f[..] {
                [s, l, a, b, v] => match (int(s, 0), int(l, 1), int(a, 1), int(b, 1), finite(v)) {
                    (Some(step), Some(l), Some(a), Some(b), Some(v)) => Some(WeightEdit {
                        step,
                        layer: l.min(u32::MAX as u64) as u32,
                        from: a.min(u32::MAX as u64) as u32,
                        to: b.min(u32::MAX as u64) as u32,
                        value: v.clamp(-limits::WEDIT_VALUE, limits::WEDIT_VALUE),
                    }),
                    _ => None,
                },
                _ => None,
            };
            match parsed {
                Some(w)
                    if w.value.abs() == limits::WEDIT_VALUE
                        && finite(f[4]).is_some_and(|v| v.abs() > limits::WEDIT_VALUE) =>
                {
                    why.push(format!("value of {item:?} clamped to ±{}", limits::WEDIT_VALUE));
                    out.push(w);
                }
                Some(w) => out.push(w),
                None => why.push(format!("{item:?} is not step:layer:from:to:value (indices from 1), dropped")),
            }
        }
        if out.len() > limits::MAX_WEDITS {
            out.truncate(limits::MAX_WEDITS);
            why.push(format!("more than {} edits, keeping the first", limits::MAX_WEDITS));
        }
        if out.windows(2).any(|w| w[0].step > w[1].step) {
            out.sort_by_key(|w| w.step);
            why.push("sorted by step".to_string());
        }
        if !why.is_empty() {
            why.truncate(3);
            self.push("wedit", raw, why.join("; "));
        }
        out
    }

    /// URL keys (except `v`) whose controls the page hides; unknown names are dropped.
    pub(super) fn hidden(&mut self, raw: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut unknown = Vec::new();
        if raw.trim().is_empty() {
            return out;
        }
        for part in raw.split(',').map(str::trim) {
            match KEYS[1..].iter().find(|k| k.key.eq_ignore_ascii_case(part)) {
                Some(k) if !out.iter().any(|o| o == k.key) => out.push(k.key.to_string()),
                Some(_) => {}
                None => unknown.push(part),
            }
        }
        if !unknown.is_empty() {
            self.push("hide", raw, "names that are not URL keys were ignored");
        }
        out
    }
}
