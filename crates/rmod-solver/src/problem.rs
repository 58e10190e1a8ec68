//! The IR as a good_lp problem: one variable per column, the objective in CBC's and HiGHS's
//! terms (minimized, no constant), and each row's linear form.

use good_lp::{variable, Expression, ProblemVariables, Variable};
use rmod_ir::{ColKind, Model, Sense};

/// The model's columns as good_lp variables (same order, same bounds, integrality kept).
pub(crate) fn variables(model: &Model) -> (ProblemVariables, Vec<Variable>) {
    let mut vars = ProblemVariables::new();
    let cols = model
        .columns
        .iter()
        .map(|c| {
            let def = variable().min(c.lower).max(c.upper);
            vars.add(match c.kind {
                ColKind::Continuous => def,
                ColKind::Integer | ColKind::Binary => def.integer(),
            })
        })
        .collect();
    (vars, cols)
}

/// `Σ a_j x_j` over `cols`; duplicate entries add up.
pub(crate) fn linear(coeffs: &[(u32, f64)], cols: &[Variable]) -> Expression {
    let mut e = Expression::with_capacity(coeffs.len());
    for (c, a) in coeffs {
        e.add_mul(*a, cols[*c as usize]);
    }
    e
}

/// +1, or -1 for a maximization: the solver's objective is the model's times this. Both
/// backends always get a minimization (CBC applies a `cutoff` inconsistently to a
/// maximization: with a cutoff below the optimum it reported both "infeasible" and the
/// optimum, depending on the value); the adapters turn bounds back.
pub(crate) fn sign(model: &Model) -> f64 {
    match model.objective.as_ref().map(|o| o.sense) {
        Some(Sense::Maximize) => -1.0,
        _ => 1.0,
    }
}

/// The objective the solver minimizes: the model's times [`sign`], without its constant.
pub(crate) fn objective(model: &Model, cols: &[Variable]) -> Expression {
    let s = sign(model);
    match &model.objective {
        Some(o) => {
            let scaled: Vec<(u32, f64)> = o.coeffs.iter().map(|(c, a)| (*c, s * a)).collect();
            linear(&scaled, cols)
        }
        None => Expression::with_capacity(0),
    }
}

/// A cutoff in the solver's terms (minimized, no constant) for a model objective value `v`:
/// only points better than `v` by a relative 1e-6 are searched for.
pub(crate) fn cutoff(model: &Model, v: f64) -> Option<f64> {
    let obj = model.objective.as_ref()?;
    let v = sign(model) * (v - obj.constant);
    Some(v + 1e-6 * v.abs().max(1.0))
}

/// A best bound in the solver's terms turned into model units; `None` when it is not finite or
/// not meaningful (beyond 1e30, a solver's infinity).
pub(crate) fn model_bound(model: &Model, solver_bound: f64) -> Option<f64> {
    let b = sign(model) * solver_bound;
    (b.is_finite() && b.abs() < 1e30)
        .then(|| b + model.objective.as_ref().map_or(0.0, |o| o.constant))
}
