//! A compact, exact text form of a model's columns and rows (no names, no objective), used to
//! hand bound-tightening problems to worker processes. Every f64 round-trips exactly.

use crate::{ColKind, Column, Model, Origin, Row};

/// Appends `v` so that `str::parse::<f64>` gives it back bit for bit (`inf`, `-inf` included).
pub fn push_f64(out: &mut String, v: f64) {
    out.push_str(&format!("{v:?}"));
}

/// `cols N`, one `LOWER UPPER KIND` line per column (`c`, `i`, `b`), then `rows M`, one
/// `LOWER UPPER K COL COEF ...` line per row.
pub fn write_wire(model: &Model) -> String {
    let mut out = format!("cols {}\n", model.columns.len());
    for c in &model.columns {
        push_f64(&mut out, c.lower);
        out.push(' ');
        push_f64(&mut out, c.upper);
        out.push_str(match c.kind {
            ColKind::Continuous => " c\n",
            ColKind::Integer => " i\n",
            ColKind::Binary => " b\n",
        });
    }
    out.push_str(&format!("rows {}\n", model.rows.len()));
    for r in &model.rows {
        push_f64(&mut out, r.lower);
        out.push(' ');
        push_f64(&mut out, r.upper);
        out.push_str(&format!(" {}", r.coeffs.len()));
        for (c, a) in &r.coeffs {
            out.push_str(&format!(" {c} "));
            push_f64(&mut out, *a);
        }
        out.push('\n');
    }
    out
}

fn num<T: std::str::FromStr>(s: Option<&str>, what: &str) -> Result<T, String> {
    s.ok_or_else(|| format!("missing {what}"))?
        .parse()
        .map_err(|_| format!("bad {what}"))
}

/// Reads [`write_wire`] from the front of `lines`.
pub fn read_wire<'a>(lines: &mut impl Iterator<Item = &'a str>) -> Result<Model, String> {
    let mut model = Model::default();
    let head = lines.next().ok_or("missing cols")?;
    let n: usize = num(head.strip_prefix("cols "), "column count")?;
    for _ in 0..n {
        let mut p = lines.next().ok_or("missing column")?.split(' ');
        let lower = num(p.next(), "lower bound")?;
        let upper = num(p.next(), "upper bound")?;
        let kind = match p.next() {
            Some("c") => ColKind::Continuous,
            Some("i") => ColKind::Integer,
            Some("b") => ColKind::Binary,
            _ => return Err("bad column kind".into()),
        };
        model.columns.push(Column {
            origin: Origin::default(),
            lower,
            upper,
            kind,
        });
    }
    let head = lines.next().ok_or("missing rows")?;
    let m: usize = num(head.strip_prefix("rows "), "row count")?;
    for _ in 0..m {
        let mut p = lines.next().ok_or("missing row")?.split(' ');
        let lower = num(p.next(), "row lower bound")?;
        let upper = num(p.next(), "row upper bound")?;
        let k: usize = num(p.next(), "row length")?;
        let mut coeffs = Vec::with_capacity(k);
        for _ in 0..k {
            let c: u32 = num(p.next(), "column index")?;
            if c as usize >= n {
                return Err("column index out of range".into());
            }
            coeffs.push((c, num(p.next(), "coefficient")?));
        }
        model.rows.push(Row {
            origin: Origin::default(),
            coeffs,
            lower,
            upper,
        });
    }
    Ok(model)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_is_exact() {
        let mut m = Model::default();
        for (l, u, kind) in [
            (0.1 + 0.2, f64::INFINITY, ColKind::Continuous),
            (f64::NEG_INFINITY, -1e-300, ColKind::Integer),
            (0.0, 1.0, ColKind::Binary),
        ] {
            m.columns.push(Column {
                origin: Origin::default(),
                lower: l,
                upper: u,
                kind,
            });
        }
        m.rows.push(Row {
            origin: Origin::default(),
            coeffs: vec![(0, 1.0 / 3.0), (2, -7e12)],
            lower: f64::NEG_INFINITY,
            upper: 2.5,
        });
        let text = write_wire(&m);
        let back = read_wire(&mut text.lines()).unwrap();
        assert_eq!(back, m);
        assert!(read_wire(&mut "cols 1\n0 1 x\n".lines()).is_err());
    }
}
