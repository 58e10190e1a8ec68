//! Linear expressions: compiling an expression into terms over columns plus a constant, and
//! checking that it is linear.

use rmod_diagnostics::Diagnostic;
use rmod_syntax::*;

use super::values::{preview, show_key};
use super::{Env, Evaluator, Reported, R};
use crate::resolve::Kind;

/// A linear expression: terms (a column may repeat) plus a constant.
#[derive(Default)]
pub(super) struct Lin {
    pub(super) terms: Vec<(u32, f64)>,
    pub(super) c: f64,
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
    pub(super) fn add(mut self, other: Lin, sign: f64) -> Lin {
        self.terms
            .extend(other.terms.into_iter().map(|(c, a)| (c, a * sign)));
        self.c += other.c * sign;
        self
    }
}

/// Sorts terms by column, merges repeats and drops zeros.
pub(super) fn normalize(mut terms: Vec<(u32, f64)>) -> Vec<(u32, f64)> {
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

impl Evaluator<'_> {
    pub(super) fn lin(&mut self, e: &Expr, env: &Env) -> R<Lin> {
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
