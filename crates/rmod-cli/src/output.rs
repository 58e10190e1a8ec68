//! Output: `outln!` and friends (a closed pipe is not an error), diagnostics on stderr, files
//! written atomically, and the network statistics of a report.

use rmod_diagnostics::code;

use std::io::Write;
use std::path::Path;

use rmod_diagnostics::{render_human, render_json_all, Diagnostic, Severity, Sources};

use crate::args::MessageFormat;

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

pub struct Printer {
    pub format: MessageFormat,
    pub color: bool,
    pub n_errors: usize,
    pub n_warnings: usize,
    pub json: Vec<Diagnostic>,
}

impl Printer {
    pub fn emit(&mut self, diags: &[Diagnostic], sources: &Sources) {
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
    pub fn finish(&mut self, sources: &Sources) {
        if self.format == MessageFormat::Json {
            errln!("{}", render_json_all(&self.json, sources));
        } else if self.n_errors + self.n_warnings > 0 {
            errln!("{} error(s), {} warning(s)", self.n_errors, self.n_warnings);
        }
    }
}

/// A command's text on stdout (exit 0), or its diagnostics on stderr (exit `EXIT_COMPILE`).
pub fn text_or_diagnostics(
    res: Result<String, Vec<Diagnostic>>,
    sources: &Sources,
    p: &mut Printer,
) -> u8 {
    match res {
        Ok(text) => {
            out!("{text}");
            0
        }
        Err(diags) => {
            p.emit(&diags, sources);
            p.finish(sources);
            crate::EXIT_COMPILE
        }
    }
}

/// Writes `text` to `path` through a temporary file beside it and a rename, so that the file
/// is never seen half-written (an interrupt may end the run at any time).
pub fn write_atomically(path: &Path, text: impl AsRef<[u8]>) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.tmp{}", std::process::id()));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

pub fn write_output(path: Option<&Path>, text: &str, p: &mut Printer) -> bool {
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
                    code::DATA_FILE,
                    format!("cannot write `{}`: {e}", path.display()),
                )
                .with_help("check that the folder exists and is writable");
                p.emit(&[d], &Sources::default());
                false
            }
        },
    }
}

/// Network statistics per network (all uses together) and per use.
pub fn net_lines(
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
