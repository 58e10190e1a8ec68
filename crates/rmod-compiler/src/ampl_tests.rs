//! The AMPL vocabulary: `if`, built-in functions, `mod`, `^`, `card`, `ord`, `prod`, set
//! operators, indexed sets, attribute commas and `fix`. Expected values are worked out by hand
//! in the comments.

use rmod_diagnostics::code;
use rmod_ir::Elem;

use super::*;

fn run(text: &str) -> CompileOutput {
    compile(&CompileRequest::new("m.rmod", text, &NoFiles))
}

fn model(text: &str) -> Model {
    let out = run(text);
    assert!(
        !has_errors(&out.diagnostics),
        "{text}: {:#?}",
        out.diagnostics
    );
    out.model.expect("a model")
}

/// The codes of the errors (not the warnings).
fn codes(text: &str) -> Vec<&'static str> {
    run(text)
        .diagnostics
        .iter()
        .filter(|d| d.severity == rmod_diagnostics::Severity::Error)
        .map(|d| d.code)
        .collect()
}

/// The value of a data expression (after the declarations in `decls`): the objective's constant.
fn value(decls: &str, e: &str) -> f64 {
    let m = model(&format!(
        "{decls} param p_ = {e}; var x_ in [0, 1]; minimize o_: x_ + p_;"
    ));
    m.objective.expect("objective").constant
}

fn keys(m: &Model) -> Vec<String> {
    m.columns.iter().map(|c| c.origin.display()).collect()
}

#[test]
fn if_then_else_in_data() {
    assert_eq!(value("", "if 2 > 1 then 3 else 4"), 3.0);
    assert_eq!(value("", "if 2 < 1 then 3 else 4"), 4.0);
    // no `else`: 0
    assert_eq!(value("", "1 + if 0 then 3"), 1.0);
    // the else branch runs as far as `+` does: 1 + (if false then 10 else (2 + 3)) = 6
    assert_eq!(value("", "1 + if 1 > 2 then 10 else 2 + 3"), 6.0);
}

#[test]
fn min_max_abs_floor_ceil() {
    assert_eq!(value("", "max(1, -2, 5)"), 5.0);
    assert_eq!(value("", "min(1, -2, 5)"), -2.0);
    assert_eq!(value("", "max(7)"), 7.0);
    assert_eq!(value("", "abs(-3.5)"), 3.5);
    assert_eq!(value("", "floor(-2.5)"), -3.0);
    assert_eq!(value("", "ceil(-2.5)"), -2.0);
    assert_eq!(value("", "floor(2.5) + ceil(2.1)"), 5.0);
    // names of built-ins are not reserved: without `(` they are names
    assert_eq!(value("param max = 4;", "max + max(1, 2)"), 6.0);
    assert_eq!(
        codes("param a = abs(1, 2);"),
        vec![code::RESOLVE_BUILTIN_CALL]
    );
    assert_eq!(codes("param a = min();")[0], code::RESOLVE_BUILTIN_CALL);
}

#[test]
fn mod_takes_the_sign_of_the_dividend() {
    // a - b * trunc(a / b)
    assert_eq!(value("", "7 mod 3"), 1.0); // 7 - 3*2
    assert_eq!(value("", "-7 mod 3"), -1.0); // -7 - 3*(-2)
    assert_eq!(value("", "7 mod -3"), 1.0); // 7 - (-3)*(-2)
    assert_eq!(value("", "5.5 mod 2"), 1.5); // 5.5 - 2*2
                                             // same level as `*`, left to right: (7 mod 4) * 2 = 6
    assert_eq!(value("", "7 mod 4 * 2"), 6.0);
    assert_eq!(codes("param a = 1 mod 0;")[0], code::DATA_DIVISION_BY_ZERO);
}

#[test]
fn power_is_right_associative_and_tighter_than_minus() {
    assert_eq!(value("", "-2^2"), -4.0);
    assert_eq!(value("", "(-2)^2"), 4.0);
    assert_eq!(value("", "2^3^2"), 512.0); // 2^9
    assert_eq!(value("", "2^-1"), 0.5);
    assert_eq!(value("", "3 * 2^2 + 1"), 13.0);
    assert_eq!(codes("param a = (-8)^(1/3);")[0], code::DATA_NON_FINITE);
}

#[test]
fn card_ord_and_prod() {
    let decls = r#"set I = {"c", "a", "b"};"#;
    assert_eq!(value(decls, "card(I)"), 3.0);
    assert_eq!(value(decls, r#"card(I union {"d", "a"})"#), 4.0);
    assert_eq!(value("", "card(1..10 diff 3..5)"), 7.0);
    // ord follows the written order: c = 1, a = 2, b = 3; 1*10 + 2*100 + 3*1000
    assert_eq!(value(decls, "sum{i in I} ord(i) * 10^ord(i)"), 3210.0);
    assert_eq!(value(decls, r#"ord("b", I)"#), 3.0);
    // ord in a set that is not named: the set that binds the index, here {c, b}: 1 + 2
    assert_eq!(value(decls, r#"sum{i in {j in I: j != "a"}} ord(i)"#), 3.0);
    assert_eq!(value("", "sum{i in 5..7} ord(i)"), 6.0);
    // in a filter: the first two elements of I, c and a
    assert_eq!(value(decls, "card({i in I: ord(i) <= 2})"), 2.0);
    assert_eq!(value("", "prod{i in 1..5} i"), 120.0);
    assert_eq!(value("", "prod{i in 1..0} i"), 1.0);
    assert_eq!(value("", "prod{i in 1..3} (i + 1) + 1"), 25.0); // 2*3*4 + 1
    assert_eq!(
        codes(r#"set I = {"a"}; param a = ord("z", I);"#)[0],
        code::DATA_OUT_OF_SET
    );
    assert_eq!(
        codes("set P = {(1, 2)}; param a = sum{(i, j) in P} ord(i);")[0],
        code::RESOLVE_BUILTIN_CALL
    );
    assert_eq!(codes("param a = ord(3);")[0], code::RESOLVE_BUILTIN_CALL);
}

#[test]
fn data_functions_in_parameters_filters_and_coefficients() {
    let m = model(
        r#"set I = 1..4;
           param w{i in I} = if i mod 2 == 0 then i^2 else -i;   # -1, 4, -3, 16
           var x{i in I: abs(w[i]) > 2} in [0, max(w[i], 1)];      # x[2], x[3], x[4]
           subject to c: sum{i in I: abs(w[i]) > 2} min(w[i], 5) * x[i] <= card(I);
           maximize o: sum{i in I: abs(w[i]) > 2} x[i];"#,
    );
    assert_eq!(keys(&m), vec!["x[2]", "x[3]", "x[4]"]);
    let ub: Vec<f64> = m.columns.iter().map(|c| c.upper).collect();
    assert_eq!(ub, vec![4.0, 1.0, 16.0]);
    // min(4, 5) = 4, min(-3, 5) = -3, min(16, 5) = 5; card = 4
    assert_eq!(m.rows[0].coeffs, vec![(0, 4.0), (1, -3.0), (2, 5.0)]);
    assert_eq!(m.rows[0].upper, 4.0);
}

#[test]
fn set_operators_keep_the_written_order() {
    let m = model(
        r#"set A = {"c", "a", "b"}; set B = {"d", "a", "e"};
           var u{A union B} >= 0; var n{A inter B} >= 0; var d{B diff A} >= 0;
           var p{A diff B inter A union {"z"}} >= 0;
           minimize o: sum{i in A union B} u[i] + sum{i in A inter B} n[i] + sum{i in B diff A} d[i]
               + sum{i in A diff B inter A union {"z"}} p[i];"#,
    );
    // A diff (B inter A) = {c, b}, then union {z}
    assert_eq!(
        keys(&m),
        vec![
            r#"u["c"]"#,
            r#"u["a"]"#,
            r#"u["b"]"#,
            r#"u["d"]"#,
            r#"u["e"]"#,
            r#"n["a"]"#,
            r#"d["d"]"#,
            r#"d["e"]"#,
            r#"p["c"]"#,
            r#"p["b"]"#,
            r#"p["z"]"#
        ]
    );
    assert_eq!(
        codes("set A = {1}; set P = {(1, 2)}; set C = A union P;")[0],
        code::RESOLVE_INDEX_ARITY
    );
}

#[test]
fn indexed_sets() {
    let text = r#"set I = 1..3;
        set J{i in I} = {j in I: j <= i};
        param s = sum{i in I, j in J[i]} j;          # 1 + (1+2) + (1+2+3) = 10
        var x{i in I, j in J[i]} >= 0;
        minimize o: sum{i in I, j in J[i]} x[i, j] + s;"#;
    let m = model(text);
    assert_eq!(
        keys(&m),
        vec!["x[1, 1]", "x[2, 1]", "x[2, 2]", "x[3, 1]", "x[3, 2]", "x[3, 3]"]
    );
    assert_eq!(m.objective.unwrap().constant, 10.0);
    let k = model(
        r#"set K{r in {"a", "b"}} = {k in 1..5: (r == "a" and k <= 2) or (r == "b" and k == 5)};
                     var y{k in K["b"]}; minimize o: sum{k in K["a"]} 0 + y[5];"#,
    );
    assert_eq!(keys(&k), vec!["y[5]"]);
    assert_eq!(
        codes("set I = 1..2; set J{i in I} = 1..i; param a = card(J);")[0],
        code::RESOLVE_INDEX_ARITY
    );
    assert_eq!(
        codes("set I = 1..2; set J{i in I} = 1..i; param a = card(J[3]);")[0],
        code::DATA_OUT_OF_SET
    );
}

#[test]
fn if_in_linear_expressions() {
    let m = model(
        "set I = 1..2; var x{I} >= 0;
         subject to c{i in I}: if i > 1 then x[i] else 2 * x[i] <= 4;
         subject to d: sum{i in I} (if i == 1 then x[i]) >= 1;
         minimize o: sum{i in I} x[i];",
    );
    assert_eq!(m.rows[0].coeffs, vec![(0, 2.0)]);
    assert_eq!(m.rows[1].coeffs, vec![(1, 1.0)]);
    assert_eq!(m.rows[2].coeffs, vec![(0, 1.0)]);
    // the condition must be data
    assert_eq!(
        codes("var x; var y; subject to c: if x > 1 then y else 0 <= 1;")[0],
        code::LINEAR_VARIABLE_IN_DATA
    );
}

#[test]
fn functions_of_variables_are_coded_errors() {
    for (e, c) in [
        ("max(x, 1)", code::LINEAR_NONLINEAR_FUNCTION),
        ("min(x, 1)", code::LINEAR_NONLINEAR_FUNCTION),
        ("abs(x - 1)", code::LINEAR_NONLINEAR_FUNCTION),
        ("floor(x)", code::LINEAR_NONLINEAR_FUNCTION),
        ("x mod 2", code::LINEAR_NONLINEAR_FUNCTION),
        ("x ^ 2", code::LINEAR_NONLINEAR_FUNCTION),
        ("prod{i in 1..2} x", code::LINEAR_PRODUCT_OF_VARIABLES),
    ] {
        let out = run(&format!("var x; subject to c: {e} <= 3;"));
        let d = &out.diagnostics[0];
        assert_eq!(d.code, c, "{e}");
        assert!(d.help.as_deref().is_some_and(|h| !h.is_empty()), "{e}");
    }
    // of data, they are coefficients: max(2, 3) * x <= 2^2
    let m = model("param p = 2; var x; subject to c: max(p, 3) * x <= p^2;");
    assert_eq!(
        (m.rows[0].coeffs.clone(), m.rows[0].upper),
        (vec![(0, 3.0)], 4.0)
    );
}

#[test]
fn attribute_commas_and_param_defaults() {
    let m = model(
        "set I = 1..2; param a{I} default 0; var x{I} >= 0, <= 10; var n integer >= 0, <= 5;
         minimize o: sum{i in I} (a[i] + 1) * x[i] + n;",
    );
    let b: Vec<(f64, f64)> = m.columns.iter().map(|c| (c.lower, c.upper)).collect();
    assert_eq!(b, vec![(0.0, 10.0), (0.0, 10.0), (0.0, 5.0)]);
    assert_eq!(m.columns[2].kind, rmod_ir::ColKind::Integer);
    assert_eq!(
        m.objective.unwrap().coeffs,
        vec![(0, 1.0), (1, 1.0), (2, 1.0)]
    );
}

#[test]
fn fix_statements_set_both_bounds() {
    let m = model(
        r#"set I = 1..3; var x in [0, 4]; var y{I} >= 0; var n integer in [0, 5];
           fix x = 1; fix x = 3;           # fixing again replaces the value
           fix {i in I: i > 1} y[i] = 2 * i;
           fix n = 2;
           minimize o: x + sum{i in I} y[i] + n;"#,
    );
    let b: Vec<(f64, f64)> = m.columns.iter().map(|c| (c.lower, c.upper)).collect();
    assert_eq!(
        b,
        vec![
            (3.0, 3.0),
            (0.0, f64::INFINITY),
            (4.0, 4.0),
            (6.0, 6.0),
            (2.0, 2.0)
        ]
    );
    for bad in [
        "var n integer in [0, 5]; fix n = 7; minimize o: n;",
        "var n integer in [0, 5]; fix n = 2.5; minimize o: n;",
        "var b binary; fix b = 2; minimize o: b;",
        "var x >= 0; fix x = -1; minimize o: x;",
    ] {
        assert_eq!(codes(bad), vec![code::DATA_FIX_VALUE], "{bad}");
    }
    assert_eq!(
        codes("var y{1..2}; fix y[3] = 0; minimize o: y[1];"),
        vec![code::DATA_OUT_OF_SET]
    );
    assert_eq!(
        codes("param q = 1; fix q = 0;")[0],
        code::RESOLVE_WRONG_KIND
    );
}

#[test]
fn fixes_from_the_command_line() {
    let text = r#"set R = {"a", "b"}; var x{R} in [0, 5]; var k{1..2} integer in [0, 9]; var z in [0, 1];
                  minimize o: sum{r in R} x[r] + sum{i in 1..2} k[i] + z;"#;
    let fixed = |fixes: &[(&str, f64)]| {
        let mut req = CompileRequest::new("m.rmod", text, &NoFiles);
        req.fixes = fixes.iter().map(|(n, v)| (n.to_string(), *v)).collect();
        compile(&req)
    };
    let out = fixed(&[("x[a]", 2.0), ("x[\"b\"]", 3.0), ("k[2]", 7.0), ("z", 1.0)]);
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    let m = out.model.unwrap();
    let b: Vec<(f64, f64)> = m.columns.iter().map(|c| (c.lower, c.upper)).collect();
    assert_eq!(
        b,
        vec![(2.0, 2.0), (3.0, 3.0), (0.0, 9.0), (7.0, 7.0), (1.0, 1.0)]
    );
    assert_eq!(m.columns[1].origin.index, vec![Elem::Str("b".into())]);
    let codes_of = |f: &[(&str, f64)]| -> Vec<&'static str> {
        fixed(f).diagnostics.iter().map(|d| d.code).collect()
    };
    assert_eq!(
        codes_of(&[("w", 1.0)]),
        vec![code::RESOLVE_UNKNOWN_OVERRIDE]
    );
    assert_eq!(codes_of(&[("x[c]", 1.0)]), vec![code::DATA_OUT_OF_SET]);
    assert_eq!(codes_of(&[("k[1]", 0.5)]), vec![code::DATA_FIX_VALUE]);
    assert_eq!(codes_of(&[("z", 2.0)]), vec![code::DATA_FIX_VALUE]);
}

#[test]
fn membership_and_iterated_min_max() {
    let decls =
        r#"set I = 1..5; set S = {2, 4}; set P = {(1, 2), (3, 4)}; param a{i in I} = (i - 3)^2;"#;
    // a = 4, 1, 0, 1, 4
    assert_eq!(value(decls, "card({i in I: i in S})"), 2.0);
    assert_eq!(value(decls, "sum{i in I: not i in S} i"), 9.0); // 1 + 3 + 5
    assert_eq!(value(decls, "if (3, 4) in P then 1 else 2"), 1.0);
    assert_eq!(value(decls, "if (4, 3) in P then 1 else 2"), 2.0);
    assert_eq!(value(decls, "max{i in I} a[i]"), 4.0);
    assert_eq!(value(decls, "min{i in I} a[i] + 1"), 1.0); // (min a) + 1
    assert_eq!(value(decls, "max{i in I: i in S} a[i] * 2"), 2.0); // max(1*2, 1*2)
    assert_eq!(
        codes("set I = 1..0; param m = min{i in I} i;")[0],
        code::DATA_NON_FINITE
    );
    assert_eq!(
        codes("set I = 1..2; var x{I}; subject to c: max{i in I} x[i] <= 1;"),
        vec![code::LINEAR_NONLINEAR_FUNCTION]
    );
    assert_eq!(
        codes("set I = 1..2; var x{I}; subject to c: x[1] + (1 in I) <= 1;"),
        vec![code::LINEAR_RELATION_IN_EXPRESSION]
    );
    // in a constraint's indexing and in a linear `if`
    let m = model(
        "set I = 1..3; set S = {2}; var x{I} >= 0;
         subject to c{i in I: not i in S}: x[i] <= max{j in I} j;
         subject to d: sum{i in I} (if i in S then 2 * x[i] else x[i]) >= 1;
         minimize o: sum{i in I} x[i];",
    );
    assert_eq!(m.rows.len(), 3);
    assert_eq!(
        (m.rows[0].coeffs.clone(), m.rows[0].upper),
        (vec![(0, 1.0)], 3.0)
    );
    assert_eq!(m.rows[2].coeffs, vec![(0, 1.0), (1, 2.0), (2, 1.0)]);
}
