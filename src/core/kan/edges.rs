//! Edges that no longer compute their spline: snapped to a symbolic function (pykan
//! `fix_symbolic`: the spline branch masked, φ(x) = c·f(a·x + b) + d) or pruned (pykan `prune`:
//! the edge masked, φ = 0). As in pykan the spline branch is switched off by its parameters, not
//! by a second code path: w_b, w_s and the coefficients of such an edge are set to 0 and frozen
//! (learning-rate mask 0, [`KanLayout::lr_mask_models`]), so `kan_fwd`/`kan_bwd` (and the GPU
//! kernel) are unchanged, and the symbolic edges add their term on top ([`sym_fwd`], [`sym_bwd`]).
//! The affine constants (a, b, c, d) of a snapped edge stay as fitted (not trained).
//!
//! The state lives in [`KanLayout::edges`], [M, E] with E = Σ_l I_l·O_l (edge i → j of layer l
//! at `edge_base(l) + i·O_l + j`), empty while every edge is a plain spline.

use super::basis::At;
use super::layer::{silu, Batch};
use super::symbolic::SymFit;
use super::{KanLayer, KanLayout};

/// What an edge computes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum EdgeFn {
    /// w_b·silu(x) + w_s·spline(x), trained.
    #[default]
    Spline,
    /// 0, frozen.
    Pruned,
    /// c·f(a·x + b) + d, frozen.
    Symbolic(SymFit),
}

impl KanLayout {
    /// Edges per model, E = Σ_l I_l·O_l.
    pub fn n_edges(&self) -> usize {
        self.layers.iter().map(|l| l.i * l.o).sum()
    }
    /// Index of layer `layer`'s first edge among a model's E edges.
    pub fn edge_base(&self, layer: usize) -> usize {
        self.layers.iter().take(layer).map(|l| l.i * l.o).sum()
    }
    /// The state of edge i → j of `layer` in model `m` (`Spline` when out of range).
    pub fn edge(&self, m: usize, layer: usize, i: usize, j: usize) -> EdgeFn {
        match self.layers.get(layer) {
            Some(l) if i < l.i && j < l.o && !self.edges.is_empty() => {
                self.edges.get(m * self.n_edges() + self.edge_base(layer) + i * l.o + j).copied().unwrap_or_default()
            }
            _ => EdgeFn::Spline,
        }
    }
    /// Whether any edge of any model is snapped or pruned.
    pub fn has_fixed(&self) -> bool {
        self.edges.iter().any(|e| *e != EdgeFn::Spline)
    }
    /// Sets edge i → j of `layer` in model `m`; a non-spline state zeroes the edge's w_b, w_s
    /// and coefficients in `params` [M, P]. Out-of-range indices are ignored (returns false).
    pub fn set_edge(&mut self, params: &mut [f32], m: usize, layer: usize, i: usize, j: usize, f: EdgeFn) -> bool {
        let Some(&l) = self.layers.get(layer) else { return false };
        if i >= l.i || j >= l.o || m >= self.models || params.len() < self.models * self.p {
            return false;
        }
        if self.edges.is_empty() {
            self.edges = vec![EdgeFn::Spline; self.models * self.n_edges()];
        }
        let k = m * self.n_edges() + self.edge_base(layer) + i * l.o + j;
        self.edges[k] = f;
        if f != EdgeFn::Spline {
            let pm = &mut params[m * self.p..(m + 1) * self.p];
            pm[l.wb_off() + i * l.o + j] = 0.0;
            pm[l.ws_off() + i * l.o + j] = 0.0;
            pm[l.coef_off(i, j)..][..l.n_basis()].fill(0.0);
        }
        true
    }
    /// The learning-rate mask: [`KanLayout::lr_mask`] ([P]) while every edge is a spline, else
    /// [M, P] with the spline parameters of snapped and pruned edges frozen too.
    pub fn lr_mask_models(&self) -> Vec<f32> {
        let base = self.lr_mask();
        if !self.has_fixed() {
            return base;
        }
        let mut out = base.repeat(self.models);
        for m in 0..self.models {
            for (li, l) in self.layers.iter().enumerate() {
                for i in 0..l.i {
                    for j in 0..l.o {
                        if self.edge(m, li, i, j) != EdgeFn::Spline {
                            let pm = &mut out[m * self.p..(m + 1) * self.p];
                            pm[l.wb_off() + i * l.o + j] = 0.0;
                            pm[l.ws_off() + i * l.o + j] = 0.0;
                            pm[l.coef_off(i, j)..][..l.n_basis()].fill(0.0);
                        }
                    }
                }
            }
        }
        out
    }
}

/// The spline branch of edge i → j at x for one model's parameters `pm`:
/// w_b·silu(x) + w_s·S(x), S the layer's basis branch (Σ c B(x) for B-splines).
pub fn spline_phi(l: &KanLayer, pm: &[f32], i: usize, j: usize, x: f32) -> f32 {
    let mut at = At::default();
    l.prep_in(pm, i, x, &mut at, false);
    let s = l.branch(&at, &pm[l.coef_off(i, j)..][..l.n_basis()]);
    pm[l.wb_off() + i * l.o + j] * silu(x) + pm[l.ws_off() + i * l.o + j] * s
}

/// φ of edge i → j of `layer` in model `m` at x: the spline branch plus the symbolic term.
pub fn edge_phi(layout: &KanLayout, params: &[f32], m: usize, layer: usize, i: usize, j: usize, x: f32) -> f32 {
    let l = &layout.layers[layer];
    let pm = &params[m * layout.p..(m + 1) * layout.p];
    let s = spline_phi(l, pm, i, j, x);
    match layout.edge(m, layer, i, j) {
        EdgeFn::Symbolic(f) => s + f.eval(x),
        _ => s,
    }
}

/// Adds the symbolic edges of `layer` to its output: out[m, r, j] += c·f(a·x[m, r, i] + b) + d
/// (same buffers as `kan_fwd`). A no-op while no edge is snapped.
pub fn sym_fwd(layout: &KanLayout, layer: usize, bt: Batch, x: &[f32], out: &mut [f32]) {
    if !layout.has_fixed() {
        return;
    }
    let l = &layout.layers[layer];
    for m in 0..bt.models {
        for i in 0..l.i {
            for j in 0..l.o {
                if let EdgeFn::Symbolic(f) = layout.edge(m, layer, i, j) {
                    for r in 0..bt.rows {
                        out[(m * bt.rows + r) * l.o + j] += f.eval(x[m * bt.x_stride_m + r * l.i + i]);
                    }
                }
            }
        }
    }
}

/// Adds the symbolic edges' input gradient: dx[m, r, i] += Σ_j dout[m, r, j]·c·a·f′(a·x + b).
pub fn sym_bwd(layout: &KanLayout, layer: usize, bt: Batch, x: &[f32], dout: &[f32], dx: &mut [f32]) {
    if !layout.has_fixed() {
        return;
    }
    let l = &layout.layers[layer];
    for m in 0..bt.models {
        for i in 0..l.i {
            for j in 0..l.o {
                if let EdgeFn::Symbolic(f) = layout.edge(m, layer, i, j) {
                    for r in 0..bt.rows {
                        let xv = x[m * bt.x_stride_m + r * l.i + i];
                        dx[(m * bt.rows + r) * l.i + i] += dout[(m * bt.rows + r) * l.o + j] * f.grad(xv);
                    }
                }
            }
        }
    }
}
