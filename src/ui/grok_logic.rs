//! The grokking panel's pure logic (unit-tested natively; the DOM is in `grok.rs`): the cells
//! of the a × b table from the session's splits and the per-example correctness of the latest
//! snapshot, and the panel's read-outs (key frequencies, IPR summary, pruning result).

use crate::core::data::Split;
use crate::plot::grok::Cell;
use crate::train::progress::{Accs, Prune, Report};

/// The residue of each half of a one-hot pair row `[2p]`: (a, b); `None` when the row is not
/// one-hot over 2p columns.
fn pair_of(row: &[f32], p: usize) -> Option<(usize, usize)> {
    if p == 0 || row.len() != 2 * p {
        return None;
    }
    let hot = |h: &[f32]| h.iter().position(|&v| v == 1.0);
    Some((hot(&row[..p])?, hot(&row[p..])?))
}

/// One cell per pair of both splits (training first); `correct` holds the training split's then
/// the test split's per-example correctness (`engine::Snapshot::correct`), or is empty.
pub fn table_cells(train: &Split, test: &Split, p: usize, correct: &[f32]) -> Vec<Cell> {
    let known = correct.len() == train.len() + test.len();
    let mut cells = Vec::with_capacity(train.len() + test.len());
    for (k, (split, is_test)) in [(train, false), (test, true)].into_iter().enumerate() {
        let base = if k == 0 { 0 } else { train.len() };
        if split.x.len() != split.len() * 2 * p {
            continue; // not one-hot pairs of this p
        }
        for i in 0..split.len() {
            let Some((a, b)) = split.x.get(i * 2 * p..(i + 1) * 2 * p).and_then(|r| pair_of(r, p)) else {
                continue;
            };
            cells.push(Cell {
                a,
                b,
                test: is_test,
                correct: known.then(|| correct[base + i] > 0.5),
                corrupted: !is_test && split.flipped.get(i).copied().unwrap_or(false),
            });
        }
    }
    cells
}

fn acc(v: f32) -> String {
    if v.is_finite() {
        format!("{v:.3}")
    } else {
        "–".into()
    }
}

/// "train 1.000 (clean 1.000, corrupted 0.950) · test 0.990"; the parenthesis only with label
/// corruption.
pub fn accs_text(a: &Accs) -> String {
    let memo = if a.noisy_train.is_finite() {
        format!(" (clean {}, corrupted {})", acc(a.clean_train), acc(a.noisy_train))
    } else {
        String::new()
    };
    format!("train {}{memo} · test {}", acc(a.train), acc(a.test))
}

/// The pruning result, one line per case.
pub fn prune_text(pr: &Prune) -> Vec<String> {
    vec![
        format!("before: {}", accs_text(&pr.before)),
        format!("{} lowest-IPR neurons pruned: {}", pr.k, accs_text(&pr.after)),
        format!("control, {} highest-IPR pruned: {}", pr.k, accs_text(&pr.after_high)),
    ]
}

/// Key frequencies and the IPR summary of a report.
pub fn report_text(r: &Report) -> String {
    let keys = if r.key_frequencies.is_empty() {
        "none yet".to_string()
    } else {
        r.key_frequencies.iter().map(|k| k.to_string()).collect::<Vec<_>>().join(", ")
    };
    let [min, median, _, max] = r.ipr_summary();
    let used = r.neuron_frequencies.iter().filter(|&&c| c > 0).count();
    format!(
        "Key frequencies of the embedding: {keys} · periodic neurons use {used} frequencies · neuron IPR min {} median {} max {} ({} of {} below half the max: memorizing)",
        acc(min),
        acc(median),
        acc(max),
        r.default_k(),
        r.ipr.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: usize, list: &[(usize, usize)]) -> Split {
        let mut x = vec![];
        for &(a, b) in list {
            let mut row = vec![0.0; 2 * p];
            (row[a], row[p + b]) = (1.0, 1.0);
            x.extend(row);
        }
        Split::classified(x, list.iter().map(|&(a, b)| ((a + b) % p) as u8).collect())
    }

    #[test]
    fn cells_follow_the_splits_and_the_correctness() {
        let p = 5;
        let mut train = pairs(p, &[(0, 1), (4, 4), (2, 3)]);
        train.flipped[1] = true;
        let test = pairs(p, &[(1, 0)]);
        let c = table_cells(&train, &test, p, &[1.0, 0.0, 1.0, 0.0]);
        assert_eq!(c.len(), 4);
        assert_eq!((c[1].a, c[1].b, c[1].test, c[1].correct, c[1].corrupted), (4, 4, false, Some(false), true));
        assert_eq!((c[3].a, c[3].b, c[3].test, c[3].correct, c[3].corrupted), (1, 0, true, Some(false), false));
        assert_eq!(c[0].correct, Some(true));
        // No (or a mismatched) correctness: cells without a verdict.
        assert!(table_cells(&train, &test, p, &[]).iter().all(|c| c.correct.is_none()));
        assert!(table_cells(&train, &test, p, &[1.0; 3]).iter().all(|c| c.correct.is_none()));
        // Rows that are not one-hot pairs of this p are skipped.
        assert!(table_cells(&train, &test, 7, &[]).is_empty());
    }

    #[test]
    fn texts() {
        let a = Accs { train: 1.0, clean_train: 1.0, noisy_train: 0.25, test: 0.9 };
        assert_eq!(accs_text(&a), "train 1.000 (clean 1.000, corrupted 0.250) · test 0.900");
        let plain = Accs { noisy_train: f32::NAN, ..a };
        assert_eq!(accs_text(&plain), "train 1.000 · test 0.900");
        let pr = Prune { k: 3, neurons: vec![0, 1, 2], before: a, after: a, after_high: plain };
        let t = prune_text(&pr);
        assert!(t[1].starts_with("3 lowest-IPR") && t[2].contains("highest"), "{t:?}");
        let r = Report {
            p: 5,
            spectrum: vec![0.0, 2.0, 0.1],
            key_frequencies: vec![1],
            ipr: vec![1.0, 0.2],
            ipr_hist: vec![],
            neuron_frequencies: vec![0, 1, 0],
        };
        let s = report_text(&r);
        assert!(s.contains("embedding: 1 ·") && s.contains("use 1 frequencies") && s.contains("(1 of 2 below"), "{s}");
    }
}
