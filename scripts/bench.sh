#!/usr/bin/env bash
# Benchmarks (numbers, never pass/fail on speed): builds the app, runs the browser harness
# (Grokpad WebGPU + wasm CPU vs TF.js webgpu/wasm/cpu in the same headless Chromium run; writes
# target/bench/browser.json and browser.md), then `grokpad bench` natively (CPU and wgpu).
# Usage: scripts/bench.sh [--quick] [--repeats N] [--workloads P1,P2]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export WGPU_BACKEND="${WGPU_BACKEND:-vulkan}" XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
[ -e /usr/share/vulkan/icd.d/lvp_icd.x86_64.json ] && export VK_ICD_FILENAMES="${VK_ICD_FILENAMES:-/usr/share/vulkan/icd.d/lvp_icd.x86_64.json}"
cargo fetch
trunk build --release
node scripts/bench-browser.mjs "$@"
cargo run --release --quiet -- bench --repeats 5
