//! `rmod solve --duals`: the duals of the reported point (`rmod_solver::duals`), or the
//! warning that says why there are none.

use std::time::Instant;

use rmod_diagnostics::{code, Diagnostic};
use rmod_ir::{Model, Sensitivity, Solution};

/// Seconds the duals' LP gets at least, even when the run's deadline has passed (it is one LP
/// re-solved at a known point; the report waits for it).
pub const DUALS_MIN_SECONDS: f64 = 1.0;

/// The row duals and reduced costs at the reported point of `solution` (see
/// [`rmod_solver::duals`]: the LP, or for a MILP the LP with its integers fixed), within what
/// is left before `deadline` (at least [`DUALS_MIN_SECONDS`]); a `rmod::solve::no_duals`
/// warning when there are none.
pub fn sensitivity(
    model: &Model,
    solution: &Solution,
    deadline: Option<Instant>,
) -> Result<Sensitivity, Diagnostic> {
    let why = if !solution.status.has_point() {
        format!(
            "the solve ended `{}` without a point",
            solution.status.as_str()
        )
    } else {
        let left = crate::remaining(deadline).map(|t| t.max(DUALS_MIN_SECONDS));
        match rmod_solver::duals(model, &solution.values, left) {
            Ok(s) => return Ok(s),
            Err(e) => e,
        }
    };
    Err(
        Diagnostic::warning(code::SOLVE_NO_DUALS, format!("no duals: {why}")).with_help(
            "duals need a point: fix the model's status first (or raise `option time_limit`); the rest of the report is written",
        ),
    )
}
