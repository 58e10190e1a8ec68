//! The interface of bound problems: [`BoundOracle`], which bound tightening calls and a solver answers.

use std::time::Instant;

use crate::{Affine, Model};

/// A valid lower bound on the minimum of each objective over a model (a relaxation's optimum or
/// a branch-and-bound best bound; never an incumbent). Implemented by the solver crate and, with
/// worker processes, by the command line.
pub trait BoundOracle {
    /// `relax`: drop integrality (LPs); `time_limit`: seconds per problem; past `deadline`
    /// remaining problems are skipped. `None` where nothing valid is known.
    fn min_bounds(
        &self,
        model: &Model,
        objectives: &[Affine],
        relax: bool,
        time_limit: Option<f64>,
        deadline: Option<Instant>,
    ) -> Vec<Option<f64>>;
    /// Called before each layer's batch: layer (1-based), layers, problems in the batch.
    fn layer_started(&self, _layer: usize, _layers: usize, _problems: usize) {}
}
