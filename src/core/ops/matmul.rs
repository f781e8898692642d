//! A strided matrix product with the leading model axis of every op (DESIGN.md §3): the
//! parameter × parameter "table" products of PAIR's factored embedding MLP (Pearce et al. 2023,
//! `core::tfm::pair`: E·W_h, W_o·Eᵀ and their gradients), whose operands sit at arbitrary
//! offsets of the flat parameters or gradients, some read transposed. Its WGSL twin is
//! `shaders/matmul.wgsl` (`gpu::tfm`), which sums in the same order.
//!
//! out[m, r, c] (=, or += with `acc`) Σ_{k = 0, 1, …} A_m[r, k]·B_m[k, c], each sum started at
//! +0 with the terms whose A is exactly 0 skipped (as `core::tfm::pair`'s products do; a skipped
//! term adds ±0, so only the sign of an all-zero sum can differ from a dot product's).
//! The backward of out = A·B is itself two such products: dA = dout·Bᵀ, dB = Aᵀ·dout.

/// Where one operand of [`mm`] lives in its flat buffer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Operand {
    /// Offset of model 0's matrix.
    pub off: usize,
    /// Elements between models (0 = shared by all models).
    pub stride_m: usize,
    /// Stored transposed: A [r, k] read from a row-major [k, r] (B [k, c] from [c, k]).
    pub t: bool,
}

/// Shapes and operands of [`mm`]: A [r, k], B [k, c], out [r, c] (row-major; `out.t` unused).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MmDims {
    pub m: usize,
    pub r: usize,
    pub k: usize,
    pub c: usize,
    pub a: Operand,
    pub b: Operand,
    pub out: Operand,
    /// Add the product onto out instead of overwriting it.
    pub acc: bool,
}

impl MmDims {
    /// Index of A_m[r, k] in A's buffer.
    pub fn a_at(&self, m: usize, r: usize, k: usize) -> usize {
        let a = &self.a;
        m * a.stride_m + a.off + if a.t { k * self.r + r } else { r * self.k + k }
    }
    /// Index of B_m[k, c] in B's buffer.
    pub fn b_at(&self, m: usize, k: usize, c: usize) -> usize {
        let b = &self.b;
        m * b.stride_m + b.off + if b.t { c * self.k + k } else { k * self.c + c }
    }
    /// Index of out_m[r, c].
    pub fn out_at(&self, m: usize, r: usize, c: usize) -> usize {
        m * self.out.stride_m + self.out.off + r * self.c + c
    }
    /// Elements a buffer needs to hold each operand for all models: (A, B, out).
    pub fn lens(&self) -> (usize, usize, usize) {
        let end = |o: &Operand, n: usize| if n == 0 { 0 } else { (self.m - 1) * o.stride_m + o.off + n };
        (end(&self.a, self.r * self.k), end(&self.b, self.k * self.c), end(&self.out, self.r * self.c))
    }
}

/// out = A·B (or out += A·B), see the module doc. Out-of-range shapes panic like slices do;
/// callers size the buffers with [`MmDims::lens`].
pub fn mm(d: &MmDims, a: &[f32], b: &[f32], out: &mut [f32]) {
    for m in 0..d.m {
        for r in 0..d.r {
            for c in 0..d.c {
                let mut s = 0.0f32;
                for k in 0..d.k {
                    let x = a[d.a_at(m, r, k)];
                    if x != 0.0 {
                        s += x * b[d.b_at(m, k, c)];
                    }
                }
                let o = &mut out[d.out_at(m, r, c)];
                *o = if d.acc { *o + s } else { s };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::check::check_grad;
    use crate::core::rng::Rng;

    fn rand(r: &mut Rng, n: usize) -> Vec<f32> {
        (0..n).map(|_| r.range(-1.0, 1.0) as f32).collect()
    }

    #[test]
    fn hand_values_offsets_and_transposes() {
        // A = [[1, 2], [3, 4]], B = [[5, 6], [7, 8]]: A·B = [[19, 22], [43, 50]].
        let (a, b) = ([9.0, 1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]);
        let base = MmDims { m: 1, r: 2, k: 2, c: 2, a: Operand { off: 1, ..Default::default() }, ..Default::default() };
        let mut out = vec![0.0; 4];
        mm(&base, &a, &b, &mut out);
        assert_eq!(out, [19.0, 22.0, 43.0, 50.0]);
        // Aᵀ·B (A read from [k, r]) = [[26, 30], [38, 44]]; then + Aᵀ·Bᵀ = [[23, 31], [34, 46]].
        let at = MmDims { a: Operand { off: 1, t: true, ..Default::default() }, ..base };
        mm(&at, &a, &b, &mut out);
        assert_eq!(out, [26.0, 30.0, 38.0, 44.0]);
        let both = MmDims { b: Operand { t: true, ..Default::default() }, acc: true, ..at };
        mm(&both, &a, &b, &mut out);
        assert_eq!(out, [49.0, 61.0, 72.0, 90.0]);
        // Two models, B shared (stride 0), out at an offset.
        let two = MmDims { m: 2, r: 1, k: 2, c: 1, a: Operand { stride_m: 2, ..Default::default() }, ..base };
        let two = MmDims { out: Operand { off: 1, stride_m: 1, t: false }, ..two };
        let mut out = vec![0.0; 3];
        mm(&two, &[1.0, 2.0, 3.0, 4.0], &[10.0, 100.0], &mut out);
        assert_eq!(out, [0.0, 210.0, 430.0]);
        assert_eq!(two.lens(), (4, 2, 3));
    }

    /// The backward of out = A·B written as products of this op (dA = dout·Bᵀ, dB = Aᵀ·dout,
    /// as `gpu::tfm`'s PAIR backward uses them) against finite differences of L = Σ w ⊙ out.
    #[test]
    fn gradients_as_products_match_finite_differences() {
        let mut rng = Rng::new(7, 1);
        let (m, r, k, c) = (2, 3, 4, 5);
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let d = MmDims {
                m,
                r,
                k,
                c,
                a: Operand { off: 1, stride_m: r * k + 2, t: ta },
                b: Operand { off: 0, stride_m: k * c, t: tb },
                out: Operand { off: 0, stride_m: r * c, t: false },
                acc: false,
            };
            let (la, lb, lo) = d.lens();
            let (a, b, w) = (rand(&mut rng, la), rand(&mut rng, lb), rand(&mut rng, lo));
            let loss = |a: &[f32], b: &[f32]| {
                let mut out = vec![0.0; lo];
                mm(&d, a, b, &mut out);
                out.iter().zip(&w).map(|(&o, &v)| o as f64 * v as f64).sum::<f64>()
            };
            // dA [r, k] = w·Bᵀ, written through A's own layout (transposed when A is).
            let mut ga = vec![0.0; la];
            let da = MmDims {
                k: c,
                c: k,
                a: Operand { t: false, ..d.out },
                b: Operand { t: !tb, ..d.b },
                out: Operand { t: false, ..d.a },
                ..d
            };
            if ta {
                // dAᵀ [k, r] = B·wᵀ.
                let dat = MmDims {
                    r: k,
                    k: c,
                    c: r,
                    a: Operand { t: tb, ..d.b },
                    b: Operand { t: true, ..d.out },
                    out: Operand { t: false, ..d.a },
                    ..d
                };
                mm(&dat, &b, &w, &mut ga);
            } else {
                mm(&da, &w, &b, &mut ga);
            }
            check_grad(&format!("mm dA ta {ta} tb {tb}"), &|x| loss(x, &b), &a, &ga, 2e-3, 2e-3).unwrap();
            // dB [k, c] = Aᵀ·w, or dBᵀ [c, k] = wᵀ·A when B is stored transposed.
            let mut gb = vec![0.0; lb];
            let out_b = Operand { t: false, ..d.b };
            if tb {
                let a2 = Operand { t: true, ..d.out };
                let dbt = MmDims { r: c, k: r, c: k, a: a2, b: Operand { t: ta, ..d.a }, out: out_b, ..d };
                mm(&dbt, &w, &a, &mut gb);
            } else {
                let db = MmDims { r: k, k: r, c, a: Operand { t: !ta, ..d.a }, b: d.out, out: out_b, ..d };
                mm(&db, &a, &w, &mut gb);
            }
            check_grad(&format!("mm dB ta {ta} tb {tb}"), &|x| loss(&a, x), &b, &gb, 2e-3, 2e-3).unwrap();
        }
    }
}
