use super::*;
use rmod_ir::{ColKind, Column, Objective, Options, Origin, Sense, Status};

fn col(lower: f64, upper: f64) -> Column {
    Column {
        origin: Origin::default(),
        lower,
        upper,
        kind: ColKind::Continuous,
    }
}

fn row(coeffs: Vec<(u32, f64)>, lower: f64, upper: f64) -> Row {
    Row {
        origin: Origin::default(),
        coeffs,
        lower,
        upper,
    }
}

fn model(columns: Vec<Column>, rows: Vec<Row>) -> Model {
    Model {
        columns,
        rows,
        objective: None,
        options: Options::default(),
    }
}

const INF: f64 = f64::INFINITY;

#[test]
fn small_lp_bound_is_tight_and_below() {
    // min x + y, x + 2y >= 2, 3x + y >= 3, 0 <= x, y <= 10: optimum 1.4 at (0.8, 0.6),
    // duals (0.4, 0.2)
    let m = model(
        vec![col(0.0, 10.0), col(0.0, 10.0)],
        vec![
            row(vec![(0, 1.0), (1, 2.0)], 2.0, INF),
            row(vec![(0, 3.0), (1, 1.0)], 3.0, INF),
        ],
    );
    let obj = [(0, 1.0), (1, 1.0)];
    let b = certified_min(&m, &obj, 0.0, None).expect("a bound");
    assert!(b <= 1.4 && b > 1.4 - 1e-9, "{b}");
    // with a constant
    let b = certified_min(&m, &obj, 2.5, Some(10.0)).expect("a bound");
    assert!(b <= 3.9 && b > 3.9 - 1e-9, "{b}");
    // Clp's sign convention: reduced cost c - Aᵀy, so >= rows get positive duals
    let (y, v, _) = clp_solve(&m, &obj, None).expect("optimal");
    assert!((v - 1.4).abs() < 1e-9, "{v}");
    assert!(
        (y[0] - 0.4).abs() < 1e-9 && (y[1] - 0.2).abs() < 1e-9,
        "{y:?}"
    );
    // the exact duals certify 1.4 (less the margin); negated ones are clamped to 0 (the
    // rows have no upper side) and certify only the box minimum 0
    let b = safe_bound(&m, &obj, 0.0, &[0.4, 0.2]).expect("a bound");
    assert!(b <= 1.4 && b > 1.4 - 1e-12, "{b}");
    let b = safe_bound(&m, &obj, 0.0, &[-0.4, -0.2]).expect("a bound");
    assert!(b <= 0.0 && b > -1e-12, "{b}");
    // any multipliers give a valid (weaker) bound
    let b = safe_bound(&m, &obj, 0.0, &[1.0, 1.0]).expect("a bound");
    assert!(b <= 1.4, "{b}");
}

#[test]
fn maximization_through_negation_with_ranged_row() {
    // max x + y = -min -(x + y), -10 <= x + y <= 1.5, -1 <= x - y <= 1, wide boxes
    let m = model(
        vec![col(-1e5, 1e5), col(-1e5, 1e5)],
        vec![
            row(vec![(0, 1.0), (1, 1.0)], -10.0, 1.5),
            row(vec![(0, 1.0), (1, -1.0)], -1.0, 1.0),
        ],
    );
    let b = certified_min(&m, &[(0, -1.0), (1, -1.0)], 0.0, None).expect("a bound");
    assert!(b <= -1.5 && b > -1.5 - 1e-9, "{b}");
    // so max x + y <= -b, and -b is at most 1e-9 above 1.5
    assert!(-b >= 1.5);
    // the row's upper side is priced: y = -1 certifies -1.5; y = +1 prices the lower side
    let b = safe_bound(&m, &[(0, -1.0), (1, -1.0)], 0.0, &[-1.0, 0.0]).expect("a bound");
    assert!(b <= -1.5 && b > -1.5 - 1e-12, "{b}");
    let b = safe_bound(&m, &[(0, -1.0), (1, -1.0)], 0.0, &[1.0, 0.0]).expect("a bound");
    assert!(b < -1e5, "{b}");
}

#[test]
fn equality_row() {
    // min 2x + 3y, x + y = 4, x - y <= 1, 0 <= x, y <= 10: optimum 9.5 at (2.5, 1.5),
    // duals (2.5, -0.5)
    let m = model(
        vec![col(0.0, 10.0), col(0.0, 10.0)],
        vec![
            row(vec![(0, 1.0), (1, 1.0)], 4.0, 4.0),
            row(vec![(0, 1.0), (1, -1.0)], -INF, 1.0),
        ],
    );
    let obj = [(0, 2.0), (1, 3.0)];
    let b = certified_min(&m, &obj, 0.0, None).expect("a bound");
    assert!(b <= 9.5 && b > 9.5 - 1e-9, "{b}");
    let (y, _, _) = clp_solve(&m, &obj, None).expect("optimal");
    assert!(
        (y[0] - 2.5).abs() < 1e-9 && (y[1] + 0.5).abs() < 1e-9,
        "{y:?}"
    );
    // the negated duals certify only -10
    let b = safe_bound(&m, &obj, 0.0, &[-2.5, 0.5]).expect("a bound");
    assert!(b <= -10.0 && b > -10.0 - 1e-12, "{b}");
}

#[test]
fn infeasible_unbounded_and_no_time() {
    let m = model(
        vec![col(0.0, 10.0)],
        vec![
            row(vec![(0, 1.0)], 2.0, INF),
            row(vec![(0, 1.0)], -INF, 1.0),
        ],
    );
    assert_eq!(certified_min(&m, &[(0, 1.0)], 0.0, None), None);
    // min -x, x >= 2, x unbounded above
    let m = model(vec![col(0.0, INF)], vec![row(vec![(0, 1.0)], 2.0, INF)]);
    assert_eq!(certified_min(&m, &[(0, -1.0)], 0.0, None), None);
    let b = certified_min(&m, &[(0, 1.0)], 0.0, None).expect("a bound");
    assert!(b <= 2.0 && b > 2.0 - 1e-9, "{b}");
    assert_eq!(certified_min(&m, &[(0, 1.0)], 0.0, Some(0.0)), None);
    // bad data
    assert_eq!(certified_min(&m, &[(1, 1.0)], 0.0, None), None);
    assert_eq!(certified_min(&m, &[(0, f64::NAN)], 0.0, None), None);
    assert_eq!(safe_bound(&m, &[(0, 1.0)], 0.0, &[]), None);
}

#[test]
fn no_rows_or_no_columns() {
    let m = model(vec![col(2.0, 5.0), col(-1.0, 3.0)], vec![]);
    let b = certified_min(&m, &[(0, 1.0), (1, -2.0)], 0.0, None).expect("a bound");
    assert!(b <= -4.0 && b > -4.0 - 1e-12, "{b}");
    let m = model(vec![col(0.0, INF)], vec![]);
    assert_eq!(certified_min(&m, &[(0, -1.0)], 0.0, None), None);
    let m = model(vec![], vec![row(vec![], -1.0, 1.0)]);
    let b = certified_min(&m, &[], 3.0, None).expect("a bound");
    assert!(b <= 3.0 && b > 3.0 - 1e-12, "{b}");
    let m = model(vec![], vec![row(vec![], 1.0, 2.0)]);
    assert_eq!(certified_min(&m, &[], 3.0, None), None);
}

#[test]
fn free_column_needs_an_exactly_zero_reduced_cost() {
    // min x, 3x >= 3, x free. With y = fl(1/3), the f64 reduced cost 1 - fl(3 fl(1/3))
    // is 0, but exactly it is 2^-54 > 0, which needs x's infinite lower bound
    let m = model(vec![col(-INF, INF)], vec![row(vec![(0, 3.0)], 3.0, INF)]);
    assert_eq!(1.0 - 3.0 * (1.0 / 3.0), 0.0);
    assert_eq!(safe_bound(&m, &[(0, 1.0)], 0.0, &[1.0 / 3.0]), None);
    // with a finite lower bound the tiny reduced cost is charged to it
    let m = model(vec![col(-10.0, INF)], vec![row(vec![(0, 3.0)], 3.0, INF)]);
    let b = safe_bound(&m, &[(0, 1.0)], 0.0, &[1.0 / 3.0]).expect("a bound");
    assert!(b < 1.0 - 10.0 * 2f64.powi(-54) && b > 1.0 - 1e-12, "{b}");
    let b = safe_bound(&m, &[(0, 1.0)], 0.0, &[0.25]).expect("a bound");
    assert!(b <= -1.75 && b > -1.75 - 1e-12, "{b}");
    // an exactly zero reduced cost needs no bound: min x, x >= 1, x free
    let m = model(vec![col(-INF, INF)], vec![row(vec![(0, 1.0)], 1.0, INF)]);
    let b = safe_bound(&m, &[(0, 1.0)], 0.0, &[1.0]).expect("a bound");
    assert!(b <= 1.0 && b > 1.0 - 1e-12, "{b}");
    if let Some(b) = certified_min(&m, &[(0, 1.0)], 0.0, None) {
        assert!(b <= 1.0 && b > 1.0 - 1e-9, "{b}");
    }
}

#[test]
fn expansions_are_exact() {
    let mut e = Vec::new();
    for v in [1.0, 2f64.powi(-60), -1.0] {
        grow(&mut e, v).expect("finite");
    }
    assert_eq!(e, vec![2f64.powi(-60)]);
    assert_eq!(expansion_sign(&e), Some(Ordering::Greater));
    let mut e = Vec::new();
    for v in [1.0, 1e-30, -1.0, -1e-30] {
        grow(&mut e, v).expect("finite");
    }
    assert!(e.is_empty(), "{e:?}");
    assert_eq!(expansion_sign(&e), Some(Ordering::Equal));
    let mut e = Vec::new();
    grow(&mut e, 1e300).expect("finite");
    assert_eq!(grow(&mut e, f64::MAX), None);
    assert_eq!(expansion_sign(&[]), Some(Ordering::Equal));
    assert_eq!(
        expansion_sign(&[-1.0, 2f64.powi(-70)]),
        Some(Ordering::Less)
    );
    let (p, e) = two_product(3.0, 1.0 / 3.0).expect("exact");
    assert_eq!((p, e), (1.0, -(2f64.powi(-54))));
    assert_eq!(two_product(1e-200, 1e-200), None);
}

/// xorshift64
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    /// uniform in lo..=hi
    fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % ((hi - lo + 1) as u64)) as i64
    }
}

#[test]
fn random_lps_bound_every_feasible_point_and_meet_the_optimum() {
    // All data are small dyadic rationals, so activities and objective values at the
    // constructed points are exact in f64: the points are exactly feasible and their
    // objective values exact, and the bound must not exceed any of them.
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut points = 0;
    for lp in 0..60 {
        let n = rng.int(1, 6) as usize;
        let m_rows = rng.int(1, 6) as usize;
        let columns: Vec<Column> = (0..n)
            .map(|_| col(-(rng.int(0, 32) as f64) / 8.0, rng.int(0, 32) as f64 / 8.0))
            .collect();
        // K points in the box, multiples of 1/8
        let k = rng.int(1, 4) as usize;
        let gen: Vec<Vec<f64>> = (0..k)
            .map(|_| {
                columns
                    .iter()
                    .map(|c| c.lower + rng.int(0, (8.0 * (c.upper - c.lower)) as i64) as f64 / 8.0)
                    .collect()
            })
            .collect();
        let mut rows = Vec::new();
        for _ in 0..m_rows {
            let mut coeffs: Vec<(u32, f64)> = Vec::new();
            for j in 0..n {
                if rng.int(0, 9) < 6 {
                    let a = rng.int(-3, 3);
                    if a != 0 {
                        coeffs.push((j as u32, a as f64));
                    }
                }
            }
            if coeffs.is_empty() {
                coeffs.push((rng.int(0, n as i64 - 1) as u32, 1.0));
            }
            if rng.int(0, 9) == 0 {
                // a duplicate entry: the row's activity counts both
                let (c, _) = coeffs[0];
                coeffs.push((c, rng.int(-2, 2) as f64));
            }
            let acts: Vec<f64> = gen.iter().map(|p| rmod_ir::dot(&coeffs, p)).collect();
            let lo = acts.iter().copied().fold(INF, f64::min);
            let hi = acts.iter().copied().fold(-INF, f64::max);
            let s1 = rng.int(0, 16) as f64 / 8.0;
            let s2 = rng.int(0, 16) as f64 / 8.0;
            let (lower, upper) = match rng.int(0, 3) {
                0 => (lo - s1, hi + s2),
                1 => (-INF, hi + s2),
                2 => (lo - s1, INF),
                // tight: an equality when all points share the activity
                _ => (lo, hi),
            };
            rows.push(row(coeffs, lower, upper));
        }
        let m = model(columns, rows);
        let obj: Vec<(u32, f64)> = (0..n)
            .map(|j| (j as u32, rng.int(-8, 8) as f64 / 4.0))
            .filter(|(_, a)| *a != 0.0)
            .collect();
        let constant = rng.int(-16, 16) as f64 / 8.0;

        let b = certified_min(&m, &obj, constant, None)
            .unwrap_or_else(|| panic!("LP {lp}: no bound for {m:?}"));
        // Clp's own optimum
        let (_, v, _) = clp_solve(&m, &obj, None).expect("optimal");
        let v = v + constant;
        assert!(
            (b - v).abs() <= 1e-6 * (1.0 + v.abs()),
            "LP {lp}: bound {b}, Clp {v}"
        );
        // CBC's optimum of the same LP (an independent loader and solve)
        let mut with_obj = m.clone();
        with_obj.objective = Some(Objective {
            name: "z".into(),
            sense: Sense::Minimize,
            coeffs: obj.clone(),
            constant,
        });
        let s = crate::solve(&with_obj, None);
        assert_eq!(s.status, Status::Optimal, "LP {lp}");
        let cbc = s.objective.unwrap_or(f64::NAN);
        assert!(
            b <= cbc + 1e-9 * (1.0 + cbc.abs()) && (b - cbc).abs() <= 1e-6 * (1.0 + cbc.abs()),
            "LP {lp}: bound {b}, CBC {cbc}"
        );
        // the generating points and dyadic convex combinations of them
        let mut test: Vec<Vec<f64>> = gen.clone();
        for _ in 0..4 {
            // weights w_i / 8 summing to 1
            let mut w = vec![0i64; k];
            for _ in 0..8 {
                w[rng.int(0, k as i64 - 1) as usize] += 1;
            }
            let p: Vec<f64> = (0..n)
                .map(|j| (0..k).map(|i| w[i] as f64 / 8.0 * gen[i][j]).sum::<f64>())
                .collect();
            test.push(p);
        }
        for p in &test {
            assert_eq!(m.max_violation(p), 0.0, "LP {lp}: {p:?} infeasible");
            let f = rmod_ir::dot(&obj, p) + constant;
            assert!(b <= f, "LP {lp}: bound {b} above {f} at {p:?}");
            points += 1;
        }
    }
    assert!(points >= 200, "{points}");
}
