//! The `rmod` command: exit codes, formats, flags.

use crate::util::{code, rmod, stderr, stdout, tmp};

#[test]
fn exit_codes_follow_the_readme() {
    assert_eq!(
        code(&rmod(&["check", "examples/transport/transport.rmod"])),
        0
    );
    assert_eq!(code(&rmod(&["check", "tests/cases/syntax_errors.rmod"])), 1);
    assert_eq!(code(&rmod(&["solve", "tests/cases/infeasible.rmod"])), 2);
    assert_eq!(code(&rmod(&["solve", "tests/cases/unbounded.rmod"])), 3);
    assert_eq!(code(&rmod(&["solve", "--nonsense", "x"])), 64);
    assert_eq!(code(&rmod(&["check", "no/such/model.rmod"])), 1);
    let lim = code(&rmod(&[
        "solve",
        "tests/cases/limit.rmod",
        "--option",
        "time_limit=0",
    ]));
    assert!(lim == 4 || lim == 5, "limit exit code {lim}");
}

#[test]
fn missing_model_file_is_a_diagnostic() {
    let o = rmod(&["check", "no/such/model.rmod"]);
    let err = stderr(&o);
    assert!(err.contains("rmod::data::file"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn json_diagnostics_are_machine_readable() {
    let o = rmod(&[
        "check",
        "--message-format",
        "json",
        "tests/cases/unknown_names.rmod",
    ]);
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_str(&stderr(&o)).expect("json on stderr");
    let list = v["diagnostics"].as_array().expect("list");
    assert_eq!(list.len(), 3);
    assert_eq!(list[0]["code"], "rmod::resolve::unknown_name");
    assert_eq!(list[0]["labels"][0]["line"], 4);
    assert_eq!(list[0]["labels"][0]["column"], 30);
    assert_eq!(list[0]["help"], "did you mean `feed`?");
}

#[test]
fn deny_warnings_fails_on_warnings() {
    assert_eq!(code(&rmod(&["check", "tests/cases/unused.rmod"])), 0);
    assert_eq!(
        code(&rmod(&[
            "check",
            "--deny-warnings",
            "tests/cases/unused.rmod"
        ])),
        1
    );
}

#[test]
fn csv_output_and_output_file() {
    let path = tmp("out.csv");
    let o = rmod(&[
        "solve",
        "examples/transport/transport.rmod",
        "--format",
        "csv",
        "-o",
        path.to_str().expect("utf8"),
    ]);
    assert_eq!(code(&o), 0);
    let text = std::fs::read_to_string(&path).expect("csv");
    assert!(
        text.starts_with("variable,index,value\nship,\"seattle,new-york\",50\n"),
        "{text}"
    );
}

#[test]
fn defines_and_options_override_the_file() {
    // with capacity 10 hours only 5 batches of C (net 85) beat any other plan
    let o = rmod(&[
        "solve",
        "examples/production/production.rmod",
        "-D",
        "capacity=10",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["objective"]["value"].as_f64(), Some(85.0));
    let bad = rmod(&[
        "solve",
        "examples/production/production.rmod",
        "--option",
        "time_limt=3",
    ]);
    assert_eq!(code(&bad), 1);
    assert!(stderr(&bad).contains("did you mean `time_limit`?"));
    let bad = rmod(&[
        "solve",
        "examples/production/production.rmod",
        "-D",
        "capacity=lots",
    ]);
    assert_eq!(code(&bad), 1);
    assert!(stderr(&bad).contains("rmod::resolve::unknown_override"));
    let bad = rmod(&[
        "solve",
        "examples/production/production.rmod",
        "-D",
        "capacity",
    ]);
    assert_eq!(code(&bad), 1);
}

#[test]
fn expand_prints_generated_rows() {
    let o = rmod(&[
        "expand",
        "examples/production/production.rmod",
        "minimum_run",
    ]);
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), "minimum_run[\"A\"]: batches[\"A\"] - 2 setup[\"A\"] >= 0\nminimum_run[\"B\"]: batches[\"B\"] - 2 setup[\"B\"] >= 0\nminimum_run[\"C\"]: batches[\"C\"] - 2 setup[\"C\"] >= 0\n");
    let o = rmod(&[
        "expand",
        "examples/production/production.rmod",
        "minimum_rn",
    ]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("did you mean `minimum_run`?"));
}

#[test]
fn explain_every_code() {
    let o = rmod(&["explain"]);
    assert_eq!(code(&o), 0);
    for c in stdout(&o).lines() {
        let e = rmod(&["explain", c]);
        assert_eq!(code(&e), 0, "{c}");
        assert!(stdout(&e).contains("example:"), "{c}");
    }
    assert_eq!(code(&rmod(&["explain", "rmod::resolve::unknown_nam"])), 64);
}

#[test]
fn json_solution_is_deterministic() {
    let a = stdout(&rmod(&[
        "solve",
        "examples/facility/facility.rmod",
        "--format",
        "json",
    ]));
    let b = stdout(&rmod(&[
        "solve",
        "examples/facility/facility.rmod",
        "--format",
        "json",
    ]));
    assert_eq!(a, b);
}

#[test]
fn expand_shows_the_rows_generated_for_a_network() {
    let o = rmod(&["expand", "examples/plant/plant.rmod", "column_model"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.lines().count() > 16, "{out}");
    assert!(out.contains("column_model.column.out[1]:"), "{out}");
    assert!(out.contains("column_model.column.z[1, 1]"), "{out}");
}

#[test]
fn check_reports_network_statistics() {
    let o = rmod(&["check", "examples/plant/plant.rmod"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    assert!(
        out.contains("relu       reactor x2 (nets/reactor.json): 3 layers, 16 neurons/use"),
        "{out}"
    );
}
