use rmod_diagnostics::code;
use std::collections::BTreeMap;

use super::*;

fn run(text: &str) -> CompileOutput {
    run_with(text, &BTreeMap::new())
}

fn run_with(text: &str, files: &BTreeMap<String, String>) -> CompileOutput {
    compile(&CompileRequest::new("m.rmod", text, files))
}

fn codes(text: &str) -> Vec<&'static str> {
    run(text).diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn expands_indexed_constraints_in_set_order() {
    let out = run(r#"
        set R = {"b", "a"};
        param cap{R} = {"a": 2, "b": 3};
        var x{r in R} in [0, cap[r]];
        subject to c{r in R, s in R: r != s}: x[r] - x[s] <= 1;
        maximize z: sum{r in R} x[r];
    "#);
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let m = out.model.unwrap();
    assert_eq!(m.columns.len(), 2);
    assert_eq!(m.columns[0].upper, 3.0);
    assert_eq!(m.rows.len(), 2);
    assert_eq!(
        format_row(&m, &m.rows[0]),
        "c[\"b\", \"a\"]: x[\"b\"] - x[\"a\"] <= 1"
    );
}

#[test]
fn ranged_and_constant_terms() {
    let m = run("var x; var y; subject to r: 1 <= 2*x + 3 - y <= 5; minimize o: x + 4;")
        .model
        .unwrap();
    assert_eq!((m.rows[0].lower, m.rows[0].upper), (-2.0, 2.0));
    assert_eq!(m.objective.unwrap().constant, 4.0);
}

#[test]
fn csv_with_tuple_keys() {
    let mut files = BTreeMap::new();
    files.insert(
        "d.csv".to_string(),
        "plant,market,miles\nseattle,chicago,1.7\nseattle,\"new-york\",2.5\n".to_string(),
    );
    let out = run_with(
        r#"set P = {"seattle"}; set M = {"new-york", "chicago"};
           param dist{P, M} = csv("d.csv", key = ("plant", "market"), value = "miles");
           var x{P, M} >= 0; minimize c: sum{p in P, m in M} dist[p, m] * x[p, m];"#,
        &files,
    );
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let o = out.model.unwrap().objective.unwrap();
    assert_eq!(o.coeffs, vec![(0, 2.5), (1, 1.7)]);
}

#[test]
fn resolution_errors_are_all_reported_without_cascades() {
    let c = codes("var feed >= 0; subject to a: fed <= 1; subject to b: feed * feed <= 2; subject to c: cap <= 3;");
    assert_eq!(
        c,
        vec![code::RESOLVE_UNKNOWN_NAME, code::RESOLVE_UNKNOWN_NAME]
    );
}

#[test]
fn linearity_errors() {
    assert_eq!(
        codes("var x; var y; subject to c: x * y <= 1;"),
        vec![code::LINEAR_PRODUCT_OF_VARIABLES]
    );
    assert_eq!(
        codes("var x; subject to c: 1 / x <= 1;"),
        vec![code::LINEAR_DIVISION_BY_VARIABLE]
    );
    assert_eq!(
        codes("var x; param a = x;"),
        vec![code::LINEAR_VARIABLE_IN_DATA, code::RESOLVE_UNUSED]
    );
}

#[test]
fn data_errors() {
    assert_eq!(
        codes("param a = 1 / 0; var x; minimize o: a * x;"),
        vec![code::DATA_DIVISION_BY_ZERO]
    );
    assert_eq!(
        codes("var x in [5, 1]; minimize o: x;"),
        vec![code::DATA_EMPTY_BOUNDS]
    );
    assert_eq!(
        codes("var x; subject to c: 0 * x >= 1; minimize o: x;"),
        vec![code::DATA_INFEASIBLE_CONSTANT]
    );
}

#[test]
fn overrides_and_options() {
    let mut req = CompileRequest::new(
        "m.rmod",
        "param a = 1; var x <= a; maximize o: x; option time_limit = 5;",
        &NoFiles,
    );
    req.overrides.push(("a".into(), 7.0));
    req.options.push(("mip_gap".into(), "0.01".into()));
    let out = compile(&req);
    let m = out.model.unwrap();
    assert_eq!(m.columns[0].upper, 7.0);
    assert_eq!(m.options.time_limit, Some(5.0));
    assert_eq!(m.options.mip_gap, Some(0.01));
}

#[test]
fn indexed_overrides_set_one_value() {
    let text = "set R = {\"R1\", \"R2\"}; set N = {1, 2};\n\
        param cap{R} = {\"R1\": 1, \"R2\": 2}; param d{N, R} default 5; param c{r in R} = 2 * cap[r];\n\
        var x{r in R} <= c[r]; var y{n in N, r in R} <= d[n, r]; maximize o: sum{r in R} x[r] + sum{n in N, r in R} y[n, r];";
    let with = |defs: &[(&str, f64)]| {
        let mut req = CompileRequest::new("m.rmod", text, &NoFiles);
        req.overrides = defs.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        compile(&req)
    };
    let out = with(&[
        ("cap[R2]", 7.0),
        ("d[2, \"R1\"]", 9.0),
        ("cap[\"R1\"]", 3.0),
    ]);
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let m = out.model.unwrap();
    let uppers: Vec<f64> = m.columns.iter().map(|c| c.upper).collect();
    // x[R1], x[R2] (computed from cap), then y[1,R1], y[1,R2], y[2,R1], y[2,R2]
    assert_eq!(uppers, vec![6.0, 14.0, 5.0, 5.0, 9.0, 5.0]);
    for (bad, what) in [
        ("cap[R9]", "not in the index set"),
        ("cap[R1, R2]", "not in the index set"),
        ("cap", "overrides an indexed parameter"),
        ("nosuch[R1]", "names no parameter"),
        ("cap[R1", "must end with"),
    ] {
        let out = with(&[(bad, 1.0)]);
        assert!(out.model.is_none(), "{bad}");
        let d = &out.diagnostics[0];
        assert_eq!(d.code, code::RESOLVE_UNKNOWN_OVERRIDE, "{bad}");
        assert!(d.message.contains(what), "{bad}: {}", d.message);
    }
}

#[test]
fn a_backend_the_caller_lacks_is_an_option_error() {
    let files = BTreeMap::new();
    let text = "var x in [0, 1]; minimize o: x; option solver = \"highs\";";
    let mut req = CompileRequest::new("m.rmod", text, &files);
    req.backends = &[rmod_ir::SolverKind::Cbc];
    let out = compile(&req);
    assert!(out.model.is_none());
    let d = &out.diagnostics[0];
    assert_eq!(d.code, code::RESOLVE_BAD_OPTION_VALUE);
    assert!(d.message.contains("built without"), "{}", d.message);
    // the same from the command line, and accepted where the backend exists
    let mut req = CompileRequest::new("m.rmod", "var x in [0, 1]; minimize o: x;", &files);
    req.backends = &[rmod_ir::SolverKind::Cbc];
    req.options = vec![("solver".into(), "highs".into())];
    assert_eq!(
        compile(&req).diagnostics[0].code,
        code::RESOLVE_BAD_OPTION_VALUE
    );
    req.backends = rmod_ir::SolverKind::ALL;
    let out = compile(&req);
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    assert_eq!(
        out.model.map(|m| m.options.solver),
        Some(rmod_ir::SolverKind::Highs)
    );
}

#[test]
fn initial_values_per_index_and_several_objectives() {
    let out = run(r#"
        set R = {"b", "a"};
        param cap{R} = {"a": 2, "b": 3};
        var y := 1;
        var x{r in R} >= 0, := cap[r] / 2;
        subject to c: sum{r in R} x[r] + y <= 4;
        minimize lo: y;
        maximize hi: sum{r in R} x[r];
    "#);
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    assert_eq!(out.initial, vec![(0, 1.0), (1, 1.5), (2, 1.0)]);
    assert_eq!(out.objectives.len(), 2);
    assert_eq!(out.stages, vec![0]);
    assert_eq!(out.model.unwrap().objective.unwrap().name, "lo");
    // an initial value is data: a variable in it is an error
    assert_eq!(
        codes("var y; var x := y; minimize o: x;"),
        vec!["rmod::linear::variable_in_data"]
    );
}
