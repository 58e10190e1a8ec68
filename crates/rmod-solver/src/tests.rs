//! Unit tests of the solver crate: both backends on small models with known optima.

use crate::*;
use rmod_diagnostics::Span;
use rmod_ir::*;

/// The backends of this build.
fn backends() -> Vec<SolverKind> {
    BACKENDS.to_vec()
}

fn col(lo: f64, hi: f64, kind: ColKind) -> Column {
    Column {
        origin: Origin {
            decl: "x".into(),
            index: vec![],
            span: Span::default(),
        },
        lower: lo,
        upper: hi,
        kind,
    }
}
fn row(coeffs: Vec<(u32, f64)>, lo: f64, hi: f64) -> Row {
    Row {
        origin: Origin {
            decl: "r".into(),
            index: vec![],
            span: Span::default(),
        },
        coeffs,
        lower: lo,
        upper: hi,
    }
}

/// Three binaries with `2a + 3b + c <= 5`, no objective.
fn knapsack_rows() -> Model {
    Model {
        columns: vec![
            col(0.0, 1.0, ColKind::Binary),
            col(0.0, 1.0, ColKind::Binary),
            col(0.0, 1.0, ColKind::Binary),
        ],
        rows: vec![row(
            vec![(0, 2.0), (1, 3.0), (2, 1.0)],
            f64::NEG_INFINITY,
            5.0,
        )],
        objective: None,
        options: Options::default(),
    }
}

#[test]
fn knapsack_is_optimal() {
    // max 5a + 4b + 3c, 2a + 3b + c <= 5, binaries: best a + c = 8 ... and a+b (cost 5) = 9
    let m = Model {
        objective: Some(Objective {
            name: "z".into(),
            sense: Sense::Maximize,
            coeffs: vec![(0, 5.0), (1, 4.0), (2, 3.0)],
            constant: 1.0,
        }),
        ..knapsack_rows()
    };
    for backend in backends() {
        let mut m = m.clone();
        m.options.solver = backend;
        knapsack_on(&m);
    }
}

fn knapsack_on(m: &Model) {
    let s = solve(m, None);
    assert_eq!(s.status, Status::Optimal, "{:?}", m.options.solver);
    assert!((s.objective.unwrap_or(0.0) - 10.0).abs() < 1e-6, "{s:?}");
    assert!((s.best_bound.unwrap_or(0.0) - 10.0).abs() < 1e-6, "{s:?}");
    // from a worse feasible start (a + c: 9), CBC must still find 10 (its cutoff is below
    // the optimum of the maximization); from the optimum, the start is the answer
    for (start, want) in [([1.0, 0.0, 1.0], 10.0), ([1.0, 1.0, 0.0], 10.0)] {
        let s = solve(m, Some(&start));
        assert_eq!(s.status, Status::Optimal);
        assert!(
            (s.objective.unwrap_or(0.0) - want).abs() < 1e-6,
            "{start:?}: {s:?}"
        );
    }
}

#[test]
fn infeasible_and_unbounded() {
    for backend in backends() {
        infeasible_and_unbounded_on(backend);
    }
}

fn infeasible_and_unbounded_on(solver: SolverKind) {
    let mut m = Model {
        columns: vec![col(0.0, f64::INFINITY, ColKind::Continuous)],
        rows: vec![
            row(vec![(0, 1.0)], 2.0, f64::INFINITY),
            row(vec![(0, 1.0)], f64::NEG_INFINITY, 1.0),
        ],
        objective: Some(Objective {
            name: "z".into(),
            sense: Sense::Minimize,
            coeffs: vec![(0, 1.0)],
            constant: 0.0,
        }),
        options: Options {
            solver,
            ..Options::default()
        },
    };
    assert_eq!(solve(&m, None).status, Status::Infeasible, "{solver:?}");
    m.rows.pop();
    m.objective = Some(Objective {
        name: "z".into(),
        sense: Sense::Maximize,
        coeffs: vec![(0, 1.0)],
        constant: 0.0,
    });
    assert_eq!(solve(&m, None).status, Status::Unbounded, "{solver:?}");
}

/// `min x + 2y` with `x + y >= 1` (a ranged row up to 3), `x - y == 0.5`, x, y in [0, 2]:
/// x = 0.75, y = 0.25, optimum 1.25; both backends, as an LP and with a certified bound.
#[test]
fn ranged_and_equality_rows_and_certified_bounds() {
    for backend in backends() {
        let m = Model {
            columns: vec![
                col(0.0, 2.0, ColKind::Continuous),
                col(0.0, 2.0, ColKind::Continuous),
            ],
            rows: vec![
                row(vec![(0, 1.0), (1, 1.0)], 1.0, 3.0),
                row(vec![(0, 1.0), (1, -1.0)], 0.5, 0.5),
            ],
            objective: Some(Objective {
                name: "z".into(),
                sense: Sense::Minimize,
                coeffs: vec![(0, 1.0), (1, 2.0)],
                constant: 0.0,
            }),
            options: Options {
                solver: backend,
                ..Options::default()
            },
        };
        let s = solve(&m, None);
        assert_eq!(s.status, Status::Optimal, "{backend:?}");
        assert!((s.objective.unwrap_or(0.0) - 1.25).abs() < 1e-9, "{s:?}");
        let obj = rmod_ir::Affine {
            coeffs: vec![(0, 1.0), (1, 2.0)],
            constant: 0.5,
        };
        let b = min_bound(&m, &obj, true, None).unwrap_or(f64::NAN);
        // valid (never above the true 1.75) and tight
        assert!(b <= 1.75 && b > 1.75 - 1e-9, "{backend:?}: {b}");
        // maximize -(x + 2y): the same point, objective -1.25
        let mut max = m.clone();
        if let Some(o) = &mut max.objective {
            o.sense = Sense::Maximize;
            o.coeffs = vec![(0, -1.0), (1, -2.0)];
        }
        let s = solve(&max, None);
        assert!((s.objective.unwrap_or(0.0) + 1.25).abs() < 1e-9, "{s:?}");
    }
}

/// The bound oracle gives the same bounds on one thread and on two (HiGHS runs them on
/// threads), and a MILP bound never above the MILP optimum.
#[test]
fn oracle_threads_agree() {
    use rmod_ir::BoundOracle;
    for backend in backends() {
        let mut m = knapsack_rows();
        m.options.solver = backend;
        let objs: Vec<rmod_ir::Affine> = (0..7)
            .map(|k| rmod_ir::Affine {
                coeffs: vec![(0, -5.0 + k as f64), (1, -4.0), (2, -3.0)],
                constant: 0.0,
            })
            .collect();
        let one = SolverBounds::SERIAL.min_bounds(&m, &objs, false, None, None);
        let two = SolverBounds { threads: 2 }.min_bounds(&m, &objs, false, None, None);
        assert_eq!(one.len(), 7);
        for (k, (a, b)) in one.iter().zip(&two).enumerate() {
            let (a, b) = (a.unwrap_or(f64::NAN), b.unwrap_or(f64::NAN));
            assert!((a - b).abs() < 1e-9, "{backend:?} {k}: {a} {b}");
            // brute force over the 8 binary points
            let want = (0..8)
                .map(|p| [(p & 1) as f64, ((p >> 1) & 1) as f64, ((p >> 2) & 1) as f64])
                .filter(|x| 2.0 * x[0] + 3.0 * x[1] + x[2] <= 5.0)
                .map(|x| objs[k].eval(&x))
                .fold(f64::INFINITY, f64::min);
            assert!(
                a <= want + 1e-9 && a > want - 1e-6,
                "{backend:?} {k}: {a} vs {want}"
            );
        }
    }
}

/// A cell's candidate point (`CellInfo::point`) becomes the incumbent of the input split, checked
/// against the model: a point that closes the cell by its bound spares CBC's solve; one that
/// violates a row is ignored.
#[test]
fn the_split_takes_a_cells_point_as_incumbent_after_checking_it() {
    // min x over x in [2, 8] with the row x + b >= 2, b binary
    let m = Model {
        columns: vec![
            col(2.0, 8.0, ColKind::Continuous),
            col(0.0, 1.0, ColKind::Binary),
        ],
        rows: vec![row(vec![(0, 1.0), (1, 1.0)], 2.0, f64::INFINITY)],
        objective: Some(Objective {
            name: "z".into(),
            sense: Sense::Minimize,
            coeffs: vec![(0, 1.0)],
            constant: 0.0,
        }),
        options: Options::default(),
    };
    let run = |point: Vec<f64>| {
        let tighten = move |cell: &mut Model, _: &[f64], _: Option<f64>| CellInfo {
            objective: (cell.columns[0].lower, cell.columns[0].upper),
            infeasible: false,
            point: Some(point.clone()),
            state: Vec::new(),
        };
        solve_split(&m, &[0], &[1], &tighten, None, 100, None)
    };
    // feasible at the cell's lower bound: the root closes without a MILP
    let s = run(vec![2.0, 0.0]);
    assert_eq!(s.status, Status::Optimal);
    assert_eq!(s.objective, Some(2.0));
    assert_eq!(s.split.expect("stats").milps, 0);
    // outside the bounds (x = 1): not taken; CBC solves the cell
    let s = run(vec![1.0, 1.0]);
    assert_eq!(s.status, Status::Optimal);
    assert_eq!(s.objective, Some(2.0));
    assert_eq!(s.split.expect("stats").milps, 1);
}
