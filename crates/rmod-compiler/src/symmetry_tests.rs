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
    super::interchangeable_units(&m, &out.net_uses)
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
    let sym = super::interchangeable_units(&m, &out.net_uses);
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
    // an output that is also another unit's argument
    assert_eq!(
        chains(
            r#"net n = relu_net("abs.json"); var x1 in [-2, 3]; var f1; var f2;
            subject to a: f1 = n(x1); subject to b: f2 = n(f1); minimize o: f1 + f2;"#
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

#[test]
fn units_that_differ_in_a_bound_row_or_a_switch_are_not_interchangeable() {
    // the same rows with different right-hand sides
    assert_eq!(
        chains(
            r#"net n = relu_net("abs.json"); var x1 in [-2, 3]; var x2 in [-2, 3]; var f1; var f2;
            subject to a: f1 = n(x1); subject to b: f2 = n(x2);
            subject to c1: x1 >= -1; subject to c2: x2 >= -1.5; minimize o: f1 + f2;"#
        ),
        Vec::<usize>::new()
    );
    // with the same right-hand sides they are
    assert_eq!(
        chains(
            r#"net n = relu_net("abs.json"); var x1 in [-2, 3]; var x2 in [-2, 3]; var f1; var f2;
            subject to a: f1 = n(x1); subject to b: f2 = n(x2);
            subject to c1: x1 >= -1; subject to c2: x2 >= -1; minimize o: f1 + f2;"#
        ),
        vec![2]
    );
    // one use on when its binary is 1, the other when it is 0
    assert_eq!(
        chains(
            r#"net n = relu_net("abs.json"); var x1 in [-2, 3]; var x2 in [-2, 3]; var f1; var f2;
            var s1 binary; var s2 binary;
            subject to a: f1 = n(x1) if s1; subject to b: f2 = n(x2) if 1 - s2;
            minimize o: f1 + f2 - x1 - x2;"#
        ),
        Vec::<usize>::new()
    );
}

#[test]
fn a_sorted_feasible_point_meets_the_order_rows() {
    let out = run(
        r#"net n = relu_net("abs.json"); set U = 1..5; var x{U} in [-2, 3]; var f{U};
        subject to unit{u in U}: f[u] = n(x[u]);
        subject to budget: sum{u in U} x[u] >= 1;
        minimize total: sum{u in U} (f[u] - 0.5 * x[u]);"#,
    );
    let model = out.model.expect("model");
    let sym = super::interchangeable_units(&model, &out.net_uses);
    assert_eq!(sym.rows(), 4);
    let mut ordered = model.clone();
    super::order_interchangeable(&mut ordered, &sym);
    let mut found = 0;
    for seed in 1..20 {
        let Some(p) = crate::find_incumbent(&model, &out.net_uses, None, 16, seed, None) else {
            continue;
        };
        let x = p.values;
        assert!(model.max_violation(&x) <= 1e-9);
        let sorted = sym.sort_point(&x);
        assert!(ordered.max_violation(&sorted) <= 1e-9, "seed {seed}");
        // the same terms summed in another order
        let (a, b) = (model.objective_value(&sorted), model.objective_value(&x));
        assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{a} {b}");
        found += 1;
    }
    assert!(found > 10);
}

#[test]
fn a_unit_is_every_use_and_variable_of_one_index() {
    // a cost per unit, and two networks per unit
    let text = r#"net n = relu_net("abs.json"); net m = relu_net("abs2.json");
        set U = 1..3; var x{U} in [-2, 3]; var y{U} in [-1, 1]; var f{U}; var g{U}; var cost{U};
        subject to a{u in U}: f[u] = n(x[u]);
        subject to b{u in U}: g[u] = m(y[u]);
        subject to link{u in U}: x[u] + y[u] <= 1;
        subject to price{u in U}: cost[u] = 2 * f[u] + g[u] + 1;
        subject to budget: sum{u in U} x[u] >= 1;
        minimize total: sum{u in U} cost[u];"#;
    assert_eq!(chains(text), vec![3]);
    // a unit whose own parameter differs breaks the chain there
    let text = r#"net n = relu_net("abs.json"); set U = 1..4; param cap{U} = {1: 2, 2: 2, 3: 3, 4: 3};
        var x{U} in [-2, 3]; var f{U};
        subject to a{u in U}: f[u] = n(x[u]);
        subject to limit{u in U}: x[u] <= cap[u];
        minimize total: sum{u in U} f[u];"#;
    assert_eq!(chains(text), vec![2, 2]);
    // a variable of the index that the other units lack
    let text = r#"net n = relu_net("abs.json"); set U = 1..2; set V = 1..1;
        var x{U} in [-2, 3]; var f{U}; var extra{V} in [0, 1];
        subject to a{u in U}: f[u] = n(x[u]);
        minimize total: sum{u in U} f[u] + sum{v in V} extra[v];"#;
    assert_eq!(chains(text), Vec::<usize>::new());
}

#[test]
fn an_argument_all_units_share_stays_in_place() {
    // two uses of one input: the same function twice, and the outputs trade places
    assert_eq!(
        chains(
            r#"net n = relu_net("abs.json"); var x1 in [-2, 3]; var f1; var f2;
            subject to a: f1 = n(x1); subject to b: f2 = n(x1); minimize o: f1 + f2;"#
        ),
        vec![2]
    );
    // every unit sees the same header pressure p
    let net2 = r#"{"format": "relu-net", "version": 1, "inputs": ["q", "p"], "outputs": ["y"],
      "layers": [{"weights": [[1.0, -1.0], [-1.0, 0.5]], "bias": [0.0, 0.1], "activation": "relu"},
                 {"weights": [[1.0, 1.0]], "bias": [0.0], "activation": "linear"}]}"#;
    let mut files = BTreeMap::new();
    files.insert("two.json".to_string(), net2.to_string());
    let text = r#"net n = relu_net("two.json"); set U = 1..3; var q{U} in [0, 2]; var p in [1, 2];
        var f{U};
        subject to unit{u in U}: f[u] = n(q[u], p);
        subject to flow: sum{u in U} q[u] >= 2.5;
        minimize total: sum{u in U} f[u] + p;"#;
    let out = compile(&CompileRequest::new("m.rmod", text, &files));
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let m = out.model.expect("model");
    let sym = super::interchangeable_units(&m, &out.net_uses);
    assert_eq!(sym.chains.iter().map(Vec::len).collect::<Vec<_>>(), vec![3]);
    // the order is on the units' own flows, and p is in no block
    let p = m
        .columns
        .iter()
        .position(|c| c.origin.decl == "p")
        .expect("p") as u32;
    for block in &sym.chains[0] {
        assert!(!block.contains(&p));
        assert_eq!(m.columns[block[0] as usize].origin.decl, "q");
    }
}
