//! `ui`: the Leptos (CSR) page. Holds one reactive `Experiment` (the URL's content) and a handle
//! to the running session; no math, no wgpu here (DESIGN.md §2).

pub mod app;
pub mod controls;
pub mod dataedit;
pub mod dataedit_logic;
pub mod diagram;
pub mod draw;
pub mod export;
pub mod grok;
pub mod grok_logic;
pub mod grokattn;
pub mod kancompare;
pub mod kanpanel;
pub mod kanprune;
pub mod kanrun;
pub mod kansnap;
pub mod kanview;
pub mod kanvs;
pub mod keys;
pub mod netview;
pub mod network;
pub mod output;
pub mod presets;
pub mod resume;
pub mod runner;
pub mod scorelab;
pub mod sweeplab;
pub mod widgets;

/// Mount the app on `<body>` (called from `main` on wasm). The benchmark page (`bench.html`)
/// loads the same module only for its exported `bench_*` functions, so nothing is mounted there.
pub fn mount() {
    console_error_panic_hook::set_once();
    let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
    if path.ends_with("bench.html") {
        return;
    }
    leptos::mount::mount_to_body(app::App);
}
