//! `rmod sweep`: one `rmod solve` process of this binary per scenario (`--jobs` at a time), the
//! finished ones kept in a state folder so that a rerun goes on where the last one stopped;
//! or job scripts for a cluster (`--emit-jobs`) and their results read back (`--collect`).
//! The scenario file, the table and the scripts are `rmod_sweep`'s.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rmod_diagnostics::{code, Diagnostic, Sources};
use rmod_sweep::{Done, Finished, Scenario, Scenarios};
use serde_json::Value;

use crate::args::{Cli, SweepArgs, SweepFormat};
use crate::interrupt;
use crate::load::{parse_pairs, FsLoader};
use crate::output::{write_atomically, write_output, Printer};
use crate::{EXIT_COMPILE, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_SWEEP_MISSING};

/// What the sweep knows before it runs anything.
struct Plan<'a> {
    a: &'a SweepArgs,
    scenarios: Scenarios,
    /// the `rmod solve` arguments of each scenario (without `-o`)
    args: Vec<Vec<String>>,
    keys: Vec<String>,
}

impl Plan<'_> {
    fn stem(&self, i: usize) -> String {
        rmod_sweep::stem(i, self.scenarios.list.len())
    }
}

fn read_text(path: &Path, what: &str, p: &mut Printer) -> Option<String> {
    match std::fs::read_to_string(path) {
        Ok(t) => Some(t),
        Err(e) => {
            let d = Diagnostic::error(
                code::DATA_FILE,
                format!("cannot read {what} `{}`: {e}", path.display()),
            )
            .with_help("check the path; run rmod from the folder the path is relative to");
            p.emit(&[d], &Sources::default());
            p.finish(&Sources::default());
            None
        }
    }
}

pub fn command(cli: &Cli, a: &SweepArgs, p: &mut Printer) -> u8 {
    interrupt::install_sweep();
    let Some(model_text) = read_text(&a.m.model, "model file", p) else {
        return EXIT_COMPILE;
    };
    let Some(csv_text) = read_text(&a.scenarios, "scenario file", p) else {
        return EXIT_COMPILE;
    };
    let mut sources = Sources::default();
    let file = sources.add(a.scenarios.display().to_string(), csv_text.clone());
    let params = rmod_sweep::model_params(&model_text);
    let scenarios = match rmod_sweep::read_scenarios(file, &csv_text, &params) {
        Ok(s) => s,
        Err(diags) => {
            p.emit(&diags, &sources);
            p.finish(&sources);
            return EXIT_COMPILE;
        }
    };
    let Some(options) = parse_pairs(&a.m.options, "--option", p) else {
        return EXIT_COMPILE;
    };
    let Some(defines) = parse_pairs(&a.m.defines, "-D", p) else {
        return EXIT_COMPILE;
    };
    if !keys_exist(a, &model_text, &options, &defines, &scenarios, p) {
        return EXIT_COMPILE;
    }
    let args: Vec<Vec<String>> = scenarios
        .list
        .iter()
        .map(|s| solve_args(cli, a, &options, &defines, s))
        .collect();
    let keys = args
        .iter()
        .map(|x| rmod_sweep::scenario_key(&model_text, x))
        .collect();
    let plan = Plan {
        a,
        scenarios,
        args,
        keys,
    };
    if let Some(dir) = &a.emit_jobs {
        return emit_jobs(&plan, dir, p);
    }
    let (results, code) = match &a.collect {
        Some(dir) => collect(&plan, dir),
        None => match run_all(&plan, p) {
            Some(r) => (r, 0),
            None => return EXIT_INTERRUPTED,
        },
    };
    let vars = (!a.vars.is_empty()).then_some(a.vars.as_slice());
    let table = rmod_sweep::build_table(
        &a.m.model.display().to_string(),
        &plan.scenarios,
        &results,
        vars,
        a.timings,
    );
    if let Some(vs) = vars {
        for v in vs {
            let found = results.iter().flatten().any(|f| {
                f.solution
                    .as_ref()
                    .is_some_and(|s| s["variables"].get(v).is_some())
            });
            if !found && results.iter().flatten().any(|f| f.solution.is_some()) {
                errln!("rmod sweep: warning: --vars {v}: no solution has a variable of this name");
            }
        }
    }
    let text = match a.format {
        SweepFormat::Csv => rmod_sweep::render_csv(&table),
        SweepFormat::Json => rmod_sweep::render_json(&table),
    };
    if !write_output(a.output.as_deref(), &text, p) {
        return EXIT_INTERNAL;
    }
    code
}

/// The `rmod solve` arguments of a scenario: the model, JSON output, the sweep's own
/// `--option`s and `-D`s, then the scenario's values (which win over a `-D` of the same name).
fn solve_args(
    cli: &Cli,
    a: &SweepArgs,
    options: &[(String, String)],
    defines: &[(String, String)],
    s: &Scenario,
) -> Vec<String> {
    let mut v = vec![
        "solve".to_string(),
        a.m.model.display().to_string(),
        "--format".into(),
        "json".into(),
        "--message-format".into(),
        "json".into(),
    ];
    if cli.deny_warnings {
        v.push("--deny-warnings".into());
    }
    if a.m.no_cache {
        v.push("--no-cache".into());
    }
    if !a.m.objectives.is_empty() {
        v.push("--objective".into());
        v.push(a.m.objectives.join(","));
    }
    for (k, x) in options {
        v.push("--option".into());
        v.push(format!("{k}={x}"));
    }
    for (k, x) in defines {
        if !s.overrides.iter().any(|(c, _)| c == k) {
            v.push("-D".into());
            v.push(format!("{k}={x}"));
        }
    }
    for (k, x) in &s.overrides {
        v.push("-D".into());
        v.push(format!("{k}={x}"));
    }
    v
}

/// Before anything is solved: every column's key is in its parameter's index set (and the
/// sweep's own `-D`s name parameters). A compilation with interval bounds and the first value of
/// each column; only its override diagnostics count (the solves report the rest).
fn keys_exist(
    a: &SweepArgs,
    text: &str,
    options: &[(String, String)],
    defines: &[(String, String)],
    scenarios: &Scenarios,
    p: &mut Printer,
) -> bool {
    let mut overrides: Vec<(String, f64)> = Vec::new();
    for (k, v) in defines {
        if scenarios.columns.contains(k) {
            continue;
        }
        match v.parse::<f64>() {
            Ok(x) if x.is_finite() => overrides.push((k.clone(), x)),
            _ => {
                let d = Diagnostic::error(
                    code::RESOLVE_UNKNOWN_OVERRIDE,
                    format!("`-D {k}={v}`: `{v}` is not a finite number"),
                )
                .with_help("parameters take numbers, e.g. `-D feed_avail=80`");
                p.emit(&[d], &Sources::default());
                p.finish(&Sources::default());
                return false;
            }
        }
    }
    for c in &scenarios.columns {
        let first = scenarios
            .list
            .iter()
            .find_map(|s| s.overrides.iter().find(|(k, _)| k == c));
        if let Some((_, x)) = first {
            overrides.push((c.clone(), *x));
        }
    }
    let base =
        a.m.model
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
    let loader = FsLoader { base };
    let name = a.m.model.display().to_string();
    let mut req = rmod_compiler::CompileRequest::new(&name, text, &loader);
    req.overrides = overrides;
    req.options = options.to_vec();
    req.options.push(("bounds".into(), "ia".into()));
    req.objectives = a.m.objectives.clone();
    req.backends = rmod_solver::BACKENDS;
    let out = rmod_compiler::compile(&req);
    let bad: Vec<Diagnostic> = out
        .diagnostics
        .into_iter()
        .filter(|d| {
            d.code == code::RESOLVE_UNKNOWN_OVERRIDE || d.code == code::RESOLVE_UNKNOWN_OBJECTIVE
        })
        .map(|d| {
            d.with_note(format!(
                "the sweep checks the columns of `{}` before it solves anything",
                a.scenarios.display()
            ))
        })
        .collect();
    if bad.is_empty() {
        return true;
    }
    p.emit(&bad, &out.sources);
    p.finish(&out.sources);
    false
}

/// What a scenario's files in `dir` say.
enum Part {
    Missing,
    /// a result for other inputs (the model or the scenario changed since)
    Stale,
    Done(Finished),
}

fn read_part(dir: &Path, stem: &str, key: &str) -> Part {
    let Some(done) = std::fs::read_to_string(dir.join(format!("{stem}.done")))
        .ok()
        .and_then(|t| Done::parse(&t))
    else {
        return Part::Missing;
    };
    if done.key != key {
        return Part::Stale;
    }
    let solution: Option<Value> = std::fs::read_to_string(dir.join(format!("{stem}.json")))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok());
    let interrupted = solution.as_ref().is_some_and(|s| {
        s["unproven"].as_array().is_some_and(|u| {
            u.iter()
                .any(|x| x.as_str().is_some_and(|x| x.starts_with("interrupted")))
        })
    });
    // a solve that ended with a status writes its document; without it, the result is lost
    let has_status = matches!(done.exit_code, 0 | 2..=5);
    if interrupted || (has_status && solution.is_none()) {
        return Part::Missing;
    }
    let message = if solution.is_none() {
        let log = std::fs::read_to_string(dir.join(format!("{stem}.log"))).unwrap_or_default();
        first_error(&log)
    } else {
        None
    };
    Part::Done(Finished {
        exit_code: done.exit_code,
        seconds: done.seconds,
        solution,
        message,
    })
}

/// The first error of a solve's diagnostics (`--message-format json`), or its last line.
fn first_error(log: &str) -> Option<String> {
    let from_json = serde_json::from_str::<Value>(log).ok().and_then(|v| {
        v["diagnostics"].as_array()?.iter().find_map(|d| {
            (d["severity"] == "error").then(|| {
                format!(
                    "{}: {}",
                    d["code"].as_str().unwrap_or_default(),
                    d["message"].as_str().unwrap_or_default()
                )
            })
        })
    });
    from_json.or_else(|| {
        log.lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .map(|l| l.trim().to_string())
    })
}

/// The state folder: `--state`, or beside the output (`results.csv.parts`), or beside the
/// scenario file.
fn state_dir(a: &SweepArgs) -> PathBuf {
    if let Some(s) = &a.state {
        return s.clone();
    }
    let base = a.output.as_ref().unwrap_or(&a.scenarios);
    let mut name = base.as_os_str().to_owned();
    name.push(".parts");
    PathBuf::from(name)
}

fn remove_part(dir: &Path, stem: &str) {
    for ext in ["done", "json", "log"] {
        let _ = std::fs::remove_file(dir.join(format!("{stem}.{ext}")));
    }
}

/// Runs the scenarios the state folder lacks; `None` when interrupted.
fn run_all(plan: &Plan, p: &mut Printer) -> Option<Vec<Option<Finished>>> {
    let a = plan.a;
    let dir = state_dir(a);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        let d = Diagnostic::error(
            code::DATA_FILE,
            format!("cannot create the state folder `{}`: {e}", dir.display()),
        )
        .with_help("check that the folder is writable, or pass --state DIR");
        p.emit(&[d], &Sources::default());
        p.finish(&Sources::default());
        return Some(vec![None; plan.scenarios.list.len()]);
    }
    let n = plan.scenarios.list.len();
    let mut results: Vec<Option<Finished>> = vec![None; n];
    let mut todo = Vec::new();
    for (i, s) in plan.scenarios.list.iter().enumerate() {
        let stem = plan.stem(i);
        if a.restart {
            remove_part(&dir, &stem);
        }
        match read_part(&dir, &stem, &plan.keys[i]) {
            Part::Done(f) => {
                errln!(
                    "rmod sweep: [{}/{n}] {}: {} (reused from {})",
                    i + 1,
                    s.name,
                    rmod_sweep::table::status_of(Some(&f)),
                    dir.display()
                );
                results[i] = Some(f);
            }
            Part::Stale | Part::Missing => todo.push(i),
        }
    }
    let reused = n - todo.len();
    let jobs = a
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1);
    let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("rmod"));
    // the bound workers of the scenarios share the cores
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let workers = (std::env::var_os("RMOD_BOUND_WORKERS").is_none())
        .then(|| (cores / jobs.min(todo.len().max(1))).max(1).to_string());
    let next = AtomicUsize::new(0);
    let slots = Mutex::new(&mut results);
    std::thread::scope(|sc| {
        for _ in 0..jobs.min(todo.len()) {
            sc.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::SeqCst);
                if k >= todo.len() || interrupt::sweep_interrupted() {
                    break;
                }
                let i = todo[k];
                if let Some(f) = run_one(plan, i, &dir, &exe, workers.as_deref()) {
                    errln!(
                        "rmod sweep: [{}/{n}] {}: {} ({:.1} s)",
                        i + 1,
                        plan.scenarios.list[i].name,
                        rmod_sweep::table::status_of(Some(&f)),
                        f.seconds.unwrap_or(0.0)
                    );
                    if let Ok(mut r) = slots.lock() {
                        r[i] = Some(f);
                    }
                }
            });
        }
    });
    if interrupt::sweep_interrupted() {
        let kept = results.iter().flatten().count();
        errln!(
            "rmod sweep: interrupted; {kept} of {n} scenario(s) finished and kept in {}; run the same command again to go on",
            dir.display()
        );
        return None;
    }
    errln!(
        "rmod sweep: {n} scenario(s): {} solved, {reused} reused",
        todo.len()
    );
    Some(results)
}

/// Solves scenario `i` in a process of its own; `None` when the sweep was interrupted meanwhile.
fn run_one(
    plan: &Plan,
    i: usize,
    dir: &Path,
    exe: &Path,
    workers: Option<&str>,
) -> Option<Finished> {
    let stem = plan.stem(i);
    remove_part(dir, &stem);
    let json = dir.join(format!("{stem}.json"));
    let log = dir.join(format!("{stem}.log"));
    let started = Instant::now();
    let failed = |msg: String| Finished {
        exit_code: i32::from(EXIT_INTERNAL),
        seconds: None,
        solution: None,
        message: Some(msg),
    };
    let stderr = match std::fs::File::create(&log) {
        Ok(f) => Stdio::from(f),
        Err(e) => return Some(failed(format!("cannot write `{}`: {e}", log.display()))),
    };
    let mut cmd = Command::new(exe);
    cmd.args(&plan.args[i])
        .arg("-o")
        .arg(&json)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .env("NO_COLOR", "1");
    if let Some(w) = workers {
        cmd.env("RMOD_BOUND_WORKERS", w);
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return Some(failed(format!("cannot start `{}`: {e}", exe.display()))),
    };
    let status = loop {
        if interrupt::sweep_interrupted() {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        match child.try_wait() {
            Ok(Some(st)) => break st,
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Some(failed(format!("waiting for the solve: {e}"))),
        }
    };
    if interrupt::sweep_interrupted() {
        return None;
    }
    let exit_code = status.code().unwrap_or_else(|| {
        use std::os::unix::process::ExitStatusExt;
        128 + status.signal().unwrap_or(0)
    });
    let done = Done {
        exit_code,
        key: plan.keys[i].clone(),
        seconds: Some(started.elapsed().as_secs_f64()),
    };
    if let Err(e) = write_atomically(&dir.join(format!("{stem}.done")), done.to_text()) {
        errln!("rmod sweep: cannot write the state of scenario {stem}: {e}");
    }
    match read_part(dir, &stem, &plan.keys[i]) {
        Part::Done(f) => Some(f),
        Part::Missing | Part::Stale => Some(Finished {
            exit_code,
            seconds: done.seconds,
            solution: None,
            message: Some(format!(
                "rmod solve ended with exit code {exit_code} without a result"
            )),
        }),
    }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// `--emit-jobs DIR`: `DIR/job-NNNN.sh` per scenario and `DIR/sweep.slurm`.
fn emit_jobs(plan: &Plan, dir: &Path, p: &mut Printer) -> u8 {
    let dir = absolute(dir);
    let out = dir.join("out");
    let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("rmod"));
    let cwd = std::env::current_dir().unwrap_or_default();
    let n = plan.scenarios.list.len();
    let fail = |path: &Path, e: std::io::Error, p: &mut Printer| {
        let d = Diagnostic::error(
            code::DATA_FILE,
            format!("cannot write `{}`: {e}", path.display()),
        )
        .with_help("check that the folder is writable");
        p.emit(&[d], &Sources::default());
        p.finish(&Sources::default());
        EXIT_INTERNAL
    };
    if let Err(e) = std::fs::create_dir_all(&out) {
        return fail(&out, e, p);
    }
    let (dir_s, out_s) = (dir.display().to_string(), out.display().to_string());
    let (exe_s, cwd_s) = (exe.display().to_string(), cwd.display().to_string());
    for (i, s) in plan.scenarios.list.iter().enumerate() {
        let stem = plan.stem(i);
        let script = rmod_sweep::job_script(&rmod_sweep::Job {
            rmod: &exe_s,
            cwd: &cwd_s,
            args: &plan.args[i],
            out: &out_s,
            stem: &stem,
            scenario: &s.name,
            key: &plan.keys[i],
        });
        let path = dir.join(format!("job-{stem}.sh"));
        if let Err(e) = write_executable(&path, &script) {
            return fail(&path, e, p);
        }
    }
    let slurm = dir.join("sweep.slurm");
    if let Err(e) = write_executable(&slurm, &rmod_sweep::slurm_script(&dir_s, n)) {
        return fail(&slurm, e, p);
    }
    errln!(
        "rmod sweep: {n} job(s) in {dir_s}; run them with `sbatch {}` (or `bash {dir_s}/job-{}.sh` each), then `rmod sweep {} --scenarios {} --collect {dir_s}`",
        slurm.display(),
        plan.stem(0),
        plan.a.m.model.display(),
        plan.a.scenarios.display()
    );
    0
}

fn write_executable(path: &Path, text: &str) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    write_atomically(path, text)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
}

/// `--collect DIR`: the results the jobs left in `DIR/out`; the exit code says whether every
/// scenario has one.
fn collect(plan: &Plan, dir: &Path) -> (Vec<Option<Finished>>, u8) {
    let out = dir.join("out");
    let mut missing = 0;
    let results = plan
        .scenarios
        .list
        .iter()
        .enumerate()
        .map(|(i, s)| match read_part(&out, &plan.stem(i), &plan.keys[i]) {
            Part::Done(f) => Some(f),
            Part::Stale => {
                errln!(
                    "rmod sweep: scenario {} ({}): the result in {} was made for another model or scenario; ignored",
                    s.name,
                    plan.stem(i),
                    out.display()
                );
                missing += 1;
                None
            }
            Part::Missing => {
                missing += 1;
                None
            }
        })
        .collect();
    if missing > 0 {
        errln!(
            "rmod sweep: {missing} of {} scenario(s) have no result in {} yet (status `missing`)",
            plan.scenarios.list.len(),
            out.display()
        );
        return (results, EXIT_SWEEP_MISSING);
    }
    (results, 0)
}
