//! Symbolic regression of one KAN edge (Liu et al. 2024 §2.5.1, pykan `utils.fit_params`,
//! `suggest_symbolic`, `fix_symbolic`): y ≈ c·f(a·x + b) + d for each f of [`SYMBOLS`].
//!
//! (a, b) by pykan's zooming grid search: a, b ∈ [−10, 10] on a 51×51 grid, maximise the squared
//! correlation of y with f(a·x + b), then search again between the neighbours of the best cell
//! (4 rounds; a best cell on the border keeps that border's interval). Then (c, d) by ordinary
//! least squares in f64, and R² = 1 − SS_res/SS_tot. `x` is fitted directly (a = 1, b = 0).
//! Samples with a non-finite x or y are dropped and at most [`MAX_FIT_SAMPLES`] (evenly spaced in
//! x order) are used, so a symbol costs at most 64·51²·4 ≈ 0.7M evaluations. Fewer than 3 samples or a constant
//! y give c = 0, d = mean(y), R² = 0 for every symbol (never NaN).
//!
//! Singular functions are protected as pykan's `SYMBOLIC_LIB` does (y_th = 10): log|u| with
//! |u| ≥ e⁻¹⁰, sqrt(max(u, 0)), 1/u linear (100·u) inside |u| < 0.1, exp(min(u, 30)).
//!
//! The network-level tools (curves, samples, attribution, formula) live in [`super::analysis`]
//! and [`super::formula`] and are re-exported here, so `symbolic::*` is the whole interface.

pub use super::analysis::{edge_curve, edge_importance, edge_samples};
pub use super::formula::{formula, Snap, AUTO};

/// y ≈ c·f(a·x + b) + d, fitted by affine least squares (grid search over a,b like pykan's
/// fit_params, then linear c,d).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SymFit {
    pub name: &'static str,
    pub a: f32,
    pub b: f32,
    pub c: f32,
    pub d: f32,
    pub r2: f32,
}

/// The symbol library, simplest first.
pub const SYMBOLS: &[&str] = &["x", "x^2", "x^3", "exp", "sin", "tanh", "log", "sqrt", "1/x", "abs", "gaussian"];

/// pykan's complexity of each symbol (`SYMBOLIC_LIB[name][3]`), in [`SYMBOLS`] order.
const COMPLEXITY: [f32; 11] = [1.0, 2.0, 3.0, 2.0, 2.0, 3.0, 2.0, 2.0, 2.0, 3.0, 3.0];

/// Most samples a fit uses.
pub const MAX_FIT_SAMPLES: usize = 64;
const GRID_N: usize = 51;
const ROUNDS: usize = 4;
const RANGE: f32 = 10.0;

/// The library name equal to `name` (trimmed; `x2`, `square`, … are not aliases).
pub fn symbol(name: &str) -> Option<&'static str> {
    SYMBOLS.iter().copied().find(|s| *s == name.trim())
}

/// f(u) of symbol `name` (protected as in the module doc); unknown names give u.
pub fn apply(name: &str, u: f32) -> f32 {
    match name {
        "x^2" => u * u,
        "x^3" => u * u * u,
        "exp" => u.min(30.0).exp(),
        "sin" => u.sin(),
        "tanh" => u.tanh(),
        "log" => u.abs().max((-10.0f32).exp()).ln(),
        "sqrt" => u.max(0.0).sqrt(),
        "1/x" => {
            if u.abs() < 0.1 {
                100.0 * u
            } else {
                1.0 / u
            }
        }
        "abs" => u.abs(),
        "gaussian" => (-u * u).exp(),
        _ => u,
    }
}

/// f′(u), the derivative of [`apply`] (0 where the protection is flat).
pub fn deriv(name: &str, u: f32) -> f32 {
    match name {
        "x^2" => 2.0 * u,
        "x^3" => 3.0 * u * u,
        "exp" => {
            if u > 30.0 {
                0.0
            } else {
                u.exp()
            }
        }
        "sin" => u.cos(),
        "tanh" => 1.0 - u.tanh().powi(2),
        "log" => {
            if u.abs() < (-10.0f32).exp() {
                0.0
            } else {
                1.0 / u
            }
        }
        "sqrt" => {
            if u > 0.0 {
                0.5 / u.sqrt()
            } else {
                0.0
            }
        }
        "1/x" => {
            if u.abs() < 0.1 {
                100.0
            } else {
                -1.0 / (u * u)
            }
        }
        "abs" => {
            if u > 0.0 {
                1.0
            } else if u < 0.0 {
                -1.0
            } else {
                0.0
            }
        }
        "gaussian" => -2.0 * u * (-u * u).exp(),
        _ => 1.0,
    }
}

impl SymFit {
    /// c·f(a·x + b) + d.
    pub fn eval(&self, x: f32) -> f32 {
        self.c * apply(self.name, self.a * x + self.b) + self.d
    }
    /// d/dx of [`SymFit::eval`]: c·a·f′(a·x + b).
    pub fn grad(&self, x: f32) -> f32 {
        self.c * self.a * deriv(self.name, self.a * x + self.b)
    }
    /// pykan's ranking score (lower is better): 0.2·log₂(1 + 10⁻⁵ − R²) + 0.8·complexity.
    pub fn score(&self) -> f32 {
        let k = SYMBOLS.iter().position(|s| *s == self.name).map_or(4.0, |p| COMPLEXITY[p]);
        0.2 * (1.0 + 1e-5 - self.r2.clamp(0.0, 1.0)).log2() + 0.8 * k
    }
}

/// The finite samples, thinned to at most [`MAX_FIT_SAMPLES`] evenly in x order.
fn clean(xs: &[f32], ys: &[f32]) -> (Vec<f64>, Vec<f64>) {
    let mut v: Vec<(f32, f32)> =
        xs.iter().zip(ys).filter(|(x, y)| x.is_finite() && y.is_finite()).map(|(&x, &y)| (x, y)).collect();
    v.sort_by(|p, q| p.0.total_cmp(&q.0));
    let n = v.len();
    let keep = n.min(MAX_FIT_SAMPLES);
    let pick = |k: usize| if keep <= 1 { 0 } else { k * (n - 1) / (keep - 1) };
    (0..keep).map(|k| (v[pick(k)].0 as f64, v[pick(k)].1 as f64)).unzip()
}

/// Least squares y ≈ c·u + d: (c, d, SS_res). `syy` is Σ(y − ȳ)².
fn linear(u: &[f64], y: &[f64], ym: f64, syy: f64) -> (f64, f64, f64) {
    let n = u.len() as f64;
    let um = u.iter().sum::<f64>() / n;
    let (mut suu, mut suy) = (0.0, 0.0);
    for (a, b) in u.iter().zip(y) {
        suu += (a - um) * (a - um);
        suy += (a - um) * (b - ym);
    }
    if !suu.is_finite() || !suy.is_finite() || suu <= 1e-18 * n {
        return (0.0, ym, syy);
    }
    let c = suy / suu;
    (c, ym - c * um, (syy - suy * suy / suu).max(0.0))
}

/// Squared correlation of y with f(a·x + b) (0 when undefined), in one pass.
fn corr2(name: &str, a: f64, b: f64, x: &[f64], y: &[f64], ym: f64, syy: f64) -> f64 {
    let (mut su, mut suu, mut suy) = (0.0, 0.0, 0.0);
    for (&x, &y) in x.iter().zip(y) {
        let u = apply(name, (a * x + b) as f32) as f64;
        su += u;
        suu += u * u;
        suy += u * (y - ym);
    }
    let n = x.len() as f64;
    let var = suu - su * su / n;
    let r = suy * suy / (var * syy);
    if var > 1e-18 * n && r.is_finite() {
        r.min(1.0)
    } else {
        0.0
    }
}

/// Fit one symbol to the cleaned samples (see the module doc).
fn fit(name: &'static str, x: &[f64], y: &[f64]) -> SymFit {
    let n = x.len();
    let ym = if n == 0 { 0.0 } else { y.iter().sum::<f64>() / n as f64 };
    let syy: f64 = y.iter().map(|v| (v - ym) * (v - ym)).sum();
    let flat = SymFit { name, a: 1.0, b: 0.0, c: 0.0, d: ym as f32, r2: 0.0 };
    if n < 3 || !syy.is_finite() || syy <= 1e-12 * (1.0 + ym * ym) * n as f64 {
        return flat;
    }
    let (mut a, mut b) = (1.0f64, 0.0f64);
    if name != "x" {
        let (mut ar, mut br) = ((-RANGE as f64, RANGE as f64), (-RANGE as f64, RANGE as f64));
        for _ in 0..ROUNDS {
            let at = |k: usize, r: (f64, f64)| r.0 + (r.1 - r.0) * k as f64 / (GRID_N - 1) as f64;
            let (mut best, mut ka, mut kb) = (-1.0, 0, 0);
            for i in 0..GRID_N {
                for j in 0..GRID_N {
                    let r = corr2(name, at(i, ar), at(j, br), x, y, ym, syy);
                    if r > best {
                        (best, ka, kb) = (r, i, j);
                    }
                }
            }
            (a, b) = (at(ka, ar), at(kb, br));
            let zoom = |k: usize, r: (f64, f64)| (at(k.saturating_sub(1), r), at((k + 1).min(GRID_N - 1), r));
            (ar, br) = (zoom(ka, ar), zoom(kb, br));
        }
    }
    let u: Vec<f64> = x.iter().map(|&x| apply(name, (a * x + b) as f32) as f64).collect();
    let (c, d, res) = linear(&u, y, ym, syy);
    let r2 = (1.0 - res / syy).clamp(0.0, 1.0);
    if !(c.is_finite() && d.is_finite()) {
        return flat;
    }
    SymFit { name, a: a as f32, b: b as f32, c: c as f32, d: d as f32, r2: r2 as f32 }
}

/// Every symbol of [`SYMBOLS`] fitted to (xs, ys), best R² first (ties keep library order).
pub fn suggest(xs: &[f32], ys: &[f32]) -> Vec<SymFit> {
    let (x, y) = clean(xs, ys);
    let mut out: Vec<SymFit> = SYMBOLS.iter().map(|s| fit(s, &x, &y)).collect();
    out.sort_by(|p, q| q.r2.total_cmp(&p.r2));
    out
}

/// The fit of one named symbol (`None` for a name outside [`SYMBOLS`]).
pub fn fit_named(name: &str, xs: &[f32], ys: &[f32]) -> Option<SymFit> {
    let s = symbol(name)?;
    let (x, y) = clean(xs, ys);
    Some(fit(s, &x, &y))
}

/// pykan's `auto_symbolic` choice among `fits`: the lowest [`SymFit::score`] (simplicity
/// weighted 0.8 against R²).
pub fn best(fits: &[SymFit]) -> Option<SymFit> {
    fits.iter().copied().min_by(|p, q| p.score().total_cmp(&q.score()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(n: usize) -> Vec<f32> {
        (0..n).map(|k| -1.0 + 2.0 * k as f32 / (n - 1) as f32).collect()
    }

    #[test]
    fn recovers_affine_symbols() {
        let xs = line(101);
        type Case = (&'static str, fn(f32) -> f32);
        let cases: [Case; 4] = [
            ("sin", |x| 2.0 * (std::f32::consts::PI * x).sin() + 0.5),
            ("x^2", |x| 3.0 * x * x - 1.0),
            ("exp", |x| (1.5 * x + 0.2).exp()),
            ("x", |x| -0.7 * x + 0.1),
        ];
        for (name, f) in cases {
            let ys: Vec<f32> = xs.iter().map(|&x| f(x)).collect();
            let fits = suggest(&xs, &ys);
            assert_eq!(fits.len(), SYMBOLS.len());
            assert!(fits.windows(2).all(|w| w[0].r2 >= w[1].r2));
            let b = best(&fits).unwrap();
            assert_eq!(b.name, name, "{fits:?}");
            assert!(b.r2 > 0.9999, "{b:?}");
            let err = xs.iter().zip(&ys).map(|(&x, &y)| (b.eval(x) - y).abs()).fold(0.0, f32::max);
            assert!(err < 1e-2, "{name}: max error {err} {b:?}");
        }
    }

    #[test]
    fn degenerate_input_is_safe() {
        for (xs, ys) in [
            (vec![], vec![]),
            (vec![1.0], vec![2.0]),
            (vec![0.0, 1.0, 2.0, 3.0], vec![5.0; 4]),
            (vec![f32::NAN, 1.0, f32::INFINITY], vec![1.0, f32::NAN, 2.0]),
            (vec![0.0; 10], line(10)),
        ] {
            let fits = suggest(&xs, &ys);
            assert_eq!(fits.len(), SYMBOLS.len());
            for f in fits {
                assert!([f.a, f.b, f.c, f.d, f.r2].iter().all(|v| v.is_finite()), "{f:?}");
                assert_eq!(f.r2, 0.0, "{f:?}");
            }
        }
        assert!(fit_named("cosh", &[0.0], &[0.0]).is_none());
        assert_eq!(apply("1/x", 0.0), 0.0);
        assert!(apply("log", 0.0).is_finite() && apply("exp", 1e9).is_finite());
    }

    #[test]
    fn derivatives_match_differences() {
        for name in SYMBOLS {
            for &u in &[-1.7f32, -0.3, 0.45, 1.2, 2.5] {
                let e = 1e-3;
                let fd = (apply(name, u + e) - apply(name, u - e)) / (2.0 * e);
                let d = deriv(name, u);
                assert!((fd - d).abs() < 1e-2 * (1.0 + d.abs()), "{name} at {u}: {fd} vs {d}");
            }
        }
    }
}
