//! Solves an [`rmod_ir::Model`] with CBC and maps CBC's status to [`rmod_ir::Status`]; the only crate that links CBC (built from source by `cbc-src`).
//!
//! CBC's C library keeps global state; `coin_cbc` serializes model creation and deletion, and
//! this crate solves one model at a time per call.

// Links the vendored CBC libraries (including `libCbcSolver`, whose C interface coin_cbc uses).
extern crate cbc_src;

mod certified;
mod quiet;
pub mod signals;
pub use certified::{certified_min, lp_point};
pub use quiet::restore_stdout;

use std::ffi::CString;
use std::time::Instant;

use coin_cbc::raw;
use rmod_diagnostics::Diagnostic;
use rmod_ir::{ColKind, Model, Sense, Solution, Status};

/// Feasibility tolerance: a point is a solution when its [`Model::scaled_violation`] (every
/// row and bound measured on its own scale, never on unrelated columns' values) is at most this.
pub const FEAS_TOL: f64 = 1e-6;

/// Whether `x` satisfies every row, bound and integrality of `model` within [`FEAS_TOL`].
pub fn is_feasible(model: &Model, x: &[f64]) -> bool {
    x.len() == model.columns.len() && model.scaled_violation(x) <= FEAS_TOL
}

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
    // CBC always minimizes: a maximization is handed over negated (CBC applies a `cutoff`
    // inconsistently to a maximization: with a cutoff below the optimum it reported both
    // "infeasible" and the optimum, depending on the value); `finish` turns its bound back
    let sign = cbc_sign(model);
    let mut obj = vec![0.0; n];
    if let Some(o) = &model.objective {
        for (c, a) in &o.coeffs {
            obj[*c as usize] += sign * a;
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
    m
}

/// +1, or -1 for a maximization: CBC's objective is the model's times this.
fn cbc_sign(model: &Model) -> f64 {
    match model.objective.as_ref().map(|o| o.sense) {
        Some(Sense::Maximize) => -1.0,
        _ => 1.0,
    }
}

fn set(m: &mut raw::Model, key: &str, value: &str) {
    if let (Ok(k), Ok(v)) = (CString::new(key), CString::new(value)) {
        m.set_parameter(&k, &v);
    }
}

/// One CBC solve with the model's options; `time_limit` replaces the model's. `cutoff`: only
/// points with a better objective (model units, constant included) are searched for (CBC's
/// `cutoff`, set a relative 1e-6 above it).
fn run(model: &Model, cutoff: Option<f64>, time_limit: Option<f64>) -> Solution {
    let started = Instant::now();
    let mut m = load(model);
    let o = &model.options;
    m.set_log_level(o.log.unwrap_or(0) as i32);
    set(&mut m, "log", &o.log.unwrap_or(0).to_string());
    if let Some(t) = time_limit {
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
    if let (Some(v), Some(obj)) = (cutoff, &model.objective) {
        // in CBC's terms: no constant, minimized
        let v = cbc_sign(model) * (v - obj.constant);
        let cutoff = v + 1e-6 * v.abs().max(1.0);
        set(&mut m, "cutoff", &format!("{cutoff:?}"));
    }
    for (k, v) in &o.cbc {
        set(&mut m, k, v);
    }
    {
        let _quiet = quiet::StdoutToStderr::new();
        m.solve();
    }
    finish(model, &m, started)
}

/// Solves the model. `start` is an optional feasible point (one value per column): CBC then
/// only searches for better points (its `cutoff` is set just above the start's objective, a
/// relative 1e-6), and when it finds none the start is the answer: optimal when CBC proves
/// that nothing better exists, feasible when it stops at a limit.
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

/// `start` if it is a feasible point of `model`, which has an objective.
fn feasible_start<'a>(model: &Model, start: Option<&'a [f64]>) -> Option<&'a [f64]> {
    start.filter(|x| is_feasible(model, x) && model.objective.is_some())
}

/// Rewrites the model restricted to a cell (its column bounds) into a tighter model valid in the
/// cell: narrower column bounds, smaller big-M coefficients.
pub type CellTightening<'a> = dyn Fn(&mut Model) + 'a;

/// Receives each better incumbent of [`solve_split`] as it is found.
pub type BetterPoint<'a> = dyn Fn(&[f64]) + 'a;

/// A MILP with at most this many free binaries in a cell is handed to CBC whole.
pub const LEAF_BINARIES: usize = 12;

struct Cell {
    /// lower bound on the cell's objective, in the minimization direction
    bound: f64,
    bounds: Vec<(f64, f64)>,
}

impl PartialEq for Cell {
    fn eq(&self, o: &Self) -> bool {
        self.bound.total_cmp(&o.bound).is_eq()
    }
}
impl Eq for Cell {}
impl PartialOrd for Cell {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Cell {
    /// the heap pops the cell with the lowest bound first
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        o.bound.total_cmp(&self.bound)
    }
}

/// Solves the model by splitting the box of the columns `split` (continuous, finite bounds)
/// into cells, best bound first. In every cell `tighten` narrows the column bounds to what holds
/// there (for networks: neurons stable in the cell lose their binary); a cell whose LP
/// relaxation is infeasible or no better than the incumbent is closed; one with at most
/// [`LEAF_BINARIES`] free binaries (besides those that no cell fixes: the model's own), or once `max_cells` cells exist, is solved by CBC with the
/// incumbent as cutoff; any other is halved along its relatively widest split column. The
/// union of the cells is the box, so the best point found is optimal when every cell was closed.
/// `start` (a feasible point) is the first incumbent. The model's time limit holds for the whole.
/// `on_better` gets every better incumbent as it is found (a cell's point, solver-feasible).
pub fn solve_split(
    model: &Model,
    split: &[u32],
    tighten: &CellTightening,
    start: Option<&[f64]>,
    max_cells: usize,
    on_better: Option<&BetterPoint>,
) -> Solution {
    let started = Instant::now();
    let Some(objective) = &model.objective else {
        return solve(model, start);
    };
    if split.is_empty() {
        return solve(model, start);
    }
    let dir = match objective.sense {
        Sense::Minimize => 1.0,
        Sense::Maximize => -1.0,
    };
    let deadline = model
        .options
        .time_limit
        .map(|t| started + std::time::Duration::from_secs_f64(t));
    let remaining = || deadline.map(|d| d.saturating_duration_since(Instant::now()).as_secs_f64());
    let gap = model.options.mip_gap.unwrap_or(0.0);
    // closes a cell whose bound cannot beat the incumbent by more than the tolerances
    let closes = |bound: f64, inc: f64| bound >= inc - 1e-9 * inc.abs().max(1.0) - gap * inc.abs();
    let mut best: Option<(f64, Vec<f64>)> =
        feasible_start(model, start).map(|x| (dir * model.objective_value(x), x.to_vec()));
    let root: Vec<(f64, f64)> = model.columns.iter().map(|c| (c.lower, c.upper)).collect();
    let mut stats = rmod_ir::SplitStats {
        columns: split.len(),
        ..Default::default()
    };
    let mut lp = model.clone();
    for c in &mut lp.columns {
        c.kind = ColKind::Continuous;
    }
    // an infeasible or unbounded model takes the ordinary path, which tells the two apart
    let r = solve(&lp, None);
    if !matches!(
        r.status,
        Status::Optimal | Status::Feasible | Status::NoSolution
    ) {
        return solve(model, start);
    }
    // the model restricted to a cell and rewritten for it
    let cell_model = |b: &[(f64, f64)]| {
        let mut m = model.clone();
        for (c, (l, u)) in m.columns.iter_mut().zip(b) {
            (c.lower, c.upper) = (*l, *u);
        }
        tighten(&mut m);
        m
    };
    let free = |m: &Model| {
        m.columns
            .iter()
            .filter(|c| c.kind != ColKind::Continuous && c.lower < c.upper)
            .count()
    };
    // integer columns that stay free even when every split column is fixed (the model's own
    // integers, not the networks'): a cell is small once the rest is down to LEAF_BINARIES
    let mut point = root.clone();
    for c in split {
        let (l, u) = root[*c as usize];
        point[*c as usize] = (0.5 * (l + u), 0.5 * (l + u));
    }
    let own = free(&cell_model(&point));
    let mut heap = std::collections::BinaryHeap::new();
    heap.push(Cell {
        bound: f64::NEG_INFINITY,
        bounds: root.clone(),
    });
    stats.cells = 1;
    let mut open_bound = f64::INFINITY;
    let mut iterations = 0i64;
    while let Some(cell) = heap.pop() {
        if best.as_ref().is_some_and(|(v, _)| closes(cell.bound, *v)) {
            stats.pruned += 1;
            continue;
        }
        if remaining().is_some_and(|r| r <= 0.0) {
            open_bound = open_bound.min(cell.bound);
            stats.open += 1;
            continue;
        }
        let m = cell_model(&cell.bounds);
        let n_free = free(&m);
        // the split column: widest relative to its width in the whole box
        let (col, rel) = split
            .iter()
            .map(|c| {
                let b = &m.columns[*c as usize];
                let (p, q) = root[*c as usize];
                (
                    *c,
                    if q > p {
                        (b.upper - b.lower) / (q - p)
                    } else {
                        0.0
                    },
                )
            })
            .fold((split[0], -1.0), |a, b| if b.1 > a.1 { b } else { a });
        let leaf = n_free <= own + LEAF_BINARIES || stats.cells + 2 > max_cells || rel < 1e-6;
        if !leaf {
            let mut lp = m.clone();
            for c in &mut lp.columns {
                c.kind = ColKind::Continuous;
            }
            lp.options.time_limit = remaining();
            let r = solve(&lp, None);
            iterations += r.iterations;
            match r.status {
                Status::Infeasible => {
                    stats.pruned += 1;
                    continue;
                }
                Status::Optimal => {
                    let v = dir * r.objective.unwrap_or(f64::NEG_INFINITY);
                    if best.as_ref().is_some_and(|(b, _)| closes(v, *b)) {
                        stats.pruned += 1;
                        continue;
                    }
                    let bounds: Vec<(f64, f64)> =
                        m.columns.iter().map(|c| (c.lower, c.upper)).collect();
                    let (l, u) = bounds[col as usize];
                    let mid = 0.5 * (l + u);
                    for half in [(l, mid), (mid, u)] {
                        let mut b = bounds.clone();
                        b[col as usize] = half;
                        heap.push(Cell {
                            bound: v.max(cell.bound),
                            bounds: b,
                        });
                    }
                    stats.cells += 2;
                    continue;
                }
                // unbounded, or stopped: let CBC decide the cell as a whole
                _ => {}
            }
        }
        stats.milps += 1;
        let cutoff = best.as_ref().map(|(v, _)| dir * v);
        let r = run(&m, cutoff, remaining());
        iterations += r.iterations;
        match r.status {
            Status::Optimal | Status::Feasible => {
                let v = dir * r.objective.unwrap_or(f64::INFINITY);
                if best.as_ref().is_none_or(|(b, _)| v < *b) {
                    if let Some(f) = on_better {
                        f(&r.values);
                    }
                    best = Some((v, r.values.clone()));
                }
                if r.status == Status::Feasible {
                    stats.open += 1;
                    open_bound = open_bound.min(r.best_bound.map_or(cell.bound, |b| dir * b));
                }
            }
            // nothing better than the cutoff in this cell (the whole box's LP relaxation is
            // bounded, so CBC's "infeasible" is not an unbounded cell in disguise)
            Status::Infeasible => {}
            Status::NoSolution => {
                stats.open += 1;
                open_bound = open_bound.min(r.best_bound.map_or(cell.bound, |b| dir * b));
            }
            Status::Unbounded | Status::Error(_) => {
                let mut r = r;
                r.split = Some(stats);
                return r;
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let (status, objective, bound, values) = match best {
        Some((v, x)) if stats.open == 0 => (Status::Optimal, Some(v), Some(v), x),
        Some((v, x)) => (Status::Feasible, Some(v), Some(open_bound.min(v)), x),
        None if stats.open == 0 => (Status::Infeasible, None, None, Vec::new()),
        None => (Status::NoSolution, None, Some(open_bound), Vec::new()),
    };
    Solution {
        status,
        objective: objective.map(|v| dir * v),
        best_bound: bound.filter(|b| b.is_finite()).map(|b| dir * b),
        values,
        seconds,
        iterations,
        split: Some(stats),
    }
}

fn finish(model: &Model, m: &raw::Model, started: Instant) -> Solution {
    let values: Vec<f64> = m.col_solution().to_vec();
    let point_ok = is_feasible(model, &values);
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
    let best = cbc_sign(model) * m.best_possible_value();
    Solution {
        objective: has_point.then(|| model.objective_value(&values)),
        best_bound: (best.is_finite()
            && best.abs() < 1e30
            && !matches!(status, Status::Infeasible | Status::Unbounded))
        .then(|| best + model.objective.as_ref().map_or(0.0, |o| o.constant)),
        // at a limit, the solver's last point even when it failed the feasibility check
        // (status `no_solution`): the networks' exact point at its inputs may be feasible
        values: if has_point
            || (status == Status::NoSolution && values.len() == model.columns.len())
        {
            values
        } else {
            Vec::new()
        },
        status,
        seconds: started.elapsed().as_secs_f64(),
        iterations: i64::from(m.iteration_count()),
        split: None,
    }
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

/// The point of the model's LP relaxation (integrality dropped), if Clp solves it to optimality
/// within `time_limit` seconds.
pub fn relaxation_point(model: &Model, time_limit: f64) -> Option<Vec<f64>> {
    lp_point(model, Some(time_limit))
}

/// Valid bounds for network bound tightening: an LP relaxation's optimum, or a MILP's best
/// bound (never an incumbent), each solved by CBC under the given time limit, one after the
/// other in this process.
pub struct CbcBounds;

/// A valid lower bound on `min objective` over `model` (see [`CbcBounds`]). For the LP
/// relaxation (`relax`) the bound is certified: Clp's row duals turned into a bound that holds
/// for the exact LP whatever Clp's tolerances did (Neumaier-Shcherbina, see [`certified_min`]).
/// For the MILP it is CBC's best bound (each node's LP within CBC's tolerances), which the
/// caller widens; the forward-pass self-checks after the solve catch what that misses.
pub fn min_bound(
    model: &Model,
    objective: &rmod_relu::Affine,
    relax: bool,
    time_limit: Option<f64>,
) -> Option<f64> {
    if relax {
        return certified_min(model, &objective.coeffs, objective.constant, time_limit);
    }
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
        assert!((s.best_bound.unwrap_or(0.0) - 10.0).abs() < 1e-6, "{s:?}");
        // from a worse feasible start (a + c: 9), CBC must still find 10 (its cutoff is below
        // the optimum of the maximization); from the optimum, the start is the answer
        for (start, want) in [([1.0, 0.0, 1.0], 10.0), ([1.0, 1.0, 0.0], 10.0)] {
            let s = solve(&m, Some(&start));
            assert_eq!(s.status, Status::Optimal);
            assert!(
                (s.objective.unwrap_or(0.0) - want).abs() < 1e-6,
                "{start:?}: {s:?}"
            );
        }
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
