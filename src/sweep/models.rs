//! Sweep groups of every model kind: the setup a group's backend is built from
//! ([`ModelSetup`]: an MLP's `engine::Setup`, a KAN's `engine::kan::KanSetup`, a token model's
//! `engine::tfm::TfmSetup`), the factory that builds backends for any of them ([`AnyFactory`];
//! a GPU token-model backend plugs in there), and the KAN and token-model group setups: every
//! point of a group has the same experiment but its initialization seed (`super::axis_batches`
//! batches only the `seed` axis for them), so the group is `points × seeds` models of one shape,
//! point j's model s initialized from `init_seed + s` exactly as a run of its own with `seeds`
//! models would be (`KanLayout::init`, `Net::init`: model m from seed + m), seeing the same
//! batches (`train::Session`: every model draws the batches of the run's seed).

use super::SweepPoint;
use crate::core::data::Data;
use crate::core::kan::KanLayout;
use crate::engine::kan::{head_of, KanCpu, KanSetup};
use crate::engine::tfm::{TfmCpu, TfmSetup};
use crate::engine::{cpu::CpuBackend, Backend, Setup};
use crate::experiment::{Experiment, Model};

/// What one sweep group's backend is built from.
#[derive(Clone, Debug)]
pub enum ModelSetup {
    Mlp(Setup),
    Kan(KanSetup),
    Tfm(TfmSetup),
}

/// Builds a backend for a group of any model: the group's experiment (`seeds` = its models)
/// and its setup.
pub type AnyFactory<'a> = dyn FnMut(&Experiment, ModelSetup) -> Result<Box<dyn Backend>, String> + 'a;

impl ModelSetup {
    /// Minibatch size B.
    pub fn batch(&self) -> usize {
        match self {
            ModelSetup::Mlp(s) => s.batch,
            ModelSetup::Kan(s) => s.batch,
            ModelSetup::Tfm(s) => s.batch,
        }
    }

    /// Models M of the group.
    pub fn models(&self) -> usize {
        match self {
            ModelSetup::Mlp(s) => s.layout.models,
            ModelSetup::Kan(s) => s.layout.models,
            ModelSetup::Tfm(s) => s.net.models(),
        }
    }

    /// Whether there are training points.
    pub fn has_train(&self) -> bool {
        match self {
            ModelSetup::Mlp(s) => !s.train.is_empty(),
            ModelSetup::Kan(s) => !s.train.is_empty(),
            ModelSetup::Tfm(s) => !s.train.is_empty(),
        }
    }
}

/// The CPU backend of a setup (`CpuBackend`, `KanCpu`, `TfmCpu`).
pub fn cpu_backend(s: ModelSetup) -> Box<dyn Backend> {
    match s {
        ModelSetup::Mlp(s) => Box::new(CpuBackend::new(s, 0)),
        ModelSetup::Kan(s) => Box::new(KanCpu::new(s, 0)),
        ModelSetup::Tfm(s) => Box::new(TfmCpu::new(s, 0)),
    }
}

/// The KAN of `e` for `models` models (as `engine::kan::setup` lays it out).
pub fn kan_layout(e: &Experiment, models: usize) -> KanLayout {
    KanLayout::new(&e.widths(), e.grid as usize, e.order as usize, head_of(e), models).with_basis(e.basis)
}

/// `e` with `seeds` models.
fn same_run(e: &Experiment, seeds: u32) -> Experiment {
    Experiment { seeds, ..e.clone() }
}

/// The group's experiment (`seeds` = its models), data and setup for a KAN or a token model;
/// `Err` when the points differ in more than their seeds (they cannot share a backend) or the
/// models are too large.
pub fn group_setup(points: &[&SweepPoint]) -> Result<(Experiment, Data, ModelSetup), String> {
    let first = points.first().ok_or("a sweep group needs a point")?;
    let seeds = first.exp.seeds.max(1);
    if points.iter().any(|p| p.exp != first.exp) {
        return Err("points of one KAN or token-model sweep group must differ in their seed only".into());
    }
    let models = points.len() * seeds as usize;
    let group = same_run(&first.exp, models as u32);
    match first.exp.model {
        Model::Mlp => Err("MLP groups are built by `sweep::build::group_setup`".into()),
        Model::Kan => {
            let (data, mut s) = crate::engine::kan::setup(&group);
            let own = kan_layout(&first.exp, seeds as usize);
            s.params = points.iter().flat_map(|p| own.init(p.init_seed)).collect();
            crate::engine::kan::check_size(&s)?;
            Ok((group, data, ModelSetup::Kan(s)))
        }
        Model::Emb | Model::Tfm => {
            let (data, mut s) = crate::engine::tfm::setup(&group)?;
            let own = crate::engine::tfm::net_of(&same_run(&first.exp, seeds)).ok_or("not a token model")?;
            s.params = points.iter().flat_map(|p| own.init(p.init_seed)).collect();
            crate::engine::tfm::check_size(&s)?;
            Ok((group, data, ModelSetup::Tfm(s)))
        }
    }
}
