//! Unit tests of `duals`: closed-form duals, and each dual against a re-solve with its row's
//! right-hand side moved (`(obj(b + h) - obj(b)) / h`).

use super::*;
use rmod_diagnostics::Span;
use rmod_ir::{Column, Objective, Options, Origin, Row, Status};

fn origin(decl: &str) -> Origin {
    Origin {
        decl: decl.into(),
        index: vec![],
        span: Span::default(),
    }
}
fn col(lo: f64, hi: f64, kind: ColKind) -> Column {
    Column {
        origin: origin("x"),
        lower: lo,
        upper: hi,
        kind,
    }
}
fn row(coeffs: Vec<(u32, f64)>, lo: f64, hi: f64) -> Row {
    Row {
        origin: origin("r"),
        coeffs,
        lower: lo,
        upper: hi,
    }
}
fn model(columns: Vec<Column>, rows: Vec<Row>, sense: Sense, obj: Vec<(u32, f64)>) -> Model {
    Model {
        columns,
        rows,
        objective: Some(Objective {
            name: "o".into(),
            sense,
            coeffs: obj,
            constant: 0.0,
        }),
        options: Options::default(),
    }
}

/// Wyndor glass: max 3x + 5y, x <= 4, 2y <= 12, 3x + 2y <= 18: optimum (2, 6), 36, shadow
/// prices 0, 1.5, 1.
fn wyndor() -> Model {
    let inf = f64::INFINITY;
    model(
        vec![
            col(0.0, inf, ColKind::Continuous),
            col(0.0, inf, ColKind::Continuous),
        ],
        vec![
            row(vec![(0, 1.0)], -inf, 4.0),
            row(vec![(1, 2.0)], -inf, 12.0),
            row(vec![(0, 3.0), (1, 2.0)], -inf, 18.0),
        ],
        Sense::Maximize,
        vec![(0, 3.0), (1, 5.0)],
    )
}

/// `(obj(b + h) - obj(b)) / h` for row `i`'s finite sides moved by `h`.
fn finite_difference(m: &Model, i: usize, h: f64) -> f64 {
    let base = crate::solve(m, None);
    let mut moved = m.clone();
    let r = &mut moved.rows[i];
    if r.upper.is_finite() {
        r.upper += h;
    }
    if r.lower.is_finite() {
        r.lower += h;
    }
    let s = crate::solve(&moved, None);
    assert_eq!(s.status, Status::Optimal);
    (s.objective.expect("value") - base.objective.expect("value")) / h
}

#[test]
fn lp_duals_in_closed_form_and_by_perturbation() {
    let m = wyndor();
    let s = crate::solve(&m, None);
    assert_eq!(s.objective, Some(36.0));
    let d = duals(&m, &s.values, None).expect("duals");
    assert_eq!(d.from, DualsFrom::Lp);
    for (got, want) in d.row_duals.iter().zip([0.0, 1.5, 1.0]) {
        assert!((got - want).abs() < 1e-9, "{:?}", d.row_duals);
    }
    for i in 0..3 {
        let fd = finite_difference(&m, i, 0.5);
        assert!(
            (fd - d.row_duals[i]).abs() < 1e-7,
            "row {i}: {fd} vs {:?}",
            d.row_duals
        );
    }
    // both columns basic: reduced costs 0
    assert!(d.reduced_costs.iter().all(|r| r.abs() < 1e-9));
    assert!((d.lp_objective - 36.0).abs() < 1e-9);
}

#[test]
fn minimization_signs_and_a_nonbasic_reduced_cost() {
    // min 2x + 3y + 5z, x + y + z >= 4, x <= 3: x = 3, y = 1, z = 0 (nonbasic, reduced cost
    // 5 - 3 = 2); duals 3 (more demand costs 3 per unit) and -1 (more room for x saves 1)
    let inf = f64::INFINITY;
    let m = model(
        vec![
            col(0.0, inf, ColKind::Continuous),
            col(0.0, inf, ColKind::Continuous),
            col(0.0, inf, ColKind::Continuous),
        ],
        vec![
            row(vec![(0, 1.0), (1, 1.0), (2, 1.0)], 4.0, inf),
            row(vec![(0, 1.0)], -inf, 3.0),
        ],
        Sense::Minimize,
        vec![(0, 2.0), (1, 3.0), (2, 5.0)],
    );
    let s = crate::solve(&m, None);
    let d = duals(&m, &s.values, None).expect("duals");
    assert!((d.row_duals[0] - 3.0).abs() < 1e-9 && (d.row_duals[1] + 1.0).abs() < 1e-9);
    assert!(
        (d.reduced_costs[2] - 2.0).abs() < 1e-9,
        "{:?}",
        d.reduced_costs
    );
    for i in 0..2 {
        let fd = finite_difference(&m, i, 0.25);
        assert!((fd - d.row_duals[i]).abs() < 1e-7);
    }
    // pushing z up by h costs 2h: re-solve with z >= h
    let mut pushed = m.clone();
    pushed.columns[2].lower = 0.5;
    let p = crate::solve(&pushed, None);
    assert!(((p.objective.expect("value") - s.objective.expect("value")) / 0.5 - 2.0).abs() < 1e-7);
}

#[test]
fn milp_duals_come_from_the_fixed_lp() {
    // min 3n + 2x, 4n + x >= 9, x <= 5, n integer: n = 2, x = 1 (8); with n fixed the
    // demand row's dual is 2, and moving its rhs by h (n stays 2) changes the optimum by 2h
    let inf = f64::INFINITY;
    let m = model(
        vec![
            col(0.0, 10.0, ColKind::Integer),
            col(0.0, 5.0, ColKind::Continuous),
        ],
        vec![row(vec![(0, 4.0), (1, 1.0)], 9.0, inf)],
        Sense::Minimize,
        vec![(0, 3.0), (1, 2.0)],
    );
    let s = crate::solve(&m, None);
    assert_eq!(s.objective, Some(8.0));
    let d = duals(&m, &s.values, None).expect("duals");
    assert_eq!(d.from, DualsFrom::FixedMilp);
    assert!((d.row_duals[0] - 2.0).abs() < 1e-9);
    let fd = finite_difference(&m, 0, 0.5);
    assert!((fd - 2.0).abs() < 1e-7, "{fd}");
    // the fixed integer's reduced cost: 3 - 2 * 4
    assert!((d.reduced_costs[0] + 5.0).abs() < 1e-9);
}

#[test]
fn no_duals_without_a_whole_point() {
    let inf = f64::INFINITY;
    let m = model(
        vec![col(0.0, 10.0, ColKind::Integer)],
        vec![row(vec![(0, 1.0)], 1.0, inf)],
        Sense::Minimize,
        vec![(0, 1.0)],
    );
    assert!(duals(&m, &[1.5], None)
        .expect_err("an error")
        .contains("not a whole number"));
    assert!(duals(&m, &[], None).is_err());
    // a point that cannot be kept with the integers fixed: the LP is infeasible
    assert!(duals(&m, &[0.0], None)
        .expect_err("an error")
        .contains("Clp"));
}
