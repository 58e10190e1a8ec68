//! Switched constraints and network uses (`... if on[f];`), solved through the `rmod` binary and
//! checked against brute force over the binaries with a grid or bisection on the rest.

use crate::util::{code, rmod, stderr, stdout};

fn solve(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["solve"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let o = rmod(&all);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("json")
}

fn var(v: &serde_json::Value, name: &str, key: &str) -> f64 {
    v["variables"][name][key].as_f64().unwrap_or(0.0)
}

/// `tests/models/nets/heat.json` in closed form.
fn heat(x: f64) -> f64 {
    2.0 * (x - 4.0).max(0.0) - 0.5 * (6.0 - x).max(0.0) + 3.0
}

/// The least fuel in [2, 10] with heat(fuel) >= h (heat is increasing), if any.
fn least_fuel(h: f64) -> Option<f64> {
    if heat(10.0) < h {
        return None;
    }
    if heat(2.0) >= h {
        return Some(2.0);
    }
    let (mut lo, mut hi) = (2.0, 10.0);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if heat(mid) >= h {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(hi)
}

/// Brute force of `tests/models/furnaces.rmod`: every on/off pair; with both on, a grid on
/// furnace A's fuel and the least fuel of B for the rest of the demand.
fn furnaces_optimum(demand: f64) -> f64 {
    let (cost, fixed) = ([1.0, 1.5], [4.0, 3.0]);
    let mut best = f64::INFINITY;
    if demand <= 0.0 {
        best = 0.0;
    }
    for k in 0..2 {
        if let Some(x) = least_fuel(demand) {
            best = best.min(cost[k] * x + fixed[k]);
        }
    }
    for i in 0..=20_000 {
        let xa = 2.0 + 8.0 * i as f64 / 20_000.0;
        if let Some(xb) = least_fuel(demand - heat(xa)) {
            best = best.min(xa + 1.5 * xb + 7.0);
        }
    }
    best
}

#[test]
fn switched_furnaces_match_brute_force_over_the_binaries() {
    for demand in [5.0, 12.0, 20.0, 28.0] {
        let d = format!("demand={demand}");
        let v = solve(&["tests/models/furnaces.rmod", "-D", &d]);
        assert_eq!(v["status"], "optimal", "{v}");
        let got = v["objective"]["value"].as_f64().expect("objective");
        let want = furnaces_optimum(demand);
        assert!(
            (got - want).abs() <= 1e-3 * (1.0 + want.abs()),
            "demand {demand}: rmod {got}, brute force {want}"
        );
        // the reported point: an idle furnace has no fuel and no heat, a running one its
        // network's heat
        for f in ["A", "B"] {
            let (on, fuel, h) = (var(&v, "on", f), var(&v, "fuel", f), var(&v, "heat", f));
            if on < 0.5 {
                assert!(
                    fuel.abs() < 1e-9 && h.abs() < 1e-9,
                    "demand {demand} {f}: {v}"
                );
            } else {
                assert!((h - heat(fuel)).abs() <= 1e-6, "demand {demand} {f}: {v}");
            }
        }
    }
    // demand 12: one furnace (A) is enough, which the unswitched use could not express
    let v = solve(&["tests/models/furnaces.rmod", "-D", "demand=12"]);
    assert!(var(&v, "on", "B") < 0.5, "{v}");
}

#[test]
fn a_switch_that_is_data_keeps_or_drops_the_constraint() {
    let dir = crate::util::tmp("switch_data");
    std::fs::create_dir_all(&dir).expect("dir");
    let m = dir.join("m.rmod");
    // x >= 5 holds when s = 1 and is dropped when s = 0; `1 - on` switches on the complement
    std::fs::write(
        &m,
        "param s = 1;\nvar x in [0, 10];\nvar on binary;\nvar y in [0, 4];\n\
         subject to c: x >= 5 if s;\nsubject to d: y >= 3 if 1 - on;\n\
         minimize o: x + y + 2 * on;\n",
    )
    .expect("write");
    let path = m.to_string_lossy().into_owned();
    // s = 1: x = 5; y >= 3 unless on (cost 2 < 3): on = 1, y = 0
    let v = solve(&[&path]);
    assert!(
        (v["objective"]["value"].as_f64().expect("obj") - 7.0).abs() < 1e-9,
        "{v}"
    );
    assert_eq!(v["variables"]["on"].as_f64(), Some(1.0), "{v}");
    let v = solve(&[&path, "-D", "s=0"]);
    assert!(
        (v["objective"]["value"].as_f64().expect("obj") - 2.0).abs() < 1e-9,
        "{v}"
    );
}

/// `examples/plant` with feed for one reactor only: the switched reactor use idles R1 with no
/// conversion (the unswitched form credited the idle reactor with the network's output at feed
/// 0, 1.02 t/h). Checked against brute force over the on/off pairs with a grid on the running
/// reactor's feed, temperature and the column's reflux, by forward passes of both networks.
#[test]
fn plant_with_one_reactor_matches_brute_force() {
    let v = solve(&["examples/plant/plant.rmod", "-D", "feed_avail=20"]);
    assert_eq!(v["status"], "optimal", "{v}");
    let got = v["objective"]["value"].as_f64().expect("objective");
    let load = |name: &str| {
        let text = std::fs::read_to_string(crate::util::root().join(name)).expect("net");
        rmod_relu::parse(rmod_diagnostics::FileId(0), name, &text)
            .0
            .expect("valid")
    };
    let reactor = load("examples/plant/nets/reactor.json");
    let column = load("examples/plant/nets/column.json");
    let (light_usd, heavy_usd, feed_usd, steam_usd) = (910.0, 640.0, 420.0, 38.0);
    let (cap, min_load, fixed): ([f64; 2], [f64; 2], [f64; 2]) =
        ([50.0, 45.0], [15.0, 12.0], [1200.0, 900.0]);
    // both on needs 15 + 12 > 20 t/h; none earns nothing (0); one reactor r at feed in
    // [min_load, 20]
    let mut best: f64 = 0.0;
    let n = 40;
    for r in 0..2 {
        let top = cap[r].min(20.0);
        for i in 0..=n {
            let feed = min_load[r] + (top - min_load[r]) * i as f64 / n as f64;
            for j in 0..=n {
                let t = 560.0 + 80.0 * j as f64 / n as f64;
                let conv = reactor.forward(&[feed, t])[0];
                if !(0.0..=60.0).contains(&conv) {
                    continue;
                }
                for k in 0..=n {
                    let reflux = 1.2 + 2.3 * k as f64 / n as f64;
                    let out = column.forward(&[conv, reflux]);
                    let (light, duty) = (out[0], out[1]);
                    let heavy = conv - light;
                    if light < 0.0 || heavy < 0.0 || duty < 0.0 {
                        continue;
                    }
                    let profit = light_usd * light + heavy_usd * heavy
                        - feed_usd * feed
                        - steam_usd * duty
                        - fixed[r];
                    best = best.max(profit);
                }
            }
        }
    }
    // the grid is inside the feasible set: rmod is at least as good, and close
    assert!(got >= best - 1e-6 * best.abs(), "rmod {got} < grid {best}");
    assert!(
        got <= best + 0.01 * best.abs(),
        "rmod {got} far above grid {best}"
    );
    // the idle reactor converts nothing
    assert!(
        var(&v, "on", "R1") < 0.5 && var(&v, "conv", "R1").abs() < 1e-9,
        "{v}"
    );
}
