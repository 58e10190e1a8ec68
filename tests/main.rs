//! End-to-end tests: real models in `examples/` and `tests/cases/`, run through the compiler,
//! CBC and the `rmod` binary, with optima computed independently.

mod cases;
mod cli;
mod docs;
mod examples;
mod export;
mod hull;
mod onnx;
mod piecewise;
mod relu;
mod robustness;
mod sweep;
mod switch;
mod torture;
mod train;
mod trust;
mod util;
