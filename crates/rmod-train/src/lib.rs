//! Trains ReLU networks that are accurate and cheap to optimize (L1, L2, dropout, clipped ReLU and an interval-bound-width penalty), and samples the standard test functions; no IO of its own.

mod data;
mod domain;
mod functions;
mod mlp;
mod train;

pub use data::{read_table, Table};
pub use domain::{check_box, data_box, extrapolation, EXTRAPOLATION_SHARE};
pub use functions::{sample_box, Function, Rng};
pub use mlp::{Hidden, Loss, Mlp, Penalties};
pub use train::{to_json, train, validate, Config, Progress, Trained};
