//! What an experiment needs from the GPU, computed before anything is allocated, and the check
//! against the limits the device actually granted (`maxStorageBufferBindingSize`,
//! `maxBufferSize`) plus a sane total budget. A refusal names the knob to turn down.

use crate::core::mlp::Layout;

/// Total bytes Grokpad allows itself on a device.
pub const BUDGET: u64 = 1 << 30;

/// One planned buffer: name, bytes, and the URL knob that grows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Need {
    pub name: &'static str,
    pub bytes: u64,
    pub knob: &'static str,
}

/// Steps encoded per submit: at most 256, and the index buffer stays ≤ 16 MiB.
pub fn steps_per_submit(models: usize, batch: usize) -> usize {
    ((16usize << 20) / (4 * models * batch).max(1)).clamp(1, 256)
}

/// Every buffer the step and evaluation plans allocate.
pub fn plan(layout: &Layout, batch: usize, n_train: usize, n_test: usize) -> Vec<Need> {
    let m = layout.models as u64;
    let p = layout.p as u64 * m * 4;
    let b = batch as u64;
    let wmax = layout.layers.iter().map(|l| l.o).max().unwrap_or(1) as u64;
    // Splits are evaluated for all M models; the boundary grid for model 0 only.
    let nmax = (m as usize * n_train.max(n_test)).max(crate::engine::GRID_RES * crate::engine::GRID_RES) as u64;
    // Per slot: activations and dz, plus z (`keeps_z`) and the activation gradient (skips).
    let act: u64 = (0..layout.layers.len())
        .map(|k| {
            let l = &layout.layers[k];
            let bufs = 2 + u64::from(layout.keeps_z(k)) + u64::from(l.skip > 0);
            bufs * m * b * l.o as u64 * 4
        })
        .sum();
    let hourglass = layout.layers.iter().any(|l| l.skip == 2);
    let k = steps_per_submit(layout.models, batch) as u64;
    vec![
        Need { name: "parameters, gradients, Adam moments", bytes: 4 * p, knob: "layers" },
        Need { name: "dataset", bytes: (n_train + n_test) as u64 * 12, knob: "n" },
        Need { name: "minibatch indices", bytes: k * m * b * 4, knob: "bs" },
        Need { name: "training activations and gradients", bytes: act, knob: "bs" },
        Need { name: "evaluation activations (largest layer)", bytes: nmax * wmax * 4, knob: "layers" },
        Need { name: "evaluation activations (second buffer)", bytes: nmax * wmax * 4, knob: "layers" },
        Need {
            name: "evaluation activations (hourglass skips)",
            bytes: u64::from(hourglass) * nmax * wmax * 4,
            knob: "hourglass",
        },
    ]
}

/// `Ok` if each buffer fits a storage binding and a buffer, and the total fits the budget.
pub fn check(needs: &[Need], max_binding: u64, max_buffer: u64) -> Result<u64, String> {
    let limit = max_binding.min(max_buffer);
    for n in needs {
        if n.bytes > limit {
            return Err(format!(
                "this experiment needs {} MiB for {} but the GPU allows {} MiB per buffer: reduce `{}`",
                n.bytes >> 20,
                n.name,
                limit >> 20,
                n.knob
            ));
        }
    }
    let total: u64 = needs.iter().map(|n| n.bytes).sum();
    if total > BUDGET {
        let big = needs.iter().max_by_key(|n| n.bytes).expect("non-empty plan");
        return Err(format!(
            "this experiment needs {} MiB of GPU memory (budget {} MiB); most of it for {}: reduce `{}`",
            total >> 20,
            BUDGET >> 20,
            big.name,
            big.knob
        ));
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ops::Act;
    use crate::experiment::Loss;

    #[test]
    fn small_fits_huge_is_refused_with_knob() {
        let small = Layout::new(&[2, 4, 2, 1], Act::Tanh, Loss::Mse, 1);
        assert!(check(&plan(&small, 10, 250, 250), 128 << 20, 256 << 20).is_ok());
        let huge = Layout::new(&[2, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 1], Act::Relu, Loss::Mse, 64);
        let err = check(&plan(&huge, 5000, 5000, 5000), 128 << 20, 256 << 20).unwrap_err();
        assert!(err.contains("reduce `"), "{err}");
    }
}
