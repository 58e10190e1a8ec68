//! `rmod sample` and `rmod train` end to end: data from a test function, a network trained on
//! it, and that network optimized by `rmod solve`, against the function's known minimum.

use crate::util::{code, rmod, stderr, stdout, tmp};

fn tmp_str(name: &str) -> String {
    tmp(name).display().to_string()
}

fn json(path: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("file")).expect("json")
}

fn sample(f: &str, bx: &str, n: usize, out: &str) {
    let o = rmod(&[
        "sample",
        f,
        "--box",
        bx,
        "--n",
        &n.to_string(),
        "--lhs",
        "--seed",
        "1",
        "-o",
        out,
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

fn train(data: &str, out: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "train",
        data,
        "--inputs",
        "x1,x2",
        "--outputs",
        "y",
        "-o",
        out,
    ];
    args.extend_from_slice(extra);
    let o = rmod(&args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("test rmse"), "{}", stdout(&o));
    json(out)
}

#[test]
fn peaks_network_is_accurate_and_its_minimum_is_found() {
    let data = tmp_str("peaks10k.csv");
    sample("peaks", "[-2,2]^2", 10_000, &data);
    let net = tmp_str("peaks_2x25.json");
    let doc = train(
        &data,
        &net,
        &[
            "--layers", "2x25", "--epochs", "200", "--lr", "3e-3", "--seed", "7",
        ],
    );
    let rmse = doc["training"]["test_rmse"][0].as_f64().expect("rmse");
    assert!(rmse < 0.1, "test RMSE {rmse}");
    // the recorded box is the data's range
    assert!(doc["input_bounds"][0][0].as_f64().expect("lo") >= -2.0);
    let model = tmp_str("peaks_min.rmod");
    std::fs::write(
        &model,
        "net p = relu_net(\"peaks_2x25.json\");\nvar x1 in [-2, 2];\nvar x2 in [-2, 2];\nvar f;\nsubject to s: f = p(x1, x2);\nminimize v: f;\noption mip_gap = 0;\n",
    )
    .expect("model");
    let o = rmod(&["solve", &model, "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let sol: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let v = sol["objective"]["value"].as_f64().expect("objective");
    assert!((v - -6.551).abs() < 0.1, "surrogate minimum {v}");
    // the argmin really is near peaks' minimum: evaluate the true function there
    let (a, b) = (
        sol["variables"]["x1"].as_f64().expect("x1"),
        sol["variables"]["x2"].as_f64().expect("x2"),
    );
    let truth = rmod_train::Function::Peaks.eval(&[a, b]);
    assert!(truth < -6.0, "peaks({a}, {b}) = {truth}");
}

#[test]
fn stronger_regularization_makes_more_neurons_stable() {
    let data = tmp_str("peaks2k.csv");
    sample("peaks", "[-2,2]^2", 2000, &data);
    let share = |extra: &[&str], name: &str| {
        let mut args = vec![
            "--layers", "2x25", "--epochs", "60", "--lr", "3e-3", "--seed", "3",
        ];
        args.extend_from_slice(extra);
        train(&data, &tmp_str(name), &args)["training"]["stable_share_ia"]
            .as_f64()
            .expect("share")
    };
    let plain = share(&[], "plain.json");
    let l1 = share(&["--l1", "3e-3"], "l1.json");
    let width = share(&["--bound-width", "0.05"], "bw.json");
    assert!(l1 > plain, "L1: {l1} vs {plain}");
    assert!(width > plain, "bound width: {width} vs {plain}");
}

#[test]
fn training_is_deterministic_for_a_seed() {
    let data = tmp_str("det.csv");
    sample("himmelblau", "[-5,5]x[-5,5]", 500, &data);
    let a = tmp_str("det_a.json");
    let b = tmp_str("det_b.json");
    for out in [&a, &b] {
        train(
            &data,
            out,
            &[
                "--layers",
                "8,8",
                "--epochs",
                "20",
                "--dropout",
                "0.1",
                "--activation",
                "clipped_relu:2",
            ],
        );
    }
    assert_eq!(std::fs::read(&a).expect("a"), std::fs::read(&b).expect("b"));
    let doc = json(&a);
    assert_eq!(doc["layers"][0]["activation"], "clipped_relu");
    assert_eq!(doc["training"]["dropout"], 0.1);
    assert_eq!(
        doc["training"]["data"]["sha256"].as_str().map(str::len),
        Some(64)
    );
    // the written file is a valid network for `rmod check`
    let model = tmp_str("det.rmod");
    std::fs::write(&model, "net n = relu_net(\"det_a.json\");\nvar a; var b; var y;\nsubject to c: y = n(a, b);\nminimize o: y;\n").expect("model");
    let o = rmod(&["check", &model, "--deny-warnings"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn bad_training_input_is_a_diagnostic() {
    let write = |name: &str, text: &str| {
        let p = tmp_str(name);
        std::fs::write(&p, text).expect("write");
        p
    };
    let many = |f: &dyn Fn(usize) -> String| (0..40).map(f).collect::<Vec<_>>().join("");
    let ok = write(
        "ok.csv",
        &format!(
            "x1,x2,y\n{}",
            many(&|i| format!("{i},{},{}\n", i * 2, i % 7))
        ),
    );
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![ok.clone(), "--inputs".into(), "x1,x3".into()],
            "rmod::data::csv_missing_column",
        ),
        (
            vec![
                write("nan.csv", "x1,x2,y\n1,2,NaN\n"),
                "--inputs".into(),
                "x1,x2".into(),
            ],
            "rmod::data::csv_bad_value",
        ),
        (
            vec![
                write("text.csv", "x1,x2,y\n1,two,3\n"),
                "--inputs".into(),
                "x1,x2".into(),
            ],
            "rmod::data::csv_bad_value",
        ),
        (
            vec![
                write(
                    "const.csv",
                    &format!("x1,x2,y\n{}", many(&|i| format!("{i},5,{}\n", i % 3))),
                ),
                "--inputs".into(),
                "x1,x2".into(),
            ],
            "rmod::train::constant_column",
        ),
        (
            vec![
                write("few.csv", "x1,x2,y\n1,2,3\n2,3,4\n"),
                "--inputs".into(),
                "x1,x2".into(),
            ],
            "rmod::train::too_few_rows",
        ),
        (
            vec![
                ok.clone(),
                "--inputs".into(),
                "x1,x2".into(),
                "--activation".into(),
                "clipped_relu:0".into(),
            ],
            "rmod::train::bad_option",
        ),
        (
            vec![
                ok.clone(),
                "--inputs".into(),
                "x1,x2".into(),
                "--layers".into(),
                "3xq".into(),
            ],
            "rmod::train::bad_option",
        ),
        (
            vec![
                ok.clone(),
                "--inputs".into(),
                "x1,x2".into(),
                "--dropout".into(),
                "1.5".into(),
            ],
            "rmod::train::bad_option",
        ),
        (
            vec![tmp_str("missing.csv"), "--inputs".into(), "x1,x2".into()],
            "rmod::data::file",
        ),
    ];
    for (args, expected) in cases {
        let out = tmp_str("bad.json");
        let mut all: Vec<&str> = vec!["train"];
        all.extend(args.iter().map(String::as_str));
        all.extend(["--outputs", "y", "-o", &out]);
        let o = rmod(&all);
        assert_eq!(code(&o), 1, "{all:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(expected), "{all:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    }
    // a bad cell points at its row and column in the file
    let o = rmod(&[
        "train",
        &tmp_str("text.csv"),
        "--inputs",
        "x1,x2",
        "--outputs",
        "y",
        "-o",
        &tmp_str("bad.json"),
    ]);
    assert!(
        stderr(&o).contains("field 2 (`x2`) of line 2"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("text.csv:2:"), "{}", stderr(&o));
}

#[test]
fn bad_sample_input_is_a_diagnostic() {
    for (args, expected) in [
        (
            vec!["sample", "peak", "--box", "[-2,2]^2"],
            "did you mean `peaks`?",
        ),
        (
            vec!["sample", "peaks", "--box", "[2,-2]^2"],
            "rmod::sample::bad_box",
        ),
        (
            vec!["sample", "peaks", "--box", "[-2,2]^3"],
            "peaks takes 2 input(s)",
        ),
        (
            vec!["sample", "himmelblau", "--at", "1,2,3"],
            "himmelblau takes 2 input(s); --at gives 3",
        ),
        (
            vec!["sample", "ackley", "--box", "[-2,2]x[a,1]"],
            "rmod::sample::bad_box",
        ),
    ] {
        let o = rmod(&args);
        assert_eq!(code(&o), 1, "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(expected), "{args:?}: {}", stderr(&o));
    }
    let o = rmod(&[
        "sample",
        "styblinski-tang",
        "--box",
        "[-5,5]^10",
        "--n",
        "3",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.starts_with("x1,x2,x3,x4,x5,x6,x7,x8,x9,x10,y\n"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 4);
}

#[test]
fn the_study_runs_end_to_end_in_quick_mode() {
    let out = tmp_str("study");
    let bin = crate::util::rmod_bin().display().to_string();
    let o = std::process::Command::new("python3")
        .current_dir(crate::util::root())
        .args([
            "examples/study/study.py",
            "--quick",
            "--rmod",
            &bin,
            "--out",
            &out,
        ])
        .output()
        .expect("python3");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = crate::util::read_csv_abs(&format!("{out}/results.csv"));
    let header = std::fs::read_to_string(format!("{out}/results.csv")).expect("csv");
    let col = |name: &str| {
        header
            .lines()
            .next()
            .unwrap_or("")
            .split(',')
            .position(|h| h == name)
            .expect(name)
    };
    // 3 functions x 3 trainings x 4 solves (IA, LP, LP scaled, LP split)
    assert_eq!(rows.len(), 36);
    assert_eq!(rows.iter().filter(|r| r[col("split")] == "on").count(), 9);
    for r in &rows {
        let min: f64 = r[col("surrogate_min")].parse().expect("surrogate_min");
        let truth: f64 = r[col("true_f_at_argmin")]
            .parse()
            .expect("true_f_at_argmin");
        assert!(min.is_finite() && truth.is_finite(), "{r:?}");
        if let Ok(m) = r[col("mismatch_rel")].parse::<f64>() {
            assert!(m <= 1e-6, "mismatch {m}: {r:?}");
        }
    }
}

#[test]
fn box_sets_the_input_bounds_and_records_the_data_box() {
    let data = tmp_str("box_data.csv");
    sample("himmelblau", "[-4,4]x[-3,3]", 300, &data);
    // the data's own box, read independently of rmod
    let rows = crate::util::read_csv_abs(&data);
    let range = |k: usize| {
        rows.iter()
            .map(|r| r[k].parse::<f64>().expect("number"))
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            })
    };
    let quick = ["--layers", "1x8", "--epochs", "5"];
    let net = tmp_str("box_net.json");
    let mut args = vec!["--box", "[-5,5]x[-3.5,3.5]"];
    args.extend_from_slice(&quick);
    let doc = train(&data, &net, &args);
    assert_eq!(
        doc["input_bounds"],
        serde_json::json!([[-5.0, 5.0], [-3.5, 3.5]])
    );
    for k in 0..2 {
        let (lo, hi) = range(k);
        assert_eq!(doc["training"]["data_box"][k][0].as_f64(), Some(lo));
        assert_eq!(doc["training"]["data_box"][k][1].as_f64(), Some(hi));
    }
    // without --box the network's box is the data's
    let plain = train(&data, &tmp_str("box_plain.json"), &quick);
    assert_eq!(plain["input_bounds"], plain["training"]["data_box"]);

    let run = |bx: &str| {
        let mut a = vec![
            "train",
            &data,
            "--inputs",
            "x1,x2",
            "--outputs",
            "y",
            "-o",
            &net,
            "--box",
            bx,
        ];
        a.extend_from_slice(&quick);
        rmod(&a)
    };
    // within a quarter of the data's range beyond it: no warning
    let o = run("[-5,5]x[-3.5,3.5]");
    assert!(!stderr(&o).contains("extrapolation"), "{}", stderr(&o));
    // x1 up to 20 with data to about 4: extrapolation, still written
    let o = run("[-4,20]x[-3,3]");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("rmod::train::extrapolation"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("`x1` up to 20"), "{}", stderr(&o));
    // bad boxes: one interval for two inputs, lo >= hi, not finite
    for bx in ["[-5,5]", "[5,-5]^2", "[0,1e999]^2", "[0,1]x[2,2]"] {
        let o = run(bx);
        assert_eq!(code(&o), 1, "{bx}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("rmod::train::bad_box"),
            "{bx}: {}",
            stderr(&o)
        );
    }
}
