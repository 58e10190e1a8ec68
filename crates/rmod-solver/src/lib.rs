//! Solves an [`rmod_ir::Model`] with CBC and maps CBC's status to [`rmod_ir::Status`]; the only crate that links CBC (built from source by `cbc-src`).
//!
//! CBC's C library keeps global state; `coin_cbc` serializes model creation and deletion, and
//! this crate solves one model at a time per call.

// Links the vendored CBC libraries (including `libCbcSolver`, whose C interface coin_cbc uses).
extern crate cbc_src;

use std::ffi::CString;
use std::time::Instant;

use coin_cbc::raw;
use rmod_diagnostics::Diagnostic;
use rmod_ir::{ColKind, Model, Sense, Solution, Status};

/// Feasibility tolerance used to decide whether a point returned at a limit is a solution.
pub const FEAS_TOL: f64 = 1e-6;

/// Builds the CBC problem in one column-major load.
fn load(model: &Model) -> raw::Model {
    let n = model.columns.len();
    let mut by_col: Vec<Vec<(i32, f64)>> = vec![Vec::new(); n];
    for (ri, r) in model.rows.iter().enumerate() {
        for (c, a) in &r.coeffs {
            by_col[*c as usize].push((ri as i32, *a));
        }
    }
    let mut start = Vec::with_capacity(n + 1);
    let mut index = Vec::new();
    let mut value = Vec::new();
    start.push(0i32);
    for col in &mut by_col {
        col.sort_by_key(|(r, _)| *r);
        // merge duplicates (the compiler already merges them; this keeps CBC's input valid regardless)
        let mut last: Option<i32> = None;
        for (r, a) in col.iter() {
            if last == Some(*r) {
                if let Some(v) = value.last_mut() {
                    *v += a;
                }
            } else {
                index.push(*r);
                value.push(*a);
                last = Some(*r);
            }
        }
        start.push(index.len() as i32);
    }
    let collb: Vec<f64> = model.columns.iter().map(|c| c.lower).collect();
    let colub: Vec<f64> = model.columns.iter().map(|c| c.upper).collect();
    let mut obj = vec![0.0; n];
    if let Some(o) = &model.objective {
        for (c, a) in &o.coeffs {
            obj[*c as usize] += a;
        }
    }
    let rowlb: Vec<f64> = model.rows.iter().map(|r| r.lower).collect();
    let rowub: Vec<f64> = model.rows.iter().map(|r| r.upper).collect();
    let mut m = raw::Model::new();
    m.load_problem(
        n,
        model.rows.len(),
        &start,
        &index,
        &value,
        Some(&collb),
        Some(&colub),
        Some(&obj),
        Some(&rowlb),
        Some(&rowub),
    );
    for (i, c) in model.columns.iter().enumerate() {
        if c.kind != ColKind::Continuous {
            m.set_integer(i);
        }
    }
    if matches!(
        model.objective.as_ref().map(|o| o.sense),
        Some(Sense::Maximize)
    ) {
        m.set_obj_sense(coin_cbc::Sense::Maximize);
    }
    m
}

fn set(m: &mut raw::Model, key: &str, value: &str) {
    if let (Ok(k), Ok(v)) = (CString::new(key), CString::new(value)) {
        m.set_parameter(&k, &v);
    }
}

/// Solves the model. `start` is an optional feasible point (one value per column): CBC then
/// only searches for better points (its `cutoff` is set just above the start's objective, a
/// relative 1e-6), and when it finds none the start is the answer: optimal when CBC proves
/// that nothing better exists, feasible when it stops at a limit.
pub fn solve(model: &Model, start: Option<&[f64]>) -> Solution {
    let started = Instant::now();
    let start = start.filter(|x| {
        x.len() == model.columns.len()
            && model.max_violation(x) <= FEAS_TOL * (1.0 + max_abs(x))
            && model.columns.iter().zip(x.iter()).all(|(c, v)| {
                *v >= c.lower - FEAS_TOL * (1.0 + v.abs())
                    && *v <= c.upper + FEAS_TOL * (1.0 + v.abs())
            })
            && model.objective.is_some()
    });
    let mut m = load(model);
    let o = &model.options;
    m.set_log_level(o.log.unwrap_or(0) as i32);
    set(&mut m, "log", &o.log.unwrap_or(0).to_string());
    if let Some(t) = o.time_limit {
        // wall-clock seconds, as a user reads `time_limit` (CBC counts CPU time by default)
        set(&mut m, "timeMode", "elapsed");
        set(&mut m, "sec", &t.to_string());
    }
    if let Some(g) = o.mip_gap {
        set(&mut m, "ratioGap", &g.to_string());
    }
    if let Some(s) = o.seed {
        set(&mut m, "randomCbcSeed", &s.to_string());
    }
    let mut start_obj = None;
    if let (Some(x), Some(obj)) = (start, &model.objective) {
        // CBC's objective has no constant; the cutoff is in CBC's (minimization) direction
        let v = rmod_ir::dot(&obj.coeffs, x);
        let slack = 1e-6 * v.abs().max(1.0);
        let cutoff = match obj.sense {
            Sense::Minimize => v + slack,
            Sense::Maximize => -(v - slack),
        };
        set(&mut m, "cutoff", &format!("{cutoff:?}"));
        start_obj = Some(v + obj.constant);
    }
    for (k, v) in &o.cbc {
        set(&mut m, k, v);
    }
    m.solve();
    let mut sol = finish(model, &m, started);
    drop(m);
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
        // CBC's C interface reports a dual-infeasible (unbounded) LP as "proven infeasible".
        // A problem with a zero objective cannot be unbounded: if it is feasible, the original
        // problem was unbounded.
        let mut feas = model.clone();
        feas.objective = None;
        if solve(&feas, None).status.has_point() {
            sol.status = Status::Unbounded;
        }
        sol.seconds = started.elapsed().as_secs_f64();
    }
    sol
}

fn finish(model: &Model, m: &raw::Model, started: Instant) -> Solution {
    let values: Vec<f64> = m.col_solution().to_vec();
    let point_ok = values.len() == model.columns.len()
        && model.max_violation(&values) <= FEAS_TOL * (1.0 + max_abs(&values));
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
    let has_point = status.has_point();
    let best = m.best_possible_value();
    Solution {
        objective: has_point.then(|| model.objective_value(&values)),
        best_bound: (best.is_finite()
            && best.abs() < 1e30
            && !matches!(status, Status::Infeasible | Status::Unbounded))
        .then(|| best + model.objective.as_ref().map_or(0.0, |o| o.constant)),
        values: if has_point { values } else { Vec::new() },
        status,
        seconds: started.elapsed().as_secs_f64(),
        iterations: i64::from(m.iteration_count()),
    }
}

fn max_abs(x: &[f64]) -> f64 {
    x.iter().fold(0.0, |a, v| a.max(v.abs()))
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
    set(&mut m, "log", "0");
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

/// The point of the model's LP relaxation (integrality dropped), if CBC solves it to optimality
/// within `time_limit` seconds.
pub fn relaxation_point(model: &Model, time_limit: f64) -> Option<Vec<f64>> {
    let mut m = model.clone();
    for c in &mut m.columns {
        c.kind = ColKind::Continuous;
    }
    m.options = rmod_ir::Options {
        time_limit: Some(time_limit),
        ..Default::default()
    };
    let s = solve(&m, None);
    (s.status == Status::Optimal).then_some(s.values)
}

/// Valid bounds for network bound tightening: an LP relaxation's optimum, or a MILP's best
/// bound (never an incumbent), each solved by CBC under the given time limit, one after the
/// other in this process.
pub struct CbcBounds;

/// A valid lower bound on `min objective` over `model` (see [`CbcBounds`]).
pub fn min_bound(
    model: &Model,
    objective: &rmod_relu::Affine,
    relax: bool,
    time_limit: Option<f64>,
) -> Option<f64> {
    let mut m = Model {
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
            ..Default::default()
        },
    };
    if relax {
        for c in &mut m.columns {
            c.kind = ColKind::Continuous;
        }
    }
    let s = solve(&m, None);
    let v = match (&s.status, relax) {
        (Status::Optimal, true) => s.objective,
        (Status::Optimal, false) => match (s.best_bound, s.objective) {
            (Some(b), Some(o)) => Some(b.min(o)),
            (b, o) => b.or(o),
        },
        (Status::Feasible | Status::NoSolution, false) => s.best_bound,
        _ => None,
    };
    v.filter(|v| v.is_finite())
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

impl rmod_relu::BoundOracle for CbcBounds {
    fn min_bounds(
        &self,
        model: &Model,
        objectives: &[rmod_relu::Affine],
        relax: bool,
        time_limit: Option<f64>,
        deadline: Option<Instant>,
    ) -> Vec<Option<f64>> {
        objectives
            .iter()
            .map(|o| {
                problem_time_limit(time_limit, deadline)
                    .and_then(|limit| min_bound(model, o, relax, limit))
            })
            .collect()
    }
}

/// The diagnostic that a solve outcome deserves (none for optimal).
pub fn status_diagnostic(status: &Status) -> Option<Diagnostic> {
    Some(match status {
        Status::Optimal => return None,
        Status::Infeasible => Diagnostic::error(
            "rmod::solve::infeasible",
            "the model is infeasible: no point satisfies every constraint",
        )
        .with_help(
            "check bounds and data; `rmod expand MODEL CONSTRAINT` shows the generated rows",
        ),
        Status::Unbounded => {
            Diagnostic::error("rmod::solve::unbounded", "the objective is unbounded").with_help(
                "a variable that the objective improves is missing a bound or a constraint",
            )
        }
        Status::Feasible => Diagnostic::warning(
            "rmod::solve::limit",
            "the solver stopped at a limit with a feasible point (not proven optimal)",
        )
        .with_help("raise `option time_limit` (or pass --option time_limit=...)"),
        Status::NoSolution => Diagnostic::warning(
            "rmod::solve::limit",
            "the solver stopped at a limit without a feasible point",
        )
        .with_help("raise `option time_limit` (or pass --option time_limit=...)"),
        Status::Error(msg) => {
            Diagnostic::error("rmod::solve::solver_error", format!("CBC failed: {msg}"))
                .with_help("try `option cbc.presolve = \"off\"`, or report the model")
        }
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use rmod_diagnostics::Span;
    use rmod_ir::*;

    fn col(lo: f64, hi: f64, kind: ColKind) -> Column {
        Column {
            origin: Origin {
                decl: "x".into(),
                index: vec![],
                span: Span::default(),
            },
            lower: lo,
            upper: hi,
            kind,
        }
    }
    fn row(coeffs: Vec<(u32, f64)>, lo: f64, hi: f64) -> Row {
        Row {
            origin: Origin {
                decl: "r".into(),
                index: vec![],
                span: Span::default(),
            },
            coeffs,
            lower: lo,
            upper: hi,
        }
    }

    #[test]
    fn knapsack_is_optimal() {
        // max 5a + 4b + 3c, 2a + 3b + c <= 5, binaries: best a + c = 8 ... and a+b (cost 5) = 9
        let m = Model {
            columns: vec![
                col(0.0, 1.0, ColKind::Binary),
                col(0.0, 1.0, ColKind::Binary),
                col(0.0, 1.0, ColKind::Binary),
            ],
            rows: vec![row(
                vec![(0, 2.0), (1, 3.0), (2, 1.0)],
                f64::NEG_INFINITY,
                5.0,
            )],
            objective: Some(Objective {
                name: "z".into(),
                sense: Sense::Maximize,
                coeffs: vec![(0, 5.0), (1, 4.0), (2, 3.0)],
                constant: 1.0,
            }),
            options: Options::default(),
        };
        let s = solve(&m, None);
        assert_eq!(s.status, Status::Optimal);
        assert!((s.objective.unwrap_or(0.0) - 10.0).abs() < 1e-6, "{s:?}");
    }

    #[test]
    fn infeasible_and_unbounded() {
        let mut m = Model {
            columns: vec![col(0.0, f64::INFINITY, ColKind::Continuous)],
            rows: vec![
                row(vec![(0, 1.0)], 2.0, f64::INFINITY),
                row(vec![(0, 1.0)], f64::NEG_INFINITY, 1.0),
            ],
            objective: Some(Objective {
                name: "z".into(),
                sense: Sense::Minimize,
                coeffs: vec![(0, 1.0)],
                constant: 0.0,
            }),
            options: Options::default(),
        };
        assert_eq!(solve(&m, None).status, Status::Infeasible);
        m.rows.pop();
        m.objective = Some(Objective {
            name: "z".into(),
            sense: Sense::Maximize,
            coeffs: vec![(0, 1.0)],
            constant: 0.0,
        });
        assert_eq!(solve(&m, None).status, Status::Unbounded);
    }
}
