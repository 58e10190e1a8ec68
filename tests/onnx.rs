//! ONNX networks as PyTorch, Keras, scikit-learn and a hand-built graph export them
//! (`tests/onnx/`, made by `tools/onnx_export.py`): rmod's forward pass against onnxruntime's
//! outputs, the same optimum as the JSON conversion (and a grid), exact import/export round
//! trips, sidecar bounds, renamed inputs, and the CLI.

use std::path::Path;

use serde_json::Value;

use crate::util::{code, rmod, root, stderr, stdout, tmp};

fn read(path: &Path) -> rmod_onnx::Imported {
    let bytes = std::fs::read(path).expect("onnx file");
    let name = path.display().to_string();
    let (imp, diags) = rmod_onnx::read(&name, &bytes, None);
    assert!(!rmod_diagnostics::has_errors(&diags), "{name}: {diags:?}");
    imp.unwrap_or_else(|| panic!("{name} did not import"))
}

fn supported() -> Vec<(String, std::path::PathBuf)> {
    let mut out: Vec<_> = std::fs::read_dir(root().join("tests/onnx"))
        .expect("tests/onnx")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "onnx"))
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("unsupported"))
        })
        .map(|p| {
            (
                p.file_stem().expect("stem").to_string_lossy().into_owned(),
                p,
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_exported_network_matches_onnxruntime_at_its_sample_points() {
    let files = supported();
    assert!(files.len() >= 12, "{files:?}");
    for (stem, path) in files {
        let imp = read(&path);
        let samples: Value = serde_json::from_str(
            &std::fs::read_to_string(path.with_file_name(format!("{stem}.samples.json")))
                .expect("samples"),
        )
        .expect("json");
        let xs = samples["inputs"].as_array().expect("inputs");
        let ys = samples["outputs"].as_array().expect("outputs");
        assert_eq!(xs.len(), 20, "{stem}");
        // onnxruntime computes float16 networks in float16 (11-bit significands)
        let tol = if stem.contains("float16") { 2e-3 } else { 1e-5 };
        let mut worst = 0.0f64;
        for (x, y) in xs.iter().zip(ys) {
            let x: Vec<f64> = x
                .as_array()
                .expect("row")
                .iter()
                .map(|v| v.as_f64().expect("num"))
                .collect();
            let y: Vec<f64> = y
                .as_array()
                .expect("row")
                .iter()
                .map(|v| v.as_f64().expect("num"))
                .collect();
            let got = imp.net.forward(&x);
            assert_eq!(got.len(), y.len(), "{stem}");
            for (g, w) in got.iter().zip(&y) {
                let rel = (g - w).abs() / w.abs().max(1.0);
                worst = worst.max(rel);
                assert!(
                    rel <= tol,
                    "{stem} at {x:?}: rmod {g}, onnxruntime {w} (relative {rel:.2e})"
                );
            }
        }
        eprintln!("{stem}: largest relative difference to onnxruntime {worst:.1e}");
    }
}

#[test]
fn import_then_export_then_import_is_exact() {
    for (stem, path) in supported() {
        let a = read(&path).net;
        let bytes = rmod_onnx::write(&a);
        let (b, diags) = rmod_onnx::read("back.onnx", &bytes, None);
        assert!(diags.is_empty(), "{stem}: {diags:?}");
        assert_eq!(b.expect("reads back").net, a, "{stem}");
        // and through the JSON text
        let text = a.to_json(None);
        let (c, diags) = rmod_relu::parse(rmod_diagnostics::FileId(0), "n.json", &text);
        assert!(diags.is_empty(), "{stem}: {diags:?}");
        assert_eq!(c.expect("parses"), a, "{stem}");
    }
}

#[test]
fn the_cli_imports_exports_and_reimports_exactly() {
    let src = "tests/onnx/torch_dropout_bn_op11.onnx";
    let j1 = tmp("bn.json");
    let o = tmp("bn.onnx");
    let j2 = tmp("bn2.json");
    for args in [
        vec!["net", "import", src, "-o", j1.to_str().expect("utf-8")],
        vec![
            "net",
            "export",
            j1.to_str().expect("utf-8"),
            "-o",
            o.to_str().expect("utf-8"),
        ],
        vec![
            "net",
            "import",
            o.to_str().expect("utf-8"),
            "-o",
            j2.to_str().expect("utf-8"),
        ],
    ] {
        let out = rmod(&args);
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
    }
    let net = |p: &Path| {
        let text = std::fs::read_to_string(p).expect("json");
        let (n, d) = rmod_relu::parse(rmod_diagnostics::FileId(0), "n.json", &text);
        assert!(d.is_empty(), "{d:?}");
        n.expect("net")
    };
    assert_eq!(net(&j1), net(&j2));
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&j1).expect("json")).expect("json");
    assert_eq!(doc["training"]["source"], "ONNX");
    let info = rmod(&["net", "info", src]);
    assert_eq!(code(&info), 0);
    let text = stdout(&info);
    assert!(
        text.contains("format     ONNX, IR version 6, opset 11"),
        "{text}"
    );
    assert!(
        text.contains("nodes      Gemm BatchNormalization Relu Gemm"),
        "{text}"
    );
    assert!(text.contains("(BatchNormalization) folded"), "{text}");
    // the file type is decided by content: an ONNX file named .json
    let disguised = tmp("really_onnx.json");
    std::fs::copy(root().join(src), &disguised).expect("copy");
    let info = rmod(&[
        "net",
        "eval",
        disguised.to_str().expect("utf-8"),
        "--at",
        "0,0,0,0",
    ]);
    assert_eq!(code(&info), 0, "{}", stderr(&info));
}

#[test]
fn broken_and_unsupported_files_fail_with_coded_errors() {
    let out = rmod(&["net", "info", "tests/cases/nets/truncated.onnx"]);
    assert_ne!(code(&out), 0);
    assert!(
        stderr(&out).contains("rmod::onnx::malformed"),
        "{}",
        stderr(&out)
    );
    let out = rmod(&["net", "info", "tests/onnx/unsupported_sigmoid_tanh.onnx"]);
    assert_ne!(code(&out), 0);
    let err = stderr(&out);
    assert!(err.contains("rmod::onnx::unsupported"), "{err}");
    assert!(err.contains("(Sigmoid)") && err.contains("(Tanh)"), "{err}");
    let out = rmod(&["net", "info", "tests/onnx/unsupported_conv.onnx"]);
    assert!(stderr(&out).contains("(Conv)"), "{}", stderr(&out));
    let out = rmod(&["net", "info", "tests/onnx/unsupported_two_inputs.onnx"]);
    assert!(
        stderr(&out).contains("2 inputs that are not initializers"),
        "{}",
        stderr(&out)
    );
}

fn solve_json(model: &Path) -> Value {
    let out = rmod(&["solve", model.to_str().expect("utf-8"), "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("json report")
}

#[test]
fn an_onnx_network_solves_to_the_optimum_of_its_json_conversion_and_of_a_grid() {
    let dir = tmp("onnx-opt");
    std::fs::create_dir_all(&dir).expect("dir");
    let src = root().join("tests/onnx/torch_leaky_op13.onnx");
    std::fs::copy(&src, dir.join("leaky.onnx")).expect("copy");
    let out = rmod(&[
        "net",
        "import",
        src.to_str().expect("utf-8"),
        "-o",
        dir.join("leaky.json").to_str().expect("utf-8"),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let model = |file: &str| {
        format!(
            "net f = relu_net(\"{file}\");\nvar a in [-2, 2];\nvar b in [-1.5, 2];\nvar y;\nsubject to use: y = f(a, b);\nsubject to cut: a + b <= 1;\nmaximize obj: y;\n"
        )
    };
    std::fs::write(dir.join("onnx.rmod"), model("leaky.onnx")).expect("write");
    std::fs::write(dir.join("json.rmod"), model("leaky.json")).expect("write");
    let r1 = solve_json(&dir.join("onnx.rmod"));
    let r2 = solve_json(&dir.join("json.rmod"));
    assert_eq!(r1["status"], "optimal", "{r1}");
    let (v1, v2) = (
        r1["objective"]["value"].as_f64().expect("obj"),
        r2["objective"]["value"].as_f64().expect("obj"),
    );
    assert!((v1 - v2).abs() <= 1e-7 * (1.0 + v1.abs()), "{v1} vs {v2}");
    // a grid of feasible points never beats the optimum, and comes close to it
    let net = read(&src).net;
    let mut best = f64::NEG_INFINITY;
    for i in 0..=400 {
        for j in 0..=350 {
            let (a, b) = (-2.0 + 0.01 * i as f64, -1.5 + 0.01 * j as f64);
            if a + b <= 1.0 + 1e-12 {
                best = best.max(net.forward(&[a, b])[0]);
            }
        }
    }
    assert!(best <= v1 + 1e-6, "grid {best} above the optimum {v1}");
    assert!(
        v1 - best < 0.05 * (1.0 + best.abs()),
        "grid {best} far below the optimum {v1}"
    );
}

#[test]
fn sidecar_bounds_metadata_names_and_renamed_inputs() {
    let dir = tmp("onnx-side");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::copy(
        root().join("tests/onnx/hand_doc_names.onnx"),
        dir.join("conv.onnx"),
    )
    .expect("copy");
    // OMLT's format: one entry per input, keys as index tuples with the batch axis
    std::fs::write(
        dir.join("conv.onnx.bounds.json"),
        r#"[{"key": [0, 0], "lower_bound": 0.5, "upper_bound": 1.5}, {"key": [0, 1], "lower_bound": -1, "upper_bound": 0.25}]"#,
    )
    .expect("write");
    // the variables are unbounded: the sidecar bounds the inputs; names come from the metadata
    let model = "net f = relu_net(\"conv.onnx\");\nvar u;\nvar v;\nvar y;\nsubject to use: y = f(T = v, feed = u);\nminimize obj: y;\n";
    std::fs::write(dir.join("side.rmod"), model).expect("write");
    let r = solve_json(&dir.join("side.rmod"));
    assert_eq!(r["status"], "optimal", "{r}");
    let u = r["variables"]["u"].as_f64().expect("u");
    let v = r["variables"]["v"].as_f64().expect("v");
    assert!(
        (0.5 - 1e-9..=1.5 + 1e-9).contains(&u) && (-1.0 - 1e-9..=0.25 + 1e-9).contains(&v),
        "{u} {v}"
    );
    let net = read(&root().join("tests/onnx/hand_doc_names.onnx")).net;
    let mut best = f64::INFINITY;
    for i in 0..=200 {
        for j in 0..=200 {
            best = best.min(net.forward(&[0.5 + 0.005 * i as f64, -1.0 + 0.00625 * j as f64])[0]);
        }
    }
    let obj = r["objective"]["value"].as_f64().expect("obj");
    assert!(
        obj <= best + 1e-6 && best - obj < 0.05,
        "{obj} vs grid {best}"
    );
    // renamed inputs: the model's names replace the file's
    let renamed = "net f = relu_net(\"conv.onnx\", inputs = [\"fuel\", \"air\"]);\nvar u;\nvar v;\nvar y;\nsubject to use: y = f(air = v, fuel = u);\nminimize obj: y;\n";
    std::fs::write(dir.join("renamed.rmod"), renamed).expect("write");
    let r2 = solve_json(&dir.join("renamed.rmod"));
    assert!((r2["objective"]["value"].as_f64().expect("obj") - obj).abs() < 1e-7);
    let wrong = renamed.replace("[\"fuel\", \"air\"]", "[\"fuel\"]");
    std::fs::write(dir.join("wrong.rmod"), wrong).expect("write");
    let out = rmod(&["check", dir.join("wrong.rmod").to_str().expect("utf-8")]);
    assert_ne!(code(&out), 0);
    assert!(
        stderr(&out).contains("`inputs` gives 1 name(s)"),
        "{}",
        stderr(&out)
    );
}
