//! The `rmod` binary: reads files, runs the compiler and the solver, prints reports and diagnostics, and chooses exit codes.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};
use rmod_compiler::{compile, format_row, CompileOutput, CompileRequest, Loader};
use rmod_diagnostics::{render_human, render_json_all, Diagnostic, Severity, Sources};

mod bounds;
mod net_cmd;
mod train_cmd;

/// `println!` that ignores a closed stdout (e.g. `rmod expand ... | head`) instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `print!` that ignores a closed stdout.
macro_rules! out {
    ($($arg:tt)*) => {{
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// Exit codes (also in the README).
const EXIT_COMPILE: u8 = 1;
const EXIT_USAGE: u8 = 64;
const EXIT_INTERNAL: u8 = 70;

#[derive(Parser)]
#[command(
    name = "rmod",
    version,
    about = "Optimization models with trained ReLU networks, solved with CBC"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
    /// How diagnostics are printed (on stderr)
    #[arg(long, value_enum, default_value = "human", global = true)]
    message_format: MessageFormat,
    /// Treat warnings as errors
    #[arg(long, global = true)]
    deny_warnings: bool,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum MessageFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Format {
    Table,
    Json,
    Csv,
}

#[derive(clap::Args)]
struct ModelArgs {
    /// The model file (.rmod)
    model: PathBuf,
    /// Override an option of the model: --option time_limit=30
    #[arg(long = "option", value_name = "KEY=VALUE")]
    options: Vec<String>,
    /// Override a scalar parameter: -D feed_avail=80
    #[arg(short = 'D', value_name = "PARAM=VALUE")]
    defines: Vec<String>,
    /// Neither read nor write tightened network bounds in the cache (`.rmod-cache/` beside the
    /// model, or `$RMOD_CACHE_DIR`)
    #[arg(long)]
    no_cache: bool,
}

#[derive(Subcommand)]
enum Cmd {
    /// Compile only: print every diagnostic and the model statistics
    Check {
        #[command(flatten)]
        m: ModelArgs,
    },
    /// Compile and solve with CBC
    Solve {
        #[command(flatten)]
        m: ModelArgs,
        /// Output format of the solution
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Write the solution to a file instead of stdout
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        /// Show variables at zero in the table
        #[arg(long)]
        all: bool,
        /// Include phase timings in JSON output (they differ between runs)
        #[arg(long)]
        timings: bool,
    },
    /// Write the compiled MILP as LP and/or MPS
    Export {
        #[command(flatten)]
        m: ModelArgs,
        #[arg(long)]
        lp: Option<PathBuf>,
        #[arg(long)]
        mps: Option<PathBuf>,
        /// Write the map from legal names back to model names (CSV)
        #[arg(long)]
        names: Option<PathBuf>,
    },
    /// Print the generated rows of one constraint
    Expand {
        #[command(flatten)]
        m: ModelArgs,
        /// The constraint (or objective) name
        name: String,
    },
    /// Explain a diagnostic code; without a code, list all codes
    Explain { code: Option<String> },
    /// Train a ReLU network on CSV data and write it as a relu-net file
    Train(train_cmd::TrainArgs),
    /// Sample a standard test function into CSV (columns x1..xd, y)
    Sample(train_cmd::SampleArgs),
    /// Inspect a network file: info, bounds, eval
    Net {
        #[command(subcommand)]
        cmd: net_cmd::NetCmd,
    },
}

struct FsLoader {
    base: PathBuf,
}

impl Loader for FsLoader {
    fn load(&self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(self.base.join(path)).map_err(|e| e.to_string())
    }
    fn display_name(&self, path: &str) -> String {
        self.base.join(path).display().to_string()
    }
}

struct Printer {
    format: MessageFormat,
    color: bool,
    n_errors: usize,
    n_warnings: usize,
    json: Vec<Diagnostic>,
}

impl Printer {
    fn emit(&mut self, diags: &[Diagnostic], sources: &Sources) {
        let mut err = std::io::stderr().lock();
        for d in diags {
            match d.severity {
                Severity::Error => self.n_errors += 1,
                Severity::Warning => self.n_warnings += 1,
            }
            match self.format {
                MessageFormat::Human => {
                    let _ = writeln!(err, "{}", render_human(d, sources, self.color, 100));
                }
                MessageFormat::Json => self.json.push(d.clone()),
            }
        }
    }
    fn finish(&mut self, sources: &Sources) {
        if self.format == MessageFormat::Json {
            eprintln!("{}", render_json_all(&self.json, sources));
        } else if self.n_errors + self.n_warnings > 0 {
            eprintln!("{} error(s), {} warning(s)", self.n_errors, self.n_warnings);
        }
    }
}

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some(bounds::WORKER_ARG) {
        return ExitCode::from(bounds::worker());
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut p = Printer {
        format: cli.message_format,
        color,
        n_errors: 0,
        n_warnings: 0,
        json: Vec::new(),
    };
    let code = run(&cli, &mut p);
    ExitCode::from(code)
}

fn parse_pairs(items: &[String], flag: &str, p: &mut Printer) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    for it in items {
        match it.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                out.push((k.trim().to_string(), v.trim().to_string()))
            }
            _ => {
                let code = if flag == "-D" {
                    "rmod::resolve::unknown_override"
                } else {
                    "rmod::resolve::unknown_option"
                };
                let d =
                    Diagnostic::error(code, format!("`{flag} {it}` is not of the form NAME=VALUE"))
                        .with_help(format!("write e.g. `{flag} time_limit=30`"));
                p.emit(&[d], &Sources::default());
                return None;
            }
        }
    }
    Some(out)
}

/// Reads and compiles a model, printing diagnostics; `None` when it did not compile (or warnings are denied).
fn load_model(cli: &Cli, m: &ModelArgs, p: &mut Printer) -> Option<(CompileOutput, f64)> {
    let started = Instant::now();
    let text = match std::fs::read_to_string(&m.model) {
        Ok(t) => t,
        Err(e) => {
            let d = Diagnostic::error(
                "rmod::data::file",
                format!("cannot read model file `{}`: {e}", m.model.display()),
            )
            .with_help("check the path; run rmod from the folder the path is relative to");
            p.emit(&[d], &Sources::default());
            return None;
        }
    };
    let options = parse_pairs(&m.options, "--option", p)?;
    let defines = parse_pairs(&m.defines, "-D", p)?;
    let mut overrides = Vec::new();
    for (k, v) in defines {
        match v.parse::<f64>() {
            Ok(x) if x.is_finite() => overrides.push((k, x)),
            _ => {
                let d = Diagnostic::error(
                    "rmod::resolve::unknown_override",
                    format!("`-D {k}={v}`: `{v}` is not a finite number"),
                )
                .with_help("parameters take numbers, e.g. `-D feed_avail=80`");
                p.emit(&[d], &Sources::default());
                return None;
            }
        }
    }
    let base = m.model.parent().map(Path::to_path_buf).unwrap_or_default();
    let cache = bounds::DirCache {
        dir: std::env::var_os("RMOD_CACHE_DIR")
            .map_or_else(|| base.join(".rmod-cache"), PathBuf::from),
    };
    let loader = FsLoader { base };
    let oracle = bounds::ParallelBounds::new();
    let name = m.model.display().to_string();
    let mut req = CompileRequest::new(&name, &text, &loader);
    req.overrides = overrides;
    req.options = options;
    req.oracle = Some(&oracle);
    if !m.no_cache {
        req.cache = Some(&cache);
    }
    let out = compile(&req);
    oracle.finish();
    let secs = started.elapsed().as_secs_f64();
    p.emit(&out.diagnostics, &out.sources);
    if out.model.is_none() || (cli.deny_warnings && p.n_warnings > 0) {
        p.finish(&out.sources);
        return None;
    }
    Some((out, secs))
}

fn write_output(path: Option<&Path>, text: &str, p: &mut Printer) -> bool {
    match path {
        None => {
            let mut so = std::io::stdout().lock();
            let _ = so.write_all(text.as_bytes());
            true
        }
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => true,
            Err(e) => {
                let d = Diagnostic::error(
                    "rmod::data::file",
                    format!("cannot write `{}`: {e}", path.display()),
                )
                .with_help("check that the folder exists and is writable");
                p.emit(&[d], &Sources::default());
                false
            }
        },
    }
}

fn run(cli: &Cli, p: &mut Printer) -> u8 {
    match &cli.cmd {
        Cmd::Explain { code } => explain(code.as_deref()),
        Cmd::Train(a) => {
            let mut sources = Sources::default();
            match train_cmd::train(a, &mut sources) {
                Ok(summary) => {
                    out!("{summary}");
                    0
                }
                Err(d) => {
                    p.emit(&[d], &sources);
                    p.finish(&sources);
                    EXIT_COMPILE
                }
            }
        }
        Cmd::Net { cmd } => {
            let mut sources = Sources::default();
            match net_cmd::run(cmd, &mut sources) {
                Ok(text) => {
                    out!("{text}");
                    0
                }
                Err(diags) => {
                    p.emit(&diags, &sources);
                    p.finish(&sources);
                    EXIT_COMPILE
                }
            }
        }
        Cmd::Sample(a) => match train_cmd::sample(a) {
            Ok(text) => {
                if write_output(a.output.as_deref(), &text, p) {
                    0
                } else {
                    EXIT_INTERNAL
                }
            }
            Err(d) => {
                let sources = Sources::default();
                p.emit(&[d], &sources);
                p.finish(&sources);
                EXIT_COMPILE
            }
        },
        Cmd::Check { m } => {
            let Some((out, secs)) = load_model(cli, m, p) else {
                return EXIT_COMPILE;
            };
            let model = out.model.as_ref().expect("checked by load_model");
            p.finish(&out.sources);
            outln!("ok         {}", m.model.display());
            outln!("model      {}", rmod_report::model_summary(model));
            let (nets, uses) = net_lines(&out.net_uses, None);
            out!("{}", rmod_report::render_nets(&nets, &uses));
            outln!("time       compile {secs:.3} s");
            0
        }
        Cmd::Solve {
            m,
            format,
            output,
            all,
            timings,
        } => {
            let Some((out, compile_s)) = load_model(cli, m, p) else {
                return EXIT_COMPILE;
            };
            let model = out.model.as_ref().expect("checked by load_model");
            let start_clock = Instant::now();
            let incumbent = if model.options.incumbent.as_deref() != Some("off")
                && !out.net_uses.is_empty()
                && model.n_integer() > 0
            {
                let relaxed = rmod_solver::relaxation_point(model, 10.0);
                // forward passes and a feasibility check per sample: about 2e7 coefficient
                // evaluations in all, 16 to 1024 samples
                let work = (model.n_nonzeros() + model.columns.len()).max(1);
                let samples = (20_000_000 / work).clamp(16, 1024);
                rmod_compiler::find_incumbent(model, &out.net_uses, relaxed.as_deref(), samples, 1)
            } else {
                None
            };
            let start_s = start_clock.elapsed().as_secs_f64();
            let start = incumbent.as_ref().map(|i| i.values.as_slice());
            let split = rmod_compiler::split_columns(model, &out.net_uses);
            // default: split where it paid in BENCHMARKS.md (networks with at most two input
            // variables; a cell copies the model, so not for large models)
            let cells = model.options.input_split.unwrap_or(
                if split.len() <= 2 && model.columns.len() + model.rows.len() <= AUTO_SPLIT_SIZE {
                    AUTO_SPLIT_CELLS
                } else {
                    0
                },
            );
            let solution = match cells {
                cells if cells > 0 && !split.is_empty() => rmod_solver::solve_split(
                    model,
                    &split,
                    &|b| rmod_compiler::tighten_cell(&out.net_uses, b),
                    start,
                    cells as usize,
                ),
                _ => rmod_solver::solve(model, start),
            };
            let (solution, repaired, mismatch_diags) =
                repair_solution(model, &out.net_uses, solution);
            // a repaired optimum is `feasible` for want of a proof, not because of a limit
            let proven = repaired
                .as_ref()
                .is_some_and(|r| r.solver_status == "optimal");
            let diags: Vec<Diagnostic> = rmod_solver::status_diagnostic(&solution.status)
                .filter(|_| !proven || !solution.status.has_point())
                .into_iter()
                .chain(mismatch_diags)
                .collect();
            let verification = solution
                .status
                .has_point()
                .then(|| rmod_compiler::verify(model, &out.net_uses, &solution.values));
            let (nets, uses) = net_lines(&out.net_uses, verification.as_ref());
            p.emit(&diags, &out.sources);
            p.finish(&out.sources);
            let report = rmod_report::Report {
                model_name: &m.model.display().to_string(),
                model,
                solution: &solution,
                timings: vec![
                    ("compile", compile_s),
                    ("start", start_s),
                    ("solve", solution.seconds),
                    ("total", compile_s + start_s + solution.seconds),
                ],
                repaired,
                incumbent: incumbent.as_ref().map(|i| rmod_report::Start {
                    objective: i.objective,
                    source: i.source,
                    candidates: i.candidates,
                    feasible: i.feasible,
                }),
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
            let text = match format {
                Format::Table => rmod_report::render_table(&report),
                Format::Json => rmod_report::render_json(&report),
                Format::Csv => rmod_report::render_csv(&report),
            };
            if !write_output(output.as_deref(), &text, p) {
                return EXIT_INTERNAL;
            }
            solution.status.exit_code() as u8
        }
        Cmd::Export { m, lp, mps, names } => {
            let Some((out, _)) = load_model(cli, m, p) else {
                return EXIT_COMPILE;
            };
            p.finish(&out.sources);
            let model = out.model.as_ref().expect("checked by load_model");
            if lp.is_none() && mps.is_none() && names.is_none() {
                eprintln!("nothing to export: give --lp FILE and/or --mps FILE");
                return EXIT_USAGE;
            }
            let mut ok = true;
            if let Some(path) = lp {
                ok &= write_output(Some(path), &rmod_ir::write_lp(model), p);
            }
            if let Some(path) = mps {
                ok &= write_output(Some(path), &rmod_ir::write_mps(model), p);
            }
            if let Some(path) = names {
                let n = rmod_ir::legal_names(model);
                let mut text = String::from("kind,legal,model\n");
                for (c, l) in model.columns.iter().zip(&n.columns) {
                    text.push_str(&format!(
                        "column,{l},\"{}\"\n",
                        c.origin.display().replace('"', "\"\"")
                    ));
                }
                for (r, l) in model.rows.iter().zip(&n.rows) {
                    text.push_str(&format!(
                        "row,{l},\"{}\"\n",
                        r.origin.display().replace('"', "\"\"")
                    ));
                }
                ok &= write_output(Some(path), &text, p);
            }
            if ok {
                0
            } else {
                EXIT_INTERNAL
            }
        }
        Cmd::Expand { m, name } => {
            let Some((out, _)) = load_model(cli, m, p) else {
                return EXIT_COMPILE;
            };
            p.finish(&out.sources);
            let model = out.model.as_ref().expect("checked by load_model");
            let rows: Vec<_> = model
                .rows
                .iter()
                .filter(|r| r.origin.decl.split('.').next() == Some(name.as_str()))
                .collect();
            if let Some(o) = model.objective.as_ref().filter(|o| o.name == *name) {
                let row = rmod_ir::Row {
                    origin: rmod_ir::Origin {
                        decl: o.name.clone(),
                        index: vec![],
                        span: Default::default(),
                    },
                    coeffs: o.coeffs.clone(),
                    lower: f64::NEG_INFINITY,
                    upper: f64::INFINITY,
                };
                let text = format_row(model, &row);
                let body = text.trim_end_matches(" >= -inf");
                outln!(
                    "{body}{}",
                    if o.constant != 0.0 {
                        format!(" + {}", o.constant)
                    } else {
                        String::new()
                    }
                );
                return 0;
            }
            if rows.is_empty() {
                let mut names: Vec<&str> = Vec::new();
                for r in &model.rows {
                    let decl = r.origin.decl.split('.').next().unwrap_or("");
                    if !names.contains(&decl) {
                        names.push(decl);
                    }
                }
                let mut d = Diagnostic::error(
                    "rmod::resolve::unknown_name",
                    format!("no constraint named `{name}` generated rows"),
                );
                d = match rmod_diagnostics::did_you_mean(name, names.iter().copied()) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help(format!("constraints with rows: {}", names.join(", "))),
                };
                p.emit(&[d], &out.sources);
                p.finish(&out.sources);
                return EXIT_COMPILE;
            }
            for r in rows {
                outln!("{}", format_row(model, r));
            }
            0
        }
    }
}

/// Network statistics per network (all uses together) and per use.
/// `option input_split` when the model does not set it: this many cells for models whose
/// networks have at most two input variables and at most `AUTO_SPLIT_SIZE` columns and rows.
const AUTO_SPLIT_CELLS: u64 = 100_000;
const AUTO_SPLIT_SIZE: usize = 20_000;

/// Checks the solver's point with forward passes. Where a network's outputs are off by more than
/// `MISMATCH_TOL` (relative), the solver's answer is not what the model means: it is replaced by
/// the exact point (every network recomputed at the solver's inputs) if that point satisfies the
/// model, with status `feasible` (CBC's proof relied on rows it met only within tolerances), and
/// by an error otherwise. Returns the solution to report, the solver's own answer if replaced, and
/// the mismatch warnings.
fn repair_solution(
    model: &rmod_ir::Model,
    uses: &[rmod_compiler::NetUse],
    mut solution: rmod_ir::Solution,
) -> (
    rmod_ir::Solution,
    Option<rmod_report::Repaired>,
    Vec<Diagnostic>,
) {
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
    let (p, viol) = rmod_compiler::exact_point(model, uses, &solution.values);
    let scale = p.iter().fold(1.0f64, |a, v| a.max(v.abs()));
    if viol <= rmod_solver::FEAS_TOL * scale {
        solution.objective = model.objective.as_ref().map(|_| model.objective_value(&p));
        solution.values = p;
        solution.status = rmod_ir::Status::Feasible;
        solution.best_bound = None;
    } else {
        solution.status = rmod_ir::Status::Error(format!(
            "CBC's point has network outputs off from a forward pass by {worst:.3e} (relative), and the exact point at its inputs violates the model by {viol:.3e}; tighten the bounds (option bounds = \"lp\")"
        ));
        solution.values.clear();
        solution.objective = None;
        solution.best_bound = None;
    }
    (solution, Some(repaired), diags)
}

fn net_lines(
    uses: &[rmod_compiler::NetUse],
    verification: Option<&rmod_compiler::Verification>,
) -> (Vec<rmod_report::NetLine>, Vec<rmod_report::NetLine>) {
    let line = |name: String, u: &rmod_compiler::NetUse| rmod_report::NetLine {
        name,
        file: u.file.clone(),
        uses: 1,
        layers: u.stats.layers,
        neurons: u.stats.neurons,
        stable_active: u.stats.stable_active,
        stable_inactive: u.stats.stable_inactive,
        binaries: u.stats.binaries,
        max_m: u.stats.max_m(),
        median_m: u.stats.median_m(),
        method: u.stats.bound_method.to_string(),
        bound_seconds: u.stats.bound_seconds,
        ia_unstable: u.stats.ia_unstable,
        unstable: u.stats.unstable,
        ia_mean_width: u.stats.ia_mean_width,
        mean_width: u.stats.mean_width,
        mismatch: None,
        context: u.stats.bound_context.to_string(),
        cached: u.stats.bounds_cached,
        complete: u.stats.bounds_complete,
        per_layer: u.stats.per_layer.clone(),
    };
    let per_use: Vec<rmod_report::NetLine> =
        uses.iter().map(|u| line(u.constraint.clone(), u)).collect();
    let mut nets: Vec<rmod_report::NetLine> = Vec::new();
    let mut all_m: Vec<Vec<f64>> = Vec::new();
    for u in uses {
        match nets.iter().position(|n| n.name == u.net) {
            Some(i) => {
                let n = &mut nets[i];
                n.uses += 1;
                n.stable_active += u.stats.stable_active;
                n.stable_inactive += u.stats.stable_inactive;
                n.binaries += u.stats.binaries;
                n.bound_seconds += u.stats.bound_seconds;
                n.ia_unstable += u.stats.ia_unstable;
                n.unstable += u.stats.unstable;
                let k = n.uses as f64;
                n.ia_mean_width += (u.stats.ia_mean_width - n.ia_mean_width) / k;
                n.mean_width += (u.stats.mean_width - n.mean_width) / k;
                n.cached &= u.stats.bounds_cached;
                n.complete &= u.stats.bounds_complete;
                for (a, b) in n.per_layer.iter_mut().zip(&u.stats.per_layer) {
                    a.ia_mean_width += (b.ia_mean_width - a.ia_mean_width) / k;
                    a.mean_width += (b.mean_width - a.mean_width) / k;
                    a.neurons += b.neurons;
                    a.ia_unstable += b.ia_unstable;
                    a.unstable += b.unstable;
                    a.seconds += b.seconds;
                    a.problems += b.problems;
                }
                all_m[i].extend(&u.stats.big_m);
            }
            None => {
                nets.push(line(u.net.clone(), u));
                all_m.push(u.stats.big_m.clone());
            }
        }
    }
    for (n, ms) in nets.iter_mut().zip(all_m) {
        let stats = rmod_relu::UseStats {
            big_m: ms,
            ..Default::default()
        };
        n.max_m = stats.max_m();
        n.median_m = stats.median_m();
        if let Some(v) = verification {
            n.mismatch = v
                .nets
                .iter()
                .find(|(name, _, _)| *name == n.name)
                .map(|(_, a, r)| (*a, *r));
        }
    }
    (nets, per_use)
}

fn explain(code: Option<&str>) -> u8 {
    match code {
        None => {
            for c in rmod_diagnostics::CODES {
                outln!("{}", c.code);
            }
            0
        }
        Some(code) => match rmod_diagnostics::explain(code) {
            Some(info) => {
                outln!(
                    "{}\n\n{}\n\nexample:\n\n    {}",
                    info.code,
                    info.explanation,
                    info.example.replace('\n', "\n    ")
                );
                0
            }
            None => {
                let names = rmod_diagnostics::CODES.iter().map(|c| c.code);
                match rmod_diagnostics::did_you_mean(code, names) {
                    Some(s) => eprintln!("unknown code `{code}`; did you mean `{s}`?"),
                    None => eprintln!("unknown code `{code}`; `rmod explain` lists all codes"),
                }
                EXIT_USAGE
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ABS: &str = r#"{"format": "relu-net", "version": 1, "layers": [
        {"weights": [[1.0], [-1.0]], "bias": [0.0, 0.0], "activation": "relu"},
        {"weights": [[1.0, 1.0]], "bias": [0.0], "activation": "linear"}]}"#;

    fn compiled(text: &str) -> CompileOutput {
        let mut files = std::collections::BTreeMap::new();
        files.insert("abs.json".to_string(), ABS.to_string());
        let out = compile(&CompileRequest::new("m.rmod", text, &files));
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        out
    }

    /// A solver answer at x = `x` whose network columns all drifted to 0.37.
    fn drifted(model: &rmod_ir::Model, x: f64) -> rmod_ir::Solution {
        let mut values = vec![0.37; model.columns.len()];
        values[0] = x;
        rmod_ir::Solution {
            status: rmod_ir::Status::Optimal,
            objective: Some(model.objective_value(&values)),
            best_bound: Some(-5.0),
            values,
            seconds: 0.0,
            iterations: 0,
            split: None,
        }
    }

    #[test]
    fn a_drifted_solver_point_is_replaced_by_the_exact_point() {
        let out = compiled(
            r#"net a = relu_net("abs.json"); var x in [-2, 3]; var y;
            subject to f: y = a(x); minimize o: y;"#,
        );
        let model = out.model.as_ref().expect("model");
        let (s, rep, diags) = repair_solution(model, &out.net_uses, drifted(model, -1.5));
        assert_eq!(s.status, rmod_ir::Status::Feasible);
        assert_eq!(s.objective, Some(1.5));
        assert_eq!(s.best_bound, None);
        let rep = rep.expect("repaired");
        assert_eq!(rep.solver_status, "optimal");
        assert!(rep.solver_mismatch > 0.5);
        assert_eq!(diags[0].code, "rmod::relu::mismatch");
        assert!(rmod_compiler::verify(model, &out.net_uses, &s.values).nets[0].2 == 0.0);
        // an exact point passes unchanged
        let (t, rep, diags) = repair_solution(model, &out.net_uses, s.clone());
        assert!(rep.is_none() && diags.is_empty() && t == s);
    }

    #[test]
    fn a_drifted_point_the_model_rejects_is_an_error() {
        // the exact output at x = -1.5 is 1.5, which breaks y <= 1
        let out = compiled(
            r#"net a = relu_net("abs.json"); var x in [-2, 3]; var y;
            subject to f: y = a(x); subject to cap: y <= 1; minimize o: x;"#,
        );
        let model = out.model.as_ref().expect("model");
        let (s, rep, _) = repair_solution(model, &out.net_uses, drifted(model, -1.5));
        assert!(
            matches!(s.status, rmod_ir::Status::Error(_)),
            "{:?}",
            s.status
        );
        assert!(s.values.is_empty() && s.objective.is_none());
        assert!(rep.is_some());
    }
}
