//! The diagnostic each solve status deserves.

use rmod_diagnostics::code;

use rmod_diagnostics::Diagnostic;
use rmod_ir::{SolverKind, Status};

/// The diagnostic that a solve outcome deserves (none for optimal).
pub fn status_diagnostic(status: &Status, solver: SolverKind) -> Option<Diagnostic> {
    Some(match status {
        Status::Optimal => return None,
        Status::Infeasible => Diagnostic::error(
            code::SOLVE_INFEASIBLE,
            "the model is infeasible: no point satisfies every constraint",
        )
        .with_help(
            "check bounds and data; `rmod expand MODEL CONSTRAINT` shows the generated rows",
        ),
        Status::Unbounded => Diagnostic::error(code::SOLVE_UNBOUNDED, "the objective is unbounded")
            .with_help("a variable that the objective improves is missing a bound or a constraint"),
        Status::Feasible => Diagnostic::warning(
            code::SOLVE_LIMIT,
            "the solver stopped at a limit with a feasible point (not proven optimal)",
        )
        .with_help("raise `option time_limit` (or pass --option time_limit=...)"),
        Status::NoSolution => Diagnostic::warning(
            code::SOLVE_LIMIT,
            "the solver stopped at a limit without a feasible point",
        )
        .with_help("raise `option time_limit` (or pass --option time_limit=...)"),
        Status::Error(msg) => {
            let name = match solver {
                SolverKind::Cbc => "CBC",
                SolverKind::Highs => "HiGHS",
            };
            Diagnostic::error(code::SOLVE_SOLVER_ERROR, format!("{name} failed: {msg}"))
                .with_help(match solver {
                    SolverKind::Cbc => "try `option cbc.presolve = \"off\"` or `option solver = \"highs\"`, or report the model",
                    SolverKind::Highs => "try `option solver = \"cbc\"`, or report the model",
                })
        }
    })
}
