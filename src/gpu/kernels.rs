//! The compute pipelines (one per WGSL entry point in `shaders/`) and their single shared
//! bind-group layout: 0 = static dims (uniform), 1 = per-step slot (uniform, dynamic offset),
//! 2..4 = read-only storage, 5..7 = read-write storage, 8 = the per-model divergence record
//! (first step with a non-finite weight, `NO_BAD_STEP` while none). Built once per device.

use bytemuck::{Pod, Zeroable};

/// Stride of both uniform arrays (dims and step slots): WebGPU's offset alignment.
pub const UNIFORM_STRIDE: u64 = 256;
/// Threads per workgroup in every kernel (`WG` in `shaders/common.wgsl`).
pub const WG: usize = 64;
/// Upper bound on workgroups per dispatch; kernels loop (grid-stride) over the rest.
pub const MAX_GROUPS: usize = 1024;

/// The divergence record's value while a model's weights are all finite.
pub const NO_BAD_STEP: u32 = u32::MAX;

/// Static dims of one dispatch; mirrors `Dims` in `shaders/common.wgsl`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, Pod, Zeroable, PartialEq)]
pub struct Dims {
    pub m: u32,
    pub b: u32,
    pub i: u32,
    pub o: u32,
    pub act: u32,
    pub act_prev: u32,
    pub x_stride_m: u32,
    pub p_stride: u32,
    pub w_off: u32,
    pub b_off: u32,
    pub t_stride_m: u32,
    pub kind: u32,
    /// Forward multiplier of the dense kernels (1.0 = standard; set it, `Default` gives 0).
    pub mult: f32,
    /// SIREN ω0.
    pub w0: f32,
    /// Dropout of the layer (fwd) or of the previous layer (bwd_data): p, 1/(1−p), the run
    /// seed's low bits and the layer salt (`core::ops::Dropout`).
    pub p_drop: f32,
    pub drop_scale: f32,
    pub seed: u32,
    pub salt: u32,
    /// `F_*` bits.
    pub flags: u32,
    /// Label smoothing ε of the softmax head.
    pub smooth: f32,
}

impl Dims {
    /// The shapes, offsets, multiplier and ω0 of a CPU [`crate::core::ops::DenseDims`] (no
    /// flags, no dropout), with `act_prev` for the data backward.
    pub fn from_dense(d: &crate::core::ops::DenseDims, act_prev: crate::core::ops::Act) -> Dims {
        Dims {
            m: d.m as u32,
            b: d.b as u32,
            i: d.i as u32,
            o: d.o as u32,
            act: d.act as u32,
            act_prev: act_prev as u32,
            x_stride_m: d.x_stride_m as u32,
            p_stride: d.p_stride as u32,
            w_off: d.w_off as u32,
            b_off: d.b_off as u32,
            mult: d.mult,
            w0: d.w0,
            ..Default::default()
        }
    }
}

/// fwd: store z (out_b); bwd_data: σ' of the previous layer from its z (in_c).
pub const F_Z: u32 = 1;
/// fwd: a = in_c + u (residual source); bwd_data: g += out_c (the skip consumer's gradient).
pub const F_SKIP: u32 = 2;
/// bwd_data: store g (out_b).
pub const F_STORE_G: u32 = 4;
/// Dropout (training dispatches only).
pub const F_DROP: u32 = 8;
/// Optimizer kernels: the learning-rate multipliers after the decay mask are [M, P] (per model)
/// instead of [P].
pub const F_LR_M: u32 = 16;

/// Per-step hyperparameters; mirrors `Slot` in `shaders/common.wgsl`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, Pod, Zeroable)]
pub struct Slot {
    pub lr: f32,
    pub l2: f32,
    pub beta1: f32,
    pub beta2: f32,
    pub eps: f32,
    pub bc1: f32,
    pub bc2: f32,
    pub idx_off: u32,
    pub wd: f32,
    /// This step's number (1-based, saturating): what a divergence check records; the gradient
    /// noise uses step − 1.
    pub step: u32,
    pub momentum: f32,
    /// 1 = Nesterov momentum.
    pub nesterov: u32,
    pub l1: f32,
    pub clip: f32,
    /// σ_t of the gradient noise (0 = off) and its key (`core::optim::noise`).
    pub noise: f32,
    pub noise_key: u32,
}

impl Slot {
    pub fn from_hyper(h: &crate::core::optim::StepHyper, idx_off: u32, step: u64) -> Self {
        Slot {
            lr: h.lr,
            l2: h.l2,
            beta1: h.beta1,
            beta2: h.beta2,
            eps: h.eps,
            bc1: h.bc1,
            bc2: h.bc2,
            idx_off,
            wd: h.wd,
            step: step.min(u32::MAX as u64 - 1) as u32,
            momentum: h.momentum,
            nesterov: u32::from(h.nesterov),
            l1: h.l1,
            clip: h.clip,
            noise: h.noise,
            noise_key: h.noise_key,
        }
    }
}

/// Which kernel a dispatch runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum K {
    Gather,
    Fwd,
    BwdData,
    BwdWeight,
    Head,
    Sgd,
    Momentum,
    Adam,
    /// Per-model L2 norm (one workgroup per model): gradients for clipping and metrics, and
    /// parameters for the weight-norm metric.
    Norm,
    /// Transformer ops (`shaders/attention.wgsl`, `shaders/layernorm.wgsl`; dims and work in
    /// `gpu::tfm_kernels`).
    AttnFwd,
    AttnBwdDs,
    AttnBwdQkv,
    LnFwd,
    LnBwdX,
    LnBwdParam,
    /// Token embeddings (`shaders/embed.wgsl`): lookup-sum forward, race-free scatter-add
    /// backward, last-position row pick / spread, and an elementwise add (`gpu::tfm`).
    EmbedFwd,
    EmbedBwd,
    RowsPick,
    RowsSpread,
    AddTo,
    /// Strided matrix product of parameter tables (`shaders/matmul.wgsl`, PAIR's factored
    /// embedding MLP in `gpu::tfm`; reference `core::ops::mm`).
    MatMul,
    /// KAN layer forward, input gradient and parameter gradients (`shaders/kan.wgsl`, issue 7).
    KanFwd,
    KanBwdData,
    KanBwdWeight,
    KanBwdReduce,
}

/// A WGSL file: name, source, and its (kernel, entry point) pairs.
type KernelFile<'a> = (&'a str, &'a str, &'a [(K, &'a str)]);

/// (kernel, act or plain, act_prev, flags) of a specialized pipeline.
type VariantKey = (K, u32, u32, u32);

pub struct Kernels {
    pub layout: wgpu::BindGroupLayout,
    pipelines: Vec<(K, wgpu::ComputePipeline)>,
    pipeline_layout: wgpu::PipelineLayout,
    /// `shaders/dense.wgsl` and `shaders/optim.wgsl`, for [`Kernels::specialized`].
    dense_module: wgpu::ShaderModule,
    optim_module: wgpu::ShaderModule,
    /// Specialized pipelines made so far: (kernel, act or plain, act_prev, flags).
    variants: std::sync::Mutex<Vec<(VariantKey, wgpu::ComputePipeline)>>,
}

const COMMON: &str = include_str!("../../shaders/common.wgsl");

fn entry(binding: u32, ty: wgpu::BindingType) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry { binding, visibility: wgpu::ShaderStages::COMPUTE, ty, count: None }
}

fn storage(read_only: bool) -> wgpu::BindingType {
    wgpu::BindingType::Buffer {
        ty: wgpu::BufferBindingType::Storage { read_only },
        has_dynamic_offset: false,
        min_binding_size: None,
    }
}

fn uniform(dynamic: bool) -> wgpu::BindingType {
    wgpu::BindingType::Buffer {
        ty: wgpu::BufferBindingType::Uniform,
        has_dynamic_offset: dynamic,
        min_binding_size: None,
    }
}

impl Kernels {
    pub fn new(device: &wgpu::Device) -> Self {
        let mut entries = vec![entry(0, uniform(false)), entry(1, uniform(true))];
        entries.extend((2..5).map(|b| entry(b, storage(true))));
        entries.extend((5..9).map(|b| entry(b, storage(false))));
        let layout = device
            .create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor { label: Some("grokpad"), entries: &entries });
        let pl = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("grokpad"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let files: [KernelFile; 6] = [
            ("gather", include_str!("../../shaders/gather.wgsl"), &[(K::Gather, "gather")]),
            (
                "dense",
                include_str!("../../shaders/dense.wgsl"),
                &[(K::Fwd, "fwd"), (K::BwdData, "bwd_data"), (K::BwdWeight, "bwd_weight")],
            ),
            ("head", include_str!("../../shaders/head.wgsl"), &[(K::Head, "head")]),
            (
                "optim",
                include_str!("../../shaders/optim.wgsl"),
                &[(K::Sgd, "sgd"), (K::Momentum, "momentum"), (K::Adam, "adam")],
            ),
            ("norm", include_str!("../../shaders/norm.wgsl"), &[(K::Norm, "norm")]),
            (
                "kan",
                include_str!("../../shaders/kan.wgsl"),
                &[
                    (K::KanFwd, "kan_fwd"),
                    (K::KanBwdData, "kan_bwd_data"),
                    (K::KanBwdWeight, "kan_bwd_weight"),
                    (K::KanBwdReduce, "kan_bwd_reduce"),
                ],
            ),
        ];
        let mut pipelines = Vec::new();
        let (mut dense_module, mut optim_module) = (None, None);
        for (name, src, entries) in files.into_iter().chain(super::tfm_kernels::FILES) {
            let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some(name),
                source: wgpu::ShaderSource::Wgsl(format!("{COMMON}\n{src}").into()),
            });
            match name {
                "dense" => dense_module = Some(module.clone()),
                "optim" => optim_module = Some(module.clone()),
                _ => {}
            }
            for &(k, ep) in entries {
                let p = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                    label: Some(ep),
                    layout: Some(&pl),
                    module: &module,
                    entry_point: Some(ep),
                    compilation_options: Default::default(),
                    cache: None,
                });
                pipelines.push((k, p));
            }
        }
        let (dense_module, optim_module) =
            (dense_module.expect("dense.wgsl is built"), optim_module.expect("optim.wgsl is built"));
        Kernels { layout, pipelines, pipeline_layout: pl, dense_module, optim_module, variants: Default::default() }
    }

    pub fn pipeline(&self, k: K) -> &wgpu::ComputePipeline {
        &self.pipelines.iter().find(|(kk, _)| *kk == k).expect("every kernel is built").1
    }

    /// Kernel `k` specialized to `d` (made once per combination, then shared): the dense
    /// forward and data backward to `d`'s activations and flags (the overridable constants
    /// `ACT`, `ACT_PREV`, `FLAGS` of `shaders/dense.wgsl`), the optimizers to `d.flags` and, with
    /// `plain`, to steps without clipping, L1 or gradient noise (`shaders/optim.wgsl`); `None`
    /// for other kernels (they run the generic pipeline). The arithmetic is the generic
    /// kernel's: only branches whose condition is then known fold away.
    pub fn specialized(&self, device: &wgpu::Device, k: K, d: &Dims, plain: bool) -> Option<wgpu::ComputePipeline> {
        let (module, ep) = match k {
            K::Fwd => (&self.dense_module, "fwd"),
            K::BwdData => (&self.dense_module, "bwd_data"),
            K::Sgd => (&self.optim_module, "sgd"),
            K::Momentum => (&self.optim_module, "momentum"),
            K::Adam => (&self.optim_module, "adam"),
            _ => return None,
        };
        let dense = matches!(k, K::Fwd | K::BwdData);
        let key = if dense { (k, d.act, d.act_prev, d.flags) } else { (k, u32::from(plain), 0, d.flags) };
        let mut cache = self.variants.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, p)) = cache.iter().find(|(kk, _)| *kk == key) {
            return Some(p.clone());
        }
        let constants: Vec<(&str, f64)> = if dense {
            vec![("ACT", d.act as f64), ("ACT_PREV", d.act_prev as f64), ("FLAGS", d.flags as f64)]
        } else {
            vec![("FLAGS", d.flags as f64), ("PLAIN", if plain { 1.0 } else { 0.0 })]
        };
        let p = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some(ep),
            layout: Some(&self.pipeline_layout),
            module,
            entry_point: Some(ep),
            compilation_options: wgpu::PipelineCompilationOptions { constants: &constants, ..Default::default() },
            cache: None,
        });
        cache.push((key, p.clone()));
        Some(p)
    }
}

/// Side of the register tile of the dense kernels (`T` in `shaders/dense.wgsl`).
pub const TILE: usize = 4;

/// Invocations kernel `k` needs for `d` (its grid-stride loop covers the rest): one per output
/// element, except the dense kernels: one per 4×4 output tile, and `Norm`: one workgroup per
/// model (`d.m` models of `d.p_stride` values), and the KAN kernels: one per (model, row, output), per
/// (model, row, input), per (model, input, output, chunk of `d.t_stride_m` rows) and per
/// (model, input, output).
pub fn work(k: K, d: &Dims) -> usize {
    let (m, b, i, o) = (d.m as usize, d.b as usize, d.i as usize, d.o as usize);
    let t = |n: usize| n.div_ceil(TILE);
    match k {
        K::Gather | K::Head => m * b,
        K::Fwd => m * t(b) * t(o),
        K::BwdData => m * t(b) * t(i),
        K::BwdWeight => m * t(i + 1) * t(o),
        K::Sgd | K::Momentum | K::Adam => m,
        K::Norm => m * WG,
        K::AttnFwd
        | K::AttnBwdDs
        | K::AttnBwdQkv
        | K::LnFwd
        | K::LnBwdX
        | K::LnBwdParam
        | K::EmbedFwd
        | K::EmbedBwd
        | K::RowsPick
        | K::RowsSpread
        | K::AddTo
        | K::MatMul => super::tfm_kernels::work(k, d),
        K::KanFwd => m * b * o,
        K::KanBwdData => m * b * i,
        K::KanBwdWeight => m * i * o * b.div_ceil((d.t_stride_m as usize).max(1)),
        K::KanBwdReduce => m * i * o,
    }
}

/// Workgroups for `total` threads of work (grid-stride beyond `MAX_GROUPS`).
pub fn groups(total: usize) -> u32 {
    total.div_ceil(WG).clamp(1, MAX_GROUPS) as u32
}
