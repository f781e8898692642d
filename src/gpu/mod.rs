//! `gpu`: the wgpu engine — context (device with the adapter's limits), the WGSL kernels of
//! `shaders/`, the memory plan checked before allocation, and the static step plan that runs
//! K training steps per submit and reads metrics back without blocking (DESIGN.md §3).

pub mod builder;
pub mod context;
pub mod fused;
pub mod kan;
pub mod kernels;
pub mod memory;
pub mod oneshot;
pub mod plan;
pub mod readback;
pub mod tfm;
pub mod tfm_kernels;

pub use context::GpuContext;
pub use plan::{GpuBackend, PlanKind};
