//! Drawing functions for Grokpad's charts, generic over plotters' `DrawingBackend`: the app draws
//! them on canvases (plotters-canvas), tests and the CLI render them to SVG or bitmaps.
//! Colours follow TensorFlow Playground's heatmap convention (orange = negative, blue = positive).

pub mod attn;
pub mod boundary;
pub mod curves;
pub mod fit;
pub mod grok;
pub mod kandiagram;
pub mod kanedge;
pub mod kanvs;
pub mod memo;
pub mod netdiagram;
pub mod probs;
pub mod scale;
pub mod sweep;

/// A labelled data point on the [-6, 6]² plane.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PlotPoint {
    pub x: f32,
    pub y: f32,
    /// Class: 0 (orange, TFP's -1), 1 (blue, TFP's +1), 2–4 (`boundary::EXTRA_CLASSES`).
    pub class: u8,
    /// True for test points (drawn with a dark outline, toggleable).
    pub test: bool,
    /// Regression target: when set, the point is coloured by it on the diverging scale.
    pub value: Option<f32>,
    /// Training label changed by `flip` / random labels (ringed with `BoundaryOpts::mark_flipped`).
    pub flipped: bool,
    /// The model currently predicts this point's flipped training label, against its true label
    /// (highlighted with `BoundaryOpts::mark_misfit`).
    pub misfit: bool,
}

/// The model's output on a `res × res` grid over [-6, 6]²; `values[row * res + col]`, row 0 at
/// y = +6 (top), col 0 at x = -6. Values in [-1, 1]: -1 = class 0, +1 = class 1.
#[derive(Clone, Debug, PartialEq)]
pub struct GridValues {
    pub res: usize,
    pub values: Vec<f32>,
}

/// One curve of a line chart: (step, value) pairs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    pub label: String,
    /// RGB colour.
    pub color: (u8, u8, u8),
    pub points: Vec<(f64, f64)>,
    /// Drawn dashed (pinned runs, for comparison).
    pub dashed: bool,
    /// Optional spread around the line: (step, low, high), drawn as a translucent area
    /// (mean ± spread over seeds).
    pub band: Vec<(f64, f64, f64)>,
}
