//! End-to-end tests: real models in `examples/` and `tests/cases/`, run through the compiler,
//! CBC and the `rmod` binary, with optima computed independently.

mod cases;
mod cli;
mod csv_data;
mod docs;
mod domain;
mod duals;
mod examples;
mod export;
mod fmt;
mod hull;
mod json_docs;
mod objectives;
mod onnx;
mod piecewise;
mod relu;
mod robustness;
mod starts;
mod sweep;
mod switch;
mod symmetry;
mod torture;
mod train;
mod trust;
mod util;
