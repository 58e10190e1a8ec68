//! `piecewise(x, [breakpoints], [values])` terms, solved through the `rmod` binary and checked
//! against a greedy fill of convex segments or a brute-force grid; the model statistics show
//! which encoding (binaries or not) each model got.

use crate::util::{code, compile_file, rmod, stderr, stdout};

fn solve(rel: &str) -> serde_json::Value {
    let o = rmod(&["solve", rel, "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("json")
}

fn objective(v: &serde_json::Value) -> f64 {
    v["objective"]["value"].as_f64().expect("objective")
}

fn binaries(rel: &str) -> usize {
    let out = compile_file(rel, vec![], vec![]);
    out.model.expect("model compiles").n_binary()
}

/// The linear interpolation through the points, `x` within the breakpoints.
fn interp(b: &[f64], v: &[f64], x: f64) -> f64 {
    let k = (1..b.len()).find(|&k| x <= b[k]).unwrap_or(b.len() - 1);
    v[k - 1] + (v[k] - v[k - 1]) * (x - b[k - 1]) / (b[k] - b[k - 1])
}

#[test]
fn convex_costs_fill_the_cheapest_segments_without_binaries() {
    let rel = "tests/models/pw_convex.rmod";
    assert_eq!(binaries(rel), 0);
    // segments (slope, length) of the three plants: half the capacity at `low`, half at `high`
    let (cap, low, high) = ([10.0, 16.0, 8.0], [2.0, 3.0, 1.0], [5.0, 4.0, 9.0]);
    let mut segs: Vec<(f64, f64)> = (0..3)
        .flat_map(|p| [(low[p], cap[p] / 2.0), (high[p], cap[p] / 2.0)])
        .collect();
    segs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut left, mut best) = (25.0_f64, 0.0);
    for (slope, len) in segs {
        let take = left.min(len);
        best += slope * take;
        left -= take;
    }
    assert_eq!(left, 0.0);
    let v = solve(rel);
    assert_eq!(v["status"], "optimal");
    assert!(
        (objective(&v) - best).abs() < 1e-6,
        "{} vs {best}",
        objective(&v)
    );
}

#[test]
fn concave_costs_are_exact_with_binaries_and_match_a_grid() {
    let rel = "tests/models/pw_concave.rmod";
    assert!(binaries(rel) > 0);
    let (ba, va) = ([0.0, 5.0, 12.0, 20.0], [0.0, 30.0, 58.0, 74.0]);
    let (bb, vb) = ([0.0, 10.0, 30.0], [0.0, 35.0, 65.0]);
    // a on a fine grid; b the least that meets the demand (costs increase)
    let mut best = f64::INFINITY;
    for i in 0..=20_000 {
        let a = 20.0 * i as f64 / 20_000.0;
        let b = (25.0 - a).max(0.0);
        if b <= 30.0 {
            best = best.min(interp(&ba, &va, a) + 2.0 * interp(&bb, &vb, b));
        }
    }
    let v = solve(rel);
    assert_eq!(v["status"], "optimal");
    assert!(
        (objective(&v) - best).abs() < 1e-6,
        "{} vs {best}",
        objective(&v)
    );
    // the optimum is at a breakpoint of `a` (economies of scale)
    let a = v["variables"]["a"].as_f64().expect("a");
    assert!(ba.iter().any(|b| (a - b).abs() < 1e-6), "a = {a}");
}

#[test]
fn concave_revenue_is_maximized_without_binaries() {
    let rel = "tests/models/pw_revenue.rmod";
    assert_eq!(binaries(rel), 0);
    let revenue = |top: f64, x: f64| {
        let b = [0.0, top / 3.0, 2.0 * top / 3.0, top];
        let v = [0.0, 4.0 * top / 3.0, 2.0 * top, 7.0 * top / 3.0];
        interp(&b, &v, x) - 1.5 * x
    };
    let mut best = f64::NEG_INFINITY;
    let n = 600;
    for i in 0..=n {
        let north = 30.0 * i as f64 / n as f64;
        for j in 0..=n {
            let south = 24.0 * j as f64 / n as f64;
            if north + south <= 35.0 + 1e-9 {
                best = best.max(revenue(30.0, north) + revenue(24.0, south));
            }
        }
    }
    let v = solve(rel);
    assert_eq!(v["status"], "optimal");
    assert!(
        (objective(&v) - best).abs() < 1e-6,
        "{} vs {best}",
        objective(&v)
    );
}
