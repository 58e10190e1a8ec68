//! The duals of a solved model: its LP (for a MILP, the LP with every integer column fixed at
//! the reported point) re-solved by Clp, with row duals and reduced costs in the model's units.

use rmod_ir::{ColKind, DualsFrom, Model, Sense, Sensitivity};

/// How far from a whole number an integer column's value may be and still be fixed at it.
pub const INTEGRALITY_TOL: f64 = 1e-6;

/// Row duals and reduced costs of `model` at the (verified) point `point`.
///
/// An LP is re-solved as is; a MILP with every integer and binary column (network neurons'
/// binaries too) fixed at its value in `point`, rounded (`Err` when a value is farther than
/// [`INTEGRALITY_TOL`] from a whole number). Clp solves that LP (at most `time_limit` seconds
/// of CPU time) for either backend. Signs are the model's: a dual is `d objective / d rhs`,
/// for a minimization and a maximization alike, and a reduced cost is `c_j - Σ_i dual_i a_ij`.
/// `Err` says why there are none.
pub fn duals(model: &Model, point: &[f64], time_limit: Option<f64>) -> Result<Sensitivity, String> {
    if point.len() != model.columns.len() {
        return Err("the solve has no point to take duals at".into());
    }
    let mut lp = model.clone();
    let mut from = DualsFrom::Lp;
    for (c, &v) in lp.columns.iter_mut().zip(point) {
        if c.kind == ColKind::Continuous {
            continue;
        }
        from = DualsFrom::FixedMilp;
        let r = v.round();
        if !v.is_finite() || (v - r).abs() > INTEGRALITY_TOL {
            return Err(format!(
                "the integer column {} is {v} at the point, not a whole number",
                c.origin.display()
            ));
        }
        let r = if r == 0.0 { 0.0 } else { r };
        c.lower = r;
        c.upper = r;
        c.kind = ColKind::Continuous;
    }
    let sign = match model.objective.as_ref().map(|o| o.sense) {
        Some(Sense::Maximize) => -1.0,
        _ => 1.0,
    };
    let mut c = vec![0.0; model.columns.len()];
    if let Some(o) = &model.objective {
        for &(j, a) in &o.coeffs {
            c[j as usize] += a;
        }
    }
    let solver_obj: Vec<(u32, f64)> = c
        .iter()
        .enumerate()
        .filter(|(_, a)| **a != 0.0)
        .map(|(j, a)| (j as u32, sign * a))
        .collect();
    let (y, x) = if lp.rows.is_empty() || lp.columns.is_empty() {
        // no row to price: the reduced costs are the objective's coefficients
        (vec![0.0; lp.rows.len()], point.to_vec())
    } else {
        match crate::certified::clp_solve(&lp, &solver_obj, time_limit) {
            Some((y, _, x)) => (y, x),
            None => {
                return Err(
                    "Clp did not solve the LP for the duals to optimality (infeasible after fixing the integers, or out of time)"
                        .into(),
                )
            }
        }
    };
    let row_duals: Vec<f64> = y.iter().map(|v| sign * v + 0.0).collect();
    let mut reduced_costs = c;
    for (r, d) in model.rows.iter().zip(&row_duals) {
        for &(j, a) in &r.coeffs {
            reduced_costs[j as usize] -= d * a;
        }
    }
    Ok(Sensitivity {
        from,
        row_duals,
        reduced_costs,
        lp_objective: model.objective_value(&x),
    })
}

#[cfg(test)]
#[path = "duals_tests.rs"]
mod tests;
