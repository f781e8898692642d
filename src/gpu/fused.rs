//! The fused small-model path (DESIGN.md §3, "fused tiny-model path"): for TF-Playground-sized
//! MLPs ONE compute dispatch runs K whole training steps (gather → forward → loss head →
//! backward → optimizer update) for all M models, one invocation per model and no barriers
//! (SwiftShader runs barrier kernels ~10× slower, DESIGN.md §7). The WGSL template
//! `shaders/fused.wgsl` is specialized here per layout (layer count, widths, offsets, batch,
//! activations, loss, optimizer become literals), so the activations, gradients and parameters
//! live in fixed-size private arrays. Per-step hyperparameters come from a storage array of K
//! `Slot`s written per submit; batch indices from the step plan's index buffer at `idx_off`.
//! The math is `engine::cpu::CpuBackend::step` (backprop formulas as in `core::ops`, updates as
//! in `core::optim`), in the same summation order.

use super::context::GpuContext;
use super::kernels::Slot;
use crate::core::mlp::Layout;
use crate::core::ops::Act;
use crate::core::optim::{Method, StepHyper};
use crate::experiment::{Loss, Optimizer};
use std::fmt::Write;
use wgpu::{Buffer, BufferUsages as U};

/// Widest layer (inputs included) the fused path takes.
pub const MAX_WIDTH: usize = 32;
/// Largest minibatch the fused path takes.
pub const MAX_BATCH: usize = 64;
/// Cap on the private floats of one invocation (24 KiB): minibatch, activations, gradients,
/// parameters and Adam moments.
pub const MAX_PRIVATE: usize = 6144;
/// Invocations per workgroup (one per model). Small on purpose: CPU-backed adapters (lavapipe,
/// SwiftShader) run a workgroup on one thread across its SIMD lanes, so 64 models in groups of 8
/// spread over the cores (`grokpad bench --sweep --backend gpu`, 64 seeds on 2-core lavapipe:
/// 7.1× → 12.3× over the runs one after another); at these model counts a real GPU runs each
/// group on its own compute unit, so the latency of a step does not grow.
const WG_MAX: usize = 8;
/// Loop iterations one dispatch may run. lavapipe (gallivm) stops every shader after 65,535
/// loop iterations in total (`LP_MAX_TGSI_LOOP_ITERATIONS`, a watchdog against infinite loops)
/// and silently drops the rest, so a submit's steps are split into dispatches under this budget
/// (which also keeps single dispatches short on real GPUs' watchdogs).
pub const LOOP_BUDGET: usize = 60_000;
/// Stride of the per-dispatch control uniform (WebGPU's dynamic-offset alignment).
const CTL_STRIDE: usize = 256;

const TEMPLATE: &str = include_str!("../../shaders/fused.wgsl");

/// Private floats one invocation holds: xs, targets, acts + dz per layer, params (+ 2 moments).
pub fn private_floats(layout: &Layout, batch: usize, adam: bool) -> usize {
    let outs: usize = layout.layers.iter().map(|l| l.o).sum();
    batch * (layout.inputs() + 1 + 2 * outs) + layout.p * if adam { 3 } else { 1 }
}

/// An upper bound on the loop iterations of one training step (no loop assumed unrolled).
pub fn loop_iters_per_step(layout: &Layout, batch: usize) -> usize {
    let b = batch;
    let mut n = 1 + b * (1 + layout.inputs());
    for (k, l) in layout.layers.iter().enumerate() {
        let (i, o) = (l.i, l.o);
        n += b * (1 + o * (1 + i)) + i * (1 + o * (1 + b)) + 1 + o * (1 + b);
        if k > 0 {
            n += b * (1 + i * (1 + o));
        }
    }
    n + b * (1 + 3 * layout.outputs())
}

/// Steps per dispatch so that one dispatch stays within `LOOP_BUDGET` (at least 1).
pub fn steps_per_dispatch(layout: &Layout, batch: usize) -> usize {
    let fixed = 4 * layout.p + 8;
    (LOOP_BUDGET.saturating_sub(fixed) / loop_iters_per_step(layout, batch)).max(1)
}

/// Whether the fused kernel takes this layout and batch (for either optimizer); otherwise the
/// per-op plan runs it. Widths ≤ `MAX_WIDTH`, batch ≤ `MAX_BATCH`, private state ≤ `MAX_PRIVATE`.
/// Issue-4 features (new activations, residual skips, hourglass, multipliers, dropout, label
/// smoothing, regression: anything not `Layout::is_plain`) run on the per-op plan.
pub fn supports(layout: &Layout, batch: usize) -> bool {
    layout.is_plain()
        && !layout.layers.is_empty()
        && layout.models > 0
        && (1..=MAX_BATCH).contains(&batch)
        && layout.layers.iter().all(|l| l.i <= MAX_WIDTH && l.o <= MAX_WIDTH && l.i > 0 && l.o > 0)
        && (layout.loss == Loss::Ce || layout.outputs() == 1)
        && private_floats(layout, batch, true) <= MAX_PRIVATE
}

/// Whether the fused kernel implements the setup's static options: plain SGD or Adam (no
/// momentum method) and unit learning-rate multipliers. New parametrizations and optimizers run
/// through the per-op plan instead.
pub fn supports_setup(s: &crate::engine::Setup) -> bool {
    matches!(Method::from(s.opt), Method::Sgd | Method::Adam) && s.lr_mask().iter().all(|&v| v == 1.0)
}

/// Whether the fused kernel implements this step's options: no L1, no gradient clipping and no
/// gradient noise (those steps run through the per-op plan on the same buffers).
pub fn supports_step(h: &StepHyper) -> bool {
    h.l1 == 0.0 && (h.clip <= 0.0 || h.clip.is_nan()) && h.noise == 0.0
}

fn act_expr(a: Act, z: &str) -> String {
    match a {
        Act::Relu => format!("max({z}, 0.0)"),
        Act::Tanh => format!("tanh_s({z})"),
        Act::Sigmoid => format!("1.0 / (1.0 + exp(-{z}))"),
        Act::Linear => z.to_string(),
        Act::Leaky => format!("select(0.01 * {z}, {z}, {z} > 0.0)"),
        // `supports` takes only plain layouts (`Layout::is_plain`): these never reach here.
        Act::Gelu | Act::Silu | Act::Sin | Act::Quad => unreachable!("fused::supports excludes {a:?}"),
    }
}

/// σ'(z) from the output y = σ(z) (`act_grad` in `shaders/common.wgsl`).
fn grad_expr(a: Act, y: &str) -> String {
    match a {
        Act::Relu => format!("select(0.0, 1.0, {y} > 0.0)"),
        Act::Tanh => format!("(1.0 - {y} * {y})"),
        Act::Sigmoid => format!("{y} * (1.0 - {y})"),
        Act::Linear => "1.0".into(),
        Act::Leaky => format!("select(0.01, 1.0, {y} > 0.0)"),
        Act::Gelu | Act::Silu | Act::Sin | Act::Quad => unreachable!("fused::supports excludes {a:?}"),
    }
}

/// The optimizer on element `j` with gradient `g` and decay mask `mk` (`shaders/optim.wgsl`);
/// also adds g² to the step's squared gradient norm.
fn update_stmt(adam: bool, indent: usize) -> String {
    let lines: &[&str] = if adam {
        &[
            "gsq += g * g;",
            "let wj = w[j];",
            "let gg = g + h.l2 * mk * wj;",
            "let a = h.beta1 * v1[j] + (1.0 - h.beta1) * gg;",
            "let v = h.beta2 * v2[j] + (1.0 - h.beta2) * gg * gg;",
            "v1[j] = a;",
            "v2[j] = v;",
            "let decay = h.lr * h.wd * mk * wj;",
            "w[j] = wj - h.lr * (a / h.bc1) / (sqrt(v / h.bc2) + h.eps) - decay;",
        ]
    } else {
        &[
            "gsq += g * g;",
            "let wj = w[j];",
            "let gg = g + h.l2 * mk * wj;",
            "w[j] = wj - h.lr * gg - h.lr * h.wd * mk * wj;",
        ]
    };
    lines.join(&format!("\n{}", " ".repeat(indent)))
}

/// The WGSL of the fused kernel for this layout, batch and optimizer.
pub fn source(layout: &Layout, batch: usize, opt: Optimizer) -> String {
    let (b, nl, p, i0) = (batch, layout.layers.len(), layout.p, layout.inputs());
    let adam = Method::from(opt) == Method::Adam;
    let inp = |k: usize| if k == 0 { "xs".to_string() } else { format!("a{}", k - 1) };
    let (mut decl, mut fwd, mut upd) = (String::new(), String::new(), String::new());
    // Backward data per layer, bottom-up here; emitted top-down.
    let mut bwd: Vec<String> = vec![];
    for (k, l) in layout.layers.iter().enumerate() {
        let (i, o, wo, bo, x) = (l.i, l.o, l.w_off, l.b_off, inp(k));
        let _ = writeln!(decl, "    var a{k} = array<f32, {}>();\n    var d{k} = array<f32, {}>();", b * o, b * o);
        let _ = write!(
            fwd,
            "
        // Layer {k} forward: a = σ(bias + Σ_i x·W) (core::ops::dense_fwd).
        for (var bb = 0u; bb < {b}u; bb++) {{
            for (var o = 0u; o < {o}u; o++) {{
                var s = w[{bo}u + o];
                for (var i = 0u; i < {i}u; i++) {{
                    s += {x}[bb * {i}u + i] * w[{wo}u + i * {o}u + o];
                }}
                a{k}[bb * {o}u + o] = {};
            }}
        }}",
            act_expr(l.act, "s")
        );
        if k > 0 {
            let g = grad_expr(layout.layers[k - 1].act, &format!("a{}[q]", k - 1));
            bwd.push(format!(
                "
        // Layer {k} backward data: d_prev = (Σ_o d·W)·σ'(a_prev) (core::ops::dense_bwd_data).
        for (var bb = 0u; bb < {b}u; bb++) {{
            for (var i = 0u; i < {i}u; i++) {{
                var s = 0.0;
                for (var o = 0u; o < {o}u; o++) {{
                    s += d{k}[bb * {o}u + o] * w[{wo}u + i * {o}u + o];
                }}
                let q = bb * {i}u + i;
                d{}[q] = s * {g};
            }}
        }}",
                k - 1
            ));
        }
        let (u, ub) = (update_stmt(adam, 16), update_stmt(adam, 12));
        let _ = write!(
            upd,
            "
        // Layer {k} gradients (core::ops::dense_bwd_weight) and update (core::optim).
        for (var i = 0u; i < {i}u; i++) {{
            for (var o = 0u; o < {o}u; o++) {{
                var g = 0.0;
                for (var bb = 0u; bb < {b}u; bb++) {{
                    g += {x}[bb * {i}u + i] * d{k}[bb * {o}u + o];
                }}
                let j = {wo}u + i * {o}u + o;
                let mk = 1.0;
                {u}
            }}
        }}
        for (var o = 0u; o < {o}u; o++) {{
            var g = 0.0;
            for (var bb = 0u; bb < {b}u; bb++) {{
                g += d{k}[bb * {o}u + o];
            }}
            let j = {bo}u + o;
            let mk = 0.0;
            {ub}
        }}"
        );
    }
    let (last, c) = (nl - 1, layout.outputs());
    let head = match layout.loss {
        Loss::Mse => format!(
            "
        // MSE head on the tanh output, targets ±1 (core::ops::loss_head).
        for (var bb = 0u; bb < {b}u; bb++) {{
            let a = a{last}[bb];
            let e = a - select(-1.0, 1.0, tb[bb] == 1u);
            d{last}[bb] = e * (1.0 - a * a) * inv_b;
        }}"
        ),
        // `supports` takes only plain layouts (`Layout::is_plain`): never the one-hot square loss.
        Loss::MseOnehot => unreachable!("fused::supports excludes loss=mse-onehot"),
        Loss::Ce => format!(
            "
        // Softmax cross-entropy head: d = (softmax(z) − onehot(t))/B (core::ops::loss_head).
        for (var bb = 0u; bb < {b}u; bb++) {{
            let q = bb * {c}u;
            var mx = a{last}[q];
            for (var j = 1u; j < {c}u; j++) {{
                mx = select(mx, a{last}[q + j], a{last}[q + j] > mx);
            }}
            var se = 0.0;
            for (var j = 0u; j < {c}u; j++) {{
                se += exp(a{last}[q + j] - mx);
            }}
            for (var j = 0u; j < {c}u; j++) {{
                let pj = exp(a{last}[q + j] - mx) / se;
                d{last}[q + j] = (pj - select(0.0, 1.0, j == tb[bb])) * inv_b;
            }}
        }}"
        ),
    };
    let (load, store) = if adam {
        (
            format!(
                "var v1 = array<f32, {p}>();
    var v2 = array<f32, {p}>();
    for (var j = 0u; j < P; j++) {{
        v1[j] = m1[p0 + j];
        v2[j] = m2[p0 + j];
    }}"
            ),
            "for (var j = 0u; j < P; j++) {
        m1[p0 + j] = v1[j];
        m2[p0 + j] = v2[j];
    }"
            .to_string(),
        )
    } else {
        (String::new(), String::new())
    };
    // All of backward data (top-down, old weights) runs before any update.
    let bwd_rev: String = bwd.iter().rev().map(String::as_str).collect();
    // Sections first: the constant names below are prefixes of the section markers.
    TEMPLATE
        .replace("    //$LOAD", &format!("    {load}"))
        .replace("    //$STORE", &format!("    {store}"))
        .replace("    //$DECL\n", &decl)
        .replace("        //$FORWARD", &fwd)
        .replace("        //$HEAD", &head)
        .replace("        //$BACKWARD", &bwd_rev)
        .replace("        //$UPDATE", &upd)
        .replace("$Mu", &format!("{}u", layout.models))
        .replace("$Bu", &format!("{b}u"))
        .replace("$Pu", &format!("{p}u"))
        .replace("$I0u", &format!("{i0}u"))
        .replace("$WGS", &layout.models.min(WG_MAX).to_string())
        .replace("$BI0", &(b * i0).to_string())
        .replace("$B", &b.to_string())
        .replace("$P", &p.to_string())
}

/// The compiled fused kernel of one experiment and its per-submit buffers.
pub struct FusedPlan {
    pipeline: wgpu::ComputePipeline,
    bind_group: wgpu::BindGroup,
    hyp: Buffer,
    ctl: Buffer,
    groups: u32,
    per_dispatch: usize,
    /// Dispatches encoded by the next `encode` (set by `write`).
    pending: std::cell::Cell<usize>,
}

fn layout_entry(binding: u32, ty: wgpu::BufferBindingType) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::COMPUTE,
        ty: wgpu::BindingType::Buffer { ty, has_dynamic_offset: false, min_binding_size: None },
        count: None,
    }
}

impl FusedPlan {
    /// Compile the kernel for `layout`; `bufs` = training x, targets (u32), batch indices,
    /// params, Adam m, Adam v, divergence record [2M] (its second half: the gradient norms)
    /// (the step plan's buffers, shared with evaluation).
    pub fn new(
        ctx: &GpuContext,
        layout: &Layout,
        opt: Optimizer,
        batch: usize,
        k_max: usize,
        bufs: [&Buffer; 7],
    ) -> Self {
        let dev = &ctx.device;
        let module = dev.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("fused"),
            source: wgpu::ShaderSource::Wgsl(source(layout, batch, opt).into()),
        });
        let ro = wgpu::BufferBindingType::Storage { read_only: true };
        let rw = wgpu::BufferBindingType::Storage { read_only: false };
        let mut entries = vec![layout_entry(0, wgpu::BufferBindingType::Uniform)];
        if let wgpu::BindingType::Buffer { has_dynamic_offset, min_binding_size, .. } = &mut entries[0].ty {
            *has_dynamic_offset = true;
            *min_binding_size = wgpu::BufferSize::new(16);
        }
        entries.extend((1..5).map(|b| layout_entry(b, ro)));
        entries.extend((5..9).map(|b| layout_entry(b, rw)));
        let bgl =
            dev.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor { label: Some("fused"), entries: &entries });
        let pl = dev.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("fused"),
            bind_group_layouts: &[Some(&bgl)],
            immediate_size: 0,
        });
        let pipeline = dev.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some("fused"),
            layout: Some(&pl),
            module: &module,
            entry_point: Some("fused"),
            compilation_options: Default::default(),
            cache: None,
        });
        let buf = |label, size: usize, usage| {
            dev.create_buffer(&wgpu::BufferDescriptor {
                label: Some(label),
                size: size as u64,
                usage,
                mapped_at_creation: false,
            })
        };
        let hyp = buf("fused hyper", k_max.max(1) * size_of::<Slot>(), U::STORAGE | U::COPY_DST);
        let per_dispatch = steps_per_dispatch(layout, batch);
        let ctl = buf("fused ctl", k_max.div_ceil(per_dispatch).max(1) * CTL_STRIDE, U::UNIFORM | U::COPY_DST);
        let mut all = vec![&ctl, &hyp];
        all.extend(bufs);
        let entries: Vec<wgpu::BindGroupEntry> = all
            .iter()
            .enumerate()
            .map(|(j, b)| {
                let resource = if j == 0 {
                    wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                        buffer: b,
                        offset: 0,
                        size: wgpu::BufferSize::new(16),
                    })
                } else {
                    b.as_entire_binding()
                };
                wgpu::BindGroupEntry { binding: j as u32, resource }
            })
            .collect();
        let bind_group =
            dev.create_bind_group(&wgpu::BindGroupDescriptor { label: Some("fused"), layout: &bgl, entries: &entries });
        let groups = layout.models.div_ceil(layout.models.min(WG_MAX)) as u32;
        FusedPlan { pipeline, bind_group, hyp, ctl, groups, per_dispatch, pending: 0.into() }
    }

    /// Write this submit's per-step slots (at most `k_max`) and the (first, count) step range of
    /// each of its dispatches.
    pub fn write(&self, queue: &wgpu::Queue, slots: &[Slot]) {
        queue.write_buffer(&self.hyp, 0, bytemuck::cast_slice(slots));
        let n = slots.len().div_ceil(self.per_dispatch);
        let mut ctl = vec![0u32; n * CTL_STRIDE / 4];
        for d in 0..n {
            let first = d * self.per_dispatch;
            ctl[d * CTL_STRIDE / 4] = first as u32;
            ctl[d * CTL_STRIDE / 4 + 1] = self.per_dispatch.min(slots.len() - first) as u32;
        }
        queue.write_buffer(&self.ctl, 0, bytemuck::cast_slice(&ctl));
        self.pending.set(n);
    }

    /// The dispatches running all the steps of the last `write`.
    pub fn encode(&self, enc: &mut wgpu::CommandEncoder) {
        let mut pass =
            enc.begin_compute_pass(&wgpu::ComputePassDescriptor { label: Some("fused"), timestamp_writes: None });
        pass.set_pipeline(&self.pipeline);
        for d in 0..self.pending.get() {
            pass.set_bind_group(0, &self.bind_group, &[(d * CTL_STRIDE) as u32]);
            pass.dispatch_workgroups(self.groups, 1, 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eligibility() {
        let tfp = Layout::new(&[2, 4, 2, 1], Act::Tanh, Loss::Mse, 1);
        assert!(supports(&tfp, 10));
        assert!(!supports(&tfp, MAX_BATCH + 1));
        assert!(supports(&Layout::new(&[2, 8, 8, 8, 8, 8, 8, 1], Act::Relu, Loss::Mse, 4), 30));
        assert!(!supports(&Layout::new(&[2, 33, 1], Act::Tanh, Loss::Mse, 1), 10));
        assert!(!supports(&Layout::new(&[2, 32, 32, 32, 32, 2], Act::Tanh, Loss::Ce, 1), 64));
    }

    #[test]
    fn template_is_fully_specialized() {
        for (loss, opt) in [(Loss::Mse, Optimizer::Sgd), (Loss::Ce, Optimizer::Adam)] {
            let c = if loss == Loss::Ce { 3 } else { 1 };
            let src = source(&Layout::new(&[2, 5, 4, c], Act::Sigmoid, loss, 3), 7, opt);
            assert!(!src.contains('$'), "{src}");
            assert_eq!(src.matches("// Layer").count(), 3 + 2 + 3, "{src}");
        }
    }
}
