//! The `--duals` parts of a report: the constraints table (activity, sides, slack, dual), the
//! reduced costs, in the table, the JSON document and the CSV.

use std::fmt::Write as _;

use rmod_ir::{Model, Row, Sensitivity, Solution};
use serde_json::{json, Map, Value};

use crate::{clean_value, csv_field, fmt_num, json_num};

/// One of the model's own constraints (generated network rows are left out) at the point.
pub struct ConstraintLine {
    pub name: String,
    pub index: String,
    pub activity: f64,
    pub lower: f64,
    pub upper: f64,
    /// distance from the activity to the nearest finite side (0 on it; `inf` for a free row)
    pub slack: f64,
    pub dual: f64,
}

/// Noise below 1e-9 of a quantity's scale becomes 0 (and -0 becomes 0).
fn clean(v: f64, scale: f64) -> f64 {
    if v.abs() <= 1e-9 * scale.abs().max(1.0) {
        0.0
    } else {
        v
    }
}

/// The slack of a row at activity `a`: `upper - a` for `<=`, `a - lower` for `>=`, the smaller
/// of the two for a ranged row or an equation (negative when the side is violated).
pub fn slack(r: &Row, a: f64) -> f64 {
    let up = if r.upper.is_finite() {
        r.upper - a
    } else {
        f64::INFINITY
    };
    let lo = if r.lower.is_finite() {
        a - r.lower
    } else {
        f64::INFINITY
    };
    let s = up.min(lo);
    let scale = [r.lower, r.upper, a]
        .iter()
        .filter(|v| v.is_finite())
        .fold(0.0f64, |m, v| m.max(v.abs()));
    if s.is_finite() {
        clean(s, scale)
    } else {
        s
    }
}

/// The model's constraints, in model order, at the solution's point with `duals`.
pub fn constraint_lines(m: &Model, s: &Solution, duals: &Sensitivity) -> Vec<ConstraintLine> {
    m.rows
        .iter()
        .zip(&duals.row_duals)
        .filter(|(r, _)| r.origin.is_model())
        .map(|(r, &d)| {
            let a = rmod_ir::dot(&r.coeffs, &s.values);
            ConstraintLine {
                name: r.origin.decl.clone(),
                index: r.origin.index_key(),
                activity: clean(a, 1.0),
                lower: r.lower,
                upper: r.upper,
                slack: slack(r, a),
                dual: clean_value(d, rmod_ir::ColKind::Continuous),
            }
        })
        .collect()
}

/// A column's reduced cost, cleaned.
pub fn reduced_cost(duals: &Sensitivity, j: usize) -> f64 {
    clean_value(
        duals.reduced_costs.get(j).copied().unwrap_or(f64::NAN),
        rmod_ir::ColKind::Continuous,
    )
}

/// The constraints table that follows the variables with `--duals`.
pub fn render_constraints(m: &Model, s: &Solution, duals: &Sensitivity) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\nduals      from {} (LP objective {}); dual = d objective / d rhs",
        match duals.from {
            rmod_ir::DualsFrom::Lp => "the LP",
            rmod_ir::DualsFrom::FixedMilp => "the LP with the integer columns fixed at the point",
        },
        fmt_num(duals.lp_objective)
    );
    let mut rows: Vec<Vec<String>> = vec![[
        "constraint",
        "index",
        "activity",
        "lower",
        "upper",
        "slack",
        "dual",
    ]
    .map(String::from)
    .to_vec()];
    for c in constraint_lines(m, s, duals) {
        rows.push(vec![
            c.name,
            c.index,
            fmt_num(c.activity),
            fmt_num(c.lower),
            fmt_num(c.upper),
            fmt_num(c.slack),
            fmt_num(c.dual),
        ]);
    }
    out.push_str(&crate::align(&rows, 2));
    out
}

/// Adds `duals_from`, `duals_objective`, `constraints` and `reduced_costs` (shaped like
/// `variables`) to the solution document.
pub fn add_json(doc: &mut Value, m: &Model, s: &Solution, duals: &Sensitivity) {
    let cons: Vec<Value> = constraint_lines(m, s, duals)
        .into_iter()
        .map(|c| {
            json!({
                "name": c.name,
                "index": c.index,
                "activity": json_num(c.activity),
                "lower": json_num(c.lower),
                "upper": json_num(c.upper),
                "slack": json_num(c.slack),
                "dual": json_num(c.dual),
            })
        })
        .collect();
    let mut rc = Map::new();
    for (j, c) in m.columns.iter().enumerate() {
        let v = json_num(reduced_cost(duals, j));
        if c.origin.index.is_empty() {
            rc.insert(c.origin.decl.clone(), v);
        } else if let Value::Object(map) = rc
            .entry(c.origin.decl.clone())
            .or_insert_with(|| Value::Object(Map::new()))
        {
            map.insert(c.origin.index_key(), v);
        }
    }
    doc["duals_from"] = json!(duals.from.as_str());
    doc["duals_objective"] = json_num(duals.lp_objective);
    doc["constraints"] = Value::Array(cons);
    doc["reduced_costs"] = Value::Object(rc);
}

/// The CSV with `--duals`: one table, a line per variable and then per constraint,
/// `kind,name,index,value,lower,upper,slack,dual,reduced_cost` (value: the activity of a
/// constraint; empty cells where a column does not apply).
pub fn render_csv(m: &Model, s: &Solution, duals: &Sensitivity) -> String {
    let mut out = String::from("kind,name,index,value,lower,upper,slack,dual,reduced_cost\n");
    for (j, (c, v)) in m.columns.iter().zip(&s.values).enumerate() {
        let _ = writeln!(
            out,
            "variable,{},{},{},{},{},,,{}",
            csv_field(&c.origin.decl),
            csv_field(&c.origin.index_key()),
            clean_value(*v, c.kind),
            c.lower,
            c.upper,
            reduced_cost(duals, j)
        );
    }
    for c in constraint_lines(m, s, duals) {
        let _ = writeln!(
            out,
            "constraint,{},{},{},{},{},{},{},",
            csv_field(&c.name),
            csv_field(&c.index),
            c.activity,
            c.lower,
            c.upper,
            c.slack,
            c.dual
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmod_ir::Origin;

    fn row(lower: f64, upper: f64) -> Row {
        Row {
            origin: Origin::default(),
            coeffs: vec![(0, 1.0)],
            lower,
            upper,
        }
    }

    #[test]
    fn slack_is_the_distance_to_the_nearest_finite_side() {
        let inf = f64::INFINITY;
        assert_eq!(slack(&row(-inf, 10.0), 7.0), 3.0);
        assert_eq!(slack(&row(4.0, inf), 7.0), 3.0);
        assert_eq!(slack(&row(4.0, 10.0), 9.0), 1.0);
        assert_eq!(slack(&row(5.0, 5.0), 5.0 + 1e-12), 0.0);
        assert_eq!(slack(&row(-inf, inf), 1.0), inf);
        assert_eq!(slack(&row(-inf, 10.0), 11.0), -1.0);
    }
}
