//! Causal multi-head scaled dot-product attention, forward and backward, in plain Rust: the
//! reference of `shaders/attention.wgsl` (Vaswani et al. 2017, "Attention Is All You Need";
//! the one-layer grokking transformer of Nanda et al. 2023 uses exactly this block).
//!
//! Shapes (row-major): q, k, v, out: [batch, seq, heads·d_head] (head h owns the columns
//! h·d_head..(h+1)·d_head of each token); probs: [batch, heads, seq, seq].
//! Forward, for each (b, h, query i): s_j = (q_i·k_j)/√d_head for j ≤ i (causal mask: key j > i
//! gets probability 0), p = softmax(s) computed max-subtracted, out_i = Σ_j p_j v_j.
//! Backward (given the stored p): dv_j = Σ_i p_ij dout_i, dp_ij = dout_i·v_j,
//! ds_ij = p_ij (dp_ij − Σ_j' p_ij' dp_ij'), dq_i = Σ_j ds_ij k_j/√d, dk_j = Σ_i ds_ij q_i/√d.
//! dq, dk, dv are overwritten (not accumulated). Sums run in f32, in the order the WGSL kernel
//! uses, so GPU parity can be tight.

/// Shapes of one attention call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attn {
    pub batch: usize,
    pub seq: usize,
    pub heads: usize,
    pub d_head: usize,
}

impl Attn {
    /// heads · d_head: the width of a token row of q, k, v and out.
    pub fn width(&self) -> usize {
        self.heads * self.d_head
    }
    /// Elements of q, k, v, out: batch · seq · heads · d_head.
    pub fn qkv_len(&self) -> usize {
        self.batch * self.seq * self.width()
    }
    /// Elements of probs: batch · heads · seq².
    pub fn probs_len(&self) -> usize {
        self.batch * self.heads * self.seq * self.seq
    }
    /// 1/√d_head (1 when d_head = 0, which has nothing to scale).
    pub fn scale(&self) -> f32 {
        1.0 / (self.d_head.max(1) as f32).sqrt()
    }
    /// `Err` naming the first slice whose length does not fit these shapes.
    pub fn check(&self, qkv: &[(&str, usize)], probs: usize) -> Result<(), String> {
        for &(name, n) in qkv {
            if n != self.qkv_len() {
                return Err(format!("attention {self:?}: {name} has {n} elements, want {}", self.qkv_len()));
            }
        }
        if probs != self.probs_len() {
            return Err(format!("attention {self:?}: probs has {probs} elements, want {}", self.probs_len()));
        }
        Ok(())
    }
}

/// Mismatched shapes are a caller bug that must not panic the page: the outputs become NaN
/// (which the divergence detection of training reports) and the message goes to stderr.
fn poison(msg: &str, outs: &mut [&mut [f32]]) {
    eprintln!("{msg}");
    for o in outs.iter_mut() {
        o.fill(f32::NAN);
    }
}

/// Causal attention forward: writes probs [batch, heads, seq, seq] (zeros above the diagonal)
/// and out [batch, seq, heads·d_head].
pub fn attn_fwd(a: &Attn, q: &[f32], k: &[f32], v: &[f32], probs: &mut [f32], out: &mut [f32]) {
    let lens = [("q", q.len()), ("k", k.len()), ("v", v.len()), ("out", out.len())];
    if let Err(e) = a.check(&lens, probs.len()) {
        return poison(&e, &mut [probs, out]);
    }
    let (t, w, dh, sc) = (a.seq, a.width(), a.d_head, a.scale());
    for b in 0..a.batch {
        for h in 0..a.heads {
            for i in 0..t {
                let qi = &q[(b * t + i) * w + h * dh..][..dh];
                let p = &mut probs[((b * a.heads + h) * t + i) * t..][..t];
                let mut mx = f32::NEG_INFINITY;
                for j in 0..=i {
                    let kj = &k[(b * t + j) * w + h * dh..][..dh];
                    let s = qi.iter().zip(kj).fold(0.0f32, |acc, (x, y)| acc + x * y) * sc;
                    p[j] = s;
                    mx = mx.max(s);
                }
                let mut sum = 0.0f32;
                for pj in &mut p[..=i] {
                    *pj = (*pj - mx).exp();
                    sum += *pj;
                }
                let inv = 1.0 / sum;
                for pj in &mut p[..=i] {
                    *pj *= inv;
                }
                p[i + 1..].fill(0.0);
                let o = &mut out[(b * t + i) * w + h * dh..][..dh];
                for (c, oc) in o.iter_mut().enumerate() {
                    let mut acc = 0.0f32;
                    for (j, &pj) in p[..=i].iter().enumerate() {
                        acc += pj * v[(b * t + j) * w + h * dh + c];
                    }
                    *oc = acc;
                }
            }
        }
    }
}

/// Causal attention backward from the probs of [`attn_fwd`] and dout: writes dq, dk, dv
/// (all [batch, seq, heads·d_head], overwritten).
#[allow(clippy::too_many_arguments)]
pub fn attn_bwd(
    a: &Attn,
    q: &[f32],
    k: &[f32],
    v: &[f32],
    probs: &[f32],
    dout: &[f32],
    dq: &mut [f32],
    dk: &mut [f32],
    dv: &mut [f32],
) {
    let lens = [
        ("q", q.len()),
        ("k", k.len()),
        ("v", v.len()),
        ("dout", dout.len()),
        ("dq", dq.len()),
        ("dk", dk.len()),
        ("dv", dv.len()),
    ];
    if let Err(e) = a.check(&lens, probs.len()) {
        return poison(&e, &mut [dq, dk, dv]);
    }
    let (t, w, dh, sc) = (a.seq, a.width(), a.d_head, a.scale());
    let mut ds = vec![0.0f32; t * t];
    for b in 0..a.batch {
        for h in 0..a.heads {
            let p = &probs[(b * a.heads + h) * t * t..][..t * t];
            let row = |i: usize| (b * t + i) * w + h * dh;
            // ds[i, j] = p_ij (dp_ij − Σ_j' p_ij' dp_ij'), dp_ij = dout_i · v_j.
            for i in 0..t {
                let doi = &dout[row(i)..][..dh];
                let mut dot = 0.0f32;
                for j in 0..=i {
                    let vj = &v[row(j)..][..dh];
                    let dp = doi.iter().zip(vj).fold(0.0f32, |acc, (x, y)| acc + x * y);
                    ds[i * t + j] = dp;
                    dot += p[i * t + j] * dp;
                }
                for j in 0..=i {
                    ds[i * t + j] = p[i * t + j] * (ds[i * t + j] - dot);
                }
            }
            for i in 0..t {
                let r = row(i);
                for c in 0..dh {
                    // dq_i = Σ_{j ≤ i} ds_ij k_j · scale
                    let mut acc = 0.0f32;
                    for j in 0..=i {
                        acc += ds[i * t + j] * k[row(j) + c];
                    }
                    dq[r + c] = acc * sc;
                    // dk_i = Σ_{i' ≥ i} ds_i'i q_i' · scale;  dv_i = Σ_{i' ≥ i} p_i'i dout_i'
                    let (mut ak, mut av) = (0.0f32, 0.0f32);
                    for i2 in i..t {
                        ak += ds[i2 * t + i] * q[row(i2) + c];
                        av += p[i2 * t + i] * dout[row(i2) + c];
                    }
                    dk[r + c] = ak * sc;
                    dv[r + c] = av;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_token_copies_v_and_two_tokens_by_hand() {
        // seq 1: the only key gets probability 1, out = v.
        let a = Attn { batch: 1, seq: 1, heads: 1, d_head: 2 };
        let (mut p, mut o) = (vec![0.0; 1], vec![0.0; 2]);
        attn_fwd(&a, &[1.0, 2.0], &[3.0, -1.0], &[0.5, -0.25], &mut p, &mut o);
        assert_eq!((p, o), (vec![1.0], vec![0.5, -0.25]));
        // seq 2, d_head 1 (scale 1): token 1 sees s = (q1k0, q1k1) = (0, ln 3) → p = (1/4, 3/4).
        let a = Attn { batch: 1, seq: 2, heads: 1, d_head: 1 };
        let (q, k, v) = ([1.0, 1.0], [0.0, 3f32.ln()], [4.0, 8.0]);
        let (mut p, mut o) = (vec![9.0; 4], vec![0.0; 2]);
        attn_fwd(&a, &q, &k, &v, &mut p, &mut o);
        let want = [1.0, 0.0, 0.25, 0.75];
        assert!(p.iter().zip(want).all(|(x, y)| (x - y).abs() < 1e-6), "{p:?}");
        assert!((o[0] - 4.0).abs() < 1e-6 && (o[1] - 7.0).abs() < 1e-5, "{o:?}");
    }

    #[test]
    fn wrong_lengths_poison_instead_of_panicking() {
        let a = Attn { batch: 1, seq: 2, heads: 1, d_head: 2 };
        let (mut p, mut o) = (vec![0.0; 4], vec![0.0; 4]);
        attn_fwd(&a, &[0.0; 3], &[0.0; 4], &[0.0; 4], &mut p, &mut o);
        assert!(o.iter().chain(&p).all(|x| x.is_nan()));
    }
}
