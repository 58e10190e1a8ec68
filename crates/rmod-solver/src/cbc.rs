//! The CBC backend: the problem is built through good_lp's `coin_cbc` solver; CBC-only settings
//! (cutoff, elapsed-time limit, `cbc.KEY` parameters, ranged rows) and the outcome (status,
//! best bound) go through good_lp's access to the inner CBC model.

use std::ffi::CString;
use std::time::Instant;

use coin_cbc::raw;
use good_lp::{solvers::coin_cbc::CoinCbcProblem, SolverModel};
use rmod_ir::{Model, Sense, Solution, Status};

use crate::problem;

/// With a time limit, CBC's fast depth-first search in Clp is switched off for models with more
/// integer columns than this (with fewer, its whole tree is small).
const FATHOM_INTEGERS: usize = 16;

/// The model as a CBC problem: every row one CBC row `lower <= a·x <= upper` (good_lp adds the
/// upper side; the lower side is set on the inner model).
fn load(model: &Model) -> CoinCbcProblem {
    let (vars, cols) = problem::variables(model);
    let mut p = vars
        .minimise(problem::objective(model, &cols))
        .using(good_lp::coin_cbc);
    for r in &model.rows {
        p.add_constraint(problem::linear(&r.coeffs, &cols).leq(r.upper));
    }
    let inner = p.as_inner_mut();
    let rows: Vec<coin_cbc::Row> = inner.rows().collect();
    for (r, row) in model.rows.iter().zip(rows) {
        inner.set_row_lower(row, r.lower);
    }
    p
}

/// One CBC solve with the model's options; `time_limit` replaces the model's. `cutoff`: only
/// points with a better objective (model units, constant included) are searched for (CBC's
/// `cutoff`, set a relative 1e-6 above it).
pub(crate) fn run(model: &Model, cutoff: Option<f64>, time_limit: Option<f64>) -> Solution {
    let started = Instant::now();
    let mut p = load(model);
    let m = p.as_inner_mut();
    let o = &model.options;
    let log = o.log.unwrap_or(0);
    m.set_log_level(log as i32);
    m.set_parameter("log", &log.to_string());
    if let Some(t) = time_limit {
        // wall-clock seconds, as a user reads `time_limit` (CBC counts CPU time by default)
        m.set_parameter("timeMode", "elapsed");
        m.set_parameter("sec", &t.to_string());
        if model.n_integer() > FATHOM_INTEGERS {
            // CBC hands subtrees of problems with fewer than 500 rows and columns to Clp's
            // depth-first `fathom`, which never looks at the clock: seen running 15 s past a
            // 20 s limit (BENCHMARKS.md). Off, unless `cbc.depthMiniBab` says otherwise.
            m.set_parameter("depthMiniBab", "-999");
        }
    }
    if let Some(g) = o.mip_gap {
        m.set_parameter("ratioGap", &g.to_string());
    }
    if let Some(s) = o.seed {
        m.set_parameter("randomCbcSeed", &s.to_string());
    }
    if let Some(c) = cutoff.and_then(|v| problem::cutoff(model, v)) {
        m.set_parameter("cutoff", &format!("{c:?}"));
    }
    for (k, v) in &o.cbc {
        m.set_parameter(k, v);
    }
    let solved = {
        let _quiet = crate::quiet::StdoutToStderr::new();
        m.solve()
    };
    finish(model, solved.raw(), started)
}

/// CBC's outcome in the IR's terms; a point returned at a limit is re-checked.
fn finish(model: &Model, m: &raw::Model, started: Instant) -> Solution {
    let values: Vec<f64> = m.col_solution().to_vec();
    let point_ok = crate::is_feasible(model, &values);
    let status = if m.is_proven_optimal() {
        Status::Optimal
    } else if m.is_continuous_unbounded()
        || matches!(
            m.secondary_status(),
            raw::SecondaryStatus::LinearRelaxationUnbounded
        )
    {
        Status::Unbounded
    } else if m.is_proven_infeasible() {
        Status::Infeasible
    } else if m.is_abandoned() {
        Status::Error("CBC abandoned the solve (numerical difficulties)".into())
    } else if m.is_seconds_limit_reached()
        || m.is_node_limit_reached()
        || m.is_solution_limit_reached()
        || matches!(m.status(), raw::Status::Stopped)
    {
        if point_ok {
            Status::Feasible
        } else {
            Status::NoSolution
        }
    } else {
        Status::Error(format!(
            "CBC finished with an unexpected status ({:?}, {:?})",
            m.status(),
            m.secondary_status()
        ))
    };
    let best_bound = if matches!(status, Status::Infeasible | Status::Unbounded) {
        None
    } else {
        problem::model_bound(model, m.best_possible_value())
    };
    crate::solution(
        model,
        status,
        values,
        best_bound,
        started,
        i64::from(m.iteration_count()),
    )
}

/// Reads an MPS file with CBC's own reader and solves it; returns the status and objective.
/// Used to check rmod's MPS writer against an independent reader. CBC's reader ignores the
/// `OBJSENSE` section (it says so on stderr), so a maximization must be named here.
pub fn solve_mps_file(path: &std::path::Path, sense: Sense) -> (Status, Option<f64>) {
    let Ok(p) = CString::new(path.to_string_lossy().as_bytes()) else {
        return (Status::Error("bad path".into()), None);
    };
    let mut m = raw::Model::new();
    m.set_log_level(0);
    m.read_mps(&p);
    if sense == Sense::Maximize {
        m.set_obj_sense(coin_cbc::Sense::Maximize);
    }
    if let (Ok(k), Ok(v)) = (CString::new("log"), CString::new("0")) {
        m.set_parameter(&k, &v);
    }
    m.solve();
    let status = if m.is_proven_optimal() {
        Status::Optimal
    } else if m.is_proven_infeasible() {
        Status::Infeasible
    } else {
        Status::Error(format!("{:?}", m.status()))
    };
    (status, Some(m.obj_value()))
}

/// Reads an MPS file with CBC's reader only (no solve); returns (rows, columns). A baseline for
/// benchmarks of rmod's own compile and export.
pub fn read_mps_file(path: &std::path::Path) -> (usize, usize) {
    let Ok(p) = CString::new(path.to_string_lossy().as_bytes()) else {
        return (0, 0);
    };
    let mut m = raw::Model::new();
    m.set_log_level(0);
    m.read_mps(&p);
    (m.num_rows(), m.num_cols())
}

/// The CBC version string.
pub fn cbc_version() -> &'static str {
    raw::Model::version()
}
