//! Static checks before any evaluation: every name resolves to a declaration above its use (or
//! an index in scope), is used as the kind it is, with the right number of subscripts.
//! All errors of a file are reported; evaluation runs only when there are none.

use rmod_diagnostics::code;

use std::collections::{HashMap, HashSet};

use rmod_diagnostics::{did_you_mean, Diagnostic, Span};
use rmod_syntax::*;

mod piecewise;
pub(crate) use piecewise::PIECEWISE;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Set,
    Param,
    Var,
    Net,
    Constraint,
    Objective,
}

impl Kind {
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Set => "set",
            Kind::Param => "parameter",
            Kind::Var => "variable",
            Kind::Net => "network",
            Kind::Constraint => "constraint",
            Kind::Objective => "objective",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Symbol {
    pub kind: Kind,
    /// number of index dimensions (0 for scalars); None when it cannot be known statically
    pub dim: Option<usize>,
    pub span: Span,
    pub used: bool,
    /// a set declared with an indexing (`set J{i in I} = ...`): how many subscripts it takes
    pub set_subs: Option<usize>,
}

#[derive(Default)]
pub struct Symbols {
    pub list: Vec<(String, Symbol)>,
    pub by_name: HashMap<String, usize>,
    /// for every `ord(i)`, by the call's span: the set expression that binds `i`
    pub ord_sets: HashMap<Span, SetExpr>,
}

impl Symbols {
    pub fn get(&self, name: &str) -> Option<&Symbol> {
        self.by_name.get(name).map(|i| &self.list[*i].1)
    }
    /// Declared names of one kind, in declaration order (candidates for "did you mean").
    pub fn names_of(&self, kind: Kind) -> Vec<&str> {
        self.list
            .iter()
            .filter(|(_, s)| s.kind == kind)
            .map(|(n, _)| n.as_str())
            .collect()
    }
}

/// The context an expression is in: what it may contain.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// sets, parameters, bounds, filters, subscripts: no variables
    Data,
    /// constraints and objective: variables allowed
    Model,
}

struct Resolver<'a> {
    syms: Symbols,
    diags: &'a mut Vec<Diagnostic>,
    scope: Vec<String>,
    /// per name of `scope`: the set that binds it alone (`i in S`), for `ord(i)`
    binders: Vec<Option<SetExpr>>,
    current: usize,
    /// names declared by statements that were left out (they did not parse): uses of them are
    /// not reported
    poisoned: &'a HashSet<String>,
}

pub fn resolve(ast: &Ast, diags: &mut Vec<Diagnostic>) -> Symbols {
    resolve_partial(ast, diags, &HashSet::new())
}

/// [`resolve`] for a model some of whose statements were left out: a use of a `poisoned` name
/// is not an error (the name's own statement already has one).
pub fn resolve_partial(
    ast: &Ast,
    diags: &mut Vec<Diagnostic>,
    poisoned: &HashSet<String>,
) -> Symbols {
    let mut r = Resolver {
        syms: Symbols::default(),
        diags,
        scope: Vec::new(),
        binders: Vec::new(),
        current: 0,
        poisoned,
    };
    for (i, stmt) in ast.stmts.iter().enumerate() {
        r.current = i;
        r.statement(stmt);
        if let Some(name) = stmt.name() {
            r.declare(name, stmt);
        }
    }
    for (name, s) in &r.syms.list {
        if !s.used && matches!(s.kind, Kind::Set | Kind::Param | Kind::Var) {
            r.diags.push(
                Diagnostic::warning(
                    code::RESOLVE_UNUSED,
                    format!("{} `{name}` is never used", s.kind.noun()),
                )
                .with_label(s.span, "declared here")
                .with_help("remove the declaration, or use it in a constraint or the objective"),
            );
        }
    }
    r.syms
}

impl Resolver<'_> {
    fn declare(&mut self, name: &Ident, stmt: &Stmt) {
        let kind = match stmt {
            Stmt::Set(_) => Kind::Set,
            Stmt::Param(_) => Kind::Param,
            Stmt::Var(_) => Kind::Var,
            Stmt::Net(_) => Kind::Net,
            Stmt::Constraint(_) => Kind::Constraint,
            Stmt::Objective(_) => Kind::Objective,
            Stmt::Option(_) | Stmt::Fix(_) => return,
        };
        if let Some(prev) = self.syms.get(&name.name) {
            let prev_span = prev.span;
            self.diags.push(
                Diagnostic::error(
                    code::RESOLVE_DUPLICATE_DECLARATION,
                    format!("`{}` is declared twice", name.name),
                )
                .with_label(name.span, "declared again here")
                .with_label(prev_span, "first declared here")
                .with_help("rename one of the two declarations"),
            );
            return;
        }
        let dim = match stmt {
            Stmt::Set(d) => self.set_dim(&d.value),
            Stmt::Param(d) => d
                .indexing
                .as_ref()
                .map_or(Some(0), |x| self.indexing_dim(x)),
            Stmt::Var(d) => d
                .indexing
                .as_ref()
                .map_or(Some(0), |x| self.indexing_dim(x)),
            _ => Some(0),
        };
        let set_subs = match stmt {
            Stmt::Set(d) => d
                .indexing
                .as_ref()
                .map_or(Some(0), |x| self.indexing_dim(x)),
            _ => None,
        };
        self.syms.list.push((
            name.name.clone(),
            Symbol {
                kind,
                dim,
                span: name.span,
                used: false,
                set_subs,
            },
        ));
        self.syms
            .by_name
            .insert(name.name.clone(), self.syms.list.len() - 1);
    }

    fn set_dim(&self, s: &SetExpr) -> Option<usize> {
        match &s.kind {
            SetExprKind::Literal(elems) => match elems.first().map(|e| &e.kind) {
                Some(ExprKind::Tuple(t)) => Some(t.len()),
                Some(_) => Some(1),
                None => None,
            },
            SetExprKind::Range(..) => Some(1),
            SetExprKind::Named(id) | SetExprKind::Indexed(id, _) => self
                .syms
                .get(&id.name)
                .filter(|s| s.kind == Kind::Set)
                .and_then(|s| s.dim),
            SetExprKind::Op(_, a, b) => self.set_dim(a).or_else(|| self.set_dim(b)),
            SetExprKind::Product(parts) => parts.iter().map(|p| self.set_dim(p)).sum(),
            SetExprKind::Comprehension(idx) => self.indexing_dim(idx),
        }
    }

    fn indexing_dim(&self, idx: &Indexing) -> Option<usize> {
        idx.items
            .iter()
            .map(|it| {
                if it.vars.is_empty() {
                    self.set_dim(&it.set)
                } else {
                    Some(it.vars.len())
                }
            })
            .sum()
    }

    fn statement(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::Set(d) => {
                let n = self.open(d.indexing.as_ref());
                self.set_expr(&d.value);
                self.close(n);
            }
            Stmt::Fix(d) => {
                let n = self.open(d.indexing.as_ref());
                self.expr(&d.value, Ctx::Data);
                let var = Expr {
                    kind: ExprKind::Ref(d.var.clone(), d.subs.clone()),
                    span: d.var.span,
                };
                match self.syms.get(&d.var.name).map(|s| s.kind) {
                    Some(Kind::Var) => self.expr(&var, Ctx::Model),
                    Some(k) => self.wrong_kind(&d.var, k, "a variable"),
                    None => {
                        self.lookup(&d.var);
                    }
                }
                self.close(n);
            }
            Stmt::Param(d) => {
                let n = self.open(d.indexing.as_ref());
                for e in d.default.iter().chain(d.checks.iter().map(|(_, e)| e)) {
                    self.expr(e, Ctx::Data);
                }
                match &d.value {
                    Some(ParamValue::Expr(e)) => match &e.kind {
                        ExprKind::Call(f, args) if f.name == "csv" => {
                            for a in args {
                                if let Some(n) = &a.name {
                                    if !matches!(n.name.as_str(), "key" | "value" | "subset") {
                                        self.diags.push(
                                            Diagnostic::error(code::DATA_CSV_CALL, format!("`csv` has no argument `{}`", n.name))
                                                .with_label(n.span, "unknown argument")
                                                .with_help("csv takes a path, `key = \"column\"` (or a tuple of columns), `value = \"column\"` and optionally `subset = true`"),
                                        );
                                    }
                                }
                            }
                        }
                        _ => self.expr(e, Ctx::Data),
                    },
                    Some(ParamValue::Map(entries, _)) => {
                        for en in entries {
                            self.expr(&en.key, Ctx::Data);
                            self.expr(&en.value, Ctx::Data);
                        }
                    }
                    None => {}
                }
                self.close(n);
            }
            Stmt::Var(d) => {
                let n = self.open(d.indexing.as_ref());
                for e in d.lower.iter().chain(d.upper.iter()).chain(d.init.iter()) {
                    self.expr(e, Ctx::Data);
                }
                self.close(n);
            }
            Stmt::Net(d) => {
                if let ExprKind::Call(f, args) = &d.value.kind {
                    if f.name == "relu_net" {
                        for a in args.iter().skip(1) {
                            self.expr(&a.value, Ctx::Data);
                        }
                        return;
                    }
                }
                self.diags.push(
                    Diagnostic::error(
                        code::RESOLVE_UNKNOWN_FUNCTION,
                        "a network is declared with `relu_net(\"file.json\")`",
                    )
                    .with_label(d.value.span, "expected `relu_net(...)`")
                    .with_help("write `net NAME = relu_net(\"path/to/net.json\");`"),
                );
            }
            Stmt::Constraint(d) => {
                let n = self.open(d.indexing.as_ref());
                for e in &d.exprs {
                    self.expr(e, Ctx::Model);
                }
                if let Some(e) = &d.switch {
                    self.expr(e, Ctx::Model);
                }
                self.close(n);
            }
            Stmt::Objective(d) => self.expr(&d.expr, Ctx::Model),
            Stmt::Option(d) => {
                if !matches!(d.value.kind, ExprKind::Ref(..)) {
                    self.expr(&d.value, Ctx::Data);
                }
            }
        }
    }

    /// Resolves an indexing and pushes its dummies; returns how many to pop.
    fn open(&mut self, idx: Option<&Indexing>) -> usize {
        let Some(idx) = idx else { return 0 };
        let mut pushed = 0;
        for item in &idx.items {
            self.set_expr(&item.set);
            let set_dim = self.set_dim(&item.set);
            if !item.vars.is_empty() {
                if let Some(d) = set_dim {
                    if d != item.vars.len() {
                        let shape = if d == 1 {
                            "`i in S`".to_string()
                        } else {
                            format!(
                                "a tuple of {d} names, e.g. `({}) in S`",
                                (1..=d)
                                    .map(|k| format!("i{k}"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        };
                        self.diags.push(
                            Diagnostic::error(
                                code::RESOLVE_INDEX_ARITY,
                                format!(
                                    "{} index name(s) bound to a set of dimension {d}",
                                    item.vars.len()
                                ),
                            )
                            .with_label(item.span, format!("this set has {d}-tuples"))
                            .with_help(format!("bind it as {shape}")),
                        );
                    }
                }
            }
            for v in &item.vars {
                if self.scope.contains(&v.name) || self.syms.get(&v.name).is_some() {
                    self.diags.push(
                        Diagnostic::error(
                            code::RESOLVE_SHADOWED_INDEX,
                            format!("index `{}` hides another name", v.name),
                        )
                        .with_label(v.span, "already declared or bound")
                        .with_help("choose another index name"),
                    );
                }
                self.scope.push(v.name.clone());
                self.binders
                    .push((item.vars.len() == 1).then(|| item.set.clone()));
                pushed += 1;
            }
        }
        if let Some(f) = &idx.filter {
            self.expr(f, Ctx::Data);
        }
        pushed
    }

    fn close(&mut self, n: usize) {
        for _ in 0..n {
            self.scope.pop();
            self.binders.pop();
        }
    }

    fn set_expr(&mut self, s: &SetExpr) {
        match &s.kind {
            SetExprKind::Literal(elems) => {
                for e in elems {
                    self.expr(e, Ctx::Data);
                }
            }
            SetExprKind::Range(a, b) => {
                self.expr(a, Ctx::Data);
                self.expr(b, Ctx::Data);
            }
            SetExprKind::Named(id) => self.set_ref(id, &[], s.span),
            SetExprKind::Indexed(id, subs) => {
                for e in subs {
                    self.expr(e, Ctx::Data);
                }
                self.set_ref(id, subs, s.span);
            }
            SetExprKind::Op(op, a, b) => {
                self.set_expr(a);
                self.set_expr(b);
                if let (Some(x), Some(y)) = (self.set_dim(a), self.set_dim(b)) {
                    if x != y {
                        self.diags.push(
                            Diagnostic::error(
                                code::RESOLVE_INDEX_ARITY,
                                format!(
                                    "`{}` of sets of different dimensions ({x} and {y})",
                                    op.keyword()
                                ),
                            )
                            .with_label(a.span, format!("{x}-tuples"))
                            .with_label(b.span, format!("{y}-tuples"))
                            .with_help("both sides of a set operator hold tuples of the same size"),
                        );
                    }
                }
            }
            SetExprKind::Product(parts) => {
                for p in parts {
                    self.set_expr(p);
                }
            }
            SetExprKind::Comprehension(idx) => {
                let n = self.open(Some(idx));
                self.close(n);
            }
        }
    }

    /// A set named in a set position, `S` or `J[i]`, with as many subscripts as it is indexed by.
    fn set_ref(&mut self, id: &Ident, subs: &[Expr], span: Span) {
        match self.lookup(id) {
            Some(Kind::Set) => {}
            Some(k) => return self.wrong_kind(id, k, "a set"),
            None => return,
        }
        let Some(want) = self.syms.get(&id.name).and_then(|s| s.set_subs) else {
            return;
        };
        if want != subs.len() {
            let (msg, help) = if want == 0 {
                (
                    format!("set `{}` is not indexed", id.name),
                    format!("write `{}` without brackets", id.name),
                )
            } else {
                (
                    format!(
                        "set `{}` is indexed over {want} dimension(s) and takes {want} subscript(s), found {}",
                        id.name,
                        subs.len()
                    ),
                    format!(
                        "write `{}[{}]`, e.g. inside `{{i in I, j in {}[i]}}`",
                        id.name,
                        (1..=want)
                            .map(|k| format!("i{k}"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        id.name
                    ),
                )
            };
            let decl = self.syms.get(&id.name).map(|s| s.span);
            let mut d = Diagnostic::error(code::RESOLVE_INDEX_ARITY, msg)
                .with_label(span, "wrong number of subscripts");
            if let Some(s) = decl {
                d = d.with_label(s, "declared here");
            }
            self.diags.push(d.with_help(help));
        }
    }

    fn builtin_error(&mut self, span: Span, msg: String, help: &str) {
        self.diags.push(
            Diagnostic::error(code::RESOLVE_BUILTIN_CALL, msg)
                .with_label(span, "in this call")
                .with_help(help),
        );
    }

    fn wrong_kind(&mut self, id: &Ident, k: Kind, expected: &str) {
        let span = self.syms.get(&id.name).map(|s| s.span);
        let mut d = Diagnostic::error(
            code::RESOLVE_WRONG_KIND,
            format!("`{}` is a {}, not {expected}", id.name, k.noun()),
        )
        .with_label(id.span, format!("expected {expected}"));
        if let Some(s) = span {
            d = d.with_label(s, format!("{} declared here", k.noun()));
        }
        self.diags.push(d.with_help(match k {
            Kind::Set => "use a set in an indexing `{i in S}` or `sum{i in S}`",
            Kind::Net => "call a network as the right-hand side of a constraint: `y = net(x1, x2)`",
            Kind::Var => "variables may appear only in constraints and the objective",
            _ => "check the name",
        }));
    }

    /// Looks a declared name up, marks it used, reports unknown names.
    fn lookup(&mut self, id: &Ident) -> Option<Kind> {
        if let Some(i) = self.syms.by_name.get(&id.name).copied() {
            self.syms.list[i].1.used = true;
            return Some(self.syms.list[i].1.kind);
        }
        if self.poisoned.contains(&id.name) {
            return None;
        }
        let names: Vec<&str> = self
            .syms
            .list
            .iter()
            .map(|(n, _)| n.as_str())
            .chain(self.scope.iter().map(String::as_str))
            .collect();
        let mut d = Diagnostic::error(
            code::RESOLVE_UNKNOWN_NAME,
            format!("unknown name `{}`", id.name),
        )
        .with_label(id.span, "not declared above this use");
        d = match did_you_mean(&id.name, names) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d.with_help("declare it with `set`, `param` or `var` before this statement; element names are written in quotes, e.g. \"R1\""),
        };
        self.diags.push(d);
        None
    }

    fn expr(&mut self, e: &Expr, ctx: Ctx) {
        match &e.kind {
            ExprKind::Num(_) | ExprKind::Str(_) => {}
            ExprKind::Ref(id, subs) => {
                for s in subs {
                    self.expr(s, Ctx::Data);
                }
                if self.scope.contains(&id.name) {
                    if !subs.is_empty() {
                        self.diags.push(
                            Diagnostic::error(
                                code::RESOLVE_INDEX_ARITY,
                                format!("index `{}` cannot be subscripted", id.name),
                            )
                            .with_label(e.span, "an index is one element")
                            .with_help(format!("write `{}` without brackets", id.name)),
                        );
                    }
                    return;
                }
                let Some(kind) = self.lookup(id) else { return };
                match kind {
                    Kind::Param => {}
                    Kind::Var if ctx == Ctx::Model => {}
                    Kind::Var => {
                        let span = self.syms.get(&id.name).map(|s| s.span);
                        let mut d = Diagnostic::error(
                            code::LINEAR_VARIABLE_IN_DATA,
                            format!("variable `{}` is used where only data is allowed", id.name),
                        )
                        .with_label(id.span, "a variable has no value before the solve");
                        if let Some(s) = span {
                            d = d.with_label(s, "variable declared here");
                        }
                        self.diags.push(d.with_help("sets, parameters, bounds, filters and subscripts must be computable from data; use a parameter here"));
                        return;
                    }
                    k => {
                        self.wrong_kind(id, k, "a number");
                        return;
                    }
                }
                let dim = self.syms.get(&id.name).and_then(|s| s.dim);
                if let Some(d) = dim {
                    if d != subs.len() {
                        let msg = if subs.is_empty() {
                            format!(
                                "`{}` is indexed over {d} dimension(s) and needs a subscript",
                                id.name
                            )
                        } else {
                            format!("`{}` takes {d} subscript(s), found {}", id.name, subs.len())
                        };
                        let help = if d == 0 {
                            format!("`{}` is a scalar: write `{}`", id.name, id.name)
                        } else {
                            format!(
                                "write `{}[{}]`",
                                id.name,
                                (1..=d)
                                    .map(|k| format!("i{k}"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        };
                        let decl = self.syms.get(&id.name).map(|s| s.span);
                        let mut diag = Diagnostic::error(code::RESOLVE_INDEX_ARITY, msg)
                            .with_label(e.span, "wrong number of subscripts");
                        if let Some(s) = decl {
                            diag = diag.with_label(s, "declared here");
                        }
                        self.diags.push(diag.with_help(help));
                    }
                }
            }
            ExprKind::Call(f, args)
                if f.name == piecewise::PIECEWISE && self.syms.get(&f.name).is_none() =>
            {
                self.piecewise_call(e, f, args, ctx)
            }
            ExprKind::Call(f, args) => {
                for a in args {
                    self.expr(&a.value, ctx);
                }
                match self.syms.get(&f.name).map(|s| s.kind) {
                    Some(Kind::Net) => {
                        self.lookup(f);
                    }
                    Some(k) => self.wrong_kind(f, k, "a function or network"),
                    None => {
                        let names = self.syms.names_of(Kind::Net);
                        let mut d = Diagnostic::error(
                            code::RESOLVE_UNKNOWN_FUNCTION,
                            format!("unknown function `{}`", f.name),
                        )
                        .with_label(f.span, "not a network or built-in function");
                        d = match (f.name.as_str(), did_you_mean(&f.name, names)) {
                            ("csv", _) => d.with_help("`csv(...)` is only allowed as the whole value of a parameter: `param p{S} = csv(...)`"),
                            ("relu_net", _) => d.with_help("`relu_net(...)` is only allowed in a declaration: `net n = relu_net(\"n.json\")`"),
                            (_, Some(s)) => d.with_help(format!("did you mean `{s}`?")),
                            _ => {
                                let near = did_you_mean(&f.name, rmod_syntax::BUILTINS.iter().copied().chain([PIECEWISE]));
                                let list = rmod_syntax::BUILTINS.join(", ");
                                d.with_help(match near {
                                    Some(s) => format!("did you mean `{s}`? rmod's functions are {list} (and `piecewise(x, [breakpoints], [values])` in linear expressions, `csv`, `relu_net` in declarations); a network is called by the name of its `net NAME = relu_net(\"file.json\");` declaration"),
                                    None => format!("rmod's functions are {list} (and `piecewise(x, [breakpoints], [values])` in linear expressions, `csv`, `relu_net` in declarations); a network is called by the name of its `net NAME = relu_net(\"file.json\");` declaration above this use"),
                                })
                            }
                        };
                        self.diags.push(d);
                    }
                }
            }
            ExprKind::Neg(a) | ExprKind::Not(a) => self.expr(a, ctx),
            ExprKind::If(c, a, b) => {
                // the condition decides which branch is compiled: it must be data
                self.expr(c, Ctx::Data);
                self.expr(a, ctx);
                if let Some(b) = b {
                    self.expr(b, ctx);
                }
            }
            ExprKind::Func(f, args) => {
                for a in args {
                    self.expr(a, ctx);
                }
                let ok = match f {
                    Func::Min | Func::Max => !args.is_empty(),
                    _ => args.len() == 1,
                };
                if !ok {
                    let (want, help) = match f {
                        Func::Min | Func::Max => {
                            ("one or more arguments", "write e.g. `max(a, b, 0)`")
                        }
                        _ => ("one argument", "write e.g. `abs(a - b)`"),
                    };
                    self.builtin_error(
                        e.span,
                        format!("`{}` takes {want}, found {}", f.name(), args.len()),
                        help,
                    );
                }
            }
            ExprKind::Card(s) => self.set_expr(s),
            ExprKind::Ord(x, Some(s)) => {
                self.expr(x, Ctx::Data);
                self.set_expr(s);
            }
            ExprKind::Ord(x, None) => {
                let bound = match &x.kind {
                    ExprKind::Ref(id, subs) if subs.is_empty() => {
                        self.scope.iter().rposition(|n| *n == id.name)
                    }
                    _ => None,
                };
                match bound.map(|k| self.binders[k].clone()) {
                    Some(Some(set)) => {
                        self.syms.ord_sets.insert(e.span, set);
                    }
                    Some(None) => self.builtin_error(
                        e.span,
                        "`ord(i)` of an index bound in a tuple".into(),
                        "`ord(i)` needs an index bound alone, `i in S`; or name the set: `ord(i, S)`",
                    ),
                    None => {
                        self.expr(x, Ctx::Data);
                        self.builtin_error(
                            e.span,
                            "`ord(...)` of something that is not an index".into(),
                            "write `ord(i)` for an index `i` bound by `i in S` around it, or `ord(e, S)` for the position of `e` in `S`",
                        );
                    }
                }
            }
            ExprKind::Prod(idx, body) | ExprKind::Iter(_, idx, body) => {
                let n = self.open(Some(idx));
                self.expr(body, ctx);
                self.close(n);
            }
            ExprKind::In(x, s) => {
                self.expr(x, Ctx::Data);
                self.set_expr(s);
            }
            ExprKind::Bin(_, a, b) => {
                self.expr(a, ctx);
                self.expr(b, ctx);
            }
            ExprKind::Sum(idx, body) => {
                let n = self.open(Some(idx));
                self.expr(body, ctx);
                self.close(n);
            }
            ExprKind::Tuple(elems) => {
                for x in elems {
                    self.expr(x, ctx);
                }
            }
        }
    }
}
