//! The grokking panel's pure logic (unit-tested natively; the DOM is in `grok.rs`): the cells
//! of the a × b table from the session's splits and the per-example correctness of the latest
//! snapshot, the panel's read-outs (key frequencies, IPR summary, pruning result), and the
//! transformer's attention panel: the chosen input (a, b), its patterns and the model's answer.

use crate::core::data::modular::apply;
use crate::core::data::Split;
use crate::core::tfm::{attention_pattern, Net, TfmLayout, Tokens, SEQ};
use crate::experiment::{Experiment, ModOp, Model};
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

/// The attention panel's default input (a, b).
pub const ATTN_DEFAULT: (usize, usize) = (1, 2);

/// The panel's input fields read as (a, b), each reduced mod p; a field that is not a
/// non-negative integer reads as its `ATTN_DEFAULT` value.
pub fn attn_input(a: &str, b: &str, p: usize) -> (usize, usize) {
    let p = p.max(1);
    let read = |s: &str, d: usize| s.trim().parse::<usize>().unwrap_or(d) % p;
    (read(a, ATTN_DEFAULT.0), read(b, ATTN_DEFAULT.1))
}

/// What the attention panel shows for one input of model 0.
#[derive(Clone, Debug, PartialEq)]
pub struct AttnView {
    pub a: usize,
    pub b: usize,
    pub blocks: usize,
    pub heads: usize,
    /// [blocks, heads, 3, 3]: query row, key column (`core::tfm::attention_pattern`).
    pub pattern: Vec<f32>,
    /// a ∘ b mod p (`None` for a division by 0).
    pub answer: Option<usize>,
    /// The model's argmax at '=' (`None` when its logits are not finite).
    pub predicted: Option<usize>,
}

/// The attention patterns and the answer of model 0 of `e`'s transformer on (a, b) (taken
/// mod p), from the parameters `params` ([M, P] or model 0's [P]); `None` unless `e` is a
/// `model=tfm` experiment whose parameters `params` can hold.
pub fn attn_view(e: &Experiment, params: &[f32], a: usize, b: usize) -> Option<AttnView> {
    if e.model != Model::Tfm {
        return None;
    }
    let Some(Net::Tfm(l)) = crate::engine::tfm::net_of(e) else { return None };
    if params.len() < l.p || l.p == 0 {
        return None;
    }
    let blocks = l.blocks.len();
    let one = TfmLayout { models: 1, ..l };
    let p = one.classes.max(1);
    let (a, b) = (a % p, b % p);
    let w = &params[..one.p];
    let pattern = attention_pattern(&one, w, a, b);
    let ids: [u32; SEQ] = [a as u32, b as u32, p as u32];
    let logits = Net::Tfm(one.clone()).logits(w, &Tokens { ids: &ids, n: 1, stride_m: 0 });
    let predicted = logits
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite())
        .max_by(|x, y| x.1.total_cmp(y.1))
        .filter(|_| logits.iter().all(|v| v.is_finite()))
        .map(|(k, _)| k);
    let answer = (!(e.op == ModOp::Div && b == 0)).then(|| apply(e.op, a as u64, b as u64, p as u64) as usize);
    Some(AttnView { a, b, blocks, heads: one.heads, pattern, answer, predicted })
}

/// "a ∘ b" of `op` written with the values (`1 + 2`, `1² + 2²`, …).
pub fn formula(op: ModOp, a: usize, b: usize) -> String {
    match op {
        ModOp::Add => format!("{a} + {b}"),
        ModOp::Sub => format!("{a} − {b}"),
        ModOp::Mul => format!("{a} × {b}"),
        ModOp::Div => format!("{a} ÷ {b}"),
        ModOp::Sq => format!("{a}² + {b}²"),
        ModOp::Cube => format!("{a}³ + {a}·{b}"),
    }
}

/// The panel's read-out: "1 + 2 mod 7 = 3 · model 0 answers 3 (right) at step 500".
pub fn attn_text(v: &AttnView, op: ModOp, p: usize, step: u64) -> String {
    let f = formula(op, v.a, v.b);
    let ans = v.answer.map_or("undefined".to_string(), |c| c.to_string());
    let said = match (v.predicted, v.answer) {
        (None, _) => "model 0's logits are not finite".to_string(),
        (Some(k), Some(c)) => format!("model 0 answers {k} ({})", if k == c { "right" } else { "wrong" }),
        (Some(k), None) => format!("model 0 answers {k}"),
    };
    format!("{f} mod {p} = {ans} · {said} at step {step}")
}

/// The pair (a, b) under the canvas pixel (x, y) of the a × b table drawn by
/// `plot::grok::draw_table` on a `w × h` canvas (row a from the top, column b from the left, in
/// the largest centred square); `None` outside the table.
pub fn table_pick(w: f64, h: f64, p: usize, x: f64, y: f64) -> Option<(usize, usize)> {
    let side = w.min(h);
    if p == 0 || side <= 0.0 || !x.is_finite() || !y.is_finite() {
        return None;
    }
    let (x0, y0) = ((w - side) / 2.0, (h - side) / 2.0);
    let (u, v) = ((x - x0) / side, (y - y0) / side);
    if !(0.0..1.0).contains(&u) || !(0.0..1.0).contains(&v) {
        return None;
    }
    Some(((v * p as f64) as usize, (u * p as f64) as usize))
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

    fn tfm(extra: &str) -> Experiment {
        let url = format!("v=1&data=mod&p=7&model=tfm&d_model=8&heads=2&tfm_layers=2&d_mlp=0&seeds=2{extra}");
        crate::experiment::url::decode(&url).experiment
    }

    #[test]
    fn table_pick_inverts_the_table_geometry() {
        // 300 × 300, p = 3: cells of 100 px, row a from the top.
        assert_eq!(table_pick(300.0, 300.0, 3, 150.0, 50.0), Some((0, 1)));
        assert_eq!(table_pick(300.0, 300.0, 3, 0.0, 299.9), Some((2, 0)));
        assert_eq!(table_pick(300.0, 300.0, 3, 300.0, 10.0), None);
        // Wider than tall: the square is centred (x 100..300 on a 400 × 200 canvas).
        assert_eq!(table_pick(400.0, 200.0, 2, 99.0, 50.0), None);
        assert_eq!(table_pick(400.0, 200.0, 2, 250.0, 50.0), Some((0, 1)));
        assert_eq!(table_pick(300.0, 300.0, 0, 10.0, 10.0), None);
        assert_eq!(table_pick(0.0, 300.0, 3, 0.0, 0.0), None);
        assert_eq!(table_pick(300.0, 300.0, 3, f64::NAN, 0.0), None);
    }

    #[test]
    fn attention_input_reads_the_fields_mod_p() {
        assert_eq!(attn_input("3", " 4 ", 7), (3, 4));
        assert_eq!(attn_input("9", "x", 7), (2, 2));
        assert_eq!(attn_input("", "-1", 5), ATTN_DEFAULT);
        assert_eq!(attn_input("5", "6", 0), (0, 0), "p = 0 must not divide by zero");
    }

    #[test]
    fn attention_view_is_model_0s_pattern_and_answer() {
        let e = tfm("");
        let Some(Net::Tfm(l)) = crate::engine::tfm::net_of(&e) else { panic!("not a transformer") };
        assert_eq!((l.models, l.blocks.len(), l.heads), (2, 2, 2));
        let params = Net::Tfm(l.clone()).init(3);
        let v = attn_view(&e, &params, 10, 5).expect("a view");
        assert_eq!((v.a, v.b, v.blocks, v.heads), (3, 5, 2, 2), "a is taken mod 7");
        assert_eq!(v.pattern, attention_pattern(&l, &params[..l.p], 3, 5));
        assert_eq!(v.answer, Some(1));
        // The prediction is the argmax of model 0's logits through the two-model layout.
        let ids = [3, 5, 7, 3, 5, 7];
        let logits = Net::Tfm(l.clone()).logits(&params, &Tokens { ids: &ids, n: 1, stride_m: 3 });
        let best = (0..7).max_by(|&x, &y| logits[x].total_cmp(&logits[y])).unwrap();
        assert_eq!(v.predicted, Some(best));
        let t = attn_text(&v, e.op, 7, 40);
        let verdict = if best == 1 { "(right)" } else { "(wrong)" };
        assert!(
            t.starts_with("3 + 5 mod 7 = 1 · model 0 answers") && t.contains(verdict) && t.ends_with("step 40"),
            "{t}"
        );
        // Model 1's weights alone (a [P] slice) give model 1's pattern.
        let one = attn_view(&e, &params[l.p..], 3, 5).unwrap();
        assert_eq!(one.pattern, attention_pattern(&l, &params[l.p..], 3, 5));
        assert_ne!(one.pattern, v.pattern);
    }

    #[test]
    fn attention_view_degrades_cleanly() {
        let e = tfm("");
        let Some(Net::Tfm(l)) = crate::engine::tfm::net_of(&e) else { panic!() };
        assert!(attn_view(&e, &vec![0.0; l.p - 1], 1, 2).is_none(), "too few parameters");
        let mlp = crate::experiment::url::decode("v=1&data=mod&p=7").experiment;
        assert!(attn_view(&mlp, &vec![0.0; l.p], 1, 2).is_none(), "no attention in an MLP");
        let nan = vec![f32::NAN; l.p];
        let v = attn_view(&e, &nan, 1, 2).unwrap();
        assert_eq!(v.predicted, None);
        assert!(attn_text(&v, e.op, 7, 0).contains("not finite"));
        let div = tfm("&op=div");
        let v = attn_view(&div, &Net::Tfm(l).init(1), 4, 0).unwrap();
        assert_eq!(v.answer, None);
        assert!(attn_text(&v, div.op, 7, 0).starts_with("4 ÷ 0 mod 7 = undefined"));
        assert_eq!(formula(ModOp::Cube, 2, 3), "2³ + 2·3");
    }
}
