//! `option hull`: the convex hull of a low-dimensional network's graph as rows. On models with
//! several uses of random 2-input networks under a shared budget, the optimum with the hull rows
//! equals the plain big-M MILP's, and no sampled feasible point beats it.

use crate::util::{best_sampled_budget, solve_optimal, tmp};

/// A random 2-input network with two hidden layers, as relu-net JSON.
pub(crate) fn random_net(seed: u64, widths: [usize; 2]) -> (String, rmod_relu::Network) {
    let mut rng = rmod_relu::Rng::new(seed);
    let mut layers = Vec::new();
    let mut prev = 2;
    for (k, w) in widths.into_iter().chain([1]).enumerate() {
        layers.push(rmod_relu::Layer {
            weights: (0..w)
                .map(|_| (0..prev).map(|_| rng.unit() * 2.0 - 1.0).collect())
                .collect(),
            bias: (0..w).map(|_| rng.unit() - 0.5).collect(),
            activation: if k == 2 {
                rmod_relu::Activation::Linear
            } else {
                rmod_relu::Activation::Relu
            },
        });
        prev = w;
    }
    let net = rmod_relu::Network::from_layers(layers);
    (net.to_json(None), net)
}

fn solve(model: &str, hull: &str) -> f64 {
    // without order rows, so that the hull rows alone are compared with the plain MILP
    solve_optimal(model, &[&format!("hull={hull}"), "symmetry=off"])["objective"]["value"]
        .as_f64()
        .expect("objective")
}

/// The model's optimum with hull rows, which must equal the plain MILP's.
fn same_optimum_with_and_without_hull(model: &std::path::Path) -> f64 {
    let path = model.to_string_lossy().into_owned();
    let with = solve(&path, "on");
    let plain = solve(&path, "off");
    assert!(
        (with - plain).abs() <= 1e-6 * (1.0 + plain.abs()),
        "{path}: hull {with} vs plain {plain}"
    );
    with
}

#[test]
fn hull_rows_keep_the_optimum_of_the_plain_milp() {
    let dir = tmp("hull");
    std::fs::create_dir_all(&dir).expect("dir");
    for seed in [3, 8, 21] {
        let (json, net) = random_net(seed, [6, 5]);
        std::fs::write(dir.join(format!("n{seed}.json")), json).expect("net");
        let uses = 3;
        let model = dir.join(format!("m{seed}.rmod"));
        std::fs::write(
            &model,
            format!(
                "net n = relu_net(\"n{seed}.json\");\nset U = 1..{uses};\nvar x{{U}} in [-2, 2];\nvar y{{U}} in [-2, 2];\nvar f{{U}};\n\
                 subject to unit{{u in U}}: f[u] = n(x[u], y[u]);\nsubject to budget: sum{{u in U}} (x[u] + 2 * y[u]) >= 1;\n\
                 minimize total: sum{{u in U}} f[u];\n"
            ),
        )
        .expect("model");
        let with = same_optimum_with_and_without_hull(&model);
        // no feasible sample is better
        let best = best_sampled_budget(&net, uses, seed + 100);
        assert!(
            with <= best + 1e-9,
            "seed {seed}: {with} above a sample {best}"
        );
    }
}

/// A vertex whose output is 0 up to rounding (1e-17 against 0.4) gave a hull row with
/// coefficients spanning 4e16, a compile error (`rmod::numeric::range`); now the residue is
/// dropped within the row's allowance, and the optimum equals the plain MILP's.
#[test]
fn rounding_residue_at_a_vertex_is_no_coefficient() {
    let dir = tmp("hull-residue");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(
        dir.join("two.json"),
        r#"{"format": "relu-net", "version": 1, "inputs": ["q", "p"], "outputs": ["y"],
  "layers": [{"weights": [[1.0, -1.0], [-1.0, 0.5]], "bias": [0.0, 0.1], "activation": "relu"},
             {"weights": [[1.0, 1.0]], "bias": [0.0], "activation": "linear"}]}"#,
    )
    .expect("net");
    let model = dir.join("m.rmod");
    std::fs::write(
        &model,
        "net n = relu_net(\"two.json\");\nset U = 1..3;\nvar q{U} in [0, 2];\nvar p in [1, 2];\nvar f{U};\n\
         subject to unit{u in U}: f[u] = n(q[u], p);\nsubject to flow: sum{u in U} q[u] >= 2.5;\n\
         minimize total: sum{u in U} f[u] + p;\n",
    )
    .expect("model");
    same_optimum_with_and_without_hull(&model);
}
