//! `rmod solve`: hand the request to the one pipeline (`rmod_solve::run`), print what it
//! reports on the way, keep the latest rendering for an interrupt, and write the report.

use std::cell::{Cell, RefCell};
use std::path::PathBuf;

use rmod_compiler::{CompileOutput, NetUse};
use rmod_diagnostics::{code, Diagnostic, Sources};
use rmod_ir::{Model, Sensitivity, Solution, Status};
use rmod_solve::Outcome;

use crate::args::{Cli, Format, ModelArgs};
use crate::interrupt;
use crate::load::{compiled, with_request};
use crate::output::{net_lines, write_output, Printer};
use std::io::Write;

use crate::{
    run_started, EXIT_COMPILE, EXIT_INTERNAL, EXIT_LIMIT_NO_POINT, EXIT_LIMIT_POINT, EXIT_USAGE,
};

/// The report's flags: `--all`, `--timings`, `--duals`, `--wide`.
pub struct Flags {
    pub all: bool,
    pub timings: bool,
    pub duals: bool,
    pub wide: bool,
}

/// How the report is shown.
struct View<'a> {
    name: &'a str,
    format: &'a Format,
    flags: &'a Flags,
}

#[allow(clippy::too_many_arguments)]
pub fn command(
    cli: &Cli,
    m: &ModelArgs,
    format: &Format,
    output: &Option<PathBuf>,
    flags: &Flags,
    start: &Option<PathBuf>,
    p: &mut Printer,
) -> u8 {
    if flags.wide && *format != Format::Csv {
        errln!("error: --wide needs --format csv");
        return EXIT_USAGE;
    }
    let start_file = match start {
        None => None,
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => Some((path.display().to_string(), text)),
            Err(e) => {
                let d = Diagnostic::error(
                    code::DATA_FILE,
                    format!("cannot read the start file `{}`: {e}", path.display()),
                )
                .with_help(
                    "`--start` takes the JSON that `rmod solve --format json -o FILE` wrote",
                );
                p.emit(&[d], &Sources::default());
                p.finish(&Sources::default());
                return EXIT_COMPILE;
            }
        },
    };
    interrupt::install(output.clone());
    let name = m.model.display().to_string();
    let view = View {
        name: &name,
        format,
        flags,
    };
    let code = with_request(m, p, |req, oracle, p| {
        let p = RefCell::new(p);
        let compile_s = Cell::new(0.0);
        let on_compiled = |out: &CompileOutput, secs: f64| {
            compile_s.set(secs);
            let go_on = compiled(cli, oracle, out, &mut p.borrow_mut());
            if let (true, Some(model)) = (go_on, &out.model) {
                // until the first point: an interrupt writes a report without one
                let nothing = Solution::without_point(Status::NoSolution);
                let text = render(&view, model, &out.net_uses, secs, &nothing, None, &[], None);
                interrupt::offer(text, EXIT_LIMIT_NO_POINT);
            }
            go_on
        };
        // an interrupt writes the best point so far (see `interrupt`)
        let on_point = |out: &CompileOutput, s: &Solution| {
            if let Some(model) = &out.model {
                let mut interrupted = s.clone();
                interrupted.status = Status::Feasible;
                interrupted.best_bound = None;
                let text = render(
                    &view,
                    model,
                    &out.net_uses,
                    compile_s.get(),
                    &interrupted,
                    None,
                    &[],
                    None,
                );
                interrupt::offer(text, EXIT_LIMIT_POINT);
            }
        };
        let hooks = rmod_solve::Hooks {
            compiled: &on_compiled,
            point: &on_point,
        };
        let start = start_file.as_ref().map(|(n, t)| (n.as_str(), t.as_str()));
        let run = rmod_solve::run_with_start(req, run_started(), &hooks, start);
        interrupt::finishing();
        let (Some(outcome), Some(model)) = (&run.outcome, &run.compiled.model) else {
            return EXIT_COMPILE;
        };
        let p = &mut **p.borrow_mut();
        let solution = &outcome.solution;
        let mut diagnostics = outcome.diagnostics.clone();
        let duals = if view.flags.duals {
            let deadline = rmod_solve::deadline(model, run_started());
            match rmod_solve::sensitivity(model, solution, deadline) {
                Ok(d) => Some(d),
                Err(w) => {
                    diagnostics.push(w);
                    None
                }
            }
        } else {
            None
        };
        p.emit(&diagnostics, &run.compiled.sources);
        p.finish(&run.compiled.sources);
        let uses = &run.compiled.net_uses;
        let objectives = objective_lines(&run, model, solution);
        let text = render(
            &view,
            model,
            uses,
            run.compile_seconds,
            solution,
            Some(outcome),
            &objectives,
            duals.as_ref(),
        );
        if !write_output(output.as_deref(), &text, p) {
            return EXIT_INTERNAL;
        }
        solution.status.exit_code() as u8
    });
    code.unwrap_or_else(|| {
        interrupt::finishing();
        EXIT_COMPILE
    })
}

/// Every objective of the model but the one the report's objective line shows: the earlier
/// stages of a lexicographic solve and the objectives not optimized, valued at the point.
fn objective_lines(
    run: &rmod_solve::Run,
    model: &Model,
    solution: &Solution,
) -> Vec<rmod_report::ObjLine> {
    let shown = model.objective.as_ref().map(|o| o.name.as_str());
    let all = &run.compiled.objectives;
    if all.len() < 2 {
        return Vec::new();
    }
    all.iter()
        .filter(|o| Some(o.name.as_str()) != shown)
        .map(|o| rmod_report::ObjLine {
            name: o.name.clone(),
            sense: o.sense,
            value: solution.status.has_point().then(|| {
                o.constant
                    + o.coeffs
                        .iter()
                        .map(|(c, a)| a * solution.values.get(*c as usize).copied().unwrap_or(0.0))
                        .sum::<f64>()
            }),
            stage: run
                .stages
                .iter()
                .position(|s| s.name == o.name)
                .map(|k| (k + 1, run.stages[k].status.as_str().to_string())),
        })
        .collect()
}

/// The report of a point: the outcome's, or (for an interrupt) the point verified here.
#[allow(clippy::too_many_arguments)]
fn render(
    view: &View,
    model: &Model,
    net_uses: &[NetUse],
    compile_s: f64,
    solution: &Solution,
    outcome: Option<&Outcome>,
    objectives: &[rmod_report::ObjLine],
    duals: Option<&Sensitivity>,
) -> String {
    let verification = match outcome {
        Some(o) => o.verification.clone(),
        None => solution
            .status
            .has_point()
            .then(|| rmod_compiler::verify(model, net_uses, &solution.values)),
    };
    let (nets, uses) = net_lines(net_uses, verification.as_ref());
    let start_s = outcome.map_or(0.0, |o| o.start_seconds);
    let report = rmod_report::Report {
        model_name: view.name,
        model,
        solution,
        timings: vec![
            ("compile", compile_s),
            ("start", start_s),
            ("solve", solution.seconds),
            ("total", run_started().elapsed().as_secs_f64()),
        ],
        repaired: outcome.and_then(|o| o.repaired.clone()),
        incumbent: outcome
            .and_then(|o| o.start.as_ref())
            .map(|i| rmod_report::Start {
                objective: i.objective,
                source: i.source,
                candidates: i.candidates,
                feasible: i.feasible,
            }),
        symmetry: outcome.and_then(|o| o.symmetry),
        unproven: match outcome {
            Some(o) => o.unproven.clone(),
            None => {
                vec!["interrupted (Ctrl-C or SIGTERM): the best point found so far".to_string()]
            }
        },
        objectives: objectives.to_vec(),
        json_timings: view.flags.timings,
        show_all: view.flags.all,
        duals,
        data_boundary: if solution.status.has_point() {
            rmod_compiler::data_boundary(model, net_uses, &solution.values)
                .into_iter()
                .map(|b| rmod_report::AtBoundary {
                    text: b.describe(),
                    side: if b.upper { "upper" } else { "lower" },
                    constraint: b.constraint,
                    input: b.input,
                    argument: b.argument,
                    bound: b.bound,
                })
                .collect()
        } else {
            Vec::new()
        },
        nets,
        net_uses: uses,
        polish: verification
            .as_ref()
            .filter(|_| !net_uses.is_empty())
            .map(|v| rmod_report::Polish {
                objective: v.exact_objective,
                max_violation: v.max_violation,
            }),
    };
    match view.format {
        Format::Table => rmod_report::render_table(&report),
        Format::Json => rmod_report::render_json(&report),
        Format::Csv if view.flags.wide => rmod_report::render_csv_wide(&report),
        Format::Csv => rmod_report::render_csv(&report),
    }
}
