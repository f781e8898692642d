//! The preset gallery: each preset is a share URL with a slug, a title, one line on what to
//! watch for, and the paper it follows (DESIGN.md §4). The page lists them; the CLI runs them
//! (`grokpad presets --json`, `grokpad run --preset SLUG`).

/// One preset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    pub slug: &'static str,
    pub title: &'static str,
    /// What to watch for, one line.
    pub watch: &'static str,
    /// The paper it follows (authors, year, title).
    pub paper: &'static str,
    /// The URL hash content (`v=1&…`).
    pub url: &'static str,
}

const fn p(
    slug: &'static str,
    title: &'static str,
    watch: &'static str,
    paper: &'static str,
    url: &'static str,
) -> Preset {
    Preset { slug, title, watch, paper, url }
}

/// Every preset, in gallery order.
pub const PRESETS: &[Preset] = &[
    p(
        "spectral-bias",
        "Spectral bias: low frequencies first",
        "The fit follows the slow sine within a few hundred steps; the fast one (16) only thousands of steps later.",
        "Rahaman et al. 2019, On the Spectral Bias of Neural Networks",
        "v=1&data=sines&n=400&freqs=1,4,16&layers=128,128,128&act=relu&opt=adam&lr=0.001&bs=100&steps=6000&logx=1",
    ),
    p(
        "fourier-features",
        "Fourier features fit what a ReLU MLP cannot",
        "With 64 random Fourier features the chirp's fast end is fitted; set rff=0 to watch the plain MLP blur it.",
        "Tancik et al. 2020, Fourier Features Let Networks Learn High Frequency Functions in Low Dimensional Domains",
        "v=1&data=chirp&n=400&rff=64&rff_scale=3&layers=64,64&act=relu&opt=adam&lr=0.003&bs=100&steps=3000",
    ),
    p(
        "xor-clusters-benign",
        "Benign overfitting on XOR clusters",
        "Train accuracy reaches 100 %, the 15 % flipped labels included, while accuracy on the (never flipped) test labels stays above 90 %.",
        "Xu & Gu 2023, Benign Overfitting and Grokking in ReLU Networks for XOR Cluster Data",
        "v=1&data=xorclusters&n=250&train=0.4&noise=10&dim=100&flip=0.15&layers=512&act=relu&loss=ce&lr=0.1&bs=100&steps=3000",
    ),
    p(
        "random-labels",
        "Memorizing random labels",
        "Training accuracy climbs to 100 % although every training label is random (64 random Fourier features make points easy to tell apart); test accuracy stays near chance (50 %).",
        "Zhang et al. 2017, Understanding Deep Learning Requires Rethinking Generalization",
        "v=1&data=gauss&n=200&labels=random&rff=64&rff_scale=2&layers=256,256&act=relu&loss=ce&opt=adam&lr=0.003&bs=50&steps=3000",
    ),
    p(
        "dropout-label-noise",
        "Dropout slows the memorization of noisy labels",
        "With dropout 0.5 the clean points are fitted first and the 20 % flipped ones much later; set dropout=0 to compare.",
        "Arpit et al. 2017, A Closer Look at Memorization in Deep Networks",
        "v=1&data=moons&n=600&noise=10&flip=0.2&layers=256,256&act=relu&loss=ce&opt=adam&lr=0.003&bs=50&dropout=0.5&steps=5000",
    ),
    p(
        "gradient-noise-deep",
        "Gradient noise helps a deep, narrow network",
        "An 8-layer network of width 16 on the spiral, with annealed gradient noise; set gnoise=0 to compare.",
        "Neelakantan et al. 2015, Adding Gradient Noise Improves Learning for Very Deep Networks",
        "v=1&data=spiral&layers=16,16,16,16,16,16,16,16&act=relu&gnoise=0.01&steps=8000",
    ),
    p(
        "mup-width",
        "muP: one learning rate for every width",
        "Under muP the width-256 network trains like its width-8 base at the same rate; with init=standard it does not.",
        "Yang & Hu 2021, Feature Learning in Infinite-Width Neural Networks (Tensor Programs IV/V)",
        "v=1&data=spiral&layers=256,256&act=relu&loss=ce&opt=adam&lr=0.01&bs=50&init=mup&steps=3000",
    ),
    p(
        "hello-kan",
        "Hello KAN: a [2,5,1] KAN learns exp(sin(πx) + y²)",
        "Test RMSE falls below 0.05 with 156 parameters; at step 1000 the grid is refined 3 → 10 intervals (least squares keeps the function), and the curves step down.",
        "Liu et al. 2024, KAN: Kolmogorov-Arnold Networks",
        "v=1&data=fn&layers=5&opt=adam&lr=0.01&steps=3000&model=kan&grid=3&refine=1000:10",
    ),
    p(
        "kan-spiral",
        "A KAN classifies the spiral",
        "A [2,8,2] KAN with 10-interval B-spline edges separates the two arms (test accuracy about 97 %).",
        "Liu et al. 2024, KAN: Kolmogorov-Arnold Networks",
        "v=1&data=spiral&noise=10&layers=8&loss=ce&opt=adam&lr=0.01&bs=20&steps=3000&model=kan&grid=10",
    ),
];

/// The preset named `slug` (case-insensitive).
pub fn find(slug: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.slug.eq_ignore_ascii_case(slug.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::url::{decode, encode};

    #[test]
    fn presets_are_clean_canonical_and_unique() {
        for (i, p) in PRESETS.iter().enumerate() {
            let d = decode(p.url);
            assert!(d.notices.is_empty(), "{}: {:?}", p.slug, d.notices);
            assert_eq!(encode(&d.experiment), p.url, "{}: not in canonical order", p.slug);
            assert!(PRESETS[..i].iter().all(|q| q.slug != p.slug), "duplicate {}", p.slug);
            assert!(!p.title.is_empty() && !p.watch.is_empty() && p.paper.contains("20"), "{}", p.slug);
            assert_eq!(find(&p.slug.to_uppercase()), Some(p));
        }
        assert!(find("nope").is_none());
    }
}
