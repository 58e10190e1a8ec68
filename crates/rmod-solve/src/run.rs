//! The whole pipeline in one call: compile (with its bound problems) -> start -> solve (plain
//! or split) -> verify / repair -> outcome, under one clock, with explicit callbacks for what
//! the caller shows along the way.

use std::time::Instant;

use rmod_compiler::{compile, CompileOutput, CompileRequest};
use rmod_ir::Solution;

use crate::{deadline, from_solution, solve, solve_lex, user_start, Outcome, Settings};

/// What [`run`] tells its caller while it works (explicit callbacks, drawn in ARCHITECTURE.md).
pub struct Hooks<'a> {
    /// After compilation, with its output and seconds (diagnostics to print). Returning false
    /// ends the run there (e.g. warnings are denied); so does a model that did not compile.
    pub compiled: &'a dyn Fn(&CompileOutput, f64) -> bool,
    /// Each better verified point as it is found, with the compiled model it belongs to (the
    /// command line keeps a rendering of it for Ctrl-C/SIGTERM).
    pub point: &'a dyn Fn(&CompileOutput, &Solution),
}

/// What a run produced: the compiled model, and the outcome when it was solved.
pub struct Run {
    /// with several objectives (`--objective a,b`), its model is the last stage's: that
    /// objective, and a row per earlier stage keeping it at its optimum
    pub compiled: CompileOutput,
    /// the stages of a lexicographic solve (empty for one objective)
    pub stages: Vec<crate::Stage>,
    pub compile_seconds: f64,
    /// `None` when the model did not compile or `Hooks::compiled` ended the run
    pub outcome: Option<Outcome>,
}

/// Compiles the request and solves the model: the one library function a solve goes through.
/// `time_limit` counts from `run_started` (see [`deadline`]).
pub fn run(req: &CompileRequest, run_started: Instant, hooks: &Hooks) -> Run {
    run_with_start(req, run_started, hooks, None)
}

/// [`run`] with a solution document as the warm start (`--start FILE.json`: its name and
/// text), on top of the model's initial values (`var x := v;`). A file that is not such a
/// document ends the run as a compile error does; a start that is not feasible is a warning
/// and the solve goes on without it.
pub fn run_with_start(
    req: &CompileRequest,
    run_started: Instant,
    hooks: &Hooks,
    start_file: Option<(&str, &str)>,
) -> Run {
    let clock = Instant::now();
    let mut compiled = compile(req);
    let mut given = compiled.initial.clone();
    if let (Some((name, text)), Some(model)) = (start_file, &compiled.model) {
        let (values, diags) = from_solution(model, name, text, &mut compiled.sources);
        given.extend(values);
        let failed = rmod_diagnostics::has_errors(&diags);
        compiled.diagnostics.extend(diags);
        if failed {
            compiled.model = None;
        }
    }
    let mut start_diags = Vec::new();
    let user = match &compiled.model {
        Some(model) if !given.is_empty() => {
            let span = match (start_file, compiled.initial.first()) {
                (None, Some((c, _))) => Some(model.columns[*c as usize].origin.span),
                _ => None,
            };
            match user_start(model, &compiled.net_uses, &given, span) {
                Ok(s) => Some(s),
                Err(d) => {
                    start_diags.push(d);
                    None
                }
            }
        }
        _ => None,
    };
    let compile_seconds = clock.elapsed().as_secs_f64();
    let go_on = (hooks.compiled)(&compiled, compile_seconds);
    let mut stages = Vec::new();
    let mut last_model = None;
    let outcome = match &compiled.model {
        Some(model) if go_on => {
            let on_point = |s: &Solution| (hooks.point)(&compiled, s);
            let settings = Settings {
                deadline: deadline(model, run_started),
                on_point: Some(&on_point),
                user_start: user,
            };
            if compiled.stages.len() > 1 {
                let order: Vec<_> = compiled
                    .stages
                    .iter()
                    .map(|k| compiled.objectives[*k].clone())
                    .collect();
                let (m, out, st) = solve_lex(model, &compiled.net_uses, &order, &settings);
                stages = st;
                last_model = Some(m);
                Some(out)
            } else {
                Some(solve(model, &compiled.net_uses, &settings))
            }
        }
        _ => None,
    };
    if let Some(m) = last_model {
        compiled.model = Some(m);
    }
    let outcome = outcome.map(|mut o| {
        o.diagnostics.splice(0..0, start_diags);
        o
    });
    Run {
        compiled,
        stages,
        compile_seconds,
        outcome,
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn compiles_solves_and_calls_back_in_order() {
        let files: BTreeMap<String, String> = BTreeMap::new();
        let req = CompileRequest::new(
            "m.rmod",
            "var x integer in [0, 10]; subject to c: 2 * x <= 7; maximize o: x;",
            &files,
        );
        let compiled_calls = Cell::new(0);
        let points = Cell::new(0);
        let compiled = |out: &CompileOutput, _: f64| {
            compiled_calls.set(compiled_calls.get() + 1);
            out.diagnostics.is_empty()
        };
        let point = |_: &CompileOutput, _: &Solution| points.set(points.get() + 1);
        let hooks = Hooks {
            compiled: &compiled,
            point: &point,
        };
        let r = run(&req, Instant::now(), &hooks);
        assert_eq!(compiled_calls.get(), 1);
        let o = r.outcome.expect("solved");
        assert_eq!(o.solution.status, rmod_ir::Status::Optimal);
        assert_eq!(o.solution.objective, Some(3.0));
        // a compile error, or a hook that says stop, ends the run before the solve
        let bad = CompileRequest::new("m.rmod", "var x in [0, 1]; minimize o: y;", &files);
        assert!(run(&bad, Instant::now(), &hooks).outcome.is_none());
        let stop = |_: &CompileOutput, _: f64| false;
        let hooks = Hooks {
            compiled: &stop,
            point: &point,
        };
        let r = run(&req, Instant::now(), &hooks);
        assert!(r.outcome.is_none() && r.compiled.model.is_some());
    }
}
