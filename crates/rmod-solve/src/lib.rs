//! The solve policy: one function, [`solve`], that takes a compiled model from its start to the
//! point and status the report shows (start, plain or split solve, forward-pass verification,
//! repair, self-checks, the best verified point, and how strong the status is).
//!
//! ```text
//! compiled model ─▶ start (LP point + completed samples) ─▶ solve | solve_split (CBC)
//!   ─▶ verify (forward passes) ─▶ repair (exact point) ─▶ checks (rows, bounds) ─▶ best verified point ─▶ Outcome
//! ```
//! Every point found is offered to `Settings::on_point` (the command line keeps the latest one
//! to write when interrupted).

use rmod_diagnostics::code;

use std::time::Instant;

use rmod_compiler::{Incumbent, NetUse, Verification};
use rmod_diagnostics::Diagnostic;
use rmod_ir::{Model, Sense, Solution, Status};

mod checks;
mod duals;
mod lex;
mod run;
mod start;
#[cfg(test)]
mod tests;

pub use checks::{bound_violations, BoundViolation};
pub use duals::{sensitivity, DUALS_MIN_SECONDS};
pub use lex::{keep_row, solve_lex, Stage, LEX_ABS_TOL, LEX_REL_TOL};
pub use run::{run, run_with_start, Hooks, Run};
pub use start::{from_solution, user_start};

/// `option input_split` when the model does not set it: this many cells for models whose
/// networks have at most [`AUTO_SPLIT_INPUTS`] input variables and at most [`AUTO_SPLIT_SIZE`]
/// columns and rows (cells bounded by propagation cost a CROWN pass, not an LP: a million fit
/// in memory, as the columns that differ from the model's).
pub const AUTO_SPLIT_CELLS: u64 = 1_000_000;
pub const AUTO_SPLIT_SIZE: usize = 20_000;
/// The most network input variables the input split is used for by default (BENCHMARKS.md:
/// with CROWN cells it beats CBC alone up to 5 inputs; at 10 neither proves an optimum).
pub const AUTO_SPLIT_INPUTS: usize = 5;

/// Seconds the LP relaxation for the start may take at most without a time limit.
const START_LP_SECONDS: f64 = 10.0;

/// How a solve runs.
#[derive(Default)]
pub struct Settings<'a> {
    /// the end of the whole run (`time_limit` counted from the run's start, compilation included)
    pub deadline: Option<Instant>,
    /// called with each better verified point as it is found (an explicit callback: the
    /// command line renders it so that an interrupt can write the best point so far)
    pub on_point: Option<&'a dyn Fn(&Solution)>,
    /// the user's start (`var x := v;`, `--start FILE.json`), checked by [`user_start`]: it
    /// replaces rmod's own start
    pub user_start: Option<Incumbent>,
}

/// What the solve concluded, with everything the report shows about it.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// the reported point and status
    pub solution: Solution,
    /// the starting point handed to CBC
    pub start: Option<Incumbent>,
    pub start_seconds: f64,
    /// the solver's own answer, when rmod replaced its point
    pub repaired: Option<rmod_report::Repaired>,
    /// forward-pass check of the reported point
    pub verification: Option<Verification>,
    /// warnings and errors of the solve (status, mismatch, checks)
    pub diagnostics: Vec<Diagnostic>,
    /// why the point is not reported as optimal although the solver said so (empty otherwise)
    pub unproven: Vec<String>,
    /// the interchangeable units the solver got order rows for: (chains, units)
    pub symmetry: Option<(usize, usize)>,
}

/// Whether `a` is better than `b` for the model's sense (by more than a relative 1e-9).
fn better(model: &Model, a: f64, b: f64) -> bool {
    let tol = 1e-9 * a.abs().max(b.abs()).max(1.0);
    match model.objective.as_ref().map(|o| o.sense) {
        Some(Sense::Maximize) => a > b + tol,
        _ => a < b - tol,
    }
}

/// The end of the run: `option time_limit` counts from the run's start, compilation and bound
/// tightening included (one clock for every phase).
pub fn deadline(model: &Model, run_started: Instant) -> Option<Instant> {
    model
        .options
        .time_limit
        .map(|t| run_started + std::time::Duration::from_secs_f64(t.clamp(0.0, 1e9)))
}

/// Seconds left before `deadline` (`None`: no limit).
fn remaining(deadline: Option<Instant>) -> Option<f64> {
    deadline.map(|d| d.saturating_duration_since(Instant::now()).as_secs_f64())
}

/// The number of cells `input_split` gets: the model's option, or the default by size.
pub fn split_cells(model: &Model, split: &[u32]) -> u64 {
    model.options.input_split.unwrap_or(
        if split.len() <= AUTO_SPLIT_INPUTS
            && model.columns.len() + model.rows.len() <= AUTO_SPLIT_SIZE
        {
            AUTO_SPLIT_CELLS
        } else {
            0
        },
    )
}

/// The starting point (see `option incumbent`): the LP relaxation's point and completed
/// samples; and the seconds the LP took (`None`: no LP solved).
fn find_start(
    model: &Model,
    uses: &[NetUse],
    deadline: Option<Instant>,
) -> (Option<Incumbent>, Option<f64>) {
    if model.options.incumbent == Some(rmod_ir::Incumbent::Off) {
        return (None, None);
    }
    candidates(model, uses, deadline)
}

/// The best completed candidate point (the LP relaxation's point and samples of the
/// networks' input boxes, each completed by forward passes) and the seconds the LP took.
fn candidates(
    model: &Model,
    uses: &[NetUse],
    deadline: Option<Instant>,
) -> (Option<Incumbent>, Option<f64>) {
    if uses.is_empty() || model.n_integer() == 0 {
        return (None, None);
    }
    // under a time limit, half of what is left (Clp counts CPU seconds, which run slower
    // than the clock on a busy machine): CBC would start with the same LP, and when the LP
    // alone does not fit, neither does CBC (the policy then skips it)
    let lp_seconds = remaining(deadline).map_or(START_LP_SECONDS, |r| 0.5 * r);
    let lp_clock = Instant::now();
    let relaxed = if lp_seconds > 0.0 {
        rmod_solver::relaxation_point(model, lp_seconds)
    } else {
        None
    };
    // an LP stopped by its limit counts as one that takes longer than anything left (one
    // that failed quickly, e.g. infeasible, as what it took: CBC then tells why)
    let lp_took = (lp_seconds > 0.0).then(|| {
        let t = lp_clock.elapsed().as_secs_f64();
        if relaxed.is_none() && t >= 0.5 * lp_seconds {
            f64::INFINITY
        } else {
            t
        }
    });
    // forward passes and a feasibility check per sample: about 2e7 coefficient evaluations in
    // all, 16 to 1024 samples
    let work = (model.n_nonzeros() + model.columns.len()).max(1);
    let samples = (20_000_000 / work).clamp(16, 1024);
    // the descents from the best samples: at most a quarter of what is left
    let until =
        remaining(deadline).map(|r| Instant::now() + std::time::Duration::from_secs_f64(0.25 * r));
    (
        rmod_compiler::find_incumbent(model, uses, relaxed.as_deref(), samples, 1, until),
        lp_took,
    )
}

/// Solves a compiled model: the one place that decides what is reported and how strongly.
pub fn solve(model: &Model, uses: &[NetUse], settings: &Settings) -> Outcome {
    let clock = Instant::now();
    let (start, lp_took) = match &settings.user_start {
        Some(s) => (Some(s.clone()), None),
        None => find_start(model, uses, settings.deadline),
    };
    let start_seconds = clock.elapsed().as_secs_f64();
    if let (Some(s), Some(f)) = (&start, settings.on_point) {
        f(&start_solution(s, start_seconds));
    }
    let split = rmod_compiler::split_columns(model, uses);
    let cells = split_cells(model, &split);
    let splits = cells > 0 && !split.is_empty();
    // without a split, interchangeable units: the solver searches one order of them
    // (rmod_compiler's symmetry module says why no optimum is lost), from the start sorted
    // the same way; found before the solver's time is set, which it counts against
    let sym = match model.options.symmetry {
        Some(rmod_ir::Symmetry::Off) => Default::default(),
        _ if splits => Default::default(),
        _ => rmod_compiler::interchangeable_units(model, uses),
    };
    // the solver gets what is left of the run's time, less one LP's time: CBC checks its clock
    // between nodes and cut rounds, so it overruns its limit by about one LP solve
    let mut m = model.clone();
    if let Some(r) = remaining(settings.deadline) {
        let margin = lp_took.filter(|t| t.is_finite()).unwrap_or(0.0);
        m.options.time_limit = Some((r - margin).max(0.0));
    }
    let start_values = start.as_ref().map(|i| i.values.as_slice());
    // CBC's first step is this same LP (and cuts on it), and CBC cannot be stopped inside
    // it: when less than twice the LP's time is left, or the LP did not finish, the run ends
    // with what it has (the limit is kept)
    let left = remaining(settings.deadline);
    let mut ordered = None;
    let solution = if left.is_some_and(|r| lp_took.is_some_and(|t| r < 2.0 * t) || r <= 0.0) {
        Solution::without_point(Status::NoSolution)
    } else if splits {
        // a cell's point, made exact and checked, is the best point so far for an interrupt
        let better = |x: &[f64]| {
            if let Some(f) = settings.on_point {
                let (p, _) = rmod_compiler::exact_point(model, uses, x);
                if rmod_solver::is_feasible(model, &p) {
                    f(&Solution {
                        status: Status::Feasible,
                        objective: Some(model.objective_value(&p)),
                        best_bound: None,
                        values: p,
                        seconds: clock.elapsed().as_secs_f64(),
                        iterations: 0,
                        split: None,
                    });
                }
            }
        };
        rmod_solver::solve_split(
            &m,
            &split,
            &rmod_compiler::split_binaries(uses),
            &|b, parent, inc| rmod_compiler::tighten_cell(uses, b, parent, inc),
            start_values,
            cells as usize,
            Some(&better),
        )
    } else if sym.rows() > 0 {
        rmod_compiler::order_interchangeable(&mut m, &sym);
        ordered = Some((sym.chains.len(), sym.units()));
        let sorted = start_values.map(|x| sym.sort_point(x));
        rmod_solver::solve(&m, sorted.as_deref())
    } else {
        rmod_solver::solve(&m, start_values)
    };
    // with `incumbent = "off"` the solver had no start; an optimum it claims is still checked
    // against rmod's completed candidates, which must not beat it (a check that fires makes
    // the status `feasible`, with the better point)
    // (only then: with `auto`, `find_start` already tried the same candidates), under the
    // run's clock
    let off = model.options.incumbent == Some(rmod_ir::Incumbent::Off);
    let (start, check) = match start {
        None if off && solution.status == Status::Optimal => {
            (None, candidates(model, uses, settings.deadline).0)
        }
        s => (s, None),
    };
    let checked = check.is_some();
    let mut out = finish(model, uses, solution, start.or(check));
    if checked {
        // not a start: the report's start line stays empty, `unproven` says what fired
        out.start = None;
    }
    out.start_seconds = start_seconds;
    out.symmetry = ordered;
    if let Some(f) = settings
        .on_point
        .filter(|_| out.solution.status.has_point())
    {
        f(&out.solution);
    }
    out
}

/// The start as a solution (status `feasible`), for `on_point`.
fn start_solution(s: &Incumbent, seconds: f64) -> Solution {
    Solution {
        status: Status::Feasible,
        objective: Some(s.objective),
        best_bound: None,
        values: s.values.clone(),
        seconds,
        iterations: 0,
        split: None,
    }
}

/// Everything after the solver: verification and repair of its point, the checks, the choice
/// between it and the start, and the status.
pub fn finish(
    model: &Model,
    uses: &[NetUse],
    solution: Solution,
    start: Option<Incumbent>,
) -> Outcome {
    let solver_said_optimal = solution.status == Status::Optimal;
    let (mut solution, repaired, mut diagnostics) = if solution.status == Status::NoSolution {
        rescue(model, uses, solution)
    } else {
        repair(model, uses, solution)
    };
    let mut unproven = Vec::new();
    if repaired.is_some() && solver_said_optimal {
        unproven.push("the solver's point had network outputs off from a forward pass; the exact point at its inputs is shown".to_string());
    }
    // the reported point must satisfy every row and bound on its own scale
    if solution.status.has_point() && !rmod_solver::is_feasible(model, &solution.values) {
        let v = model.scaled_violation(&solution.values);
        diagnostics.push(
            Diagnostic::warning(
                code::SOLVE_CHECK_FAILED,
                format!("the solver's point violates a row or bound by {v:.3e} (relative to the row's own magnitude)"),
            )
            .with_help("the point is not trustworthy; rescale the model's units or tighten the networks' bounds (`option bounds = \"lp\"`)"),
        );
        unproven.push(format!(
            "the point violates a row or bound by {v:.3e} (scaled)"
        ));
        solution.status = Status::Feasible;
    }
    // bounds self-check: every true pre-activation at the point lies within the encoding's bounds
    if solution.status.has_point() {
        let bad = bound_violations(uses, &solution.values);
        if let Some(worst) = bad.first() {
            diagnostics.push(checks::bound_check_diagnostic(&bad));
            unproven.push(format!(
                "the networks' bounds cut off the true activation of {} neuron(s) (first: `{}` layer {} neuron {})",
                bad.len(),
                worst.constraint,
                worst.layer + 1,
                worst.neuron + 1
            ));
        }
    }
    // the best verified point: the start beats a point the solver could not prove
    if let Some(s) = &start {
        let start_wins = match solution.objective {
            Some(v) if solution.status.has_point() => better(model, s.objective, v),
            _ => !matches!(solution.status, Status::Infeasible | Status::Unbounded),
        };
        if start_wins && rmod_solver::is_feasible(model, &s.values) {
            if let Status::Error(msg) = &solution.status {
                unproven.push(format!(
                    "the solver failed ({msg}); rmod's own start is shown"
                ));
            }
            if solution.status.has_point() {
                unproven.push(format!(
                    "rmod's own start ({}) is better than the solver's point; the start is shown",
                    rmod_report::fmt_num(s.objective)
                ));
            }
            solution.values = s.values.clone();
            solution.objective = Some(s.objective);
            solution.best_bound = None;
            solution.status = Status::Feasible;
        }
    }
    if !solution.status.has_point() {
        solution.values.clear();
    }
    if !unproven.is_empty() && solution.status == Status::Optimal {
        solution.status = Status::Feasible;
    }
    if solution.status != Status::Optimal {
        solution.best_bound = solution.best_bound.filter(|_| unproven.is_empty());
    }
    let status_diag = if unproven.is_empty() || !solution.status.has_point() {
        rmod_solver::status_diagnostic(&solution.status, model.options.solver)
    } else {
        Some(
            Diagnostic::warning(
                code::SOLVE_UNPROVEN,
                "the point is feasible and verified, but not proven optimal",
            )
            .with_note(unproven.join("; "))
            .with_help("see the warnings above; `rmod explain rmod::solve::unproven` lists what makes rmod withhold `optimal`"),
        )
    };
    let verification = solution
        .status
        .has_point()
        .then(|| rmod_compiler::verify(model, uses, &solution.values));
    diagnostics.splice(0..0, status_diag);
    if solution.status.has_point() {
        // the trust region (`domain = "data"`): inputs on the training data's boundary
        let at = rmod_compiler::data_boundary(model, uses, &solution.values);
        diagnostics.extend(rmod_compiler::boundary_diagnostics(&at));
    }
    Outcome {
        solution,
        start,
        start_seconds: 0.0,
        repaired,
        verification,
        diagnostics,
        unproven,
        symmetry: None,
    }
}

/// A limit without a feasible point, but with the solver's last point (which failed the
/// feasibility check, e.g. network outputs drifted within loose big-M rows): the exact point at
/// its inputs, if that is feasible, becomes the answer (`feasible`), recorded as a repair.
fn rescue(
    model: &Model,
    uses: &[NetUse],
    mut solution: Solution,
) -> (Solution, Option<rmod_report::Repaired>, Vec<Diagnostic>) {
    if solution.values.len() != model.columns.len() || uses.is_empty() {
        solution.values.clear();
        return (solution, None, Vec::new());
    }
    let v = rmod_compiler::verify(model, uses, &solution.values);
    let worst = v.nets.iter().map(|n| n.2).fold(0.0, f64::max);
    let (p, _) = rmod_compiler::exact_point(model, uses, &solution.values);
    if !rmod_solver::is_feasible(model, &p) {
        solution.values.clear();
        return (solution, None, Vec::new());
    }
    let repaired = rmod_report::Repaired {
        solver_objective: Some(model.objective_value(&solution.values)),
        solver_status: solution.status.as_str().to_string(),
        solver_mismatch: worst,
    };
    solution.objective = model.objective.as_ref().map(|_| model.objective_value(&p));
    solution.values = p;
    solution.status = Status::Feasible;
    (
        solution,
        Some(repaired),
        rmod_compiler::verification_diagnostics(&v),
    )
}

/// Checks the solver's point with forward passes. Where a network's outputs are off by more than
/// `MISMATCH_TOL` (relative), the solver's answer is not what the model means: it is replaced by
/// the exact point (every network recomputed at the solver's inputs) if that point satisfies the
/// model, with status `feasible` (CBC's proof relied on rows it met only within tolerances), and
/// by an error otherwise. Returns the solution to report, the solver's own answer if replaced, and
/// the mismatch warnings.
pub fn repair(
    model: &Model,
    uses: &[NetUse],
    mut solution: Solution,
) -> (Solution, Option<rmod_report::Repaired>, Vec<Diagnostic>) {
    if !solution.status.has_point() {
        return (solution, None, Vec::new());
    }
    let v = rmod_compiler::verify(model, uses, &solution.values);
    let diags = rmod_compiler::verification_diagnostics(&v);
    let worst = v.nets.iter().map(|n| n.2).fold(0.0, f64::max);
    if worst <= rmod_compiler::MISMATCH_TOL {
        return (solution, None, diags);
    }
    let repaired = rmod_report::Repaired {
        solver_objective: solution.objective,
        solver_status: solution.status.as_str().to_string(),
        solver_mismatch: worst,
    };
    let (p, _) = rmod_compiler::exact_point(model, uses, &solution.values);
    if rmod_solver::is_feasible(model, &p) {
        solution.objective = model.objective.as_ref().map(|_| model.objective_value(&p));
        solution.values = p;
        solution.status = Status::Feasible;
        solution.best_bound = None;
    } else {
        let viol = model.scaled_violation(&p);
        solution.status = Status::Error(format!(
            "CBC's point has network outputs off from a forward pass by {worst:.3e} (relative), and the exact point at its inputs violates the model by {viol:.3e}; tighten the bounds (option bounds = \"lp\")"
        ));
        solution.values.clear();
        solution.objective = None;
        solution.best_bound = None;
    }
    (solution, Some(repaired), diags)
}
