use rmod_diagnostics::code;
use std::collections::BTreeMap;

use super::*;

pub(crate) const NET: &str = r#"{"format": "relu-net", "version": 1, "inputs": ["x"], "outputs": ["y"],
  "layers": [{"weights": [[1.0], [-1.0]], "bias": [0.0, 0.0], "activation": "relu"},
             {"weights": [[1.0, 1.0]], "bias": [0.0], "activation": "linear"}]}"#;

fn run(text: &str) -> CompileOutput {
    let mut files = BTreeMap::new();
    files.insert("abs.json".to_string(), NET.to_string());
    compile(&CompileRequest::new("m.rmod", text, &files))
}

fn codes(text: &str) -> Vec<&'static str> {
    run(text).diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn net_use_creates_binaries_and_bounds_outputs() {
    let out = run(r#"net absn = relu_net("abs.json"); var x in [-2, 3]; var y;
        subject to f: y = absn(x = x); minimize o: y;"#);
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let m = out.model.unwrap();
    assert_eq!(m.n_binary(), 2);
    assert_eq!(out.net_uses.len(), 1);
    // y = |x| on [-2, 3]: interval arithmetic gives [0, 5]
    assert!(m.columns[1].lower.abs() < 1e-6);
    assert!((m.columns[1].upper - 5.0).abs() < 1e-6);
    let v = verify(
        &m,
        &out.net_uses,
        &vec![1.0, 1.0]
            .into_iter()
            .chain(std::iter::repeat(0.0))
            .take(m.columns.len())
            .collect::<Vec<_>>(),
    );
    assert_eq!(v.nets[0].1, 0.0);
}

#[test]
fn net_errors() {
    assert_eq!(
        codes(
            r#"net n = relu_net("abs.json"); var x; var y; subject to f: y = n(x); minimize o: y;"#
        ),
        vec![code::RELU_UNBOUNDED_INPUT]
    );
    assert_eq!(
        codes(
            r#"net n = relu_net("abs.json"); var x in [0, 1]; var y; subject to f: y = n(z = x); minimize o: y;"#
        ),
        vec![code::RELU_UNKNOWN_INPUT]
    );
    assert_eq!(
        codes(
            r#"net n = relu_net("abs.json"); var x in [0, 1]; var y; subject to f: y = n(x, x); minimize o: y;"#
        ),
        vec![code::RELU_ARITY]
    );
    assert_eq!(
        codes(
            r#"net n = relu_net("abs.json"); var x in [0, 1]; var y; subject to f: (y, x) = n(x); minimize o: y;"#
        ),
        vec![code::RELU_ARITY]
    );
    assert_eq!(
        codes(
            r#"net n = relu_net("abs.json"); var x in [0, 1]; var y; subject to f: 2 * y = n(x); minimize o: y;"#
        ),
        vec![code::RELU_OUTPUT_NOT_VARIABLE]
    );
    assert_eq!(
        codes(r#"net n = relu_net("nope.json"); var x in [0, 1]; minimize o: x;"#),
        vec![code::DATA_FILE]
    );
}

#[test]
fn crown_bounds_need_no_solver_and_are_tighter() {
    // |x| on [-2, 3]: relu(x) <= 3/5 (x + 2), relu(-x) <= 2/5 (3 - x), so |x| <= x/5 + 12/5 <= 3
    // (the true maximum; interval arithmetic says 5), option and per network alike; a model
    // context is for bound problems only
    for text in [
        r#"net n = relu_net("abs.json"); var x in [-2, 3]; var y; subject to f: y = n(x); minimize o: y; option bounds = "crown";"#,
        r#"net n = relu_net("abs.json", bounds = "crown", context = "model"); var x in [-2, 3]; var y; subject to f: y = n(x); minimize o: y;"#,
    ] {
        let out = run(text);
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        let m = out.model.unwrap();
        assert!(m.columns[1].lower.abs() < 1e-6);
        assert!(
            (m.columns[1].upper - 3.0).abs() < 1e-6,
            "{}",
            m.columns[1].upper
        );
        let stats = &out.net_uses[0].stats;
        assert_eq!(
            (stats.bound_method, stats.bound_context),
            ("crown", "network")
        );
        // the hidden neurons keep their (exact) interval bounds: [-2, 3] and [-3, 2]
        let pre = &out.net_uses[0].pre;
        assert!((pre[0][0].0 + 2.0).abs() < 1e-12 && (pre[0][1].1 - 2.0).abs() < 1e-12);
    }
}

#[test]
fn tightening_without_a_solver_is_an_error() {
    assert_eq!(
        codes(
            r#"net n = relu_net("abs.json"); var x in [0, 1]; var y; subject to f: y = n(x); minimize o: y; option bounds = "lp";"#
        ),
        vec![code::RELU_BOUNDS_UNAVAILABLE]
    );
}

#[test]
fn exact_point_repairs_drifted_network_columns() {
    // |x| on [-2, 3], chained into a second use: z = |y - 1|
    let out = run(
        r#"net absn = relu_net("abs.json"); var x in [-2, 3]; var y; var z;
        subject to f: y = absn(x = x); subject to g: z = absn(x = y - 1); minimize o: z;"#,
    );
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let m = out.model.unwrap();
    // a "solver point" at x = -1.5 whose network columns all drifted
    let mut drifted = vec![0.37; m.columns.len()];
    drifted[0] = -1.5;
    assert!(m.max_violation(&drifted) > 0.1);
    let (p, viol) = exact_point(&m, &out.net_uses, &drifted);
    assert!(viol <= 1e-12, "violation {viol}");
    assert_eq!((p[0], p[1], p[2]), (-1.5, 1.5, 0.5));
    let v = verify(&m, &out.net_uses, &p);
    assert!(v.nets.iter().all(|n| n.1 == 0.0), "{:?}", v.nets);
    // a point the model's own rows reject stays rejected: x outside its bounds
    drifted[0] = 7.0;
    assert!(exact_point(&m, &out.net_uses, &drifted).1 >= 4.0);
}

#[test]
fn a_split_cell_hands_its_children_its_bounds_and_slopes() {
    // y = |x| over x in [-2, 3]; the cell x in [0.5, 3] and its child x in [1, 3]
    let out = run(r#"net absn = relu_net("abs.json"); var x in [-2, 3]; var y;
        subject to f: y = absn(x = x); minimize o: y;"#);
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let whole = out.model.expect("model");
    let uses = &out.net_uses;
    let cell = |lo: f64, parent: &[f64]| {
        let mut m = whole.clone();
        m.columns[0].lower = lo;
        let info = tighten_cell(uses, &mut m, parent, None);
        (m, info)
    };
    let (_, root) = cell(-2.0, &[]);
    // three neurons (two hidden, one output), each with two bounds and a slope
    assert_eq!(root.state.len(), 9);
    let (_, info) = cell(0.5, &root.state);
    let states = cell_state::decode(uses, &info.state);
    let pre = &states[0].pre;
    assert!(
        pre[0][0].0 >= 0.5 - 1e-9 && pre[0][0].1 <= 3.0 + 1e-9,
        "{pre:?}"
    );
    assert!(pre[0][1].1 <= -0.5 + 1e-9, "{pre:?}");
    // the objective's range holds the true minimum |0.5| and maximum 3
    assert!(
        info.objective.0 <= 0.5 && info.objective.0 > 0.5 - 1e-6,
        "{:?}",
        info.objective
    );
    assert!(info.objective.1 >= 3.0);
    let (m, child) = cell(1.0, &info.state);
    assert!(child.objective.0 <= 1.0 && child.objective.0 > 1.0 - 1e-6);
    // the neuron stable in the cell has its binary fixed in the child's model
    assert!(m
        .columns
        .iter()
        .filter(|c| c.kind == rmod_ir::ColKind::Binary)
        .all(|c| c.lower == c.upper));
    // a state of the wrong shape is the whole box's
    let (_, again) = cell(0.5, &[1.0, 2.0]);
    assert_eq!(again.objective, cell(0.5, &[]).1.objective);
    assert_eq!(cell_state::decode(uses, &[1.0]).len(), 1);
}

#[test]
fn a_corrupt_cell_state_falls_back_to_the_whole_box() {
    let out = run(r#"net absn = relu_net("abs.json"); var x in [-2, 3]; var y;
        subject to f: y = absn(x = x); minimize o: y;"#);
    let uses = &out.net_uses;
    let own = &uses[0].pre;
    // three neurons: NaN, crossing, and disjoint-from-the-box pairs, NaN slopes
    let bad = [
        f64::NAN,
        1.0,
        5.0,
        -5.0,
        1e9,
        2e9,
        f64::NAN,
        f64::NAN,
        f64::NAN,
    ];
    let states = cell_state::decode(uses, &bad);
    assert_eq!(&states[0].pre, own);
    assert!(states[0].slopes.is_empty());
    // and a state of another shape encodes as the whole box's
    let odd = vec![cell_state::UseState {
        pre: vec![vec![(0.0, 1.0)]],
        slopes: Vec::new(),
    }];
    let flat = cell_state::encode(uses, &odd);
    assert_eq!(flat.len(), 9);
    assert_eq!(&cell_state::decode(uses, &flat)[0].pre, own);
}

#[test]
fn the_start_is_improved_by_a_pattern_search_from_the_best_sample() {
    // y = |x - 0.3| (through y = |t|, t = x - 0.3) over x in [-2, 3]: 16 samples land about
    // 0.1 from 0.3, and the search walks to it within its last step (5/1024)
    let out = run(r#"net absn = relu_net("abs.json"); var x in [-2, 3]; var y;
        subject to f: y = absn(x = x - 0.3); minimize o: y;"#);
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let model = out.model.expect("model");
    // no time for the descents (they come first): the pattern search alone
    let now = Some(std::time::Instant::now());
    let s = crate::find_incumbent(&model, &out.net_uses, None, 16, 7, now).expect("start");
    assert_eq!(s.source, "local search");
    assert_eq!((s.candidates, s.feasible), (16, 16));
    assert!(s.objective < 5.0 / 1024.0 + 1e-12, "{}", s.objective);
    // the point is the model's: checked, and its objective is the network's exact value
    assert!(model.scaled_violation(&s.values) <= 1e-7);
    assert!((s.objective - (s.values[0] - 0.3).abs()).abs() < 1e-12);
}

/// `descend` from the one point `x = at` of the model `text` (its first column is `x`).
fn descend_from(text: &str, at: f64, maximize: bool) -> (Option<Incumbent>, Model) {
    descend_with(text, at, maximize, 100_000_000)
}

/// [`descend_from`] with a work budget of `work`.
fn descend_with(text: &str, at: f64, maximize: bool, work: usize) -> (Option<Incumbent>, Model) {
    let out = run(text);
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let model = out.model.expect("model");
    let mut x = vec![0.0; model.columns.len()];
    x[0] = at;
    for u in &out.net_uses {
        complete_use(&model, u, &mut x);
    }
    let (lo, hi) = (model.columns[0].lower, model.columns[0].upper);
    let budget = crate::descent::Budget {
        steps: 200,
        work,
        until: None,
    };
    let mut best = None;
    let improved = crate::descent::descend(
        &model,
        &out.net_uses,
        &[(0, lo, hi)],
        vec![x],
        maximize,
        &budget,
        &mut best,
    );
    assert_eq!(improved, best.is_some());
    (best, model)
}

#[test]
fn the_descent_walks_down_a_network_to_its_minimum() {
    // y = |x - 0.3| over [-2, 3], from x = 2.9: Adam's steps of 0.1 shrink as they overshoot
    for (sense, maximize) in [("minimize o: y", false), ("maximize o: -y", true)] {
        let text = format!(
            r#"net absn = relu_net("abs.json"); var x in [-2, 3]; var y;
            subject to f: y = absn(x = x - 0.3); {sense};"#
        );
        let (best, model) = descend_from(&text, 2.9, maximize);
        let best = best.expect("a better point");
        assert_eq!(best.source, "descent");
        assert!((best.values[0] - 0.3).abs() < 1e-2, "{:?}", best.values);
        assert!(model.scaled_violation(&best.values) <= 1e-7);
        assert!((best.values[1] - (best.values[0] - 0.3).abs()).abs() < 1e-12);
    }
}

#[test]
fn the_descent_keeps_only_feasible_points() {
    // a row x >= 0.5 that the descent towards 0.3 crosses: the best it keeps stops at the row
    let (best, model) = descend_from(
        r#"net absn = relu_net("abs.json"); var x in [-2, 3]; var y;
        subject to f: y = absn(x = x - 0.3); subject to r: x >= 0.5; minimize o: y;"#,
        2.9,
        false,
    );
    let best = best.expect("a better point");
    assert!(model.scaled_violation(&best.values) <= 1e-7);
    assert!(best.values[0] >= 0.5 - 1e-9 && best.objective >= 0.2 - 1e-9);
    assert!(best.objective < 0.3, "{}", best.objective);
}

#[test]
fn the_descent_stops_at_its_budget() {
    // one step costs more than a work of 1: no step is taken
    let (best, _) = descend_with(
        r#"net absn = relu_net("abs.json"); var x in [-2, 3]; var y;
        subject to f: y = absn(x = x - 0.3); minimize o: y;"#,
        2.9,
        false,
        1,
    );
    assert!(best.is_none());
}

#[test]
fn the_descent_follows_a_network_through_another() {
    // y = ||x - 0.3| - 1|: the objective sees x only through the second use, which reads the
    // first one's output; minima at x = 1.3 and x = -0.7
    let (best, model) = descend_from(
        r#"net absn = relu_net("abs.json"); var x in [-2, 3]; var t; var y;
        subject to f: t = absn(x = x - 0.3); subject to g: y = absn(x = t - 1); minimize o: y;"#,
        2.9,
        false,
    );
    let best = best.expect("a better point");
    assert!((best.values[0] - 1.3).abs() < 1e-2, "{:?}", best.values);
    assert!(model.scaled_violation(&best.values) <= 1e-7);
}
