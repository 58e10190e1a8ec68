//! `--format json` of `check`, `explain` and `net info|bounds|regions|eval`: every document
//! parses, carries `format` and `version`, and its figures agree with the human output and
//! with values computed here (a forward pass, a region count by hand).

use serde_json::Value;

use crate::util::{code, rmod, stderr, stdout};

const HEAT: &str = "tests/models/nets/heat.json";

/// `rmod ARGS` (exit 0 asserted), its stdout parsed, with the envelope checked.
fn doc(args: &[&str], kind: &str) -> Value {
    let o = rmod(args);
    assert_eq!(code(&o), 0, "{args:?}: {}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("stdout is one JSON document");
    assert_eq!(v["format"], format!("rmod-{kind}"), "{v}");
    assert_eq!(v["version"], 1);
    let keys: Vec<&String> = v.as_object().expect("value").keys().take(2).collect();
    assert_eq!(keys, ["format", "version"]);
    v
}

/// heat.json by hand: 2 relu(fuel - 4) - 0.5 relu(6 - fuel) + 3.
fn heat(fuel: f64) -> f64 {
    2.0 * (fuel - 4.0).max(0.0) - 0.5 * (6.0 - fuel).max(0.0) + 3.0
}

#[test]
fn check_json_has_the_statistics_of_the_table() {
    let m = "examples/plant/plant.rmod";
    let v = doc(&["check", m, "--format", "json"], "check");
    let human = stdout(&rmod(&["check", m]));
    let s = &v["stats"];
    let line = format!(
        "model      {} columns ({} integer, {} binary), {} rows, {} nonzeros",
        s["columns"], s["integer"], s["binary"], s["rows"], s["nonzeros"]
    );
    assert!(human.contains(&line), "{line}\n{human}");
    let reactor = &v["networks"][0];
    assert_eq!(reactor["name"], "reactor");
    assert!(human.contains(&format!(
        "reactor x{} (nets/reactor.json): {} layers, {} neurons/use",
        reactor["uses"], reactor["layers"], reactor["neurons_per_use"]
    )));
    assert_eq!(v["status"], "ok");
    assert_eq!(v["diagnostics"]["errors"], 0);
    // deterministic: no times
    assert_eq!(
        stdout(&rmod(&["check", m, "--format", "json"])),
        stdout(&rmod(&["check", m, "--format", "json"]))
    );
    // a model that does not compile: diagnostics on stderr, nothing on stdout
    let bad = rmod(&[
        "check",
        "tests/cases/syntax_errors.rmod",
        "--format",
        "json",
    ]);
    assert_eq!(code(&bad), 1);
    assert!(stdout(&bad).is_empty());
}

#[test]
fn explain_json_lists_every_code_and_explains_one() {
    let v = doc(&["explain", "--format", "json"], "explain");
    let codes: Vec<&str> = v["codes"]
        .as_array()
        .expect("value")
        .iter()
        .map(|c| c["code"].as_str().expect("value"))
        .collect();
    let human = stdout(&rmod(&["explain"]));
    assert_eq!(codes, human.lines().collect::<Vec<_>>());
    let one = doc(
        &["explain", "rmod::solve::no_duals", "--format", "json"],
        "explain",
    );
    let info = rmod_diagnostics::explain("rmod::solve::no_duals").expect("code");
    assert_eq!(one["code"]["explanation"], info.explanation);
    assert_eq!(one["code"]["example"], info.example);
    let opts = doc(&["explain", "options", "--format", "json"], "explain");
    assert_eq!(
        opts["options"].as_array().expect("value").len(),
        rmod_ir::OPTIONS.len()
    );
    let opt = doc(&["explain", "mip_gap", "--format", "json"], "explain");
    assert_eq!(opt["option"]["name"], "mip_gap");
    assert_eq!(
        code(&rmod(&["explain", "rmod::nope", "--format", "json"])),
        64
    );
}

#[test]
fn net_eval_json_is_a_forward_pass() {
    for fuel in [2.0, 3.5, 5.0, 6.0, 9.25] {
        let at = fuel.to_string();
        let v = doc(
            &["net", "eval", HEAT, "--at", &at, "--format", "json"],
            "net-eval",
        );
        assert_eq!(v["inputs"]["fuel"].as_f64(), Some(fuel));
        let y = v["outputs"]["heat"].as_f64().expect("heat");
        assert!((y - heat(fuel)).abs() < 1e-12, "{fuel}: {y}");
        let human = stdout(&rmod(&["net", "eval", HEAT, "--at", &at]));
        assert_eq!(human, format!("heat = {}\n", rmod_report::fmt_num(y)));
    }
}

#[test]
fn net_info_bounds_and_regions_json() {
    let v = doc(&["net", "info", HEAT, "--format", "json"], "net-info");
    // 2 relu neurons on 1 input, then 1 linear output: 2 * (1 + 1) + 1 * (2 + 1) parameters
    assert_eq!(v["parameters"], 7);
    assert_eq!(v["hidden_neurons"], 2);
    assert_eq!(v["layers"][0]["activation"], "relu");
    assert_eq!(v["layers"][1]["activation"], "linear");
    assert_eq!(v["inputs"][0]["name"], "fuel");
    assert_eq!(v["inputs"][0]["bounds"], serde_json::json!([2.0, 10.0]));
    let human = stdout(&rmod(&["net", "info", HEAT]));
    assert!(
        human.contains("shape      1 inputs, 1 outputs, 2 layers, 2 hidden neurons, 7 parameters"),
        "{human}"
    );
    // interval arithmetic on [2, 10]: fuel - 4 in [-2, 6] and 6 - fuel in [-4, 4], both unstable
    let b = doc(
        &["net", "bounds", HEAT, "--method", "ia", "--format", "json"],
        "net-bounds",
    );
    let l = &b["layers"][0];
    assert_eq!(
        (l["neurons"].as_u64(), l["unstable"].as_u64()),
        (Some(2), Some(2))
    );
    assert!((l["mean_width"].as_f64().expect("value") - 8.0).abs() < 1e-6);
    assert!((l["max_m"].as_f64().expect("value") - 6.0).abs() < 1e-6);
    // `--format table` (the old name) is the human table
    let t = rmod(&["net", "bounds", HEAT, "--method", "ia", "--format", "table"]);
    assert!(
        stdout(&t).starts_with("bounds ia over [2,10]"),
        "{}",
        stdout(&t)
    );
    // the kinks at 4 and 6 cut [2, 10] into 3 regions
    let r = doc(
        &["net", "regions", HEAT, "--exact", "--format", "json"],
        "net-regions",
    );
    assert_eq!(
        (r["method"].as_str(), r["regions"].as_u64()),
        (Some("exact"), Some(3))
    );
    let s = doc(
        &[
            "net",
            "regions",
            HEAT,
            "--samples",
            "200",
            "--format",
            "json",
        ],
        "net-regions",
    );
    assert_eq!(s["method"], "sampled");
    assert!(s["regions_at_least"].as_u64().expect("value") <= 3);
}
