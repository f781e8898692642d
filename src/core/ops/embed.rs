//! Embedding lookup (gather) and its backward (scatter-add), with the leading model axis of
//! every op (DESIGN.md §3): the token and position embeddings of the transformer (Vaswani et al.
//! 2017; Nanda et al. 2023, "Progress measures for grokking via mechanistic interpretability")
//! and the tied, summed embedding of PAIR's MLP ("Do Machine Learning Models Memorize or
//! Generalize?", Pearce et al. 2023: ReLU(a·W_in + b·W_in)·W_out, i.e. E[a] + E[b]).
//!
//! Each output row sums `k` table rows: out[m, r, :] = Σ_{s<k} E_m[ids[m, r, s], :]
//! (k = 1: a plain lookup; k = 2: E[a] + E[b]). Ids outside the table add nothing (a bad token
//! never panics; the data never makes one).

/// Shapes and the table's place in the flat parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmbedDims {
    /// Models M.
    pub m: usize,
    /// Output rows per model.
    pub rows: usize,
    /// Ids summed into each output row.
    pub k: usize,
    /// Embedding width.
    pub d: usize,
    /// Table rows (vocabulary size).
    pub vocab: usize,
    /// Parameters per model; the table of model m is at `m * p_stride + off`, [vocab, d].
    pub p_stride: usize,
    pub off: usize,
    /// Ids between models: `rows * k`, or 0 when all models read the same ids.
    pub ids_stride_m: usize,
}

impl EmbedDims {
    /// The ids of model `m`, row `r`.
    fn ids<'a>(&self, ids: &'a [u32], m: usize, r: usize) -> &'a [u32] {
        &ids[m * self.ids_stride_m + r * self.k..][..self.k]
    }
}

/// out[m, r, :] = Σ_s E_m[ids[m, r, s], :] (or `+=` when `add`; the sum starts from the row's
/// current value, s = 0, 1, … in order). out: [M, rows, d].
pub fn embed_fwd(e: &EmbedDims, ids: &[u32], params: &[f32], out: &mut [f32], add: bool) {
    for m in 0..e.m {
        let table = &params[m * e.p_stride + e.off..][..e.vocab * e.d];
        for r in 0..e.rows {
            let o = &mut out[(m * e.rows + r) * e.d..][..e.d];
            if !add {
                o.fill(0.0);
            }
            for &id in e.ids(ids, m, r) {
                let id = id as usize;
                if id < e.vocab {
                    for (acc, &w) in o.iter_mut().zip(&table[id * e.d..][..e.d]) {
                        *acc += w;
                    }
                }
            }
        }
    }
}

/// dE_m[ids[m, r, s], :] += dout[m, r, :] for every row and slot (rows r = 0, 1, … in order).
/// Accumulates into `grads` (same layout as the parameters): zero the table's gradient first
/// when nothing else writes it.
pub fn embed_bwd(e: &EmbedDims, ids: &[u32], dout: &[f32], grads: &mut [f32]) {
    for m in 0..e.m {
        let table = &mut grads[m * e.p_stride + e.off..][..e.vocab * e.d];
        for r in 0..e.rows {
            let g = &dout[(m * e.rows + r) * e.d..][..e.d];
            for &id in e.ids(ids, m, r) {
                let id = id as usize;
                if id < e.vocab {
                    for (acc, &v) in table[id * e.d..][..e.d].iter_mut().zip(g) {
                        *acc += v;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gather_sums_rows_and_scatter_adds_back() {
        // Table [3, 2] of one model: rows (1, 2), (3, 4), (5, 6); ids (0, 2), (1, 1), (7, 2).
        let e = EmbedDims { m: 1, rows: 3, k: 2, d: 2, vocab: 3, p_stride: 6, off: 0, ids_stride_m: 0 };
        let params = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let ids = [0, 2, 1, 1, 7, 2];
        let mut out = vec![9.0; 6];
        embed_fwd(&e, &ids, &params, &mut out, false);
        assert_eq!(out, vec![6.0, 8.0, 6.0, 8.0, 5.0, 6.0]);
        embed_fwd(&e, &ids, &params, &mut out, true);
        assert_eq!(out, vec![12.0, 16.0, 12.0, 16.0, 10.0, 12.0]);
        let mut g = vec![0.0; 6];
        embed_bwd(&e, &ids, &[1.0, 0.0, 0.0, 1.0, 2.0, 2.0], &mut g);
        // Row 0 ← r0; row 1 ← r1 twice; row 2 ← r0 + r2 (id 7 is outside the table).
        assert_eq!(g, vec![1.0, 0.0, 0.0, 2.0, 3.0, 2.0]);
    }
}
