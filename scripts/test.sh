#!/usr/bin/env bash
# Runs every Grokpad test: formatting and lints (native + wasm32), core/op/URL/plot/CLI tests,
# GPU-vs-CPU parity on lavapipe (native Vulkan), the release web build, and the browser
# end-to-end test in headless Chromium (WebGPU on and off). Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Native GPU tests run on lavapipe (Vulkan on the CPU); they fail, not skip, without an adapter.
export WGPU_BACKEND=vulkan
export VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
step() { echo; echo "=== $* ==="; }

step "fetch"; cargo fetch
step "fmt"; cargo fmt --check
step "clippy (native)"; cargo clippy --all-targets -- -D warnings
step "clippy (wasm32)"; cargo clippy --target wasm32-unknown-unknown --lib --bins -- -D warnings
step "tests (native, GPU on lavapipe)"; cargo test
step "web build"; trunk build --release
step "browser e2e"; node tests/browser/e2e.mjs
step "browser playground (presets, drawn points, CSV import/export)"; node tests/browser/playground.mjs
step "browser network view (diagram, weight editor, class probabilities, large CSV)"; node tests/browser/network.mjs
step "browser sweep lab (rf double descent, trained width sweep)"; node tests/browser/sweep.mjs
step "browser score lab (memorization scores, score vs frequency, pruning curve)"; node tests/browser/scores.mjs
step "browser grokking view (a×b table, curves, spectrum, IPR, pruning)"; node tests/browser/grok.mjs
step "browser KAN views (diagram, edge suggestions, snapping, formula, KAN vs MLP)"; node tests/browser/kan.mjs
step "browser hostile-URL fuzz"; node tests/browser/fuzz.mjs --count 300 --huge 3
step "soak (short: memory and survival only)"; node scripts/soak.mjs --minutes 1.5 --webgpu
step "benchmark harness (smoke: completes and prints a table; numbers are not checked)"
node scripts/bench-browser.mjs --quick
echo; echo "all tests passed"
