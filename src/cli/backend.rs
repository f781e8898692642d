//! The CLI's backend choice for a link (DESIGN.md §4): MLPs on the CPU reference or the GPU plan,
//! KANs on `gpu::kan::KanGpu` where it supports them, token models on `gpu::tfm::TfmGpu` (Nanda
//! et al. 2023's transformer, PAIR's embedding MLP), everything else on the CPU with a notice.

use crate::engine::cpu::CpuBackend;
use crate::engine::Backend;
use crate::experiment::Experiment;
use crate::gpu::{GpuBackend, GpuContext};
use crate::train::setup;
use std::sync::Arc;

/// The data, the backend, and how to rebuild it after a hand edit (`wedit`; GPU runs stay on
/// the GPU).
pub(super) type Built = (crate::core::data::Data, Box<dyn Backend>, Option<crate::train::wedit::Rebuild>);

pub(super) fn make_backend(e: &Experiment, gpu: bool) -> Result<Built, String> {
    if e.model == crate::experiment::Model::Kan {
        let (d, s) = crate::engine::kan::setup(e);
        if d.train.is_empty() {
            return Err("no training points: custom data needs drawn points (`pts`) or a CSV import".into());
        }
        crate::engine::kan::check_size(&s)?;
        if gpu && crate::gpu::kan::gpu_supports(e) {
            let ctx = Arc::new(GpuContext::new_blocking()?);
            return Ok((d, Box::new(crate::gpu::kan::KanGpu::new(ctx, s, 0)?), None));
        }
        if gpu {
            eprintln!("grokpad: notice: this KAN trains on the CPU reference ({})", crate::gpu::kan::cpu_reason(e));
        }
        return Ok((d, Box::new(crate::engine::kan::KanCpu::new(s, 0)), None));
    }
    if matches!(e.model, crate::experiment::Model::Emb | crate::experiment::Model::Tfm) {
        let (d, s) = crate::engine::tfm::setup(e)?;
        crate::engine::tfm::check_size(&s)?;
        if gpu {
            let ctx = Arc::new(GpuContext::new_blocking()?);
            return Ok((d, Box::new(crate::gpu::tfm::TfmGpu::new(ctx, s, 0)?), None));
        }
        return Ok((d, Box::new(crate::engine::tfm::TfmCpu::new(s, 0)), None));
    }
    let (d, s) = setup(e);
    if d.train.is_empty() {
        return Err("no training points: custom data needs drawn points (`pts`) or a CSV import".into());
    }
    if gpu {
        let ctx = Arc::new(GpuContext::new_blocking()?);
        let b = Box::new(GpuBackend::new(ctx.clone(), s, 0)?);
        let rebuild: crate::train::wedit::Rebuild =
            Box::new(move |s, step| Ok(Box::new(GpuBackend::new(ctx.clone(), s, step)?) as Box<dyn Backend>));
        Ok((d, b, Some(rebuild)))
    } else {
        Ok((d, Box::new(CpuBackend::new(s, 0)), None))
    }
}
