//! Switched constraints (`... if on[f];`): the switch's value, and the big-M rows that make a
//! linear relation hold only when the switch is 1 (the network case links through these rows
//! too, see `net_encode.rs`).

use rmod_diagnostics::code;

use rmod_diagnostics::{Diagnostic, Span};
use rmod_ir::{Affine, ColKind, Origin, Row};
use rmod_syntax::Expr;

use super::{Env, Evaluator, R};

/// The value of a constraint's `if`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Switch {
    /// data equal to 1: an ordinary constraint
    On,
    /// data equal to 0: the constraint is dropped (a network use's outputs are 0)
    Off,
    /// a binary column `z`: the switch is `z`, or `1 - z` when `neg`
    Var { col: u32, neg: bool },
}

impl Switch {
    /// `s = c0 + a0 z`: the constant and the coefficient of the column.
    pub(crate) fn affine(col_neg: (u32, bool)) -> (f64, f64) {
        if col_neg.1 {
            (1.0, -1.0)
        } else {
            (0.0, 1.0)
        }
    }
}

impl Evaluator<'_> {
    /// Evaluates the `if` of a constraint instance.
    pub(super) fn switch(&mut self, e: &Expr, env: &Env) -> R<Switch> {
        let l = self.lin(e, env)?.normalized();
        let help = "write `... if on[f];` with `var on{F} binary;` (or `1 - on[f]`, or data 0/1)";
        let bad = |what: String| {
            Diagnostic::error(
                code::LINEAR_SWITCH,
                format!("the switch of a constraint must be a binary variable or 0/1 data; {what}"),
            )
            .with_label(e.span, "this switch")
            .with_help(help)
        };
        match l.coeffs.as_slice() {
            [] if l.constant == 1.0 => Ok(Switch::On),
            [] if l.constant == 0.0 => Ok(Switch::Off),
            [] => Err(self.err(bad(format!("this one is {}", l.constant)))),
            [(c, a)] => {
                let col = &self.model.columns[*c as usize];
                let binary =
                    col.kind != ColKind::Continuous && col.lower >= 0.0 && col.upper <= 1.0;
                let neg = match (*a, l.constant) {
                    (1.0, 0.0) => false,
                    (-1.0, 1.0) => true,
                    _ => {
                        return Err(self.err(bad(
                            "write the variable itself or `1 - ` the variable".to_string(),
                        )))
                    }
                };
                if !binary {
                    let name = col.origin.display();
                    return Err(self.err(bad(format!("`{name}` is not binary"))));
                }
                Ok(Switch::Var { col: *c, neg })
            }
            _ => Err(self.err(bad("this one has several variables".to_string()))),
        }
    }

    /// Rows for `lo <= a·x <= hi` that hold when the switch `(col, neg)` is 1 and are relaxed to
    /// the bounds of `a·x` when it is 0: `a·x <= hi + (max - hi)(1 - s)` and
    /// `a·x >= lo - (lo - min)(1 - s)`, a side only where it cuts. `what` names the expression
    /// for the error when a needed bound is infinite.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn switched_rows(
        &mut self,
        origin: &Origin,
        coeffs: &[(u32, f64)],
        (lo, hi): (f64, f64),
        switch: (u32, bool),
        span: Span,
        what: &str,
    ) -> R<()> {
        let e = Affine {
            coeffs: coeffs.to_vec(),
            constant: 0.0,
        };
        let (amin, amax) = e.bounds(&self.model);
        let (c0, a0) = Switch::affine(switch);
        let z = switch.0;
        for (side, bound, far) in [(1.0, hi, amax), (-1.0, lo, amin)] {
            // side 1: a·x <= hi; side -1: a·x >= lo, i.e. -a·x <= -lo
            if !bound.is_finite() || side * far <= side * bound {
                continue;
            }
            if !far.is_finite() {
                let dir = if side > 0.0 { "upper" } else { "lower" };
                return Err(self.err(
                    Diagnostic::error(
                        code::LINEAR_SWITCH_UNBOUNDED,
                        format!(
                            "{what} has no finite {dir} bound, so the switched constraint cannot be relaxed when its switch is 0"
                        ),
                    )
                    .with_label(span, "switched constraint")
                    .with_help("give every variable in it finite bounds (`var x in [lo, hi]`): the big-M value comes from them"),
                ));
            }
            // a·x <= bound + m (1 - s) with m = far - bound (signs folded by `side`)
            let m = far - bound;
            let mut row = e.clone();
            row.coeffs.push((z, m * a0));
            let row = row.normalized();
            let rhs = bound + m * (1.0 - c0);
            let (lower, upper) = if side > 0.0 {
                (f64::NEG_INFINITY, rhs)
            } else {
                (rhs, f64::INFINITY)
            };
            self.model.rows.push(Row {
                origin: origin.clone(),
                coeffs: row.coeffs,
                lower: lower + 0.0,
                upper: upper + 0.0,
            });
        }
        Ok(())
    }
}
