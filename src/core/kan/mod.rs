//! Kolmogorov–Arnold Networks (Liu et al. 2024, "KAN: Kolmogorov–Arnold Networks"; pykan):
//! every edge of a layer carries a learned 1-D function φ(x) = w_b·silu(x) + w_s·Σ_j c_j B_j(x),
//! B-splines of order k on G grid intervals ([`bspline`]), nodes sum their incoming edges plus
//! a bias. This module is the plain-Rust reference: the parameter layout, initialization, the
//! layer ops ([`layer`]) and grid update / refinement by least squares ([`refine`]).
//!
//! Parameters of one layer I → O, per model, in this order: the extended grid of each input
//! [I, T] (T = G + 2k + 1 knots; stored with the weights so one buffer describes the model, but
//! never trained: learning-rate and decay masks 0), w_b [I, O], w_s [I, O], c [I, O, G + k],
//! bias [O]. Model m starts at m·P, as for MLPs.
//!
//! Initialization (pykan `KANLayer`, variance preserving in the sense of the Kolmogorov–Arnold
//! Transformer, Yang & Wang 2024: each node's output variance stays O(1) whatever I): the grid
//! uniform on [−1, 1]; w_b ~ U(−1, 1)/√I; w_s = 1/√I; c_j ~ U(−½, ½)·0.3/G (pykan's
//! `noise_scale` 0.3, drawn directly instead of fitted to noise at the grid points); bias 0.
//! The `relu` basis ([`basis`]) is initialized the same way (its bumps, like the B-splines, are
//! O(1) and local). The `rational` basis follows KAT's variance-preserving initialization
//! (Yang & Wang 2024, §4.3): P/Q starts near the identity (a_1 = 1; the other a_j and every b_n
//! ~ U(−½, ½)·0.1, so sgn(A) ≠ 0 and b gets gradients), then for out = Σ_i w_s·F(x_i),
//! Var(out) = I·Var(w_s)·E[F(x)²] equals E[x²] when Var(w_s) = 1/(I·α), α = E[F(x)²]/E[x²]
//! (x uniform on the grid range [−1, 1]; w_s ~ U(−√3, √3)·√(1/(I·α))); w_b as above. This is
//! for the new bases only: the B-spline default is unchanged bit for bit.
//!
//! The `relu` and `rational` bases ([`KanLayout::with_basis`]) keep this layout; a rational
//! edge has [`basis::RAT_COEFS`] coefficients and its grid is never read but for the range its
//! curve is drawn on.

pub mod analysis;
pub mod basis;
pub mod bspline;
pub mod edges;
pub mod formula;
pub mod layer;
pub mod prune;
pub mod refine;
pub mod reg;
pub mod symbolic;

use super::ops::HeadKind;
use super::rng::{stream, Rng};
pub use basis::Basis;
pub use edges::EdgeFn;
pub use layer::{kan_bwd, kan_fwd, Batch};

/// One KAN layer's shape and place in the parameter buffer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KanLayer {
    pub i: usize,
    pub o: usize,
    /// Grid intervals G.
    pub g: usize,
    /// Spline order k.
    pub k: usize,
    /// Offset of the layer in a model's parameters.
    pub off: usize,
    /// The edges' basis ([`basis`]).
    pub basis: Basis,
}

impl KanLayer {
    pub fn n_knots(&self) -> usize {
        bspline::n_knots(self.g, self.k)
    }
    /// Coefficients per edge: G + k for the grid bases, [`basis::RAT_COEFS`] for `rational`.
    pub fn n_basis(&self) -> usize {
        match self.basis {
            Basis::Rational => basis::RAT_COEFS,
            _ => bspline::n_basis(self.g, self.k),
        }
    }
    /// Parameters of the layer (grid included).
    pub fn size(&self) -> usize {
        self.i * self.n_knots() + 2 * self.i * self.o + self.i * self.o * self.n_basis() + self.o
    }
    pub fn grid_off(&self, i: usize) -> usize {
        self.off + i * self.n_knots()
    }
    pub fn wb_off(&self) -> usize {
        self.off + self.i * self.n_knots()
    }
    pub fn ws_off(&self) -> usize {
        self.wb_off() + self.i * self.o
    }
    pub fn coef_off(&self, i: usize, o: usize) -> usize {
        self.ws_off() + self.i * self.o + (i * self.o + o) * self.n_basis()
    }
    pub fn bias_off(&self) -> usize {
        self.coef_off(self.i - 1, self.o - 1) + self.n_basis()
    }
}

/// Grid intervals and spline order limits (URL `grid`, `order`).
pub const GRID: (usize, usize) = (3, 100);
pub const ORDER: (usize, usize) = (1, 5);

/// A KAN of any shape for M models.
#[derive(Clone, Debug, PartialEq)]
pub struct KanLayout {
    pub layers: Vec<KanLayer>,
    /// Parameters per model.
    pub p: usize,
    pub models: usize,
    /// Loss head: the last layer's output goes through tanh for `Tanh`.
    pub head: HeadKind,
    /// Snapped and pruned edges, [M, E] ([`edges`]); empty while every edge is a spline.
    pub edges: Vec<EdgeFn>,
}

impl KanLayout {
    /// Widths from input to output (each ≥ 1), `g` intervals, order `k` (clamped to
    /// [`GRID`], [`ORDER`]).
    pub fn new(widths: &[usize], g: usize, k: usize, head: HeadKind, models: usize) -> Self {
        let (g, k) = (g.clamp(GRID.0, GRID.1), k.clamp(ORDER.0, ORDER.1));
        let mut off = 0;
        let layers = widths
            .windows(2)
            .map(|w| {
                let l = KanLayer { i: w[0].max(1), o: w[1].max(1), g, k, off, basis: Basis::Bspline };
                off += l.size();
                l
            })
            .collect();
        KanLayout { layers, p: off, models, head, edges: Vec::new() }
    }
    /// The same shape with every edge on `basis` (offsets and P recomputed; edges reset).
    pub fn with_basis(mut self, basis: Basis) -> Self {
        let mut off = 0;
        for l in &mut self.layers {
            l.basis = basis;
            l.off = off;
            off += l.size();
        }
        self.p = off;
        self.edges.clear();
        self
    }
    /// The edges' basis (that of the first layer; every layer shares it).
    pub fn basis(&self) -> Basis {
        self.layers.first().map_or(Basis::Bspline, |l| l.basis)
    }
    pub fn inputs(&self) -> usize {
        self.layers.first().map_or(0, |l| l.i)
    }
    pub fn outputs(&self) -> usize {
        self.layers.last().map_or(0, |l| l.o)
    }
    /// Trainable parameters per model (the grid excluded), for parameter-matched comparisons.
    pub fn trainable(&self) -> usize {
        self.layers.iter().map(|l| l.size() - l.i * l.n_knots()).sum()
    }
    /// 1 where the optimizer may move a parameter (everything but the grid), [P].
    pub fn lr_mask(&self) -> Vec<f32> {
        let mut m = vec![1.0; self.p];
        for l in &self.layers {
            m[l.off..l.wb_off()].fill(0.0);
        }
        m
    }
    /// 1 on w_b, w_s and c (L1, L2 and weight decay act there), 0 on grids and biases, [P].
    pub fn decay_mask(&self) -> Vec<f32> {
        let mut m = self.lr_mask();
        for l in &self.layers {
            m[l.bias_off()..l.bias_off() + l.o].fill(0.0);
        }
        m
    }

    /// Initial parameters [M, P] (module doc); model m draws from the `INIT` stream of seed + m.
    pub fn init(&self, seed: u64) -> Vec<f32> {
        let mut out = vec![0.0; self.models * self.p];
        for (m, pm) in out.chunks_mut(self.p.max(1)).enumerate() {
            let mut r = Rng::new(seed.wrapping_add(m as u64), stream::INIT);
            for l in &self.layers {
                let t = bspline::uniform(-1.0, 1.0, l.g, l.k);
                let scale = 1.0 / (l.i as f64).sqrt();
                for i in 0..l.i {
                    pm[l.grid_off(i)..][..t.len()].copy_from_slice(&t);
                }
                for j in 0..l.i * l.o {
                    pm[l.wb_off() + j] = (r.range(-1.0, 1.0) * scale) as f32;
                    pm[l.ws_off() + j] = scale as f32;
                }
                if l.basis == Basis::Rational {
                    // KAT's variance-preserving init (module doc): F ≈ identity, then
                    // Var(w_s) = 1/(I·α) with α = E[F²]/E[x²] on the grid range.
                    for e in 0..l.i * l.o {
                        let alpha =
                            basis::rational_init(&mut r, &mut pm[l.coef_off(0, 0) + e * l.n_basis()..][..l.n_basis()]);
                        let sd = (1.0 / (l.i as f64 * alpha)).sqrt();
                        pm[l.ws_off() + e] = (r.range(-1.0, 1.0) * 3f64.sqrt() * sd) as f32;
                    }
                    continue;
                }
                let n = l.i * l.o * l.n_basis();
                for j in 0..n {
                    pm[l.coef_off(0, 0) + j] = ((r.uniform() - 0.5) * 0.3 / l.g as f64) as f32;
                }
            }
        }
        out
    }

    /// Every layer's output for inputs `x` [N, I] shared by all models: acts[l] is [M, N, O_l]
    /// (snapped edges included); the last goes through tanh for the `Tanh` head.
    pub fn forward(&self, params: &[f32], x: &[f32], n: usize) -> Vec<Vec<f32>> {
        let mut acts: Vec<Vec<f32>> = Vec::with_capacity(self.layers.len());
        for (li, l) in self.layers.iter().enumerate() {
            let mut out = vec![0.0; self.models * n * l.o];
            let (input, stride) = if li == 0 { (x, 0) } else { (&acts[li - 1][..], n * l.i) };
            let bt = Batch { models: self.models, rows: n, x_stride_m: stride, p: self.p };
            kan_fwd(l, bt, input, params, &mut out);
            edges::sym_fwd(self, li, bt, input, &mut out);
            acts.push(out);
        }
        if self.head == HeadKind::Tanh {
            if let Some(last) = acts.last_mut() {
                last.iter_mut().for_each(|v| *v = v.tanh());
            }
        }
        acts
    }
}
