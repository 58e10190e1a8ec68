//! `rmod solve`: compile, hand the model to the solve policy under the run's clock, keep the
//! latest rendering for an interrupt, and write the report.

use std::path::PathBuf;

use crate::args::{Cli, Format, ModelArgs};
use crate::interrupt;
use crate::load::load_model;
use crate::output::{net_lines, write_output, Printer};
use crate::{run_started, EXIT_COMPILE, EXIT_INTERNAL, EXIT_LIMIT_NO_POINT, EXIT_LIMIT_POINT};

pub fn command(
    cli: &Cli,
    m: &ModelArgs,
    format: &Format,
    output: &Option<PathBuf>,
    all: &bool,
    timings: &bool,
    p: &mut Printer,
) -> u8 {
    interrupt::install(output.clone());
    let Some((out, compile_s)) = load_model(cli, m, p) else {
        interrupt::finishing();
        return EXIT_COMPILE;
    };
    let model = out.model.as_ref().expect("checked by load_model");
    let deadline = rmod_solve::deadline(model, run_started());
    let name = m.model.display().to_string();
    let render = |solution: &rmod_ir::Solution, outcome: Option<&rmod_solve::Outcome>| {
        let verification = match outcome {
            Some(o) => o.verification.clone(),
            None => solution
                .status
                .has_point()
                .then(|| rmod_compiler::verify(model, &out.net_uses, &solution.values)),
        };
        let (nets, uses) = net_lines(&out.net_uses, verification.as_ref());
        let start_s = outcome.map_or(0.0, |o| o.start_seconds);
        let report = rmod_report::Report {
            model_name: &name,
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
            unproven: match outcome {
                Some(o) => o.unproven.clone(),
                None => {
                    vec!["interrupted (Ctrl-C or SIGTERM): the best point found so far".to_string()]
                }
            },
            json_timings: *timings,
            show_all: *all,
            nets,
            net_uses: uses,
            polish: verification
                .as_ref()
                .filter(|_| !out.net_uses.is_empty())
                .map(|v| rmod_report::Polish {
                    objective: v.exact_objective,
                    max_violation: v.max_violation,
                }),
        };
        match format {
            Format::Table => rmod_report::render_table(&report),
            Format::Json => rmod_report::render_json(&report),
            Format::Csv => rmod_report::render_csv(&report),
        }
    };
    // an interrupt writes the best point so far (see `interrupt`)
    let on_point = |s: &rmod_ir::Solution| {
        let mut interrupted = s.clone();
        interrupted.status = rmod_ir::Status::Feasible;
        interrupted.best_bound = None;
        interrupt::offer(render(&interrupted, None), EXIT_LIMIT_POINT);
    };
    // until the first point: an interrupt writes a report without one
    let nothing = rmod_ir::Solution::without_point(rmod_ir::Status::NoSolution);
    interrupt::offer(render(&nothing, None), EXIT_LIMIT_NO_POINT);
    let settings = rmod_solve::Settings {
        deadline,
        on_point: Some(&on_point),
    };
    let outcome = rmod_solve::solve(model, &out.net_uses, &settings);
    interrupt::finishing();
    p.emit(&outcome.diagnostics, &out.sources);
    p.finish(&out.sources);
    let solution = &outcome.solution;
    let text = render(solution, Some(&outcome));
    if !write_output(output.as_deref(), &text, p) {
        return EXIT_INTERNAL;
    }
    solution.status.exit_code() as u8
}
