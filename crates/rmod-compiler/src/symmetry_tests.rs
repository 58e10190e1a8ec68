use std::collections::BTreeMap;

use crate::nets_tests::NET;
use crate::{compile, CompileOutput, CompileRequest};

fn run(text: &str) -> CompileOutput {
    let mut files = BTreeMap::new();
    files.insert("abs.json".to_string(), NET.to_string());
    files.insert("abs2.json".to_string(), NET.to_string());
    let out = compile(&CompileRequest::new("m.rmod", text, &files));
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    out
}

fn chains(text: &str) -> Vec<usize> {
    let out = run(text);
    let m = out.model.expect("model");
    super::interchangeable_uses(&m, &out.net_uses)
        .chains
        .iter()
        .map(Vec::len)
        .collect()
}

#[test]
fn identical_units_under_a_shared_limit_form_one_chain() {
    let text = r#"net n = relu_net("abs.json"); set U = 1..4; var x{U} in [-2, 3]; var f{U};
        subject to unit{u in U}: f[u] = n(x[u]);
        subject to budget: sum{u in U} x[u] >= 1;
        minimize total: sum{u in U} f[u];"#;
    assert_eq!(chains(text), vec![4]);
    // the order rows: x[1] <= x[2] <= x[3] <= x[4]
    let out = run(text);
    let mut m = out.model.expect("model");
    let sym = super::interchangeable_uses(&m, &out.net_uses);
    let rows = m.rows.len();
    super::order_interchangeable(&mut m, &sym);
    assert_eq!(m.rows.len(), rows + 3);
    assert_eq!(sym.rows(), 3);
    assert!(m.rows[rows..].iter().all(|r| !r.origin.is_model()));
}

#[test]
fn units_that_differ_anywhere_are_not_interchangeable() {
    // a bound
    assert_eq!(
        chains(
            r#"net n = relu_net("abs.json"); var x1 in [-2, 3]; var x2 in [-2, 4]; var f1; var f2;
            subject to a: f1 = n(x1); subject to b: f2 = n(x2); minimize o: f1 + f2;"#
        ),
        Vec::<usize>::new()
    );
    // the objective's weights
    assert_eq!(
        chains(
            r#"net n = relu_net("abs.json"); var x1 in [-2, 3]; var x2 in [-2, 3]; var f1; var f2;
            subject to a: f1 = n(x1); subject to b: f2 = n(x2); minimize o: f1 + 2 * f2;"#
        ),
        Vec::<usize>::new()
    );
    // a row that only one of them is in
    assert_eq!(
        chains(
            r#"net n = relu_net("abs.json"); var x1 in [-2, 3]; var x2 in [-2, 3]; var f1; var f2;
            subject to a: f1 = n(x1); subject to b: f2 = n(x2); subject to c: x1 >= 0.5;
            minimize o: f1 + f2;"#
        ),
        Vec::<usize>::new()
    );
    // a row's coefficients
    assert_eq!(
        chains(
            r#"net n = relu_net("abs.json"); var x1 in [-2, 3]; var x2 in [-2, 3]; var f1; var f2;
            subject to a: f1 = n(x1); subject to b: f2 = n(x2); subject to c: x1 + 2 * x2 >= 0.5;
            minimize o: f1 + f2;"#
        ),
        Vec::<usize>::new()
    );
    // an argument that is an expression
    assert_eq!(
        chains(
            r#"net n = relu_net("abs.json"); var x1 in [-2, 3]; var x2 in [-2, 3]; var f1; var f2;
            subject to a: f1 = n(x1 + 0.5); subject to b: f2 = n(x2 + 0.5); minimize o: f1 + f2;"#
        ),
        Vec::<usize>::new()
    );
    // two files (even with the same contents)
    assert_eq!(
        chains(
            r#"net n = relu_net("abs.json"); net m = relu_net("abs2.json");
            var x1 in [-2, 3]; var x2 in [-2, 3]; var f1; var f2;
            subject to a: f1 = n(x1); subject to b: f2 = m(x2); minimize o: f1 + f2;"#
        ),
        Vec::<usize>::new()
    );
    // a shared input
    assert_eq!(
        chains(
            r#"net n = relu_net("abs.json"); var x1 in [-2, 3]; var f1; var f2;
            subject to a: f1 = n(x1); subject to b: f2 = n(x1); minimize o: f1 + f2;"#
        ),
        Vec::<usize>::new()
    );
}

#[test]
fn a_chain_breaks_where_a_neighbour_differs() {
    // unit 3 has a wider box: units 1-2 and 4-5 form two chains (neighbours in model order)
    let text = r#"net n = relu_net("abs.json"); set U = 1..5; var x{U} in [-2, 3]; var f{U};
        subject to unit{u in U}: f[u] = n(x[u]);
        subject to wide: x[3] >= -1;
        minimize total: sum{u in U} f[u];"#;
    assert_eq!(chains(text), vec![2, 2]);
}

#[test]
fn switched_units_are_interchangeable_with_their_switches() {
    let text = r#"net n = relu_net("abs.json"); set U = 1..3; var x{U} in [-2, 3]; var f{U};
        var on{U} binary;
        subject to unit{u in U}: f[u] = n(x[u]) if on[u];
        subject to some: sum{u in U} on[u] >= 2;
        minimize total: sum{u in U} (f[u] - x[u]);"#;
    assert_eq!(chains(text), vec![3]);
}

#[test]
fn a_sorted_point_permutes_whole_units() {
    let sym = super::Interchangeable {
        chains: vec![vec![vec![0, 1], vec![2, 3], vec![4, 5]]],
    };
    let x = [3.0, 30.0, 1.0, 10.0, 2.0, 20.0, 7.0];
    assert_eq!(
        sym.sort_point(&x),
        vec![1.0, 10.0, 2.0, 20.0, 3.0, 30.0, 7.0]
    );
}
