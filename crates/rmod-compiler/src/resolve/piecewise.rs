//! The resolver's check of a `piecewise(x, [breakpoints], [values])` call: its shape (three
//! unnamed arguments, a single variable and two lists of the same length, at least 2 points).

use rmod_diagnostics::{code, Diagnostic};
use rmod_syntax::*;

use super::{Ctx, Kind, Resolver};

/// The name of the built-in piecewise-linear term (a network of that name takes precedence).
pub const PIECEWISE: &str = "piecewise";

impl Resolver<'_> {
    pub(super) fn piecewise_call(&mut self, e: &Expr, f: &Ident, args: &[Arg], ctx: Ctx) {
        const FORM: &str = "write `piecewise(x, [b1, b2, ...], [v1, v2, ...])`: a variable, its breakpoints and the values at them";
        if let Some(a) = args.iter().find(|a| a.name.is_some()) {
            let span = a.name.as_ref().map_or(e.span, |n| n.span);
            self.diags.push(
                Diagnostic::error(
                    code::PIECEWISE_ARGUMENTS,
                    "`piecewise` takes no named arguments",
                )
                .with_label(span, "named argument")
                .with_help(FORM),
            );
            return;
        }
        if args.len() != 3 {
            self.diags.push(
                Diagnostic::error(
                    code::PIECEWISE_ARGUMENTS,
                    format!("`piecewise` takes 3 arguments, found {}", args.len()),
                )
                .with_label(f.span.to(e.span), "in this call")
                .with_help(FORM),
            );
            return;
        }
        let x = &args[0].value;
        // resolved either way, so that its names count as used
        self.expr(x, ctx);
        match &x.kind {
            ExprKind::Ref(id, _) if self.syms.get(&id.name).map(|s| s.kind) == Some(Kind::Var) && !self.scope.contains(&id.name) => {}
            _ => self.diags.push(
                Diagnostic::error(code::PIECEWISE_NOT_VARIABLE, "the first argument of `piecewise` must be a single variable")
                    .with_label(x.span, "not a variable")
                    .with_help("write a variable, `x` or `x[i]`; for a function of an expression, declare a variable `u`, add `u = expression` and use `piecewise(u, ...)`"),
            ),
        }
        let mut lens = [0; 2];
        for (k, a) in args[1..].iter().enumerate() {
            match &a.value.kind {
                ExprKind::Tuple(xs) => {
                    lens[k] = xs.len();
                    for x in xs {
                        self.expr(x, Ctx::Data);
                    }
                }
                _ => {
                    let what = if k == 0 { "breakpoints" } else { "values" };
                    self.diags.push(
                        Diagnostic::error(
                            code::PIECEWISE_ARGUMENTS,
                            format!("the {what} of `piecewise` must be a list `[a, b, ...]`"),
                        )
                        .with_label(a.value.span, "not a list")
                        .with_help(FORM),
                    );
                    return;
                }
            }
        }
        if lens[0] != lens[1] {
            self.diags.push(
                Diagnostic::error(
                    code::PIECEWISE_ARGUMENTS,
                    format!(
                        "`piecewise` has {} breakpoints but {} values",
                        lens[0], lens[1]
                    ),
                )
                .with_label(args[1].value.span, format!("{} breakpoints", lens[0]))
                .with_label(args[2].value.span, format!("{} values", lens[1]))
                .with_help("give one value per breakpoint: the function's value at it"),
            );
        } else if lens[0] < 2 {
            self.diags.push(
                Diagnostic::error(code::PIECEWISE_ARGUMENTS, "`piecewise` needs at least 2 points")
                    .with_label(args[1].value.span, "one breakpoint")
                    .with_help("give the first and last breakpoint at least (a constant is written as a number)"),
            );
        }
    }
}
