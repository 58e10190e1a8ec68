//! Differential torture tests: random networks with pathological weights (tiny 1e-40..1e-30,
//! huge, dead and duplicated neurons, zero rows, all-negative biases, clipped layers), minimized
//! and maximized over their box with every bound method, split on and off, and scaling on and
//! off, through the same policy as `rmod solve`. Each answer is checked against independent
//! computations: a dense grid of forward passes (1 and 2 inputs; 20,000 uniform samples with
//! more) that rmod's optimum must be at least as good as, a forward pass at rmod's point (it must
//! equal the objective, so the optimum is attained), and the agreement of all six option
//! combinations. And the property of sound bounds: every sampled true activation satisfies the
//! encoded rows.
//!
//! `RMOD_TORTURE_CASES=N` runs N networks instead of the CI's number (BENCHMARKS.md reports a
//! longer run).

use std::collections::BTreeMap;

use rmod_compiler::{compile, CompileOutput, CompileRequest};
use rmod_ir::Status;
use serde_json::json;

use rmod_relu::Rng;

/// A random network as relu-net JSON, with its pathologies, over the box [-2, 2]^d.
fn random_net(rng: &mut Rng, d: usize, max_depth: usize, max_width: usize) -> serde_json::Value {
    let depth = 1 + rng.below(max_depth);
    let mut width = d;
    let mut layers = Vec::new();
    for k in 0..=depth {
        let last = k == depth;
        let n = if last {
            1
        } else {
            2 + rng.below(max_width - 1)
        };
        let mut w: Vec<Vec<f64>> = (0..n)
            .map(|_| (0..width).map(|_| rng.range(-1.5, 1.5)).collect())
            .collect();
        let mut b: Vec<f64> = (0..n).map(|_| rng.range(-1.0, 1.0)).collect();
        for j in 0..n {
            match rng.below(10) {
                // tiny weights, as float32 training with weight decay leaves them
                0 | 1 => {
                    for v in w[j].iter_mut() {
                        if rng.unit() < 0.5 {
                            *v = (if rng.unit() < 0.5 { -1.0 } else { 1.0 })
                                * 10f64.powf(rng.range(-40.0, -30.0));
                        }
                    }
                }
                // a dead neuron
                2 if !last => b[j] = -50.0,
                // a zero row
                3 => w[j].iter_mut().for_each(|v| *v = 0.0),
                // huge weights (1e3)
                4 => w[j].iter_mut().for_each(|v| *v *= 1e3),
                // a duplicate of the neuron before
                5 if j > 0 => {
                    w[j] = w[j - 1].clone();
                    b[j] = b[j - 1];
                }
                _ => {}
            }
        }
        if !last && rng.unit() < 0.15 {
            // all-negative biases
            b.iter_mut().for_each(|v| *v = -v.abs() - 0.1);
        }
        let mut layer = json!({"weights": w, "bias": b, "activation": "linear"});
        if !last {
            if rng.unit() < 0.25 {
                layer["activation"] = json!("clipped_relu");
                layer["clip"] = json!(rng.range(0.5, 2.0));
            } else {
                layer["activation"] = json!("relu");
            }
        }
        layers.push(layer);
        width = n;
    }
    json!({
        "format": "relu-net", "version": 1,
        "input_bounds": vec![[-2.0, 2.0]; d],
        "layers": layers,
    })
}

/// A plain forward pass of the JSON network (independent of rmod-relu).
fn forward(net: &serde_json::Value, x: &[f64]) -> f64 {
    let mut h = x.to_vec();
    for l in net["layers"].as_array().expect("layers") {
        let w = l["weights"].as_array().expect("w");
        let b = l["bias"].as_array().expect("b");
        let act = l["activation"].as_str().expect("act");
        let clip = l["clip"].as_f64().unwrap_or(0.0);
        h = w
            .iter()
            .zip(b)
            .map(|(row, b)| {
                let a = b.as_f64().expect("b")
                    + row
                        .as_array()
                        .expect("row")
                        .iter()
                        .zip(&h)
                        .map(|(w, v)| w.as_f64().expect("w") * v)
                        .sum::<f64>();
                match act {
                    "relu" => a.max(0.0),
                    "clipped_relu" => a.max(0.0).min(clip),
                    _ => a,
                }
            })
            .collect();
    }
    h[0]
}

/// The best grid value of the network (1 or 2 inputs; with more, of 20,000 uniform samples),
/// `sense` = 1 for min, -1 for max.
fn grid_best(net: &serde_json::Value, d: usize, sense: f64) -> f64 {
    if d > 2 {
        let mut rng = Rng::new(0xa5a5_5a5a_0000_0001 ^ d as u64);
        let mut best = f64::INFINITY;
        for _ in 0..20_000 {
            let x: Vec<f64> = (0..d).map(|_| rng.range(-2.0, 2.0)).collect();
            best = best.min(sense * forward(net, &x));
        }
        return sense * best;
    }
    let n = if d == 1 { 4001 } else { 161 };
    let at = |i: usize| -2.0 + 4.0 * i as f64 / (n - 1) as f64;
    let mut best = f64::INFINITY;
    for i in 0..n {
        for j in 0..(if d == 2 { n } else { 1 }) {
            let x = if d == 1 {
                vec![at(i)]
            } else {
                vec![at(i), at(j)]
            };
            best = best.min(sense * forward(net, &x));
        }
    }
    sense * best
}

fn model_text(d: usize, maximize: bool, options: &[(&str, &str)]) -> String {
    let xs: Vec<String> = (1..=d).map(|i| format!("x{i}")).collect();
    let mut t = String::from("net n = relu_net(\"n.json\");\n");
    for x in &xs {
        t.push_str(&format!("var {x} in [-2, 2];\n"));
    }
    t.push_str(&format!(
        "var f;\nsubject to s: f = n({});\n{} o: f;\noption mip_gap = 0;\noption time_limit = 60;\n",
        xs.join(", "),
        if maximize { "maximize" } else { "minimize" }
    ));
    for (k, v) in options {
        t.push_str(&format!("option {k} = {v};\n"));
    }
    t
}

fn compiled(net: &serde_json::Value, text: &str) -> CompileOutput {
    let mut files = BTreeMap::new();
    files.insert("n.json".to_string(), net.to_string());
    let oracle = rmod_solver::SolverBounds::SERIAL;
    let mut req = CompileRequest::new("m.rmod", text, &files);
    req.oracle = Some(&oracle);
    compile(&req)
}

/// The option combinations of a case (all of them, or a deterministic share for large runs).
const COMBOS: &[[(&str, &str); 3]] = &[
    [
        ("bounds", "\"ia\""),
        ("input_split", "0"),
        ("relu_scaling", "\"off\""),
    ],
    [
        ("bounds", "\"ia\""),
        ("input_split", "100000"),
        ("relu_scaling", "\"balanced\""),
    ],
    [
        ("bounds", "\"lp\""),
        ("input_split", "0"),
        ("relu_scaling", "\"balanced\""),
    ],
    [
        ("bounds", "\"lp\""),
        ("input_split", "100000"),
        ("relu_scaling", "\"off\""),
    ],
    [
        ("bounds", "\"milp\""),
        ("input_split", "0"),
        ("relu_scaling", "\"off\""),
    ],
    [
        ("bounds", "\"milp\""),
        ("input_split", "100000"),
        ("relu_scaling", "\"bigm\""),
    ],
];

/// The backends every case is solved with (HiGHS when the build has it): all must agree.
#[cfg(feature = "highs")]
const BACKENDS: &[&str] = &["\"cbc\"", "\"highs\""];
#[cfg(not(feature = "highs"))]
const BACKENDS: &[&str] = &["\"cbc\""];

struct Tally {
    solves: usize,
    failures: Vec<String>,
}

fn run_case(case: usize, rng: &mut Rng, t: &mut Tally) {
    let d = [1, 2, 2, 3, 5][case % 5];
    let net = random_net(
        rng,
        d,
        if d <= 2 { 3 } else { 2 },
        if d <= 2 { 10 } else { 8 },
    );
    for maximize in [false, true] {
        let sense = if maximize { -1.0 } else { 1.0 };
        // an upper bound on the true optimum (for min) that rmod must meet
        let grid = Some(grid_best(&net, d, sense));
        let mut values = Vec::new();
        for (solver, combo) in BACKENDS
            .iter()
            .flat_map(|b| COMBOS.iter().map(move |c| (b, c)))
        {
            let mut options = combo.to_vec();
            options.push(("solver", solver));
            let text = model_text(d, maximize, &options);
            let out = compiled(&net, &text);
            let label = format!(
                "case {case} (d={d}, {}) {options:?}",
                if maximize { "max" } else { "min" }
            );
            let Some(model) = &out.model else {
                // a refusal is allowed (the range guard), never a wrong answer
                if !out
                    .diagnostics
                    .iter()
                    .any(|d| d.code == "rmod::numeric::range")
                {
                    t.failures
                        .push(format!("{label}: did not compile: {:?}", out.diagnostics));
                }
                continue;
            };
            let o = rmod_solve::solve(model, &out.net_uses, &rmod_solve::Settings::default());
            t.solves += 1;
            let s = &o.solution;
            if s.status != Status::Optimal {
                if !s.status.has_point() {
                    t.failures.push(format!("{label}: status {:?}", s.status));
                }
                continue;
            }
            let obj = s.objective.expect("objective");
            let xs: Vec<f64> = (0..d).map(|i| s.values[i]).collect();
            let exact = forward(&net, &xs);
            let tol = 1e-6 * exact.abs().max(1.0);
            if (exact - obj).abs() > tol {
                t.failures.push(format!(
                    "{label}: objective {obj} but the forward pass at its point gives {exact}"
                ));
            }
            if let Some(g) = grid {
                if sense * obj > sense * g + 1e-6 * g.abs().max(1.0) {
                    t.failures.push(format!(
                        "{label}: optimal {obj} is worse than the grid point {g}"
                    ));
                }
            }
            values.push((obj, label));
        }
        // every combination proves the same optimum
        if let Some((first, l0)) = values.first() {
            for (v, l) in &values[1..] {
                if (v - first).abs() > 1e-5 * first.abs().max(1.0) {
                    t.failures
                        .push(format!("{l}: optimum {v} differs from {l0}: {first}"));
                }
            }
        }
    }
}

#[test]
fn random_pathological_networks_agree_with_grids_and_each_other() {
    let n: usize = std::env::var("RMOD_TORTURE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(45);
    let mut rng = Rng::new(0x5eed_1234_abcd_0001);
    let mut t = Tally {
        solves: 0,
        failures: Vec::new(),
    };
    for case in 0..n {
        run_case(case, &mut rng, &mut t);
    }
    eprintln!(
        "torture: {n} networks, {} solves, {} disagreements",
        t.solves,
        t.failures.len()
    );
    assert!(t.solves >= 8 * n, "too few solves: {}", t.solves);
    assert!(
        t.failures.is_empty(),
        "{} disagreements:\n{}",
        t.failures.len(),
        t.failures.join("\n")
    );
}

#[test]
fn every_sampled_activation_satisfies_the_encoded_rows() {
    // tiny and huge weights included; LP and MILP bounds (certified LP duals, the self-check)
    let mut rng = Rng::new(0xb0b0_cafe_0000_0007);
    let mut checked = 0;
    for case in 0..24 {
        let d = 1 + case % 4;
        let net = random_net(&mut rng, d, 3, 10);
        for bounds in ["\"lp\"", "\"milp\"", "\"ia\""] {
            let text = model_text(d, false, &[("bounds", bounds), ("relu_scaling", "\"off\"")]);
            let out = compiled(&net, &text);
            let Some(model) = &out.model else {
                continue;
            };
            for _ in 0..200 {
                let mut x = vec![0.0; model.columns.len()];
                for v in x.iter_mut().take(d) {
                    *v = rng.range(-2.0, 2.0);
                }
                let (p, _) = rmod_compiler::exact_point(model, &out.net_uses, &x);
                let viol = model.scaled_violation(&p);
                assert!(
                    viol <= 1e-9,
                    "case {case} {bounds}: a true activation violates the encoding by {viol:e} at {:?}",
                    &x[..d]
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 10_000, "{checked}");
}
