//! scikit-learn's 8×8 handwritten digits (1,797 images, 10 classes; the test set of the UCI
//! "Optical Recognition of Handwritten Digits" data, Alpaydin & Kaynak 1998), bundled as
//! `data/digits.bin` (origin and license in `data/README.md`). The small real dataset of
//! Omnigrok-style grokking (Liu et al. 2023, "Omnigrok: Grokking Beyond Algorithmic Data", who
//! used MNIST with 1,000 training images and a large initialization).
//!
//! The images are shuffled with the `SPLIT` stream of the seed; the last [`TEST`] form the test
//! split (the same for every `n`), the first `n` (at most [`TRAIN_MAX`]) the training split.
//! Pixels 0–16 are scaled to [0, 1] (÷ 16). A fraction `corrupt` of the training labels is
//! replaced by a different class (`labels::flip`). Plot coordinates are (0, 0).

use super::{labels, Data, DataSpec, Labels, Lift, Split};
use crate::core::rng::{stream, Rng};

/// The bundled file: rows of 64 pixels (0–16) and the class.
const BYTES: &[u8] = include_bytes!("../../../data/digits.bin");
/// Pixels per image (8×8).
pub const PIXELS: usize = 64;
/// Images in the file.
pub const IMAGES: usize = 1797;
/// Classes (digits 0–9).
pub const CLASSES: usize = 10;
/// Test images (fixed by the seed, independent of `n`).
pub const TEST: usize = 597;
/// Most training images.
pub const TRAIN_MAX: usize = IMAGES - TEST;

/// Training images for a URL's `n`: 1 to [`TRAIN_MAX`].
pub fn n_train(n: u32) -> usize {
    (n as usize).clamp(1, TRAIN_MAX)
}

/// Image `i`: its pixels and class.
fn image(i: usize) -> (&'static [u8], u8) {
    let row = &BYTES[i * (PIXELS + 1)..(i + 1) * (PIXELS + 1)];
    (&row[..PIXELS], row[PIXELS])
}

/// The dataset of `s` (see the module doc).
pub fn build(s: &DataSpec) -> Data {
    let mut order: Vec<usize> = (0..IMAGES).collect();
    Rng::new(s.seed, stream::SPLIT).shuffle(&mut order);
    let split = |idx: &[usize]| {
        let x = idx.iter().flat_map(|&i| image(i).0.iter().map(|&v| f32::from(v) / 16.0)).collect();
        let y: Vec<u8> = idx.iter().map(|&i| image(i).1).collect();
        Split {
            x,
            raw: vec![0.0; 2 * idx.len()],
            clean: y.clone(),
            flipped: vec![false; y.len()],
            y,
            r: vec![],
            subpop: vec![],
        }
    };
    let mut train = split(&order[..n_train(s.n)]);
    let test = split(&order[TRAIN_MAX..]);
    match s.labels {
        Labels::Random => labels::randomize(&mut train.y, &mut train.flipped, CLASSES, s.seed),
        Labels::Given => labels::flip(&mut train.y, &mut train.flipped, s.corrupt.clamp(0.0, 0.9), CLASSES, s.seed),
    }
    Data { train, test, inputs: PIXELS, classes: CLASSES, lift: Lift::Coords { dim: PIXELS } }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_shape_and_classes() {
        assert_eq!(BYTES.len(), IMAGES * (PIXELS + 1));
        let mut count = [0usize; CLASSES];
        for i in 0..IMAGES {
            let (px, c) = image(i);
            assert!(px.iter().all(|&v| v <= 16) && (c as usize) < CLASSES);
            count[c as usize] += 1;
        }
        // sklearn's digits: 178, 182, 177, 183, 181, 182, 181, 179, 174, 180 per class.
        assert_eq!(count, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
        // The first image is a 0 whose top row is 0,0,5,13,9,1,0,0 (sklearn's digits.images[0]).
        assert_eq!((&image(0).0[..8], image(0).1), (&[0u8, 0, 5, 13, 9, 1, 0, 0][..], 0));
    }
}
