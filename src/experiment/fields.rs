//! Validation of the values read from a share URL (`url.rs`): parsing, defaulting and clamping
//! each field, and collecting the resulting [`Notice`]s (capped, safe to display).

use std::fmt;

use super::limits;
use super::url::Notice;
use super::URL_VERSION;

pub(super) fn name<T: Copy + PartialEq>(table: &[(&'static str, T)], v: T) -> &'static str {
    table.iter().find(|(_, t)| *t == v).map_or("?", |(n, _)| n)
}

pub(super) fn join(widths: &[u32]) -> String {
    widths.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
}

pub(super) fn wide<T: Into<i128>>((lo, hi): (T, T)) -> (i128, i128) {
    (lo.into(), hi.into())
}

/// A whole number: digits with an optional sign (saturating), or an integral float like `1e6`.
fn parse_int(s: &str) -> Option<i128> {
    let s = s.trim();
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        // All digits, so the only possible error is overflow.
        let mag = digits.parse::<i128>().unwrap_or(i128::MAX);
        return Some(if neg { -mag } else { mag });
    }
    let f = s.parse::<f64>().ok().filter(|f| f.is_finite() && f.fract() == 0.0)?;
    Some(f as i128)
}

const MAX_NOTICES: usize = 50;
const MAX_SHOWN_CHARS: usize = 64;

/// Collects notices, keeping the first [`MAX_NOTICES`] about known fields and the first
/// [`MAX_NOTICES`] about unknown keys (so junk keys can never hide a rejected field), and
/// counting the rest.
#[derive(Default)]
pub(super) struct Notes {
    list: Vec<Notice>,
    dropped: usize,
    known: usize,
    unknown: usize,
}

impl Notes {
    pub(super) fn push(&mut self, key: &str, value: &str, message: impl fmt::Display) {
        let is_known = super::url::KEYS.iter().any(|k| k.key == key);
        let count = if is_known { &mut self.known } else { &mut self.unknown };
        *count += 1;
        if *count <= MAX_NOTICES {
            let (key, value, message) = (shown(key), shown(value), message.to_string());
            self.list.push(Notice { key, value, message });
        } else {
            self.dropped += 1;
        }
    }

    pub(super) fn finish(mut self) -> Vec<Notice> {
        if self.dropped > 0 {
            let message = format!("… and {} more", self.dropped);
            self.list.push(Notice { key: String::new(), value: String::new(), message });
        }
        self.list
    }

    pub(super) fn version(&mut self, raw: &str) {
        match parse_int(raw) {
            Some(v) if v == i128::from(URL_VERSION) => {}
            Some(v) if v > i128::from(URL_VERSION) => {
                self.push("v", raw, format_args!("link from a newer version of Grokpad, read as v={URL_VERSION}"))
            }
            _ => self.push("v", raw, format_args!("not a valid version, read as v={URL_VERSION}")),
        }
    }

    pub(super) fn seed(&mut self, raw: &str, def: u64) -> u64 {
        parse_int(raw).and_then(|x| u64::try_from(x).ok()).unwrap_or_else(|| {
            let why = format_args!("not a whole number in 0–{}, using default {def}", u64::MAX);
            self.push("seed", raw, why);
            def
        })
    }

    pub(super) fn int(&mut self, key: &str, raw: &str, def: i128, range: (i128, i128)) -> i128 {
        match parse_int(raw) {
            Some(x) => self.clamp(key, raw, x, range),
            None => {
                self.push(key, raw, format_args!("not a whole number, using default {def}"));
                def
            }
        }
    }

    pub(super) fn float(&mut self, key: &str, raw: &str, def: f32, range: (f32, f32)) -> f32 {
        let s = raw.trim();
        match s.parse::<f32>() {
            // An infinity not spelled `inf` is a finite number too large for f32: clamp it.
            Ok(x) if x.is_nan() || (x.is_infinite() && s.to_ascii_lowercase().contains("inf")) => {
                self.push(key, raw, format_args!("not a finite number, using default {def}"));
                def
            }
            Ok(x) => self.clamp(key, raw, x, range),
            Err(_) => {
                self.push(key, raw, format_args!("not a number, using default {def}"));
                def
            }
        }
    }

    fn clamp<T: PartialOrd + Copy + fmt::Display>(&mut self, key: &str, raw: &str, x: T, (lo, hi): (T, T)) -> T {
        let y = if x < lo {
            lo
        } else if x > hi {
            hi
        } else {
            return x;
        };
        self.push(key, raw, format_args!("out of range {lo}–{hi}, clamped to {y}"));
        y
    }

    pub(super) fn pick<T: Copy + PartialEq>(&mut self, key: &str, raw: &str, table: &[(&'static str, T)], def: T) -> T {
        let s = raw.trim();
        if let Some(&(_, v)) = table.iter().find(|(n, _)| n.eq_ignore_ascii_case(s)) {
            return v;
        }
        let names = table.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ");
        let why = format_args!("expected one of {names}, using default {}", name(table, def));
        self.push(key, raw, why);
        def
    }

    pub(super) fn flag(&mut self, key: &str, raw: &str, def: bool) -> bool {
        let s = raw.trim();
        if s == "1" || s.eq_ignore_ascii_case("true") {
            true
        } else if s == "0" || s.eq_ignore_ascii_case("false") {
            false
        } else {
            self.push(key, raw, format_args!("expected 0 or 1, using default {}", u8::from(def)));
            def
        }
    }

    /// Empty = no hidden layer. Any non-number entry: the default. Too many: the first
    /// [`limits::MAX_LAYERS`]. Widths are clamped to [`limits::WIDTH`]. One notice at most.
    pub(super) fn layers(&mut self, raw: &str, def: &[u32]) -> Vec<u32> {
        let s = raw.trim();
        if s.is_empty() {
            return Vec::new();
        }
        let (lo, hi) = wide(limits::WIDTH);
        let (mut out, mut count, mut clamped) = (Vec::new(), 0usize, false);
        for part in s.split(',') {
            let Some(w) = parse_int(part) else {
                let why = format_args!("widths must be whole numbers, using default {}", join(def));
                self.push("layers", raw, why);
                return def.to_vec();
            };
            count += 1;
            if out.len() < limits::MAX_LAYERS {
                let c = w.clamp(lo, hi);
                clamped |= c != w;
                out.push(c as u32);
            }
        }
        let mut why = Vec::new();
        if count > limits::MAX_LAYERS {
            why.push(format!("more than {} layers", limits::MAX_LAYERS));
        }
        if clamped {
            why.push(format!("widths out of range {lo}–{hi}"));
        }
        if !why.is_empty() {
            self.push("layers", raw, format_args!("{}, using {}", why.join(" and "), join(&out)));
        }
        out
    }
}

impl Notes {
    /// `refine`: comma-separated `step:G` pairs. Entries that do not parse are dropped, steps
    /// clamped to [`limits::STEPS`] and G to [`limits::GRID`]; sorted by step (the last of equal
    /// steps wins), at most [`limits::MAX_REFINES`]. One notice at most.
    pub(super) fn refines(&mut self, raw: &str) -> Vec<(u64, u32)> {
        let (mut out, mut bad): (Vec<(u64, u32)>, bool) = (Vec::new(), false);
        for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let pair = part.split_once(':').and_then(|(s, g)| Some((parse_int(s)?, parse_int(g)?)));
            let Some((s, g)) = pair else {
                bad = true;
                continue;
            };
            let (s2, g2) = (
                s.clamp(wide(limits::STEPS).0, wide(limits::STEPS).1),
                g.clamp(wide(limits::GRID).0, wide(limits::GRID).1),
            );
            // Clamped, repeated or out of order: reported.
            bad |= (s2, g2) != (s, g) || out.last().is_some_and(|e: &(u64, u32)| e.0 >= s2 as u64);
            out.retain(|e| e.0 != s2 as u64);
            out.push((s2 as u64, g2 as u32));
        }
        out.sort_by_key(|e| e.0);
        if out.len() > limits::MAX_REFINES {
            out.truncate(limits::MAX_REFINES);
            bad = true;
        }
        if bad {
            let kept = out.iter().map(|(s, g)| format!("{s}:{g}")).collect::<Vec<_>>().join(",");
            let why = format_args!("expected up to {} step:G pairs (G 3–100), using \"{kept}\"", limits::MAX_REFINES);
            self.push("refine", raw, why);
        }
        out
    }
}

/// `s` made safe to show: at most [`MAX_SHOWN_CHARS`] characters (then `…`), with control,
/// zero-width and bidi-override characters written as `\u{…}` escapes.
fn shown(s: &str) -> String {
    let mut out = String::new();
    let mut len = 0;
    for c in s.chars() {
        let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        let piece = if c.is_control() || bidi || matches!(c, '\u{200b}'..='\u{200f}' | '\u{feff}') {
            c.escape_unicode().to_string()
        } else {
            c.to_string()
        };
        len += piece.chars().count();
        if len > MAX_SHOWN_CHARS {
            out.push('…');
            break;
        }
        out.push_str(&piece);
    }
    out
}
