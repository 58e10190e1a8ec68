//! The `rmod` binary: reads files, runs the compiler and the solver, prints reports and diagnostics, and chooses exit codes.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};
use rmod_compiler::{compile, format_row, CompileOutput, CompileRequest, Loader};
use rmod_diagnostics::{render_human, render_json_all, Diagnostic, Severity, Sources};

/// `println!` that ignores a closed stdout (e.g. `rmod expand ... | head`) instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `eprintln!` that ignores a closed stderr (e.g. `rmod check bad.rmod 2>&1 | head -1`).
macro_rules! errln {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

/// `print!` that ignores a closed stdout.
macro_rules! out {
    ($($arg:tt)*) => {{
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `eprint!` that ignores a closed stderr.
macro_rules! errp {
    ($($arg:tt)*) => {{
        let _ = write!(std::io::stderr().lock(), $($arg)*);
    }};
}

mod bounds;
mod interrupt;
mod net_cmd;
mod train_cmd;

/// Exit codes (also in the README).
const EXIT_COMPILE: u8 = 1;
const EXIT_USAGE: u8 = 64;
const EXIT_INTERNAL: u8 = 70;
/// A limit (or an interrupt) with a feasible point, and without one.
const EXIT_LIMIT_POINT: u8 = 5;
const EXIT_LIMIT_NO_POINT: u8 = 4;

/// When the run started: `time_limit` counts from here.
fn run_started() -> Instant {
    static STARTED: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    *STARTED.get_or_init(Instant::now)
}

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
            errln!("{}", render_json_all(&self.json, sources));
        } else if self.n_errors + self.n_warnings > 0 {
            errln!("{} error(s), {} warning(s)", self.n_errors, self.n_warnings);
        }
    }
}

/// Stack of the thread that runs a command: parsing, evaluation and the AST's destructor recurse
/// as deep as the model's nesting, which the parser limits (`rmod_syntax::MAX_DEPTH`,
/// `MAX_CHAIN`); this leaves room for the deepest model the limits allow.
const STACK_BYTES: usize = 512 << 20;

fn main() -> ExitCode {
    run_started();
    if std::env::args().nth(1).as_deref() == Some(bounds::WORKER_ARG) {
        // a worker dies on Ctrl-C like any process (it inherits its parent's blocked
        // signals); the parent answers for the run
        rmod_solver::signals::default_signals();
        return ExitCode::from(bounds::worker());
    }
    // before any other thread: SIGINT and SIGTERM become messages (see `interrupt`)
    interrupt::take_signals();
    let code = std::thread::Builder::new()
        .name("rmod".into())
        .stack_size(STACK_BYTES)
        .spawn(main_thread)
        .map_or(EXIT_INTERNAL, |h| h.join().unwrap_or(EXIT_INTERNAL));
    ExitCode::from(code)
}

fn main_thread() -> u8 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = e.print();
            return code;
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
    run(&cli, &mut p)
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
    req.run_started = Some(run_started());
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

/// Writes `text` to `path` through a temporary file beside it and a rename, so that the file
/// is never seen half-written (an interrupt may end the run at any time).
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.tmp{}", std::process::id()));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

fn write_output(path: Option<&Path>, text: &str, p: &mut Printer) -> bool {
    match path {
        None => {
            let mut so = std::io::stdout().lock();
            let _ = so.write_all(text.as_bytes());
            true
        }
        Some(path) => match write_atomically(path, text) {
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
            interrupt::install(output.clone());
            let Some((out, compile_s)) = load_model(cli, m, p) else {
                interrupt::finishing();
                return EXIT_COMPILE;
            };
            let model = out.model.as_ref().expect("checked by load_model");
            // one clock: `time_limit` counts from the start of the run, compilation included
            let deadline = model
                .options
                .time_limit
                .map(|t| run_started() + std::time::Duration::from_secs_f64(t.max(0.0)));
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
                        None => vec![
                            "interrupted (Ctrl-C or SIGTERM): the best point found so far"
                                .to_string(),
                        ],
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
        Cmd::Export { m, lp, mps, names } => {
            let Some((out, _)) = load_model(cli, m, p) else {
                return EXIT_COMPILE;
            };
            p.finish(&out.sources);
            let model = out.model.as_ref().expect("checked by load_model");
            if lp.is_none() && mps.is_none() && names.is_none() {
                errln!("nothing to export: give --lp FILE and/or --mps FILE");
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
                    Some(s) => errln!("unknown code `{code}`; did you mean `{s}`?"),
                    None => errln!("unknown code `{code}`; `rmod explain` lists all codes"),
                }
                EXIT_USAGE
            }
        },
    }
}
