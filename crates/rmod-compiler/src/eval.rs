//! The `Evaluator`: its state and the order of a run (options, statements in order, network uses
//! last). It evaluates sets and parameters, creates columns for variables and rows for
//! constraints, and checks linearity; each job is a submodule. Runs only after
//! [`crate::resolve`] found no errors, so names are known to exist.

use rmod_diagnostics::code;

mod csv_params;
mod decls;
mod expr;
mod linear;
mod net_calls;
mod net_encode;
mod net_hull;
mod piecewise;
mod switch;
mod values;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Instant;

use rmod_diagnostics::{did_you_mean, Diagnostic, Sources, Span};
use rmod_ir::{Elem, Model};
use rmod_relu::Network;
use rmod_syntax::*;

use crate::options::apply_option;
use crate::resolve::{Kind, Symbols};
use crate::Loader;
use crate::NetUse;

use net_calls::PendingUse;
use values::{IndexedSetVal, ParamVal, SetVal, VarVal};

/// A diagnostic has been recorded (or the failure cascades from one that was).
pub struct Reported;
type R<T> = Result<T, Reported>;

/// A `-D` override: as written, what it names, its value, and whether a parameter took it.
struct Override {
    raw: String,
    name: Result<crate::OverrideName, String>,
    value: f64,
    used: bool,
}

/// Index dummies bound to elements; names borrow from the AST.
type Env<'x> = Vec<(&'x str, Elem)>;

pub struct Evaluator<'a> {
    pub syms: &'a Symbols,
    pub sources: &'a mut Sources,
    pub diags: Vec<Diagnostic>,
    pub model: Model,
    /// every objective, in declaration order (the compiler puts the selected one in `model`)
    pub objectives: Vec<rmod_ir::Objective>,
    /// the positions of the objectives a run optimizes (`--objective`); a piecewise term of
    /// any other objective gets the exact encoding, since nothing pushes its value column
    pub selected: Option<Vec<usize>>,
    /// `var x := value`: initial values (column, value), in column order
    pub initial: Vec<(u32, f64)>,
    loader: &'a dyn Loader,
    sets: HashMap<String, Rc<SetVal>>,
    /// sets declared with an indexing, `set J{i in I} = ...`
    indexed_sets: HashMap<String, IndexedSetVal>,
    /// the position of every element of a named set, for `ord`, built on first use
    ord_cache: HashMap<String, Rc<HashMap<Vec<Elem>, usize>>>,
    /// the declared bounds of the columns `fix` changed (a column may be fixed again)
    fixed: HashMap<u32, (f64, f64)>,
    /// `--fix var=value` / `--fix var[a, 2]=value`, applied after the last statement
    pub fixes: Vec<(String, f64)>,
    params: HashMap<String, ParamVal>,
    vars: HashMap<String, VarVal>,
    poisoned: HashSet<String>,
    warned: HashSet<(&'static str, Span)>,
    overrides: Vec<Override>,
    /// network declarations by name: (file as written, network)
    pub networks: Vec<(String, String, Arc<Network>)>,
    /// networks loaded by path, so a file is read once
    by_path: HashMap<String, Arc<Network>>,
    /// every use of a network, in model order
    pub uses: Vec<NetUse>,
    /// `relu_net(..., bounds = "...")` per network name
    net_bounds: HashMap<String, rmod_ir::BoundMethodName>,
    /// `relu_net(..., context = "...")` per network name
    net_context: HashMap<String, rmod_ir::BoundContext>,
    /// network files read as relu-net JSON, by path: their source, for `training.data_box`
    net_files: HashMap<String, rmod_diagnostics::FileId>,
    /// `relu_net(..., domain = "data")`: per network name, the training data's box its uses are
    /// restricted to (and reported against at the optimum)
    net_domain: HashMap<String, Vec<(f64, f64)>>,
    oracle: Option<&'a dyn rmod_ir::BoundOracle>,
    cache: Option<&'a dyn crate::BoundCache>,
    /// network uses waiting for the rest of the model (encoded after the last statement)
    pending: Vec<PendingUse>,
    /// whether low-dimensional uses get their graph's convex hull as rows (`option hull`)
    hull: bool,
    hull_cache: net_hull::HullCache,
    /// the nonzeros of the hull rows so far (they have a budget)
    hull_nonzeros: usize,
    /// the end of bound tightening: `option bound_budget`, or a share of `time_limit`
    deadline: Option<Instant>,
    /// when the run started (see [`crate::CompileRequest::run_started`])
    pub run_started: Option<Instant>,
    /// the backends the caller can run (see `CompileRequest::backends`)
    pub backends: &'a [rmod_ir::SolverKind],
    cli_options: Vec<(String, String)>,
    /// `piecewise` terms of the row or objective being compiled, waiting for its direction
    pw_pending: Vec<piecewise::PwTerm>,
}

impl<'a> Evaluator<'a> {
    pub fn new(
        syms: &'a Symbols,
        sources: &'a mut Sources,
        loader: &'a dyn Loader,
        overrides: &[(String, f64)],
        cli_options: &[(String, String)],
        oracle: Option<&'a dyn rmod_ir::BoundOracle>,
        cache: Option<&'a dyn crate::BoundCache>,
    ) -> Self {
        Evaluator {
            syms,
            sources,
            diags: Vec::new(),
            model: Model::default(),
            objectives: Vec::new(),
            selected: None,
            initial: Vec::new(),
            loader,
            sets: HashMap::default(),
            indexed_sets: HashMap::default(),
            ord_cache: HashMap::default(),
            fixed: HashMap::default(),
            fixes: Vec::new(),
            params: HashMap::default(),
            vars: HashMap::default(),
            poisoned: HashSet::default(),
            warned: HashSet::default(),
            overrides: overrides
                .iter()
                .map(|(n, v)| Override {
                    raw: n.clone(),
                    name: crate::parse_override_name(n),
                    value: *v,
                    used: false,
                })
                .collect(),
            networks: Vec::new(),
            by_path: HashMap::default(),
            uses: Vec::new(),
            net_bounds: HashMap::default(),
            net_context: HashMap::default(),
            net_files: HashMap::default(),
            net_domain: HashMap::default(),
            oracle,
            cache,
            pending: Vec::new(),
            hull: false,
            hull_cache: Default::default(),
            hull_nonzeros: 0,
            deadline: None,
            run_started: None,
            backends: rmod_ir::SolverKind::ALL,
            cli_options: cli_options.to_vec(),
            pw_pending: Vec::new(),
        }
    }

    fn err(&mut self, d: Diagnostic) -> Reported {
        self.diags.push(d);
        Reported
    }

    fn warn_once(&mut self, d: Diagnostic) {
        let key = (d.code, d.primary_span().unwrap_or_default());
        if self.warned.insert(key) {
            self.diags.push(d);
        }
    }

    /// Evaluates the statements of an incomplete model for their errors only (`partial.rs`): the
    /// `poisoned` names belong to statements left out, and uses of them fail silently; no fixes
    /// from the command line, no network encodings, no report of unused `-D` overrides.
    pub fn check_statements(&mut self, ast: &Ast, poisoned: HashSet<String>) {
        self.poisoned = poisoned;
        for stmt in &ast.stmts {
            if let Stmt::Option(d) = stmt {
                let _ = self.option(d);
            }
        }
        self.statements(ast);
    }

    /// Every statement in order; a failed declaration poisons its name.
    fn statements(&mut self, ast: &Ast) {
        for stmt in &ast.stmts {
            let name = stmt.name().map(|n| n.name.clone());
            let res = match stmt {
                Stmt::Set(d) => self.set_decl(d),
                Stmt::Param(d) => self.param_decl(d),
                Stmt::Var(d) => self.var_decl(d),
                Stmt::Net(d) => self.net_decl(d),
                Stmt::Constraint(d) => self.constraint(d),
                Stmt::Objective(d) => self.objective(d),
                Stmt::Option(_) => Ok(()),
                Stmt::Fix(d) => self.fix_stmt(d),
            };
            if res.is_err() {
                if let Some(n) = name {
                    self.poisoned.insert(n);
                }
            }
        }
    }

    pub fn run(&mut self, ast: &Ast) {
        // options first (they take literal values), then the command line's, so that every
        // statement (network encodings above all) sees the final options
        for stmt in &ast.stmts {
            if let Stmt::Option(d) = stmt {
                let _ = self.option(d);
            }
        }
        for (k, v) in self.cli_options.clone() {
            let _ = apply_option(&mut self.model.options, &k, &crate::OptValue::parse_cli(&v));
        }
        let secs = |t: f64| std::time::Duration::from_secs_f64(t.clamp(0.0, 1e9));
        let budget = self
            .model
            .options
            .bound_budget
            .map(|b| Instant::now() + secs(b));
        let share = self
            .run_started
            .zip(self.model.options.time_limit)
            .map(|(s, t)| s + secs(crate::BOUND_SHARE * t));
        self.deadline = match (budget, share) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.statements(ast);
        // the command line's fixes after the model's own, before the networks see the bounds
        for (name, value) in std::mem::take(&mut self.fixes) {
            let _ = self.cli_fix(&name, value);
        }
        // networks last: the model's own rows are then complete (for `bound_context = "model"`)
        let small = self
            .pending
            .iter()
            .filter(|p| p.net.n_inputs() <= 2)
            .count();
        self.hull = match self.model.options.hull.unwrap_or(rmod_ir::Hull::Auto) {
            rmod_ir::Hull::On => true,
            rmod_ir::Hull::Off => false,
            rmod_ir::Hull::Auto => small >= 2,
        };
        for p in std::mem::take(&mut self.pending) {
            let _ = self.encode_use(p);
        }
        for o in std::mem::take(&mut self.overrides) {
            if o.used {
                continue;
            }
            let d = match &o.name {
                Err(msg) => Diagnostic::error(
                    code::RESOLVE_UNKNOWN_OVERRIDE,
                    format!("`-D {}=...`: {msg}", o.raw),
                )
                .with_help("write `-D cap_total=100` for a scalar parameter, `-D 'cap[R1]=60'` for one value of an indexed one"),
                Ok(n) => {
                    let names = self.syms.names_of(Kind::Param);
                    let d = Diagnostic::error(
                        code::RESOLVE_UNKNOWN_OVERRIDE,
                        format!("`-D {}=...` names no parameter of the model", o.raw),
                    );
                    match did_you_mean(&n.param, names) {
                        Some(s) => d.with_help(format!("did you mean `{s}`?")),
                        None => d.with_help(
                            "`-D` overrides a parameter declared with `param` (`-D 'cap[R1]=60'` one value of an indexed one)",
                        ),
                    }
                }
            };
            self.diags.push(d);
        }
    }
}
