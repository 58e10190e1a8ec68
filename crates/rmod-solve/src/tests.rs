//! The policy's decisions without the command line: repair, checks, the best verified point,
//! the status, and the split default.

use rmod_diagnostics::code;

use std::collections::BTreeMap;

use rmod_compiler::{compile, CompileOutput, CompileRequest, Incumbent};
use rmod_ir::{Solution, Status};

use super::*;

const ABS: &str = r#"{"format": "relu-net", "version": 1, "layers": [
    {"weights": [[1.0], [-1.0]], "bias": [0.0, 0.0], "activation": "relu"},
    {"weights": [[1.0, 1.0]], "bias": [0.0], "activation": "linear"}]}"#;

fn compiled(text: &str) -> CompileOutput {
    let mut files = BTreeMap::new();
    files.insert("abs.json".to_string(), ABS.to_string());
    let out = compile(&CompileRequest::new("m.rmod", text, &files));
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    out
}

/// A solver answer at x = `x` whose network columns all drifted to 0.37.
fn drifted(model: &Model, x: f64) -> Solution {
    let mut values = vec![0.37; model.columns.len()];
    values[0] = x;
    Solution {
        status: Status::Optimal,
        objective: Some(model.objective_value(&values)),
        best_bound: Some(-5.0),
        values,
        seconds: 0.0,
        iterations: 0,
        split: None,
    }
}

/// The exact point at x as an optimal solver answer.
fn exact(out: &CompileOutput, x: f64) -> Solution {
    let model = out.model.as_ref().expect("model");
    let mut s = drifted(model, x);
    let (p, _) = rmod_compiler::exact_point(model, &out.net_uses, &s.values);
    s.objective = Some(model.objective_value(&p));
    s.best_bound = s.objective;
    s.values = p;
    s
}

const ABS_MODEL: &str = r#"net a = relu_net("abs.json"); var x in [-2, 3]; var y;
    subject to f: y = a(x); minimize o: y;"#;

#[test]
fn a_drifted_solver_point_is_replaced_by_the_exact_point() {
    let out = compiled(ABS_MODEL);
    let model = out.model.as_ref().expect("model");
    let (s, rep, diags) = repair(model, &out.net_uses, drifted(model, -1.5));
    assert_eq!(s.status, Status::Feasible);
    assert_eq!(s.objective, Some(1.5));
    assert_eq!(s.best_bound, None);
    let rep = rep.expect("repaired");
    assert_eq!(rep.solver_status, "optimal");
    assert!(rep.solver_mismatch > 0.5);
    assert_eq!(diags[0].code, code::RELU_MISMATCH);
    assert!(rmod_compiler::verify(model, &out.net_uses, &s.values).nets[0].2 == 0.0);
    // an exact point passes unchanged
    let (t, rep, diags) = repair(model, &out.net_uses, s.clone());
    assert!(rep.is_none() && diags.is_empty() && t == s);
    // and the whole policy calls the repaired optimum `feasible`, saying why
    let o = finish(model, &out.net_uses, drifted(model, -1.5), None);
    assert_eq!(o.solution.status, Status::Feasible);
    assert_eq!(o.unproven.len(), 1, "{:?}", o.unproven);
    assert!(o.diagnostics.iter().any(|d| d.code == code::SOLVE_UNPROVEN));
    assert!(!o.diagnostics.iter().any(|d| d.code == code::SOLVE_LIMIT));
}

#[test]
fn a_drifted_point_the_model_rejects_is_an_error() {
    // the exact output at x = -1.5 is 1.5, which breaks y <= 1
    let out = compiled(
        r#"net a = relu_net("abs.json"); var x in [-2, 3]; var y;
        subject to f: y = a(x); subject to cap: y <= 1; minimize o: x;"#,
    );
    let model = out.model.as_ref().expect("model");
    let (s, rep, _) = repair(model, &out.net_uses, drifted(model, -1.5));
    assert!(matches!(s.status, Status::Error(_)), "{:?}", s.status);
    assert!(s.values.is_empty() && s.objective.is_none());
    assert!(rep.is_some());
}

#[test]
fn an_exact_optimum_stays_optimal() {
    let out = compiled(ABS_MODEL);
    let model = out.model.as_ref().expect("model");
    let o = finish(model, &out.net_uses, exact(&out, 0.0), None);
    assert_eq!(o.solution.status, Status::Optimal);
    assert!(
        o.unproven.is_empty() && o.diagnostics.is_empty(),
        "{:?}",
        o.diagnostics
    );
    assert_eq!(o.solution.objective, Some(0.0));
}

#[test]
fn a_better_verified_start_replaces_a_worse_solver_point() {
    let out = compiled(ABS_MODEL);
    let model = out.model.as_ref().expect("model");
    // the solver claims x = 2 (objective 2) optimal; the start knows x = 0.5 (objective 0.5)
    let at = exact(&out, 0.5);
    let start = Incumbent {
        values: at.values.clone(),
        objective: 0.5,
        source: "sample",
        candidates: 1,
        feasible: 1,
    };
    let o = finish(model, &out.net_uses, exact(&out, 2.0), Some(start.clone()));
    assert_eq!(o.solution.status, Status::Feasible);
    assert_eq!(o.solution.objective, Some(0.5));
    assert_eq!(o.solution.best_bound, None);
    assert!(o.unproven[0].contains("start"), "{:?}", o.unproven);
    // a worse start leaves the optimum alone
    let o = finish(model, &out.net_uses, exact(&out, 0.0), Some(start.clone()));
    assert_eq!(o.solution.status, Status::Optimal);
    // a solver error with a verified start reports the start
    let mut err = exact(&out, 0.0);
    err.status = Status::Error("boom".into());
    err.values.clear();
    err.objective = None;
    let o = finish(model, &out.net_uses, err, Some(start));
    assert_eq!(o.solution.status, Status::Feasible);
    assert!(o.unproven[0].contains("boom"));
}

#[test]
fn a_point_that_violates_a_row_is_never_optimal() {
    let out = compiled(
        r#"net a = relu_net("abs.json"); var x in [-2, 3]; var y; var big in [1e7, 2e7];
        subject to f: y = a(x); subject to cut: x >= 1; minimize o: y + big;"#,
    );
    let model = out.model.as_ref().expect("model");
    // x = 0.005 violates x >= 1 by 0.995 while `big` is 1e7
    let mut s = exact(&out, 0.005);
    let big = model
        .columns
        .iter()
        .position(|c| c.origin.decl == "big")
        .expect("big");
    s.values[big] = 1e7;
    s.objective = Some(model.objective_value(&s.values));
    let o = finish(model, &out.net_uses, s, None);
    assert_eq!(o.solution.status, Status::Feasible);
    assert!(o
        .diagnostics
        .iter()
        .any(|d| d.code == code::SOLVE_CHECK_FAILED));
}

#[test]
fn bounds_that_cut_off_a_true_activation_are_reported() {
    let mut out = compiled(ABS_MODEL);
    // pretend the bounds of the first neuron were [0.1, 3]: at x = -1 its pre-activation is -1
    out.net_uses[0].pre[0][0] = (0.1, 3.0);
    let model = out.model.clone().expect("model");
    let bad = bound_violations(&out.net_uses, &exact(&out, -1.0).values);
    assert_eq!(bad.len(), 1);
    assert_eq!((bad[0].layer, bad[0].neuron), (0, 0));
    let o = finish(&model, &out.net_uses, exact(&out, -1.0), None);
    assert_eq!(o.solution.status, Status::Feasible);
    assert!(o
        .diagnostics
        .iter()
        .any(|d| d.code == code::RELU_BOUND_CHECK));
}

#[test]
fn split_is_on_by_default_for_up_to_five_inputs_only() {
    let out = compiled(ABS_MODEL);
    let model = out.model.as_ref().expect("model");
    assert_eq!(split_cells(model, &[0]), AUTO_SPLIT_CELLS);
    assert_eq!(split_cells(model, &[0, 1, 2, 3, 4]), AUTO_SPLIT_CELLS);
    assert_eq!(split_cells(model, &[0, 1, 2, 3, 4, 5]), 0);
    let mut m = model.clone();
    m.options.input_split = Some(7);
    assert_eq!(split_cells(&m, &[0, 1, 2, 3, 4, 5]), 7);
}

#[test]
fn a_limit_without_a_feasible_point_keeps_the_exact_point_at_the_solvers_inputs() {
    let out = compiled(ABS_MODEL);
    let model = out.model.as_ref().expect("model");
    let mut s = drifted(model, -1.5);
    s.status = Status::NoSolution;
    s.best_bound = None;
    let o = finish(model, &out.net_uses, s, None);
    assert_eq!(o.solution.status, Status::Feasible);
    assert_eq!(o.solution.objective, Some(1.5));
    assert_eq!(o.repaired.expect("repaired").solver_status, "no_solution");
    // a point whose exact completion breaks the model stays no point at all
    let out = compiled(
        r#"net a = relu_net("abs.json"); var x in [-2, 3]; var y;
        subject to f: y = a(x); subject to cap: y <= 1; minimize o: x;"#,
    );
    let model = out.model.as_ref().expect("model");
    let mut s = drifted(model, -1.5);
    s.status = Status::NoSolution;
    let o = finish(model, &out.net_uses, s, None);
    assert_eq!(o.solution.status, Status::NoSolution);
    assert!(o.solution.values.is_empty());
}

#[test]
fn the_deadline_counts_from_the_run_start() {
    let mut m = rmod_ir::Model::default();
    let t0 = std::time::Instant::now();
    assert_eq!(crate::deadline(&m, t0), None);
    m.options.time_limit = Some(30.0);
    assert_eq!(
        crate::deadline(&m, t0),
        Some(t0 + std::time::Duration::from_secs(30))
    );
    m.options.time_limit = Some(0.0);
    assert_eq!(crate::deadline(&m, t0), Some(t0));
}

#[test]
fn with_incumbent_off_a_claimed_optimum_is_still_checked_against_candidates() {
    let out = compiled(&format!("{ABS_MODEL} option incumbent = \"off\";"));
    let model = out.model.as_ref().expect("model");
    // no start is handed to the solver ...
    assert!(find_start(model, &out.net_uses, None).0.is_none());
    // ... but the candidates exist, and one beats a wrong "optimal" x = 2 (|x| = 2)
    let check = candidates(model, &out.net_uses, None)
        .0
        .expect("a candidate");
    assert!(check.objective < 1.0, "{}", check.objective);
    let o = finish(model, &out.net_uses, exact(&out, 2.0), Some(check.clone()));
    assert_eq!(o.solution.status, Status::Feasible);
    assert!(o.solution.objective.is_some_and(|v| v < 1.0));
    // the true optimum stays optimal under the same check
    let o = finish(model, &out.net_uses, exact(&out, 0.0), Some(check));
    assert_eq!(o.solution.status, Status::Optimal);
    // and the whole policy with incumbent off still proves the optimum 0
    let o = solve(model, &out.net_uses, &Settings::default());
    assert_eq!(o.solution.status, Status::Optimal);
    assert!(o.start.is_none());
    assert!(o.solution.objective.is_some_and(|v| v.abs() < 1e-9));
}
