//! `rmod solve --format csv --wide`: the solution as one CSV row, a column per variable value.

use std::fmt::Write as _;

use rmod_ir::Model;

use crate::{clean_value, csv_field, Report};

/// A column's header in the wide CSV: `x` for a scalar, `make[R1,day]` for an indexed value
/// (elements as written, without quotes; the header of `rmod sweep`'s tables).
pub fn wide_name(o: &rmod_ir::Origin) -> String {
    if o.index.is_empty() {
        o.decl.clone()
    } else {
        format!("{}[{}]", o.decl, o.index_key())
    }
}

/// The model's own variables (generated network columns left out unless `all`).
fn shown(m: &Model, all: bool) -> impl Iterator<Item = (usize, &rmod_ir::Column)> {
    m.columns
        .iter()
        .enumerate()
        .filter(move |(_, c)| all || c.origin.is_model())
}

/// `status,objective,x,make[R1,day],...` and one row of values (empty cells without a point
/// or objective), in model order.
pub fn render_csv_wide(r: &Report) -> String {
    let m = r.model;
    let s = r.solution;
    let mut head = vec!["status".to_string(), "objective".to_string()];
    let mut row = vec![
        s.status.as_str().to_string(),
        s.objective.map(|v| v.to_string()).unwrap_or_default(),
    ];
    for (j, c) in shown(m, r.show_all) {
        head.push(csv_field(&wide_name(&c.origin)));
        row.push(
            s.values
                .get(j)
                .filter(|_| s.status.has_point())
                .map(|v| clean_value(*v, c.kind).to_string())
                .unwrap_or_default(),
        );
    }
    let mut out = String::new();
    let _ = writeln!(out, "{}", head.join(","));
    let _ = writeln!(out, "{}", row.join(","));
    out
}
