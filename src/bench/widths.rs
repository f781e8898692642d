//! P4's width sweep: 64 widths of a 2-layer MLP trained together as ONE padded model batch.
//! Every model is laid out at the widest width; model k's init is the Glorot init of its own
//! narrow net, embedded, with the extra units' weights and biases zero. With tanh or relu
//! (act(0) = 0), zero units stay exactly zero under SGD/Adam (their gradients are 0·… = 0), and
//! every sum only gains +0 terms, so a padded model trains bit-for-bit like its narrow self.

use crate::core::mlp::Layout;

/// The sweep's hidden widths: 64 values evenly spaced from 1 to 512.
pub fn sweep() -> Vec<usize> {
    (0..64).map(|k| 1 + (511 * k + 31) / 63).collect()
}

/// Copy the parameters `np` of `narrow` (one model) into model slot `m` of `wide` (`out`: [M, P]):
/// each layer's W[i, o] and bias[o] for the narrow i, o; everything else is left as it is (zero).
pub fn embed(narrow: &Layout, np: &[f32], wide: &Layout, m: usize, out: &mut [f32]) {
    let base = m * wide.p;
    for (n, w) in narrow.layers.iter().zip(&wide.layers) {
        for i in 0..n.i {
            for o in 0..n.o {
                out[base + w.w_off + i * w.o + o] = np[n.w_off + i * n.o + o];
            }
        }
        for o in 0..n.o {
            out[base + w.b_off + o] = np[n.b_off + o];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ops::Act;
    use crate::experiment::Loss;

    #[test]
    fn sweep_spans_1_to_512() {
        let s = sweep();
        assert_eq!((s.len(), s[0], s[63]), (64, 1, 512));
        assert!(s.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn embedded_model_computes_the_narrow_function() {
        let narrow = Layout::new(&[2, 3, 1], Act::Tanh, Loss::Mse, 1);
        let wide = Layout::new(&[2, 7, 1], Act::Tanh, Loss::Mse, 2);
        let np = narrow.init(5);
        let mut wp = vec![0.0; 2 * wide.p];
        embed(&narrow, &np, &wide, 1, &mut wp);
        let x = [0.3, -1.2, 2.0, 0.5];
        let a = narrow.forward(&np, &x, 2);
        let b = wide.forward(&wp, &x, 2);
        let (a, b) = (a.last().unwrap(), b.last().unwrap());
        assert_eq!(&b[2..4], &a[..], "model 1 of the padded batch");
        assert_eq!(&b[0..2], &[0.0, 0.0], "model 0 is all zeros");
    }

    /// Trained on the CPU, model 0 of the padded sweep (width 1 inside 512) tracks a width-1
    /// run of its own bit for bit, and every padded unit of every model stays exactly zero.
    #[test]
    fn padded_sweep_trains_like_its_members() {
        use crate::bench::{session, workload, Part};
        let w = workload("P4-widths").expect("workload");
        let mut all = session(&w, Part::All, None).expect("cpu session");
        let mut one = session(&w, Part::Member(0), None).expect("cpu session");
        all.train(30);
        one.train(30);
        let (pa, _, _) = params(all.backend.as_mut());
        let (p1, _, _) = params(one.backend.as_mut());
        let (wide, narrow) = (w.layout(64), w.part_setup(Part::Member(0)).layout);
        let mut expect = vec![0.0; wide.p];
        embed(&narrow, &p1, &wide, 0, &mut expect);
        assert!(p1.iter().all(|v| v.is_finite()) && expect.iter().any(|&v| v != 0.0));
        assert_eq!(&pa[..wide.p], &expect[..], "model 0 = its own width-1 run");
        let sweep = sweep();
        for (k, &width) in sweep.iter().enumerate() {
            let m = &pa[k * wide.p..(k + 1) * wide.p];
            let (l0, l1) = (&wide.layers[0], &wide.layers[1]);
            for o in width..l0.o {
                assert_eq!((m[l0.w_off + o], m[l0.w_off + l0.o + o], m[l0.b_off + o]), (0.0, 0.0, 0.0));
                assert_eq!(m[l1.w_off + o], 0.0, "model {k} unit {o}");
            }
        }
    }

    fn params(b: &mut dyn crate::engine::Backend) -> crate::engine::ParamState {
        assert!(b.request_params());
        b.poll_params().expect("cpu params are ready at once").expect("cpu params")
    }
}
