//! Minibatch order, frozen by URL `v=1`: the sample stream is the concatenation of per-epoch
//! permutations of the training indices (epoch e shuffled by stream `BATCH + e` of the seed);
//! step t takes stream positions [t·B, (t+1)·B). All M models see the same batches.
//!
//! Per-model training subsets ([`BatchStream::with_subsets`], issue 5: memorization estimates on
//! random halves, data pruning): model m draws only from its own list of training indices, the
//! same way — epochs of permutations of its list, epoch e of model m shuffled by stream
//! `BATCH + e` of seed `seed + m + SUBSET_SALT`. The index buffer keeps its [k, M, B] shape, so
//! backends need no change. Without subsets the stream is today's, bit for bit.

use crate::core::rng::{stream, Rng};

#[derive(Clone, Debug)]
pub struct BatchStream {
    seed: u64,
    n: usize,
    batch: usize,
    models: usize,
    epoch: u64,
    pos: usize,
    perm: Vec<u32>,
    /// Per-model subsets (empty = every model shares the stream above).
    subs: Vec<Sub>,
}

/// Seed offset of the per-model subset streams (keeps them apart from the shared stream).
const SUBSET_SALT: u64 = 0x5eed_0f5b;

/// One model's own stream over its subset of training indices.
#[derive(Clone, Debug)]
struct Sub {
    seed: u64,
    idx: Vec<u32>,
    epoch: u64,
    pos: usize,
    perm: Vec<u32>,
}

impl Sub {
    fn shuffle(&mut self) {
        self.perm.clone_from(&self.idx);
        Rng::new(self.seed, stream::BATCH.wrapping_add(self.epoch)).shuffle(&mut self.perm);
    }
    fn next(&mut self) -> u32 {
        let v = self.perm[self.pos];
        self.pos += 1;
        if self.pos == self.perm.len() {
            self.pos = 0;
            self.epoch += 1;
            self.shuffle();
        }
        v
    }
}

impl BatchStream {
    /// (batch size, models).
    pub fn shape(&self) -> (usize, usize) {
        (self.batch, self.models)
    }

    pub fn new(seed: u64, n_train: usize, batch: usize, models: usize) -> Self {
        let mut s =
            BatchStream { seed, n: n_train.max(1), batch, models, epoch: 0, pos: 0, perm: vec![], subs: vec![] };
        s.shuffle();
        s
    }

    /// Start at step `t` (replays the stream; used when a session resumes elsewhere).
    pub fn at_step(seed: u64, n_train: usize, batch: usize, models: usize, t: u64) -> Self {
        let mut s = Self::new(seed, n_train, batch, models);
        let total = t as u128 * batch as u128;
        s.epoch = (total / s.n as u128) as u64;
        s.pos = (total % s.n as u128) as usize;
        s.shuffle();
        s
    }

    /// Model m draws its batches only from `subsets[m]` (indices into the training split), at step
    /// `t`. The number of models is `subsets.len()`; an empty subset is replaced by index 0 (the
    /// caller should not pass one).
    pub fn with_subsets(seed: u64, batch: usize, subsets: Vec<Vec<u32>>, t: u64) -> Self {
        let models = subsets.len();
        let subs = subsets
            .into_iter()
            .enumerate()
            .map(|(m, idx)| {
                let idx = if idx.is_empty() { vec![0] } else { idx };
                let total = t as u128 * batch as u128;
                let n = idx.len() as u128;
                let seed = seed.wrapping_add(m as u64).wrapping_add(SUBSET_SALT);
                let mut s = Sub { seed, epoch: (total / n) as u64, pos: (total % n) as usize, idx, perm: vec![] };
                s.shuffle();
                s
            })
            .collect();
        BatchStream { seed, n: 1, batch, models, epoch: 0, pos: 0, perm: vec![], subs }
    }

    fn shuffle(&mut self) {
        self.perm = (0..self.n as u32).collect();
        Rng::new(self.seed, stream::BATCH.wrapping_add(self.epoch)).shuffle(&mut self.perm);
    }

    /// Append the indices of the next `k` steps, [k, M, B], to `out`.
    pub fn fill(&mut self, k: usize, out: &mut Vec<u32>) {
        if !self.subs.is_empty() {
            for _ in 0..k {
                for s in &mut self.subs {
                    out.extend((0..self.batch).map(|_| s.next()));
                }
            }
            return;
        }
        for _ in 0..k {
            let start = out.len();
            for _ in 0..self.batch {
                out.push(self.perm[self.pos]);
                self.pos += 1;
                if self.pos == self.n {
                    self.pos = 0;
                    self.epoch += 1;
                    self.shuffle();
                }
            }
            for _ in 1..self.models {
                out.extend_from_within(start..start + self.batch);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epochs_cover_every_index_once() {
        let mut s = BatchStream::new(3, 10, 4, 2);
        let mut v = vec![];
        s.fill(5, &mut v); // 5 steps × 2 models × 4 = 40; per model: 20 samples = 2 epochs
        assert_eq!(v.len(), 40);
        let model0: Vec<u32> = v.chunks(8).flat_map(|c| c[..4].to_vec()).collect();
        assert_eq!(v[..4], v[4..8]);
        let mut e0 = model0[..10].to_vec();
        e0.sort();
        assert_eq!(e0, (0..10).collect::<Vec<_>>());
        assert_ne!(model0[..10], model0[10..20]);
        let mut r = BatchStream::at_step(3, 10, 4, 2, 3);
        let mut w = vec![];
        r.fill(2, &mut w);
        assert_eq!(w, v[24..]);
    }

    #[test]
    fn subsets_keep_each_model_inside_its_own_indices() {
        let subsets = vec![vec![0, 2, 4, 6], vec![1, 3, 5], vec![9]];
        let mut s = BatchStream::with_subsets(7, 2, subsets.clone(), 0);
        assert_eq!(s.shape(), (2, 3));
        let mut v = vec![];
        s.fill(6, &mut v); // 6 steps × 3 models × 2
        assert_eq!(v.len(), 36);
        for (m, sub) in subsets.iter().enumerate() {
            let mine: Vec<u32> = v.chunks(6).flat_map(|c| c[m * 2..m * 2 + 2].to_vec()).collect();
            assert!(mine.iter().all(|i| sub.contains(i)), "model {m}: {mine:?}");
            if sub.len() == 4 {
                // 12 draws = 3 epochs; each epoch covers the subset once.
                for e in mine.chunks(4) {
                    let mut e = e.to_vec();
                    e.sort();
                    assert_eq!(&e, sub);
                }
            }
        }
        let mut r = BatchStream::with_subsets(7, 2, subsets, 4);
        let mut w = vec![];
        r.fill(2, &mut w);
        assert_eq!(w, v[24..], "resuming at step 4 replays the stream");
        // Sharing stays bit-for-bit today's stream.
        let (mut a, mut b) = (vec![], vec![]);
        BatchStream::new(3, 10, 4, 2).fill(3, &mut a);
        BatchStream::at_step(3, 10, 4, 2, 0).fill(3, &mut b);
        assert_eq!(a, b);
    }
}
