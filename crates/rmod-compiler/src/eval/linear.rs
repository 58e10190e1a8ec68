//! Linear expressions: compiling an expression into an [`Affine`] (terms over columns, a column
//! may repeat, plus a constant), and checking that it is linear.

use rmod_diagnostics::code;

use rmod_diagnostics::Diagnostic;
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
            ExprKind::Not(_) => Err(self.err(Diagnostic::error(code::LINEAR_RELATION_IN_EXPRESSION, "`not` is not an arithmetic operator").with_label(e.span, "logic inside an expression").with_help("logic belongs in filters"))),
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
}
