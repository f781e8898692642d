//! Hostile share-URL hashes for fuzzing the codec ([`super::url::decode`]), the CLI and the page.
//!
//! Deterministic: case `i` of seed `s` is drawn from its own [`Rng`] stream `(s, i)`, so any
//! failure is reproducible from `(seed, i)` alone (no OS entropy; compiles on wasm32 too).
//! Each case belongs to one of [`CATEGORIES`] (round-robin over the indices, so every category
//! is covered even for small counts): very long inputs (the first three of them of about
//! `max_len` bytes), unicode, control characters, special floats (NaN, inf, 1e308, -0), bad
//! integers (negative, huge, fractional), models too large for any adapter, unknown keys,
//! duplicate keys, old or future `v`, markup and quotes, and mixes of all of these.
//! The hashes are the part after `#` (some start with `#`, `?` or a whole URL on purpose).

use crate::core::rng::Rng;

/// The categories, in the order the cases cycle through them.
pub const CATEGORIES: &[&str] = &[
    "long",
    "unicode",
    "control",
    "special_float",
    "bad_int",
    "huge_model",
    "unknown_key",
    "duplicate_key",
    "version",
    "markup",
    "mixed",
];

/// One generated case: its category (one of [`CATEGORIES`]) and the hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hostile {
    pub category: &'static str,
    pub hash: String,
}

/// The category of case `i` (cases cycle through [`CATEGORIES`]).
pub fn category(i: usize) -> &'static str {
    CATEGORIES[i % CATEGORIES.len()]
}

/// `count` hostile hashes of at most about `max_len` bytes, reproducible from `seed`.
pub fn hostile_hashes(seed: u64, count: usize, max_len: usize) -> Vec<String> {
    hostile_cases(seed, count, max_len).into_iter().map(|c| c.hash).collect()
}

/// Like [`hostile_hashes`], with each case's category.
pub fn hostile_cases(seed: u64, count: usize, max_len: usize) -> Vec<Hostile> {
    let mut long_seen = 0;
    (0..count)
        .map(|i| {
            let category = category(i);
            let mut r = Rng::new(seed, i as u64);
            let hash = match category {
                "long" => {
                    long_seen += 1;
                    // The first three long cases are about max_len; the rest stay ≤ 64 KiB.
                    let target = if long_seen <= 3 { max_len } else { 1 + below(&mut r, max_len.min(1 << 16)) };
                    long(&mut r, target)
                }
                _ => one(&mut r, category),
            };
            Hostile { category, hash }
        })
        .collect()
}

fn one(r: &mut Rng, category: &str) -> String {
    match category {
        "unicode" => unicode(r),
        "control" => control(r),
        "special_float" => special_float(r),
        "bad_int" => bad_int(r),
        "huge_model" => huge_model(r),
        "unknown_key" => unknown_key(r),
        "duplicate_key" => duplicate_key(r),
        "version" => version(r),
        "markup" => markup(r),
        _ => mixed(r),
    }
}

/// The URL keys, from the codec's own table (so a new key is fuzzed without editing this file).
fn known() -> Vec<&'static str> {
    super::url::KEYS.iter().map(|k| k.key).collect()
}
const FLOAT_KEYS: &[&str] = &["train", "noise", "lr", "l2", "wd"];
const INT_KEYS: &[&str] = &["n", "bs", "steps", "seed"];
const NUMERIC_KEYS: &[&str] = &["train", "noise", "lr", "l2", "wd", "n", "bs", "steps", "seed", "v", "layers"];

fn below(r: &mut Rng, n: usize) -> usize {
    r.below(n.clamp(1, u32::MAX as usize) as u32) as usize
}

fn pick<'a>(r: &mut Rng, xs: &[&'a str]) -> &'a str {
    xs[below(r, xs.len())]
}

fn chance(r: &mut Rng, percent: u32) -> bool {
    r.below(100) < percent
}

/// Percent-encodes `s` (form encoding), or leaves it raw, at random.
fn maybe_encoded(r: &mut Rng, s: &str) -> String {
    if chance(r, 50) {
        form_urlencoded::byte_serialize(s.as_bytes()).collect()
    } else {
        s.to_string()
    }
}

/// `lo` to `lo + spread - 1` random digits.
fn some_digits(r: &mut Rng, lo: usize, spread: usize) -> String {
    let n = lo + below(r, spread);
    digits(r, n)
}

fn digits(r: &mut Rng, n: usize) -> String {
    (0..n).map(|_| char::from(b'0' + r.below(10) as u8)).collect()
}

/// Repeats `unit` (cut at a char boundary) to about `target` bytes.
fn fill(prefix: &str, unit: &str, target: usize) -> String {
    let mut s = String::with_capacity(target + unit.len());
    s.push_str(prefix);
    while s.len() + unit.len() <= target.max(prefix.len() + unit.len()) {
        s.push_str(unit);
    }
    s
}

fn long(r: &mut Rng, target: usize) -> String {
    let key = pick(r, &known());
    match r.below(10) {
        0 => fill("", "a=b&", target),
        1 => fill(&format!("{key}="), "9", target),
        2 => fill("layers=", "1,", target),
        3 => fill("", "x", target),
        4 => fill("lr=0.", "0", target),
        5 => fill("", "%FF", target),
        6 => fill("", "&", target),
        7 => fill("", "\u{202e}", target),
        8 => fill("", &format!("{key}=1&"), target),
        _ => fill(&format!("{key}=-"), &digits(r, 7), target),
    }
}

fn unicode(r: &mut Rng) -> String {
    const KEYS: &[&str] = &["ключ", "🦀", "lr\u{301}", "ｌｒ", "ⅼr", "n\u{200b}", "\u{feff}lr", "データ", "é"];
    const VALUES: &[&str] = &[
        "１２",
        "٣",
        "🦀",
        "e\u{301}",
        "\u{202e}xor",
        "xor\u{200b}",
        "%E2%80%AE",
        "%FF%FE",
        "%C0%AF",
        "\u{feff}1",
        "ⅷ",
        "∞",
        "−1",
        "½",
        "1\u{a0}0",
        "ＸＯＲ",
        "%ED%A0%80",
        "𝟙",
    ];
    let mut parts = Vec::new();
    for _ in 0..1 + below(r, 4) {
        let key = if chance(r, 60) { pick(r, &known()) } else { pick(r, KEYS) };
        let value = pick(r, VALUES);
        parts.push(format!("{}={}", maybe_encoded(r, key), maybe_encoded(r, value)));
    }
    parts.join("&")
}

fn control(r: &mut Rng) -> String {
    const CTL: &[&str] = &["\0", "\u{1}", "\u{1b}", "\u{7f}", "\t", "\n", "\r", "\u{85}", "\u{2028}", "\u{1b}[31m"];
    let key = pick(r, &known());
    let c = pick(r, CTL);
    // A control character between two digits is never a valid value for any key.
    let value = format!("{}{c}{}", some_digits(r, 1, 3), some_digits(r, 1, 3));
    let value = maybe_encoded(r, &value);
    if chance(r, 25) {
        let k = format!("k{c}y");
        format!("{}={value}", maybe_encoded(r, &k))
    } else {
        format!("{key}={value}")
    }
}

fn special_float(r: &mut Rng) -> String {
    const SPECIAL: &[&str] = &[
        "NaN",
        "nan",
        "-NaN",
        "inf",
        "-inf",
        "+Infinity",
        "infinity",
        "1e308",
        "-1e308",
        "1e39",
        "-1e39",
        "1e-400",
        "-0",
        "0x10",
        "",
        "1e",
        ".",
        "-",
        "1..2",
        "1,5",
        "4.9e-324",
        "3.4028236e38",
    ];
    let n = 1 + below(r, 3);
    (0..n)
        .map(|_| {
            let key = if chance(r, 70) { pick(r, FLOAT_KEYS) } else { pick(r, NUMERIC_KEYS) };
            let value = pick(r, SPECIAL);
            format!("{key}={}", maybe_encoded(r, value))
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn bad_int(r: &mut Rng) -> String {
    const BAD: &[&str] = &[
        "-1",
        "-0",
        "0",
        "1e308",
        "1e19",
        "18446744073709551616",
        "4294967296",
        "1.5",
        "0x10",
        "1_000",
        "+-1",
        "--1",
        "1e-5",
        "2e9",
        "-2147483648",
        "99999999999999999999999999999999999999999999",
    ];
    const WIDTHS: &[&str] = &["-1", "0", "1", "1024", "1025", "4294967297", "1e9", "-0", "", "x", "1.5"];
    if chance(r, 30) {
        let count = below(r, 20);
        let widths: Vec<&str> = (0..count).map(|_| pick(r, WIDTHS)).collect();
        return format!("layers={}", widths.join(","));
    }
    let key = pick(r, INT_KEYS);
    let value = match r.below(3) {
        0 => some_digits(r, 20, 400),
        1 => format!("-{}", some_digits(r, 1, 60)),
        _ => pick(r, BAD).to_string(),
    };
    format!("{key}={value}")
}

fn huge_model(r: &mut Rng) -> String {
    if chance(r, 30) {
        // Token models (`emb`, `tfm`): transformer knobs past their ranges, heads not dividing
        // d_model, the largest modulus (and a few small enough to train).
        let p = pick(r, &["251", "113", "1000", "5", "7"]);
        let model = pick(r, &["tfm", "tfm", "emb", "TFM"]);
        let d = pick(r, &["512", "4096", "99999", "-1", "6", "7", "1e9"]);
        let heads = pick(r, &["0", "3", "16", "64", "-2", "1.5"]);
        let d_mlp = pick(r, &["0", "2048", "100000", "4", "-7"]);
        let blocks = pick(r, &["0", "1", "2", "9", "NaN"]);
        let ln = pick(r, &["0", "1", "2", "yes"]);
        let s =
            format!("data=mod&p={p}&model={model}&d_model={d}&heads={heads}&d_mlp={d_mlp}&tfm_layers={blocks}&ln={ln}");
        return s + pick(r, &["", "&layers=1024,1024", "&layers=", "&seeds=64", "&train=0.9&bs=10000"]);
    }
    let count = 8 + below(r, 200);
    let width = pick(r, &["1024", "1024", "4096", "99999", "1000000000"]);
    let mut s = format!("layers={}", vec![width; count].join(","));
    s.push_str(pick(r, &["&n=10000&bs=10000", "&n=1000000&bs=1000000", "&bs=10000", "&n=10000", ""]));
    if chance(r, 50) {
        s.push_str("&loss=ce&opt=adam");
    }
    if chance(r, 30) {
        s.push_str(pick(r, &["&backend=webgpu", "&backend=cpu", "&steps=10000000", "&steps=1e308"]));
    }
    if chance(r, 20) {
        // KAN bases: the grid-free rational one with a refinement schedule, the largest grids.
        s.push_str(pick(
            r,
            &[
                "&model=kan&basis=rational&refine=1:100",
                "&model=kan&basis=RELU&grid=100&order=5",
                "&model=kan&basis=pade",
            ],
        ));
    }
    s
}

fn unknown_key(r: &mut Rng) -> String {
    const ODD: &[&str] = &[
        "__proto__",
        "constructor",
        "toString",
        "hasOwnProperty",
        "LR",
        "Layers",
        " lr",
        "lr ",
        "lr[]",
        "lr.x",
        "v2",
        "data%20",
        "prototype",
        "SEED",
        "show-test",
        "showTest",
        "%6Cr",
        "x",
    ];
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-~";
    (0..1 + below(r, 5))
        .map(|_| {
            let key = if chance(r, 40) {
                pick(r, ODD).to_string()
            } else {
                let len = 1 + below(r, 20);
                (0..len).map(|_| char::from(CHARS[below(r, CHARS.len())])).collect()
            };
            let key = if known().contains(&key.as_str()) { format!("{key}_") } else { key };
            format!("{key}={}", some_digits(r, 0, 4))
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn duplicate_key(r: &mut Rng) -> String {
    const VALUES: &[&str] = &["1", "0", "0.1", "xor", "relu", "4,4", "", "NaN", "adam", "ce", "cpu", "-1"];
    let key = pick(r, &known());
    let times = 2 + below(r, 4);
    let mut parts: Vec<String> = (0..times).map(|_| format!("{key}={}", pick(r, VALUES))).collect();
    if chance(r, 50) {
        let other = pick(r, &known());
        parts.insert(below(r, parts.len() + 1), format!("{other}={}", pick(r, VALUES)));
    }
    parts.join("&")
}

fn version(r: &mut Rng) -> String {
    const V: &[&str] = &[
        "0",
        "2",
        "999",
        "-1",
        "1.5",
        "1e308",
        "",
        "one",
        "1 ",
        "v1",
        "1.0",
        "+1",
        "01",
        "18446744073709551616",
        "NaN",
        "1e0",
        "1%00",
    ];
    let v = format!("v={}", pick(r, V));
    let rest = pick(r, &["", "lr=0.1", "data=xor&layers=8,8", "v=1", "v=2&v=1", "bogus=1"]);
    match (rest.is_empty(), r.below(3)) {
        (true, _) => v,
        (false, 0) => format!("{v}&{rest}"),
        (false, 1) => format!("{rest}&{v}"),
        _ => format!("{v}&{rest}&{v}"),
    }
}

fn markup(r: &mut Rng) -> String {
    const M: &[&str] = &[
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "'",
        "\"",
        "`",
        "</ul><b>x</b>",
        "javascript:alert(1)",
        "${7*7}",
        "{{7*7}}",
        "<svg/onload=alert(1)>",
        "&lt;",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "\\",
        "'; DROP TABLE x;--",
        "<!--",
        "]]>",
    ];
    let m = pick(r, M);
    let m = if chance(r, 50) { form_urlencoded::byte_serialize(m.as_bytes()).collect() } else { m.to_string() };
    match r.below(3) {
        0 => format!("{m}=1"),
        1 => format!("{}={m}", pick(r, &known())),
        _ => format!("{m}={m}"),
    }
}

fn mixed(r: &mut Rng) -> String {
    let mut s: String = pick(r, &["", "", "#", "?", "#v=1&", "https://grokpad.example/?x=1#", "??", "##"]).into();
    let parts: Vec<String> = (0..2 + below(r, 7))
        .map(|_| {
            let c = CATEGORIES[1 + below(r, CATEGORIES.len() - 2)];
            one(r, c)
        })
        .collect();
    s.push_str(&parts.join(pick(r, &["&", "&&", "&=&", "&;"])));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_covers_every_category_and_respects_max_len() {
        let a = hostile_cases(7, 200, 4096);
        assert_eq!(a, hostile_cases(7, 200, 4096));
        for c in CATEGORIES {
            assert!(a.iter().any(|h| h.category == *c), "{c}");
        }
        let big = a.iter().filter(|h| h.category == "long").take(3);
        assert!(big.clone().all(|h| h.hash.len() > 3000 && h.hash.len() <= 4096 + 16), "{big:?}");
        assert_ne!(hostile_hashes(7, 50, 100), hostile_hashes(8, 50, 100));
    }
}
