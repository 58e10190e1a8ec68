//! The shipped examples, solved end to end, against optima computed independently.

use std::collections::HashMap;

use crate::util::{code, read_csv, rmod, stdout};

fn solve_json(rel: &str) -> serde_json::Value {
    let o = rmod(&["solve", rel, "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_str(&stdout(&o)).expect("json")
}

fn objective(v: &serde_json::Value) -> f64 {
    v["objective"]["value"].as_f64().expect("objective")
}

#[test]
fn transport_matches_the_published_optimum() {
    let v = solve_json("examples/transport/transport.rmod");
    assert_eq!(v["format"], "rmod-solution");
    assert_eq!(v["status"], "optimal");
    // Dantzig's transportation problem: 153.675 thousand dollars (GAMS model library).
    assert!((objective(&v) - 153.675).abs() < 1e-6, "{v}");
}

#[test]
fn production_matches_brute_force() {
    // Independent enumeration of every integer plan (setup is forced by the batch count).
    let profit = [30.0, 45.0, 22.0];
    let setup = [60.0, 90.0, 25.0];
    let hours = [3, 5, 2];
    let max = [10, 8, 12];
    let mut best = f64::NEG_INFINITY;
    for a in 0..=max[0] {
        for b in 0..=max[1] {
            for c in 0..=max[2] {
                let n = [a, b, c];
                if n.contains(&1) {
                    continue; // a set-up needs at least 2 batches; 1 batch is infeasible either way
                }
                if (0..3).map(|i| hours[i] * n[i]).sum::<i32>() > 40 {
                    continue;
                }
                let v: f64 = (0..3)
                    .map(|i| profit[i] * n[i] as f64 - if n[i] > 0 { setup[i] } else { 0.0 })
                    .sum();
                best = best.max(v);
            }
        }
    }
    let v = solve_json("examples/production/production.rmod");
    assert!(
        (objective(&v) - best).abs() < 1e-6,
        "rmod {} vs brute force {best}",
        objective(&v)
    );
    let b = &v["variables"]["batches"];
    for p in ["A", "B", "C"] {
        let x = b[p].as_f64().expect("value");
        assert_eq!(x, x.round(), "batches are integer");
    }
}

#[test]
fn facility_matches_brute_force_over_open_sets() {
    let fixed: HashMap<String, f64> = read_csv("examples/facility/data/sites.csv")
        .into_iter()
        .map(|r| (r[0].clone(), r[1].parse().expect("num")))
        .collect();
    let demand: Vec<(String, f64)> = read_csv("examples/facility/data/customers.csv")
        .into_iter()
        .map(|r| (r[0].clone(), r[1].parse().expect("num")))
        .collect();
    let cost: HashMap<(String, String), f64> = read_csv("examples/facility/data/costs.csv")
        .into_iter()
        .map(|r| ((r[0].clone(), r[1].clone()), r[2].parse().expect("num")))
        .collect();
    let sites: Vec<&String> = {
        let mut s: Vec<&String> = fixed.keys().collect();
        s.sort();
        s
    };
    let mut best = f64::INFINITY;
    for mask in 1u32..(1 << sites.len()) {
        let open: Vec<&String> = sites
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, s)| *s)
            .collect();
        let mut total: f64 = open.iter().map(|s| fixed[*s]).sum();
        for (c, d) in &demand {
            let cheapest = open
                .iter()
                .map(|s| cost[&((*s).clone(), c.clone())])
                .fold(f64::INFINITY, f64::min);
            total += cheapest * d;
        }
        best = best.min(total);
    }
    let v = solve_json("examples/facility/facility.rmod");
    assert!(
        (objective(&v) - best).abs() < 1e-6,
        "rmod {} vs brute force {best}",
        objective(&v)
    );
}

#[test]
fn table_report_shows_status_objective_and_values() {
    let o = rmod(&["solve", "examples/transport/transport.rmod"]);
    let out = stdout(&o);
    assert!(
        out.starts_with("status     optimal\nobjective  total_cost = 153.675"),
        "{out}"
    );
    assert!(out.contains("ship      seattle,chicago"), "{out}");
}

#[test]
fn plant_solves_and_every_network_is_verified() {
    let v = solve_json("examples/plant/plant.rmod");
    assert_eq!(v["status"], "optimal");
    let nets = v["networks"].as_array().expect("networks");
    assert_eq!(nets.len(), 2);
    for n in nets {
        assert!(n["mismatch_rel"].as_f64().expect("mismatch") <= 1e-6, "{n}");
    }
    assert_eq!(v["network_uses"].as_array().expect("uses").len(), 3);
    let polish = &v["polish"];
    assert!(polish["max_violation"].as_f64().expect("violation") <= 1e-6);
    let exact = polish["objective"].as_f64().expect("objective");
    assert!((exact - objective(&v)).abs() <= 1e-6 * (1.0 + exact.abs()));
}

#[test]
fn constant_positional_input_matches_the_forward_pass() {
    let v = solve_json("tests/models/curve.rmod");
    let f = v["variables"]["f"].as_f64().expect("f");
    let text =
        std::fs::read_to_string(crate::util::root().join("examples/plant/nets/reactor.json"))
            .expect("net");
    let net = rmod_relu::parse(rmod_diagnostics::FileId(0), "r", &text)
        .0
        .expect("valid");
    let y = net.forward(&[f, 550.0])[0];
    assert!(
        (objective(&v) - y).abs() <= 1e-6 * (1.0 + y.abs()),
        "{} vs {y}",
        objective(&v)
    );
    // no grid point does better
    let best = (0..=600)
        .map(|i| net.forward(&[i as f64 / 10.0, 550.0])[0])
        .fold(f64::NEG_INFINITY, f64::max);
    assert!(objective(&v) >= best - 1e-6 * (1.0 + best.abs()));
}

/// Every shipped example solves to the same optimum with CBC and with HiGHS.
#[cfg(feature = "highs")]
#[test]
fn examples_agree_across_backends() {
    let mut models: Vec<String> = std::fs::read_dir(crate::util::root().join("examples"))
        .expect("examples")
        .filter_map(|e| e.ok())
        .flat_map(|dir| std::fs::read_dir(dir.path()).into_iter().flatten())
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rmod"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    models.sort();
    assert!(models.len() >= 4, "{models:?}");
    for m in &models {
        let run = |solver: &str| {
            let o = rmod(&[
                "solve",
                m,
                "--format",
                "json",
                "--option",
                &format!("solver={solver}"),
            ]);
            assert_eq!(
                code(&o),
                0,
                "{m} {solver}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
            assert_eq!(v["status"], "optimal", "{m} {solver}: {v}");
            objective(&v)
        };
        let (cbc, highs) = (run("cbc"), run("highs"));
        assert!(
            (cbc - highs).abs() <= 1e-6 * cbc.abs().max(1.0),
            "{m}: CBC {cbc}, HiGHS {highs}"
        );
    }
}

/// The controller's safety check: the largest margin of advice a over b in the region is a
/// witness at threshold 0.3 (checked by a forward pass and against 20,000 samples), and at 0.5
/// the region is proven free of such inputs (every sample agrees).
#[test]
fn safety_check_finds_the_worst_witness_and_proves_the_property() {
    let v = solve_json("examples/safety/safety.rmod");
    assert_eq!(v["status"], "optimal", "{v}");
    let best = objective(&v);
    let bytes = std::fs::read(crate::util::root().join("examples/safety/nets/controller.onnx"))
        .expect("network");
    let net = rmod_onnx::read("controller.onnx", &bytes, None)
        .0
        .expect("reads")
        .net;
    let vars = &v["variables"];
    let x: Vec<f64> = ["x1", "x2", "x3", "x4", "x5"]
        .iter()
        .map(|k| vars[*k].as_f64().expect("input"))
        .collect();
    let y = net.forward(&x);
    assert!(y[0] - y[1] >= 0.3 - 1e-6, "witness margin {}", y[0] - y[1]);
    assert!(
        (y[0] - y[1] - best).abs() <= 1e-6,
        "{} vs {best}",
        y[0] - y[1]
    );
    let mut rng = 12345u64;
    let mut unit = || {
        rng = rng
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (rng >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut sampled = f64::NEG_INFINITY;
    for _ in 0..20_000 {
        let x = [
            0.5 + 0.4 * unit(),
            -0.2 + 0.4 * unit(),
            -0.2 + 0.4 * unit(),
            -0.2 + 0.4 * unit(),
            -0.2 + 0.4 * unit(),
        ];
        let y = net.forward(&x);
        sampled = sampled.max(y[0] - y[1]);
    }
    assert!(
        sampled <= best + 1e-6,
        "a sample {sampled} beats the optimum {best}"
    );
    assert!(sampled < 0.5, "a sample violates the property: {sampled}");
    let o = rmod(&[
        "solve",
        "examples/safety/safety.rmod",
        "-D",
        "threshold=0.5",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["status"], "infeasible", "{v}");
}

/// The chiller plant: six interchangeable chillers (the solve orders them) against a dynamic
/// program over the chillers on a 0.5 kW grid of loads within the network's box. Every grid
/// plan that meets the demand is feasible, so the optimum is at most that program's value. Any
/// plan moved to grid loads within the box (each by less than a step) costs at most a step
/// times the largest slope (on a 0.05 kW grid, with a tenth more) more per chiller and falls
/// short of the demand by less than a step per chiller, so the optimum is at least the
/// program's value over that shorter demand less those costs.
#[test]
fn chillers_match_a_dynamic_program_over_loads() {
    let v = solve_json("examples/chillers/chillers.rmod");
    assert_eq!(v["status"], "optimal", "{v}");
    assert_eq!(v["symmetry"]["units"], 6, "{v}");
    let text =
        std::fs::read_to_string(crate::util::root().join("examples/chillers/nets/chiller.json"))
            .expect("net");
    let net = rmod_relu::parse(rmod_diagnostics::FileId(0), "c", &text)
        .0
        .expect("valid");
    // one chiller: off (0 kW, no power) or on at 120 kW up to its box (power + 6 kW of pumps)
    let step = 0.5;
    let top = net.input_bounds.as_ref().expect("box")[0].1.min(500.0);
    let on: Vec<(usize, f64)> = (240..=(top / step).floor() as usize)
        .map(|i| (i, net.forward(&[i as f64 * step, 29.0])[0] + 6.0))
        .collect();
    let fine: Vec<f64> = (2400..=(top / 0.05).floor() as usize)
        .map(|i| net.forward(&[i as f64 * 0.05, 29.0])[0])
        .collect();
    let slope = 1.1
        * fine
            .windows(2)
            .map(|w| (w[1] - w[0]).abs() / 0.05)
            .fold(0.0, f64::max);
    let choices: Vec<(usize, f64)> = std::iter::once((0, 0.0)).chain(on).collect();
    // the least cost of six chillers with a total load of at least `need` steps
    let program = |need: usize| {
        let mut best = vec![f64::INFINITY; need + 1];
        best[0] = 0.0;
        for _ in 0..6 {
            let mut next = vec![f64::INFINITY; need + 1];
            for (d, b) in best.iter().enumerate().filter(|(_, b)| b.is_finite()) {
                for (q, cost) in &choices {
                    let to = (d + q).min(need);
                    next[to] = next[to].min(b + cost);
                }
            }
            best = next;
        }
        best[need]
    };
    let (upper, lower) = (program(3800), program(3794));
    let got = objective(&v);
    assert!(
        got <= upper + 1e-6,
        "rmod {got} above a grid plan's {upper}"
    );
    let slack = 6.0 * step * slope;
    assert!(
        got >= lower - slack - 1e-6,
        "rmod {got} below the grid's bound {lower} - {slack}"
    );
    // the plan meets the demand with the exact networks
    let loads: f64 = v["variables"]["load"]
        .as_object()
        .expect("loads")
        .values()
        .map(|x| x.as_f64().expect("load"))
        .sum();
    assert!(loads >= 1900.0 - 1e-6, "{loads}");
}
