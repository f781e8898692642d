//! Layer 2 of the test plan (DESIGN.md §5) for the issue-4 model ops: the new activations
//! (leaky relu, gelu, silu, SIREN sin) against finite differences, the dense layer's multiplier,
//! residual skip and counter-based dropout, the regression and label-smoothed softmax heads, and
//! whole networks built by `Layout::build` (per-layer activations, resid, hourglass blocks,
//! multipliers, dropout, every head): the gradient out of `CpuBackend::step` vs central FD of
//! the mean loss of the same forward pass (same dropout masks: the mask is a function of
//! (seed, model, layer, step, row, unit) only). ε and tolerances as in `tests/ops.rs`.

use grokpad::core::check::{check_grad, close, fd_grad};
use grokpad::core::data::Split;
use grokpad::core::mlp::{Layout, ModelSpec};
use grokpad::core::ops::{
    act_fwd_w, act_grad_from_output, act_grad_z, dense_bwd_data_ex, dense_bwd_weight, dense_fwd_ex, gather,
    loss_head_ex, Act, DenseDims, Dropout, FwdExtra, HeadKind, HeadOut, Prev, REG_TOL,
};
use grokpad::core::optim::StepHyper;
use grokpad::core::rng::Rng;
use grokpad::engine::cpu::CpuBackend;
use grokpad::engine::{Backend, Setup};
use grokpad::experiment::{Loss, Optimizer};

const EPS: f32 = 2e-3;
const TOL: f32 = 2e-3;

fn rand_vec(r: &mut Rng, n: usize, lo: f64, hi: f64) -> Vec<f32> {
    (0..n).map(|_| r.range(lo, hi) as f32).collect()
}

fn proj(r: &[f32], out: &[f32]) -> f64 {
    r.iter().zip(out).map(|(&a, &b)| a as f64 * b as f64).sum()
}

fn grad_ok(name: &str, f: &dyn Fn(&[f32]) -> f64, x: &[f32], analytic: &[f32], eps: f32) {
    let fd = fd_grad(f, x, eps);
    let worst = analytic.iter().zip(&fd).map(|(&a, &b)| (a as f64 - b).abs()).fold(0.0, f64::max);
    println!("{name}: max |analytic - fd| = {worst:.2e} over {} entries", x.len());
    if let Err(e) = check_grad(name, f, x, analytic, eps, TOL) {
        panic!("{e}");
    }
}

#[test]
fn activations_by_hand() {
    // gelu(1) = ½(1 + tanh(√(2/π)·1.044715)) = 0.841192; silu(1) = σ(1) = 0.731059.
    assert!((act_fwd_w(Act::Gelu, 1.0, 1.0) - 0.841_192).abs() < 1e-5);
    assert_eq!(act_fwd_w(Act::Gelu, 0.0, 1.0), 0.0);
    assert!((act_fwd_w(Act::Silu, 1.0, 1.0) - 0.731_059).abs() < 1e-5);
    assert_eq!(act_fwd_w(Act::Leaky, -2.0, 1.0), -0.02);
    assert_eq!(act_fwd_w(Act::Leaky, 3.0, 1.0), 3.0);
    assert!((act_fwd_w(Act::Sin, 0.5, 3.0) - 1.5f32.sin()).abs() < 1e-7);
    assert!((act_grad_z(Act::Sin, 0.5, 3.0) - 3.0 * 1.5f32.cos()).abs() < 1e-6);
    assert!((act_grad_z(Act::Gelu, 0.0, 1.0) - 0.5).abs() < 1e-7);
    assert!((act_grad_z(Act::Silu, 0.0, 1.0) - 0.5).abs() < 1e-7);
    assert!(act_grad_from_output(Act::Gelu, 0.3).is_nan());
    // quad (Gromov 2023): σ(z) = z², σ'(z) = 2z; σ(0) = 0 (width-sweep padding stays silent).
    assert_eq!((act_fwd_w(Act::Quad, -3.0, 1.0), act_grad_z(Act::Quad, -3.0, 1.0)), (9.0, -6.0));
    assert_eq!((act_fwd_w(Act::Quad, 0.0, 1.0), act_grad_z(Act::Quad, 0.0, 1.0)), (0.0, 0.0));
    assert!(Act::Quad.needs_z() && act_grad_from_output(Act::Quad, 4.0).is_nan());
}

/// σ'(z) of every activation (sin with ω0 = 1 and 3) against FD, and for those invertible from
/// the output, the output form equals the z form.
#[test]
fn act_grad_z_matches_fd() {
    let mut rng = Rng::new(3, 0);
    for act in Act::ALL {
        for w0 in [1.0f32, 3.0] {
            let mut z = rand_vec(&mut rng, 40, -3.0, 3.0);
            z.iter_mut().filter(|v| v.abs() < 1e-2).for_each(|v| *v += 2e-2);
            let r = rand_vec(&mut rng, 40, -1.0, 1.0);
            let f = |z: &[f32]| proj(&r, &z.iter().map(|&v| act_fwd_w(act, v, w0)).collect::<Vec<_>>());
            let an: Vec<f32> = z.iter().zip(&r).map(|(&v, &rk)| rk * act_grad_z(act, v, w0)).collect();
            grad_ok(&format!("act {act:?} w0={w0}"), &f, &z, &an, EPS);
            if !act.needs_z() {
                for &v in &z {
                    let (a, b) = (act_grad_from_output(act, act_fwd_w(act, v, w0)), act_grad_z(act, v, w0));
                    assert!((a - b).abs() < 1e-5, "{act:?} z={v}: {a} vs {b}");
                }
            }
        }
    }
}

fn dims(act: Act, (m, b, i, o): (usize, usize, usize, usize), mult: f32, w0: f32) -> DenseDims {
    let (w_off, b_off) = (1, 1 + i * o);
    DenseDims { m, b, i, o, act, x_stride_m: b * i, p_stride: b_off + o + 2, w_off, b_off, mult, w0 }
}

/// Two chained layers x → (A: act_a, keeps z, dropout) → (B: linear, mult, residual from A's
/// output when square): dL/dz_A by `dense_bwd_data_ex` (Prev::Z with the dropout mask, plus the
/// skip gradient) and dL/dW_B by `dense_bwd_weight` with the multiplier, against FD.
#[test]
fn dense_mult_skip_dropout_match_fd() {
    for (s, act) in [Act::Gelu, Act::Silu, Act::Sin, Act::Tanh, Act::Quad].into_iter().enumerate() {
        for (resid, p) in [(false, 0.0), (true, 0.0), (true, 0.4), (false, 0.5)] {
            let a = dims(act, (2, 3, 4, 5), 1.0, 2.0);
            let bd = dims(Act::Linear, (2, 3, 5, 5), 0.7, 2.0);
            let mut rng = Rng::new(10 + s as u64, u64::from(resid) + (p * 10.0) as u64);
            let zp = rand_vec(&mut rng, a.m * a.b * a.o, -2.0, 2.0);
            let params = rand_vec(&mut rng, bd.m * bd.p_stride, -1.0, 1.0);
            let r = rand_vec(&mut rng, bd.m * bd.b * bd.o, -1.0, 1.0);
            let drop = (p > 0.0).then(|| Dropout::new(p, 7, 0, 3));
            // A's output from its pre-activations (what dense_fwd_ex does after the sum).
            let a_of = |zp: &[f32]| -> Vec<f32> {
                (0..zp.len())
                    .map(|k| {
                        let (m, row, u) = (k / (a.b * a.o), (k / a.o) % a.b, k % a.o);
                        let v = act_fwd_w(act, zp[k], a.w0);
                        drop.map_or(v, |d| d.apply(v, m, row, u, a.o))
                    })
                    .collect()
            };
            let out_b = |ap: &[f32], params: &[f32]| {
                let mut out = vec![0.0; r.len()];
                let skip = resid.then_some(ap);
                dense_fwd_ex(&bd, ap, params, &mut out, FwdExtra { skip, ..Default::default() });
                out
            };
            let ap = a_of(&zp);
            // dL/d(out_B) = r; B is linear, so dz_B = r; the skip adds r to dL/da_A.
            let mut g = vec![0.0; zp.len()];
            let mut ga = vec![0.0; zp.len()];
            let prev = Prev::Z { z: &zp, act, w0: a.w0, drop };
            dense_bwd_data_ex(&bd, &r, &params, prev, resid.then_some(&r[..]), &mut g, Some(&mut ga));
            let name = format!("{act:?} resid={resid} p={p}");
            let f = |zp: &[f32]| proj(&r, &out_b(&a_of(zp), &params));
            grad_ok(&format!("bwd_data_ex {name}"), &f, &zp, &g, EPS);
            let fa = |ap: &[f32]| proj(&r, &out_b(ap, &params));
            grad_ok(&format!("activation gradient {name}"), &fa, &ap, &ga, EPS);
            let mut gw = vec![0.0; params.len()];
            dense_bwd_weight(&bd, &ap, &r, &mut gw);
            let fw = |p: &[f32]| proj(&r, &out_b(&ap, p));
            grad_ok(&format!("bwd_weight mult=0.7 {name}"), &fw, &params, &gw, EPS);
        }
    }
}

/// Dropout keeps about 1 − p of the units, scales them by 1/(1−p), and model m of an ensemble
/// draws the masks of a single run with seed + m.
#[test]
fn dropout_mask_rate_scale_and_ensemble_keys() {
    let d = Dropout::new(0.3, 11, 2, 5);
    let n = 20_000;
    let kept = (0..n).filter(|&u| d.keep(0, u / 100, u % 100, 100)).count() as f64 / n as f64;
    assert!((kept - 0.7).abs() < 0.02, "{kept}");
    assert_eq!(d.apply(2.0, 0, 0, 0, 4) == 0.0, !d.keep(0, 0, 0, 4));
    let k = (0..100).find(|&u| d.keep(0, 0, u, 100)).expect("a kept unit");
    assert_eq!(d.apply(0.7, 0, 0, k, 100), 0.7 * (1.0 / 0.7f32));
    let single = Dropout::new(0.3, 12, 2, 5);
    assert!((0..200).all(|u| d.keep(1, 0, u, 200) == single.keep(0, 0, u, 200)));
    let other_layer = Dropout::new(0.3, 11, 3, 5);
    assert!((0..200).any(|u| d.keep(0, 0, u, 200) != other_layer.keep(0, 0, u, 200)));
}

fn head(h: HeadKind, m: usize, b: usize, c: usize, a: &[f32], t: &[u32]) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let (mut dz, mut loss, mut correct) = (vec![0.0; m * b * c], vec![0.0; m * b], vec![0.0; m * b]);
    loss_head_ex(h, m, b, c, b, a, t, HeadOut { dz: &mut dz, loss: &mut loss, correct: &mut correct });
    (dz, loss, correct)
}

/// The one-hot square loss ½Σ_j (z_j − [j = t])² (Gromov 2023; Doshi et al. 2024): gradient
/// against FD for C = 2, 3, 23, and by hand (loss, dz, first-argmax correctness, bad target).
#[test]
fn onehot_square_head_matches_fd_and_hand_values() {
    let (m, b) = (2, 5);
    let mut rng = Rng::new(41, 0);
    for c in [2, 3, 23] {
        let z = rand_vec(&mut rng, m * b * c, -2.0, 2.0);
        let t: Vec<u32> = (0..m * b).map(|_| rng.below(c as u32)).collect();
        let (dz, _, _) = head(HeadKind::OneHotMse, m, b, c, &z, &t);
        let f =
            |z: &[f32]| head(HeadKind::OneHotMse, m, b, c, z, &t).1.iter().map(|&v| v as f64).sum::<f64>() / b as f64;
        grad_ok(&format!("one-hot square loss C={c}"), &f, &z, &dz, EPS);
    }
    // z = [0.5, 2, −1], t = 1: errors [0.5, 1, −1] → loss ½·2.25 = 1.125, dz = e/B (B = 2);
    // the second row ties at 1 on classes 0 and 2: the first argmax (0) is its target 0.
    let (dz, loss, correct) = head(HeadKind::OneHotMse, 1, 2, 3, &[0.5, 2.0, -1.0, 1.0, 0.0, 1.0], &[1, 0]);
    close("onehot loss", &loss, &[1.125, 0.5], 1e-6, 1e-7).unwrap();
    close("onehot dz", &dz, &[0.25, 0.5, -0.5, 0.0, 0.0, 0.5], 1e-6, 1e-7).unwrap();
    assert_eq!(correct, [1.0, 1.0]);
    let (_, loss, correct) = head(HeadKind::OneHotMse, 1, 1, 3, &[0.5, 2.0, -1.0], &[2]);
    assert_eq!((loss[0], correct[0]), (0.5 * (0.25 + 4.0 + 4.0), 0.0));
    let (_, loss, correct) = head(HeadKind::OneHotMse, 1, 1, 3, &[0.5, 2.0, -1.0], &[7]);
    assert!(loss[0].is_nan() && correct[0] == 0.0, "a target outside the classes");
    assert_eq!((HeadKind::OneHotMse.code(), HeadKind::from(Loss::MseOnehot)), (3, HeadKind::OneHotMse));
}

#[test]
fn regression_and_smoothed_heads_match_fd_and_hand_values() {
    let (m, b) = (2, 5);
    let mut rng = Rng::new(40, 0);
    let a = rand_vec(&mut rng, m * b, -2.0, 2.0);
    let t: Vec<u32> = rand_vec(&mut rng, m * b, -2.0, 2.0).iter().map(|v| v.to_bits()).collect();
    let (dz, _, _) = head(HeadKind::Regression, m, b, 1, &a, &t);
    let f = |a: &[f32]| head(HeadKind::Regression, m, b, 1, a, &t).1.iter().map(|&v| v as f64).sum::<f64>() / b as f64;
    grad_ok("regression head", &f, &a, &dz, EPS);
    for c in [2, 3, 5] {
        let h = HeadKind::Softmax { smooth: 0.2 };
        let z = rand_vec(&mut rng, m * b * c, -3.0, 3.0);
        let t: Vec<u32> = (0..m * b).map(|_| rng.below(c as u32)).collect();
        let (dz, _, _) = head(h, m, b, c, &z, &t);
        let f = |z: &[f32]| head(h, m, b, c, z, &t).1.iter().map(|&v| v as f64).sum::<f64>() / b as f64;
        grad_ok(&format!("softmax smooth=0.2 C={c}"), &f, &z, &dz, EPS);
    }
    // Regression by hand: a = 1.5, y = 1.45 → e = 0.05 (within REG_TOL), loss 0.00125, dz = e/B.
    let (dz, loss, correct) = head(HeadKind::Regression, 1, 2, 1, &[1.5, 0.0], &[1.45f32.to_bits(), 0.5f32.to_bits()]);
    close("reg loss", &loss, &[0.5 * 0.05 * 0.05, 0.125], 1e-3, 1e-7).unwrap();
    close("reg dz", &dz, &[0.025, -0.25], 1e-3, 1e-7).unwrap();
    assert_eq!(correct, [1.0, 0.0]);
    assert_eq!(REG_TOL, 0.1);
    // Smoothing by hand: C = 3, equal logits, ε = 0.3: q = [0.8, 0.1, 0.1] for t = 0;
    // loss = ln 3 (Σq = 1), dz = p − q = [1/3 − 0.8, 1/3 − 0.1, 1/3 − 0.1].
    let (dz, loss, _) = head(HeadKind::Softmax { smooth: 0.3 }, 1, 1, 3, &[0.5, 0.5, 0.5], &[0]);
    close("smooth loss", &loss, &[3f32.ln()], 1e-5, 1e-6).unwrap();
    close("smooth dz", &dz, &[1.0 / 3.0 - 0.8, 1.0 / 3.0 - 0.1, 1.0 / 3.0 - 0.1], 1e-5, 1e-6).unwrap();
    // ε = 0 is the plain cross-entropy, bit for bit.
    let z = [0.3, -1.2, 2.0];
    let plain = head(HeadKind::Softmax { smooth: 0.0 }, 1, 1, 3, &z, &[2]);
    let mut want = (vec![0.0; 3], vec![0.0], vec![0.0]);
    grokpad::core::ops::loss_head(
        Loss::Ce,
        1,
        1,
        3,
        1,
        &z,
        &[2],
        HeadOut { dz: &mut want.0, loss: &mut want.1, correct: &mut want.2 },
    );
    assert_eq!(plain, want);
}

// ---------------------------------------------------------------------------------------------
// Whole networks

/// The training forward of `CpuBackend::step` at step 1 (dropout included) and the mean loss.
fn net_loss(l: &Layout, params: &[f32], xb: &[f32], tb: &[u32], b: usize, seed: u64) -> f64 {
    let mut acts: Vec<Vec<f32>> = Vec::new();
    for k in 0..l.layers.len() {
        let input = if k == 0 { xb } else { &acts[k - 1] };
        let d = l.dims(k, b, b * l.layers[k].i);
        let mut out = vec![0.0; l.models * b * d.o];
        let drop = l.drops(k).then(|| Dropout::new(l.dropout, seed, k, 1));
        let skip = l.skip_src(k).map(|j| acts[j].as_slice());
        dense_fwd_ex(&d, input, params, &mut out, FwdExtra { skip, drop, z: None });
        acts.push(out);
    }
    let c = l.outputs();
    head(l.head, l.models, b, c, acts.last().unwrap(), tb).1.iter().map(|&v| v as f64).sum::<f64>() / b as f64
}

fn spec(widths: &[usize], acts: &[Act], resid: bool, hourglass: usize, dropout: f32, head: HeadKind) -> ModelSpec {
    ModelSpec { widths: widths.to_vec(), acts: acts.to_vec(), w0: 2.0, resid, hourglass, dropout, head, models: 2 }
}

/// Networks of `Layout::build` through `CpuBackend::step` (SGD, lr = 1: the parameters move by
/// −grads) against FD of the same training loss.
#[test]
fn built_networks_grads_match_fd() {
    use Act::*;
    let ce = HeadKind::Softmax { smooth: 0.0 };
    let cases = [
        spec(&[2, 4, 4, 3], &[Gelu, Silu], true, 0, 0.0, ce),
        spec(&[2, 4, 4, 4, 1], &[Sin, Tanh, Gelu], false, 2, 0.0, HeadKind::Tanh),
        spec(&[2, 5, 5, 5, 3], &[Silu], true, 3, 0.3, HeadKind::Softmax { smooth: 0.1 }),
        spec(&[2, 4, 4, 1], &[Sigmoid, Sin], true, 0, 0.25, HeadKind::Regression),
        spec(&[2, 4, 3, 2], &[Tanh, Sigmoid], false, 0, 0.2, ce),
    ];
    let (b, rows, seed) = (4, 9, 77);
    for (s, sp) in cases.iter().enumerate() {
        let mut l = Layout::build(sp);
        // A non-trivial multiplier on two slots (as NTK / muP would set).
        l.layers[0].mult = 0.8;
        let last = l.layers.len() - 1;
        l.layers[last].mult = 1.5;
        let mut rng = Rng::new(90 + s as u64, 0);
        let x = rand_vec(&mut rng, rows * 2, -1.0, 1.0);
        let classes = l.outputs().max(2) as u32;
        let yv = rand_vec(&mut rng, rows, -1.0, 1.0);
        let t: Vec<u32> = match sp.head {
            HeadKind::Regression => yv.iter().map(|v| v.to_bits()).collect(),
            _ => (0..rows).map(|_| rng.below(classes)).collect(),
        };
        let idx: Vec<u32> = (0..l.models * b).map(|_| rng.below(rows as u32)).collect();
        let params = rand_vec(&mut rng, l.models * l.p, -1.0, 1.0);
        let (mut xb, mut tb) = (vec![0.0; l.models * b * 2], vec![0; l.models * b]);
        gather(2, &x, &t, &idx, &mut xb, &mut tb);
        let y8: Vec<u8> = t.iter().map(|&v| (v % 256) as u8).collect();
        let mut setup = Setup::new(
            l.clone(),
            Optimizer::Sgd,
            b,
            Split { r: yv.clone(), ..Split::classified(x.clone(), y8.clone()) },
            Split { r: yv[..1].to_vec(), ..Split::classified(x[..2].to_vec(), y8[..1].to_vec()) },
            params.clone(),
        );
        setup.seed = seed;
        let mut cpu = CpuBackend::new(setup, 0);
        cpu.step(&StepHyper::new(1.0, 0.0, 1), &idx);
        let moved: Vec<f32> = params.iter().zip(cpu.params()).map(|(a, b)| a - b).collect();
        let f = |p: &[f32]| net_loss(&l, p, &xb, &tb, b, seed);
        grad_ok(&format!("network {sp:?}"), &f, &params, &moved, 1e-3);
        // Evaluation has no dropout: the snapshot's train loss is the mean loss of `forward`.
        assert!(cpu.request_snapshot(true));
        let snap = cpu.poll_snapshot().expect("snapshot").expect("cpu");
        assert!(snap.grid.is_some() && snap.train[0].loss.is_finite());
    }
}
