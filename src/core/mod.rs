//! `core`: the plain-Rust reference of everything Grokpad computes — random streams, datasets,
//! ops (forward + backward), the MLP layout and initialization, losses and optimizers.
//! It knows nothing of the web or wgpu and is the oracle every other part is tested against
//! (DESIGN.md §2).

pub mod check;
pub mod data;
pub mod init;
pub mod kan;
pub mod mlp;
pub mod ops;
pub mod optim;
pub mod progress;
pub mod rng;
pub mod tfm;
