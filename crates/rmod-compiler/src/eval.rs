//! Evaluates sets and parameters, creates columns for variables and rows for constraints, and
//! checks linearity. Runs only after [`crate::resolve`] found no errors, so names are known to exist.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::rc::Rc;
use std::time::Instant;

use rmod_diagnostics::{did_you_mean, Diagnostic, FileId, Sources, Span};
use rmod_ir::{ColKind, Column, Elem, Model, Objective, Origin, Row};
use rmod_syntax::*;

use std::sync::Arc;

use rmod_relu::{Affine, Network};

use crate::options::{apply_option, OptValue};
use crate::resolve::{Kind, Symbols};
use crate::Loader;
use crate::NetUse;

/// A diagnostic has been recorded (or the failure cascades from one that was).
pub struct Reported;
type R<T> = Result<T, Reported>;

/// Index dummies bound to elements; names borrow from the AST.
type Env<'x> = Vec<(&'x str, Elem)>;

pub struct SetVal {
    pub dim: usize,
    pub tuples: Vec<Vec<Elem>>,
    pub members: HashSet<Vec<Elem>>,
}

impl SetVal {
    fn new(dim: usize, tuples: Vec<Vec<Elem>>) -> SetVal {
        let members = tuples.iter().cloned().collect();
        SetVal {
            dim,
            tuples,
            members,
        }
    }
}

struct ParamVal {
    scalar: Option<f64>,
    map: HashMap<Vec<Elem>, f64>,
    default: Option<f64>,
    index: Option<Rc<SetVal>>,
    span: Span,
}

struct VarVal {
    cols: HashMap<Vec<Elem>, u32>,
    index: Rc<SetVal>,
    span: Span,
}

enum Val {
    Num(f64),
    Elem(Elem),
    Tuple(Vec<Elem>),
}

/// A linear expression: terms (a column may repeat) plus a constant.
#[derive(Default)]
struct Lin {
    terms: Vec<(u32, f64)>,
    c: f64,
}

impl Lin {
    fn constant(c: f64) -> Lin {
        Lin {
            terms: Vec::new(),
            c,
        }
    }
    fn scale(mut self, k: f64) -> Lin {
        for t in &mut self.terms {
            t.1 *= k;
        }
        self.c *= k;
        self
    }
    fn add(mut self, other: Lin, sign: f64) -> Lin {
        self.terms
            .extend(other.terms.into_iter().map(|(c, a)| (c, a * sign)));
        self.c += other.c * sign;
        self
    }
}

/// Sorts terms by column, merges repeats and drops zeros.
fn normalize(mut terms: Vec<(u32, f64)>) -> Vec<(u32, f64)> {
    terms.sort_by_key(|t| t.0);
    let mut out: Vec<(u32, f64)> = Vec::with_capacity(terms.len());
    for (c, a) in terms {
        match out.last_mut() {
            Some(last) if last.0 == c => last.1 += a,
            _ => out.push((c, a)),
        }
    }
    out.retain(|t| t.1 != 0.0);
    out
}

pub struct Evaluator<'a> {
    pub syms: &'a Symbols,
    pub sources: &'a mut Sources,
    pub diags: Vec<Diagnostic>,
    pub model: Model,
    loader: &'a dyn Loader,
    sets: HashMap<String, Rc<SetVal>>,
    params: HashMap<String, ParamVal>,
    vars: HashMap<String, VarVal>,
    poisoned: HashSet<String>,
    warned: HashSet<(&'static str, Span)>,
    overrides: Vec<(String, f64, bool)>,
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
    oracle: Option<&'a dyn rmod_relu::BoundOracle>,
    cache: Option<&'a dyn crate::BoundCache>,
    /// network uses waiting for the rest of the model (encoded after the last statement)
    pending: Vec<PendingUse>,
    /// the end of bound tightening: `option bound_budget`, or a share of `time_limit`
    deadline: Option<Instant>,
    /// when the run started (see [`crate::CompileRequest::run_started`])
    pub run_started: Option<Instant>,
    cli_options: Vec<(String, String)>,
}

impl<'a> Evaluator<'a> {
    pub fn new(
        syms: &'a Symbols,
        sources: &'a mut Sources,
        loader: &'a dyn Loader,
        overrides: &[(String, f64)],
        cli_options: &[(String, String)],
        oracle: Option<&'a dyn rmod_relu::BoundOracle>,
        cache: Option<&'a dyn crate::BoundCache>,
    ) -> Self {
        Evaluator {
            syms,
            sources,
            diags: Vec::new(),
            model: Model::default(),
            loader,
            sets: HashMap::default(),
            params: HashMap::default(),
            vars: HashMap::default(),
            poisoned: HashSet::default(),
            warned: HashSet::default(),
            overrides: overrides
                .iter()
                .map(|(n, v)| (n.clone(), *v, false))
                .collect(),
            networks: Vec::new(),
            by_path: HashMap::default(),
            uses: Vec::new(),
            net_bounds: HashMap::default(),
            net_context: HashMap::default(),
            oracle,
            cache,
            pending: Vec::new(),
            deadline: None,
            run_started: None,
            cli_options: cli_options.to_vec(),
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

    pub fn run(&mut self, ast: &Ast) {
        // options first (they take literal values), then the command line's, so that every
        // statement (network encodings above all) sees the final options
        for stmt in &ast.stmts {
            if let Stmt::Option(d) = stmt {
                let _ = self.option(d);
            }
        }
        for (k, v) in self.cli_options.clone() {
            let _ = apply_option(
                &mut self.model.options,
                &k,
                &crate::options::parse_cli_value(&v),
            );
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
            };
            if res.is_err() {
                if let Some(n) = name {
                    self.poisoned.insert(n);
                }
            }
        }
        // networks last: the model's own rows are then complete (for `bound_context = "model"`)
        for p in std::mem::take(&mut self.pending) {
            let _ = self.encode_use(p);
        }
        for (name, _, used) in self.overrides.clone() {
            if !used {
                let names = self.syms.names_of(Kind::Param);
                let mut d = Diagnostic::error(
                    "rmod::resolve::unknown_override",
                    format!("`-D {name}=...` names no parameter of the model"),
                );
                if let Some(s) = did_you_mean(&name, names) {
                    d = d.with_help(format!("did you mean `{s}`?"));
                } else {
                    d = d.with_help("`-D` overrides a scalar parameter declared with `param`");
                }
                self.diags.push(d);
            }
        }
    }

    // ----- declarations -----

    /// The first argument of `csv(...)` or `relu_net(...)`: a path in quotes.
    fn path_arg(
        &mut self,
        args: &[Arg],
        call: Span,
        code: &'static str,
        msg: &str,
        usage: &str,
    ) -> R<(String, Span)> {
        match args.first() {
            Some(Arg {
                name: None,
                value:
                    Expr {
                        kind: ExprKind::Str(s),
                        span,
                    },
            }) => Ok((s.clone(), *span)),
            _ => Err(self.err(
                Diagnostic::error(code, msg)
                    .with_label(call, "no path")
                    .with_help(usage),
            )),
        }
    }

    /// Reads a file named in the model (relative to it) and registers it for diagnostics;
    /// returns its id, its display name and its text.
    fn read_file(&mut self, path: &str, span: Span, what: &str) -> R<(FileId, String, String)> {
        match self.loader.load(path) {
            Ok(text) => {
                let shown = self.loader.display_name(path);
                let file = self.sources.add(shown.clone(), text.clone());
                Ok((file, shown, text))
            }
            Err(e) => Err(self.err(
                Diagnostic::error(
                    "rmod::data::file",
                    format!("cannot read {what} `{path}`: {e}"),
                )
                .with_label(span, "this file")
                .with_help("paths are relative to the model file; check the name and location"),
            )),
        }
    }

    fn set_decl(&mut self, d: &SetDecl) -> R<()> {
        let s = self.set_expr(&d.value, &Vec::new())?;
        if s.tuples.is_empty() {
            self.warn_once(
                Diagnostic::warning(
                    "rmod::data::empty_set",
                    format!("set `{}` is empty", d.name.name),
                )
                .with_label(d.value.span, "evaluates to no elements")
                .with_help("declarations indexed over an empty set create nothing; check the data"),
            );
        }
        self.sets.insert(d.name.name.clone(), s);
        Ok(())
    }

    fn param_decl(&mut self, d: &ParamDecl) -> R<()> {
        let name = &d.name.name;
        let env = Vec::new();
        let default = match &d.default {
            Some(e) => Some(self.num(e, &env)?),
            None => None,
        };
        let override_val = self
            .overrides
            .iter_mut()
            .find(|(n, _, _)| n == name)
            .map(|o| {
                o.2 = true;
                o.1
            });
        let mut p = ParamVal {
            scalar: None,
            map: HashMap::default(),
            default,
            index: None,
            span: d.name.span,
        };
        match &d.indexing {
            None => {
                if let Some(v) = override_val {
                    p.scalar = Some(v);
                } else {
                    p.scalar = match &d.value {
                        Some(ParamValue::Expr(e)) if is_call(e, "csv") => return Err(self.err(
                            Diagnostic::error(
                                "rmod::data::csv_call",
                                "`csv(...)` needs an indexed parameter",
                            )
                            .with_label(e.span, "a scalar parameter has one value")
                            .with_help(
                                "declare the parameter with an index set: `param p{S} = csv(...)`",
                            ),
                        )),
                        Some(ParamValue::Expr(e)) => Some(self.num(e, &env)?),
                        Some(ParamValue::Map(_, span)) => {
                            return Err(self.err(
                                Diagnostic::error(
                                    "rmod::resolve::index_arity",
                                    format!(
                                        "scalar parameter `{name}` cannot take a map of values"
                                    ),
                                )
                                .with_label(*span, "a map needs an indexed parameter")
                                .with_help(format!(
                                    "declare it indexed, e.g. `param {name}{{S}} = {{...}}`"
                                )),
                            ))
                        }
                        None => default,
                    };
                    if p.scalar.is_none() {
                        return Err(self.err(
                            Diagnostic::error("rmod::data::missing_value", format!("parameter `{name}` has no value"))
                                .with_label(d.name.span, "declared without a value or default")
                                .with_help(format!("write `param {name} = VALUE;`, add `default VALUE`, or pass `-D {name}=VALUE`")),
                        ));
                    }
                }
                if let Some(v) = p.scalar {
                    self.check_param(d, v, d.name.span)?;
                }
            }
            Some(idx) => {
                if override_val.is_some() {
                    return Err(self.err(
                        Diagnostic::error(
                            "rmod::resolve::unknown_override",
                            format!("`-D {name}=...` overrides an indexed parameter"),
                        )
                        .with_label(d.name.span, "indexed parameter")
                        .with_help("`-D` sets scalar parameters only"),
                    ));
                }
                let binds = self.bindings(idx, &env)?;
                let dim = binds.first().map_or(0, |b| b.0.len());
                let index = Rc::new(SetVal::new(
                    dim,
                    binds.iter().map(|b| b.0.clone()).collect(),
                ));
                match &d.value {
                    Some(ParamValue::Expr(e)) if is_call(e, "csv") => {
                        self.csv_param(e, &index, &mut p)?
                    }
                    Some(ParamValue::Expr(e)) => {
                        for (key, env) in &binds {
                            let v = self.num(e, env)?;
                            p.map.insert(key.clone(), v);
                        }
                    }
                    Some(ParamValue::Map(entries, _)) => {
                        for en in entries {
                            let key = self.key_of(&en.key)?;
                            if key.len() != index.dim && !index.tuples.is_empty() {
                                return Err(self.err(
                                    Diagnostic::error(
                                        "rmod::resolve::index_arity",
                                        format!(
                                            "key has {} element(s), `{name}` is indexed over {}",
                                            key.len(),
                                            index.dim
                                        ),
                                    )
                                    .with_label(en.key.span, "wrong key size")
                                    .with_help(
                                        if index.dim > 1 {
                                            "write keys as tuples, e.g. (\"a\", \"b\")"
                                        } else {
                                            "write keys as single elements, e.g. \"R1\""
                                        },
                                    ),
                                ));
                            }
                            if !index.members.contains(&key) {
                                return Err(self.err(key_not_in_set(
                                    &key,
                                    en.key.span,
                                    name,
                                    &index,
                                )));
                            }
                            let v = self.num(&en.value, &env)?;
                            if p.map.insert(key.clone(), v).is_some() {
                                return Err(self.err(
                                    Diagnostic::error(
                                        "rmod::data::duplicate_element",
                                        format!("key {} is given twice", show_key(&key)),
                                    )
                                    .with_label(en.key.span, "second value for this key")
                                    .with_help("remove one of the two entries"),
                                ));
                            }
                        }
                    }
                    None => {}
                }
                let values: Vec<f64> = index
                    .tuples
                    .iter()
                    .filter_map(|k| p.map.get(k).copied())
                    .collect();
                for v in values {
                    self.check_param(d, v, d.name.span)?;
                }
                p.index = Some(index);
            }
        }
        self.params.insert(name.clone(), p);
        Ok(())
    }

    fn check_param(&mut self, d: &ParamDecl, v: f64, span: Span) -> R<()> {
        for (op, e) in &d.checks {
            let bound = self.num(e, &Vec::new())?;
            let ok = match op {
                RelOp::Ge => v >= bound,
                RelOp::Le => v <= bound,
                RelOp::Eq => v == bound,
            };
            if !ok {
                let sym = if *op == RelOp::Ge { ">=" } else { "<=" };
                return Err(self.err(
                    Diagnostic::error(
                        "rmod::data::check_failed",
                        format!(
                            "parameter `{}` has value {v}, which violates `{sym} {bound}`",
                            d.name.name
                        ),
                    )
                    .with_label(span, "value given for this parameter")
                    .with_label(e.span, "check declared here")
                    .with_help("fix the data or relax the check"),
                ));
            }
        }
        Ok(())
    }

    fn csv_param(&mut self, call: &Expr, index: &Rc<SetVal>, p: &mut ParamVal) -> R<()> {
        let ExprKind::Call(_, args) = &call.kind else {
            return Err(Reported);
        };
        let usage = "write `csv(\"file.csv\", key = \"column\", value = \"column\")`";
        let path = self.path_arg(
            args,
            call.span,
            "rmod::data::csv_call",
            "`csv` needs the file path as its first argument",
            usage,
        )?;
        let mut key_cols: Option<(Vec<String>, Span)> = None;
        let mut value_col: Option<(String, Span)> = None;
        for a in &args[1..] {
            let name = a.name.as_ref().map(|n| n.name.as_str());
            let strs: Option<Vec<String>> = match &a.value.kind {
                ExprKind::Str(s) => Some(vec![s.clone()]),
                ExprKind::Tuple(t) => t
                    .iter()
                    .map(|e| {
                        if let ExprKind::Str(s) = &e.kind {
                            Some(s.clone())
                        } else {
                            None
                        }
                    })
                    .collect(),
                _ => None,
            };
            match (name, strs) {
                (Some("key"), Some(cols)) => key_cols = Some((cols, a.value.span)),
                (Some("value"), Some(cols)) if cols.len() == 1 => {
                    value_col = Some((cols[0].clone(), a.value.span))
                }
                _ => {
                    return Err(self.err(
                        Diagnostic::error("rmod::data::csv_call", "unexpected argument to `csv`")
                            .with_label(a.value.span, "expected a column name in quotes")
                            .with_help(usage),
                    ))
                }
            }
        }
        let (Some((key_cols, key_span)), Some((value_col, value_span))) = (key_cols, value_col)
        else {
            return Err(self.err(
                Diagnostic::error("rmod::data::csv_call", "`csv` needs both `key` and `value`")
                    .with_label(call.span, "incomplete call")
                    .with_help(usage),
            ));
        };
        if !index.tuples.is_empty() && key_cols.len() != index.dim {
            return Err(self.err(
                Diagnostic::error(
                    "rmod::data::csv_call",
                    format!(
                        "{} key column(s) for a parameter indexed over {} set(s)",
                        key_cols.len(),
                        index.dim
                    ),
                )
                .with_label(key_span, "one key column per index set")
                .with_help("name one column per index, e.g. `key = (\"plant\", \"market\")`"),
            ));
        }
        let (file, _, text) = self.read_file(&path.0, path.1, "data file")?;
        let table = crate::csv::parse(file, &text);
        if table.header.is_empty() {
            return Err(self.err(
                Diagnostic::error("rmod::data::csv_row", format!("`{}` is empty", path.0))
                    .with_label(path.1, "this file has no header")
                    .with_help("the first line must name the columns"),
            ));
        }
        let header: Vec<&str> = table.header.iter().map(|c| c.text.as_str()).collect();
        let find = |col: &str| header.iter().position(|h| *h == col);
        let mut key_idx = Vec::new();
        for (col, span) in key_cols
            .iter()
            .map(|c| (c, key_span))
            .chain(std::iter::once((&value_col, value_span)))
        {
            match find(col) {
                Some(i) => key_idx.push(i),
                None => {
                    let mut d = Diagnostic::error(
                        "rmod::data::csv_missing_column",
                        format!("`{}` has no column `{col}`", path.0),
                    )
                    .with_label(span, "not in the header")
                    .with_label(
                        table.header[0].span.to(table.header[header.len() - 1].span),
                        "header",
                    );
                    d = match did_you_mean(col, header.iter().copied()) {
                        Some(s) => d.with_help(format!(
                            "did you mean `{s}`? the columns are: {}",
                            header.join(", ")
                        )),
                        None => d.with_help(format!("the columns are: {}", header.join(", "))),
                    };
                    return Err(self.err(d));
                }
            }
        }
        let value_idx = key_idx.pop().unwrap_or(0);
        for (line, cells) in &table.rows {
            if cells.len() != header.len() {
                let span = cells[0].span.to(cells[cells.len() - 1].span);
                return Err(self.err(
                    Diagnostic::error(
                        "rmod::data::csv_row",
                        format!(
                            "{}: row {line} has {} cells, the header has {}",
                            path.0,
                            cells.len(),
                            header.len()
                        ),
                    )
                    .with_label(span, "this row")
                    .with_label(path.1, "read here")
                    .with_help("every row needs one cell per header column"),
                ));
            }
            let key: Vec<Elem> = key_idx
                .iter()
                .map(|i| elem_from_text(&cells[*i].text))
                .collect();
            let key_span = cells[key_idx[0]]
                .span
                .to(cells[*key_idx.last().unwrap_or(&0)].span);
            let vcell = &cells[value_idx];
            if vcell.text.is_empty() {
                continue;
            }
            let v = match vcell.text.parse::<f64>() {
                Ok(v) if v.is_finite() => v,
                _ => {
                    let (_, col) = self.sources.line_col(file, vcell.span.start);
                    return Err(self.err(
                        Diagnostic::error("rmod::data::csv_bad_value", format!("{}: row {line}, column {col} (`{value_col}`): `{}` is not a number", path.0, vcell.text))
                            .with_label(vcell.span, "expected a finite number")
                            .with_label(path.1, "read here")
                            .with_help("write the value as a decimal number, e.g. 910 or 1.5e3; leave the cell empty to use the default"),
                    ));
                }
            };
            if !index.members.contains(&key) {
                return Err(self.err(
                    key_not_in_set(&key, key_span, "the parameter", index)
                        .with_label(path.1, "read here"),
                ));
            }
            if p.map.insert(key.clone(), v).is_some() {
                return Err(self.err(
                    Diagnostic::error(
                        "rmod::data::csv_duplicate_key",
                        format!(
                            "{}: key {} appears twice (row {line})",
                            path.0,
                            show_key(&key)
                        ),
                    )
                    .with_label(key_span, "second row with this key")
                    .with_label(path.1, "read here")
                    .with_help("remove the duplicate row"),
                ));
            }
        }
        Ok(())
    }

    fn var_decl(&mut self, d: &VarDecl) -> R<()> {
        let env = Vec::new();
        let binds = match &d.indexing {
            None => vec![(Vec::new(), Vec::new())],
            Some(idx) => self.bindings(idx, &env)?,
        };
        let dim = binds.first().map_or(0, |b| b.0.len());
        let mut cols = HashMap::with_capacity_and_hasher(binds.len(), Default::default());
        for (key, env) in &binds {
            let mut lo = match &d.lower {
                Some(e) => self.num(e, env)?,
                None => f64::NEG_INFINITY,
            };
            let mut hi = match &d.upper {
                Some(e) => self.num(e, env)?,
                None => f64::INFINITY,
            };
            let kind = match d.kind {
                VarKind::Continuous => ColKind::Continuous,
                VarKind::Integer => ColKind::Integer,
                VarKind::Binary => {
                    lo = lo.max(0.0);
                    hi = hi.min(1.0);
                    ColKind::Binary
                }
            };
            if lo > hi {
                let origin = Origin {
                    decl: d.name.name.clone(),
                    index: key.clone(),
                    span: d.name.span,
                };
                let mut diag = Diagnostic::error(
                    "rmod::data::empty_bounds",
                    format!(
                        "variable {} has lower bound {lo} above upper bound {hi}",
                        origin.display()
                    ),
                )
                .with_label(d.name.span, "no value satisfies these bounds");
                for e in d.lower.iter().chain(d.upper.iter()) {
                    diag = diag.with_label(e.span, "bound");
                }
                return Err(
                    self.err(diag.with_help("fix the bounds or the data they are computed from"))
                );
            }
            let col = self.model.columns.len() as u32;
            self.model.columns.push(Column {
                origin: Origin {
                    decl: d.name.name.clone(),
                    index: key.clone(),
                    span: d.name.span,
                },
                lower: lo,
                upper: hi,
                kind,
            });
            cols.insert(key.clone(), col);
        }
        let index = Rc::new(SetVal::new(dim, binds.into_iter().map(|b| b.0).collect()));
        self.vars.insert(
            d.name.name.clone(),
            VarVal {
                cols,
                index,
                span: d.name.span,
            },
        );
        Ok(())
    }

    fn constraint(&mut self, d: &ConDecl) -> R<()> {
        let binds = match &d.indexing {
            None => vec![(Vec::new(), Vec::new())],
            Some(idx) => self.bindings(idx, &Vec::new())?,
        };
        if let Some((net_id, args)) = self.net_call(d) {
            for (key, env) in &binds {
                self.net_constraint(d, net_id, args, key, env)?;
            }
            return Ok(());
        }
        for (key, env) in &binds {
            let origin = Origin {
                decl: d.name.name.clone(),
                index: key.clone(),
                span: d.name.span,
            };
            let (lin, lo, hi) = if d.exprs.len() == 3 {
                let mut bounds = [0.0; 2];
                for (k, e) in [&d.exprs[0], &d.exprs[2]].into_iter().enumerate() {
                    let l = self.lin(e, env)?;
                    if !l.terms.is_empty() {
                        return Err(self.err(
                            Diagnostic::error("rmod::linear::variable_in_data", "the outer parts of a ranged constraint must be constant")
                                .with_label(e.span, "contains variables")
                                .with_help("write `lo <= expression <= hi` with data in `lo` and `hi`, or split it into two constraints"),
                        ));
                    }
                    bounds[k] = l.c;
                }
                let mid = self.lin(&d.exprs[1], env)?;
                let (lo, hi) = if d.rels[0].0 == RelOp::Le {
                    (bounds[0], bounds[1])
                } else {
                    (bounds[1], bounds[0])
                };
                (
                    Lin {
                        terms: mid.terms,
                        c: 0.0,
                    },
                    lo - mid.c,
                    hi - mid.c,
                )
            } else {
                let a = self.lin(&d.exprs[0], env)?;
                let b = self.lin(&d.exprs[1], env)?;
                let l = a.add(b, -1.0);
                let c = l.c;
                let (lo, hi) = match d.rels[0].0 {
                    RelOp::Le => (f64::NEG_INFINITY, -c),
                    RelOp::Ge => (-c, f64::INFINITY),
                    RelOp::Eq => (-c, -c),
                };
                (
                    Lin {
                        terms: l.terms,
                        c: 0.0,
                    },
                    lo,
                    hi,
                )
            };
            // `+ 0.0` turns -0 into 0 so that output never shows `-0`
            let (lo, hi) = (lo + 0.0, hi + 0.0);
            let coeffs = normalize(lin.terms);
            if coeffs.is_empty() {
                let tol = 1e-9 * (1.0 + lo.abs().min(hi.abs()).min(1e12));
                if lo > tol || hi < -tol {
                    return Err(self.err(
                        Diagnostic::error(
                            "rmod::data::infeasible_constant",
                            format!(
                                "constraint {} has no variables and is false",
                                origin.display()
                            ),
                        )
                        .with_label(
                            d.span,
                            format!("needs {lo} <= 0 <= {hi} after moving constants"),
                        )
                        .with_help(
                            "the model is infeasible as written; check the data of this constraint",
                        ),
                    ));
                }
                continue;
            }
            for (_, a) in &coeffs {
                if !a.is_finite() {
                    return Err(self.err(
                        Diagnostic::error(
                            "rmod::data::non_finite",
                            format!(
                                "constraint {} has a non-finite coefficient",
                                origin.display()
                            ),
                        )
                        .with_label(d.span, "here")
                        .with_help("check the data for overflow"),
                    ));
                }
            }
            self.model.rows.push(Row {
                origin,
                coeffs,
                lower: lo,
                upper: hi,
            });
        }
        Ok(())
    }

    fn objective(&mut self, d: &ObjDecl) -> R<()> {
        let l = self.lin(&d.expr, &Vec::new())?;
        self.model.objective = Some(Objective {
            name: d.name.name.clone(),
            sense: match d.sense {
                Sense::Minimize => rmod_ir::Sense::Minimize,
                Sense::Maximize => rmod_ir::Sense::Maximize,
            },
            coeffs: normalize(l.terms),
            constant: l.c,
        });
        Ok(())
    }

    fn option(&mut self, d: &OptionStmt) -> R<()> {
        let value = match &d.value.kind {
            ExprKind::Str(s) => OptValue::Str(s.clone()),
            ExprKind::Ref(id, subs) if subs.is_empty() && self.syms.get(&id.name).is_none() => {
                OptValue::Str(id.name.clone())
            }
            _ => OptValue::Num(self.num(&d.value, &Vec::new())?),
        };
        apply_option(&mut self.model.options, &d.key, &value).map_err(|(msg, help, code)| {
            let span = if code == "rmod::resolve::unknown_option" {
                d.key_span
            } else {
                d.value.span
            };
            self.err(
                Diagnostic::error(code, msg)
                    .with_label(span, "in this option")
                    .with_help(help),
            )
        })
    }

    // ----- sets and indexings -----

    fn set_expr(&mut self, s: &SetExpr, env: &Env) -> R<Rc<SetVal>> {
        match &s.kind {
            SetExprKind::Named(id) => {
                if self.poisoned.contains(&id.name) {
                    return Err(Reported);
                }
                self.sets.get(&id.name).cloned().ok_or(Reported)
            }
            SetExprKind::Range(a, b) => {
                let lo = self.int(a, env)?;
                let hi = self.int(b, env)?;
                if hi.saturating_sub(lo) > 50_000_000 {
                    return Err(self.err(
                        Diagnostic::error("rmod::data::not_an_element", "range is too large")
                            .with_label(s.span, "more than 50 million elements")
                            .with_help("use a smaller range"),
                    ));
                }
                Ok(Rc::new(SetVal::new(
                    1,
                    (lo..=hi).map(|i| vec![Elem::Int(i)]).collect(),
                )))
            }
            SetExprKind::Literal(elems) => {
                let mut tuples = Vec::with_capacity(elems.len());
                let mut seen = HashSet::default();
                let mut dim = None;
                for e in elems {
                    let key = self.key_of_env(e, env)?;
                    match dim {
                        None => dim = Some(key.len()),
                        Some(d) if d != key.len() => {
                            return Err(self.err(
                                Diagnostic::error(
                                    "rmod::resolve::index_arity",
                                    format!(
                                        "set elements of different sizes ({d} and {})",
                                        key.len()
                                    ),
                                )
                                .with_label(e.span, "this element has another size")
                                .with_help("all elements of a set are tuples of the same size"),
                            ))
                        }
                        _ => {}
                    }
                    if !seen.insert(key.clone()) {
                        return Err(self.err(
                            Diagnostic::error(
                                "rmod::data::duplicate_element",
                                format!("element {} is listed twice", show_key(&key)),
                            )
                            .with_label(e.span, "repeated element")
                            .with_help("remove the repetition"),
                        ));
                    }
                    tuples.push(key);
                }
                Ok(Rc::new(SetVal {
                    dim: dim.unwrap_or(1),
                    tuples,
                    members: seen,
                }))
            }
            SetExprKind::Product(parts) => {
                let mut acc: Vec<Vec<Elem>> = vec![Vec::new()];
                let mut dim = 0;
                for p in parts {
                    let s = self.set_expr(p, env)?;
                    dim += s.dim;
                    let mut next = Vec::with_capacity(acc.len() * s.tuples.len());
                    for a in &acc {
                        for t in &s.tuples {
                            let mut k = a.clone();
                            k.extend(t.iter().cloned());
                            next.push(k);
                        }
                    }
                    acc = next;
                }
                Ok(Rc::new(SetVal::new(dim, acc)))
            }
            SetExprKind::Comprehension(idx) => {
                let binds = self.bindings(idx, env)?;
                let dim = binds.first().map_or(0, |b| b.0.len());
                Ok(Rc::new(SetVal::new(
                    dim,
                    binds.into_iter().map(|b| b.0).collect(),
                )))
            }
        }
    }

    /// Every tuple of an indexing (after its filter), with the environment that binds its dummies.
    fn bindings<'x>(&mut self, idx: &'x Indexing, env: &Env<'x>) -> R<Vec<(Vec<Elem>, Env<'x>)>> {
        let mut out = Vec::new();
        let mut env = env.clone();
        let mut key = Vec::new();
        self.expand(
            &idx.items,
            &mut env,
            &mut key,
            idx.filter.as_ref(),
            &mut out,
        )?;
        Ok(out)
    }

    fn expand<'x>(
        &mut self,
        items: &'x [IndexItem],
        env: &mut Env<'x>,
        key: &mut Vec<Elem>,
        filter: Option<&Expr>,
        out: &mut Vec<(Vec<Elem>, Env<'x>)>,
    ) -> R<()> {
        let Some((item, rest)) = items.split_first() else {
            if let Some(f) = filter {
                if !self.truth(f, env)? {
                    return Ok(());
                }
            }
            out.push((key.clone(), env.clone()));
            return Ok(());
        };
        let set = self.set_expr(&item.set, env)?;
        for t in &set.tuples {
            let n_env = env.len();
            let n_key = key.len();
            for (v, e) in item.vars.iter().zip(t) {
                env.push((v.name.as_str(), e.clone()));
            }
            key.extend(t.iter().cloned());
            self.expand(rest, env, key, filter, out)?;
            env.truncate(n_env);
            key.truncate(n_key);
        }
        Ok(())
    }

    // ----- data expressions -----

    fn truth(&mut self, e: &Expr, env: &Env) -> R<bool> {
        Ok(self.num(e, env)? != 0.0)
    }

    fn num(&mut self, e: &Expr, env: &Env) -> R<f64> {
        match self.data(e, env)? {
            Val::Num(v) => Ok(v),
            Val::Elem(Elem::Int(i)) => Ok(i as f64),
            Val::Elem(Elem::Str(s)) => Err(self.err(
                Diagnostic::error(
                    "rmod::data::not_a_number",
                    format!("\"{s}\" is an element, not a number"),
                )
                .with_label(e.span, "expected a number")
                .with_help("use a parameter indexed by this element, e.g. `cap[r]`"),
            )),
            Val::Tuple(_) => Err(self.err(
                Diagnostic::error("rmod::data::not_a_number", "a tuple is not a number")
                    .with_label(e.span, "expected a number")
                    .with_help("tuples are only allowed as set elements and keys"),
            )),
        }
    }

    fn int(&mut self, e: &Expr, env: &Env) -> R<i64> {
        let v = self.num(e, env)?;
        if v.fract() != 0.0 || v.abs() > 1e15 {
            return Err(self.err(
                Diagnostic::error(
                    "rmod::data::not_an_element",
                    format!("{v} is not an integer"),
                )
                .with_label(e.span, "expected an integer")
                .with_help("ranges and numeric elements are integers"),
            ));
        }
        Ok(v as i64)
    }

    fn elem(&mut self, e: &Expr, env: &Env) -> R<Elem> {
        match self.data(e, env)? {
            Val::Elem(x) => Ok(x),
            Val::Num(v) if v.fract() == 0.0 && v.abs() <= 1e15 => Ok(Elem::Int(v as i64)),
            Val::Num(v) => Err(self.err(
                Diagnostic::error(
                    "rmod::data::not_an_element",
                    format!("{v} is not a set element"),
                )
                .with_label(e.span, "not a string or an integer")
                .with_help("set elements are quoted strings or integers"),
            )),
            Val::Tuple(_) => Err(self.err(
                Diagnostic::error("rmod::data::not_an_element", "a tuple is not one element")
                    .with_label(e.span, "expected one element")
                    .with_help("write the components as separate subscripts: `x[a, b]`"),
            )),
        }
    }

    fn key_of(&mut self, e: &Expr) -> R<Vec<Elem>> {
        self.key_of_env(e, &Vec::new())
    }

    fn key_of_env(&mut self, e: &Expr, env: &Env) -> R<Vec<Elem>> {
        match &e.kind {
            ExprKind::Tuple(parts) => parts.iter().map(|p| self.elem(p, env)).collect(),
            _ => Ok(vec![self.elem(e, env)?]),
        }
    }

    fn data(&mut self, e: &Expr, env: &Env) -> R<Val> {
        let v = match &e.kind {
            ExprKind::Num(v) => Val::Num(*v),
            ExprKind::Str(s) => Val::Elem(Elem::Str(s.clone())),
            ExprKind::Ref(id, subs) => {
                if subs.is_empty() {
                    if let Some((_, v)) = env.iter().rev().find(|(n, _)| *n == id.name) {
                        return Ok(Val::Elem(v.clone()));
                    }
                }
                Val::Num(self.param(id, subs, e.span, env)?)
            }
            ExprKind::Call(f, _) => {
                return Err(self.err(
                    Diagnostic::error("rmod::linear::misplaced_call", format!("`{}(...)` cannot be used inside a data expression", f.name))
                        .with_label(e.span, "not allowed here")
                        .with_help("a network call must be the whole right-hand side of a constraint `y = net(...)`"),
                ))
            }
            ExprKind::Neg(a) => Val::Num(-self.num(a, env)?),
            ExprKind::Not(a) => Val::Num(f64::from(!self.truth(a, env)?)),
            ExprKind::Tuple(parts) => Val::Tuple(parts.iter().map(|p| self.elem(p, env)).collect::<R<Vec<_>>>()?),
            ExprKind::Sum(idx, body) => {
                let binds = self.bindings(idx, env)?;
                if binds.is_empty() {
                    self.empty_sum(e.span);
                }
                let mut total = 0.0;
                for (_, env) in &binds {
                    total += self.num(body, env)?;
                }
                Val::Num(total)
            }
            ExprKind::Bin(op, a, b) => match op {
                BinOp::And => Val::Num(f64::from(self.truth(a, env)? && self.truth(b, env)?)),
                BinOp::Or => Val::Num(f64::from(self.truth(a, env)? || self.truth(b, env)?)),
                BinOp::Eq | BinOp::Ne => {
                    let x = self.data(a, env)?;
                    let y = self.data(b, env)?;
                    let eq = match (x, y) {
                        (Val::Num(p), Val::Num(q)) => p == q,
                        (Val::Elem(Elem::Int(i)), Val::Num(q)) | (Val::Num(q), Val::Elem(Elem::Int(i))) => i as f64 == q,
                        (Val::Elem(p), Val::Elem(q)) => p == q,
                        (Val::Tuple(p), Val::Tuple(q)) => p == q,
                        _ => false,
                    };
                    Val::Num(f64::from(if *op == BinOp::Eq { eq } else { !eq }))
                }
                BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                    let x = self.num(a, env)?;
                    let y = self.num(b, env)?;
                    Val::Num(f64::from(match op {
                        BinOp::Lt => x < y,
                        BinOp::Le => x <= y,
                        BinOp::Gt => x > y,
                        _ => x >= y,
                    }))
                }
                BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                    let x = self.num(a, env)?;
                    let y = self.num(b, env)?;
                    match op {
                        BinOp::Add => Val::Num(x + y),
                        BinOp::Sub => Val::Num(x - y),
                        BinOp::Mul => Val::Num(x * y),
                        _ => {
                            if y == 0.0 {
                                return Err(self.err(
                                    Diagnostic::error("rmod::data::division_by_zero", "division by zero")
                                        .with_label(b.span, "this evaluates to 0")
                                        .with_help("check the data, or exclude the zero case with a filter"),
                                ));
                            }
                            Val::Num(x / y)
                        }
                    }
                }
            },
        };
        if let Val::Num(x) = v {
            if !x.is_finite() {
                return Err(self.err(
                    Diagnostic::error("rmod::data::non_finite", "the value is not finite")
                        .with_label(e.span, "overflows to infinity")
                        .with_help("check the magnitudes of the data"),
                ));
            }
        }
        Ok(v)
    }

    fn empty_sum(&mut self, span: Span) {
        self.warn_once(
            Diagnostic::warning("rmod::data::empty_sum", "this sum runs over no elements")
                .with_label(span, "evaluates to 0")
                .with_help("check the index set and the filter of the sum"),
        );
    }

    fn subscripts(&mut self, subs: &[Expr], env: &Env) -> R<Vec<Elem>> {
        subs.iter().map(|s| self.elem(s, env)).collect()
    }

    fn param(&mut self, id: &Ident, subs: &[Expr], span: Span, env: &Env) -> R<f64> {
        if self.poisoned.contains(&id.name) {
            return Err(Reported);
        }
        let key = self.subscripts(subs, env)?;
        let Some(p) = self.params.get(&id.name) else {
            return Err(Reported);
        };
        if let Some(v) = p.scalar {
            return Ok(v);
        }
        if let Some(v) = p.map.get(&key) {
            return Ok(*v);
        }
        let in_index = p.index.as_ref().is_none_or(|i| i.members.contains(&key));
        let (default, decl) = (p.default, p.span);
        if !in_index {
            let index = p.index.clone();
            let mut d = Diagnostic::error(
                "rmod::data::out_of_set",
                format!(
                    "{} is not in the index set of `{}`",
                    show_key(&key),
                    id.name
                ),
            )
            .with_label(span, "subscript outside the index set")
            .with_label(decl, "declared here");
            if let Some(i) = index {
                d = d.with_help(format!("valid subscripts include {}", preview(&i)));
            }
            return Err(self.err(d));
        }
        match default {
            Some(v) => Ok(v),
            None => Err(self.err(
                Diagnostic::error(
                    "rmod::data::missing_value",
                    format!("`{}` has no value for {}", id.name, show_key(&key)),
                )
                .with_label(span, "value needed here")
                .with_label(decl, "declared here")
                .with_help(format!(
                    "give a value for {} or declare a `default`",
                    show_key(&key)
                )),
            )),
        }
    }

    // ----- linear expressions -----

    fn lin(&mut self, e: &Expr, env: &Env) -> R<Lin> {
        match &e.kind {
            ExprKind::Num(v) => Ok(Lin::constant(*v)),
            ExprKind::Ref(id, subs) if self.syms.get(&id.name).map(|s| s.kind) == Some(Kind::Var) && !env.iter().any(|(n, _)| *n == id.name) => {
                let key = self.subscripts(subs, env)?;
                if self.poisoned.contains(&id.name) {
                    return Err(Reported);
                }
                let Some(var) = self.vars.get(&id.name) else { return Err(Reported) };
                match var.cols.get(&key) {
                    Some(c) => Ok(Lin { terms: vec![(*c, 1.0)], c: 0.0 }),
                    None => {
                        let (decl, index) = (var.span, var.index.clone());
                        Err(self.err(
                            Diagnostic::error("rmod::data::out_of_set", format!("{} is not in the index set of variable `{}`", show_key(&key), id.name))
                                .with_label(e.span, "no such variable")
                                .with_label(decl, "declared here")
                                .with_help(format!("valid subscripts include {}", preview(&index))),
                        ))
                    }
                }
            }
            ExprKind::Ref(..) | ExprKind::Str(_) => Ok(Lin::constant(self.num(e, env)?)),
            ExprKind::Neg(a) => Ok(self.lin(a, env)?.scale(-1.0)),
            ExprKind::Sum(idx, body) => {
                let binds = self.bindings(idx, env)?;
                if binds.is_empty() {
                    self.empty_sum(e.span);
                }
                let mut acc = Lin::default();
                for (_, env) in &binds {
                    let l = self.lin(body, env)?;
                    acc = acc.add(l, 1.0);
                }
                Ok(acc)
            }
            ExprKind::Bin(op @ (BinOp::Add | BinOp::Sub), a, b) => {
                let x = self.lin(a, env)?;
                let y = self.lin(b, env)?;
                Ok(x.add(y, if *op == BinOp::Add { 1.0 } else { -1.0 }))
            }
            ExprKind::Bin(BinOp::Mul, a, b) => {
                let x = self.lin(a, env)?;
                let y = self.lin(b, env)?;
                match (x.terms.is_empty(), y.terms.is_empty()) {
                    (_, true) => Ok(x.scale(y.c)),
                    (true, false) => Ok(y.scale(x.c)),
                    (false, false) => Err(self.err(
                        Diagnostic::error("rmod::linear::product_of_variables", "product of two expressions with variables is not linear")
                            .with_label(a.span, "this factor contains variables")
                            .with_label(b.span, "and so does this one")
                            .with_help("make one factor a parameter, or linearize the product (e.g. with a binary and big-M constraints)"),
                    )),
                }
            }
            ExprKind::Bin(BinOp::Div, a, b) => {
                let x = self.lin(a, env)?;
                let y = self.lin(b, env)?;
                if !y.terms.is_empty() {
                    return Err(self.err(
                        Diagnostic::error("rmod::linear::division_by_variable", "division by an expression with variables is not linear")
                            .with_label(b.span, "the divisor contains variables")
                            .with_help("multiply both sides of the constraint by the divisor, or make the divisor a parameter"),
                    ));
                }
                if y.c == 0.0 {
                    return Err(self.err(Diagnostic::error("rmod::data::division_by_zero", "division by zero").with_label(b.span, "this evaluates to 0").with_help("check the data, or exclude the zero case with a filter")));
                }
                Ok(x.scale(1.0 / y.c))
            }
            ExprKind::Bin(op, ..) => Err(self.err(
                Diagnostic::error("rmod::linear::relation_in_expression", format!("`{}` is not an arithmetic operator", op.symbol()))
                    .with_label(e.span, "comparison inside an expression")
                    .with_help("comparisons belong in filters, e.g. `sum{i in I: a[i] > 0} x[i]`"),
            )),
            ExprKind::Not(_) => Err(self.err(Diagnostic::error("rmod::linear::relation_in_expression", "`not` is not an arithmetic operator").with_label(e.span, "logic inside an expression").with_help("logic belongs in filters"))),
            ExprKind::Call(f, _) => Err(self.err(
                Diagnostic::error("rmod::linear::misplaced_call", format!("`{}(...)` cannot be part of a larger expression", f.name))
                    .with_label(e.span, "not allowed here")
                    .with_help("a network call must be the whole right-hand side of a constraint: `y = net(...)`"),
            )),
            ExprKind::Tuple(_) => Err(self.err(
                Diagnostic::error("rmod::linear::misplaced_call", "a tuple cannot be part of an expression")
                    .with_label(e.span, "tuple")
                    .with_help("tuples of variables are only allowed on the left of a network call: `(a, b) = net(...)`"),
            )),
        }
    }
}

fn is_call(e: &Expr, name: &str) -> bool {
    matches!(&e.kind, ExprKind::Call(f, _) if f.name == name)
}

fn elem_from_text(s: &str) -> Elem {
    match s.parse::<i64>() {
        Ok(i) => Elem::Int(i),
        Err(_) => Elem::Str(s.to_string()),
    }
}

fn show_key(key: &[Elem]) -> String {
    let parts: Vec<String> = key.iter().map(Elem::to_source).collect();
    if parts.len() == 1 {
        parts[0].clone()
    } else {
        format!("({})", parts.join(", "))
    }
}

fn preview(set: &SetVal) -> String {
    let mut parts: Vec<String> = set.tuples.iter().take(4).map(|t| show_key(t)).collect();
    if set.tuples.len() > 4 {
        parts.push(format!("... ({} in all)", set.tuples.len()));
    }
    if parts.is_empty() {
        "nothing: the set is empty".into()
    } else {
        parts.join(", ")
    }
}

fn key_not_in_set(key: &[Elem], span: Span, name: &str, index: &SetVal) -> Diagnostic {
    Diagnostic::error(
        "rmod::data::key_not_in_set",
        format!(
            "key {} is not in the index set of {}",
            show_key(key),
            if name.starts_with("the ") {
                name.to_string()
            } else {
                format!("`{name}`")
            }
        ),
    )
    .with_label(span, "unknown key")
    .with_help(format!("the index set holds {}", preview(index)))
}

// ----- neural networks -----

impl Evaluator<'_> {
    fn net_decl(&mut self, d: &NetDecl) -> R<()> {
        let usage = "write `net NAME = relu_net(\"path/to/net.json\");` (relative to the model file), optionally with `bounds = \"lp\"`";
        let ExprKind::Call(_, args) = &d.value.kind else {
            return Err(Reported);
        };
        let (path, path_span) = self.path_arg(
            args,
            d.value.span,
            "rmod::relu::invalid_call",
            "`relu_net` needs the path of a network file",
            usage,
        )?;
        for extra in args.iter().skip(1) {
            if let (Some(n), ExprKind::Str(m)) = (&extra.name, &extra.value.kind) {
                let method = rmod_ir::BoundMethodName::from_name(m);
                if let (true, Some(method)) = (n.name == "bounds", method) {
                    self.net_bounds.insert(d.name.name.clone(), method);
                    continue;
                }
                let context = rmod_ir::BoundContext::from_name(m);
                if let (true, Some(context)) = (n.name == "context", context) {
                    self.net_context.insert(d.name.name.clone(), context);
                    continue;
                }
            }
            return Err(self.err(
                Diagnostic::error(
                    "rmod::relu::invalid_call",
                    "`relu_net` takes the file path and optionally `bounds = \"ia\" | \"lp\" | \"milp\"` and `context = \"network\" | \"model\"`",
                )
                .with_label(extra.value.span, "unexpected argument")
                .with_help(usage),
            ));
        }
        let net = match self.by_path.get(&path) {
            Some(n) => n.clone(),
            None => {
                let (file, shown, text) = self.read_file(&path, path_span, "network file")?;
                let (net, mut diags) = rmod_relu::parse(file, &shown, &text);
                for diag in &mut diags {
                    diag.labels.push(rmod_diagnostics::Label {
                        span: path_span,
                        message: "network loaded here".into(),
                    });
                }
                self.diags.extend(diags);
                let Some(net) = net else { return Err(Reported) };
                let net = Arc::new(net);
                self.by_path.insert(path.clone(), net.clone());
                net
            }
        };
        self.networks.push((d.name.name.clone(), path, net));
        Ok(())
    }

    /// `lhs = NET(args)` with NET a declared network?
    fn net_call<'d>(&self, d: &'d ConDecl) -> Option<(&'d Ident, &'d [Arg])> {
        if d.exprs.len() != 2 || d.rels[0].0 != RelOp::Eq {
            return None;
        }
        match &d.exprs[1].kind {
            ExprKind::Call(f, args)
                if self.syms.get(&f.name).map(|s| s.kind) == Some(Kind::Net) =>
            {
                Some((f, args))
            }
            _ => None,
        }
    }

    fn net_constraint(
        &mut self,
        d: &ConDecl,
        f: &Ident,
        args: &[Arg],
        key: &[Elem],
        env: &Env,
    ) -> R<()> {
        if self.poisoned.contains(&f.name) {
            return Err(Reported);
        }
        let Some((_, path, net)) = self.networks.iter().find(|(n, _, _)| *n == f.name).cloned()
        else {
            return Err(Reported);
        };
        let n_in = net.n_inputs();
        let n_out = net.n_outputs();
        let names: Vec<String> = (0..n_in).map(|i| net.input_name(i)).collect();
        // match arguments to inputs
        let mut slots: Vec<Option<&Expr>> = vec![None; n_in];
        let mut positional = 0;
        for a in args {
            match &a.name {
                None => {
                    if positional >= n_in {
                        return Err(self.err(
                            Diagnostic::error(
                                "rmod::relu::arity",
                                format!("network `{}` takes {n_in} input(s), found more", f.name),
                            )
                            .with_label(a.value.span, "extra argument")
                            .with_help(format!("{path} declares the inputs {}", names.join(", "))),
                        ));
                    }
                    slots[positional] = Some(&a.value);
                    positional += 1;
                }
                Some(n) => {
                    let Some(i) = net
                        .inputs
                        .as_ref()
                        .and_then(|v| v.iter().position(|x| *x == n.name))
                    else {
                        let mut diag = Diagnostic::error(
                            "rmod::relu::unknown_input",
                            format!("network `{}` has no input named `{}`", f.name, n.name),
                        )
                        .with_label(n.span, format!("not an input of {path}"));
                        diag = match (
                            &net.inputs,
                            rmod_diagnostics::did_you_mean(
                                &n.name,
                                names.iter().map(String::as_str),
                            ),
                        ) {
                            (None, _) => diag.with_help(format!(
                                "{path} names no inputs: pass the {n_in} argument(s) by position"
                            )),
                            (Some(_), Some(s)) => diag.with_help(format!(
                                "the file declares inputs {}; did you mean `{s}`?",
                                quoted(&names)
                            )),
                            (Some(_), None) => diag
                                .with_help(format!("the file declares inputs {}", quoted(&names))),
                        };
                        return Err(self.err(diag));
                    };
                    if slots[i].is_some() {
                        return Err(self.err(
                            Diagnostic::error(
                                "rmod::relu::arity",
                                format!("input `{}` is given twice", n.name),
                            )
                            .with_label(n.span, "second value")
                            .with_help("give each input once"),
                        ));
                    }
                    slots[i] = Some(&a.value);
                }
            }
        }
        if let Some(i) = slots.iter().position(Option::is_none) {
            return Err(self.err(
                Diagnostic::error(
                    "rmod::relu::arity",
                    format!(
                        "network `{}` takes {n_in} input(s); `{}` is missing",
                        f.name, names[i]
                    ),
                )
                .with_label(d.exprs[1].span, "incomplete call")
                .with_help(format!("{path} declares the inputs {}", names.join(", "))),
            ));
        }
        // outputs: variables
        let lhs: Vec<&Expr> = match &d.exprs[0].kind {
            ExprKind::Tuple(items) => items.iter().collect(),
            _ => vec![&d.exprs[0]],
        };
        if lhs.len() != n_out {
            return Err(self.err(
                Diagnostic::error(
                    "rmod::relu::arity",
                    format!(
                        "network `{}` has {n_out} output(s), the left side has {}",
                        f.name,
                        lhs.len()
                    ),
                )
                .with_label(d.exprs[0].span, format!("{} value(s)", lhs.len()))
                .with_help(if n_out == 1 {
                    "write `y = net(...)`".to_string()
                } else {
                    format!(
                        "write a tuple of {n_out} variables: `({}) = net(...)`",
                        (1..=n_out)
                            .map(|k| format!("y{k}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }),
            ));
        }
        let mut out_cols = Vec::with_capacity(n_out);
        for e in &lhs {
            let l = self.lin(e, env)?;
            match l.terms.as_slice() {
                [(c, a)] if *a == 1.0 && l.c == 0.0 => out_cols.push(*c),
                _ => {
                    return Err(self.err(
                        Diagnostic::error("rmod::relu::output_not_variable", "a network output must be a single variable")
                            .with_label(e.span, "not a plain variable")
                            .with_help("introduce a variable for the output and use it here, e.g. `y = net(x)` and then constraints on `y`"),
                    ))
                }
            }
        }
        // inputs: affine expressions, bounded when the network is encoded
        let mut inputs = Vec::with_capacity(n_in);
        for e in &slots {
            let e = e.ok_or(Reported)?;
            let l = self.lin(e, env)?;
            let aff = Affine {
                coeffs: normalize(l.terms),
                constant: l.c,
            };
            inputs.push((aff, e.span));
        }
        self.pending.push(PendingUse {
            net_name: f.name.clone(),
            path,
            net,
            names,
            inputs,
            out_cols,
            base: format!("{}.{}", d.name.name, f.name),
            key: key.to_vec(),
            span: d.name.span,
        });
        Ok(())
    }

    /// Bounds, encoding and output link of one network use.
    fn encode_use(&mut self, p: PendingUse) -> R<()> {
        let PendingUse {
            net_name,
            path,
            net,
            names,
            inputs: args,
            out_cols,
            base,
            key,
            span,
        } = p;
        let key = key.as_slice();
        let mut inputs = Vec::with_capacity(args.len());
        let mut boxes = Vec::with_capacity(args.len());
        for (i, (aff, e_span)) in args.into_iter().enumerate() {
            let (mut lo, mut hi) = aff.bounds(&self.model);
            if let Some(b) = &net.input_bounds {
                lo = lo.max(b[i].0);
                hi = hi.min(b[i].1);
            }
            if !lo.is_finite() || !hi.is_finite() {
                return Err(self.err(
                    Diagnostic::error("rmod::relu::unbounded_input", format!("input `{}` of network `{net_name}` is unbounded", names[i]))
                        .with_label(e_span, format!("this expression has bounds [{lo}, {hi}]"))
                        .with_help(format!("bound the variables in this expression (e.g. `var x in [lo, hi]`) or give `input_bounds` in {path}")),
                ));
            }
            if lo > hi + 1e-9 * (1.0 + hi.abs()) {
                return Err(self.err(
                    Diagnostic::error("rmod::relu::empty_input_box", format!("input `{}` of network `{net_name}` has no feasible value", names[i]))
                        .with_label(e_span, format!("bounds intersect to [{lo}, {hi}]"))
                        .with_help(format!("the model's bounds on this expression do not meet the `input_bounds` of {path}")),
                ));
            }
            self.restrict_to_box(&aff, (lo, hi.max(lo)), &base, key, i, span);
            inputs.push(aff);
            boxes.push((lo, hi.max(lo)));
        }
        // the network as encoded: the file's, or rescaled (the same function)
        let encoded = match self.model.options.relu_scaling {
            Some(rmod_ir::ReluScaling::Bigm) => Arc::new(rmod_relu::scale_network(
                &net,
                &boxes,
                rmod_relu::ReluScaling::BigM,
            )),
            Some(rmod_ir::ReluScaling::Balanced) => Arc::new(rmod_relu::scale_network(
                &net,
                &boxes,
                rmod_relu::ReluScaling::Balanced,
            )),
            _ => net.clone(),
        };
        // weights that cannot matter in double precision go; bounds widen by what they could do
        let (_, slo, shi) = rmod_relu::scale_inputs(&encoded, &inputs, &boxes);
        let (cleaned, hygiene) = rmod_relu::clean(&encoded, &slo, &shi);
        let encoded = if hygiene.dropped > 0 {
            self.warn_once(
                Diagnostic::warning(
                    "rmod::relu::negligible_weights",
                    format!(
                        "network `{net_name}`: {} weight(s) too small to matter in double precision over its input box were dropped (largest contribution {:.1e})",
                        hygiene.dropped, hygiene.largest
                    ),
                )
                .with_label(span, "in this use")
                .with_help(format!("every bound was widened by their worst-case contribution, so the encoding stays valid for the exact network; set them to 0 in {path} to silence this")),
            );
            Arc::new(cleaned)
        } else {
            encoded
        };
        use rmod_ir::BoundMethodName as M;
        let chosen = self
            .net_bounds
            .get(&net_name)
            .copied()
            .or(self.model.options.bounds)
            // the default: LP-OBBT where a solver is at hand (BENCHMARKS.md), else interval
            // arithmetic; the report names the method used
            .unwrap_or(if self.oracle.is_some() { M::Lp } else { M::Ia });
        let method_name = chosen.as_str();
        let model_context = self
            .net_context
            .get(&net_name)
            .or(self.model.options.bound_context.as_ref())
            .is_some_and(|c| *c == rmod_ir::BoundContext::Model);
        let time_limit = self.model.options.bound_time_limit.unwrap_or(1.0);
        let method = match (chosen, self.oracle) {
            (M::Ia, _) => rmod_relu::BoundMethod::Ia,
            (M::Lp, Some(o)) => rmod_relu::BoundMethod::Lp(o),
            (M::Milp, Some(o)) => rmod_relu::BoundMethod::Milp(o, time_limit),
            _ => {
                return Err(self.err(
                    Diagnostic::error("rmod::relu::bounds_unavailable", format!("bounds \"{method_name}\" need a solver, and none was given to the compiler"))
                        .with_label(span, "network use")
                        .with_help("run through the `rmod` command, which provides CBC, or use `option bounds = \"ia\";`"),
                ))
            }
        };
        let model_context = model_context && chosen != M::Ia;
        let cache_key = match (self.cache, chosen) {
            (Some(_), M::Lp | M::Milp) => Some(crate::cache::key(
                &encoded,
                &boxes,
                method_name,
                time_limit,
                model_context.then_some((&self.model, inputs.as_slice())),
            )),
            _ => None,
        };
        let cached = match (self.cache, &cache_key) {
            (Some(c), Some(k)) => c
                .get(k)
                .and_then(|text| rmod_relu::Bounds::from_text(&encoded, &text, &boxes)),
            _ => None,
        };
        let bounds = match cached {
            Some(b) => b,
            None => {
                let b = rmod_relu::compute_bounds(
                    &encoded,
                    &self.model,
                    &inputs,
                    &boxes,
                    &method,
                    model_context,
                    self.deadline,
                );
                if let (Some(c), Some(k), true) = (self.cache, &cache_key, b.complete) {
                    c.put(k, &b.to_text());
                }
                b
            }
        };
        let mut bounds = bounds;
        // bounds from a solver must admit every true activation: forward passes at samples of
        // the box (for the network context; a model context's bounds hold only on the model's
        // feasible points, which the solve's checks see)
        if bounds.method != "ia" && bounds.context == "network" {
            if let Some(f) = rmod_relu::self_check(&encoded, &mut bounds.pre, &slo, &shi, 512) {
                self.warn_once(
                    Diagnostic::warning(
                        "rmod::relu::bound_check",
                        format!(
                            "network `{net_name}`: {} bound(s) cut off a true activation at a sample point (first: layer {} neuron {}, pre-activation {:.6e} outside [{:.6e}, {:.6e}]); from layer {} on, interval bounds are used",
                            f.neurons, f.layer + 1, f.neuron + 1, f.value, f.bounds.0, f.bounds.1, f.layer + 1
                        ),
                    )
                    .with_label(span, "in this use")
                    .with_help("the bound tightening's solver worked within its tolerances; the encoding stays exact with interval bounds there. Report the network file"),
                );
            }
        }
        if hygiene.dropped > 0 {
            rmod_relu::widen_by_margin(&mut bounds.pre, &hygiene.margin);
        }
        let name = rmod_relu::UseName {
            base: &base,
            index: key,
            span,
        };
        let enc = rmod_relu::encode(&encoded, &mut self.model, &inputs, &name, &bounds);
        // link outputs: lhs = output (model units)
        for (j, (col, out)) in out_cols.iter().zip(&enc.outputs).enumerate() {
            let mut e = Affine::var(*col);
            e.add_scaled(out, -1.0);
            let e = e.normalized();
            let c = -e.constant;
            self.push_use_row(format!("{base}.out"), key, j, e.coeffs, (c, c), span);
            let (p, q) = enc.output_bounds[j];
            let c = &mut self.model.columns[*col as usize];
            let (nl, nu) = (
                c.lower.max(p - 1e-9 * p.abs().max(1.0)),
                c.upper.min(q + 1e-9 * q.abs().max(1.0)),
            );
            if nl <= nu {
                c.lower = nl;
                c.upper = nu;
            }
        }
        if !enc.large_m.is_empty() {
            let worst = enc.large_m.iter().map(|n| n.m).fold(0.0, f64::max);
            self.warn_once(
                Diagnostic::warning("rmod::relu::large_big_m", format!("{} neuron(s) of network `{net_name}` have big-M values above 1e4 (largest {worst:.3e})", enc.large_m.len()))
                    .with_label(span, "in this use")
                    .with_help("tighten the input bounds, or retrain with regularization; large M values make CBC slow and numerically fragile"),
            );
        }
        let display = Origin {
            decl: base.split('.').next().unwrap_or("").to_string(),
            index: key.to_vec(),
            span,
        }
        .display();
        self.uses.push(NetUse {
            net: net_name,
            file: path,
            constraint: display,
            network: net,
            encoded,
            inputs,
            outputs: out_cols,
            columns: enc.columns,
            m_rows: enc.m_rows,
            pre: bounds.pre.clone(),
            stats: enc.stats,
        });
        Ok(())
    }
}

impl Evaluator<'_> {
    /// The network is defined on its input box (the file's `input_bounds`): where the box is
    /// narrower than the model's bounds on argument `i`, the model is restricted to it, through
    /// the column's bounds for a single variable, else by a row `BASE.box[key.., i]`.
    fn restrict_to_box(
        &mut self,
        aff: &Affine,
        (lo, hi): (f64, f64),
        base: &str,
        key: &[Elem],
        i: usize,
        span: rmod_diagnostics::Span,
    ) {
        let (mlo, mhi) = aff.bounds(&self.model);
        if lo <= mlo && hi >= mhi {
            return;
        }
        if let [(c, a)] = aff.coeffs.as_slice() {
            let (p, q) = ((lo - aff.constant) / a, (hi - aff.constant) / a);
            let col = &mut self.model.columns[*c as usize];
            col.lower = col.lower.max(p.min(q));
            col.upper = col.upper.min(p.max(q));
            return;
        }
        let (p, q) = (lo - aff.constant, hi - aff.constant);
        self.push_use_row(
            format!("{base}.box"),
            key,
            i,
            aff.coeffs.clone(),
            (p, q),
            span,
        );
    }

    /// A row generated for one argument or output `k` (from 0) of a network use.
    fn push_use_row(
        &mut self,
        decl: String,
        key: &[Elem],
        k: usize,
        coeffs: Vec<(u32, f64)>,
        (lower, upper): (f64, f64),
        span: rmod_diagnostics::Span,
    ) {
        let mut index = key.to_vec();
        index.push(Elem::Int(k as i64 + 1));
        self.model.rows.push(Row {
            origin: Origin { decl, index, span },
            coeffs,
            lower,
            upper,
        });
    }
}

/// A network use whose arguments are compiled and whose encoding waits for the whole model.
struct PendingUse {
    net_name: String,
    path: String,
    net: Arc<Network>,
    names: Vec<String>,
    /// argument expressions (model units) and their spans
    inputs: Vec<(Affine, Span)>,
    out_cols: Vec<u32>,
    base: String,
    key: Vec<Elem>,
    span: Span,
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
