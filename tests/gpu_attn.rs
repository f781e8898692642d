//! Layer 3 of the test plan (DESIGN.md §5) for the transformer kernels: `shaders/attention.wgsl`
//! and `shaders/layernorm.wgsl` against `core::ops::{attn_fwd, attn_bwd, ln_fwd, ln_bwd}`, one
//! dispatch at a time through `gpu::oneshot` (lavapipe natively:
//! `WGPU_BACKEND=vulkan VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json
//! XDG_RUNTIME_DIR=<writable dir> cargo test --release --test gpu_attn`). Without an adapter
//! these tests FAIL.
//!
//! Shapes: Nanda et al.'s block (3 tokens × 4 heads × d_head 32), odd sizes, one token, d_head 1,
//! and cases with more rows / columns than one bounded dispatch has threads / workgroups (the
//! grid-stride loops must wrap). q, k, v are read from the fused [q|k|v] rows, from padded,
//! permuted rows and from three separate blocks; padding must stay untouched.
//!
//! Tolerances: both sides sum in the same order except the LayerNorm parameter gradients (a tree
//! over rows on the GPU) and FMA contraction / `exp`, `sqrt` rounding: rtol 1e-4 with atol 1e-5
//! (1e-5·√rows for the tree-summed dγ, dβ); measured maxima are printed with `--nocapture`.
#![cfg(not(target_arch = "wasm32"))]

use grokpad::core::check::close;
use grokpad::core::ops::{attn_bwd, attn_fwd, ln_bwd, ln_fwd, Attn};
use grokpad::core::rng::Rng;
use grokpad::gpu::kernels::{Slot, K, MAX_GROUPS, WG};
use grokpad::gpu::tfm_kernels::{attn_dims, ln_dims, QkvLayout};
mod common;
use common::{launch, rand_vec};

const RTOL: f32 = 1e-4;
const ATOL: f32 = 1e-5;
/// Untouched padding of the qkv layout.
const PAD: f32 = 7.25;

fn check(name: &str, got: &[f32], want: &[f32], atol: f32) {
    let worst = got.iter().zip(want).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
    println!("{name}: max |gpu - cpu| = {worst:.2e} over {} values", want.len());
    if let Err(e) = close(name, got, want, RTOL, atol) {
        panic!("{e}");
    }
}

/// q, k, v (each [B,T,H·dh]) packed into token rows of layout `l`, the rest `PAD`.
fn pack(a: &Attn, l: &QkvLayout, q: &[f32], k: &[f32], v: &[f32]) -> Vec<f32> {
    let (w, rows) = (a.width(), a.batch * a.seq);
    let mut out = vec![PAD; l.buf_len(a)];
    for r in 0..rows {
        for (src, off) in [(q, l.q_off), (k, l.k_off), (v, l.v_off)] {
            out[r * l.stride + off..][..w].copy_from_slice(&src[r * w..][..w]);
        }
    }
    out
}

/// The three [B,T,H·dh] tensors of layout `l`, and whether every other entry is still `PAD`.
fn unpack(a: &Attn, l: &QkvLayout, buf: &[f32]) -> ([Vec<f32>; 3], bool) {
    let (w, rows) = (a.width(), a.batch * a.seq);
    let mut used = vec![false; buf.len()];
    let mut out: [Vec<f32>; 3] = Default::default();
    for (o, off) in out.iter_mut().zip([l.q_off, l.k_off, l.v_off]) {
        for r in 0..rows {
            o.extend_from_slice(&buf[r * l.stride + off..][..w]);
            used[r * l.stride + off..][..w].fill(true);
        }
    }
    let pad_ok = buf.iter().zip(&used).all(|(&x, &u)| u || x == PAD);
    (out, pad_ok)
}

fn attn_case(rng: &mut Rng, a: Attn, l: QkvLayout) {
    let n = a.qkv_len();
    let q = rand_vec(rng, n, -2.0, 2.0);
    let k = rand_vec(rng, n, -2.0, 2.0);
    let v = rand_vec(rng, n, -1.0, 1.0);
    let dout = rand_vec(rng, n, -1.0, 1.0);
    let (mut p, mut o) = (vec![0.0; a.probs_len()], vec![0.0; n]);
    attn_fwd(&a, &q, &k, &v, &mut p, &mut o);
    let (mut dq, mut dk, mut dv) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    attn_bwd(&a, &q, &k, &v, &p, &dout, &mut dq, &mut dk, &mut dv);

    let qkv = pack(&a, &l, &q, &k, &v);
    let d = attn_dims(&a, &l);
    let tag = format!("{a:?} {l:?}");
    // Forward: probs and out start as garbage, so every entry (zeros of the mask too) is written.
    let junk = vec![3.5; a.probs_len()];
    let [gp, go, _] =
        launch(K::AttnFwd, d, Slot::default(), [Some(&qkv), None, None], [Some(&junk), Some(&vec![3.5; n]), None]);
    check(&format!("attn probs {tag}"), &gp, &p, ATOL);
    check(&format!("attn out {tag}"), &go, &o, ATOL);
    // Backward: ds, then dq/dk/dv into a PAD-filled buffer of the qkv layout.
    let ro = [Some(&qkv[..]), Some(&p[..]), Some(&dout[..])];
    let [_, ds, _] = launch(K::AttnBwdDs, d, Slot::default(), ro, [None, Some(&junk), None]);
    let pad = vec![PAD; qkv.len()];
    let [dqkv, _, _] = launch(K::AttnBwdQkv, d, Slot::default(), ro, [Some(&pad), Some(&ds), None]);
    let ([gq, gk, gv], pad_ok) = unpack(&a, &l, &dqkv);
    assert!(pad_ok, "{tag}: the backward wrote outside q, k, v");
    check(&format!("attn dq {tag}"), &gq, &dq, ATOL);
    check(&format!("attn dk {tag}"), &gk, &dk, ATOL);
    check(&format!("attn dv {tag}"), &gv, &dv, ATOL);
}

#[test]
fn attention_kernels_match_cpu() {
    let mut rng = Rng::new(21, 0);
    let shapes = [
        Attn { batch: 16, seq: 3, heads: 4, d_head: 32 }, // Nanda et al.
        Attn { batch: 3, seq: 5, heads: 3, d_head: 7 },
        Attn { batch: 2, seq: 1, heads: 2, d_head: 3 },
        Attn { batch: 5, seq: 4, heads: 1, d_head: 1 },
    ];
    for a in shapes {
        attn_case(&mut rng, a, QkvLayout::fused(&a));
        // Padded rows, v first, k last.
        let w = a.width();
        attn_case(&mut rng, a, QkvLayout { stride: 3 * w + 5, q_off: w + 3, k_off: 2 * w + 4, v_off: 1 });
        // Three blocks (as three separate projections write them), with a gap after each.
        attn_case(&mut rng, a, QkvLayout::chunked(&a, (a.qkv_len() + 3).next_multiple_of(64)));
    }
}

#[test]
fn attention_kernels_wrap_the_grid() {
    // 65,544 softmax rows (> WG·MAX_GROUPS threads): every kernel's grid-stride loop wraps.
    let a = Attn { batch: 5462, seq: 3, heads: 4, d_head: 2 };
    assert!(a.batch * a.heads * a.seq > WG * MAX_GROUPS);
    attn_case(&mut Rng::new(22, 0), a, QkvLayout::fused(&a));
}

fn ln_case(rng: &mut Rng, rows: usize, d: usize) {
    let x = rand_vec(rng, rows * d, -2.0, 3.0);
    let (gamma, beta) = (rand_vec(rng, d, 0.5, 1.5), rand_vec(rng, d, -0.5, 0.5));
    let dy = rand_vec(rng, rows * d, -1.0, 1.0);
    let (mut y, mut mean, mut rstd) = (vec![0.0; rows * d], vec![0.0; rows], vec![0.0; rows]);
    ln_fwd(rows, d, &x, &gamma, &beta, &mut y, &mut mean, &mut rstd);
    // The gradient buffer starts non-zero: dγ, dβ accumulate (on both sides).
    let (g0, b0) = (rand_vec(rng, d, -1.0, 1.0), rand_vec(rng, d, -1.0, 1.0));
    let (mut dx, mut dg, mut db) = (vec![0.0; rows * d], g0.clone(), b0.clone());
    ln_bwd(rows, d, &x, &gamma, &mean, &rstd, &dy, &mut dx, &mut dg, &mut db);

    // Parameters padded: γ at 2, β at d + 3 (one spare slot between), 1 spare slot after.
    let (go, bo) = (2, d + 3);
    let mut prm = vec![-9.0; 2 * d + 4];
    prm[go..go + d].copy_from_slice(&gamma);
    prm[bo..bo + d].copy_from_slice(&beta);
    let mut grads0 = vec![-9.0; prm.len()];
    grads0[go..go + d].copy_from_slice(&g0);
    grads0[bo..bo + d].copy_from_slice(&b0);
    let tag = format!("{rows}x{d}");
    let dm = ln_dims(rows, d, go, bo, false);
    let [gy, stats, _] = launch(
        K::LnFwd,
        dm,
        Slot::default(),
        [Some(&x), Some(&prm), None],
        [Some(&vec![5.0; rows * d]), Some(&vec![5.0; 2 * rows]), None],
    );
    check(&format!("ln y {tag}"), &gy, &y, ATOL);
    check(&format!("ln mean {tag}"), &stats[..rows], &mean, ATOL);
    check(&format!("ln rstd {tag}"), &stats[rows..], &rstd, ATOL);
    // Backward from the CPU statistics.
    let st: Vec<f32> = mean.iter().chain(&rstd).copied().collect();
    let ro = [Some(&x[..]), Some(&prm[..]), Some(&dy[..])];
    let [gdx, _, _] = launch(K::LnBwdX, dm, Slot::default(), ro, [Some(&vec![5.0; rows * d]), Some(&st), None]);
    check(&format!("ln dx {tag}"), &gdx, &dx, ATOL);
    let base = rand_vec(rng, rows * d, -1.0, 1.0);
    let dacc = ln_dims(rows, d, go, bo, true);
    let [gdx2, _, _] = launch(K::LnBwdX, dacc, Slot::default(), ro, [Some(&base), Some(&st), None]);
    let want2: Vec<f32> = base.iter().zip(&dx).map(|(a, b)| a + b).collect();
    check(&format!("ln dx += {tag}"), &gdx2, &want2, ATOL);
    let [_, _, grads] = launch(K::LnBwdParam, dm, Slot::default(), ro, [None, Some(&st), Some(&grads0)]);
    let tree = ATOL * (rows as f32).sqrt();
    check(&format!("ln dgamma {tag}"), &grads[go..go + d], &dg, tree);
    check(&format!("ln dbeta {tag}"), &grads[bo..bo + d], &db, tree);
    let spare = [0, 1, d + 2, 2 * d + 3];
    assert!(spare.iter().all(|&j| grads[j] == -9.0), "{tag}: LnBwdParam wrote outside dγ, dβ");
}

#[test]
fn layernorm_kernels_match_cpu() {
    let mut rng = Rng::new(23, 0);
    // Nanda's residual stream (d_model 128) over 64 examples × 3 tokens, odd sizes, d = 1.
    for (rows, d) in [(192, 128), (7, 13), (1, 5), (65, 1), (130, 64)] {
        ln_case(&mut rng, rows, d);
    }
}

#[test]
fn layernorm_kernels_wrap_the_grid() {
    ln_case(&mut Rng::new(24, 0), WG * MAX_GROUPS + 3, 2); // rows > threads of one dispatch
    ln_case(&mut Rng::new(25, 0), 3, MAX_GROUPS + 5); // columns > workgroups of one dispatch
}

/// Not a test: prints ms per forward + backward of the attention and LayerNorm kernels at Nanda
/// et al.'s shapes (3 tokens × 4 heads × d_head 32, d_model 128), REPS passes in one submit
/// (the step plan's way of running), after one warm-up submit. Run with
/// `cargo test --release --test gpu_attn -- --ignored --nocapture bench`.
#[test]
#[ignore]
fn bench_nanda_shapes() {
    use grokpad::gpu::builder::{dims_bytes, storage, Builder};
    use grokpad::gpu::kernels::{Kernels, UNIFORM_STRIDE};
    use std::time::Instant;
    const REPS: usize = 20;
    let ctx = &common::gpu().0;
    let kern = Kernels::new(&ctx.device);
    let uni = |n: u64| {
        ctx.device.create_buffer(&wgpu::BufferDescriptor {
            label: None,
            size: n * UNIFORM_STRIDE,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        })
    };
    println!("adapter: {}", ctx.label);
    for batch in [512, 3830] {
        let a = Attn { batch, seq: 3, heads: 4, d_head: 32 };
        let (n, rows, dm) = (a.qkv_len(), a.batch * a.seq, a.width());
        let buf = |len: usize| storage(ctx, "bench", len * 4);
        let (qkv, dqkv, probs, ds, out, dout) =
            (buf(3 * n), buf(3 * n), buf(a.probs_len()), buf(a.probs_len()), buf(n), buf(n));
        let (y, dx, stats, prm, grads) = (buf(n), buf(n), buf(2 * rows), buf(2 * dm), buf(2 * dm));
        let mut bld = Builder {
            ctx,
            kern: &kern,
            dims: vec![],
            dims_buf: uni(8),
            slot_buf: uni(1),
            dummy_ro: storage(ctx, "dummy ro", 16),
            dummy_rw: [storage(ctx, "d0", 16), storage(ctx, "d1", 16), storage(ctx, "d2", 16)],
            bad: storage(ctx, "bad", 16),
            groups: vec![],
        };
        let ad = attn_dims(&a, &QkvLayout::fused(&a));
        let ld = ln_dims(rows, dm, 0, dm, false);
        let ro = [Some(&qkv), Some(&probs), Some(&dout)];
        let attn = [
            bld.add(K::AttnFwd, ad, [Some(&qkv), None, None], [Some(&probs), Some(&out), None]),
            bld.add(K::AttnBwdDs, ad, ro, [None, Some(&ds), None]),
            bld.add(K::AttnBwdQkv, ad, ro, [Some(&dqkv), Some(&ds), None]),
        ];
        let lro = [Some(&out), Some(&prm), Some(&dout)];
        let ln = [
            bld.add(K::LnFwd, ld, [Some(&out), Some(&prm), None], [Some(&y), Some(&stats), None]),
            bld.add(K::LnBwdX, ld, lro, [Some(&dx), Some(&stats), None]),
            bld.add(K::LnBwdParam, ld, lro, [None, Some(&stats), Some(&grads)]),
        ];
        ctx.queue.write_buffer(&bld.dims_buf, 0, &dims_bytes(&bld.dims));
        let mut r = Rng::new(26, 0);
        ctx.queue.write_buffer(&qkv, 0, bytemuck::cast_slice(&rand_vec(&mut r, 3 * n, -1.0, 1.0)));
        ctx.queue.write_buffer(&dout, 0, bytemuck::cast_slice(&rand_vec(&mut r, n, -1.0, 1.0)));
        ctx.queue.write_buffer(&prm, 0, bytemuck::cast_slice(&rand_vec(&mut r, 2 * dm, 0.5, 1.5)));
        let mut cases: Vec<(String, &[_])> =
            vec![("attention fwd+bwd".into(), &attn[..]), ("layernorm fwd+bwd".into(), &ln[..])];
        cases.extend(attn.iter().chain(&ln).map(|d| (format!("  {:?}", d.k), std::slice::from_ref(d))));
        for (name, plan) in cases {
            let run = |reps: usize| {
                let t0 = Instant::now();
                let mut enc = ctx.device.create_command_encoder(&Default::default());
                {
                    let mut pass = enc.begin_compute_pass(&Default::default());
                    for _ in 0..reps {
                        for d in plan.iter() {
                            pass.set_pipeline(kern.pipeline(d.k));
                            pass.set_bind_group(0, &bld.groups[d.bg], &[0]);
                            pass.dispatch_workgroups(d.groups, 1, 1);
                        }
                    }
                }
                ctx.queue.submit([enc.finish()]);
                ctx.device.poll(wgpu::PollType::wait_indefinitely()).expect("poll");
                t0.elapsed().as_secs_f64() * 1e3
            };
            run(1);
            let ms = run(REPS) / REPS as f64;
            println!("{name}, batch {batch} × 3 tokens × 4 heads × 32 (d_model 128): {ms:.3} ms");
        }
        // The CPU reference on the same shapes, same process, for scale.
        let (q, k, v, dout) = (
            rand_vec(&mut r, n, -1.0, 1.0),
            rand_vec(&mut r, n, -1.0, 1.0),
            rand_vec(&mut r, n, -1.0, 1.0),
            rand_vec(&mut r, n, -1.0, 1.0),
        );
        let (mut p, mut o, mut g) =
            (vec![0.0; a.probs_len()], vec![0.0; n], [vec![0.0; n], vec![0.0; n], vec![0.0; n]]);
        let t0 = Instant::now();
        for _ in 0..REPS {
            attn_fwd(&a, &q, &k, &v, &mut p, &mut o);
            let [dq, dk, dv] = &mut g;
            attn_bwd(&a, &q, &k, &v, &p, &dout, dq, dk, dv);
        }
        let cpu_attn = t0.elapsed().as_secs_f64() * 1e3 / REPS as f64;
        let (gm, bt) = (rand_vec(&mut r, dm, 0.5, 1.5), vec![0.0; dm]);
        let (mut y, mut mean, mut rstd, mut dx) = (vec![0.0; n], vec![0.0; rows], vec![0.0; rows], vec![0.0; n]);
        let (mut dg, mut db) = (vec![0.0; dm], vec![0.0; dm]);
        let t0 = Instant::now();
        for _ in 0..REPS {
            ln_fwd(rows, dm, &o, &gm, &bt, &mut y, &mut mean, &mut rstd);
            ln_bwd(rows, dm, &o, &gm, &mean, &rstd, &dout, &mut dx, &mut dg, &mut db);
        }
        let cpu_ln = t0.elapsed().as_secs_f64() * 1e3 / REPS as f64;
        println!("CPU reference (one thread), batch {batch}: attention {cpu_attn:.3} ms, layernorm {cpu_ln:.3} ms");
    }
}
