//! Declarations: sets, parameters (with their checks), variables, constraints, the objective and
//! options; and the files a declaration names.

use rmod_diagnostics::code;

use rustc_hash::FxHashMap as HashMap;
use std::rc::Rc;

use rmod_diagnostics::{Diagnostic, FileId, Span};
use rmod_ir::{Affine, ColKind, Column, Objective, Origin, Row};
use rmod_syntax::*;

use rmod_ir::Elem;

use super::piecewise::Want;
use super::switch::Switch;
use super::values::{key_not_in_set, preview, show_key, IndexedSetVal, ParamVal, SetVal, VarVal};
use super::{Evaluator, R};
use crate::options::{apply_option, OptValue};

impl Evaluator<'_> {
    /// The first argument of `csv(...)` or `relu_net(...)`: a path in quotes.
    pub(super) fn path_arg(
        &mut self,
        args: &[Arg],
        call: Span,
        code: rmod_diagnostics::Code,
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
    pub(super) fn read_file(
        &mut self,
        path: &str,
        span: Span,
        what: &str,
    ) -> R<(FileId, String, String)> {
        match self.loader.load(path) {
            Ok(text) => {
                let shown = self.loader.display_name(path);
                let file = self.sources.add(shown.clone(), text.clone());
                Ok((file, shown, text))
            }
            Err(e) => Err(self.err(
                Diagnostic::error(code::DATA_FILE, format!("cannot read {what} `{path}`: {e}"))
                    .with_label(span, "this file")
                    .with_help("paths are relative to the model file; check the name and location"),
            )),
        }
    }

    pub(super) fn set_decl(&mut self, d: &SetDecl) -> R<()> {
        if let Some(idx) = &d.indexing {
            let binds = self.bindings(idx, &Vec::new())?;
            let mut sets = HashMap::with_capacity_and_hasher(binds.len(), Default::default());
            for (key, env) in &binds {
                let s = self.set_expr(&d.value, env)?;
                sets.insert(key.clone(), s);
            }
            let dim = binds.first().map_or(0, |b| b.0.len());
            let index = Rc::new(SetVal::new(dim, binds.into_iter().map(|b| b.0).collect()));
            self.indexed_sets
                .insert(d.name.name.clone(), IndexedSetVal { sets, index });
            return Ok(());
        }
        let s = self.set_expr(&d.value, &Vec::new())?;
        if s.tuples.is_empty() {
            self.warn_once(
                Diagnostic::warning(
                    code::DATA_EMPTY_SET,
                    format!("set `{}` is empty", d.name.name),
                )
                .with_label(d.value.span, "evaluates to no elements")
                .with_help("declarations indexed over an empty set create nothing; check the data"),
            );
        }
        self.sets.insert(d.name.name.clone(), s);
        Ok(())
    }

    pub(super) fn param_decl(&mut self, d: &ParamDecl) -> R<()> {
        let name = &d.name.name;
        let env = Vec::new();
        let default = match &d.default {
            Some(e) => Some(self.num(e, &env)?),
            None => None,
        };
        // `-D name=v` and `-D 'name[key]=v'` (the last one given wins)
        let mut override_val = None;
        let mut keyed = Vec::new();
        for o in &mut self.overrides {
            if let Ok(n) = &o.name {
                if n.param == *name {
                    o.used = true;
                    match n.key {
                        None => override_val = Some(o.value),
                        Some(_) => keyed.push((o.raw.clone(), n.clone(), o.value)),
                    }
                }
            }
        }
        let mut p = ParamVal {
            scalar: None,
            map: HashMap::default(),
            default,
            index: None,
            span: d.name.span,
        };
        match &d.indexing {
            None => {
                if let Some((raw, _, _)) = keyed.first() {
                    return Err(self.err(
                        Diagnostic::error(
                            code::RESOLVE_UNKNOWN_OVERRIDE,
                            format!(
                                "`-D {raw}=...` gives a key, but `{name}` is a scalar parameter"
                            ),
                        )
                        .with_label(d.name.span, "scalar parameter")
                        .with_help(format!("write `-D {name}=VALUE`")),
                    ));
                }
                if let Some(v) = override_val {
                    p.scalar = Some(v);
                } else {
                    p.scalar = match &d.value {
                        Some(ParamValue::Expr(e)) if is_call(e, "csv") => return Err(self.err(
                            Diagnostic::error(
                                code::DATA_CSV_CALL,
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
                                    code::RESOLVE_INDEX_ARITY,
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
                            Diagnostic::error(code::DATA_MISSING_VALUE, format!("parameter `{name}` has no value"))
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
                            code::RESOLVE_UNKNOWN_OVERRIDE,
                            format!("`-D {name}=...` overrides an indexed parameter"),
                        )
                        .with_label(d.name.span, "indexed parameter")
                        .with_help(format!(
                            "give the key of the value to set, e.g. `-D '{name}[KEY]=VALUE'`"
                        )),
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
                                        code::RESOLVE_INDEX_ARITY,
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
                                        code::DATA_DUPLICATE_ELEMENT,
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
                for (raw, n, v) in keyed {
                    let Some(key) = n.find_in(&index.tuples).cloned() else {
                        return Err(self.err(
                            Diagnostic::error(
                                code::RESOLVE_UNKNOWN_OVERRIDE,
                                format!(
                                    "`-D {raw}=...`: the key is not in the index set of `{name}`"
                                ),
                            )
                            .with_label(d.name.span, "indexed parameter")
                            .with_help(format!(
                                "the index set holds {} ({} element(s) per key)",
                                super::values::preview(&index),
                                index.dim
                            )),
                        ));
                    };
                    p.map.insert(key, v);
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
                        code::DATA_CHECK_FAILED,
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

    pub(super) fn var_decl(&mut self, d: &VarDecl) -> R<()> {
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
                    code::DATA_EMPTY_BOUNDS,
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
            if let Some(e) = &d.init {
                let v = self.num(e, env)?;
                self.initial.push((col, v));
            }
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

    /// `fix {i in I} x[i] = value;`
    pub(super) fn fix_stmt(&mut self, d: &FixStmt) -> R<()> {
        let binds = match &d.indexing {
            None => vec![(Vec::new(), Vec::new())],
            Some(idx) => self.bindings(idx, &Vec::new())?,
        };
        for (_, env) in &binds {
            if self.poisoned.contains(&d.var.name) {
                return Err(super::Reported);
            }
            let key = self.subscripts(&d.subs, env)?;
            let value = self.num(&d.value, env)?;
            let Some(var) = self.vars.get(&d.var.name) else {
                return Err(super::Reported);
            };
            let Some(&col) = var.cols.get(&key) else {
                let (decl, help) = (
                    var.span,
                    format!("valid subscripts include {}", preview(&var.index)),
                );
                return Err(self.err(
                    Diagnostic::error(
                        code::DATA_OUT_OF_SET,
                        format!(
                            "{} is not in the index set of variable `{}`",
                            show_key(&key),
                            d.var.name
                        ),
                    )
                    .with_label(d.var.span, "no such variable")
                    .with_label(decl, "declared here")
                    .with_help(help),
                ));
            };
            self.fix_column(col, value, Some((d.value.span, d.var.span)))?;
        }
        Ok(())
    }

    /// `--fix x=1`, `--fix x[a, 2]=1`: elements unquoted or in quotes; integers are integers.
    pub(super) fn cli_fix(&mut self, name: &str, value: f64) -> R<()> {
        let (var, key) = match name.split_once('[') {
            Some((v, rest)) => {
                let inner = rest.trim().strip_suffix(']').unwrap_or(rest);
                let key: Vec<Elem> = inner
                    .split(',')
                    .map(|p| {
                        let p = p.trim();
                        let unquoted = p.strip_prefix('"').and_then(|q| q.strip_suffix('"'));
                        match (unquoted, p.parse::<i64>()) {
                            (Some(q), _) => Elem::Str(q.to_string()),
                            (None, Ok(k)) => Elem::Int(k),
                            (None, Err(_)) => Elem::Str(p.to_string()),
                        }
                    })
                    .collect();
                (v.trim(), key)
            }
            None => (name.trim(), Vec::new()),
        };
        if self.poisoned.contains(var) {
            return Err(super::Reported);
        }
        let Some(v) = self.vars.get(var) else {
            let names = self.syms.names_of(crate::resolve::Kind::Var);
            let mut d = Diagnostic::error(
                code::RESOLVE_UNKNOWN_OVERRIDE,
                format!("`--fix {name}=...` names no variable of the model"),
            );
            d = match rmod_diagnostics::did_you_mean(var, names) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help("`--fix` fixes a variable declared with `var`: `--fix x=1` or `--fix 'x[a, 2]=1'`"),
            };
            return Err(self.err(d));
        };
        let Some(&col) = v.cols.get(&key) else {
            let help = format!("valid subscripts include {}", preview(&v.index));
            return Err(self.err(
                Diagnostic::error(
                    code::DATA_OUT_OF_SET,
                    format!(
                        "`--fix {name}=...`: {} is not in the index set of variable `{var}`",
                        if key.is_empty() {
                            "no subscript".to_string()
                        } else {
                            show_key(&key)
                        }
                    ),
                )
                .with_help(help),
            ));
        };
        self.fix_column(col, value, None)
    }

    /// Fixes a column at `value` (both bounds), which must lie in its declared bounds and be a
    /// whole number for an integer or binary column. `spans`: the value's and the variable's.
    fn fix_column(&mut self, col: u32, value: f64, spans: Option<(Span, Span)>) -> R<()> {
        let c = &self.model.columns[col as usize];
        let (lo, hi) = self.fixed.get(&col).copied().unwrap_or((c.lower, c.upper));
        let whole = !matches!(c.kind, ColKind::Continuous);
        let shown = c.origin.display();
        let problem = if value < lo || value > hi {
            Some(format!(
                "cannot fix {shown} at {value}: outside its bounds [{lo}, {hi}]"
            ))
        } else if whole && value.fract() != 0.0 {
            Some(format!(
                "cannot fix {shown} at {value}: it is an integer variable"
            ))
        } else {
            None
        };
        if let Some(msg) = problem {
            let mut d = Diagnostic::error(code::DATA_FIX_VALUE, msg);
            if let Some((value_span, var_span)) = spans {
                d = d
                    .with_label(value_span, "this value")
                    .with_label(var_span, "this variable");
            }
            return Err(self.err(d.with_help(
                "fix a variable at a value its declaration allows, or change its bounds",
            )));
        }
        self.fixed.entry(col).or_insert((lo, hi));
        let c = &mut self.model.columns[col as usize];
        // `+ 0.0`: never a -0 bound in the output
        c.lower = value + 0.0;
        c.upper = value + 0.0;
        Ok(())
    }

    pub(super) fn constraint(&mut self, d: &ConDecl) -> R<()> {
        let binds = match &d.indexing {
            None => vec![(Vec::new(), Vec::new())],
            Some(idx) => self.bindings(idx, &Vec::new())?,
        };
        if let Some((net_id, args)) = self.net_call(d) {
            for (key, env) in &binds {
                self.pw_pending.clear();
                let switch = match &d.switch {
                    None => Switch::On,
                    Some(e) => self.switch(e, env)?,
                };
                self.net_constraint(d, net_id, args, key, env, switch)?;
                let origin = Origin {
                    decl: d.name.name.clone(),
                    index: key.clone(),
                    span: d.name.span,
                };
                self.pw_finish(&origin, &[], Want::Exact);
            }
            return Ok(());
        }
        for (key, env) in &binds {
            // terms of a failed row before this one have no rows: start clean
            self.pw_pending.clear();
            let origin = Origin {
                decl: d.name.name.clone(),
                index: key.clone(),
                span: d.name.span,
            };
            let (lin, lo, hi) = if d.exprs.len() == 3 {
                let mut bounds = [0.0; 2];
                for (k, e) in [&d.exprs[0], &d.exprs[2]].into_iter().enumerate() {
                    let l = self.lin(e, env)?;
                    if !l.coeffs.is_empty() {
                        return Err(self.err(
                            Diagnostic::error(code::LINEAR_VARIABLE_IN_DATA, "the outer parts of a ranged constraint must be constant")
                                .with_label(e.span, "contains variables")
                                .with_help("write `lo <= expression <= hi` with data in `lo` and `hi`, or split it into two constraints"),
                        ));
                    }
                    bounds[k] = l.constant;
                }
                let mid = self.lin(&d.exprs[1], env)?;
                let (lo, hi) = if d.rels[0].0 == RelOp::Le {
                    (bounds[0], bounds[1])
                } else {
                    (bounds[1], bounds[0])
                };
                (
                    Affine {
                        coeffs: mid.coeffs,
                        constant: 0.0,
                    },
                    lo - mid.constant,
                    hi - mid.constant,
                )
            } else {
                let mut l = self.lin(&d.exprs[0], env)?;
                let b = self.lin(&d.exprs[1], env)?;
                l.add_scaled(&b, -1.0);
                let c = l.constant;
                let (lo, hi) = match d.rels[0].0 {
                    RelOp::Le => (f64::NEG_INFINITY, -c),
                    RelOp::Ge => (-c, f64::INFINITY),
                    RelOp::Eq => (-c, -c),
                };
                (
                    Affine {
                        coeffs: l.coeffs,
                        constant: 0.0,
                    },
                    lo,
                    hi,
                )
            };
            // `+ 0.0` turns -0 into 0 so that output never shows `-0`
            let (lo, hi) = (lo + 0.0, hi + 0.0);
            let coeffs = lin.normalized().coeffs;
            let switch = match &d.switch {
                None => Switch::On,
                Some(e) => self.switch(e, env)?,
            };
            let want = match switch {
                Switch::On => Want::Row {
                    lo: lo.is_finite(),
                    hi: hi.is_finite(),
                },
                _ => Want::Exact,
            };
            self.pw_finish(&origin, &coeffs, want);
            match switch {
                Switch::On => {}
                Switch::Off => continue,
                Switch::Var { col, neg } => {
                    if !coeffs.is_empty() {
                        let what = format!("constraint {}", origin.display());
                        self.switched_rows(&origin, &coeffs, (lo, hi), (col, neg), d.span, &what)?;
                    } else if lo > 0.0 || hi < 0.0 {
                        // false without variables: the switch must be 0
                        let (c0, a0) = super::switch::Switch::affine((col, neg));
                        self.model.rows.push(Row {
                            origin,
                            coeffs: vec![(col, a0)],
                            lower: -c0 + 0.0,
                            upper: -c0 + 0.0,
                        });
                    }
                    continue;
                }
            }
            if coeffs.is_empty() {
                let tol = 1e-9 * (1.0 + lo.abs().min(hi.abs()).min(1e12));
                if lo > tol || hi < -tol {
                    return Err(self.err(
                        Diagnostic::error(
                            code::DATA_INFEASIBLE_CONSTANT,
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
                            code::DATA_NON_FINITE,
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

    pub(super) fn objective(&mut self, d: &ObjDecl) -> R<()> {
        self.pw_pending.clear();
        let l = self.lin(&d.expr, &Vec::new())?.normalized();
        let origin = Origin {
            decl: d.name.name.clone(),
            index: Vec::new(),
            span: d.name.span,
        };
        let optimized = self
            .selected
            .as_ref()
            .is_none_or(|s| s.contains(&self.objectives.len()));
        let want = match d.sense {
            _ if !optimized => Want::Exact,
            Sense::Minimize => Want::Minimize,
            Sense::Maximize => Want::Maximize,
        };
        self.pw_finish(&origin, &l.coeffs, want);
        self.objectives.push(Objective {
            name: d.name.name.clone(),
            sense: match d.sense {
                Sense::Minimize => rmod_ir::Sense::Minimize,
                Sense::Maximize => rmod_ir::Sense::Maximize,
            },
            coeffs: l.coeffs,
            constant: l.constant,
        });
        Ok(())
    }

    pub(super) fn option(&mut self, d: &OptionStmt) -> R<()> {
        let value = match &d.value.kind {
            ExprKind::Str(s) => OptValue::Str(s.clone()),
            ExprKind::Ref(id, subs) if subs.is_empty() && self.syms.get(&id.name).is_none() => {
                OptValue::Str(id.name.clone())
            }
            _ => OptValue::Num(self.num(&d.value, &Vec::new())?),
        };
        let options = &mut self.model.options;
        let applied = apply_option(options, &d.key, &value)
            .and_then(|()| crate::options::check_backend(options, self.backends));
        applied.map_err(|(msg, help, code)| {
            let span = if code == code::RESOLVE_UNKNOWN_OPTION {
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
}

fn is_call(e: &Expr, name: &str) -> bool {
    matches!(&e.kind, ExprKind::Call(f, _) if f.name == name)
}
