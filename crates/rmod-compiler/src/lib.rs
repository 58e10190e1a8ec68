//! Compiles rmod model text into an [`rmod_ir::Model`]: resolves names, evaluates sets and parameters (CSV through a [`Loader`]), checks linearity and expands indexed declarations. Does no IO of its own.
//!
//! ```
//! use rmod_compiler::{compile, CompileRequest, NoFiles};
//! let req = CompileRequest::new("m.rmod", "var x in [0, 4]; maximize z: 2 * x;", &NoFiles);
//! let out = compile(&req);
//! assert!(out.diagnostics.is_empty());
//! assert_eq!(out.model.unwrap().columns.len(), 1);
//! ```

mod csv;
mod eval;
mod options;
mod resolve;

use rmod_diagnostics::{has_errors, Diagnostic, Sources};
use rmod_ir::{Model, Row};

pub use options::{apply_option, parse_cli_value, OptValue, OPTION_KEYS};

/// Supplies the text of files a model references (CSV data, networks), by the path written in the model.
pub trait Loader {
    fn load(&self, path: &str) -> Result<String, String>;
    /// The name shown in diagnostics for a path.
    fn display_name(&self, path: &str) -> String {
        path.to_string()
    }
}

/// A loader for models that reference no files.
pub struct NoFiles;

impl Loader for NoFiles {
    fn load(&self, path: &str) -> Result<String, String> {
        Err(format!("no file `{path}` in this context"))
    }
}

/// In-memory files, for tests.
impl Loader for std::collections::BTreeMap<String, String> {
    fn load(&self, path: &str) -> Result<String, String> {
        self.get(path)
            .cloned()
            .ok_or_else(|| "no such file".to_string())
    }
}

pub struct CompileRequest<'a> {
    pub name: String,
    pub text: String,
    pub loader: &'a dyn Loader,
    /// `-D name=value`
    pub overrides: Vec<(String, f64)>,
    /// `--option key=value`, applied after the model's own options
    pub options: Vec<(String, String)>,
}

impl<'a> CompileRequest<'a> {
    pub fn new(name: &str, text: &str, loader: &'a dyn Loader) -> Self {
        CompileRequest {
            name: name.to_string(),
            text: text.to_string(),
            loader,
            overrides: Vec::new(),
            options: Vec::new(),
        }
    }
}

pub struct CompileOutput {
    /// `None` when there were errors.
    pub model: Option<Model>,
    pub sources: Sources,
    /// Errors and warnings, in source order per phase.
    pub diagnostics: Vec<Diagnostic>,
}

/// Runs every phase; stops before evaluation if parsing or resolution found errors (no cascades).
pub fn compile(req: &CompileRequest) -> CompileOutput {
    let mut sources = Sources::default();
    let file = sources.add(req.name.clone(), req.text.clone());
    let (ast, mut diags) = rmod_syntax::parse(file, &req.text);
    if has_errors(&diags) {
        return CompileOutput {
            model: None,
            sources,
            diagnostics: diags,
        };
    }
    let mut rdiags = Vec::new();
    let syms = resolve::resolve(&ast, &mut rdiags);
    // cheap option checks before evaluation
    for (k, v) in &req.options {
        let mut scratch = rmod_ir::Options::default();
        if let Err((msg, help, code)) = apply_option(&mut scratch, k, &parse_cli_value(v)) {
            rdiags
                .push(Diagnostic::error(code, format!("--option {k}={v}: {msg}")).with_help(help));
        }
    }
    diags.extend(rdiags);
    if has_errors(&diags) {
        return CompileOutput {
            model: None,
            sources,
            diagnostics: diags,
        };
    }
    let mut ev = eval::Evaluator::new(&syms, &mut sources, req.loader, &req.overrides);
    ev.run(&ast);
    for (k, v) in &req.options {
        let _ = apply_option(&mut ev.model.options, k, &parse_cli_value(v));
    }
    let mut model = std::mem::take(&mut ev.model);
    let mut edups = std::mem::take(&mut ev.diags);
    drop(ev);
    dedup(&mut edups);
    diags.extend(edups);
    if has_errors(&diags) {
        return CompileOutput {
            model: None,
            sources,
            diagnostics: diags,
        };
    }
    model.columns.shrink_to_fit();
    CompileOutput {
        model: Some(model),
        sources,
        diagnostics: diags,
    }
}

fn dedup(diags: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    diags.retain(|d| seen.insert((d.code, d.primary_span(), d.message.clone())));
}

/// One row as the user would write it: `run_min["R1"]: feed["R1"] - 15 on["R1"] >= 0`.
pub fn format_row(model: &Model, row: &Row) -> String {
    let mut s = format!("{}:", row.origin.display());
    for (k, (c, a)) in row.coeffs.iter().enumerate() {
        let name = model
            .columns
            .get(*c as usize)
            .map(|c| c.origin.display())
            .unwrap_or_default();
        let sign = if *a < 0.0 {
            "-"
        } else if k == 0 {
            ""
        } else {
            "+"
        };
        let mag = a.abs();
        let coef = if mag == 1.0 {
            String::new()
        } else {
            format!("{mag} ")
        };
        s.push_str(&format!(
            " {sign}{}{coef}{name}",
            if sign.is_empty() { "" } else { " " }
        ));
    }
    if row.lower == row.upper {
        s.push_str(&format!(" = {}", row.upper));
    } else if row.lower.is_finite() && row.upper.is_finite() {
        s = format!("{} <= {} <= {}", row.lower, s, row.upper);
    } else if row.upper.is_finite() {
        s.push_str(&format!(" <= {}", row.upper));
    } else {
        s.push_str(&format!(" >= {}", row.lower));
    }
    s
}

#[cfg(test)]
mod tests;
