//! Layer 2 of the test plan (DESIGN.md §5): every op of `core::ops` / `core::optim` against
//! central finite differences through the shared helpers of `core::check` (f64 accumulation of a
//! random projection L = Σ_k r_k·out_k of the f32 op), plus hand-derived values for tiny cases
//! and a whole-network gradient check (the CPU backward sequence of `engine::cpu` vs FD of the
//! mean loss w.r.t. every parameter).
//!
//! Step and tolerance: ε = 2e-3 (1e-3 for the whole network). The ops run in f32, so the FD
//! quotient carries ~ulp(L)/2ε ≈ 1e-5..1e-4 of rounding noise; truncation error is O(ε²) ≈ 1e-6.
//! `check_grad` uses one number as rtol and atol: `TOL` = 2e-3 leaves a ≥ 20× margin over the
//! largest |analytic − FD| measured here (8e-5, deeper network; 5e-5 for single ops; printed with
//! `--nocapture`), while a wrong factor (say a lost 1/B or σ') is off by O(0.1). ReLU kinks are avoided by redrawing any case whose
//! pre-activations come within `KINK` = 1e-2 (≫ the largest FD perturbation of a
//! pre-activation, ε·max|x|) of 0.

use grokpad::core::check::{check_grad, close, fd_grad};
use grokpad::core::data::Split;
use grokpad::core::mlp::Layout;
use grokpad::core::ops::{
    act_fwd, act_grad_from_output, dense_bwd_data, dense_bwd_weight, dense_fwd, gather, loss_head, Act, DenseDims,
    HeadOut,
};
use grokpad::core::optim::{adam, sgd, StepHyper};
use grokpad::core::rng::Rng;
use grokpad::engine::cpu::CpuBackend;
use grokpad::engine::Setup;
use grokpad::experiment::{Loss, Optimizer};

const EPS: f32 = 2e-3;
const TOL: f32 = 2e-3;
const KINK: f32 = 1e-2;
const ACTS: [Act; 4] = [Act::Relu, Act::Tanh, Act::Sigmoid, Act::Linear];

fn rand_vec(r: &mut Rng, n: usize, lo: f64, hi: f64) -> Vec<f32> {
    (0..n).map(|_| r.range(lo, hi) as f32).collect()
}

/// L = Σ r_k·out_k, accumulated in f64.
fn proj(r: &[f32], out: &[f32]) -> f64 {
    assert_eq!(r.len(), out.len());
    r.iter().zip(out).map(|(&a, &b)| a as f64 * b as f64).sum()
}

/// `check_grad` (panicking with its message), printing the largest |analytic − FD|.
fn grad_ok(name: &str, f: &dyn Fn(&[f32]) -> f64, x: &[f32], analytic: &[f32], eps: f32) -> f64 {
    let fd = fd_grad(f, x, eps);
    let worst = analytic.iter().zip(&fd).map(|(&a, &b)| (a as f64 - b).abs()).fold(0.0, f64::max);
    println!("{name}: max |analytic - fd| = {worst:.2e} over {} entries", x.len());
    if let Err(e) = check_grad(name, f, x, analytic, eps, TOL) {
        panic!("{e}");
    }
    worst
}

fn near_kink(z: &[f32]) -> bool {
    z.iter().any(|v| v.abs() < KINK)
}

// ---------------------------------------------------------------------------------------------
// Activations

#[test]
fn act_grad_from_output_matches_fd() {
    let mut rng = Rng::new(7, 0);
    for act in ACTS {
        let mut z = rand_vec(&mut rng, 40, -3.0, 3.0);
        for v in &mut z {
            if v.abs() < KINK {
                *v += 2.0 * KINK;
            }
        }
        let r = rand_vec(&mut rng, 40, -1.0, 1.0);
        let f = |z: &[f32]| proj(&r, &z.iter().map(|&v| act_fwd(act, v)).collect::<Vec<_>>());
        let an: Vec<f32> = z.iter().zip(&r).map(|(&v, &rk)| rk * act_grad_from_output(act, act_fwd(act, v))).collect();
        grad_ok(&format!("act {act:?}"), &f, &z, &an, EPS);
    }
}

#[test]
fn act_by_hand() {
    assert_eq!(act_fwd(Act::Relu, -2.0), 0.0);
    assert_eq!(act_fwd(Act::Relu, 1.5), 1.5);
    assert_eq!(act_fwd(Act::Sigmoid, 0.0), 0.5);
    assert_eq!(act_fwd(Act::Tanh, 0.0), 0.0);
    assert_eq!(act_fwd(Act::Linear, -3.25), -3.25);
    assert!((act_fwd(Act::Tanh, 1.0) - 0.761_594_2).abs() < 1e-6);
    assert!((act_fwd(Act::Sigmoid, 2.0) - 0.880_797_1).abs() < 1e-6);
    assert_eq!(act_grad_from_output(Act::Sigmoid, 0.5), 0.25);
    assert_eq!(act_grad_from_output(Act::Tanh, 0.5), 0.75);
    assert_eq!(act_grad_from_output(Act::Relu, 0.0), 0.0);
    assert_eq!(act_grad_from_output(Act::Relu, 0.3), 1.0);
    assert_eq!(act_grad_from_output(Act::Linear, 7.0), 1.0);
}

// ---------------------------------------------------------------------------------------------
// Dense layer

/// A random dense case with M = 2 and padded parameter offsets (w_off = 1, two spare slots after
/// the bias), shared (`x_stride_m = 0`) or per-model input; redrawn while a ReLU
/// pre-activation is within `KINK` of 0.
struct DenseCase {
    d: DenseDims,
    x: Vec<f32>,
    params: Vec<f32>,
    r: Vec<f32>,
}

fn dims(act: Act, shared: bool, (m, b, i, o): (usize, usize, usize, usize)) -> DenseDims {
    let w_off = 1;
    let b_off = w_off + i * o;
    DenseDims {
        m,
        b,
        i,
        o,
        act,
        x_stride_m: if shared { 0 } else { b * i },
        p_stride: b_off + o + 2,
        w_off,
        b_off,
        mult: 1.0,
        w0: 1.0,
    }
}

fn pre_act(d: &DenseDims, x: &[f32], params: &[f32]) -> Vec<f32> {
    let mut z = vec![0.0; d.m * d.b * d.o];
    dense_fwd(&DenseDims { act: Act::Linear, ..*d }, x, params, &mut z);
    z
}

fn fwd(d: &DenseDims, x: &[f32], params: &[f32]) -> Vec<f32> {
    let mut out = vec![0.0; d.m * d.b * d.o];
    dense_fwd(d, x, params, &mut out);
    out
}

fn dense_case(act: Act, shared: bool, seed: u64) -> DenseCase {
    let d = dims(act, shared, (2, 3, 4, 5));
    for attempt in 0..100 {
        let mut rng = Rng::new(seed, 100 + attempt);
        let x = rand_vec(&mut rng, if shared { d.b * d.i } else { d.m * d.b * d.i }, -1.0, 1.0);
        let params = rand_vec(&mut rng, d.m * d.p_stride, -1.0, 1.0);
        let r = rand_vec(&mut rng, d.m * d.b * d.o, -1.0, 1.0);
        if act != Act::Relu || !near_kink(&pre_act(&d, &x, &params)) {
            return DenseCase { d, x, params, r };
        }
    }
    panic!("no kink-free case in 100 draws");
}

/// dL/dz for L = Σ r·σ(z): r ⊙ σ'(out).
fn dz_of(act: Act, r: &[f32], out: &[f32]) -> Vec<f32> {
    r.iter().zip(out).map(|(&rk, &a)| rk * act_grad_from_output(act, a)).collect()
}

#[test]
fn dense_fwd_input_grad_matches_fd() {
    for (s, act) in ACTS.into_iter().enumerate() {
        for shared in [true, false] {
            let DenseCase { d, x, params, r } = dense_case(act, shared, s as u64);
            let dz = dz_of(act, &r, &fwd(&d, &x, &params));
            // dL/dx = Σ_o dz·W (bwd_data with a linear previous layer), summed over models when
            // the input is shared.
            let mut gx = vec![0.0; d.m * d.b * d.i];
            dense_bwd_data(&d, &dz, &params, &vec![1.0; gx.len()], Act::Linear, &mut gx);
            if shared {
                let (a, b) = gx.split_at(d.b * d.i);
                gx = a.iter().zip(b).map(|(u, v)| u + v).collect();
            }
            let f = |x: &[f32]| proj(&r, &fwd(&d, x, &params));
            grad_ok(&format!("dense_fwd d/dx {act:?} shared={shared}"), &f, &x, &gx, EPS);
        }
    }
}

#[test]
fn dense_bwd_weight_matches_fd() {
    for (s, act) in ACTS.into_iter().enumerate() {
        for shared in [true, false] {
            let DenseCase { d, x, params, r } = dense_case(act, shared, 10 + s as u64);
            let dz = dz_of(act, &r, &fwd(&d, &x, &params));
            // Padding entries (before w_off, after the bias) must stay untouched: 0 = their FD.
            let mut g = vec![0.0; params.len()];
            dense_bwd_weight(&d, &x, &dz, &mut g);
            let f = |p: &[f32]| proj(&r, &fwd(&d, &x, p));
            grad_ok(&format!("dense_bwd_weight d/d(W,bias) {act:?} shared={shared}"), &f, &params, &g, EPS);
        }
    }
}

/// bwd_data gives dL/dz_prev (through the previous layer's activation): check it against FD of
/// L(σ_next(W·σ_prev(z_prev) + b)) w.r.t. the previous pre-activations z_prev.
#[test]
fn dense_bwd_data_matches_fd_through_preactivations() {
    for (s, act_prev) in ACTS.into_iter().enumerate() {
        for act in ACTS {
            let d = dims(act, false, (2, 3, 4, 5));
            let mut found = None;
            for attempt in 0..100 {
                let mut rng = Rng::new(20 + s as u64, attempt);
                let zp = rand_vec(&mut rng, d.m * d.b * d.i, -2.0, 2.0);
                let params = rand_vec(&mut rng, d.m * d.p_stride, -1.0, 1.0);
                let r = rand_vec(&mut rng, d.m * d.b * d.o, -1.0, 1.0);
                let ap: Vec<f32> = zp.iter().map(|&z| act_fwd(act_prev, z)).collect();
                let kink = (act_prev == Act::Relu && near_kink(&zp))
                    || (act == Act::Relu && near_kink(&pre_act(&d, &ap, &params)));
                if !kink {
                    found = Some((zp, ap, params, r));
                    break;
                }
            }
            let (zp, ap, params, r) = found.expect("no kink-free case in 100 draws");
            let dz = dz_of(act, &r, &fwd(&d, &ap, &params));
            let mut g = vec![0.0; zp.len()];
            dense_bwd_data(&d, &dz, &params, &ap, act_prev, &mut g);
            let f = |zp: &[f32]| {
                let ap: Vec<f32> = zp.iter().map(|&z| act_fwd(act_prev, z)).collect();
                proj(&r, &fwd(&d, &ap, &params))
            };
            grad_ok(&format!("dense_bwd_data prev={act_prev:?} next={act:?}"), &f, &zp, &g, EPS);
        }
    }
}

#[test]
fn dense_by_hand() {
    // One example, x = [1, 2], W = [[3], [4]] (I = 2, O = 1), bias 0.5: z = 3 + 8 + 0.5 = 11.5.
    // Model 1 (p_stride 3): W = [[-1], [0.25]], bias -1: z = -1 + 0.5 - 1 = -1.5.
    let params = [3.0, 4.0, 0.5, -1.0, 0.25, -1.0];
    let d = DenseDims {
        m: 2,
        b: 1,
        i: 2,
        o: 1,
        act: Act::Linear,
        x_stride_m: 0,
        p_stride: 3,
        w_off: 0,
        b_off: 2,
        mult: 1.0,
        w0: 1.0,
    };
    assert_eq!(fwd(&d, &[1.0, 2.0], &params), [11.5, -1.5]);
    assert_eq!(fwd(&DenseDims { act: Act::Relu, ..d }, &[1.0, 2.0], &params), [11.5, 0.0]);
    let t = fwd(&DenseDims { act: Act::Tanh, ..d }, &[1.0, 2.0], &params);
    assert!((t[1] - (-1.5f32).tanh()).abs() < 1e-7, "{t:?}");
    // Per-model input (x_stride_m = 2): model 1 sees x = [2, 0]: z = -2 + 0 - 1 = -3.
    assert_eq!(fwd(&DenseDims { x_stride_m: 2, ..d }, &[1.0, 2.0, 2.0, 0.0], &params), [11.5, -3.0]);

    // bwd_data, one model: W = [[1, 2], [3, 4]] (I = 2, O = 2), dz = [1, -2]:
    // Σ_o dz·W = [1 - 4, 3 - 8] = [-3, -5]; times tanh' from a_prev = [0.5, 0]: [-2.25, -5].
    let d = DenseDims {
        m: 1,
        b: 1,
        i: 2,
        o: 2,
        act: Act::Linear,
        x_stride_m: 2,
        p_stride: 6,
        w_off: 0,
        b_off: 4,
        mult: 1.0,
        w0: 1.0,
    };
    let p = [1.0, 2.0, 3.0, 4.0, 0.0, 0.0];
    let mut g = [0.0; 2];
    dense_bwd_data(&d, &[1.0, -2.0], &p, &[0.5, 0.0], Act::Tanh, &mut g);
    assert_eq!(g, [-2.25, -5.0]);
    dense_bwd_data(&d, &[1.0, -2.0], &p, &[0.5, -0.1], Act::Relu, &mut g);
    assert_eq!(g, [-3.0, 0.0]);

    // bwd_weight: B = 2, x = [[1, 2], [3, 4]], dz = [[1], [-1]] (O = 1):
    // dW = [1 - 3, 2 - 4] = [-2, -2], dbias = 1 - 1 = 0; the slot after the bias is untouched.
    let d = DenseDims {
        m: 1,
        b: 2,
        i: 2,
        o: 1,
        act: Act::Linear,
        x_stride_m: 4,
        p_stride: 4,
        w_off: 0,
        b_off: 2,
        mult: 1.0,
        w0: 1.0,
    };
    let mut g = [9.0; 4];
    dense_bwd_weight(&d, &[1.0, 2.0, 3.0, 4.0], &[1.0, -1.0], &mut g);
    assert_eq!(g, [-2.0, -2.0, 0.0, 9.0]);
}

// ---------------------------------------------------------------------------------------------
// Loss head

/// Runs the head, returning (dz, loss, correct).
fn head(kind: Loss, m: usize, b: usize, c: usize, ts: usize, a: &[f32], t: &[u32]) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let (mut dz, mut loss, mut correct) = (vec![0.0; m * b * c], vec![0.0; m * b], vec![0.0; m * b]);
    loss_head(kind, m, b, c, ts, a, t, HeadOut { dz: &mut dz, loss: &mut loss, correct: &mut correct });
    (dz, loss, correct)
}

/// Σ over models of the mean loss (each model's gradient is that of its own mean loss).
fn mean_loss(loss: &[f32], b: usize) -> f64 {
    loss.iter().map(|&v| v as f64).sum::<f64>() / b as f64
}

#[test]
fn loss_head_mse_matches_fd() {
    // TFP's head: a = tanh(z), loss ½(a − y)²; dz is w.r.t. the pre-activation z.
    let (m, b) = (2, 5);
    for (s, shared) in [false, true].into_iter().enumerate() {
        let mut rng = Rng::new(30 + s as u64, 0);
        let z = rand_vec(&mut rng, m * b, -2.0, 2.0);
        let t: Vec<u32> = (0..if shared { b } else { m * b }).map(|_| rng.below(2)).collect();
        let ts = if shared { 0 } else { b };
        let tanh = |z: &[f32]| z.iter().map(|v| v.tanh()).collect::<Vec<f32>>();
        let (dz, _, _) = head(Loss::Mse, m, b, 1, ts, &tanh(&z), &t);
        let f = |z: &[f32]| mean_loss(&head(Loss::Mse, m, b, 1, ts, &tanh(z), &t).1, b);
        grad_ok(&format!("loss_head mse shared_targets={shared}"), &f, &z, &dz, EPS);
    }
}

#[test]
fn loss_head_ce_matches_fd() {
    let (m, b) = (2, 5);
    for c in [2, 3] {
        for (s, shared) in [false, true].into_iter().enumerate() {
            let mut rng = Rng::new(40 + c as u64, s as u64);
            let z = rand_vec(&mut rng, m * b * c, -3.0, 3.0);
            let t: Vec<u32> = (0..if shared { b } else { m * b }).map(|_| rng.below(c as u32)).collect();
            let ts = if shared { 0 } else { b };
            let (dz, _, _) = head(Loss::Ce, m, b, c, ts, &z, &t);
            let f = |z: &[f32]| mean_loss(&head(Loss::Ce, m, b, c, ts, z, &t).1, b);
            grad_ok(&format!("loss_head ce C={c} shared_targets={shared}"), &f, &z, &dz, EPS);
        }
    }
}

#[test]
fn loss_head_by_hand() {
    // CE, equal logits, C = 2: loss ln 2, p = ½, dz = (p − onehot)/B with B = 2; argmax ties go to
    // class 0 (first maximum), so target 1 counts as wrong.
    let (dz, loss, correct) = head(Loss::Ce, 1, 2, 2, 2, &[0.3, 0.3, 5.0, 5.0], &[1, 0]);
    let ln2 = std::f32::consts::LN_2;
    assert!((loss[0] - ln2).abs() < 1e-6 && (loss[1] - ln2).abs() < 1e-6, "{loss:?}");
    close("ce dz", &dz, &[0.25, -0.25, -0.25, 0.25], 0.0, 1e-7).unwrap();
    assert_eq!(correct, [0.0, 1.0]);
    // CE, C = 3, logits [0, ln 2, ln 5] ⇒ p = [1/8, 2/8, 5/8]; target 2: loss = −ln(5/8).
    let z = [0.0, 2f32.ln(), 5f32.ln()];
    let (dz, loss, correct) = head(Loss::Ce, 1, 1, 3, 1, &z, &[2]);
    assert!((loss[0] - (8.0f32 / 5.0).ln()).abs() < 1e-6, "{loss:?}");
    close("ce3 dz", &dz, &[0.125, 0.25, -0.375], 0.0, 1e-6).unwrap();
    assert_eq!(correct, [1.0]);
    // MSE, a = 0.5, B = 2. Target 1 (y = +1): e = −0.5, loss 0.125, dz = −0.5·0.75/2 = −0.1875,
    // correct. Target 0 (y = −1): e = 1.5, loss 1.125, dz = 1.5·0.75/2 = 0.5625, wrong.
    let (dz, loss, correct) = head(Loss::Mse, 1, 2, 1, 2, &[0.5, 0.5], &[1, 0]);
    assert_eq!(loss, [0.125, 1.125]);
    assert_eq!(dz, [-0.1875, 0.5625]);
    assert_eq!(correct, [1.0, 0.0]);
    // Shared targets over M = 2 models (t_stride_m = 0); a = 0 counts as class 1.
    let (_, loss, correct) = head(Loss::Mse, 2, 1, 1, 0, &[0.0, -0.2], &[1]);
    close("mse shared loss", &loss, &[0.5, 0.72], 1e-6, 0.0).unwrap();
    assert_eq!(correct, [1.0, 0.0]);
}

// ---------------------------------------------------------------------------------------------
// Gather and optimizers (not differentiable: hand values, and the L2 term against FD)

#[test]
fn gather_by_hand() {
    let x = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5];
    let t = [7, 8, 9];
    let (mut xb, mut tb) = (vec![0.0; 6], vec![0; 3]);
    gather(2, &x, &t, &[2, 0, 2], &mut xb, &mut tb);
    assert_eq!(xb, [2.0, 2.5, 0.0, 0.5, 2.0, 2.5]);
    assert_eq!(tb, [9, 7, 9]);
}

#[test]
fn sgd_l2_term_is_the_gradient_of_half_l2_norm() {
    // With zero data gradient, SGD's step is −lr·l2·mask·w: the gradient of ½·l2·Σ mask·w²
    // (weights only; biases have mask 0).
    let l = Layout::new(&[2, 3, 2], Act::Tanh, Loss::Ce, 2);
    let mask = l.decay_mask();
    let mut rng = Rng::new(50, 0);
    let w = rand_vec(&mut rng, 2 * l.p, -1.0, 1.0);
    let (lr, l2) = (1.0, 0.1);
    let mut after = w.clone();
    sgd(&mut after, &vec![0.0; w.len()], &mask, &StepHyper::new(lr, l2, 1));
    let step: Vec<f32> = w.iter().zip(&after).map(|(a, b)| (a - b) / lr).collect();
    let f = |w: &[f32]| {
        let s: f64 = w.iter().enumerate().map(|(k, &v)| mask[k % l.p] as f64 * (v as f64).powi(2)).sum();
        0.5 * l2 as f64 * s
    };
    grad_ok("sgd l2 term", &f, &w, &step, EPS);
}

#[test]
fn adam_second_step_by_hand() {
    // g1 = 1 then g2 = −1, lr 0.1, no L2: m = 0.1, then 0.09 − 0.1 = −0.01; v = 0.001, then
    // 0.000999 + 0.001 = 0.001999. Step 2: m̂ = −0.01/0.19, v̂ = 0.001999/0.001999 = 1,
    // so w2 = w1 + 0.1·(0.01/0.19)/(1 + 1e-8), with w1 = −0.1 (first step moves by lr).
    // (1 − β2 is 0.00099999 in f32, hence the 1e-4 relative slack on v.)
    let (mut w, mut m1, mut m2) = (vec![0.0f32], vec![0.0f32], vec![0.0f32]);
    adam(&mut w, &[1.0], &[1.0], &mut m1, &mut m2, &StepHyper::new(0.1, 0.0, 1));
    assert!((w[0] + 0.1).abs() < 1e-6, "{w:?}");
    adam(&mut w, &[-1.0], &[1.0], &mut m1, &mut m2, &StepHyper::new(0.1, 0.0, 2));
    let want = -0.1 + 0.1 * (0.01 / 0.19);
    assert!((m1[0] + 0.01).abs() < 1e-7 && (m2[0] - 0.001999).abs() < 2e-7, "{m1:?} {m2:?}");
    assert!((w[0] - want).abs() < 1e-5, "{} vs {want}", w[0]);
    // L2 applies to masked entries only: with g = 0, mask 0 leaves w alone.
    let (mut w, mut m1, mut m2) = (vec![0.5f32, 0.5], vec![0.0; 2], vec![0.0; 2]);
    adam(&mut w, &[0.0, 0.0], &[1.0, 0.0], &mut m1, &mut m2, &StepHyper::new(0.1, 0.01, 1));
    assert!((w[0] - 0.4).abs() < 1e-6 && w[1] == 0.5, "{w:?}");
}

// ---------------------------------------------------------------------------------------------
// Whole network

/// A small network, its minibatch (gathered per model from a tiny dataset) and parameters.
struct Net {
    l: Layout,
    b: usize,
    x: Vec<f32>,
    t: Vec<u32>,
    idx: Vec<u32>,
    xb: Vec<f32>,
    tb: Vec<u32>,
    params: Vec<f32>,
}

/// Pre-activations of every layer (for the kink check).
fn net_preacts(l: &Layout, params: &[f32], xb: &[f32], b: usize) -> Vec<Vec<f32>> {
    let acts = net_fwd(l, params, xb, b);
    (0..l.layers.len())
        .map(|k| {
            let input = if k == 0 { xb } else { &acts[k - 1] };
            pre_act(&l.dims(k, b, b * l.layers[k].i), input, params)
        })
        .collect()
}

/// Forward with a per-model batch xb [M, B, I], as `CpuBackend::step`.
fn net_fwd(l: &Layout, params: &[f32], xb: &[f32], b: usize) -> Vec<Vec<f32>> {
    let mut acts: Vec<Vec<f32>> = Vec::new();
    for k in 0..l.layers.len() {
        let input = if k == 0 { xb } else { &acts[k - 1] };
        let out = fwd(&l.dims(k, b, b * l.layers[k].i), input, params);
        acts.push(out);
    }
    acts
}

fn net_loss(n: &Net, params: &[f32]) -> f64 {
    let acts = net_fwd(&n.l, params, &n.xb, n.b);
    mean_loss(&head(n.l.loss, n.l.models, n.b, n.l.outputs(), n.b, acts.last().unwrap(), &n.tb).1, n.b)
}

/// The backward sequence of `CpuBackend::step`, re-composed: head → (bwd_weight, bwd_data) × L.
fn net_grads(n: &Net) -> Vec<f32> {
    let (l, b) = (&n.l, n.b);
    let acts = net_fwd(l, &n.params, &n.xb, b);
    let nl = l.layers.len();
    let mut dz: Vec<Vec<f32>> = l.layers.iter().map(|s| vec![0.0; l.models * b * s.o]).collect();
    dz[nl - 1] = head(l.loss, l.models, b, l.outputs(), b, &acts[nl - 1], &n.tb).0;
    let mut grads = vec![f32::NAN; l.models * l.p];
    for k in (0..nl).rev() {
        let input = if k == 0 { &n.xb[..] } else { &acts[k - 1][..] };
        let d = l.dims(k, b, b * l.layers[k].i);
        dense_bwd_weight(&d, input, &dz[k], &mut grads);
        if k > 0 {
            let (lo, hi) = dz.split_at_mut(k);
            dense_bwd_data(&d, &hi[0], &n.params, &acts[k - 1], l.layers[k - 1].act, &mut lo[k - 1]);
        }
    }
    grads
}

fn net(widths: &[usize], hidden: Act, loss: Loss, seed: u64) -> Net {
    let (m, b, rows) = (2, 4, 9);
    let l = Layout::new(widths, hidden, loss, m);
    for attempt in 0..100 {
        let mut rng = Rng::new(seed, attempt);
        let x = rand_vec(&mut rng, rows * 2, -1.0, 1.0);
        let t: Vec<u32> = (0..rows).map(|_| rng.below(l.outputs().max(2) as u32)).collect();
        let idx: Vec<u32> = (0..m * b).map(|_| rng.below(rows as u32)).collect();
        let params = rand_vec(&mut rng, m * l.p, -1.0, 1.0);
        let (mut xb, mut tb) = (vec![0.0; m * b * 2], vec![0; m * b]);
        gather(2, &x, &t, &idx, &mut xb, &mut tb);
        let pre = net_preacts(&l, &params, &xb, b);
        let kink = l.layers.iter().zip(&pre).any(|(s, z)| s.act == Act::Relu && near_kink(z));
        if !kink {
            return Net { l, b, x, t, idx, xb, tb, params };
        }
    }
    panic!("no kink-free network in 100 draws");
}

/// CE on [2,3,2] (and a deeper [2,4,3,2]) for every hidden activation, and TFP's MSE head on
/// [2,3,1]: the grads buffer of the backward sequence vs FD of the mean loss w.r.t. every
/// parameter of both models; then the same gradient out of `CpuBackend::step` itself (SGD with
/// lr = 1 and no L2 moves the parameters by exactly −grads, up to one rounding).
#[test]
fn whole_network_grads_match_fd() {
    let mut cases: Vec<(Vec<usize>, Act, Loss)> = ACTS.iter().map(|&a| (vec![2, 3, 2], a, Loss::Ce)).collect();
    cases.push((vec![2, 4, 3, 2], Act::Relu, Loss::Ce));
    cases.push((vec![2, 4, 3, 2], Act::Tanh, Loss::Ce));
    cases.push((vec![2, 3, 1], Act::Tanh, Loss::Mse));
    cases.push((vec![2, 3, 1], Act::Relu, Loss::Mse));
    for (s, (widths, hidden, loss)) in cases.into_iter().enumerate() {
        let n = net(&widths, hidden, loss, 60 + s as u64);
        let name = format!("network {widths:?} {hidden:?} {loss:?}");
        let g = net_grads(&n);
        let f = |p: &[f32]| net_loss(&n, p);
        grad_ok(&name, &f, &n.params, &g, 1e-3);

        let setup = Setup::new(
            n.l.clone(),
            Optimizer::Sgd,
            n.b,
            Split::classified(n.x.clone(), n.t.iter().map(|&v| v as u8).collect()),
            Split::classified(n.x[..2].to_vec(), vec![n.t[0] as u8]),
            n.params.clone(),
        );
        let mut cpu = CpuBackend::new(setup, 0);
        cpu.step(&StepHyper::new(1.0, 0.0, 1), &n.idx);
        let moved: Vec<f32> = n.params.iter().zip(cpu.params()).map(|(a, b)| a - b).collect();
        grad_ok(&format!("{name} via CpuBackend::step"), &f, &n.params, &moved, 1e-3);
    }
}

/// The reference's loop order (b outermost, zero inputs skipped) gives bit-for-bit the sums of
/// the textbook formula Σ_b x·dz taken in order b = 0, 1, …, for dense and one-hot inputs.
#[test]
fn dense_bwd_weight_is_the_ordered_sum_bit_for_bit() {
    let mut rng = Rng::new(70, 0);
    for one_hot in [false, true] {
        let d = dims(Act::Linear, false, (2, 13, 11, 7));
        let mut x = rand_vec(&mut rng, d.m * d.b * d.i, -2.0, 2.0);
        if one_hot {
            for row in x.chunks_mut(d.i) {
                let hot = rng.below(d.i as u32) as usize;
                row.iter_mut().enumerate().for_each(|(k, v)| *v = if k == hot { 1.0 } else { 0.0 });
            }
        }
        let dz = rand_vec(&mut rng, d.m * d.b * d.o, -1.0, 1.0);
        let mut got = vec![9.0; d.m * d.p_stride];
        dense_bwd_weight(&d, &x, &dz, &mut got);
        for m in 0..d.m {
            for i in 0..=d.i {
                for o in 0..d.o {
                    let mut s = 0.0f32;
                    for b in 0..d.b {
                        let xv = if i < d.i { x[m * d.x_stride_m + b * d.i + i] } else { 1.0 };
                        s += xv * dz[(m * d.b + b) * d.o + o];
                    }
                    let at = m * d.p_stride + if i < d.i { d.w_off + i * d.o + o } else { d.b_off + o };
                    assert_eq!(got[at].to_bits(), s.to_bits(), "one_hot={one_hot} m={m} i={i} o={o}");
                }
            }
        }
    }
}
