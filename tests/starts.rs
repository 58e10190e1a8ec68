//! Warm starts from the user: initial values (`var x := v;`) and `--start FILE.json`, completed
//! through the networks, checked, and handed to the solver; an infeasible start is warned and
//! dropped; a previous run's JSON round-trips; bad files are coded errors.

use crate::util::{code, rmod, stderr, stdout, tmp};

const WARM: &str = "tests/models/warm.rmod";
const MIX: &str = "tests/models/mix.rmod";

/// `tests/models/nets/heat.json` in closed form.
fn heat(x: f64) -> f64 {
    2.0 * (x - 4.0).max(0.0) - 0.5 * (6.0 - x).max(0.0) + 3.0
}

/// The least fuel in [2, 10] with heat >= 5, by bisection (heat is increasing).
fn least_fuel() -> f64 {
    let (mut lo, mut hi) = (2.0, 10.0);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if heat(mid) >= 5.0 {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

fn json(args: &[&str]) -> (serde_json::Value, String) {
    let o = rmod(args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    (serde_json::from_str(&stdout(&o)).expect("json"), stderr(&o))
}

#[test]
fn initial_values_are_completed_and_used() {
    let (doc, err) = json(&["solve", WARM, "--format", "json"]);
    assert!(!err.contains("rmod::start"), "{err}");
    assert_eq!(doc["status"], "optimal");
    // the start is fuel = 7 with the network's output from a forward pass (heat(7) = 9 >= 5)
    assert!(heat(7.0) >= 5.0);
    assert_eq!(doc["start"]["source"], "user");
    assert_eq!(doc["start"]["objective"].as_f64(), Some(7.0));
    let fuel = doc["variables"]["fuel"].as_f64().unwrap();
    assert!((fuel - least_fuel()).abs() < 1e-5, "{fuel}");
    let table = stdout(&rmod(&["solve", WARM]));
    assert!(
        table.contains("start      user (objective 7) handed to the solver"),
        "{table}"
    );
}

#[test]
fn an_infeasible_start_is_warned_and_dropped() {
    // fuel = 3: heat(3) = 1.5, short of the demand 5 by 3.5
    let (doc, err) = json(&["solve", WARM, "-D", "f0=3", "--format", "json"]);
    assert!(err.contains("rmod::start::infeasible"), "{err}");
    let short = 5.0 - heat(3.0);
    assert!(
        err.contains(&format!("violates constraint `demand` by {short}")),
        "{err}"
    );
    assert_ne!(doc["start"]["source"], "user");
    let fuel = doc["variables"]["fuel"].as_f64().unwrap();
    assert!((fuel - least_fuel()).abs() < 1e-5, "{fuel}");
}

#[test]
fn a_previous_solution_round_trips() {
    let first = tmp("mix-first.json");
    let o = rmod(&[
        "solve",
        MIX,
        "--format",
        "json",
        "-o",
        first.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let before: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&first).unwrap()).unwrap();
    let (doc, err) = json(&[
        "solve",
        MIX,
        "--format",
        "json",
        "--start",
        first.to_str().unwrap(),
    ]);
    assert!(!err.contains("rmod::start"), "{err}");
    assert_eq!(doc["status"], "optimal");
    assert_eq!(doc["objective"]["value"], before["objective"]["value"]);
    assert_eq!(doc["start"]["source"], "user");
    assert_eq!(doc["start"]["objective"], before["objective"]["value"]);
}

#[test]
fn unknown_names_are_warned() {
    let f = tmp("unknown-start.json");
    std::fs::write(
        &f,
        r#"{"format": "rmod-solution", "variables": {"n": {"a": 1, "zz": 2, "b": 1}, "ghost": 3}}"#,
    )
    .unwrap();
    let (doc, err) = json(&[
        "solve",
        MIX,
        "--format",
        "json",
        "--start",
        f.to_str().unwrap(),
    ]);
    assert!(err.contains("rmod::start::unknown_name"), "{err}");
    assert!(err.contains("`n` has no index `zz`"), "{err}");
    assert!(err.contains("`ghost`, which is not a variable"), "{err}");
    // n = (1, 1, 0): gain 7 is the start
    assert_eq!(doc["start"]["objective"].as_f64(), Some(7.0));
}

#[test]
fn bad_start_files_are_coded_errors() {
    let cases = [
        (
            "trunc.json",
            "{\"format\": \"rmod-solution\", \"variables\": {",
            "is not valid JSON",
        ),
        (
            "other.json",
            "{\"format\": \"relu-net\", \"variables\": {}}",
            "not an rmod solution document",
        ),
        (
            "novars.json",
            "{\"format\": \"rmod-solution\", \"variables\": [1]}",
            "no `variables` object",
        ),
        (
            "text.json",
            "{\"format\": \"rmod-solution\",\n \"variables\": {\"n\": {\"a\": \"two\"}}}",
            "the value of `n` is not a number",
        ),
    ];
    for (name, text, msg) in cases {
        let f = tmp(name);
        std::fs::write(&f, text).unwrap();
        let o = rmod(&["solve", MIX, "--start", f.to_str().unwrap()]);
        assert_eq!(code(&o), 1, "{name}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains("rmod::start::bad_file"), "{name}: {err}");
        assert!(err.contains(msg), "{name}: {err}");
    }
    // the label points at the field: line 2 of text.json
    let err = stderr(&rmod(&[
        "solve",
        MIX,
        "--start",
        tmp("text.json").to_str().unwrap(),
    ]));
    assert!(err.contains("text.json:2:"), "{err}");
    let o = rmod(&["solve", MIX, "--start", "/nonexistent/start.json"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("rmod::data::file"));
}
