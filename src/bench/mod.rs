//! Benchmark workloads of the performance issue (P1–P4), shared by `grokpad bench` (native) and
//! the browser bench page, so both sides train exactly the same thing. Each workload fixes the
//! data, the layout, the init (Glorot uniform, zero biases: TF.js's dense default), the loss and
//! the optimizer; the TF.js side of the page rebuilds the same model from `spec`.
//! P3 is the modular-addition task of Power et al. (2022), one-hot inputs, as in Doshi et al.

use crate::core::data::{Data, Split};
use crate::core::mlp::Layout;
use crate::core::ops::Act;
use crate::core::rng::{stream, Rng};
use crate::engine::Setup;
use crate::experiment::{Dataset, Experiment, Loss, Optimizer};
use serde::Serialize;

#[cfg(not(target_arch = "wasm32"))]
pub mod native;
#[cfg(target_arch = "wasm32")]
pub mod parity;
#[cfg(not(target_arch = "wasm32"))]
pub mod sweeps;
#[cfg(target_arch = "wasm32")]
pub mod web;
#[cfg(target_arch = "wasm32")]
pub mod webtoken;
pub mod widths;

/// All workload names, in report order.
pub const NAMES: &[&str] = &["P1", "P2", "P3", "P4-seeds", "P4-widths"];

/// What a workload trains (also sent to the TF.js side).
#[derive(Clone, Debug, Serialize)]
pub struct Spec {
    pub name: &'static str,
    pub description: &'static str,
    pub widths: Vec<usize>,
    /// "tanh" | "relu".
    pub act: &'static str,
    /// "mse" (tanh output, ±1 targets) | "ce" (softmax).
    pub loss: &'static str,
    /// "sgd" | "adam" | "adamw".
    pub opt: &'static str,
    pub lr: f32,
    pub wd: f32,
    pub batch: usize,
    /// Models trained together (P4: 64 seeds).
    pub models: usize,
    /// Steps per timed repeat (per model).
    pub steps: u64,
    /// Width sweep (P4-widths): model k's hidden width; `widths` holds the padded maximum.
    pub member_widths: Vec<usize>,
    /// GPU: always the per-op plan (P4-widths: the same kernels together and one by one).
    pub per_op: bool,
}

/// Which models of a workload a session trains.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// All `spec.models` together (model m seeded 1 + m).
    All,
    /// Model k alone, as in a run of its own (seed 1 + k; its own width in a width sweep).
    Member(usize),
}

/// A workload ready to run: its spec, the data, and the experiment carrying seed and hyperparameters.
pub struct Workload {
    pub spec: Spec,
    pub data: Data,
    pub exp: Experiment,
}

fn tfp_data(kind: Dataset, n: u32, seed: u64) -> (Data, Experiment) {
    let e = Experiment { data: kind, n, seed, ..Default::default() };
    (crate::core::data::make(&e), e)
}

/// Modular addition a + b mod p over all p² pairs, one-hot(a) ++ one-hot(b), split 50/50 by seed.
pub fn modular_addition(p: usize, seed: u64) -> Data {
    let mut pairs: Vec<(usize, usize)> = (0..p).flat_map(|a| (0..p).map(move |b| (a, b))).collect();
    Rng::new(seed, stream::SPLIT).shuffle(&mut pairs);
    let split = |s: &[(usize, usize)]| {
        let mut x = vec![0.0f32; s.len() * 2 * p];
        for (k, &(a, b)) in s.iter().enumerate() {
            x[k * 2 * p + a] = 1.0;
            x[k * 2 * p + p + b] = 1.0;
        }
        Split::classified(x, s.iter().map(|&(a, b)| ((a + b) % p) as u8).collect())
    };
    let n_train = pairs.len() / 2;
    let (train, test) = (split(&pairs[..n_train]), split(&pairs[n_train..]));
    Data { train, test, inputs: 2 * p, classes: p, lift: crate::core::data::Lift::Coords { dim: 2 * p } }
}

/// The workload called `name` (see [`NAMES`]).
pub fn workload(name: &str) -> Option<Workload> {
    let (spec, (data, exp)) = match name {
        "P1" | "P4-seeds" => {
            let models = if name == "P1" { 1 } else { 64 };
            let description = if models == 1 {
                "2→8→8→1 tanh, batch 10, SGD (TF Playground size), circle"
            } else {
                "64 seeds of P1 trained together"
            };
            let spec = Spec {
                name: if models == 1 { "P1" } else { "P4-seeds" },
                description,
                widths: vec![2, 8, 8, 1],
                act: "tanh",
                loss: "mse",
                opt: "sgd",
                lr: 0.03,
                wd: 0.0,
                batch: 10,
                models,
                steps: 2000,
                member_widths: vec![],
                per_op: false,
            };
            (spec, tfp_data(Dataset::Circle, 500, 1))
        }
        "P2" => {
            let spec = Spec {
                name: "P2",
                description: "2→256→256→2 relu, batch 256, Adam, spiral (1000 points)",
                widths: vec![2, 256, 256, 2],
                act: "relu",
                loss: "ce",
                opt: "adam",
                lr: 0.001,
                wd: 0.0,
                batch: 256,
                models: 1,
                steps: 20,
                member_widths: vec![],
                per_op: false,
            };
            (spec, tfp_data(Dataset::Spiral, 1000, 1))
        }
        "P3" => {
            let spec = Spec {
                name: "P3",
                description: "one-hot(2·97)→512 relu→97, batch 512, AdamW (wd 1), a+b mod 97",
                widths: vec![194, 512, 97],
                act: "relu",
                loss: "ce",
                opt: "adamw",
                lr: 0.001,
                wd: 1.0,
                batch: 512,
                models: 1,
                steps: 5,
                member_widths: vec![],
                per_op: false,
            };
            (spec, (modular_addition(97, 1), Experiment::default()))
        }
        "P4-widths" => {
            let member_widths = widths::sweep();
            let spec = Spec {
                name: "P4-widths",
                description: "64 widths 1..512 of 2→w→1 tanh, batch 10, SGD, circle: one padded batch",
                widths: vec![2, *member_widths.iter().max().unwrap_or(&1), 1],
                act: "tanh",
                loss: "mse",
                opt: "sgd",
                lr: 0.03,
                wd: 0.0,
                batch: 10,
                models: member_widths.len(),
                steps: 200,
                member_widths,
                per_op: true,
            };
            (spec, tfp_data(Dataset::Circle, 500, 1))
        }
        _ => return None,
    };
    let exp = Experiment { lr: spec.lr, wd: spec.wd, l2: 0.0, ..exp };
    Some(Workload { spec, data, exp })
}

impl Workload {
    /// The layout over `models` models.
    pub fn layout(&self, models: usize) -> Layout {
        self.layout_of(&self.spec.widths, models)
    }

    fn layout_of(&self, widths: &[usize], models: usize) -> Layout {
        let act = if self.spec.act == "relu" { Act::Relu } else { Act::Tanh };
        let loss = if self.spec.loss == "ce" { Loss::Ce } else { Loss::Mse };
        Layout::new(widths, act, loss, models)
    }

    /// A backend setup for `models` models, model m seeded `first_seed + m`.
    pub fn setup(&self, models: usize, first_seed: u64) -> Setup {
        let layout = self.layout(models);
        let params = layout.init(first_seed);
        self.setup_with(layout, params)
    }

    /// The setup of `part`: in a width sweep, members keep their own widths and the whole sweep
    /// is one padded batch (`widths::embed`).
    pub fn part_setup(&self, part: Part) -> Setup {
        let member = |k: usize| {
            let mut ws = self.spec.widths.clone();
            if let Some(&w) = self.spec.member_widths.get(k) {
                ws[1] = w;
            }
            let narrow = self.layout_of(&ws, 1);
            let params = narrow.init(1 + k as u64);
            (narrow, params)
        };
        match part {
            Part::Member(k) => {
                let (l, p) = member(k);
                self.setup_with(l, p)
            }
            Part::All if self.spec.member_widths.is_empty() => self.setup(self.spec.models, 1),
            Part::All => {
                let wide = self.layout(self.spec.models);
                let mut params = vec![0.0; wide.models * wide.p];
                for k in 0..wide.models {
                    let (l, p) = member(k);
                    widths::embed(&l, &p, &wide, k, &mut params);
                }
                self.setup_with(wide, params)
            }
        }
    }

    fn setup_with(&self, layout: Layout, params: Vec<f32>) -> Setup {
        let opt = if self.spec.opt == "sgd" { Optimizer::Sgd } else { Optimizer::Adam };
        Setup::new(layout, opt, self.spec.batch, self.data.train.clone(), self.data.test.clone(), params)
    }
}

/// A session of `part` of workload `w` on the GPU context given, else on the CPU reference.
/// Shared by the native and the browser harness.
pub fn session(
    w: &Workload,
    part: Part,
    gpu: Option<&std::sync::Arc<crate::gpu::GpuContext>>,
) -> Result<crate::train::Session, String> {
    let s = w.part_setup(part);
    let models = s.layout.models;
    let kind = if w.spec.per_op { crate::gpu::PlanKind::PerOp } else { crate::gpu::PlanKind::Auto };
    let b: Box<dyn crate::engine::Backend> = match gpu {
        Some(ctx) => Box::new(crate::gpu::GpuBackend::new_with(ctx.clone(), s, 0, kind)?),
        None => Box::new(crate::engine::cpu::CpuBackend::new(s, 0)),
    };
    Ok(crate::train::Session::from_parts(w.exp.clone(), w.data.clone(), b, w.spec.batch, models, 0))
}

/// Median of a list of samples (NaN for none).
pub fn median(v: &[f64]) -> f64 {
    let mut s: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if s.is_empty() {
        return f64::NAN;
    }
    s.sort_by(|a, b| a.total_cmp(b));
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        0.5 * (s[n / 2 - 1] + s[n / 2])
    }
}

/// One result row (also the JSON written by the browser harness).
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub workload: String,
    pub engine: &'static str,
    pub backend: String,
    pub adapter: String,
    /// Model-steps per second: steps × models / seconds (median over repeats).
    pub steps_per_s: f64,
    pub samples: Vec<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workloads_are_well_formed() {
        for n in NAMES {
            let w = workload(n).unwrap();
            let s = w.setup(w.spec.models, 1);
            assert_eq!(s.params.len(), w.spec.models * s.layout.p);
            assert_eq!(w.data.train.x.len(), w.data.train.len() * w.spec.widths[0]);
            assert!(w.data.train.y.iter().all(|&y| (y as usize) < w.spec.widths.last().copied().unwrap().max(2)));
        }
        let d = modular_addition(5, 1);
        assert_eq!(d.train.len() + d.test.len(), 25);
        let k = 3;
        let a = d.train.x[k * 10..k * 10 + 5].iter().position(|&v| v == 1.0).unwrap();
        let b = d.train.x[k * 10 + 5..k * 10 + 10].iter().position(|&v| v == 1.0).unwrap();
        assert_eq!(d.train.y[k] as usize, (a + b) % 5);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
