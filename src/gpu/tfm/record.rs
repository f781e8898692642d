//! Recording one pass of a token model (`gpu::tfm`): the forward over `n` examples per model,
//! the softmax cross-entropy head, and for training the backward into the gradient buffer, in
//! the order and with the ops of the CPU reference (`core::tfm::emb` here, `core::tfm::model`
//! in `record_tfm.rs`, `core::tfm::pair` in `record_pair.rs`). Dense maps are `shaders/dense.wgsl` with the CPU's `DenseDims`
//! (`Lin::dims`), so every sum runs in the reference's order.

use super::{all, Rec, View};
use crate::core::ops::{Act, EmbedDims};
use crate::core::tfm::layout::Lin;
use crate::core::tfm::{EmbLayout, Net};
use crate::gpu::builder::Dispatch;
use crate::gpu::kernels::{Dims, F_SKIP, K};
use crate::gpu::tfm_kernels::embed_dims;
use wgpu::Buffer;

/// One pass over a batch or a split.
pub struct Pass<'a> {
    /// Examples per model.
    pub n: usize,
    /// Token ids (f32), `width` per example; `ids_stride` ids between models (0 = shared).
    pub ids: &'a Buffer,
    pub ids_stride: usize,
    /// Class targets (u32), `t_stride` between models (0 = shared).
    pub targets: &'a Buffer,
    pub t_stride: usize,
    /// The head's outputs: logit gradient [M, n, C], loss and correctness [M, n].
    pub head: [&'a Buffer; 3],
    /// Record the backward pass too.
    pub train: bool,
    /// Label smoothing.
    pub smooth: f32,
}

impl Rec<'_> {
    /// out = act(x·W + b) (+ `skip`) over `rows` rows per model.
    #[allow(clippy::too_many_arguments)]
    pub fn fwd(
        &mut self,
        l: &Lin,
        m: usize,
        rows: usize,
        act: Act,
        x: View,
        out: &Buffer,
        skip: Option<&Buffer>,
    ) -> Dispatch {
        let pp = self.p;
        let mut d = Dims::from_dense(&l.dims(m, rows, act, pp), Act::Linear);
        if skip.is_some() {
            d.flags = F_SKIP;
        }
        let params = self.params.clone();
        self.add(K::Fwd, d, [x, all(&params), skip.and_then(all)], [all(out), None, None])
    }

    /// Weight and bias gradients of `l` from its input `x` and output gradient `dz` (overwritten).
    pub fn bwd_w(&mut self, l: &Lin, m: usize, rows: usize, x: View, dz: View) -> Dispatch {
        let d = Dims::from_dense(&l.dims(m, rows, Act::Linear, self.p), Act::Linear);
        let grads = self.grads.clone();
        self.add(K::BwdWeight, d, [x, dz, None], [all(&grads), None, None])
    }

    /// out = (dz·Wᵀ (+ `skip`))·σ'_prev(a_prev): the gradient of `l`'s input.
    #[allow(clippy::too_many_arguments)]
    pub fn bwd_x(
        &mut self,
        l: &Lin,
        m: usize,
        rows: usize,
        dz: View,
        a_prev: View,
        act_prev: Act,
        out: &Buffer,
        skip: Option<&Buffer>,
    ) -> Dispatch {
        let mut d = Dims::from_dense(&l.dims(m, rows, Act::Linear, self.p), act_prev);
        if skip.is_some() {
            d.flags = F_SKIP;
        }
        let params = self.params.clone();
        self.add(K::BwdData, d, [dz, all(&params), a_prev], [all(out), None, skip.and_then(all)])
    }

    /// The softmax cross-entropy head over `logits` [M, n, C].
    pub fn head(&mut self, m: usize, c: usize, p: &Pass, logits: &Buffer) -> Dispatch {
        let d = Dims {
            m: m as u32,
            b: p.n as u32,
            o: c as u32,
            t_stride_m: p.t_stride as u32,
            kind: 1,
            smooth: p.smooth,
            ..Default::default()
        };
        let [dz, loss, correct] = p.head;
        self.add(K::Head, d, [all(logits), all(p.targets), None], [all(dz), all(loss), all(correct)])
    }
}

/// The dispatches of one pass of `net`.
pub fn record(r: &mut Rec, net: &Net, p: &Pass) -> Vec<Dispatch> {
    match net {
        Net::Emb(l) => emb(r, l, p),
        Net::Tfm(l) => super::record_tfm::tfm(r, l, p),
        Net::Pair(l) => super::record_pair::pair(r, l, p),
    }
}

/// `core::tfm::emb`: h = ReLU(E[a] + E[b]), logits = h·W + b; backward: W, b from h; the
/// hidden gradient through the ReLU; dE scattered back (the table's gradient overwritten).
fn emb(r: &mut Rec, l: &EmbLayout, p: &Pass) -> Vec<Dispatch> {
    let (m, n, hdim, c) = (l.models, p.n, l.hidden, l.classes);
    let e = EmbedDims { m, rows: n, k: 2, d: hdim, vocab: c, p_stride: l.p, off: 0, ids_stride_m: p.ids_stride };
    let readout = Lin { w: l.out_w(), b: l.out_b(), i: hdim, o: c };
    let h = r.buf("emb h", m * n * hdim);
    let logits = r.buf("emb logits", m * n * c);
    let params = r.params.clone();
    let mut v = vec![r.add(
        K::EmbedFwd,
        embed_dims(&e, Act::Relu, false),
        [all(p.ids), all(&params), None],
        [all(&h), None, None],
    )];
    v.push(r.fwd(&readout, m, n, Act::Linear, all(&h), &logits, None));
    v.push(r.head(m, c, p, &logits));
    if p.train {
        let dz = p.head[0];
        v.push(r.bwd_w(&readout, m, n, all(&h), all(dz)));
        let dpre = r.buf("emb dpre", m * n * hdim);
        v.push(r.bwd_x(&readout, m, n, all(dz), all(&h), Act::Relu, &dpre, None));
        let grads = r.grads.clone();
        let d = embed_dims(&e, Act::Linear, false);
        v.push(r.add(K::EmbedBwd, d, [all(p.ids), all(&dpre), None], [all(&grads), None, None]));
    }
    v
}
