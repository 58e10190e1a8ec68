//! Piecewise-linear terms `piecewise(x, [b1, ..., bK], [v1, ..., vK])`: a column `t` for the
//! value, and once its row (or the objective) is complete, the rows that tie `t` to `x`: the
//! epigraph (hypograph) of a convex (concave) function where the row pushes `t` down (up),
//! otherwise the exact incremental encoding with binaries.

use rmod_diagnostics::{code, Diagnostic};
use rmod_ir::{Affine, ColKind, Column, Origin, Row};
use rmod_syntax::*;

use super::{Env, Evaluator, R};

/// A term waiting for its row: its value column, its variable and its points.
pub(super) struct PwTerm {
    t: u32,
    x: u32,
    b: Vec<f64>,
    v: Vec<f64>,
}

/// Which way the row or objective of a term pushes its value column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Want {
    /// `lo <= row <= hi` with these bounds finite
    Row {
        lo: bool,
        hi: bool,
    },
    Minimize,
    Maximize,
    /// no direction can be trusted (switched rows, network arguments)
    Exact,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Push {
    Down,
    Up,
    Exact,
}

impl Want {
    /// The direction for a column with coefficient `a`.
    fn push(self, a: f64) -> Push {
        let (down, up) = match self {
            Want::Minimize
            | Want::Row {
                lo: false,
                hi: true,
            } => (a > 0.0, a < 0.0),
            Want::Maximize
            | Want::Row {
                lo: true,
                hi: false,
            } => (a < 0.0, a > 0.0),
            _ => (false, false),
        };
        match (down, up) {
            (true, _) => Push::Down,
            (_, true) => Push::Up,
            _ => Push::Exact,
        }
    }
}

/// The slopes of the segments.
fn slopes(b: &[f64], v: &[f64]) -> Vec<f64> {
    (1..b.len())
        .map(|k| (v[k] - v[k - 1]) / (b[k] - b[k - 1]))
        .collect()
}

/// Slopes nondecreasing (convex) or nonincreasing (concave), compared exactly (in doubt: exact).
fn shape(s: &[f64]) -> (bool, bool) {
    let convex = s.windows(2).all(|w| w[1] >= w[0]);
    let concave = s.windows(2).all(|w| w[1] <= w[0]);
    (convex, concave)
}

impl Evaluator<'_> {
    /// `piecewise(x, [b...], [v...])` in a linear expression: a new column for its value.
    pub(super) fn piecewise_term(&mut self, e: &Expr, args: &[Arg], env: &Env) -> R<Affine> {
        // the resolver checked the shape: a variable and two lists of the same length >= 2
        let x = match self.lin(&args[0].value, env)?.coeffs.as_slice() {
            [(c, a)] if *a == 1.0 => *c,
            _ => {
                return Err(self.err(
                    Diagnostic::error(
                        code::PIECEWISE_NOT_VARIABLE,
                        "the first argument of `piecewise` must be a single variable",
                    )
                    .with_label(args[0].value.span, "not a variable")
                    .with_help("write a variable, `x` or `x[i]`"),
                ))
            }
        };
        let mut pts = [Vec::new(), Vec::new()];
        for (k, a) in args[1..].iter().enumerate() {
            let ExprKind::Tuple(xs) = &a.value.kind else {
                return Err(super::Reported);
            };
            for x in xs {
                let v = self.num(x, env)?;
                if !v.is_finite() {
                    return Err(self.err(
                        Diagnostic::error(
                            code::PIECEWISE_BREAKPOINTS,
                            format!(
                                "a {} of `piecewise` is not finite",
                                if k == 0 { "breakpoint" } else { "value" }
                            ),
                        )
                        .with_label(x.span, format!("evaluates to {v}"))
                        .with_help("check the data of this point"),
                    ));
                }
                pts[k].push(v);
            }
        }
        let [b, v] = pts;
        if let Some(k) = (1..b.len()).find(|&k| b[k] <= b[k - 1]) {
            let ExprKind::Tuple(xs) = &args[1].value.kind else {
                return Err(super::Reported);
            };
            return Err(self.err(
                Diagnostic::error(
                    code::PIECEWISE_BREAKPOINTS,
                    format!(
                        "the breakpoints of `piecewise` must be strictly increasing: {} follows {}",
                        b[k],
                        b[k - 1]
                    ),
                )
                .with_label(
                    xs[k].span,
                    format!("{} is not above the breakpoint before it", b[k]),
                )
                .with_help(
                    "list the points in increasing order of breakpoint, each breakpoint once",
                ),
            ));
        }
        // finite points can still be too far apart for a finite slope or difference
        if (1..b.len()).any(|k| {
            !((v[k] - v[k - 1]) / (b[k] - b[k - 1])).is_finite()
                || !(b[k] - b[k - 1]).is_finite()
                || !(v[k] - v[k - 1]).is_finite()
        }) {
            return Err(self.err(
                Diagnostic::error(
                    code::PIECEWISE_BREAKPOINTS,
                    "the points of `piecewise` are too far apart for finite slopes",
                )
                .with_label(e.span, "a slope or difference overflows")
                .with_help("rescale the units of the variable or of the values"),
            ));
        }
        let (first, last) = (b[0], b[b.len() - 1]);
        let col = &self.model.columns[x as usize];
        let (dlo, dhi) = (col.lower, col.upper);
        let name = col.origin.display();
        let (lo, hi) = (dlo.max(first), dhi.min(last));
        if lo > hi {
            return Err(self.err(
                Diagnostic::error(code::DATA_EMPTY_BOUNDS, format!("the bounds [{dlo}, {dhi}] of `{name}` do not meet the breakpoints [{first}, {last}]"))
                    .with_label(e.span, "defined only between its first and last breakpoint")
                    .with_help("extend the breakpoints to cover the variable's range, or fix the bounds"),
            ));
        }
        if (dlo.is_finite() && dlo < first) || (dhi.is_finite() && dhi > last) {
            self.warn_once(
                Diagnostic::warning(code::PIECEWISE_NARROWS, format!("`piecewise` is defined on [{first}, {last}]: that narrows `{name}` from [{dlo}, {dhi}]"))
                    .with_label(e.span, "in this term")
                    .with_help("declare the variable's bounds inside the breakpoints, or add breakpoints, to silence this"),
            );
        }
        let col = &mut self.model.columns[x as usize];
        (col.lower, col.upper) = (lo, hi);
        let t = self.model.columns.len() as u32;
        let vmin = v.iter().copied().fold(f64::INFINITY, f64::min);
        let vmax = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        // the interpolation stays between the smallest and largest value (big-M of switches)
        self.model.columns.push(Column {
            origin: Origin::default(),
            lower: vmin,
            upper: vmax,
            kind: ColKind::Continuous,
        });
        self.pw_pending.push(PwTerm { t, x, b, v });
        Ok(Affine::var(t))
    }

    /// The rows of the terms of a row or objective that is complete (`coeffs` normalized).
    pub(super) fn pw_finish(&mut self, origin: &Origin, coeffs: &[(u32, f64)], want: Want) {
        for (k, term) in std::mem::take(&mut self.pw_pending).into_iter().enumerate() {
            let a = coeffs.iter().find(|c| c.0 == term.t).map_or(0.0, |c| c.1);
            let base = Origin {
                decl: format!("{}.pw{k}", origin.decl),
                ..origin.clone()
            };
            self.model.columns[term.t as usize].origin = base.clone();
            let s = slopes(&term.b, &term.v);
            let (convex, concave) = shape(&s);
            let bounds = match want.push(a) {
                Push::Down if convex => Some((0.0, f64::INFINITY)),
                Push::Up if concave => Some((f64::NEG_INFINITY, 0.0)),
                _ => None,
            };
            match bounds {
                // t - s_j x >= (<=) v_j - s_j b_j for every segment j
                Some((lo, hi)) => {
                    for (j, sj) in s.iter().enumerate() {
                        let c = term.v[j] - sj * term.b[j];
                        let coeffs = if *sj == 0.0 {
                            vec![(term.t, 1.0)]
                        } else {
                            vec![(term.x, -sj), (term.t, 1.0)]
                        };
                        self.model.rows.push(Row {
                            origin: base.clone(),
                            coeffs,
                            lower: lo + c + 0.0,
                            upper: hi + c + 0.0,
                        });
                    }
                }
                None => self.pw_incremental(&base, &term),
            }
        }
    }

    /// The exact encoding: `x = b1 + sum_j (b_{j+1} - b_j) d_j`, `t = v1 + sum_j (v_{j+1} - v_j)
    /// d_j`, `d_j` in [0, 1], and binaries `z_j` with `d_{j+1} <= z_j <= d_j` (a segment fills
    /// only after the ones before it are full).
    fn pw_incremental(&mut self, base: &Origin, term: &PwTerm) {
        let n = term.b.len() - 1;
        let col = |ev: &mut Self, name: String, kind| {
            let c = ev.model.columns.len() as u32;
            let origin = Origin {
                decl: name,
                ..base.clone()
            };
            ev.model.columns.push(Column {
                origin,
                lower: 0.0,
                upper: 1.0,
                kind,
            });
            c
        };
        let d: Vec<u32> = (0..n)
            .map(|j| col(self, format!("{}.d{j}", base.decl), ColKind::Continuous))
            .collect();
        let z: Vec<u32> = (0..n.saturating_sub(1))
            .map(|j| col(self, format!("{}.z{j}", base.decl), ColKind::Binary))
            .collect();
        let row = |ev: &mut Self, coeffs: Vec<(u32, f64)>, lower: f64, upper: f64| {
            ev.model.rows.push(Row {
                origin: base.clone(),
                coeffs,
                lower,
                upper,
            })
        };
        let link = |ev: &mut Self, own: u32, pts: &[f64]| {
            let mut coeffs = vec![(own, 1.0)];
            coeffs.extend(
                d.iter()
                    .enumerate()
                    .map(|(j, dj)| (*dj, -(pts[j + 1] - pts[j]))),
            );
            coeffs.sort_by_key(|c| c.0);
            coeffs.retain(|c| c.1 != 0.0);
            row(ev, coeffs, pts[0], pts[0]);
        };
        link(self, term.x, &term.b);
        link(self, term.t, &term.v);
        for (j, zj) in z.iter().enumerate() {
            row(
                self,
                vec![(d[j + 1], 1.0), (*zj, -1.0)],
                f64::NEG_INFINITY,
                0.0,
            );
            row(self, vec![(d[j], -1.0), (*zj, 1.0)], f64::NEG_INFINITY, 0.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn model(text: &str) -> rmod_ir::Model {
        let files: BTreeMap<String, String> = BTreeMap::new();
        let out = crate::compile(&crate::CompileRequest::new("m.rmod", text, &files));
        assert!(
            !rmod_diagnostics::has_errors(&out.diagnostics),
            "{:?}",
            out.diagnostics
        );
        out.model.expect("model")
    }

    fn col(m: &rmod_ir::Model, name: &str) -> usize {
        m.columns
            .iter()
            .position(|c| c.origin.display() == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    #[test]
    fn convex_on_the_small_side_of_a_row_is_an_epigraph() {
        let m = model("var x in [0, 12]; var y; subject to c: 2 * piecewise(x, [0, 5, 10], [0, 5, 20]) <= y; minimize o: y;");
        assert_eq!(m.n_binary(), 0);
        let (x, t) = (col(&m, "x") as u32, col(&m, "c.pw0") as u32);
        // narrowed to the breakpoints; the value column within the values
        assert_eq!(
            (m.columns[x as usize].lower, m.columns[x as usize].upper),
            (0.0, 10.0)
        );
        assert_eq!(
            (m.columns[t as usize].lower, m.columns[t as usize].upper),
            (0.0, 20.0)
        );
        let segs: Vec<&Row> = m.rows.iter().filter(|r| r.origin.decl == "c.pw0").collect();
        assert_eq!(segs.len(), 2);
        // slope 3 from (5, 5): t - 3 x >= -10
        assert_eq!(segs[1].coeffs, vec![(x, -3.0), (t, 1.0)]);
        assert_eq!((segs[1].lower, segs[1].upper), (-10.0, f64::INFINITY));
    }

    #[test]
    fn an_objective_the_run_does_not_optimize_gets_the_exact_encoding() {
        // `cost` alone: an epigraph; `cost` next to `gain` (the one optimized): nothing pushes its
        // value down, so its reported value needs the exact rows
        let text = |both: bool| {
            format!(
                "var x in [0, 10]; minimize cost: piecewise(x, [0, 5, 8, 10], [0, 5, 20, 30]);{}",
                if both { " maximize gain: x;" } else { "" }
            )
        };
        assert_eq!(model(&text(false)).n_binary(), 0);
        let files: BTreeMap<String, String> = BTreeMap::new();
        for (wanted, binaries) in [
            (vec!["gain"], 2),
            (vec!["cost"], 0),
            (vec!["gain", "cost"], 0),
        ] {
            let mut req = crate::CompileRequest::new("m.rmod", &text(true), &files);
            req.objectives = wanted.iter().map(|s| s.to_string()).collect();
            let m = crate::compile(&req).model.expect("model");
            assert_eq!(m.n_binary(), binaries, "{wanted:?}");
        }
    }

    #[test]
    fn convex_on_the_large_side_or_in_an_equality_is_exact() {
        for rel in [">=", "="] {
            let m = model(&format!("var x in [0, 10]; var y; subject to c: piecewise(x, [0, 5, 8, 10], [0, 5, 20, 30]) {rel} y; minimize o: y;"));
            // 3 segments: 3 fill levels, 2 binaries
            assert_eq!(m.n_binary(), 2, "{rel}");
            assert!(m.columns.iter().any(|c| c.origin.decl == "c.pw0.d2"));
        }
    }

    #[test]
    fn concave_pushed_up_needs_no_binaries_and_indexed_terms_keep_their_index() {
        let m = model("set I = {1, 2}; var x{I} in [0, 2]; minimize o: sum{i in I} -piecewise(x[i], [0, 1, 2], [0, i, i + 0.5]);");
        assert_eq!(m.n_binary(), 0);
        assert!(m.columns.iter().any(|c| c.origin.display() == "o.pw1"));
        let hyp: Vec<&Row> = m.rows.iter().filter(|r| r.origin.decl == "o.pw1").collect();
        assert!(hyp
            .iter()
            .all(|r| r.lower == f64::NEG_INFINITY && r.upper.is_finite()));
    }

    #[test]
    fn incremental_rows_hold_at_every_point_of_the_graph() {
        let (b, v) = ([0.0, 5.0, 8.0, 10.0], [0.0, 5.0, 20.0, 30.0]);
        let m = model("var x in [0, 10]; var y; subject to c: piecewise(x, [0, 5, 8, 10], [0, 5, 20, 30]) = y;");
        let (x, t, y) = (col(&m, "x"), col(&m, "c.pw0"), col(&m, "y"));
        for k in 0..=100 {
            let xv = 10.0 * k as f64 / 100.0;
            let j = (1..4).find(|&j| xv <= b[j]).unwrap_or(3);
            let f = v[j - 1] + (v[j] - v[j - 1]) * (xv - b[j - 1]) / (b[j] - b[j - 1]);
            let mut pt = vec![0.0; m.columns.len()];
            (pt[x], pt[t], pt[y]) = (xv, f, f);
            for s in 0..3 {
                let fill = ((xv - b[s]) / (b[s + 1] - b[s])).clamp(0.0, 1.0);
                pt[col(&m, &format!("c.pw0.d{s}"))] = fill;
                if s < 2 {
                    pt[col(&m, &format!("c.pw0.z{s}"))] = if xv > b[s + 1] { 1.0 } else { 0.0 };
                }
            }
            assert!(m.max_violation(&pt) < 1e-9, "x = {xv}");
            // a value off the graph breaks the link row
            pt[t] = f + 1.0;
            pt[y] = f + 1.0;
            assert!(m.max_violation(&pt) > 0.5, "x = {xv}");
        }
    }

    #[test]
    fn a_switched_row_is_exact_and_bounded() {
        let m = model("var x in [0, 10]; var on binary; var y in [0, 100]; subject to c: y >= piecewise(x, [0, 5, 10], [0, 5, 20]) if on; minimize o: y - on;");
        assert_eq!(m.n_binary(), 2);
    }

    #[test]
    fn convexity_from_slopes() {
        let s = slopes(&[0.0, 1.0, 3.0], &[0.0, 1.0, 5.0]);
        assert_eq!(s, vec![1.0, 2.0]);
        assert_eq!(shape(&s), (true, false));
        assert_eq!(
            shape(&slopes(&[0.0, 1.0, 2.0], &[0.0, 2.0, 3.0])),
            (false, true)
        );
        assert_eq!(
            shape(&slopes(&[0.0, 1.0, 2.0, 3.0], &[0.0, 2.0, 3.0, 5.0])),
            (false, false)
        );
    }

    #[test]
    fn direction_from_sense_and_sign() {
        assert_eq!(Want::Minimize.push(2.0), Push::Down);
        assert_eq!(Want::Minimize.push(-2.0), Push::Up);
        assert_eq!(Want::Maximize.push(3.0), Push::Up);
        assert_eq!(
            Want::Row {
                lo: false,
                hi: true
            }
            .push(1.0),
            Push::Down
        );
        assert_eq!(
            Want::Row {
                lo: true,
                hi: false
            }
            .push(1.0),
            Push::Up
        );
        assert_eq!(Want::Row { lo: true, hi: true }.push(1.0), Push::Exact);
        assert_eq!(Want::Exact.push(1.0), Push::Exact);
        assert_eq!(Want::Minimize.push(0.0), Push::Exact);
    }
}
