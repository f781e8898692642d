//! CSV import and export of datasets.
//!
//! Import reads rows `x,y,label` (for regression the third column is the target; two columns
//! `x,target` are 1-D points at `y = 0`). An optional header line comes first; blank lines and
//! lines starting with `#` are skipped; rows as [`export`] writes them (`x,y,label,split,flipped`)
//! are accepted too, the last two columns checked and ignored. Anything else is an `Err` naming
//! the line and the reason, never a panic. Limits: [`MAX_ROWS`] rows, finite numbers, coordinates
//! and targets within ±[`MAX_ABS`], class labels whole numbers 0–[`MAX_CLASS`].

use super::Point;
use super::{Data, Split};
use std::fmt::Write;

/// Most data rows one import accepts.
pub const MAX_ROWS: usize = 10_000;
/// Largest magnitude of a coordinate or a regression target.
pub const MAX_ABS: f64 = 1e6;
/// Largest class label (5 classes).
pub const MAX_CLASS: f64 = 4.0;

/// At most 40 characters of `s`, for error messages.
fn shown(s: &str) -> String {
    let mut t: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        t.push('…');
    }
    t
}

/// Parse CSV text into points (`v` = class or regression target). See the module doc.
pub fn parse(text: &str, regression: bool) -> Result<Vec<Point>, String> {
    let want = if regression { "3 numbers (or 2: x,target)" } else { "3 numbers" };
    let mut rows = Vec::new();
    let mut header_allowed = true;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if header_allowed && fields[0].parse::<f64>().is_err() {
            header_allowed = false;
            continue;
        }
        header_allowed = false;
        let bad_shape = || format!("line {line_no}: expected {want} separated by commas, found \"{}\"", shown(line));
        let numeric = match fields.len() {
            2 if regression => 2,
            3 | 5 => 3,
            _ => return Err(bad_shape()),
        };
        if fields.len() == 5 && !(matches!(fields[3], "train" | "test") && matches!(fields[4], "0" | "1")) {
            return Err(format!(
                "line {line_no}: columns 4 and 5 must be train/test and 0/1 as exported, found \"{}\"",
                shown(line)
            ));
        }
        let mut v = [0.0f64; 3];
        for (k, f) in fields[..numeric].iter().enumerate() {
            let x: f64 = f.parse().map_err(|_| bad_shape())?;
            if !x.is_finite() {
                return Err(format!("line {line_no}: column {} is not a finite number: \"{}\"", k + 1, shown(f)));
            }
            if x.abs() > MAX_ABS {
                return Err(format!("line {line_no}: column {} = {} is beyond ±{MAX_ABS}", k + 1, shown(f)));
            }
            v[k] = x;
        }
        let (x, y, label) = if numeric == 2 { (v[0], 0.0, v[1]) } else { (v[0], v[1], v[2]) };
        let whole_class = label.fract() == 0.0 && (0.0..=MAX_CLASS).contains(&label);
        if !regression && !whole_class {
            return Err(format!(
                "line {line_no}: class label must be a whole number 0–{MAX_CLASS}, found \"{}\"",
                shown(fields[2])
            ));
        }
        if rows.len() == MAX_ROWS {
            return Err(format!("line {line_no}: more than {MAX_ROWS} data rows"));
        }
        rows.push(Point { x: x as f32, y: y as f32, v: label as f32 });
    }
    if rows.is_empty() {
        return Err("no data rows: expected lines of x,y,label".into());
    }
    Ok(rows)
}

/// Export both splits: header `x,y,label,split,flipped`, then one row per point with the plot
/// coordinates, the training label (class, or target for regression), `train`/`test` and
/// whether the label was flipped (0/1). Numbers are written in the shortest form that reads
/// back to the same `f32`. XOR clusters export their plotted first two coordinates.
pub fn export(d: &Data) -> String {
    let mut s = String::from("x,y,label,split,flipped\n");
    let mut rows = |sp: &Split, name: &str| {
        for i in 0..sp.len() {
            let (x, y) = (sp.raw[2 * i], sp.raw[2 * i + 1]);
            let f = u8::from(sp.flipped.get(i).copied().unwrap_or(false));
            let _ = match sp.r.get(i) {
                Some(t) if d.classes == 0 => writeln!(s, "{x},{y},{t},{name},{f}"),
                _ => writeln!(s, "{x},{y},{},{name},{f}", sp.y[i]),
            };
        }
    };
    rows(&d.train, "train");
    rows(&d.test, "test");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str, regression: bool) -> String {
        parse(text, regression).unwrap_err()
    }

    #[test]
    fn parses_rows_headers_comments() {
        let p = parse("x,y,label\n\n# a comment\n1,2,0\r\n -3.5 , 4e2 , 4 \n", false).unwrap();
        assert_eq!(p, vec![Point { x: 1.0, y: 2.0, v: 0.0 }, Point { x: -3.5, y: 400.0, v: 4.0 }]);
        let r = parse("0.5,-0.25\n1,2,0.125\n", true).unwrap();
        assert_eq!(r, vec![Point { x: 0.5, y: 0.0, v: -0.25 }, Point { x: 1.0, y: 2.0, v: 0.125 }]);
        let e = parse("x,y,label,split,flipped\n1,2,1,train,1\n3,4,0,test,0\n", false).unwrap();
        assert_eq!(e.len(), 2);
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(
            err("x,y,label\n1,2,0\n\n# c\n1,1,1\n\nabc\n", false),
            "line 7: expected 3 numbers separated by commas, found \"abc\""
        );
        assert!(err("1,2\n", false).starts_with("line 1: expected 3 numbers"));
        assert!(err("1,2,3,4\n", true).starts_with("line 1: expected 3 numbers (or 2: x,target)"));
        assert!(err("1,2,0\n1,x,0\n", false).starts_with("line 2: expected 3 numbers"));
        assert_eq!(err("1,inf,0\n", false), "line 1: column 2 is not a finite number: \"inf\"");
        assert_eq!(err("1,2,NaN\n", true), "line 1: column 3 is not a finite number: \"NaN\"");
        assert_eq!(err("2e6,0,0\n", false), "line 1: column 1 = 2e6 is beyond ±1000000");
        assert_eq!(err("0,0,2.5\n", false), "line 1: class label must be a whole number 0–4, found \"2.5\"");
        assert_eq!(err("0,0,5\n", false), "line 1: class label must be a whole number 0–4, found \"5\"");
        assert!(err("0,0,-1\n", false).contains("whole number"));
        assert!(err("1,2,1,val,0\n", false).starts_with("line 1: columns 4 and 5"));
        assert_eq!(err("x,y,label\n# nothing\n", false), "no data rows: expected lines of x,y,label");
        assert_eq!(err("", true), "no data rows: expected lines of x,y,label");
        assert!(err("h\nh2\n", false).starts_with("line 2:"), "only one header line");
        let long = format!("{}\n", "a,".repeat(100));
        assert!(err(&format!("1,1,1\n{long}"), false).ends_with("…\""));
    }

    #[test]
    fn row_limit() {
        let ok: String = (0..MAX_ROWS).map(|i| format!("{i},0,1\n")).collect();
        assert_eq!(parse(&ok, false).unwrap().len(), MAX_ROWS);
        let over = format!("x,y,l\n{ok}1,1,1\n");
        assert_eq!(err(&over, false), format!("line {}: more than 10000 data rows", MAX_ROWS + 2));
    }
}
