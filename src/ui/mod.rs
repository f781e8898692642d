//! `ui`: the Leptos (CSR) page. Holds one reactive `Experiment` (the URL's content) and a handle
//! to the running session; no math, no wgpu here (DESIGN.md §2).

pub mod app;
pub mod controls;
pub mod draw;
pub mod runner;

/// Mount the app on `<body>` (called from `main` on wasm).
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
