//! Drawing functions for Grokpad's charts, generic over plotters' `DrawingBackend`: the app draws
//! them on canvases (plotters-canvas), tests and the CLI render them to SVG or bitmaps.
//! Colours follow TensorFlow Playground's heatmap convention (orange = negative, blue = positive).

pub mod boundary;
pub mod curves;

/// A labelled data point on the [-6, 6]² plane.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlotPoint {
    pub x: f32,
    pub y: f32,
    /// Class: 0 (orange, TFP's -1) or 1 (blue, TFP's +1).
    pub class: u8,
    /// True for test points (drawn with a dark outline, toggleable).
    pub test: bool,
}

/// The model's output on a `res × res` grid over [-6, 6]²; `values[row * res + col]`, row 0 at
/// y = +6 (top), col 0 at x = -6. Values in [-1, 1]: -1 = class 0, +1 = class 1.
#[derive(Clone, Debug, PartialEq)]
pub struct GridValues {
    pub res: usize,
    pub values: Vec<f32>,
}

/// One curve of a line chart: (step, value) pairs.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub label: String,
    /// RGB colour.
    pub color: (u8, u8, u8),
    pub points: Vec<(f64, f64)>,
}
