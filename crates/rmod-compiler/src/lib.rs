//! Compiles rmod model text into an [`rmod_ir::Model`]: resolves names, evaluates sets and parameters (CSV through a [`Loader`]), checks linearity and expands indexed declarations. Does no IO of its own.
//!
//! ```
//! use rmod_compiler::{compile, CompileRequest, NoFiles};
//! let req = CompileRequest::new("m.rmod", "var x in [0, 4]; maximize z: 2 * x;", &NoFiles);
//! let out = compile(&req);
//! assert!(out.diagnostics.is_empty());
//! assert_eq!(out.model.unwrap().columns.len(), 1);
//! ```

use rmod_diagnostics::code;

mod boundary;
mod cache;
mod cell;
mod cell_state;
mod descent;
mod eval;
mod incumbent;
pub mod numeric;
mod objectives;
mod options;
mod overrides;
mod partial;
mod resolve;
mod symmetry;

use rmod_diagnostics::{has_errors, Diagnostic, Sources};
use rmod_ir::{Model, Row};

pub use boundary::{boundary_diagnostics, data_boundary, AtBoundary, BOUNDARY_TOL};
pub use cell::tighten_cell;
pub use incumbent::{find_best_point, find_incumbent, Incumbent};
pub use options::{apply_option, OptValue};
pub use overrides::{parse_override_name, KeyPart, OverrideName};
pub use symmetry::{interchangeable_units, order_interchangeable, Interchangeable};

/// Supplies the text of files a model references (CSV data, networks), by the path written in the model.
pub trait Loader {
    fn load(&self, path: &str) -> Result<String, String>;
    /// The bytes of a file (a network file may be binary ONNX); by default the text's bytes.
    fn load_bytes(&self, path: &str) -> Result<Vec<u8>, String> {
        self.load(path).map(String::into_bytes)
    }
    /// Whether a file exists (for the optional sidecar `NAME.onnx.bounds.json`); by default no.
    fn exists(&self, _path: &str) -> bool {
        false
    }
    /// The name shown in diagnostics for a path.
    fn display_name(&self, path: &str) -> String {
        path.to_string()
    }
}

/// Stores tightened network bounds between runs (the CLI keeps them in `.rmod-cache/`). Keys
/// are hex digests of everything the bounds depend on; values are [`rmod_relu::Bounds::to_text`].
pub trait BoundCache {
    fn get(&self, key: &str) -> Option<String>;
    fn put(&self, key: &str, text: &str);
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
    /// `-D name=value`: a scalar parameter (`cap_total`) or one value of an indexed one
    /// (`cap[R1]`, `cost[a,b]`; see [`parse_override_name`])
    pub overrides: Vec<(String, f64)>,
    /// `--fix var=value`, `--fix var[a, 2]=value`: fixes a variable after the model's statements
    pub fixes: Vec<(String, f64)>,
    /// `--option key=value`, applied after the model's own options
    pub options: Vec<(String, String)>,
    /// `--objective a,b`: the objectives to optimize, in lexicographic order (empty: the first
    /// declared objective)
    pub objectives: Vec<String>,
    /// computes bounds for `bounds = "lp"` / `"milp"` (the CLI passes CBC)
    pub oracle: Option<&'a dyn rmod_ir::BoundOracle>,
    /// reuses tightened bounds across runs
    pub cache: Option<&'a dyn BoundCache>,
    /// when the run started: with `option time_limit`, bound tightening ends by
    /// [`BOUND_SHARE`] of it (unless `option bound_budget` ends it sooner)
    pub run_started: Option<std::time::Instant>,
    /// the solver backends the caller can run (`option solver` naming another is an error);
    /// every backend by default (a library user without a solver never runs one)
    pub backends: &'a [rmod_ir::SolverKind],
}

/// The share of `option time_limit` that bound tightening may use by default (counted from the
/// run's start): the rest is left for the start and the solve.
pub const BOUND_SHARE: f64 = 0.5;

impl<'a> CompileRequest<'a> {
    pub fn new(name: &str, text: &str, loader: &'a dyn Loader) -> Self {
        CompileRequest {
            name: name.to_string(),
            text: text.to_string(),
            loader,
            overrides: Vec::new(),
            fixes: Vec::new(),
            options: Vec::new(),
            objectives: Vec::new(),
            oracle: None,
            cache: None,
            run_started: None,
            backends: rmod_ir::SolverKind::ALL,
        }
    }
}

/// One use of a network in the model (one row of an indexed constraint).
#[derive(Clone, Debug)]
pub struct NetUse {
    /// the network's declared name
    pub net: String,
    /// the file as written in the model
    pub file: String,
    /// the constraint instance, e.g. `reactor_model["R1"]`
    pub constraint: String,
    /// the network as in its file (verification uses this one)
    pub network: std::sync::Arc<rmod_relu::Network>,
    /// the network as encoded: the same, or rescaled by `option relu_scaling`
    pub encoded: std::sync::Arc<rmod_relu::Network>,
    /// the argument expressions (model units)
    pub inputs: Vec<rmod_ir::Affine>,
    /// the output columns (model units)
    pub outputs: Vec<u32>,
    /// the (y, z) columns of every neuron's ReLU pieces (see [`rmod_relu::Encoded::columns`])
    pub columns: Vec<Vec<rmod_relu::NeuronColumns>>,
    /// the pre-activation bounds the encoding used (encoded network's units)
    pub pre: Vec<Vec<(f64, f64)>>,
    /// the big-M rows of every binary (see [`rmod_relu::Encoded::m_rows`])
    pub m_rows: Vec<(u32, u32, u32)>,
    pub stats: rmod_relu::UseStats,
    /// a switched use (`... = net(...) if on[f]`): then `inputs` and `outputs` are the
    /// network's own columns, linked to the model's arguments and outputs by big-M rows
    pub switch: Option<UseSwitch>,
    /// the graph's convex hull as rows (`option hull`): where its weight columns are
    pub hull: Option<UseHull>,
    /// `relu_net(..., domain = "data")`: the training data's box the use is restricted to
    pub data_box: Option<Vec<(f64, f64)>>,
    /// the index of the constraint instance the use is in (`["R1"]` for `reactor_model["R1"]`)
    pub index: Vec<rmod_ir::Elem>,
    /// the columns this use's encoding created (switch inputs and outputs, neurons, hull
    /// weights), in creation order
    pub generated: std::ops::Range<u32>,
}

/// The weight columns of a use's hull rows: `first..first + hull.points.len()`.
#[derive(Clone, Debug)]
pub struct UseHull {
    pub first: u32,
    pub hull: std::sync::Arc<rmod_relu::GraphHull>,
}

/// How a switched network use links to the model: when the switch is 1 the network's input
/// columns equal the arguments and the model's outputs equal the network's; when 0 the model's
/// outputs are 0 and the arguments are free (the network holds at some point of its box).
#[derive(Clone, Debug)]
pub struct UseSwitch {
    /// the binary column and whether the switch is `1 - z`
    pub col: u32,
    pub neg: bool,
    /// the argument expressions (model units)
    pub args: Vec<rmod_ir::Affine>,
    /// the model's output columns
    pub outputs: Vec<u32>,
}

impl UseSwitch {
    /// Whether the switch is on at `x` (the binary rounded).
    pub fn is_on(&self, x: &[f64]) -> bool {
        let z = x.get(self.col as usize).copied().unwrap_or(0.0) >= 0.5;
        z != self.neg
    }
}

/// Sets every network column of use `u` at the point `x` to the exact values: the neurons to
/// the true activations and the outputs to a forward pass at the use's inputs. For a switched
/// use that is on, the network's input columns first take the arguments' values (within its
/// box) and the model's outputs the network's; when off, the model's outputs are 0.
pub fn complete_use(model: &Model, u: &NetUse, x: &mut [f64]) {
    let (inputs, outs) = use_outputs(model, u, x);
    rmod_relu::complete_point(&u.encoded, &u.columns, &inputs, x);
    // the file's network has the last word where a neuron column is also an output
    for (col, y) in u.outputs.iter().zip(&outs) {
        x[*col as usize] = *y;
    }
    if let Some(h) = &u.hull {
        // the weights of the point's own region (0 elsewhere)
        for k in 0..h.hull.points.len() {
            x[h.first as usize + k] = 0.0;
        }
        for (k, w) in h.hull.weights(&inputs).unwrap_or_default() {
            x[h.first as usize + k] = w;
        }
    }
}

/// The part of [`complete_use`] the objective can see: a switched use's input columns, then
/// the output columns (the model's too, for a switched use) at the network's exact values,
/// which it returns with the network's inputs. The neuron and hull columns, which no objective contains, are left as
/// they were (the descent's forward differences need no more).
pub(crate) fn use_outputs(model: &Model, u: &NetUse, x: &mut [f64]) -> (Vec<f64>, Vec<f64>) {
    if let Some(s) = &u.switch {
        if s.is_on(x) {
            for (inp, arg) in u.inputs.iter().zip(&s.args) {
                if let [(c, _)] = inp.coeffs.as_slice() {
                    let col = &model.columns[*c as usize];
                    x[*c as usize] = arg.eval(x).clamp(col.lower, col.upper.max(col.lower));
                }
            }
        }
    }
    let inputs: Vec<f64> = u.inputs.iter().map(|a| a.eval(x)).collect();
    let outs = u.network.forward(&inputs);
    for (col, y) in u.outputs.iter().zip(&outs) {
        x[*col as usize] = *y;
    }
    if let Some(s) = &u.switch {
        let on = s.is_on(x);
        for (col, y) in s.outputs.iter().zip(&outs) {
            x[*col as usize] = if on { *y } else { 0.0 };
        }
    }
    (inputs, outs)
}

pub struct CompileOutput {
    /// `None` when there were errors. Its objective is the first selected one.
    pub model: Option<Model>,
    /// every objective of the model, in declaration order (the report evaluates them all)
    pub objectives: Vec<rmod_ir::Objective>,
    /// the selected objectives (positions in `objectives`) in lexicographic order: one for
    /// `--objective NAME` or by default, none for a model without objective
    pub stages: Vec<usize>,
    /// the initial values of `var x := value` (column, value), in column order: a warm start
    pub initial: Vec<(u32, f64)>,
    /// every network use, in model order
    pub net_uses: Vec<NetUse>,
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
        let more = partial::errors_after_syntax(&ast, &diags, req, &mut sources);
        diags.extend(more);
        diags.sort_by_key(|d| d.primary_span().map(|s| s.start));
        return failed(sources, diags);
    }
    let mut rdiags = Vec::new();
    let syms = resolve::resolve(&ast, &mut rdiags);
    // cheap option checks before evaluation
    for (k, v) in &req.options {
        let mut scratch = rmod_ir::Options::default();
        let checked = apply_option(&mut scratch, k, &OptValue::parse_cli(v))
            .and_then(|()| options::check_backend(&scratch, req.backends));
        if let Err((msg, help, code)) = checked {
            rdiags
                .push(Diagnostic::error(code, format!("--option {k}={v}: {msg}")).with_help(help));
        }
    }
    let stages = match objectives::select(&ast, &req.objectives) {
        Ok(s) => s,
        Err(e) => {
            rdiags.extend(e);
            Vec::new()
        }
    };
    diags.extend(rdiags);
    if has_errors(&diags) {
        return failed(sources, diags);
    }
    let mut ev = eval::Evaluator::new(
        &syms,
        &mut sources,
        req.loader,
        &req.overrides,
        &req.options,
        req.oracle,
        req.cache,
    );
    ev.run_started = req.run_started;
    ev.fixes = req.fixes.clone();
    ev.backends = req.backends;
    ev.selected = Some(stages.clone());
    ev.run(&ast);
    let mut model = std::mem::take(&mut ev.model);
    let objectives = std::mem::take(&mut ev.objectives);
    let initial = std::mem::take(&mut ev.initial);
    model.objective = stages.first().and_then(|k| objectives.get(*k)).cloned();
    let net_uses = std::mem::take(&mut ev.uses);
    let mut edups = std::mem::take(&mut ev.diags);
    drop(ev);
    dedup(&mut edups);
    diags.extend(edups);
    if has_errors(&diags) {
        return failed(sources, diags);
    }
    diags.extend(numeric::drop_negligible(&mut model));
    diags.extend(coefficient_range_warnings(&model));
    let guard = numeric::range_guard(&model, &net_uses);
    if !guard.is_empty() {
        diags.extend(guard);
        return failed(sources, diags);
    }
    model.columns.shrink_to_fit();
    CompileOutput {
        model: Some(model),
        objectives,
        stages,
        initial,
        net_uses,
        sources,
        diagnostics: diags,
    }
}

/// Ratio of the largest to the smallest nonzero coefficient of a row above which CBC's
/// tolerances (1e-9 .. 1e-6) can no longer tell the small terms from noise.
pub const MAX_COEFFICIENT_RANGE: f64 = 1e9;

/// One warning per declaration whose rows mix coefficients of very different magnitudes.
fn coefficient_range_warnings(model: &Model) -> Vec<Diagnostic> {
    let mut worst: Vec<(String, f64, rmod_diagnostics::Span, String)> = Vec::new();
    for r in &model.rows {
        let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
        for (_, a) in &r.coeffs {
            lo = lo.min(a.abs());
            hi = hi.max(a.abs());
        }
        if hi / lo <= MAX_COEFFICIENT_RANGE {
            continue;
        }
        let decl = r.origin.model_decl().to_string();
        match worst.iter_mut().find(|w| w.0 == decl) {
            Some(w) if w.1 >= hi / lo => {}
            Some(w) => {
                w.1 = hi / lo;
                w.3 = r.origin.display();
            }
            None => worst.push((decl, hi / lo, r.origin.span, r.origin.display())),
        }
    }
    worst
        .into_iter()
        .map(|(decl, ratio, span, row)| {
            Diagnostic::warning(
                code::LINEAR_COEFFICIENT_RANGE,
                format!("constraint `{decl}` has coefficients spanning {ratio:.1e} (row {row})"),
            )
            .with_label(span, "coefficients of very different magnitudes")
            .with_help("rescale the units of the variables involved; CBC cannot resolve coefficients that differ by more than about 1e9")
        })
        .collect()
}

/// The output of a compilation that stopped with errors.
fn failed(sources: Sources, diagnostics: Vec<Diagnostic>) -> CompileOutput {
    CompileOutput {
        model: None,
        objectives: Vec::new(),
        stages: Vec::new(),
        initial: Vec::new(),
        net_uses: Vec::new(),
        sources,
        diagnostics,
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
mod ampl_tests;
#[cfg(test)]
mod nets_tests;
#[cfg(test)]
mod tests;

/// The check of a solution against plain forward passes of every network.
#[derive(Clone, Debug, Default)]
pub struct Verification {
    /// per network (in declaration order of first use): (name, largest absolute, largest relative mismatch)
    pub nets: Vec<(String, f64, f64)>,
    /// the objective at the exact point (network outputs recomputed by forward passes)
    pub exact_objective: Option<f64>,
    /// the largest violation of the model's own rows and bounds at the exact point
    pub max_violation: f64,
}

/// The model columns worth splitting the input space on (`option input_split`): continuous
/// columns with finite bounds that appear in some network's inputs, in column order.
pub fn split_columns(model: &Model, uses: &[NetUse]) -> Vec<u32> {
    let mut cols: Vec<u32> = uses
        .iter()
        .flat_map(|u| {
            u.inputs
                .iter()
                .flat_map(|x| x.coeffs.iter().map(|(c, _)| *c))
        })
        .filter(|c| {
            let col = &model.columns[*c as usize];
            col.kind == rmod_ir::ColKind::Continuous
                && col.lower.is_finite()
                && col.upper.is_finite()
        })
        .collect();
    cols.sort_unstable();
    cols.dedup();
    cols
}

/// The binaries of every network neuron, use by use, earliest layers first: what the split
/// branches on with `option split_on = "relus"`.
pub fn split_binaries(uses: &[NetUse]) -> Vec<u32> {
    uses.iter()
        .flat_map(|u| u.columns.iter().flatten().flatten().filter_map(|(_, z)| *z))
        .collect()
}

/// Re-evaluates every network use at the solution's inputs with a plain forward pass (the
/// mismatch of each network on its own), then "polishes": takes the [`exact_point`] and
/// re-evaluates the objective and every model row and bound there.
pub fn verify(model: &Model, uses: &[NetUse], x: &[f64]) -> Verification {
    let mut v = Verification::default();
    for u in uses {
        let inputs: Vec<f64> = u.inputs.iter().map(|a| a.eval(x)).collect();
        let outs = u.network.forward(&inputs);
        let idx = match v.nets.iter().position(|(n, _, _)| *n == u.net) {
            Some(i) => i,
            None => {
                v.nets.push((u.net.clone(), 0.0, 0.0));
                v.nets.len() - 1
            }
        };
        for (col, y) in u.outputs.iter().zip(&outs) {
            let got = x.get(*col as usize).copied().unwrap_or(f64::NAN);
            let abs = (got - y).abs();
            let rel = abs / y.abs().max(1.0);
            v.nets[idx].1 = v.nets[idx].1.max(abs);
            v.nets[idx].2 = v.nets[idx].2.max(rel);
        }
    }
    // the polish: the same exact point a drifted solution is replaced by
    let (exact, _) = exact_point(model, uses, x);
    v.exact_objective = model
        .objective
        .as_ref()
        .map(|o| o.constant + rmod_ir::dot(&o.coeffs, &exact));
    let mut worst: f64 = 0.0;
    for r in model.rows.iter().filter(|r| r.origin.is_model()) {
        let a = rmod_ir::dot(&r.coeffs, &exact);
        worst = worst.max(r.lower - a).max(a - r.upper);
    }
    for (c, val) in model
        .columns
        .iter()
        .zip(&exact)
        .filter(|(c, _)| c.origin.is_model())
    {
        worst = worst.max(c.lower - val).max(val - c.upper);
    }
    v.max_violation = worst;
    v
}

/// The point `x` with every network use recomputed exactly, in model order (a use whose inputs
/// are another's outputs sees the recomputed values): each use's neuron columns are set to the
/// true activations and its output columns to a forward pass. Returns the point and its largest
/// violation of any row, bound or integrality (`Model::max_violation`), so that a
/// solver point whose network outputs drifted within loose big-M rows can be replaced by one that
/// is exact, if the model's rows allow it.
pub fn exact_point(model: &Model, uses: &[NetUse], x: &[f64]) -> (Vec<f64>, f64) {
    let mut p = x.to_vec();
    for u in uses {
        complete_use(model, u, &mut p);
    }
    let worst = model.max_violation(&p);
    (p, worst)
}

/// Relative mismatch above which a solution gets a `rmod::relu::mismatch` warning.
pub const MISMATCH_TOL: f64 = 1e-6;

/// Warnings for networks whose forward pass disagrees with the solver's outputs.
pub fn verification_diagnostics(v: &Verification) -> Vec<Diagnostic> {
    v.nets
        .iter()
        .filter(|(_, _, rel)| *rel > MISMATCH_TOL)
        .map(|(n, abs, rel)| {
            Diagnostic::warning(code::RELU_MISMATCH, format!("the solver's outputs of network `{n}` differ from a forward pass by {abs:.3e} (relative {rel:.3e})"))
                .with_help("the big-M rows were satisfied only within solver tolerances; rmod reports the exact point instead (every network recomputed at the solver's inputs, status `feasible`), or an error if the model's rows reject it; tighten the bounds (`option bounds = \"lp\"`) for a trustworthy solve")
        })
        .collect()
}
