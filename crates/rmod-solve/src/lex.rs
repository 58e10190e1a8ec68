//! Lexicographic objectives (`--objective a,b`): solve for `a`, keep it within a tolerance of
//! its optimum by one more row, then solve for `b`; one [`Stage`] per objective.

use rmod_compiler::NetUse;
use rmod_ir::{Model, Objective, Origin, Row, Sense, Status};

use crate::{solve, Outcome, Settings};

/// How far a stage's objective may move from its optimum in the later stages: an absolute
/// [`LEX_ABS_TOL`] plus a relative [`LEX_REL_TOL`] of the optimum's magnitude.
pub const LEX_ABS_TOL: f64 = 1e-6;
pub const LEX_REL_TOL: f64 = 1e-6;

/// One stage of a lexicographic solve: the objective it optimized, the status it reached and
/// the objective's value at its point.
#[derive(Clone, Debug, PartialEq)]
pub struct Stage {
    pub name: String,
    pub status: Status,
    pub value: Option<f64>,
}

/// The row that keeps `o` within the tolerance of `best` (its value at an optimum).
pub fn keep_row(o: &Objective, best: f64) -> Row {
    let tol = LEX_ABS_TOL + LEX_REL_TOL * best.abs();
    let rhs = best - o.constant;
    let (lower, upper) = match o.sense {
        Sense::Minimize => (f64::NEG_INFINITY, rhs + tol),
        Sense::Maximize => (rhs - tol, f64::INFINITY),
    };
    Row {
        origin: Origin {
            decl: format!("{}.lex", o.name),
            index: vec![],
            span: Default::default(),
        },
        coeffs: o.coeffs.clone(),
        lower,
        upper,
    }
}

/// Solves `model` for each objective of `order` in turn; every stage but the last adds its
/// [`keep_row`]. A stage that is not proven optimal ends the solve with its outcome. Returns
/// the model of the last stage solved (its objective and the rows added) and its outcome.
pub fn solve_lex(
    model: &Model,
    uses: &[NetUse],
    order: &[Objective],
    settings: &Settings,
) -> (Model, Outcome, Vec<Stage>) {
    let mut m = model.clone();
    let mut stages = Vec::new();
    let mut last = None;
    for (k, o) in order.iter().enumerate() {
        if k > 0 {
            let prev = &order[k - 1];
            let best = stages
                .last()
                .and_then(|s: &Stage| s.value)
                .unwrap_or_default();
            m.rows.push(keep_row(prev, best));
        }
        m.objective = Some(o.clone());
        // the first stage gets the user's start; each later one the point of the stage before
        // (it satisfies the rows added so far), valued by its own objective
        let carried = last
            .as_ref()
            .filter(|o: &&Outcome| o.solution.status.has_point())
            .map(|o| rmod_compiler::Incumbent {
                objective: m.objective_value(&o.solution.values),
                values: o.solution.values.clone(),
                source: "previous stage's",
                candidates: 1,
                feasible: 1,
            });
        let later = Settings {
            deadline: settings.deadline,
            on_point: settings.on_point,
            user_start: carried,
        };
        let out = solve(&m, uses, if k == 0 { settings } else { &later });
        let optimal = out.solution.status == Status::Optimal;
        stages.push(Stage {
            name: o.name.clone(),
            status: out.solution.status.clone(),
            value: out.solution.objective,
        });
        last = Some(out);
        if !optimal {
            break;
        }
    }
    let out = last.unwrap_or_else(|| solve(&m, uses, settings));
    (m, out, stages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmod_compiler::{compile, CompileRequest, NoFiles};

    fn order(text: &str, names: &[&str]) -> (Model, Vec<Objective>) {
        let mut req = CompileRequest::new("m.rmod", text, &NoFiles);
        req.objectives = names.iter().map(|s| s.to_string()).collect();
        let out = compile(&req);
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        let objs = out
            .stages
            .iter()
            .map(|k| out.objectives[*k].clone())
            .collect();
        (out.model.unwrap(), objs)
    }

    #[test]
    fn second_stage_keeps_the_first_optimum() {
        // max x + y over x + y <= 4, x, y in [0, 3]: every point with x + y = 4 is optimal for
        // the first objective; among them the second (min x) picks x = 1, y = 3
        let text = "var x in [0, 3]; var y in [0, 3]; subject to c: x + y <= 4;
                    maximize total: x + y; minimize xs: x;";
        let (m, objs) = order(text, &["total", "xs"]);
        let (lm, out, stages) = solve_lex(&m, &[], &objs, &Settings::default());
        assert_eq!(stages.len(), 2);
        assert_eq!(stages[0].status, Status::Optimal);
        assert!((stages[0].value.unwrap() - 4.0).abs() < 1e-9);
        assert_eq!(out.solution.status, Status::Optimal);
        assert!((out.solution.values[0] - 1.0).abs() < 1e-5);
        assert!((out.solution.values[1] - 3.0).abs() < 1e-5);
        assert_eq!(lm.rows.len(), 2);
        assert_eq!(lm.rows[1].origin.decl, "total.lex");
        assert!((lm.rows[1].lower - (4.0 - 1e-6 - 4e-6)).abs() < 1e-12);
        // the other order: min x first gives x = 0, then y can only reach 3
        let (m, objs) = order(text, &["xs", "total"]);
        let (_, out, _) = solve_lex(&m, &[], &objs, &Settings::default());
        assert!((out.solution.objective.unwrap() - 3.0).abs() < 1e-5);
    }

    #[test]
    fn a_stage_that_is_not_optimal_stops_the_solve() {
        let text = "var x >= 0; var y in [0, 1]; maximize up: x; minimize ys: y;";
        let (m, objs) = order(text, &["up", "ys"]);
        let (_, out, stages) = solve_lex(&m, &[], &objs, &Settings::default());
        assert_eq!(stages.len(), 1);
        assert_eq!(out.solution.status, Status::Unbounded);
    }
}
