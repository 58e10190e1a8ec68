//! Bound tightening for the command line: CBC problems spread over worker processes (CBC's C
//! library is not thread-safe inside one process, so `coin_cbc` serializes it), a progress bar
//! on a terminal, and the on-disk bound cache.

use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rmod_ir::{Affine, Model};

/// The hidden subcommand a worker process runs.
pub const WORKER_ARG: &str = "__bounds-worker";

/// Below this many problems in a batch, worker processes cost more than they save.
const MIN_PARALLEL: usize = 8;

/// Serializes one batch: the model, the objectives, and the limits.
fn write_batch(
    model: &Model,
    objectives: &[(usize, &Affine)],
    relax: bool,
    time_limit: Option<f64>,
    seconds_left: Option<f64>,
) -> String {
    let mut out = String::from("rmod-bounds-batch 1\n");
    out.push_str(&rmod_ir::write_wire(model));
    let opt = |v: Option<f64>| v.map_or("none".to_string(), |v| format!("{v:?}"));
    out.push_str(&format!(
        "relax {}\nlimit {}\nleft {}\nobjs {}\n",
        u8::from(relax),
        opt(time_limit),
        opt(seconds_left),
        objectives.len()
    ));
    for (i, e) in objectives {
        out.push_str(&format!("{i} {:?} {}", e.constant, e.coeffs.len()));
        for (c, a) in &e.coeffs {
            out.push_str(&format!(" {c} {a:?}"));
        }
        out.push('\n');
    }
    out
}

/// The worker: reads one batch on stdin and writes `INDEX VALUE|none` per objective as each is
/// solved. Returns an exit code.
pub fn worker() -> u8 {
    let mut text = String::new();
    if std::io::stdin().read_to_string(&mut text).is_err() {
        return 70;
    }
    match run_worker(&text) {
        Ok(()) => 0,
        Err(e) => {
            errln!("rmod bounds worker: {e}");
            70
        }
    }
}

fn field<'a>(lines: &mut impl Iterator<Item = &'a str>, name: &str) -> Result<&'a str, String> {
    lines
        .next()
        .and_then(|l| l.strip_prefix(name))
        .map(str::trim)
        .ok_or_else(|| format!("missing `{name}`"))
}

fn opt_f64(s: &str) -> Result<Option<f64>, String> {
    if s == "none" {
        return Ok(None);
    }
    s.parse().map(Some).map_err(|_| format!("bad number `{s}`"))
}

fn run_worker(text: &str) -> Result<(), String> {
    let started = Instant::now();
    let mut lines = text.lines();
    if lines.next() != Some("rmod-bounds-batch 1") {
        return Err("not a bounds batch".into());
    }
    let model = rmod_ir::read_wire(&mut lines)?;
    let relax = field(&mut lines, "relax")? == "1";
    let limit = opt_f64(field(&mut lines, "limit")?)?;
    let left = opt_f64(field(&mut lines, "left")?)?;
    let deadline = left.map(|s| started + Duration::from_secs_f64(s.max(0.0)));
    let n: usize = field(&mut lines, "objs")?
        .parse()
        .map_err(|_| "bad objective count")?;
    let mut out = std::io::stdout().lock();
    for _ in 0..n {
        let line = lines.next().ok_or("missing objective")?;
        let mut p = line.split(' ');
        let mut next = |what: &str| p.next().ok_or_else(|| format!("missing {what}"));
        let index: usize = next("index")?.parse().map_err(|_| "bad index")?;
        let constant: f64 = next("constant")?.parse().map_err(|_| "bad constant")?;
        let k: usize = next("length")?.parse().map_err(|_| "bad length")?;
        let mut e = Affine::constant(constant);
        for _ in 0..k {
            let c: u32 = next("column")?.parse().map_err(|_| "bad column")?;
            let a: f64 = next("coefficient")?
                .parse()
                .map_err(|_| "bad coefficient")?;
            if c as usize >= model.columns.len() {
                return Err("column out of range".into());
            }
            e.coeffs.push((c, a));
        }
        let v = rmod_solver::problem_time_limit(limit, deadline)
            .and_then(|l| rmod_solver::min_bound(&model, &e, relax, l));
        let shown = v.map_or("none".to_string(), |v| format!("{v:?}"));
        if writeln!(out, "{index} {shown}")
            .and_then(|()| out.flush())
            .is_err()
        {
            return Err("parent went away".into());
        }
    }
    Ok(())
}

/// Solves bound problems with CBC in `workers` processes and shows progress on a terminal.
pub struct ParallelBounds {
    workers: usize,
    bar: Mutex<Bar>,
}

struct Bar {
    enabled: bool,
    first: Option<Instant>,
    /// without a terminal: when the last plain progress line was written
    last_line: Option<Instant>,
    shown: bool,
    layer: usize,
    layers: usize,
    total: usize,
}

impl ParallelBounds {
    pub fn new() -> Self {
        // one worker per core; `RMOD_BOUND_WORKERS` overrides (1 = solve in this process)
        let workers = std::env::var("RMOD_BOUND_WORKERS")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|n| *n >= 1)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        ParallelBounds {
            workers,
            bar: Mutex::new(Bar {
                enabled: std::io::stderr().is_terminal(),
                first: None,
                last_line: None,
                shown: false,
                layer: 0,
                layers: 0,
                total: 0,
            }),
        }
    }

    fn tick(&self, done: usize) {
        let Ok(mut b) = self.bar.lock() else { return };
        let Some(first) = b.first else { return };
        if !b.enabled {
            // not a terminal (a log, CI): a plain line every 10 s of a long tightening
            let since = b.last_line.unwrap_or(first).elapsed();
            if since >= Duration::from_secs(10) {
                b.last_line = Some(Instant::now());
                errln!(
                    "bounds  layer {}/{}: {done}/{} problems, {:.0} s",
                    b.layer,
                    b.layers,
                    b.total,
                    first.elapsed().as_secs_f64()
                );
            }
            return;
        }
        if first.elapsed() < Duration::from_secs(1) {
            return;
        }
        b.shown = true;
        let width = 30;
        let filled = (width * done.min(b.total))
            .checked_div(b.total)
            .unwrap_or(width);
        errp!(
            "\r\x1b[Kbounds  layer {}/{}  [{}{}] {done}/{} problems",
            b.layer,
            b.layers,
            "#".repeat(filled),
            ".".repeat(width - filled),
            b.total
        );
        let _ = std::io::stderr().flush();
    }

    /// Clears the progress bar, if one was drawn.
    pub fn finish(&self) {
        if let Ok(mut b) = self.bar.lock() {
            if b.shown {
                errp!("\r\x1b[K");
                b.shown = false;
            }
        }
    }

    fn in_process(&self, b: &Batch) -> Vec<Option<f64>> {
        let mut out = Vec::with_capacity(b.objectives.len());
        for (i, o) in b.objectives.iter().enumerate() {
            out.push(
                rmod_solver::problem_time_limit(b.time_limit, b.deadline)
                    .and_then(|l| rmod_solver::min_bound(b.model, o, b.relax, l)),
            );
            self.tick(i + 1);
        }
        out
    }

    fn in_workers(&self, b: &Batch, workers: usize) -> Option<Vec<Option<f64>>> {
        let exe = std::env::current_exe().ok()?;
        let left = b
            .deadline
            .map(|d| d.saturating_duration_since(Instant::now()).as_secs_f64());
        let mut children = Vec::new();
        for w in 0..workers {
            let chunk: Vec<(usize, &Affine)> = b
                .objectives
                .iter()
                .enumerate()
                .filter(|(i, _)| i % workers == w)
                .collect();
            let batch = write_batch(b.model, &chunk, b.relax, b.time_limit, left);
            let mut child = spawn(&exe)?;
            let mut stdin = child.stdin.take()?;
            // write from a thread: a large batch must not block on a full pipe
            let writer = std::thread::spawn(move || stdin.write_all(batch.as_bytes()).is_ok());
            children.push((child, writer));
        }
        let done = AtomicUsize::new(0);
        let results: Mutex<Vec<Option<f64>>> = Mutex::new(vec![None; b.objectives.len()]);
        let ok = std::thread::scope(|s| {
            let handles: Vec<_> = children
                .iter_mut()
                .map(|(child, _)| {
                    let stdout = child.stdout.take();
                    let (done, results) = (&done, &results);
                    s.spawn(move || {
                        let Some(stdout) = stdout else { return false };
                        for line in BufReader::new(stdout).lines() {
                            let Ok(line) = line else { return false };
                            let Some((i, v)) = line.split_once(' ') else {
                                return false;
                            };
                            let (Ok(i), Ok(v)) = (i.parse::<usize>(), opt_f64(v)) else {
                                return false;
                            };
                            if let Ok(mut r) = results.lock() {
                                if let Some(slot) = r.get_mut(i) {
                                    *slot = v;
                                }
                            }
                            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                            self.tick(n);
                        }
                        true
                    })
                })
                .collect();
            handles.into_iter().all(|h| h.join().unwrap_or(false))
        });
        let mut all_ok = ok;
        for (mut child, writer) in children {
            all_ok &= writer.join().unwrap_or(false);
            all_ok &= child.wait().map(|s| s.success()).unwrap_or(false);
        }
        let results = results.into_inner().ok()?;
        (all_ok && done.load(Ordering::Relaxed) == b.objectives.len()).then_some(results)
    }
}

/// One layer's bound problems, as the oracle received them.
#[derive(Clone, Copy)]
struct Batch<'a> {
    model: &'a Model,
    objectives: &'a [Affine],
    relax: bool,
    time_limit: Option<f64>,
    deadline: Option<Instant>,
}

fn spawn(exe: &PathBuf) -> Option<std::process::Child> {
    Command::new(exe)
        .arg(WORKER_ARG)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .ok()
}

impl rmod_ir::BoundOracle for ParallelBounds {
    fn min_bounds(
        &self,
        model: &Model,
        objectives: &[Affine],
        relax: bool,
        time_limit: Option<f64>,
        deadline: Option<Instant>,
    ) -> Vec<Option<f64>> {
        // `option threads`: the number of parallel bound problems
        let workers = model.options.threads.map_or(self.workers, |t| t as usize);
        if model.options.solver == rmod_ir::SolverKind::Highs {
            // HiGHS is thread-safe: threads of this process instead of worker processes
            let oracle = rmod_solver::SolverBounds { threads: workers };
            let v = rmod_ir::BoundOracle::min_bounds(
                &oracle, model, objectives, relax, time_limit, deadline,
            );
            self.tick(objectives.len());
            return v;
        }
        let batch = Batch {
            model,
            objectives,
            relax,
            time_limit,
            deadline,
        };
        if workers > 1 && objectives.len() >= MIN_PARALLEL {
            if let Some(v) = self.in_workers(&batch, workers) {
                return v;
            }
            // a worker failed: fall back to this process (bounds stay valid either way)
        }
        self.in_process(&batch)
    }

    fn layer_started(&self, layer: usize, layers: usize, problems: usize) {
        if let Ok(mut b) = self.bar.lock() {
            b.first.get_or_insert_with(Instant::now);
            b.layer = layer;
            b.layers = layers;
            b.total = problems;
        }
        self.tick(0);
    }
}

/// Tightened bounds in a folder (`.rmod-cache/` beside the model unless `RMOD_CACHE_DIR` is set),
/// one file per key.
pub struct DirCache {
    pub dir: PathBuf,
}

impl rmod_compiler::BoundCache for DirCache {
    fn get(&self, key: &str) -> Option<String> {
        std::fs::read_to_string(self.dir.join(format!("{key}.bounds"))).ok()
    }
    fn put(&self, key: &str, text: &str) {
        // best effort: a read-only folder only costs the next run the tightening time
        if std::fs::create_dir_all(&self.dir).is_ok() {
            let tmp = self.dir.join(format!("{key}.tmp{}", std::process::id()));
            if std::fs::write(&tmp, text).is_ok() {
                let _ = std::fs::rename(&tmp, self.dir.join(format!("{key}.bounds")));
            }
        }
    }
}
