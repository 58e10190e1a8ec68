//! Linear expressions: compiling an expression into an [`Affine`] (terms over columns, a column
//! may repeat, plus a constant), and checking that it is linear.

use rmod_diagnostics::code;

use rmod_diagnostics::{Diagnostic, Span};
use rmod_ir::Affine;
use rmod_syntax::*;

use super::values::{preview, show_key};
use super::{Env, Evaluator, Reported, R};
use crate::resolve::Kind;

impl Evaluator<'_> {
    pub(super) fn lin(&mut self, e: &Expr, env: &Env) -> R<Affine> {
        match &e.kind {
            ExprKind::Num(v) => Ok(Affine::constant(*v)),
            ExprKind::Ref(id, subs) if self.syms.get(&id.name).map(|s| s.kind) == Some(Kind::Var) && !env.iter().any(|(n, _)| *n == id.name) => {
                let key = self.subscripts(subs, env)?;
                if self.poisoned.contains(&id.name) {
                    return Err(Reported);
                }
                let Some(var) = self.vars.get(&id.name) else { return Err(Reported) };
                match var.cols.get(&key) {
                    Some(c) => Ok(Affine::var(*c)),
                    None => {
                        let (decl, index) = (var.span, var.index.clone());
                        Err(self.err(
                            Diagnostic::error(code::DATA_OUT_OF_SET, format!("{} is not in the index set of variable `{}`", show_key(&key), id.name))
                                .with_label(e.span, "no such variable")
                                .with_label(decl, "declared here")
                                .with_help(format!("valid subscripts include {}", preview(&index))),
                        ))
                    }
                }
            }
            ExprKind::Ref(..) | ExprKind::Str(_) => Ok(Affine::constant(self.num(e, env)?)),
            ExprKind::Neg(a) => Ok(self.lin(a, env)?.scaled(-1.0)),
            // the condition is data (the resolver checked): it picks the branch to compile
            ExprKind::If(c, a, b) => {
                if self.truth(c, env)? {
                    self.lin(a, env)
                } else {
                    match b {
                        Some(b) => self.lin(b, env),
                        None => Ok(Affine::default()),
                    }
                }
            }
            ExprKind::Func(..) | ExprKind::Iter(..) | ExprKind::Card(_) | ExprKind::Ord(..) | ExprKind::Prod(..) | ExprKind::Bin(BinOp::Mod | BinOp::Pow, ..) => match self.variable_in(e) {
                None => Ok(Affine::constant(self.num(e, env)?)),
                Some((name, span)) => Err(self.err(nonlinear(e, &name, span))),
            },
            ExprKind::Sum(idx, body) => {
                let binds = self.bindings(idx, env)?;
                if binds.is_empty() {
                    self.empty_sum(e.span);
                }
                let mut acc = Affine::default();
                for (_, env) in &binds {
                    let l = self.lin(body, env)?;
                    acc.add_scaled(&l, 1.0);
                }
                Ok(acc)
            }
            ExprKind::Bin(op @ (BinOp::Add | BinOp::Sub), a, b) => {
                let mut x = self.lin(a, env)?;
                let y = self.lin(b, env)?;
                x.add_scaled(&y, if *op == BinOp::Add { 1.0 } else { -1.0 });
                Ok(x)
            }
            ExprKind::Bin(BinOp::Mul, a, b) => {
                let x = self.lin(a, env)?;
                let y = self.lin(b, env)?;
                match (x.coeffs.is_empty(), y.coeffs.is_empty()) {
                    (_, true) => Ok(x.scaled(y.constant)),
                    (true, false) => Ok(y.scaled(x.constant)),
                    (false, false) => Err(self.err(
                        Diagnostic::error(code::LINEAR_PRODUCT_OF_VARIABLES, "product of two expressions with variables is not linear")
                            .with_label(a.span, "this factor contains variables")
                            .with_label(b.span, "and so does this one")
                            .with_help("make one factor a parameter, or linearize the product (e.g. with a binary and big-M constraints)"),
                    )),
                }
            }
            ExprKind::Bin(BinOp::Div, a, b) => {
                let x = self.lin(a, env)?;
                let y = self.lin(b, env)?;
                if !y.coeffs.is_empty() {
                    return Err(self.err(
                        Diagnostic::error(code::LINEAR_DIVISION_BY_VARIABLE, "division by an expression with variables is not linear")
                            .with_label(b.span, "the divisor contains variables")
                            .with_help("multiply both sides of the constraint by the divisor, or make the divisor a parameter"),
                    ));
                }
                if y.constant == 0.0 {
                    return Err(self.err(Diagnostic::error(code::DATA_DIVISION_BY_ZERO, "division by zero").with_label(b.span, "this evaluates to 0").with_help("check the data, or exclude the zero case with a filter")));
                }
                Ok(x.scaled(1.0 / y.constant))
            }
            ExprKind::Bin(op, ..) => Err(self.err(
                Diagnostic::error(code::LINEAR_RELATION_IN_EXPRESSION, format!("`{}` is not an arithmetic operator", op.symbol()))
                    .with_label(e.span, "comparison inside an expression")
                    .with_help("comparisons belong in filters, e.g. `sum{i in I: a[i] > 0} x[i]`"),
            )),
            ExprKind::In(..) => Err(self.err(
                Diagnostic::error(code::LINEAR_RELATION_IN_EXPRESSION, "`in` is not an arithmetic operator")
                    .with_label(e.span, "membership inside an expression")
                    .with_help("membership belongs in filters and conditions, e.g. `sum{i in I: i in S} x[i]` or `if i in S then ...`"),
            )),
            ExprKind::Not(_) => Err(self.err(Diagnostic::error(code::LINEAR_RELATION_IN_EXPRESSION, "`not` is not an arithmetic operator").with_label(e.span, "logic inside an expression").with_help("logic belongs in filters"))),
            ExprKind::Call(f, args) if f.name == crate::resolve::PIECEWISE && self.syms.get(&f.name).is_none() => self.piecewise_term(e, args, env),
            ExprKind::Tuple(_) if self.sources.text(e.span.file).as_bytes().get(e.span.start as usize) == Some(&b'[') => Err(self.err(
                Diagnostic::error(code::LINEAR_MISPLACED_LIST, "a list cannot be part of an expression")
                    .with_label(e.span, "list")
                    .with_help("lists are only the breakpoints and values of `piecewise(x, [b1, b2, ...], [v1, v2, ...])`"),
            )),
            ExprKind::Call(f, _) => Err(self.err(
                Diagnostic::error(code::LINEAR_MISPLACED_CALL, format!("`{}(...)` cannot be part of a larger expression", f.name))
                    .with_label(e.span, "not allowed here")
                    .with_help("a network call must be the whole right-hand side of a constraint: `y = net(...)`"),
            )),
            ExprKind::Tuple(_) => Err(self.err(
                Diagnostic::error(code::LINEAR_MISPLACED_CALL, "a tuple cannot be part of an expression")
                    .with_label(e.span, "tuple")
                    .with_help("tuples of variables are only allowed on the left of a network call: `(a, b) = net(...)`"),
            )),
        }
    }

    /// The first variable an expression mentions (index dummies never share a declared name).
    fn variable_in(&self, e: &Expr) -> Option<(String, Span)> {
        let mut found = None;
        self.visit_vars(e, &mut found);
        found
    }

    fn visit_vars(&self, e: &Expr, found: &mut Option<(String, Span)>) {
        if found.is_some() {
            return;
        }
        match &e.kind {
            ExprKind::Num(_) | ExprKind::Str(_) | ExprKind::Card(_) => {}
            ExprKind::Ref(id, _) => {
                if self.syms.get(&id.name).map(|s| s.kind) == Some(Kind::Var) {
                    *found = Some((id.name.clone(), e.span));
                }
            }
            ExprKind::Call(_, args) => args.iter().for_each(|a| self.visit_vars(&a.value, found)),
            ExprKind::Neg(a) | ExprKind::Not(a) | ExprKind::Ord(a, _) | ExprKind::In(a, _) => {
                self.visit_vars(a, found)
            }
            ExprKind::Bin(_, a, b) => {
                self.visit_vars(a, found);
                self.visit_vars(b, found);
            }
            ExprKind::Sum(_, b) | ExprKind::Prod(_, b) | ExprKind::Iter(_, _, b) => {
                self.visit_vars(b, found)
            }
            ExprKind::Tuple(xs) | ExprKind::Func(_, xs) => {
                xs.iter().for_each(|x| self.visit_vars(x, found))
            }
            ExprKind::If(c, a, b) => {
                self.visit_vars(c, found);
                self.visit_vars(a, found);
                if let Some(b) = b {
                    self.visit_vars(b, found);
                }
            }
        }
    }
}

/// `min`, `max`, `abs`, `floor`, `ceil`, `mod`, `^` or `prod` applied to variables: what it is and
/// how to model it.
fn nonlinear(e: &Expr, var: &str, var_span: Span) -> Diagnostic {
    let (what, help) = match &e.kind {
        ExprKind::Func(Func::Max, _) | ExprKind::Iter(Func::Max, ..) => ("`max` of variables", "for a `max(a, b)` that is minimized or bounded above, use a variable `t` with `t >= a` and `t >= b` in its place; an exact max needs a binary variable and big-M rows"),
        ExprKind::Func(Func::Min, _) | ExprKind::Iter(Func::Min, ..) => ("`min` of variables", "for a `min(a, b)` that is maximized or bounded below, use a variable `t` with `t <= a` and `t <= b` in its place; an exact min needs a binary variable and big-M rows"),
        ExprKind::Func(Func::Abs, _) => ("`abs` of variables", "for an `abs(e)` that is minimized or bounded above, use a variable `t` with `t >= e` and `t >= -e` in its place; or split `e = p - n` with `p, n >= 0` and use `p + n`"),
        ExprKind::Func(f, _) => (if *f == Func::Floor { "`floor` of variables" } else { "`ceil` of variables" }, "use an integer variable `k` in its place, with `k <= e <= k + 0.999` for floor (`k - 0.999 <= e <= k` for ceil)"),
        ExprKind::Bin(BinOp::Mod, ..) => ("`mod` of variables", "write `e = b * q + r` with an integer variable `q` and a variable `r` in [0, b - 1], and use `r`"),
        ExprKind::Bin(BinOp::Pow, ..) => ("a power of variables", "use a parameter, or approximate the power by a piecewise-linear function (a trained ReLU network, `net`)"),
        _ => ("a product over variables", "a `prod` over variables multiplies them; make the factors parameters"),
    };
    let code = if matches!(e.kind, ExprKind::Prod(..)) {
        code::LINEAR_PRODUCT_OF_VARIABLES
    } else {
        code::LINEAR_NONLINEAR_FUNCTION
    };
    // a function's name, not its whole call: the variable's label lies inside the call
    let span = match &e.kind {
        ExprKind::Func(f, _) | ExprKind::Iter(f, ..) => Span {
            end: e.span.start + f.name().len() as u32,
            ..e.span
        },
        _ => e.span,
    };
    Diagnostic::error(code, format!("{what} is not linear"))
        .with_label(span, "not linear")
        .with_label(var_span, format!("`{var}` is a variable"))
        .with_help(help)
}
