//! Grokpad's binary: in the browser (wasm32) it mounts the Leptos app; natively it is the CLI
//! (`grokpad run --url ...`).

#[cfg(target_arch = "wasm32")]
fn main() {
    grokpad::ui::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(grokpad::cli::main());
}
