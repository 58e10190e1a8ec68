//! `relu_net(..., domain = "data")` end to end: a network whose file records a training data box
//! narrower than its `input_bounds`; the optimum with the trust region equals brute force over the
//! data box, differs from the one over the whole box, and the report says which input sits on
//! the data's boundary.

use crate::util::{code, rmod, stderr, stdout, tmp};

/// The network of `tests/cases/nets/trust.json`, computed here independently:
/// `relu(x1 - 60) + 0.5 relu(x1 + x2 - 100) + 2 relu(x2 - 30)`.
fn f(x1: f64, x2: f64) -> f64 {
    let r = |v: f64| v.max(0.0);
    r(x1 - 60.0) + 0.5 * r(x1 + x2 - 100.0) + 2.0 * r(x2 - 30.0)
}

/// The model's optimum over a box: every breakpoint and every vertex of the regions cut by the
/// budget row lies on the grid of step 0.5, where a piecewise linear maximum is attained.
fn brute_force(x1: (f64, f64), x2: (f64, f64)) -> (f64, f64, f64) {
    let mut best = (f64::NEG_INFINITY, 0.0, 0.0);
    let steps =
        |(lo, hi): (f64, f64)| (0..=((hi - lo) * 2.0) as usize).map(move |i| lo + i as f64 / 2.0);
    for a in steps(x1) {
        for b in steps(x2) {
            if a + 2.0 * b <= 150.0 {
                let v = f(a, b) - 0.1 * a;
                if v > best.0 {
                    best = (v, a, b);
                }
            }
        }
    }
    best
}

fn model(domain: &str) -> String {
    let dir = tmp("domain");
    std::fs::create_dir_all(&dir).expect("dir");
    let net = crate::util::root().join("tests/cases/nets/trust.json");
    std::fs::copy(&net, dir.join("trust.json")).expect("copy");
    let path = dir.join(format!(
        "trust_{}.rmod",
        domain.replace(['"', ' ', '=', ','], "")
    ));
    std::fs::write(
        &path,
        format!("net f = relu_net(\"trust.json\"{domain});\nvar x1 in [0, 200];\nvar x2 in [0, 50];\nvar y;\nsubject to link: y = f(x1, x2);\nsubject to budget: x1 + 2 * x2 <= 150;\nmaximize profit: y - 0.1 * x1;\n"),
    )
    .expect("model");
    path.display().to_string()
}

fn solve_json(path: &str) -> serde_json::Value {
    let o = rmod(&["solve", path, "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("json")
}

#[test]
fn data_domain_is_the_optimum_over_the_data_box() {
    // the file's data box: x1 in [0, 100], x2 in [10, 40]; its input_bounds [0, 200] x [0, 50]
    let (want_data, a, _) = brute_force((0.0, 100.0), (10.0, 40.0));
    let (want_full, _, _) = brute_force((0.0, 200.0), (0.0, 50.0));
    assert!(
        want_full > want_data + 1.0,
        "the test needs the two optima to differ"
    );
    assert_eq!(a, 100.0, "the data optimum has x1 at the data's upper end");

    let data = solve_json(&model(", domain = \"data\""));
    let got = data["objective"]["value"].as_f64().expect("objective");
    assert!(
        (got - want_data).abs() <= 1e-6 * want_data.abs().max(1.0),
        "{got} vs {want_data}"
    );
    let x2 = data["variables"]["x2"].as_f64().expect("x2");
    assert!((10.0..=40.0).contains(&x2), "x2 = {x2} outside the data");
    assert_eq!(
        data["data_boundary"],
        serde_json::json!([{"use": "link", "input": "x1", "argument": "x1", "side": "upper", "bound": 100.0}])
    );

    // the default domain (`box`, the file's input_bounds) reaches the whole box's optimum
    for domain in ["", ", domain = \"box\""] {
        let full = solve_json(&model(domain));
        let got = full["objective"]["value"].as_f64().expect("objective");
        assert!(
            (got - want_full).abs() <= 1e-6 * want_full.abs(),
            "{got} vs {want_full}"
        );
        assert!(full.get("data_boundary").is_none());
    }

    // the table and the warning
    let o = rmod(&["solve", &model(", domain = \"data\"")]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains(
            "boundary   x1 (input `x1` of link) at the upper end of the training data (100)"
        ),
        "{}",
        stdout(&o)
    );
    assert!(
        stderr(&o).contains("rmod::relu::at_data_boundary"),
        "{}",
        stderr(&o)
    );
    assert!(
        !stderr(&o).contains("rmod::relu::box_narrows"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_trained_network_records_its_data_box_for_the_domain() {
    // rmod train on data in x in [0, 10] with --box [0, 40]: `domain = "data"` keeps x in [0, 10]
    let dir = tmp("domain-train");
    std::fs::create_dir_all(&dir).expect("dir");
    let mut text = String::from("x,y\n");
    for i in 0..=100 {
        let x = i as f64 / 10.0;
        text.push_str(&format!("{x},{}\n", 3.0 * x + 1.0));
    }
    std::fs::write(dir.join("lin.csv"), text).expect("data");
    let net = dir.join("lin.json").display().to_string();
    let o = rmod(&[
        "train",
        &dir.join("lin.csv").display().to_string(),
        "--inputs",
        "x",
        "--outputs",
        "y",
        "--layers",
        "1x4",
        "--epochs",
        "20",
        "--box",
        "[0,40]",
        "-o",
        &net,
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("rmod::train::extrapolation"),
        "{}",
        stderr(&o)
    );
    let m = dir.join("lin.rmod");
    let write = |domain: &str| {
        std::fs::write(
            &m,
            format!("net n = relu_net(\"lin.json\"{domain});\nvar x in [0, 40];\nvar y;\nsubject to c: y = n(x);\nmaximize o: x;\n"),
        )
        .expect("model")
    };
    write(", domain = \"data\"");
    let doc = solve_json(&m.display().to_string());
    assert_eq!(doc["variables"]["x"].as_f64(), Some(10.0));
    assert_eq!(doc["data_boundary"][0]["side"], "upper");
    write("");
    let doc = solve_json(&m.display().to_string());
    assert_eq!(doc["variables"]["x"].as_f64(), Some(40.0));
}

#[test]
fn a_file_without_a_data_box_is_an_error() {
    let dir = tmp("domain-none");
    std::fs::create_dir_all(&dir).expect("dir");
    let net = crate::util::root().join("tests/cases/nets/no_data_box.json");
    std::fs::copy(&net, dir.join("n.json")).expect("copy");
    let m = dir.join("n.rmod");
    std::fs::write(&m, "net f = relu_net(\"n.json\", domain = \"data\");\nvar a in [0, 1];\nvar b in [0, 1];\nvar y;\nsubject to c: y = f(a, b);\nmaximize o: y;\n").expect("model");
    let o = rmod(&["check", &m.display().to_string()]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("rmod::relu::no_data_box"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("retrain"), "{}", stderr(&o));
}
