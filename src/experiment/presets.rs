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
        "benign-overfitting",
        "Benign overfitting: flipped labels fitted, test still near optimal",
        "A two-layer ReLU network on XOR clusters in 100 dimensions with 40 training points fits all of them, the 15 % flipped labels included (noisy_train_acc 1), while test accuracy stays above 0.9.",
        "Frei, Chatterji & Bartlett 2022, Benign Overfitting without Linearity; Xu & Gu 2023, Benign Overfitting and Grokking in ReLU Networks for XOR Cluster Data",
        "v=1&data=xorclusters&n=400&train=0.1&noise=8&dim=100&flip=0.15&layers=256&act=relu&loss=ce&lr=0.1&bs=40&steps=1000",
    ),
    p(
        "long-tail",
        "Long tail: rare examples must be memorized",
        "32 models each train on a random half; points of subpopulations seen once score near 0.5 (fitted only when trained on), those of frequent subpopulations near 0.",
        "Feldman 2020, Does Learning Require Memorization? A Short Tale about a Long Tail; Feldman & Zhang 2020, What Neural Networks Memorize and Why",
        "v=1&data=longtail&n=400&classes=2&layers=32,32&act=relu&loss=ce&opt=adam&lr=0.01&bs=50&seeds=32&steps=400&score=memo",
    ),
    p(
        "data-diet",
        "Data diet: prune by EL2N early in training",
        "EL2N after 100 steps ranks the 20 % flipped labels highest; pruning the top 20–30 % and retraining beats pruning as many at random (prune_curve). With prune_side=easy (the paper's choice on large data) this small set does no better than random.",
        "Paul, Ganguli & Dziugaite 2021, Deep Learning on a Data Diet: Finding Important Examples Early in Training",
        "v=1&data=moons&n=600&noise=20&flip=0.2&layers=32,32&act=relu&loss=ce&opt=adam&lr=0.01&bs=50&seeds=8&steps=600&score=el2n&prune=0.3&prune_side=hard",
    ),
    p(
        "double-descent",
        "Model-wise double descent with label noise",
        "One-hidden-layer ReLU MLPs of 10 widths (2 seeds each) on 600 digit images, 20 % of their labels corrupted: test error falls to ~22 % at width 6, climbs to 30–36 % at width 16–24, the narrowest that fit every training label (the corrupted ones included), and falls again to 20–23 % at width 128 — on each data seed tried (1, 2, 3). With cross-entropy this peak sits left of the n × classes parameter mark (width ~80).",
        "Nakkiran et al. 2019, Deep Double Descent: Where Bigger Models and More Data Hurt; Belkin, Hsu, Ma & Mandal 2019, Reconciling modern machine-learning practice and the classical bias-variance trade-off",
        "v=1&data=digits&n=600&layers=8&act=relu&loss=ce&opt=adam&lr=0.003&bs=600&seeds=2&sweep=width&sweep_values=2,4,6,8,12,16,24,32,64,128&corrupt=0.2",
    ),
    p(
        "rf-double-descent",
        "Random-features double descent in under a second",
        "64 widths of frozen random ReLU features, each readout solved in closed form (minimum norm): the test error peaks where the features number the 50 training points, then falls again as the width grows.",
        "Belkin, Hsu, Ma & Mandal 2019, Reconciling modern machine-learning practice and the classical bias-variance trade-off",
        "v=1&data=gauss2&n=200&train=0.25&noise=30&rff=16&act=relu&sweep=width&sweep_values=2,4,6,8,10,12,14,16,18,20,22,24,26,28,30,32,34,36,38,40,42,44,46,48,50,52,54,56,58,60,62,64,66,68,70,72,74,76,78,80,82,84,86,88,90,92,94,96,98,100,102,104,106,108,110,112,114,116,118,120,122,124,126,128&frozen=1",
    ),
    p(
        "grok-mlp",
        "Grokking: a + b mod 23 with weight decay",
        "Train accuracy hits 100 % within ~50 steps; test accuracy (log step axis) only reaches 95 % about 20× later, marked on the curves.",
        "Power et al. 2022, Grokking: Generalization Beyond Overfitting on Small Algorithmic Datasets",
        "v=1&data=mod&train=0.8&layers=128&act=relu&loss=ce&opt=adamw&lr=0.01&bs=1000&wd=1&steps=1500&logx=1",
    ),
    p(
        "grok-no-wd",
        "No weight decay, no grokking",
        "grok-mlp without weight decay: the training pairs are memorized just as fast, but test accuracy stays near 0.",
        "Liu et al. 2023, Omnigrok: Grokking Beyond Algorithmic Data",
        "v=1&data=mod&train=0.8&layers=128&act=relu&loss=ce&opt=adamw&lr=0.01&bs=1000&steps=1500&logx=1",
    ),
    p(
        "omnigrok-digits",
        "Omnigrok: grokking real data with a large initialization",
        "With weights 8× the usual scale, 200 digit images are memorized within ~100 steps; test accuracy then sits near 70 % and passes 90 % only ~2,000 steps later.",
        "Liu et al. 2023, Omnigrok: Grokking Beyond Algorithmic Data",
        "v=1&data=digits&n=200&layers=200,200&act=relu&loss=ce&opt=adamw&lr=0.001&bs=200&wd=0.5&alpha=8&steps=3000&logx=1",
    ),
    p(
        "grok-corrupted",
        "Grokking through corrupted labels, then unlearning them",
        "Two stages (a + b mod 23, 10 % of the training labels corrupted, a width-128 MLP with σ(z) = z² and the square loss on one-hot targets, AdamW wd 5): the corrupted labels are memorized by step ~40 (noisy_train_acc 1, test accuracy 0), test accuracy passes 90 % near step 90 while they stay memorized; then weight decay makes the network unlearn them: noisy_train_acc falls from ~1,000 steps to near 0 by ~2,300 (it now predicts their true sums) while clean train and test accuracy stay at 100 %.",
        "Doshi et al. 2024, To grok or not to grok: Disentangling generalization and memorization on corrupted algorithmic datasets; Gromov 2023, Grokking modular arithmetic",
        "v=1&data=mod&train=0.8&layers=128&act=quad&loss=mse-onehot&opt=adamw&lr=0.005&bs=10000&wd=5&steps=3000&logx=1&corrupt=0.1",
    ),
    p(
        "grok-corrupted-no-wd",
        "Corrupted labels, no weight decay: memorization only",
        "grok-corrupted without weight decay: the corrupted and clean training labels are memorized alike and stay memorized (noisy_train_acc 1 to the end), and test accuracy stalls near 65–70 %.",
        "Doshi et al. 2024, To grok or not to grok: Disentangling generalization and memorization on corrupted algorithmic datasets; Gromov 2023, Grokking modular arithmetic",
        "v=1&data=mod&train=0.8&layers=128&act=quad&loss=mse-onehot&opt=adamw&lr=0.005&bs=10000&steps=3000&logx=1&corrupt=0.1",
    ),
    p(
        "grok-pair-mlp",
        "Grokking in PAIR's 24-neuron embedding MLP: a + b mod 67",
        "PAIR's notebook model: a 500-wide embedding E tied between a, b and the output (logits = ReLU(E[a]·W_h + E[b]·W_h)·W_o·Eᵀ), 24 hidden units, full-batch AdamW (lr 0.001, β2 0.98, wd 1): train accuracy passes 99 % by step 500 with test accuracy near 50 %; test accuracy passes 95 % near step 2,500 and reaches 100 % by 3,500 (log axis). PAIR's notebook needs ~40,000 steps: it trains on pairs a ≤ b only, while here the mirror (b, a) of a training pair is a test pair, so 40 % of the ordered pairs cover ~64 % of PAIR's unordered ones.",
        "Pearce, Ghandeharioun, Hussein, Thain, Wattenberg & Dixon 2023, Do Machine Learning Models Memorize or Generalize? (PAIR explorable)",
        "v=1&data=mod&train=0.4&layers=500,24&loss=ce&opt=adamw&lr=0.001&beta2=0.98&bs=10000&wd=1&steps=6000&logx=1&p=67&model=emb",
    ),
    p(
        "grok-nanda",
        "Grokking in a one-layer transformer: a + b mod 113",
        "Nanda et al.'s setup (d_model 128, 4 heads, d_mlp 512, no LayerNorm, full-batch AdamW, wd 1): train accuracy saturates within a few hundred steps, test accuracy follows thousands of steps later (log axis); about 14 GFLOP a step: the page trains it on WebGPU (slow on a software adapter; a real GPU is needed for the full run), the CPU reference runs it natively (grokpad run --preset grok-nanda).",
        "Nanda et al. 2023, Progress measures for grokking via mechanistic interpretability",
        "v=1&data=mod&train=0.3&loss=ce&opt=adamw&lr=0.001&beta2=0.98&sched=warmup&warmup=10&bs=10000&wd=1&steps=40000&logx=1&p=113&model=tfm",
    ),
    p(
        "hello-kan",
        "Hello KAN: a [2,5,1] KAN learns exp(sin(πx) + y²)",
        "Trained with pykan's sparsity penalty (λ = 0.02), the grid refined 3 → 10 at step 1000 (least squares keeps the function), pruned at step 1500 down to one hidden node, every edge snapped at step 2500: sin(πx) and y² into the node, exp out of it — the formula is recovered.",
        "Liu et al. 2024, KAN: Kolmogorov-Arnold Networks",
        "v=1&data=fn&layers=5&opt=adam&lr=0.01&steps=3000&model=kan&grid=3&refine=1000:10&snap=2500:auto&kprune=1500:0.1&lamb=0.02",
    ),
    p(
        "kan-spiral",
        "A KAN classifies the spiral",
        "A [2,8,2] KAN with 10-interval B-spline edges separates the two arms (test accuracy about 97 %).",
        "Liu et al. 2024, KAN: Kolmogorov-Arnold Networks",
        "v=1&data=spiral&noise=10&layers=8&loss=ce&opt=adam&lr=0.01&bs=20&steps=3000&model=kan&grid=10",
    ),
    p(
        "kan-vs-mlp-j0",
        "KAN vs MLP on the Bessel function J₀(20x)",
        "A single-edge [1,1] KAN (grid 10, refined to 30 at step 1000: 36 parameters) fits J₀(20x) to a test RMSE near 0.01; compare the MLP [1,12,1] with the same parameter count (`layers=12`, `model=mlp`), which stays near 0.1.",
        "Liu et al. 2024, KAN: Kolmogorov-Arnold Networks",
        "v=1&data=fn&layers=&opt=adam&lr=0.01&steps=3000&fn=j0&model=kan&grid=10&refine=1000:30",
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
