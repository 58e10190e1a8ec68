//! Several named objectives: `--objective NAME` (default: the first), the others evaluated at
//! the point, lexicographic orders `--objective a,b`, and unknown names; on
//! `tests/models/mix.rmod`, checked against brute force over its integer mixes.

use crate::util::{code, rmod, stderr, stdout};

const MODEL: &str = "tests/models/mix.rmod";
const WEIGHT: [i64; 3] = [3, 4, 5];
const PROFIT: [i64; 3] = [3, 4, 5];
const EMISSION: [i64; 3] = [2, 1, 4];

/// Every feasible mix with its (gain, emissions, batches).
fn mixes() -> Vec<([i64; 3], [i64; 3])> {
    let mut out = Vec::new();
    for a in 0..=4 {
        for b in 0..=4 {
            for c in 0..=4 {
                let n = [a, b, c];
                let dot = |v: [i64; 3]| (0..3).map(|k| v[k] * n[k]).sum::<i64>();
                if dot(WEIGHT) <= 14 && a + b + c >= 2 {
                    out.push((n, [dot(PROFIT), dot(EMISSION), a + b + c]));
                }
            }
        }
    }
    out
}

/// The lexicographic optimum of the objectives `order` (indices into gain, emissions, batches;
/// sign +1 maximizes): the values of every objective at the best mixes.
fn lex_best(order: &[(usize, i64)]) -> Vec<[i64; 3]> {
    let mut pool: Vec<[i64; 3]> = mixes().into_iter().map(|m| m.1).collect();
    for &(k, sign) in order {
        let best = pool.iter().map(|v| sign * v[k]).max().expect("feasible");
        pool.retain(|v| sign * v[k] == best);
    }
    pool
}

fn solve(extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["solve", MODEL, "--format", "json"];
    args.extend_from_slice(extra);
    let o = rmod(&args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("json")
}

/// The objectives of the `objectives` list by name: (value, stage).
fn listed(doc: &serde_json::Value, name: &str) -> (f64, Option<u64>) {
    let o = doc["objectives"]
        .as_array()
        .expect("objectives")
        .iter()
        .find(|o| o["name"] == name)
        .unwrap_or_else(|| panic!("{name} listed"));
    (o["value"].as_f64().expect("value"), o["stage"].as_u64())
}

/// (gain, emissions, batches) at the reported point, from its variables.
fn at_point(doc: &serde_json::Value) -> [f64; 3] {
    let n: Vec<f64> = ["a", "b", "c"]
        .iter()
        .map(|p| doc["variables"]["n"][p].as_f64().expect("n"))
        .collect();
    let dot = |v: [i64; 3]| (0..3).map(|k| v[k] as f64 * n[k]).sum::<f64>();
    [dot(PROFIT), dot(EMISSION), n.iter().sum()]
}

#[test]
fn the_first_objective_by_default_and_the_others_evaluated() {
    let doc = solve(&[]);
    assert_eq!(doc["status"], "optimal");
    assert_eq!(doc["objective"]["name"], "gain");
    let best = mixes().iter().map(|m| m.1[0]).max().unwrap();
    assert_eq!(doc["objective"]["value"].as_f64(), Some(best as f64));
    let p = at_point(&doc);
    assert_eq!(listed(&doc, "emissions"), (p[1], None));
    assert_eq!(listed(&doc, "batches"), (p[2], None));
    // the table says the same
    let o = rmod(&["solve", MODEL]);
    let text = stdout(&o);
    assert!(
        text.contains(&format!("objective  gain = {best}")),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "also       emissions = {}   not optimized (minimize)",
            p[1]
        )),
        "{text}"
    );
}

#[test]
fn objective_picks_one() {
    let doc = solve(&["--objective", "emissions"]);
    assert_eq!(doc["objective"]["name"], "emissions");
    let best = mixes().iter().map(|m| m.1[1]).min().unwrap();
    assert_eq!(doc["objective"]["value"].as_f64(), Some(best as f64));
    assert_eq!(listed(&doc, "gain").0, at_point(&doc)[0]);
}

#[test]
fn lexicographic_orders_match_brute_force() {
    for (names, order) in [
        ("gain,emissions", vec![(0, 1), (1, -1)]),
        ("emissions,gain", vec![(1, -1), (0, 1)]),
        ("batches,emissions,gain", vec![(2, 1), (1, -1), (0, 1)]),
    ] {
        let doc = solve(&["--objective", names]);
        assert_eq!(doc["status"], "optimal", "{names}");
        let want = lex_best(&order);
        let got = at_point(&doc);
        assert!(
            want.iter().any(|w| (0..3).all(|k| w[k] as f64 == got[k])),
            "{names}: {got:?} not among {want:?}"
        );
        let last = names.rsplit(',').next().unwrap();
        assert_eq!(doc["objective"]["name"], last);
        // every earlier stage is listed with its stage number and status
        for (k, name) in names.split(',').enumerate().take(order.len() - 1) {
            assert_eq!(listed(&doc, name).1, Some(k as u64 + 1), "{names}");
        }
        let stage_status = doc["objectives"][0]["stage_status"].clone();
        assert!(stage_status == "optimal" || stage_status.is_null());
    }
}

#[test]
fn unknown_objective_is_an_error_with_a_suggestion() {
    let o = rmod(&["solve", MODEL, "--objective", "emisions"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("rmod::resolve::unknown_objective"), "{err}");
    assert!(err.contains("did you mean `emissions`?"), "{err}");
    assert!(err.contains("`gain`, `emissions`, `batches`"), "{err}");
    // export and expand take the flag too
    let o = rmod(&["export", MODEL, "--objective", "nope", "--lp", "/dev/null"]);
    assert!(stderr(&o).contains("rmod::resolve::unknown_objective"));
    let o = rmod(&["expand", MODEL, "emissions"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains(r#"2 n["a"] + n["b"] + 4 n["c"]"#),
        "{}",
        stdout(&o)
    );
}
