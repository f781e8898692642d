//! Decoding of the KAN schedule keys `snap` and `kprune` (issue 7), as `fields::Notes::refines`
//! decodes `refine`: entries that do not parse are dropped, steps clamped to [`limits::STEPS`],
//! sorted by step, at most [`limits::MAX_SNAPS`] / [`limits::MAX_KPRUNES`]; one notice at most.

use super::fields::Notes;
use super::limits;
use crate::core::kan::symbolic::Snap;

fn clamp_step(s: u64) -> u64 {
    s.clamp(limits::STEPS.0, limits::STEPS.1)
}

impl Notes {
    /// `snap`: comma-separated `step:layer:i:j:f` or `step:auto` (stable order within a step).
    pub(super) fn snaps(&mut self, raw: &str) -> Vec<Snap> {
        let (mut out, mut bad): (Vec<Snap>, bool) = (Vec::new(), false);
        for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.parse::<Snap>() {
                Ok(mut s) => {
                    let step = clamp_step(s.step);
                    bad |= step != s.step || out.last().is_some_and(|l: &Snap| l.step > step);
                    s.step = step;
                    out.push(s);
                }
                Err(_) => bad = true,
            }
        }
        out.sort_by_key(|s| s.step);
        if out.len() > limits::MAX_SNAPS {
            out.truncate(limits::MAX_SNAPS);
            bad = true;
        }
        if bad {
            let kept = out.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(",");
            let why = format_args!(
                "expected up to {} step:layer:i:j:f or step:auto entries by step, using \"{kept}\"",
                limits::MAX_SNAPS
            );
            self.push("snap", raw, why);
        }
        out
    }

    /// `kprune`: comma-separated `step:threshold` pairs, thresholds clamped to
    /// [`limits::KPRUNE`] (the last of equal steps wins).
    pub(super) fn kprunes(&mut self, raw: &str) -> Vec<(u64, f32)> {
        let (mut out, mut bad): (Vec<(u64, f32)>, bool) = (Vec::new(), false);
        for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let pair = part
                .split_once(':')
                .and_then(|(s, t)| Some((s.trim().parse::<u64>().ok()?, t.trim().parse::<f32>().ok()?)));
            let Some((s, t)) = pair.filter(|(_, t)| t.is_finite()) else {
                bad = true;
                continue;
            };
            let (s2, t2) = (clamp_step(s), t.clamp(limits::KPRUNE.0, limits::KPRUNE.1));
            bad |= (s2, t2) != (s, t) || out.last().is_some_and(|e: &(u64, f32)| e.0 >= s2);
            out.retain(|e| e.0 != s2);
            out.push((s2, t2));
        }
        out.sort_by_key(|e| e.0);
        if out.len() > limits::MAX_KPRUNES {
            out.truncate(limits::MAX_KPRUNES);
            bad = true;
        }
        if bad {
            let kept = out.iter().map(|(s, t)| format!("{s}:{t}")).collect::<Vec<_>>().join(",");
            let why = format_args!(
                "expected up to {} step:threshold pairs (threshold 0–10), using \"{kept}\"",
                limits::MAX_KPRUNES
            );
            self.push("kprune", raw, why);
        }
        out
    }
}
