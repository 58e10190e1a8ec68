use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Once;

use rmod_compiler::{compile, CompileOutput, CompileRequest, Loader};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

pub struct FsLoader {
    pub base: PathBuf,
    pub shown: String,
}

impl Loader for FsLoader {
    fn load(&self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(self.base.join(path)).map_err(|e| e.kind().to_string())
    }
    fn load_bytes(&self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(self.base.join(path)).map_err(|e| e.kind().to_string())
    }
    fn exists(&self, path: &str) -> bool {
        self.base.join(path).is_file()
    }
    fn display_name(&self, path: &str) -> String {
        format!("{}/{path}", self.shown)
    }
}

/// Compiles a model file given relative to the workspace root.
pub fn compile_file(
    rel: &str,
    overrides: Vec<(String, f64)>,
    options: Vec<(String, String)>,
) -> CompileOutput {
    let path = root().join(rel);
    let text = std::fs::read_to_string(&path).expect("model file");
    let parent = Path::new(rel)
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let loader = FsLoader {
        base: path.parent().expect("parent").to_path_buf(),
        shown: parent,
    };
    let mut req = CompileRequest::new(rel, &text, &loader);
    req.overrides = overrides;
    req.options = options;
    req.oracle = Some(&rmod_solver::SolverBounds::SERIAL);
    compile(&req)
}

static BUILD: Once = Once::new();

/// The `rmod` binary of this profile, built once per test run (cargo does not build another
/// package's binary for an integration test).
pub fn rmod_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("test exe");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target dir")
        .to_path_buf();
    BUILD.call_once(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut cmd = Command::new(cargo);
        // the same package selection and targets as `cargo test --workspace`, so that features
        // unify the same way and nothing (CBC above all) is built a second time
        cmd.current_dir(root())
            .args(["build", "-q", "--workspace", "--bins", "--tests"]);
        if cfg!(feature = "highs") {
            // the suite runs with `--all-features` (.ci/run): the same unification
            cmd.arg("--all-features");
        }
        if dir.file_name().and_then(|s| s.to_str()) == Some("release") {
            cmd.arg("--release");
        }
        let status = cmd.status().expect("cargo build");
        assert!(status.success(), "building rmod failed");
    });
    dir.join("rmod")
}

/// Runs `rmod` with a bound cache of its own (a fresh folder per call), so no run sees another's.
pub fn rmod(args: &[&str]) -> Output {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let cache = tmp(&format!("cache-{}", N.fetch_add(1, Ordering::Relaxed)));
    rmod_with_cache(args, &cache)
}

/// Runs `rmod` with the bound cache in `cache`.
pub fn rmod_with_cache(args: &[&str], cache: &Path) -> Output {
    Command::new(rmod_bin())
        .current_dir(root())
        .args(args)
        .env("NO_COLOR", "1")
        .env("RMOD_CACHE_DIR", cache)
        .output()
        .expect("run rmod")
}

pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rmod-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    dir.join(name)
}

/// Reads `a,b,c` CSV (no quoting) into rows of strings, skipping the header.
pub fn read_csv(rel: &str) -> Vec<Vec<String>> {
    read_csv_abs(&root().join(rel).display().to_string())
}

/// [`read_csv`] of a path as given.
pub fn read_csv_abs(path: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).expect("csv");
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(|s| s.trim().to_string()).collect())
        .collect()
}

/// `rmod solve MODEL --option O ...` as JSON (no cache), which must say `optimal`.
pub fn solve_optimal(model: &str, options: &[&str]) -> serde_json::Value {
    let mut args = vec!["solve", model, "--format", "json", "--no-cache"];
    for o in options {
        args.extend(["--option", o]);
    }
    let o = rmod(&args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["status"], "optimal", "{options:?}: {v}");
    v
}

/// The least total of a network over `uses` units in `[-2, 2]^2` with `sum (x + 2 y) >= 1`,
/// over 20,000 random samples: no optimum may be above it.
pub fn best_sampled_budget(net: &rmod_relu::Network, uses: usize, seed: u64) -> f64 {
    best_sampled(uses, seed, |_, p| {
        Some(p.iter().map(|q| net.forward(q)[0]).sum())
    })
}

/// The least of `value(rng, units)` over 20,000 random points of `uses` units in `[-2, 2]^2`
/// that meet `sum (x + 2 y) >= 1` (`None`: the rest of the point is infeasible).
pub fn best_sampled(
    uses: usize,
    seed: u64,
    mut value: impl FnMut(&mut rmod_relu::Rng, &[[f64; 2]]) -> Option<f64>,
) -> f64 {
    let mut rng = rmod_relu::Rng::new(seed);
    let mut best = f64::INFINITY;
    for _ in 0..20_000 {
        let p: Vec<[f64; 2]> = (0..uses)
            .map(|_| [rng.unit() * 4.0 - 2.0, rng.unit() * 4.0 - 2.0])
            .collect();
        if p.iter().map(|q| q[0] + 2.0 * q[1]).sum::<f64>() >= 1.0 {
            if let Some(v) = value(&mut rng, &p) {
                best = best.min(v);
            }
        }
    }
    best
}
