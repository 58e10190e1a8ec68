//! The HiGHS backend (cargo feature `highs`): the problem is built through good_lp's `highs`
//! solver; time limit, gap, seed, threads and the cutoff (`objective_bound`) are set on the
//! inner HiGHS model, whose status, point, row duals and MIP dual bound make the outcome.

use std::time::Instant;

use good_lp::{solvers::highs::HighsProblem, SolverModel};
use highs::HighsModelStatus;
use rmod_ir::{ColKind, Model, Solution, Status};

use crate::problem;

/// The model as a HiGHS problem: an equality row once, a ranged row as two rows (good_lp adds
/// one side per row), a free row not at all. Also returns, per model row, the HiGHS rows that
/// carry it (for its dual).
fn load(model: &Model) -> Result<(highs::Model, Vec<Vec<usize>>), String> {
    let (vars, cols) = problem::variables(model);
    let mut p: HighsProblem = vars
        .minimise(problem::objective(model, &cols))
        .using(good_lp::highs);
    let mut carriers = Vec::with_capacity(model.rows.len());
    // HiGHS numbers rows in the order they are added
    let mut next = 0usize;
    for r in &model.rows {
        let e = || problem::linear(&r.coeffs, &cols);
        let sides = if r.lower == r.upper {
            vec![e().eq(r.upper)]
        } else {
            let mut s = Vec::new();
            if r.upper.is_finite() {
                s.push(e().leq(r.upper));
            }
            if r.lower.is_finite() {
                s.push(e().geq(r.lower));
            }
            s
        };
        let mut mine = Vec::with_capacity(sides.len());
        for c in sides {
            p.add_constraint(c);
            mine.push(next);
            next += 1;
        }
        carriers.push(mine);
    }
    let m = p.try_into_inner().map_err(|e| e.to_string())?;
    Ok((m, carriers))
}

/// Sets an option; HiGHS refusing one is an error of the solve.
fn set<V: highs::HighsOptionValue>(m: &mut highs::Model, key: &str, v: V) -> Result<(), String> {
    m.try_set_option(key, v)
        .map_err(|e| format!("HiGHS refused option `{key}`: {e:?}"))
}

/// The options of one solve on the inner model.
fn configure(
    m: &mut highs::Model,
    model: &Model,
    cutoff: Option<f64>,
    time_limit: Option<f64>,
) -> Result<(), String> {
    let o = &model.options;
    let log = o.log.unwrap_or(0) > 0;
    set(m, "output_flag", log)?;
    set(m, "log_to_console", log)?;
    if let Some(t) = time_limit {
        set(m, "time_limit", t.max(0.0))?;
    }
    // CBC's default: prove the optimum (HiGHS's own default stops at a relative gap of 1e-4
    // and calls that optimal)
    set(m, "mip_rel_gap", o.mip_gap.unwrap_or(0.0))?;
    if let Some(s) = o.seed {
        set(m, "random_seed", s.clamp(0, i64::from(i32::MAX)) as i32)?;
    }
    if let Some(t) = o.threads {
        set(m, "threads", i32::try_from(t).unwrap_or(i32::MAX))?;
    }
    if let Some(c) = cutoff.and_then(|v| problem::cutoff(model, v)) {
        // for a minimization: nodes whose bound is above it are pruned
        set(m, "objective_bound", c)?;
    }
    Ok(())
}

/// One HiGHS solve with the model's options; `time_limit` replaces the model's. `cutoff` as
/// in CBC's adapter: only points better than it are searched for.
pub(crate) fn run(model: &Model, cutoff: Option<f64>, time_limit: Option<f64>) -> Solution {
    let started = Instant::now();
    let outcome = load(model).and_then(|(mut m, _)| {
        configure(&mut m, model, cutoff, time_limit)?;
        let _quiet = crate::quiet::StdoutToStderr::new();
        m.try_solve().map_err(|e| format!("HiGHS failed: {e:?}"))
    });
    let solved = match outcome {
        Ok(s) => s,
        Err(msg) => {
            return crate::solution(model, Status::Error(msg), Vec::new(), None, started, 0)
        }
    };
    let values = solved.get_solution().columns().to_vec();
    let point_ok = crate::is_feasible(model, &values);
    let mip = model.columns.iter().any(|c| c.kind != ColKind::Continuous);
    let status = match solved.status() {
        HighsModelStatus::Optimal if point_ok => Status::Optimal,
        // cut off: nothing better than the cutoff exists
        HighsModelStatus::ObjectiveBound | HighsModelStatus::ObjectiveTarget if !point_ok => {
            Status::Infeasible
        }
        HighsModelStatus::Infeasible => Status::Infeasible,
        HighsModelStatus::Unbounded => Status::Unbounded,
        // HiGHS's presolve may not tell the two apart; the caller's zero-objective re-solve
        // (see `solve`) decides
        HighsModelStatus::UnboundedOrInfeasible => Status::Infeasible,
        HighsModelStatus::ReachedTimeLimit
        | HighsModelStatus::ReachedIterationLimit
        | HighsModelStatus::ReachedSolutionLimit
        | HighsModelStatus::ReachedInterrupt
        | HighsModelStatus::ReachedMemoryLimit
        | HighsModelStatus::ObjectiveBound
        | HighsModelStatus::ObjectiveTarget
        | HighsModelStatus::Optimal => {
            if point_ok {
                Status::Feasible
            } else {
                Status::NoSolution
            }
        }
        HighsModelStatus::ModelEmpty => {
            // no rows and no columns: the empty point
            Status::Optimal
        }
        s => Status::Error(format!("HiGHS finished with status {s:?}")),
    };
    let best_bound = match status {
        Status::Infeasible | Status::Unbounded | Status::Error(_) => None,
        _ if mip => solved
            .double_info_value(c"mip_dual_bound")
            .ok()
            .and_then(|b| problem::model_bound(model, b)),
        Status::Optimal => problem::model_bound(model, solved.objective_value()),
        _ => None,
    };
    let iterations = solved.simplex_iteration_count().max(0);
    crate::solution(model, status, values, best_bound, started, iterations)
}

/// Solves `min objective·x` over the LP relaxation of `model` with HiGHS: the row multipliers
/// (one per model row: the duals of the HiGHS rows that carry it, added), when HiGHS proves
/// optimality within `time_limit` seconds. Any multipliers give a valid bound in
/// [`crate::certified`]; HiGHS's only make it tight.
pub(crate) fn lp_duals(
    model: &Model,
    objective: &[(u32, f64)],
    time_limit: Option<f64>,
) -> Option<Vec<f64>> {
    let mut lp = Model {
        columns: model.columns.clone(),
        rows: model.rows.clone(),
        objective: Some(rmod_ir::Objective {
            name: "bound".into(),
            sense: rmod_ir::Sense::Minimize,
            coeffs: objective.to_vec(),
            constant: 0.0,
        }),
        options: rmod_ir::Options::default(),
    };
    for c in &mut lp.columns {
        c.kind = ColKind::Continuous;
    }
    let (mut m, carriers) = load(&lp).ok()?;
    configure(&mut m, &lp, None, time_limit).ok()?;
    let solved = m.try_solve().ok()?;
    if solved.status() != HighsModelStatus::Optimal {
        return None;
    }
    let duals = solved.get_solution().dual_rows().to_vec();
    Some(
        carriers
            .iter()
            .map(|rows| {
                rows.iter()
                    .map(|i| duals.get(*i).copied().unwrap_or(0.0))
                    .sum()
            })
            .collect(),
    )
}
