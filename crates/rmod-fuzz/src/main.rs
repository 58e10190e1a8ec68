//! `rmod-fuzz TARGET`: mutates the repository's inputs of one kind in-process, counts panics and hangs, and saves the inputs that caused them.

use std::collections::HashSet;
use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rmod_fuzz::{builtin_seeds, default_files, Files, Mutator, Target};

const USAGE: &str = "\
usage: rmod-fuzz model|net|csv|onnx [--runs N] [--seconds S] [--seed K] [--corpus DIR...]

Runs every seed once, then N mutated inputs (default 20000; with --seconds and no --runs, until
the time is up), each compiled or parsed in-process with every diagnostic rendered.
Seeds: the built-in ones plus *.rmod (model), *.json (net), *.csv (csv) or *.onnx (onnx) files up to 64 KiB
under examples/ and tests/ (and benches/nets for net), or under the --corpus directories
instead (where TARGET-*.txt files count too: `--corpus target/fuzz-crashes --runs 0` replays
saved inputs). Panicking inputs go to target/fuzz-crashes/TARGET-<n>.txt, inputs running
longer than 2 s to TARGET-hang-<n>.txt; the input being run is kept in TARGET-last.txt, so
that a crash that aborts the process (a stack overflow) leaves it behind.
Exit status: 0 clean, 1 panics or hangs, 2 usage.";

/// An execution slower than this is a hang (plus [`HANG_PER_MB`] per MiB of input: the
/// phases are linear, and a 1 MiB input takes about 0.7 s on one core here).
const HANG: Duration = Duration::from_secs(2);
const HANG_PER_MB: f64 = 4.0;

/// The hang limit for an input of `len` bytes.
fn hang_limit(len: usize) -> Duration {
    HANG + Duration::from_secs_f64(HANG_PER_MB * len as f64 / (1 << 20) as f64)
}
/// An execution still running after this is given up on: the process exits.
const STUCK: Duration = Duration::from_secs(30);
/// Larger seed files are skipped (every execution would parse them).
const MAX_SEED_BYTES: u64 = 64 << 10;
/// Mutants up to this size can join the corpus.
const MAX_CORPUS_INPUT: usize = 256 << 10;
const MAX_CORPUS: usize = 4096;
/// Saved panicking inputs (all are counted).
const MAX_SAVED: u64 = 200;
const PRINTED_PANICS: u64 = 3;
const DEFAULT_RUNS: u64 = 20_000;

/// The message of the last panic (set by the hook, taken after `catch_unwind`).
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

struct Args {
    target: Target,
    runs: Option<u64>,
    seconds: Option<f64>,
    seed: u64,
    corpus: Vec<PathBuf>,
}

type ArgIter<'a> = std::iter::Peekable<std::slice::Iter<'a, String>>;

fn value<'a>(it: &mut ArgIter<'a>, flag: &str) -> Result<&'a String, String> {
    it.next().ok_or_else(|| format!("{flag} needs a value"))
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut it = args.iter().peekable();
    let name = it
        .next()
        .ok_or("missing TARGET (model, net, csv or onnx)")?;
    let target = Target::parse(name)
        .ok_or_else(|| format!("unknown target `{name}` (model, net, csv or onnx)"))?;
    let mut a = Args {
        target,
        runs: None,
        seconds: None,
        seed: 1,
        corpus: Vec::new(),
    };
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--runs" => {
                let v = value(&mut it, flag)?;
                a.runs = Some(
                    v.parse()
                        .map_err(|_| format!("--runs takes a count, not `{v}`"))?,
                );
            }
            "--seconds" => {
                let v = value(&mut it, flag)?;
                let s: f64 = v
                    .parse()
                    .map_err(|_| format!("--seconds takes a number, not `{v}`"))?;
                if !s.is_finite() || s < 0.0 {
                    return Err(format!("--seconds must be >= 0, not `{v}`"));
                }
                a.seconds = Some(s);
            }
            "--seed" => {
                let v = value(&mut it, flag)?;
                a.seed = v
                    .parse()
                    .map_err(|_| format!("--seed takes an integer, not `{v}`"))?;
            }
            "--corpus" => {
                let before = a.corpus.len();
                while let Some(d) = it.next_if(|s| !s.starts_with("--")) {
                    a.corpus.push(PathBuf::from(d));
                }
                if a.corpus.len() == before {
                    return Err("--corpus needs at least one directory".to_string());
                }
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(a)
}

/// Every file under `dir` (recursively, sorted, skipping hidden directories and `target`)
/// whose name passes `keep`.
fn walk(dir: &Path, keep: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "target" || name == "__pycache__" {
            continue;
        }
        if p.is_dir() {
            walk(&p, keep, out);
        } else if keep(&p) {
            out.push(p);
        }
    }
}

fn has_extension(p: &Path, ext: &str) -> bool {
    p.extension().is_some_and(|e| e == ext)
}

/// The file's bytes if it is at most [`MAX_SEED_BYTES`] long.
fn read_small(p: &Path) -> Option<Vec<u8>> {
    let len = std::fs::metadata(p).ok()?.len();
    if len > MAX_SEED_BYTES {
        return None;
    }
    std::fs::read(p).ok()
}

/// The workspace root (two levels above this crate).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("..")
}

/// Seeds from disk (the count of files too large to use is returned too).
fn load_seeds(target: Target, dirs: &[PathBuf], from_user: bool) -> (Vec<Vec<u8>>, usize) {
    let ext = target.extension();
    let prefix = format!("{}-", target.name());
    let keep = |p: &Path| {
        has_extension(p, ext)
            || (from_user
                && has_extension(p, "txt")
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&prefix) && !n.ends_with("-last.txt")))
    };
    let mut paths = Vec::new();
    for d in dirs {
        walk(d, &keep, &mut paths);
    }
    let mut seeds = Vec::new();
    let mut skipped = 0;
    for p in &paths {
        match read_small(p) {
            // a model that generates 100,000 columns on purpose: every mutation of its size
            // parameters is a legitimately slow input (3 million columns take 30 s), not a hang
            Some(b) if !from_user && String::from_utf8_lossy(&b).contains("100,000 columns") => {
                skipped += 1
            }
            Some(b) => seeds.push(b),
            None => skipped += 1,
        }
    }
    (seeds, skipped)
}

/// The data files a model seed may reference, by every suffix of their path
/// (`tests/cases/data/prices.csv` serves `data/prices.csv` and `prices.csv`; first found wins).
fn load_files(dirs: &[PathBuf]) -> Files {
    let mut files = default_files();
    let mut paths = Vec::new();
    let keep = |p: &Path| has_extension(p, "csv") || has_extension(p, "json");
    for d in dirs {
        walk(d, &keep, &mut paths);
    }
    let base = root();
    for p in &paths {
        let Some(text) = read_small(p).map(|b| String::from_utf8_lossy(&b).into_owned()) else {
            continue;
        };
        let rel = p.strip_prefix(&base).unwrap_or(p);
        let parts: Vec<String> = rel
            .components()
            .filter_map(|c| c.as_os_str().to_str().map(str::to_string))
            .filter(|c| c != "." && c != "..")
            .collect();
        for k in 0..parts.len() {
            files
                .entry(parts[k..].join("/"))
                .or_insert_with(|| text.clone());
        }
    }
    files
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Writes `data` to `dir/name`; returns the path shown to the user.
fn save(dir: &Path, name: &str, data: &[u8]) -> String {
    let path = dir.join(name);
    match std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&path, data)) {
        Ok(()) => path.display().to_string(),
        Err(e) => format!("(not saved: {e})"),
    }
}

/// The execution in progress, for the watchdog.
struct Current {
    started: Option<Instant>,
    input: Vec<u8>,
    /// the watchdog saved this input as a hang already
    hang_saved: bool,
}

struct Shared {
    execs: AtomicU64,
    panics: AtomicU64,
    hangs: AtomicU64,
    current: Mutex<Current>,
}

struct Run {
    target: Target,
    seeds: Vec<Vec<u8>>,
    files: Files,
    runs: u64,
    deadline: Option<Instant>,
    seed: u64,
    crash_dir: PathBuf,
}

/// Keeps the input being run in a file, so that an abort leaves it behind.
fn write_last(f: &mut Option<File>, data: &[u8]) {
    let ok = match f.as_mut() {
        Some(file) => {
            file.set_len(0).is_ok()
                && file.seek(SeekFrom::Start(0)).is_ok()
                && file.write_all(data).is_ok()
        }
        None => return,
    };
    if !ok {
        *f = None;
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic without a message)".to_string()
    }
}

/// The fuzz loop; returns the final corpus size.
fn worker(run: Run, shared: &Shared) -> usize {
    let name = run.target.name();
    let n_seeds = run.seeds.len() as u64;
    let mut corpus = run.seeds;
    let mut seen: HashSet<u64> = HashSet::new();
    let mut mutator = Mutator::new(run.target, run.seed);
    let last_path = run.crash_dir.join(format!("{name}-last.txt"));
    let mut last = std::fs::create_dir_all(&run.crash_dir)
        .and_then(|()| File::create(&last_path))
        .ok();
    let total = n_seeds.saturating_add(run.runs);
    let mut i: u64 = 0;
    while i < total {
        if i >= n_seeds && run.deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        let input = if i < n_seeds {
            corpus.get(i as usize).cloned().unwrap_or_default()
        } else {
            let k = mutator.rng.below(corpus.len());
            mutator.mutate(&corpus[k], &corpus)
        };
        write_last(&mut last, &input);
        let t0 = {
            let mut c = lock(&shared.current);
            c.input.clone_from(&input);
            c.hang_saved = false;
            let t0 = Instant::now();
            c.started = Some(t0);
            t0
        };
        let result = catch_unwind(AssertUnwindSafe(|| run.target.run(&input, &run.files)));
        let took = t0.elapsed();
        let hang_saved = {
            let mut c = lock(&shared.current);
            c.started = None;
            c.hang_saved
        };
        shared.execs.fetch_add(1, Ordering::Relaxed);
        if took > hang_limit(input.len()) {
            let h = shared.hangs.fetch_add(1, Ordering::Relaxed) + 1;
            let path = if hang_saved {
                run.crash_dir
                    .join(format!("{name}-hang-{h}.txt"))
                    .display()
                    .to_string()
            } else {
                save(&run.crash_dir, &format!("{name}-hang-{h}.txt"), &input)
            };
            let secs = took.as_secs_f64();
            eprintln!("hang {h}: one execution took {secs:.1} s ({path})");
        }
        match result {
            Ok(summary) => {
                if seen.insert(summary.signature)
                    && i >= n_seeds
                    && input.len() <= MAX_CORPUS_INPUT
                    && corpus.len() < MAX_CORPUS
                {
                    corpus.push(input);
                }
            }
            Err(payload) => {
                let p = shared.panics.fetch_add(1, Ordering::Relaxed) + 1;
                let msg = lock(&LAST_PANIC)
                    .take()
                    .unwrap_or_else(|| panic_message(&*payload));
                let path = if p <= MAX_SAVED {
                    save(&run.crash_dir, &format!("{name}-{p}.txt"), &input)
                } else {
                    "not saved".to_string()
                };
                if p <= PRINTED_PANICS {
                    eprintln!("panic {p}: {msg}\n  input: {path}");
                }
            }
        }
        i += 1;
    }
    drop(last);
    // a clean end: no execution was cut short
    let _ = std::fs::remove_file(&last_path);
    corpus.len()
}

fn summary_line(target: Target, shared: &Shared, extra_hangs: u64, seeds: usize, started: Instant) {
    let name = target.name();
    let execs = shared.execs.load(Ordering::Relaxed);
    let panics = shared.panics.load(Ordering::Relaxed);
    let hangs = shared.hangs.load(Ordering::Relaxed) + extra_hangs;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "fuzz {name}: {execs} executions, {panics} panics, {hangs} hangs, {seeds} corpus seeds, {secs:.1} s"
    );
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let args = match parse_args(&argv) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("rmod-fuzz: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let target = args.target;
    let root = root();
    let from_user = !args.corpus.is_empty();
    let dirs: Vec<PathBuf> = if from_user {
        args.corpus
    } else {
        let mut d = vec![root.join("examples"), root.join("tests")];
        if target == Target::Net {
            d.push(root.join("benches").join("nets"));
        }
        d
    };
    let mut seeds = builtin_seeds(target);
    let (disk, skipped) = load_seeds(target, &dirs, from_user);
    let n_disk = disk.len();
    seeds.extend(disk);
    let files = if target == Target::Model {
        let mut data_dirs = dirs.clone();
        if !from_user {
            data_dirs.push(root.join("benches").join("nets"));
        }
        load_files(&data_dirs)
    } else {
        Files::new()
    };
    let n_seeds = seeds.len();
    let crash_dir = root.join("target").join("fuzz-crashes");
    let name = target.name();
    let shown: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
    eprintln!(
        "rmod-fuzz {name}: {n_seeds} seeds ({n_disk} from {}, {skipped} skipped: larger than 64 KiB or a generated large model), {} data files; crashes go to {}",
        shown.join(", "),
        files.len(),
        crash_dir.display()
    );

    std::panic::set_hook(Box::new(|info| {
        let msg = info.to_string();
        *lock(&LAST_PANIC) = Some(msg);
    }));

    let started = Instant::now();
    let runs = match (args.runs, args.seconds) {
        (Some(n), _) => n,
        (None, Some(_)) => u64::MAX,
        (None, None) => DEFAULT_RUNS,
    };
    let deadline = args
        .seconds
        .map(|s| started + Duration::from_secs_f64(s.min(1e9)));
    let shared = Arc::new(Shared {
        execs: AtomicU64::new(0),
        panics: AtomicU64::new(0),
        hangs: AtomicU64::new(0),
        current: Mutex::new(Current {
            started: None,
            input: Vec::new(),
            hang_saved: false,
        }),
    });
    let run = Run {
        target,
        seeds,
        files,
        runs,
        deadline,
        seed: args.seed,
        crash_dir: crash_dir.clone(),
    };
    let for_worker = Arc::clone(&shared);
    // a stack overflow aborts the process (and TARGET-last.txt holds the input)
    let handle = match std::thread::Builder::new()
        .name("fuzz".to_string())
        .stack_size(rmod_fuzz::FUZZ_STACK)
        .spawn(move || worker(run, &for_worker))
    {
        Ok(h) => h,
        Err(e) => {
            eprintln!("rmod-fuzz: cannot start the fuzz thread: {e}");
            return ExitCode::from(2);
        }
    };

    // the watchdog: saves an input that runs too long, gives up on one that never ends
    while !handle.is_finished() {
        std::thread::sleep(Duration::from_millis(50));
        let mut c = lock(&shared.current);
        let Some(t) = c.started else {
            continue;
        };
        let running = t.elapsed();
        if running > hang_limit(c.input.len()) && !c.hang_saved {
            c.hang_saved = true;
            let h = shared.hangs.load(Ordering::Relaxed) + 1;
            let path = save(&crash_dir, &format!("{name}-hang-{h}.txt"), &c.input);
            eprintln!("hang {h}: an execution has run for more than its limit ({path})");
        }
        if running > STUCK {
            drop(c);
            eprintln!(
                "rmod-fuzz: an execution has not finished after {} s; giving up",
                STUCK.as_secs()
            );
            summary_line(target, &shared, 1, n_seeds, started);
            std::process::exit(1);
        }
    }
    let corpus_len = match handle.join() {
        Ok(n) => n,
        Err(_) => {
            let msg = lock(&LAST_PANIC).take().unwrap_or_default();
            eprintln!("rmod-fuzz: the fuzz loop itself panicked: {msg}");
            summary_line(target, &shared, 0, n_seeds, started);
            return ExitCode::FAILURE;
        }
    };
    let grown = corpus_len.saturating_sub(n_seeds);
    eprintln!("corpus: {n_seeds} seeds, {grown} mutants with new diagnostic signatures kept");
    summary_line(target, &shared, 0, n_seeds, started);
    let bad = shared.panics.load(Ordering::Relaxed) + shared.hangs.load(Ordering::Relaxed);
    if bad > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
