//! Loading a model: the file-system `Loader`, `--option` and `-D` pairs, the bound oracle and
//! cache, and the compilation with its diagnostics.

use rmod_diagnostics::code;

use std::path::{Path, PathBuf};
use std::time::Instant;

use rmod_compiler::{compile, CompileOutput, CompileRequest, Loader};
use rmod_diagnostics::{Diagnostic, Sources};

use crate::args::{Cli, ModelArgs};
use crate::bounds::{self, ParallelBounds};
use crate::output::Printer;
use crate::run_started;

pub struct FsLoader {
    pub base: PathBuf,
}

impl Loader for FsLoader {
    fn load(&self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(self.base.join(path)).map_err(|e| e.to_string())
    }
    fn load_bytes(&self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(self.base.join(path)).map_err(|e| e.to_string())
    }
    fn exists(&self, path: &str) -> bool {
        self.base.join(path).is_file()
    }
    fn display_name(&self, path: &str) -> String {
        self.base.join(path).display().to_string()
    }
}

pub fn parse_pairs(items: &[String], flag: &str, p: &mut Printer) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    for it in items {
        match it.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                out.push((k.trim().to_string(), v.trim().to_string()))
            }
            _ => {
                let code = if flag == "-D" || flag == "--fix" {
                    code::RESOLVE_UNKNOWN_OVERRIDE
                } else {
                    code::RESOLVE_UNKNOWN_OPTION
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

/// The values of `-D`/`--fix` pairs as numbers; `None` (diagnostic printed) at the first value
/// that is not a finite number.
fn numbers(
    pairs: Vec<(String, String)>,
    flag: &str,
    help: &str,
    p: &mut Printer,
) -> Option<Vec<(String, f64)>> {
    let mut out = Vec::with_capacity(pairs.len());
    for (k, v) in pairs {
        match v.parse::<f64>() {
            Ok(x) if x.is_finite() => out.push((k, x)),
            _ => {
                let d = Diagnostic::error(
                    code::RESOLVE_BAD_OVERRIDE_VALUE,
                    format!("`{flag} {k}={v}`: `{v}` is not a finite number"),
                )
                .with_help(help);
                p.emit(&[d], &Sources::default());
                return None;
            }
        }
    }
    Some(out)
}

/// Reads and compiles a model, printing diagnostics; `None` when it did not compile (or warnings are denied).
pub fn load_model(cli: &Cli, m: &ModelArgs, p: &mut Printer) -> Option<(CompileOutput, f64)> {
    with_request(m, p, |req, oracle, p| {
        let started = Instant::now();
        let out = compile(req);
        let secs = started.elapsed().as_secs_f64();
        compiled(cli, oracle, &out, p).then_some((out, secs))
    })
    .flatten()
}

/// After a compilation: clears the progress bar and prints the diagnostics; whether the run
/// goes on (the model compiled, and no warning is denied).
pub fn compiled(cli: &Cli, oracle: &ParallelBounds, out: &CompileOutput, p: &mut Printer) -> bool {
    oracle.finish();
    p.emit(&out.diagnostics, &out.sources);
    if out.model.is_none() || (cli.deny_warnings && p.n_warnings > 0) {
        p.finish(&out.sources);
        return false;
    }
    true
}

/// Reads the model file and the `--option`/`-D` flags into a compile request (with the file
/// loader, the bound cache and the bound problems' worker processes) and hands it to `f`;
/// `None` (diagnostics printed) when the file or a flag is unusable.
pub fn with_request<R>(
    m: &ModelArgs,
    p: &mut Printer,
    f: impl FnOnce(&CompileRequest, &ParallelBounds, &mut Printer) -> R,
) -> Option<R> {
    let text = match std::fs::read_to_string(&m.model) {
        Ok(t) => t,
        Err(e) => {
            let d = Diagnostic::error(
                code::DATA_FILE,
                format!("cannot read model file `{}`: {e}", m.model.display()),
            )
            .with_help("check the path; run rmod from the folder the path is relative to");
            p.emit(&[d], &Sources::default());
            return None;
        }
    };
    let options = parse_pairs(&m.options, "--option", p)?;
    let overrides = numbers(
        parse_pairs(&m.defines, "-D", p)?,
        "-D",
        "parameters take numbers, e.g. `-D feed_avail=80`",
        p,
    )?;
    let fixes = numbers(
        parse_pairs(&m.fixes, "--fix", p)?,
        "--fix",
        "variables are fixed at numbers, e.g. `--fix x=1` or `--fix 'x[a]=2'`",
        p,
    )?;
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
    req.fixes = fixes;
    req.options = options;
    req.objectives = m.objectives.clone();
    req.oracle = Some(&oracle);
    req.run_started = Some(run_started());
    req.backends = rmod_solver::BACKENDS;
    if !m.no_cache {
        req.cache = Some(&cache);
    }
    Some(f(&req, &oracle, p))
}
