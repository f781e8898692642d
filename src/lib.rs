//! Grokpad: a browser lab for how neural networks learn, memorize and overfit.
//! Layers (DESIGN.md §2): `ui` → `experiment` / `train` → `engine` (cpu, gpu) → `core`;
//! `plot` draws on any plotters backend. The binary (`main.rs`) mounts the app on wasm and is
//! the CLI natively.

pub mod bench;
pub mod core;
pub mod engine;
pub mod experiment;
pub mod gpu;
pub mod plot;
pub mod rf;
pub mod scores;
pub mod sweep;
pub mod train;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
#[cfg(target_arch = "wasm32")]
pub mod ui;
/// Natively only the page's pure logic, so its unit tests run without a browser.
#[cfg(not(target_arch = "wasm32"))]
pub mod ui {
    pub mod dataedit_logic;
    pub mod grok_logic;
    pub mod kanprune;
    pub mod kanrun;
    pub mod kansnap;
    pub mod kanview;
    pub mod kanvs;
    pub mod netview;
}
