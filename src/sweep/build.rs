//! The setup of one sweep group: all its points' models on one model axis M (point-major,
//! `seeds` models per point). Each model is initialized as it would be alone (its own layout,
//! parametrization and seed), then embedded into the group's layout, whose hidden widths are
//! the largest of the group: the padding starts at 0 and has learning-rate multiplier 0, so
//! under SGD, momentum or Adam (with L2, L1, decoupled decay, clipping) it stays exactly 0, and
//! since σ(0) = 0 for the activations `super::width_batches` admits, padded units add exact
//! zeros to every sum: a padded model trains bit-for-bit like the model alone (on the CPU; the
//! GPU matches within the usual tolerance). A learning-rate axis multiplies each model's
//! multipliers by lr/lr₀ (lr₀ = the group's first point).

use super::SweepPoint;
use crate::core::data::Data;
use crate::core::init::{self, InitSpec};
use crate::core::mlp::Layout;
use crate::core::optim::Method;
use crate::engine::Setup;
use crate::experiment::Experiment;

/// The group's experiment (its first point, with every hidden layer as wide as the widest of
/// the group and `seeds` = the models of the group), its data and the setup of all models.
pub fn group_setup(points: &[&SweepPoint]) -> Result<(Experiment, Data, Setup), String> {
    let first = points.first().ok_or("a sweep group needs a point")?;
    let mut base = first.exp.clone();
    let depth = base.layers.len();
    if points.iter().any(|p| p.exp.layers.len() != depth) {
        return Err("points of one sweep group must have the same depth".into());
    }
    for p in points {
        for (b, w) in base.layers.iter_mut().zip(&p.exp.layers) {
            *b = (*b).max(*w);
        }
    }
    let seeds = base.seeds.max(1) as usize;
    let models = points.len() * seeds;
    let mut group = base.clone();
    group.seeds = models as u32;
    let (data, mut setup) = crate::train::setup(&group);
    let layout = setup.layout.clone();
    let p = layout.p;
    let mut params = vec![0.0f32; models * p];
    let mut lr_mask = vec![0.0f32; models * p];
    let lr0 = base.lr.max(f32::MIN_POSITIVE);
    for (j, pt) in points.iter().enumerate() {
        let own = Layout::from_experiment(&pt.exp, seeds);
        if own.layers.len() != layout.layers.len() {
            return Err("points of one sweep group must have the same layer structure".into());
        }
        let plan = init::plan(&own, &InitSpec::from_experiment(&pt.exp), Method::from(pt.exp.opt));
        let own_params = plan.params(&own, pt.init_seed);
        let ratio = pt.exp.lr / lr0;
        let own_mask: Vec<f32> = plan.lr_mask(&own).iter().map(|&v| v * ratio).collect();
        for s in 0..seeds {
            let m = j * seeds + s;
            let dst = m * p..(m + 1) * p;
            embed(&own, &layout, &own_params[s * own.p..(s + 1) * own.p], &mut params[dst.clone()]);
            embed(&own, &layout, &own_mask, &mut lr_mask[dst]);
        }
    }
    setup.params = params;
    // Shared multipliers when every model has the same ones (the fused GPU plan takes those).
    let shared = lr_mask.chunks(p.max(1)).all(|c| c == &lr_mask[..p]);
    setup.lr_mask = if shared { lr_mask[..p].to_vec() } else { lr_mask };
    base.seeds = models as u32;
    Ok((base, data, setup))
}

/// Copy one model's per-parameter values (weights W [i, o] then bias [o] per slot) from layout
/// `own` into the wider layout `to`; entries of `to` beyond `own`'s widths are left as they are.
pub fn embed(own: &Layout, to: &Layout, src: &[f32], dst: &mut [f32]) {
    for (a, b) in own.layers.iter().zip(&to.layers) {
        let (i, o) = (a.i.min(b.i), a.o.min(b.o));
        for r in 0..i {
            dst[b.w_off + r * b.o..][..o].copy_from_slice(&src[a.w_off + r * a.o..][..o]);
        }
        dst[b.b_off..b.b_off + o].copy_from_slice(&src[a.b_off..a.b_off + o]);
    }
}

/// The inverse of [`embed`]: one model's values in layout `own` from the wider layout `to`.
pub fn extract(own: &Layout, to: &Layout, src: &[f32]) -> Vec<f32> {
    let mut out = vec![0.0; own.p];
    for (a, b) in own.layers.iter().zip(&to.layers) {
        let (i, o) = (a.i.min(b.i), a.o.min(b.o));
        for r in 0..i {
            out[a.w_off + r * a.o..][..o].copy_from_slice(&src[b.w_off + r * b.o..][..o]);
        }
        out[a.b_off..a.b_off + o].copy_from_slice(&src[b.b_off..b.b_off + o]);
    }
    out
}
