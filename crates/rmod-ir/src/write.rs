//! LP (CPLEX format) and free MPS writers. Names are made legal for both formats and unique;
//! [`LegalNames`] maps them back to model names. Output depends only on the model (byte-identical).

use std::collections::HashSet;
use std::fmt::Write as _;

use crate::{ColKind, Model, Sense};

/// Legal, unique names of columns and rows, in model order.
#[derive(Clone, Debug, PartialEq)]
pub struct LegalNames {
    pub columns: Vec<String>,
    pub rows: Vec<String>,
}

fn legalize(raw: &str) -> String {
    let mut s: String = raw
        .chars()
        .map(|c| match c {
            '[' => '(',
            ']' => ')',
            c if c.is_ascii_alphanumeric()
                || c == '_'
                || c == '('
                || c == ')'
                || c == ','
                || c == '.' =>
            {
                c
            }
            _ => '_',
        })
        .collect();
    if s.is_empty()
        || s.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == 'e' || c == 'E')
    {
        s.insert(0, '_');
    }
    s
}

/// `feed["R1"]` becomes `feed(R1)`; other characters outside `[A-Za-z0-9_(),.]` become `_`; clashes get `~2`-style suffixes.
pub fn legal_names(model: &Model) -> LegalNames {
    let mut used = HashSet::new();
    let mut make = |raw: String| -> String {
        let base = legalize(&raw.replace('"', ""));
        let base = base.replace(", ", ",");
        let mut name = base.clone();
        let mut k = 2;
        while !used.insert(name.clone()) {
            name = format!("{base}_{k}");
            k += 1;
        }
        name
    };
    let columns = model
        .columns
        .iter()
        .map(|c| make(c.origin.display()))
        .collect();
    let rows = model
        .rows
        .iter()
        .map(|r| make(r.origin.display()))
        .collect();
    LegalNames { columns, rows }
}

/// Formats a number the same way on every machine: integers without a point, others in shortest round-trip form.
fn num(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:?}")
    }
}

fn lp_terms(out: &mut String, coeffs: &[(u32, f64)], names: &[String]) {
    if coeffs.is_empty() {
        out.push_str(" 0 ");
        out.push_str(names.first().map(String::as_str).unwrap_or("x"));
        return;
    }
    for (k, (c, a)) in coeffs.iter().enumerate() {
        if k > 0 && k % 8 == 0 {
            out.push_str("\n   ");
        }
        let sign = if *a < 0.0 { '-' } else { '+' };
        let _ = write!(out, " {sign} {} {}", num(a.abs()), names[*c as usize]);
    }
}

/// Writes the model in CPLEX LP format. Ranged rows become two rows `NAME_lo` and `NAME_hi`;
/// every column gets an explicit bound (free columns are written `free`).
pub fn write_lp(model: &Model) -> String {
    let names = legal_names(model);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\\ written by rmod: {} columns, {} rows",
        model.columns.len(),
        model.rows.len()
    );
    let obj = model.objective.as_ref();
    if let Some(o) = obj {
        if o.constant != 0.0 {
            let _ = writeln!(
                out,
                "\\ objective constant {} (not included below)",
                num(o.constant)
            );
        }
    }
    out.push_str(match obj.map(|o| o.sense) {
        Some(Sense::Maximize) => "Maximize\n",
        _ => "Minimize\n",
    });
    let obj_name = obj
        .map(|o| legalize(&o.name))
        .unwrap_or_else(|| "obj".into());
    let _ = write!(out, " {obj_name}:");
    lp_terms(
        &mut out,
        obj.map(|o| o.coeffs.as_slice()).unwrap_or(&[]),
        &names.columns,
    );
    out.push_str("\nSubject To\n");
    for (r, name) in model.rows.iter().zip(&names.rows) {
        let mut write_row = |label: &str, op: &str, rhs: f64| {
            let _ = write!(out, " {label}:");
            lp_terms(&mut out, &r.coeffs, &names.columns);
            let _ = writeln!(out, " {op} {}", num(rhs));
        };
        if r.lower == r.upper {
            write_row(name, "=", r.upper);
        } else if r.lower.is_finite() && r.upper.is_finite() {
            write_row(&format!("{name}_lo"), ">=", r.lower);
            write_row(&format!("{name}_hi"), "<=", r.upper);
        } else if r.upper.is_finite() {
            write_row(name, "<=", r.upper);
        } else if r.lower.is_finite() {
            write_row(name, ">=", r.lower);
        }
    }
    out.push_str("Bounds\n");
    for (c, name) in model.columns.iter().zip(&names.columns) {
        let (lo, hi) = (c.lower, c.upper);
        let _ = match (lo.is_finite(), hi.is_finite()) {
            (false, false) => writeln!(out, " {name} free"),
            _ if lo == hi => writeln!(out, " {name} = {}", num(lo)),
            (true, true) => writeln!(out, " {} <= {name} <= {}", num(lo), num(hi)),
            (true, false) => writeln!(out, " {name} >= {}", num(lo)),
            (false, true) => writeln!(out, " -inf <= {name} <= {}", num(hi)),
        };
    }
    let ints: Vec<&String> = model
        .columns
        .iter()
        .zip(&names.columns)
        .filter(|(c, _)| c.kind != ColKind::Continuous)
        .map(|(_, n)| n)
        .collect();
    if !ints.is_empty() {
        out.push_str("Generals\n");
        for chunk in ints.chunks(8) {
            let parts: Vec<&str> = chunk.iter().map(|s| s.as_str()).collect();
            let _ = writeln!(out, " {}", parts.join(" "));
        }
    }
    out.push_str("End\n");
    out
}

/// Writes the model in free MPS format (with an `OBJSENSE` section for maximization). Integer
/// columns are marked with `INTORG`/`INTEND` and always get explicit bounds.
pub fn write_mps(model: &Model) -> String {
    let names = legal_names(model);
    let mut out = String::new();
    let obj = model.objective.as_ref();
    out.push_str("NAME rmod\n");
    if matches!(obj.map(|o| o.sense), Some(Sense::Maximize)) {
        out.push_str("OBJSENSE\n    MAX\n");
    }
    out.push_str("ROWS\n N obj\n");
    for (r, name) in model.rows.iter().zip(&names.rows) {
        let t = if r.lower == r.upper {
            'E'
        } else if r.upper.is_finite() {
            'L'
        } else if r.lower.is_finite() {
            'G'
        } else {
            'N'
        };
        let _ = writeln!(out, " {t} {name}");
    }
    // column-major copy of the matrix
    let mut by_col: Vec<Vec<(u32, f64)>> = vec![Vec::new(); model.columns.len()];
    for (ri, r) in model.rows.iter().enumerate() {
        for (c, a) in &r.coeffs {
            by_col[*c as usize].push((ri as u32, *a));
        }
    }
    let mut obj_coef = vec![0.0; model.columns.len()];
    if let Some(o) = obj {
        for (c, a) in &o.coeffs {
            obj_coef[*c as usize] += a;
        }
    }
    out.push_str("COLUMNS\n");
    let mut in_int = false;
    for (ci, (c, name)) in model.columns.iter().zip(&names.columns).enumerate() {
        let is_int = c.kind != ColKind::Continuous;
        if is_int != in_int {
            let _ = writeln!(
                out,
                "    MARKER 'MARKER' {}",
                if is_int { "'INTORG'" } else { "'INTEND'" }
            );
            in_int = is_int;
        }
        let _ = writeln!(out, "    {name} obj {}", num(obj_coef[ci]));
        for (r, a) in &by_col[ci] {
            let _ = writeln!(out, "    {name} {} {}", names.rows[*r as usize], num(*a));
        }
    }
    if in_int {
        out.push_str("    MARKER 'MARKER' 'INTEND'\n");
    }
    out.push_str("RHS\n");
    if let Some(o) = obj {
        if o.constant != 0.0 {
            let _ = writeln!(out, "    RHS obj {}", num(-o.constant));
        }
    }
    let mut ranges = String::new();
    for (r, name) in model.rows.iter().zip(&names.rows) {
        let rhs = if r.lower == r.upper || r.upper.is_finite() {
            r.upper
        } else if r.lower.is_finite() {
            r.lower
        } else {
            0.0
        };
        if rhs != 0.0 {
            let _ = writeln!(out, "    RHS {name} {}", num(rhs));
        }
        if r.lower != r.upper && r.lower.is_finite() && r.upper.is_finite() {
            let _ = writeln!(ranges, "    RNG {name} {}", num(r.upper - r.lower));
        }
    }
    if !ranges.is_empty() {
        out.push_str("RANGES\n");
        out.push_str(&ranges);
    }
    out.push_str("BOUNDS\n");
    for (c, name) in model.columns.iter().zip(&names.columns) {
        let (lo, hi) = (c.lower, c.upper);
        if lo == hi {
            let _ = writeln!(out, " FX BND {name} {}", num(lo));
            continue;
        }
        if lo.is_finite() {
            let _ = writeln!(out, " LO BND {name} {}", num(lo));
        } else if hi.is_finite() {
            let _ = writeln!(out, " MI BND {name}");
        } else {
            let _ = writeln!(out, " FR BND {name}");
        }
        if hi.is_finite() {
            let _ = writeln!(out, " UP BND {name} {}", num(hi));
        } else if lo.is_finite() && c.kind != ColKind::Continuous {
            let _ = writeln!(out, " PL BND {name}");
        }
    }
    out.push_str("ENDATA\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::*;
    use rmod_diagnostics::Span;

    fn origin(decl: &str, index: Vec<Elem>) -> Origin {
        Origin {
            decl: decl.into(),
            index,
            span: Span::default(),
        }
    }

    fn small() -> Model {
        Model {
            columns: vec![
                Column {
                    origin: origin("x", vec![Elem::Str("new york".into())]),
                    lower: f64::NEG_INFINITY,
                    upper: f64::INFINITY,
                    kind: ColKind::Continuous,
                },
                Column {
                    origin: origin("y", vec![Elem::Int(1)]),
                    lower: 0.0,
                    upper: 1.0,
                    kind: ColKind::Binary,
                },
            ],
            rows: vec![
                Row {
                    origin: origin("c", vec![]),
                    coeffs: vec![(0, 1.0), (1, -2.5)],
                    lower: -1.0,
                    upper: 4.0,
                },
                Row {
                    origin: origin("d", vec![]),
                    coeffs: vec![(0, 1.0)],
                    lower: 2.0,
                    upper: 2.0,
                },
            ],
            objective: Some(Objective {
                name: "z".into(),
                sense: Sense::Maximize,
                coeffs: vec![(0, 1.0)],
                constant: 3.0,
            }),
            options: Options::default(),
        }
    }

    #[test]
    fn names_are_legal_and_unique() {
        let mut m = small();
        m.columns.push(m.columns[0].clone());
        let n = legal_names(&m);
        assert_eq!(n.columns, vec!["x(new_york)", "y(1)", "x(new_york)_2"]);
    }

    #[test]
    fn lp_text() {
        let lp = write_lp(&small());
        assert!(
            lp.contains(" c_lo: + 1 x(new_york) - 2.5 y(1) >= -1\n"),
            "{lp}"
        );
        assert!(lp.contains(" x(new_york) free\n"));
        assert!(lp.contains("Generals\n y(1)\n"));
        assert_eq!(lp, write_lp(&small()));
    }

    #[test]
    fn mps_text() {
        let mps = write_mps(&small());
        assert!(mps.contains("OBJSENSE\n    MAX\n"));
        assert!(mps.contains("    RNG c 5\n"));
        assert!(mps.contains(" FR BND x(new_york)\n"));
        assert!(mps.contains("    RHS obj -3\n"));
    }
}
