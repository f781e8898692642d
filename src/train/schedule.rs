//! Minibatch order, frozen by URL `v=1`: the sample stream is the concatenation of per-epoch
//! permutations of the training indices (epoch e shuffled by stream `BATCH + e` of the seed);
//! step t takes stream positions [t·B, (t+1)·B). All M models see the same batches.

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
}

impl BatchStream {
    /// (batch size, models).
    pub fn shape(&self) -> (usize, usize) {
        (self.batch, self.models)
    }

    pub fn new(seed: u64, n_train: usize, batch: usize, models: usize) -> Self {
        let mut s = BatchStream { seed, n: n_train.max(1), batch, models, epoch: 0, pos: 0, perm: vec![] };
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

    fn shuffle(&mut self) {
        self.perm = (0..self.n as u32).collect();
        Rng::new(self.seed, stream::BATCH.wrapping_add(self.epoch)).shuffle(&mut self.perm);
    }

    /// Append the indices of the next `k` steps, [k, M, B], to `out`.
    pub fn fill(&mut self, k: usize, out: &mut Vec<u32>) {
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
}
