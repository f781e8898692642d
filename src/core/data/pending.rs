//! TEMPORARY stand-ins for the lead's schema types (removed when "schema: issue-4 URL keys" lands).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feature {
    X,
    Y,
    X2,
    Y2,
    Xy,
    Sinx,
    Siny,
}
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Point {
    pub x: f32,
    pub y: f32,
    pub v: f32,
}
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dataset {
    Circle,
    Xor,
    Gauss,
    Spiral,
    Moons,
    Checker,
    Rings,
    Xorclusters,
    Plane,
    Gauss2,
    Sines,
    Step,
    Abs,
    Chirp,
    Custom,
}
impl Dataset {
    pub fn is_regression(self) -> bool {
        use Dataset::*;
        matches!(self, Plane | Gauss2 | Sines | Step | Abs | Chirp)
    }
    pub fn is_1d(self) -> bool {
        use Dataset::*;
        matches!(self, Sines | Step | Abs | Chirp)
    }
}
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Labels {
    Given,
    Random,
}
