//! Solves an [`rmod_ir::Model`] through good_lp with CBC (default) or HiGHS (`highs` feature)
//! and maps the outcome to [`rmod_ir::Status`]; the only crate that links a solver.
//!
//! CBC's C library keeps global state; `coin_cbc` serializes model creation and deletion, and
//! this crate solves one CBC model at a time per call. HiGHS is thread-safe.

// Links the vendored CBC libraries (including `libCbcSolver`, whose C interface coin_cbc uses).
extern crate cbc_src;

mod bounds;
mod cbc;
#[allow(unsafe_code)] // Clp's C interface
mod certified;
mod duals;
#[cfg(feature = "highs")]
mod highs;
mod problem;
#[allow(unsafe_code)] // dup/dup2 of the stdout descriptor
mod quiet;
#[allow(unsafe_code)] // sigwait and signal masks
pub mod signals;
mod split;
mod status;
#[cfg(test)]
mod tests;

pub use bounds::{min_bound, problem_time_limit, SolverBounds};
pub use cbc::{cbc_version, read_mps_file, solve_mps_file};
pub use certified::{certified_min, lp_point};
pub use duals::{duals, INTEGRALITY_TOL};
pub use quiet::restore_stdout;
pub use split::{solve_split, BetterPoint, CellTightening, LEAF_BINARIES};
pub use status::status_diagnostic;

use std::time::Instant;

use rmod_ir::{Model, Sense, Solution, SolverKind, Status};

/// Feasibility tolerance: a point is a solution when its [`Model::scaled_violation`] (every
/// row and bound measured on its own scale, never on unrelated columns' values) is at most this.
pub const FEAS_TOL: f64 = 1e-6;

/// Whether `x` satisfies every row, bound and integrality of `model` within [`FEAS_TOL`].
pub fn is_feasible(model: &Model, x: &[f64]) -> bool {
    x.len() == model.columns.len() && model.scaled_violation(x) <= FEAS_TOL
}

/// The backends of this build (HiGHS needs the `highs` cargo feature).
#[cfg(feature = "highs")]
pub const BACKENDS: &[SolverKind] = &[SolverKind::Cbc, SolverKind::Highs];
/// The backends of this build (HiGHS needs the `highs` cargo feature).
#[cfg(not(feature = "highs"))]
pub const BACKENDS: &[SolverKind] = &[SolverKind::Cbc];

/// The message for a backend this build lacks.
pub const NO_HIGHS: &str = "this rmod was built without HiGHS: build it with `--features highs` (needs cmake), or use `option solver = \"cbc\"`";

/// One solve by the backend the model's `options.solver` names; `time_limit` replaces the
/// model's; `cutoff` (model units): only better points are searched for.
fn run(model: &Model, cutoff: Option<f64>, time_limit: Option<f64>) -> Solution {
    match model.options.solver {
        SolverKind::Cbc => cbc::run(model, cutoff, time_limit),
        #[cfg(feature = "highs")]
        SolverKind::Highs => highs::run(model, cutoff, time_limit),
        #[cfg(not(feature = "highs"))]
        SolverKind::Highs => solution(
            model,
            Status::Error(NO_HIGHS.into()),
            Vec::new(),
            None,
            Instant::now(),
            0,
        ),
    }
}

/// A backend's outcome as a [`Solution`]: the objective at the point when the status has one;
/// at a limit, the solver's last point even when it failed the feasibility check (status
/// `no_solution`: the networks' exact point at its inputs may be feasible).
fn solution(
    model: &Model,
    status: Status,
    values: Vec<f64>,
    best_bound: Option<f64>,
    started: Instant,
    iterations: i64,
) -> Solution {
    let has_point = status.has_point();
    Solution {
        objective: has_point.then(|| model.objective_value(&values)),
        best_bound,
        values: if has_point
            || (status == Status::NoSolution && values.len() == model.columns.len())
        {
            values
        } else {
            Vec::new()
        },
        status,
        seconds: started.elapsed().as_secs_f64(),
        iterations,
        split: None,
    }
}

/// Solves the model. `start` is an optional feasible point (one value per column): the solver
/// then only searches for better points (its cutoff is set just above the start's objective, a
/// relative 1e-6), and when it finds none the start is the answer: optimal when the solver
/// proves that nothing better exists, feasible when it stops at a limit.
pub fn solve(model: &Model, start: Option<&[f64]>) -> Solution {
    let started = Instant::now();
    let start = feasible_start(model, start);
    let start_obj = match (start, &model.objective) {
        (Some(x), Some(obj)) => Some(rmod_ir::dot(&obj.coeffs, x) + obj.constant),
        _ => None,
    };
    let mut sol = run(model, start_obj, model.options.time_limit);
    if let (Some(x), Some(v)) = (start, start_obj) {
        let better = |o: f64| match model.objective.as_ref().map(|o| o.sense) {
            Some(Sense::Maximize) => o > v,
            _ => o < v,
        };
        match sol.status {
            Status::Optimal | Status::Feasible if sol.objective.is_some_and(better) => {}
            // nothing better than the start exists
            Status::Optimal | Status::Infeasible => {
                sol.status = Status::Optimal;
                sol.values = x.to_vec();
                sol.objective = Some(v);
                sol.best_bound = Some(v);
            }
            Status::Feasible | Status::NoSolution => {
                sol.status = Status::Feasible;
                sol.values = x.to_vec();
                sol.objective = Some(v);
            }
            _ => {}
        }
        sol.seconds = started.elapsed().as_secs_f64();
        return sol;
    }
    if sol.status == Status::Infeasible && model.objective.is_some() {
        // CBC's C interface reports a dual-infeasible (unbounded) LP as "proven infeasible",
        // HiGHS's presolve may say "unbounded or infeasible". A problem with a zero objective
        // cannot be unbounded: if it is feasible, the original problem was unbounded.
        let mut feas = model.clone();
        feas.objective = None;
        if solve(&feas, None).status.has_point() {
            sol.status = Status::Unbounded;
        }
        sol.seconds = started.elapsed().as_secs_f64();
    }
    sol
}

/// `start` if it is a feasible point of `model`, which has an objective.
fn feasible_start<'a>(model: &Model, start: Option<&'a [f64]>) -> Option<&'a [f64]> {
    start.filter(|x| is_feasible(model, x) && model.objective.is_some())
}

/// The point of the model's LP relaxation (integrality dropped), if Clp solves it to optimality
/// within `time_limit` seconds.
pub fn relaxation_point(model: &Model, time_limit: f64) -> Option<Vec<f64>> {
    lp_point(model, Some(time_limit))
}
