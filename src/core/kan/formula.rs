//! The formula of a fully symbolic KAN (pykan `MultKAN.symbolic_formula`), and [`Snap`], one
//! entry of the URL's `snap` schedule.
//!
//! Every live edge of model 0 must be symbolic, either already snapped in the layout
//! ([`super::EdgeFn::Symbolic`]) or named by `snaps` (then fitted here on its curve over its grid
//! range, a preview: the layout is not changed; an [`AUTO`] entry previews pykan's
//! `auto_symbolic` choice for every remaining spline edge). Pruned edges are dropped. The text
//! composes the layers: input i is `x{i+1}`; a node is Σ_i c·f(a·u_i + b) + d + bias, with
//! linear edges (`x`) folded into their node, arguments normalised for reading (`term`),
//! coefficients printed with 2 decimals (smaller ones in exponent form), constants below 0.005
//! dropped, e.g. `y = 1.00·exp(1.00·sin(3.14·x1) + 1.00·x2^2)`. Outputs are
//! written before the loss head (no tanh/softmax).

use super::edges::{edge_phi, EdgeFn};
use super::symbolic::{best, fit_named, suggest, symbol, SymFit};
use super::KanLayout;
use std::fmt;

/// The `name` of a [`Snap`] that snaps every live spline edge to its best suggestion.
pub const AUTO: &str = "auto";

/// One scheduled snap: at `step`, edge i → j of `layer` becomes `name` (a [`super::symbolic::SYMBOLS`]
/// entry) fitted to its samples, for every model; `name` [`AUTO`] (layer, i, j ignored) snaps
/// every live spline edge to its best suggestion. URL form `step:layer:i:j:name` or `step:auto`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Snap {
    pub step: u64,
    pub layer: usize,
    pub i: usize,
    pub j: usize,
    pub name: &'static str,
}

impl fmt::Display for Snap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.name == AUTO {
            write!(f, "{}:{AUTO}", self.step)
        } else {
            write!(f, "{}:{}:{}:{}:{}", self.step, self.layer, self.i, self.j, self.name)
        }
    }
}

impl std::str::FromStr for Snap {
    type Err = String;
    /// `step:layer:i:j:name` or `step:auto` (indices up to 10⁶; range against the model is
    /// checked when the snap is applied).
    fn from_str(s: &str) -> Result<Self, String> {
        let parts: Vec<&str> = s.trim().split(':').map(str::trim).collect();
        let num = |t: &str| t.parse::<u64>().map_err(|_| format!("`{t}` is not a whole number in snap `{s}`"));
        match parts.as_slice() {
            [step, a] if a.eq_ignore_ascii_case(AUTO) => {
                Ok(Snap { step: num(step)?, layer: 0, i: 0, j: 0, name: AUTO })
            }
            [step, l, i, j, name] => {
                let name = symbol(name).ok_or_else(|| format!("unknown symbol `{name}` in snap `{s}`"))?;
                let idx = |t: &str| {
                    num(t)
                        .and_then(|v| if v <= 1_000_000 { Ok(v as usize) } else { Err(format!("index {v} too large")) })
                };
                Ok(Snap { step: num(step)?, layer: idx(l)?, i: idx(i)?, j: idx(j)?, name })
            }
            _ => Err(format!("snap `{s}` is not step:layer:i:j:name or step:auto")),
        }
    }
}

/// Serialized as its URL text.
impl serde::Serialize for Snap {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Snap {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A node's value as text: Σ coef·body + k.
#[derive(Clone, Debug)]
struct Node {
    terms: Vec<(f32, String)>,
    k: f32,
}

fn num(v: f32) -> String {
    if v != 0.0 && v.abs() < 0.005 {
        format!("{v:.1e}")
    } else {
        format!("{v:.2}")
    }
}

impl Node {
    fn affine(&self, a: f32, b: f32) -> Node {
        Node { terms: self.terms.iter().map(|(c, t)| (c * a, t.clone())).collect(), k: a * self.k + b }
    }
    /// Adds coef·body, merging a body already present.
    fn push(&mut self, c: f32, body: String) {
        match self.terms.iter_mut().find(|(_, b)| *b == body) {
            Some(t) => t.0 += c,
            None => self.terms.push((c, body)),
        }
    }
    fn live(&self) -> impl Iterator<Item = &(f32, String)> {
        self.terms.iter().filter(|(c, _)| *c != 0.0)
    }
    /// The text; `bare` is true when it is a single token without coefficient or constant.
    fn text(&self) -> (String, bool) {
        let live: Vec<&(f32, String)> = self.live().collect();
        if live.len() == 1 && (live[0].0 - 1.0).abs() < 0.005 && self.k.abs() < 0.005 && !live[0].1.contains(' ') {
            return (live[0].1.clone(), true);
        }
        let mut parts: Vec<String> = live.iter().map(|(c, t)| format!("{}·{t}", num(*c))).collect();
        if self.k.abs() >= 0.005 || parts.is_empty() {
            parts.push(num(self.k));
        }
        (parts.join(" + ").replace("+ -", "- "), false)
    }
}

/// c·f(node) as a term (coefficient, body); d and linear edges (`x`) are left to the caller.
/// The argument a·u + b is normalised for reading: exp's constant moves into the coefficient
/// (c·exp(v + K) = c·e^K·exp(v)); for a one-term argument α·t + K, powers take α out
/// (c·(αt + K)^n = c·αⁿ·(t + K/α)^n) and odd functions (sin, tanh) a negative sign
/// (c·f(−v) = −c·f(v)).
fn term(f: &SymFit, arg: &Node) -> (f32, String) {
    let (mut c, mut v) = (f.c, arg.affine(f.a, f.b));
    let single = v.live().count() == 1;
    match f.name {
        "exp" if (c * v.k.exp()).is_finite() => {
            c *= v.k.exp();
            v.k = 0.0;
        }
        "x^2" | "x^3" if single => {
            let t = v.terms.iter_mut().find(|t| t.0 != 0.0).expect("one live term");
            let alpha = t.0;
            c *= alpha.powi(if f.name == "x^2" { 2 } else { 3 });
            t.0 = 1.0;
            v.k /= alpha;
        }
        "sin" | "tanh" if single && v.live().all(|t| t.0 < 0.0) => {
            c = -c;
            v = v.affine(-1.0, 0.0);
        }
        _ => {}
    }
    let (t, bare) = v.text();
    let p = if bare { t.clone() } else { format!("({t})") };
    let body = match f.name {
        "x^2" => format!("{p}^2"),
        "x^3" => format!("{p}^3"),
        "1/x" => format!("1/{p}"),
        "gaussian" => format!("exp(-{p}^2)"),
        name => format!("{name}({t})"),
    };
    (c, body)
}

/// The fit used for edge i → j of `layer` in the formula, `None` for a live spline edge that
/// `snaps` does not cover, `Some(None)` for a pruned edge.
fn edge_fit(
    layout: &KanLayout,
    params: &[f32],
    snaps: &[Snap],
    layer: usize,
    i: usize,
    j: usize,
) -> Option<Option<SymFit>> {
    match layout.edge(0, layer, i, j) {
        EdgeFn::Pruned => return Some(None),
        EdgeFn::Symbolic(f) => return Some(Some(f)),
        EdgeFn::Spline => {}
    }
    let named = snaps.iter().rev().find(|s| s.name != AUTO && (s.layer, s.i, s.j) == (layer, i, j));
    let auto = snaps.iter().any(|s| s.name == AUTO);
    if named.is_none() && !auto {
        return None;
    }
    let l = &layout.layers[layer];
    let t = &params[l.grid_off(i)..][..l.n_knots()];
    let (lo, hi) = (t[l.k], t[l.n_knots() - 1 - l.k]);
    let xs: Vec<f32> = (0..101).map(|s| lo + (hi - lo) * s as f32 / 100.0).collect();
    let ys: Vec<f32> = xs.iter().map(|&x| edge_phi(layout, params, 0, layer, i, j, x)).collect();
    let fit = match named {
        Some(s) => fit_named(s.name, &xs, &ys)?,
        None => best(&suggest(&xs, &ys))?,
    };
    Some(Some(fit))
}

/// The network's formula (model 0) once every live edge is symbolic (module doc); `None` while
/// some live edge is still a spline not covered by `snaps`, or the parameters are too short.
pub fn formula(layout: &KanLayout, params: &[f32], snaps: &[Snap]) -> Option<String> {
    if params.len() < layout.p || layout.layers.is_empty() || layout.models == 0 {
        return None;
    }
    let mut nodes: Vec<Node> =
        (0..layout.inputs()).map(|i| Node { terms: vec![(1.0, format!("x{}", i + 1))], k: 0.0 }).collect();
    for (li, l) in layout.layers.iter().enumerate() {
        let mut next: Vec<Node> = (0..l.o).map(|j| Node { terms: vec![], k: params[l.bias_off() + j] }).collect();
        for (i, u) in nodes.iter().enumerate() {
            for (j, v) in next.iter_mut().enumerate() {
                let Some(f) = edge_fit(layout, params, snaps, li, i, j)? else { continue };
                if u.live().next().is_none() {
                    v.k += f.eval(u.k);
                } else if f.name == "x" {
                    let w = u.affine(f.a * f.c, f.b * f.c + f.d);
                    w.terms.into_iter().for_each(|(c, b)| v.push(c, b));
                    v.k += w.k;
                } else {
                    let (c, b) = term(&f, u);
                    v.push(c, b);
                    v.k += f.d;
                }
            }
        }
        nodes = next;
    }
    let out: Vec<String> = nodes.iter().map(|n| n.text().0).collect();
    Some(match out.as_slice() {
        [one] => format!("y = {one}"),
        many => many.iter().enumerate().map(|(j, t)| format!("y{} = {t}", j + 1)).collect::<Vec<_>>().join("; "),
    })
}
