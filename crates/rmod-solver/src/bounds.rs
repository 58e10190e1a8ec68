//! Bound problems for network bound tightening: `min_bound` (a certified LP bound or a MILP's
//! best bound) with the backend the model names, and the [`rmod_ir::BoundOracle`] that
//! solves a batch of them (one after the other for CBC, whose C library is not thread-safe; on
//! threads for HiGHS).

use std::time::Instant;

use rmod_ir::{Model, Sense, SolverKind, Status};

/// Valid bounds for network bound tightening: an LP relaxation's certified optimum, or a
/// MILP's best bound (never an incumbent), each solved under the given time limit by the
/// backend the bound problem's `options.solver` names. CBC's problems run one after the other
/// in this process (the command line spreads them over worker processes); HiGHS's run on
/// `threads` threads.
pub struct SolverBounds {
    /// threads for HiGHS's bound problems (at least 1)
    pub threads: usize,
}

impl SolverBounds {
    /// One problem after the other.
    pub const SERIAL: SolverBounds = SolverBounds { threads: 1 };
}

/// A valid lower bound on `min objective` over `model` (see [`SolverBounds`]). For the LP
/// relaxation (`relax`) the bound is certified: the backend's row duals turned into a bound
/// that holds for the exact LP whatever the solver's tolerances did (Neumaier-Shcherbina, see
/// [`crate::certified_min`]). For the MILP it is the backend's best bound (each node's LP
/// within its tolerances), which the caller widens; the forward-pass self-checks after the
/// solve catch what that misses.
pub fn min_bound(
    model: &Model,
    objective: &rmod_ir::Affine,
    relax: bool,
    time_limit: Option<f64>,
) -> Option<f64> {
    if relax {
        return match model.options.solver {
            SolverKind::Cbc => {
                crate::certified_min(model, &objective.coeffs, objective.constant, time_limit)
            }
            SolverKind::Highs => highs_certified_min(model, objective, time_limit),
        };
    }
    let m = Model {
        columns: model.columns.clone(),
        rows: model.rows.clone(),
        objective: Some(rmod_ir::Objective {
            name: "bound".into(),
            sense: Sense::Minimize,
            coeffs: objective.coeffs.clone(),
            constant: objective.constant,
        }),
        options: rmod_ir::Options {
            time_limit,
            solver: model.options.solver,
            ..Default::default()
        },
    };
    let s = crate::solve(&m, None);
    let v = match &s.status {
        Status::Optimal => match (s.best_bound, s.objective) {
            (Some(b), Some(o)) => Some(b.min(o)),
            (b, o) => b.or(o),
        },
        Status::Feasible | Status::NoSolution => s.best_bound,
        _ => None,
    };
    v.filter(|v| v.is_finite())
}

#[cfg(feature = "highs")]
fn highs_certified_min(
    model: &Model,
    objective: &rmod_ir::Affine,
    time_limit: Option<f64>,
) -> Option<f64> {
    crate::certified::certified_min_with(
        model,
        &objective.coeffs,
        objective.constant,
        time_limit,
        crate::highs::lp_duals,
    )
}

#[cfg(not(feature = "highs"))]
fn highs_certified_min(
    _model: &Model,
    _objective: &rmod_ir::Affine,
    _time_limit: Option<f64>,
) -> Option<f64> {
    None
}

/// The time limit of the next bound problem: the per-problem limit, cut to what is left before
/// the deadline; `None` (outer) when the deadline has passed.
pub fn problem_time_limit(limit: Option<f64>, deadline: Option<Instant>) -> Option<Option<f64>> {
    match deadline {
        None => Some(limit),
        Some(d) => {
            let left = d.saturating_duration_since(Instant::now()).as_secs_f64();
            (left > 0.0).then(|| Some(limit.map_or(left, |t| t.min(left))))
        }
    }
}

impl rmod_ir::BoundOracle for SolverBounds {
    fn min_bounds(
        &self,
        model: &Model,
        objectives: &[rmod_ir::Affine],
        relax: bool,
        time_limit: Option<f64>,
        deadline: Option<Instant>,
    ) -> Vec<Option<f64>> {
        let one = |o: &rmod_ir::Affine| {
            problem_time_limit(time_limit, deadline)
                .and_then(|limit| min_bound(model, o, relax, limit))
        };
        let threads = self.threads.max(1).min(objectives.len());
        if model.options.solver != SolverKind::Highs || threads <= 1 {
            return objectives.iter().map(one).collect();
        }
        // HiGHS is thread-safe: problem i goes to thread i mod threads
        let mut out = vec![None; objectives.len()];
        let results: Vec<Vec<(usize, Option<f64>)>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    s.spawn(move || {
                        objectives
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| i % threads == t)
                            .map(|(i, o)| (i, one(o)))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                // a panicked thread leaves its problems without a bound (valid: none known)
                .filter_map(|h| h.join().ok())
                .collect()
        });
        for (i, v) in results.into_iter().flatten() {
            out[i] = v;
        }
        out
    }
}
