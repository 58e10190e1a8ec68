//! Set expressions, indexings and data expressions (they recurse into each other), and parameter
//! lookup.

use rmod_diagnostics::code;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::rc::Rc;

use rmod_diagnostics::{Diagnostic, Span};
use rmod_ir::Elem;
use rmod_syntax::*;

use super::values::{preview, show_key, SetVal, Val};
use super::{Env, Evaluator, Reported, R};

impl Evaluator<'_> {
    pub(super) fn set_expr(&mut self, s: &SetExpr, env: &Env) -> R<Rc<SetVal>> {
        match &s.kind {
            SetExprKind::Named(id) => {
                if self.poisoned.contains(&id.name) {
                    return Err(Reported);
                }
                self.sets.get(&id.name).cloned().ok_or(Reported)
            }
            SetExprKind::Indexed(id, subs) => {
                if self.poisoned.contains(&id.name) {
                    return Err(Reported);
                }
                let key = self.subscripts(subs, env)?;
                let Some(j) = self.indexed_sets.get(&id.name) else {
                    return Err(Reported);
                };
                if let Some(set) = j.sets.get(&key) {
                    return Ok(set.clone());
                }
                let help = format!("valid subscripts include {}", preview(&j.index));
                Err(self.err(
                    Diagnostic::error(
                        code::DATA_OUT_OF_SET,
                        format!(
                            "{} is not in the index set of set `{}`",
                            show_key(&key),
                            id.name
                        ),
                    )
                    .with_label(s.span, "subscript outside the index set")
                    .with_help(help),
                ))
            }
            SetExprKind::Op(op, a, b) => {
                let x = self.set_expr(a, env)?;
                let y = self.set_expr(b, env)?;
                if x.dim != y.dim && !x.tuples.is_empty() && !y.tuples.is_empty() {
                    return Err(self.err(
                        Diagnostic::error(
                            code::RESOLVE_INDEX_ARITY,
                            format!(
                                "`{}` of sets of different dimensions ({} and {})",
                                op.keyword(),
                                x.dim,
                                y.dim
                            ),
                        )
                        .with_label(a.span, format!("{}-tuples", x.dim))
                        .with_label(b.span, format!("{}-tuples", y.dim))
                        .with_help("both sides of a set operator hold tuples of the same size"),
                    ));
                }
                // the written order of `x`, then (union) the new elements of `y` in theirs
                let tuples: Vec<Vec<Elem>> = match op {
                    SetOp::Union => x
                        .tuples
                        .iter()
                        .chain(y.tuples.iter().filter(|t| !x.members.contains(*t)))
                        .cloned()
                        .collect(),
                    SetOp::Inter => x
                        .tuples
                        .iter()
                        .filter(|t| y.members.contains(*t))
                        .cloned()
                        .collect(),
                    SetOp::Diff => x
                        .tuples
                        .iter()
                        .filter(|t| !y.members.contains(*t))
                        .cloned()
                        .collect(),
                };
                let dim = if x.tuples.is_empty() { y.dim } else { x.dim };
                Ok(Rc::new(SetVal::new(dim, tuples)))
            }
            SetExprKind::Range(a, b) => {
                let lo = self.int(a, env)?;
                let hi = self.int(b, env)?;
                if hi.saturating_sub(lo) > 50_000_000 {
                    return Err(self.err(
                        Diagnostic::error(code::DATA_NOT_AN_ELEMENT, "range is too large")
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
                                    code::RESOLVE_INDEX_ARITY,
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
                                code::DATA_DUPLICATE_ELEMENT,
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
    pub(super) fn bindings<'x>(
        &mut self,
        idx: &'x Indexing,
        env: &Env<'x>,
    ) -> R<Vec<(Vec<Elem>, Env<'x>)>> {
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

    pub(super) fn truth(&mut self, e: &Expr, env: &Env) -> R<bool> {
        Ok(self.num(e, env)? != 0.0)
    }

    pub(super) fn num(&mut self, e: &Expr, env: &Env) -> R<f64> {
        match self.data(e, env)? {
            Val::Num(v) => Ok(v),
            Val::Elem(Elem::Int(i)) => Ok(i as f64),
            Val::Elem(Elem::Str(s)) => Err(self.err(
                Diagnostic::error(
                    code::DATA_NOT_A_NUMBER,
                    format!("\"{s}\" is an element, not a number"),
                )
                .with_label(e.span, "expected a number")
                .with_help("use a parameter indexed by this element, e.g. `cap[r]`"),
            )),
            Val::Tuple(_) => Err(self.err(
                Diagnostic::error(code::DATA_NOT_A_NUMBER, "a tuple is not a number")
                    .with_label(e.span, "expected a number")
                    .with_help("tuples are only allowed as set elements and keys"),
            )),
        }
    }

    fn int(&mut self, e: &Expr, env: &Env) -> R<i64> {
        let v = self.num(e, env)?;
        if v.fract() != 0.0 || v.abs() > 1e15 {
            return Err(self.err(
                Diagnostic::error(code::DATA_NOT_AN_ELEMENT, format!("{v} is not an integer"))
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
                    code::DATA_NOT_AN_ELEMENT,
                    format!("{v} is not a set element"),
                )
                .with_label(e.span, "not a string or an integer")
                .with_help("set elements are quoted strings or integers"),
            )),
            Val::Tuple(_) => Err(self.err(
                Diagnostic::error(code::DATA_NOT_AN_ELEMENT, "a tuple is not one element")
                    .with_label(e.span, "expected one element")
                    .with_help("write the components as separate subscripts: `x[a, b]`"),
            )),
        }
    }

    pub(super) fn key_of(&mut self, e: &Expr) -> R<Vec<Elem>> {
        self.key_of_env(e, &Vec::new())
    }

    pub(super) fn key_of_env(&mut self, e: &Expr, env: &Env) -> R<Vec<Elem>> {
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
                    Diagnostic::error(code::LINEAR_MISPLACED_CALL, format!("`{}(...)` cannot be used inside a data expression", f.name))
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
            ExprKind::Prod(idx, body) => {
                let binds = self.bindings(idx, env)?;
                let mut total = 1.0;
                for (_, env) in &binds {
                    total *= self.num(body, env)?;
                }
                Val::Num(total)
            }
            ExprKind::If(c, a, b) => {
                if self.truth(c, env)? {
                    self.data(a, env)?
                } else {
                    match b {
                        Some(b) => self.data(b, env)?,
                        None => Val::Num(0.0),
                    }
                }
            }
            ExprKind::Func(f, args) => {
                let mut xs = Vec::with_capacity(args.len());
                for a in args {
                    xs.push(self.num(a, env)?);
                }
                // the resolver checked the number of arguments
                let Some(&first) = xs.first() else { return Err(Reported) };
                Val::Num(match f {
                    Func::Min => xs.iter().copied().fold(first, f64::min),
                    Func::Max => xs.iter().copied().fold(first, f64::max),
                    Func::Abs => first.abs(),
                    Func::Floor => first.floor(),
                    Func::Ceil => first.ceil(),
                })
            }
            ExprKind::Card(s) => Val::Num(self.set_expr(s, env)?.tuples.len() as f64),
            ExprKind::In(x, s) => {
                let key = self.key_of_env(x, env)?;
                Val::Num(f64::from(self.set_expr(s, env)?.members.contains(&key)))
            }
            ExprKind::Iter(f, idx, body) => {
                let binds = self.bindings(idx, env)?;
                if binds.is_empty() {
                    return Err(self.err(
                        Diagnostic::error(
                            code::DATA_NON_FINITE,
                            format!("`{}` over no elements", f.name()),
                        )
                        .with_label(e.span, "its value would be infinite")
                        .with_help("check the index set and the filter, or add a case for the empty set with `if card(...) > 0 then ... else ...`"),
                    ));
                }
                let mut acc = if *f == Func::Min { f64::INFINITY } else { f64::NEG_INFINITY };
                for (_, env) in &binds {
                    let v = self.num(body, env)?;
                    acc = if *f == Func::Min { acc.min(v) } else { acc.max(v) };
                }
                Val::Num(acc)
            }
            ExprKind::Ord(x, set) => Val::Num(self.ord(e, x, set.as_deref(), env)? as f64),
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
                BinOp::Mod => {
                    let x = self.num(a, env)?;
                    let y = self.num(b, env)?;
                    if y == 0.0 {
                        return Err(self.err(
                            Diagnostic::error(code::DATA_DIVISION_BY_ZERO, "`mod` by zero")
                                .with_label(b.span, "this evaluates to 0")
                                .with_help("check the data, or exclude the zero case with a filter"),
                        ));
                    }
                    // Rust's `%` on floats is a - b * trunc(a / b): the sign of `a`, as in AMPL
                    Val::Num(x % y)
                }
                BinOp::Pow => {
                    let x = self.num(a, env)?;
                    let y = self.num(b, env)?;
                    let v = x.powf(y);
                    if v.is_nan() {
                        return Err(self.err(
                            Diagnostic::error(
                                code::DATA_NON_FINITE,
                                format!("{x} ^ {y} is not a real number"),
                            )
                            .with_label(e.span, "a negative base with a fractional exponent")
                            .with_help("check the data: only whole exponents apply to negative numbers"),
                        ));
                    }
                    Val::Num(v)
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
                                    Diagnostic::error(code::DATA_DIVISION_BY_ZERO, "division by zero")
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
                    Diagnostic::error(code::DATA_NON_FINITE, "the value is not finite")
                        .with_label(e.span, "overflows to infinity")
                        .with_help("check the magnitudes of the data"),
                ));
            }
        }
        Ok(v)
    }

    /// `ord(x)` (the set that binds the index `x`, found by the resolver) or `ord(x, S)`: the
    /// 1-based position of `x` in the set's written order.
    fn ord(&mut self, call: &Expr, x: &Expr, set: Option<&SetExpr>, env: &Env) -> R<usize> {
        let key = self.key_of_env(x, env)?;
        let syms = self.syms;
        let Some(set_expr) = set.or_else(|| syms.ord_sets.get(&call.span)) else {
            return Err(Reported);
        };
        let s = self.set_expr(set_expr, env)?;
        let pos = match &set_expr.kind {
            SetExprKind::Named(id) => {
                let positions = match self.ord_cache.get(&id.name) {
                    Some(p) => p.clone(),
                    None => {
                        let p: HashMap<Vec<Elem>, usize> = s
                            .tuples
                            .iter()
                            .enumerate()
                            .map(|(k, t)| (t.clone(), k + 1))
                            .collect();
                        let p = Rc::new(p);
                        self.ord_cache.insert(id.name.clone(), p.clone());
                        p
                    }
                };
                positions.get(&key).copied()
            }
            _ => s.tuples.iter().position(|t| *t == key).map(|k| k + 1),
        };
        match pos {
            Some(p) => Ok(p),
            None => Err(self.err(
                Diagnostic::error(
                    code::DATA_OUT_OF_SET,
                    format!("{} is not an element of the set of `ord`", show_key(&key)),
                )
                .with_label(x.span, "not in the set")
                .with_label(set_expr.span, "this set")
                .with_help(format!("the set holds {}", preview(&s))),
            )),
        }
    }

    pub(super) fn empty_sum(&mut self, span: Span) {
        self.warn_once(
            Diagnostic::warning(code::DATA_EMPTY_SUM, "this sum runs over no elements")
                .with_label(span, "evaluates to 0")
                .with_help("check the index set and the filter of the sum"),
        );
    }

    pub(super) fn subscripts(&mut self, subs: &[Expr], env: &Env) -> R<Vec<Elem>> {
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
                code::DATA_OUT_OF_SET,
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
                    code::DATA_MISSING_VALUE,
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
}
