//! Every `tests/cases/*.rmod` is compiled (and solved when it compiles); the rendered
//! diagnostics are snapshot-tested. A `# args:` first line passes `-D` and `--option` flags.

use std::collections::BTreeSet;

use rmod_diagnostics::{render_human, CODES};

use crate::util::{compile_file, root};

/// `-D` overrides and `--option` pairs.
type Args = (Vec<(String, f64)>, Vec<(String, String)>);

fn args_of(text: &str) -> Args {
    let mut defs = Vec::new();
    let mut opts = Vec::new();
    for line in text.lines().filter_map(|l| l.strip_prefix("# args:")) {
        let words: Vec<&str> = line.split_whitespace().collect();
        for pair in words.chunks(2) {
            let (k, v) = pair[1].split_once('=').expect("NAME=VALUE");
            match pair[0] {
                "-D" => defs.push((k.to_string(), v.parse().expect("number"))),
                _ => opts.push((k.to_string(), v.to_string())),
            }
        }
    }
    (defs, opts)
}

/// Rendered diagnostics and the codes of one case.
fn run_case(rel: &str) -> (String, Vec<&'static str>) {
    let text = std::fs::read_to_string(root().join(rel)).expect("case");
    let (defs, opts) = args_of(&text);
    let out = compile_file(rel, defs, opts);
    let mut diags = out.diagnostics.clone();
    if let Some(model) = &out.model {
        // the policy `rmod solve` uses: status, verification and checks
        let o = rmod_solve::solve(model, &out.net_uses, &rmod_solve::Settings::default());
        diags.extend(o.diagnostics);
    }
    let rendered: Vec<String> = diags
        .iter()
        .map(|d| render_human(d, &out.sources, false, 100))
        .collect();
    (rendered.join("\n"), diags.iter().map(|d| d.code).collect())
}

fn case_files() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(root().join("tests/cases"))
        .expect("cases dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".rmod"))
        .map(|n| format!("tests/cases/{n}"))
        .collect();
    files.sort();
    files
}

#[test]
fn diagnostics_snapshots() {
    for rel in case_files() {
        let (text, codes) = run_case(&rel);
        assert!(!codes.is_empty(), "{rel} produced no diagnostic");
        let name = rel
            .trim_start_matches("tests/cases/")
            .trim_end_matches(".rmod")
            .to_string();
        insta::with_settings!({snapshot_path => root().join("tests/snapshots"), prepend_module_to_snapshot => false, omit_expression => true}, {
            insta::assert_snapshot!(name, text);
        });
    }
}

/// Codes that no model file can trigger on purpose.
const UNREACHABLE: &[(&str, &str)] = &[
    ("rmod::solve::no_duals", "a warning of the flag `rmod solve --duals`: tests/duals.rs"),
    ("rmod::relu::regions_limit", "a limit of `rmod net regions --exact`: tests/cli.rs"),
    ("rmod::sample::unknown_function", "a command-line error of `rmod sample`: tests/train.rs"),
    ("rmod::sample::bad_box", "a command-line error of `rmod sample`: tests/train.rs"),
    ("rmod::train::bad_option", "a command-line error of `rmod train`: tests/train.rs"),
    ("rmod::train::bad_box", "a command-line error of `rmod train --box`: tests/train.rs"),
    ("rmod::train::extrapolation", "a warning of `rmod train --box`: tests/train.rs"),
    ("rmod::train::too_few_rows", "a data error of `rmod train`: tests/train.rs"),
    ("rmod::train::constant_column", "a data error of `rmod train`: tests/train.rs"),
    ("rmod::resolve::bad_override_value", "a command-line error (`-D p=abc`, `--fix x=abc`): tests/cli.rs"),
    ("rmod::resolve::unknown_objective", "a command-line error (`--objective NAME`): tests/objectives.rs"),
    ("rmod::start::bad_file", "a `--start FILE.json` error: tests/starts.rs"),
    ("rmod::start::unknown_name", "a `--start FILE.json` warning: tests/starts.rs"),
    ("rmod::start::infeasible", "the start is checked by `rmod_solve::run` (the cases solve with `rmod_solve::solve`): tests/starts.rs"),
    ("rmod::solve::solver_error", "CBC abandoning a solve cannot be provoked reliably"),
    ("rmod::solve::check_failed", "a solver point that violates a row: crates/rmod-solve/src/tests.rs"),
    ("rmod::solve::unproven", "a downgraded optimum: crates/rmod-solve/src/tests.rs"),
    ("rmod::relu::bound_check", "bounds that cut off a true activation: crates/rmod-solve/src/tests.rs"),
    (
        "rmod::relu::bounds_unavailable",
        "the rmod binary always gives the compiler CBC; tested in crates/rmod-compiler/src/nets_tests.rs",
    ),
    (
        "rmod::relu::mismatch",
        "needs CBC to accept a point that violates big-M rows beyond 1e-6 (no small model does so reliably); the repair that follows it is tested in crates/rmod-solve/src/tests.rs",
    ),
];

#[test]
fn every_code_has_a_case() {
    let mut seen = BTreeSet::new();
    for rel in case_files() {
        seen.extend(run_case(&rel).1);
    }
    let missing: Vec<&str> = CODES
        .iter()
        .map(|c| c.code)
        .filter(|c| !seen.contains(c) && !UNREACHABLE.iter().any(|(u, _)| u == c))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a case in tests/cases: {missing:?}"
    );
    for c in &seen {
        assert!(
            CODES.iter().any(|k| k.code == *c),
            "code {c} is emitted but not in the registry"
        );
    }
}

#[test]
fn every_code_is_explained() {
    for c in CODES {
        assert!(c.explanation.len() > 20, "{} needs an explanation", c.code);
        assert!(c.code.starts_with("rmod::"), "{}", c.code);
    }
    let mut sorted: Vec<&str> = CODES.iter().map(|c| c.code).collect();
    let n = sorted.len();
    sorted.dedup();
    assert_eq!(n, sorted.len(), "duplicate codes");
}
