//! The `basis` key must not change the default: the B-spline path of `kan_fwd` / `kan_bwd`
//! (now through `KanLayer::prep` / `branch` / `branch_bwd`) gives the same bits as the layer code
//! before the bases existed, which this file keeps verbatim as a reference (`old_fwd`,
//! `old_bwd`: `bspline::basis`, then the coefficient sums in the same order).

use grokpad::core::kan::bspline::{basis, MAX_KNOTS};
use grokpad::core::kan::layer::{silu, silu_grad};
use grokpad::core::kan::{kan_bwd, kan_fwd, Batch, KanLayer, KanLayout};
use grokpad::core::ops::HeadKind;
use grokpad::core::rng::Rng;

fn old_fwd(l: &KanLayer, bt: Batch, x: &[f32], params: &[f32], out: &mut [f32]) {
    let (nb, nt) = (l.n_basis(), l.n_knots());
    let mut b = [0.0f32; MAX_KNOTS];
    for m in 0..bt.models {
        let pm = &params[m * bt.p..(m + 1) * bt.p];
        for r in 0..bt.rows {
            let o_row = &mut out[(m * bt.rows + r) * l.o..][..l.o];
            o_row.copy_from_slice(&pm[l.bias_off()..l.bias_off() + l.o]);
            for i in 0..l.i {
                let xv = x[m * bt.x_stride_m + r * l.i + i];
                basis(&pm[l.grid_off(i)..][..nt], l.k, xv, &mut b, None);
                let sx = silu(xv);
                for (o, acc) in o_row.iter_mut().enumerate() {
                    let c = &pm[l.coef_off(i, o)..][..nb];
                    let s: f32 = c.iter().zip(&b[..nb]).map(|(c, b)| c * b).sum();
                    *acc += pm[l.wb_off() + i * l.o + o] * sx + pm[l.ws_off() + i * l.o + o] * s;
                }
            }
        }
    }
}

fn old_bwd(l: &KanLayer, bt: Batch, x: &[f32], params: &[f32], dout: &[f32], grads: &mut [f32], dx: &mut [f32]) {
    let (nb, nt) = (l.n_basis(), l.n_knots());
    let (mut b, mut db) = ([0.0f32; MAX_KNOTS], [0.0f32; MAX_KNOTS]);
    for m in 0..bt.models {
        let pm = &params[m * bt.p..(m + 1) * bt.p];
        let gm = &mut grads[m * bt.p..(m + 1) * bt.p];
        gm[l.off..l.off + l.size()].fill(0.0);
        for r in 0..bt.rows {
            let d_row = &dout[(m * bt.rows + r) * l.o..][..l.o];
            for (o, &d) in d_row.iter().enumerate() {
                gm[l.bias_off() + o] += d;
            }
            for i in 0..l.i {
                let xv = x[m * bt.x_stride_m + r * l.i + i];
                basis(&pm[l.grid_off(i)..][..nt], l.k, xv, &mut b, Some(&mut db));
                let (sx, dsx) = (silu(xv), silu_grad(xv));
                let mut gx = 0.0f32;
                for (o, &d) in d_row.iter().enumerate() {
                    let c0 = l.coef_off(i, o);
                    let (wb, ws) = (pm[l.wb_off() + i * l.o + o], pm[l.ws_off() + i * l.o + o]);
                    let (mut s, mut ds) = (0.0f32, 0.0f32);
                    for j in 0..nb {
                        s += pm[c0 + j] * b[j];
                        ds += pm[c0 + j] * db[j];
                        gm[c0 + j] += d * ws * b[j];
                    }
                    gm[l.wb_off() + i * l.o + o] += d * sx;
                    gm[l.ws_off() + i * l.o + o] += d * s;
                    gx += d * (wb * dsx + ws * ds);
                }
                dx[(m * bt.rows + r) * l.i + i] = gx;
            }
        }
    }
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

#[test]
fn bspline_layer_is_bit_for_bit_unchanged() {
    for (k, g) in [(1, 3), (3, 5), (5, 11)] {
        let (m, b) = (2, 7);
        let l = KanLayout::new(&[3, 4], g, k, HeadKind::Regression, m);
        let ly = l.layers[0];
        let mut r = Rng::new(k as u64, g as u64);
        let mut params = l.init(5);
        for v in params.iter_mut().skip(ly.wb_off()) {
            *v += r.range(-0.5, 0.5) as f32;
        }
        let x: Vec<f32> = (0..m * b * 3).map(|_| r.range(-2.5, 2.5) as f32).collect();
        let bt = Batch { models: m, rows: b, x_stride_m: b * 3, p: l.p };
        let (mut new, mut old) = (vec![0.0; m * b * 4], vec![0.0; m * b * 4]);
        kan_fwd(&ly, bt, &x, &params, &mut new);
        old_fwd(&ly, bt, &x, &params, &mut old);
        assert_eq!(bits(&new), bits(&old), "forward k={k} G={g}");
        let dout: Vec<f32> = (0..m * b * 4).map(|_| r.range(-1.0, 1.0) as f32).collect();
        let (mut gn, mut go) = (vec![0.0; m * l.p], vec![0.0; m * l.p]);
        let (mut dxn, mut dxo) = (vec![0.0; m * b * 3], vec![0.0; m * b * 3]);
        kan_bwd(&ly, bt, &x, &params, &dout, &mut gn, Some(&mut dxn));
        old_bwd(&ly, bt, &x, &params, &dout, &mut go, &mut dxo);
        assert_eq!(bits(&gn), bits(&go), "parameter gradients k={k} G={g}");
        assert_eq!(bits(&dxn), bits(&dxo), "input gradients k={k} G={g}");
    }
}
