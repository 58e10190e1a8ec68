//! `option symmetry`: interchangeable units get order rows. On models with several identical
//! units of random 2-input networks (a shared budget, on/off switches with a fixed cost per
//! unit, an integer count), the optimum with the order rows equals the one without, and no
//! sampled feasible point beats it; units that differ get no order rows.

use crate::hull::random_net;
use crate::util::{
    best_sampled, best_sampled_budget, code, rmod, solve_optimal, stderr, stdout, tmp,
};

/// The objective and symmetry record of an optimal solve.
fn solve(model: &str, symmetry: &str) -> (f64, serde_json::Value) {
    let v = solve_optimal(model, &[&format!("symmetry={symmetry}")]);
    (
        v["objective"]["value"].as_f64().expect("objective"),
        v["symmetry"].clone(),
    )
}

#[test]
fn order_rows_keep_the_optimum_of_identical_units() {
    let dir = tmp("symmetry");
    std::fs::create_dir_all(&dir).expect("dir");
    let uses = 4;
    for seed in [5, 13, 34] {
        let (json, net) = random_net(seed, [6, 5]);
        std::fs::write(dir.join(format!("n{seed}.json")), json).expect("net");
        // a shared budget, and units that are switched on at a fixed cost (at least two)
        let budget = format!(
            "net n = relu_net(\"n{seed}.json\");\nset U = 1..{uses};\nvar x{{U}} in [-2, 2];\nvar y{{U}} in [-2, 2];\nvar f{{U}};\n\
             subject to unit{{u in U}}: f[u] = n(x[u], y[u]);\nsubject to budget: sum{{u in U}} (x[u] + 2 * y[u]) >= 1;\n\
             minimize total: sum{{u in U}} f[u];\n"
        );
        let switched = format!(
            "net n = relu_net(\"n{seed}.json\");\nset U = 1..{uses};\nvar x{{U}} in [-2, 2];\nvar y{{U}} in [-2, 2];\nvar f{{U}};\n\
             var on{{U}} binary;\nvar k integer in [0, 3];\n\
             subject to unit{{u in U}}: f[u] = n(x[u], y[u]) if on[u];\nsubject to some: sum{{u in U}} on[u] >= 2;\n\
             subject to count: k <= sum{{u in U}} on[u] - 1;\n\
             subject to budget: sum{{u in U}} (x[u] + 2 * y[u]) >= 1;\n\
             var cost{{U}};\nsubject to price{{u in U}}: cost[u] = f[u] + 0.3 * on[u];\n\
             minimize total: sum{{u in U}} cost[u] - 0.1 * k;\n"
        );
        for (name, text) in [("budget", budget), ("switched", switched)] {
            let model = dir.join(format!("{name}{seed}.rmod"));
            std::fs::write(&model, text).expect("model");
            let path = model.to_string_lossy().into_owned();
            let (with, sym) = solve(&path, "auto");
            let (plain, none) = solve(&path, "off");
            assert_eq!(sym["units"], uses, "{name} {seed}: {sym}");
            assert_eq!(sym["chains"], 1, "{name} {seed}: {sym}");
            assert!(none.is_null());
            assert!(
                (with - plain).abs() <= 1e-6 * (1.0 + plain.abs()),
                "{name} {seed}: ordered {with} vs plain {plain}"
            );
            // no feasible sample is better
            let best = if name == "budget" {
                best_sampled_budget(&net, uses, seed + 100)
            } else {
                best_sampled_switched(&net, uses, seed + 100)
            };
            assert!(
                with <= best + 1e-6 * (1.0 + best.abs()),
                "seed {seed}: optimum {with} above a sampled point {best}"
            );
        }
    }
}

/// The least objective of the switched model over 20,000 random points (inputs, which units
/// are on, the best count `k` for them).
fn best_sampled_switched(net: &rmod_relu::Network, uses: usize, seed: u64) -> f64 {
    best_sampled(uses, seed, |rng, p| {
        let on: Vec<bool> = (0..uses).map(|_| rng.unit() < 0.6).collect();
        let n_on = on.iter().filter(|o| **o).count();
        let k = n_on.saturating_sub(1).min(3) as f64;
        let f: f64 = p
            .iter()
            .zip(&on)
            .filter(|(_, o)| **o)
            .map(|(q, _)| net.forward(q)[0] + 0.3)
            .sum();
        (n_on >= 2).then_some(f - 0.1 * k)
    })
}

#[test]
fn units_that_differ_get_no_order_rows() {
    let dir = tmp("symmetry-differ");
    std::fs::create_dir_all(&dir).expect("dir");
    let (json, _) = random_net(5, [6, 5]);
    std::fs::write(dir.join("n.json"), json).expect("net");
    // unit 3 has its own weight in the objective
    let model = dir.join("m.rmod");
    std::fs::write(
        &model,
        "net n = relu_net(\"n.json\");\nset U = 1..3;\nvar x{U} in [-2, 2];\nvar y{U} in [-2, 2];\nvar f{U};\n\
         subject to unit{u in U}: f[u] = n(x[u], y[u]);\nsubject to budget: sum{u in U} (x[u] + 2 * y[u]) >= 1;\n\
         minimize total: f[1] + f[2] + 2 * f[3];\n",
    )
    .expect("model");
    let path = model.to_string_lossy().into_owned();
    let (with, sym) = solve(&path, "auto");
    let (plain, _) = solve(&path, "off");
    // units 1 and 2 still trade places
    assert_eq!(sym["units"], 2, "{sym}");
    assert!((with - plain).abs() <= 1e-6 * (1.0 + plain.abs()));
    let o = rmod(&["solve", &path, "--no-cache"]);
    assert!(
        stdout(&o).contains("symmetry   2 interchangeable units (network uses and variables of one index) in 1 chain(s)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_bad_symmetry_value_is_a_diagnostic_at_its_place() {
    let dir = tmp("symmetry-bad");
    std::fs::create_dir_all(&dir).expect("dir");
    let model = dir.join("m.rmod");
    std::fs::write(
        &model,
        "var x in [0, 1];\nminimize o: x;\noption symmetry = \"sometimes\";\n",
    )
    .expect("model");
    let path = model.to_string_lossy().into_owned();
    let o = rmod(&["solve", &path]);
    assert_ne!(code(&o), 0);
    let err = stderr(&o);
    assert!(err.contains("rmod::resolve::bad_option_value"), "{err}");
    assert!(err.contains("m.rmod:3:"), "{err}");
    assert!(err.contains("\"off\""), "{err}");
    // on the command line too
    std::fs::write(&model, "var x in [0, 1];\nminimize o: x;\n").expect("model");
    let o = rmod(&["solve", &path, "--option", "symmetry=1"]);
    assert_ne!(code(&o), 0);
    assert!(
        stderr(&o).contains("rmod::resolve::bad_option_value"),
        "{}",
        stderr(&o)
    );
}
