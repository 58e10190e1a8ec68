//! The whole pipeline in one call: compile (with its bound problems) -> start -> solve (plain
//! or split) -> verify / repair -> outcome, under one clock, with explicit callbacks for what
//! the caller shows along the way.

use std::time::Instant;

use rmod_compiler::{compile, CompileOutput, CompileRequest};
use rmod_ir::Solution;

use crate::{deadline, solve, Outcome, Settings};

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
    pub compiled: CompileOutput,
    pub compile_seconds: f64,
    /// `None` when the model did not compile or `Hooks::compiled` ended the run
    pub outcome: Option<Outcome>,
}

/// Compiles the request and solves the model: the one library function a solve goes through.
/// `time_limit` counts from `run_started` (see [`deadline`]).
pub fn run(req: &CompileRequest, run_started: Instant, hooks: &Hooks) -> Run {
    let clock = Instant::now();
    let compiled = compile(req);
    let compile_seconds = clock.elapsed().as_secs_f64();
    let go_on = (hooks.compiled)(&compiled, compile_seconds);
    let outcome = match &compiled.model {
        Some(model) if go_on => {
            let on_point = |s: &Solution| (hooks.point)(&compiled, s);
            let settings = Settings {
                deadline: deadline(model, run_started),
                on_point: Some(&on_point),
            };
            Some(solve(model, &compiled.net_uses, &settings))
        }
        _ => None,
    };
    Run {
        compiled,
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
