//! The `rmod` command: exit codes, formats, flags.

use crate::util::{code, rmod, stderr, stdout, tmp};

#[test]
fn exit_codes_follow_the_readme() {
    assert_eq!(
        code(&rmod(&["check", "examples/transport/transport.rmod"])),
        0
    );
    assert_eq!(code(&rmod(&["check", "tests/cases/syntax_errors.rmod"])), 1);
    assert_eq!(code(&rmod(&["solve", "tests/cases/infeasible.rmod"])), 2);
    assert_eq!(code(&rmod(&["solve", "tests/cases/unbounded.rmod"])), 3);
    assert_eq!(code(&rmod(&["solve", "--nonsense", "x"])), 64);
    assert_eq!(code(&rmod(&["check", "no/such/model.rmod"])), 1);
    let lim = code(&rmod(&[
        "solve",
        "tests/cases/limit.rmod",
        "--option",
        "time_limit=0",
    ]));
    assert!(lim == 4 || lim == 5, "limit exit code {lim}");
}

#[test]
fn missing_model_file_is_a_diagnostic() {
    let o = rmod(&["check", "no/such/model.rmod"]);
    let err = stderr(&o);
    assert!(err.contains("rmod::data::file"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn json_diagnostics_are_machine_readable() {
    let o = rmod(&[
        "check",
        "--message-format",
        "json",
        "tests/cases/unknown_names.rmod",
    ]);
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_str(&stderr(&o)).expect("json on stderr");
    let list = v["diagnostics"].as_array().expect("list");
    assert_eq!(list.len(), 3);
    assert_eq!(list[0]["code"], "rmod::resolve::unknown_name");
    assert_eq!(list[0]["labels"][0]["line"], 4);
    assert_eq!(list[0]["labels"][0]["column"], 30);
    assert_eq!(list[0]["help"], "did you mean `feed`?");
}

#[test]
fn deny_warnings_fails_on_warnings() {
    assert_eq!(code(&rmod(&["check", "tests/cases/unused.rmod"])), 0);
    assert_eq!(
        code(&rmod(&[
            "check",
            "--deny-warnings",
            "tests/cases/unused.rmod"
        ])),
        1
    );
}

#[test]
fn csv_output_and_output_file() {
    let path = tmp("out.csv");
    let o = rmod(&[
        "solve",
        "examples/transport/transport.rmod",
        "--format",
        "csv",
        "-o",
        path.to_str().expect("utf8"),
    ]);
    assert_eq!(code(&o), 0);
    let text = std::fs::read_to_string(&path).expect("csv");
    assert!(
        text.starts_with("variable,index,value\nship,\"seattle,new-york\",50\n"),
        "{text}"
    );
}

#[test]
fn defines_and_options_override_the_file() {
    // with capacity 10 hours only 5 batches of C (net 85) beat any other plan
    let o = rmod(&[
        "solve",
        "examples/production/production.rmod",
        "-D",
        "capacity=10",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["objective"]["value"].as_f64(), Some(85.0));
    let bad = rmod(&[
        "solve",
        "examples/production/production.rmod",
        "--option",
        "time_limt=3",
    ]);
    assert_eq!(code(&bad), 1);
    assert!(stderr(&bad).contains("did you mean `time_limit`?"));
    let bad = rmod(&[
        "solve",
        "examples/production/production.rmod",
        "-D",
        "capacity=lots",
    ]);
    assert_eq!(code(&bad), 1);
    assert!(stderr(&bad).contains("rmod::resolve::bad_override_value"));
    let bad = rmod(&[
        "solve",
        "examples/production/production.rmod",
        "-D",
        "capacity",
    ]);
    assert_eq!(code(&bad), 1);
}

#[test]
fn expand_prints_generated_rows() {
    let o = rmod(&[
        "expand",
        "examples/production/production.rmod",
        "minimum_run",
    ]);
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), "minimum_run[\"A\"]: batches[\"A\"] - 2 setup[\"A\"] >= 0\nminimum_run[\"B\"]: batches[\"B\"] - 2 setup[\"B\"] >= 0\nminimum_run[\"C\"]: batches[\"C\"] - 2 setup[\"C\"] >= 0\n");
    let o = rmod(&[
        "expand",
        "examples/production/production.rmod",
        "minimum_rn",
    ]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("did you mean `minimum_run`?"));
}

#[test]
fn explain_every_code() {
    let o = rmod(&["explain"]);
    assert_eq!(code(&o), 0);
    for c in stdout(&o).lines() {
        let e = rmod(&["explain", c]);
        assert_eq!(code(&e), 0, "{c}");
        assert!(stdout(&e).contains("example:"), "{c}");
    }
    assert_eq!(code(&rmod(&["explain", "rmod::resolve::unknown_nam"])), 64);
}

#[test]
fn json_solution_is_deterministic() {
    let a = stdout(&rmod(&[
        "solve",
        "examples/facility/facility.rmod",
        "--format",
        "json",
    ]));
    let b = stdout(&rmod(&[
        "solve",
        "examples/facility/facility.rmod",
        "--format",
        "json",
    ]));
    assert_eq!(a, b);
}

#[test]
fn expand_shows_the_rows_generated_for_a_network() {
    let o = rmod(&["expand", "examples/plant/plant.rmod", "column_model"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.lines().count() > 16, "{out}");
    assert!(out.contains("column_model.column.out[1]:"), "{out}");
    assert!(out.contains("column_model.column.z[1, 1]"), "{out}");
}

#[test]
fn check_reports_network_statistics() {
    let o = rmod(&["check", "examples/plant/plant.rmod"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    assert!(
        out.contains("relu       reactor x2 (nets/reactor.json): 3 layers, 16 neurons/use"),
        "{out}"
    );
}

#[test]
fn tightened_bounds_are_cached_and_reused() {
    let cache = tmp("bound-cache-reuse");
    let _ = std::fs::remove_dir_all(&cache);
    let run = |extra: &[&str]| {
        let mut args = vec!["solve", "tests/models/corner.rmod"];
        args.extend_from_slice(extra);
        let o = crate::util::rmod_with_cache(&args, &cache);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        stdout(&o)
    };
    let objective = |s: &str| {
        s.lines()
            .find(|l| l.starts_with("objective"))
            .expect("objective line")
            .to_string()
    };
    let first = run(&[]);
    assert!(!first.contains("reused from the cache"), "{first}");
    assert!(std::fs::read_dir(&cache).expect("cache folder").count() == 1);
    let second = run(&[]);
    assert!(second.contains("reused from the cache"), "{second}");
    assert_eq!(objective(&first), objective(&second));
    // the same per-layer figures, read back exactly
    let layers = |s: &str| {
        s.lines()
            .filter(|l| l.trim_start().starts_with("layer "))
            .map(|l| l.rsplit_once(',').map_or(l, |p| p.0).to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(layers(&first), layers(&second));
    assert!(!layers(&first).is_empty());
    let skipped = run(&["--no-cache"]);
    assert!(!skipped.contains("reused from the cache"), "{skipped}");
    // another input box is another key
    let other = run(&["--option", "bound_context=model"]);
    assert!(!other.contains("reused from the cache"), "{other}");
    assert!(other.contains("model context"), "{other}");
    assert_eq!(std::fs::read_dir(&cache).expect("cache folder").count(), 2);
    // a damaged entry is ignored, not trusted
    for e in std::fs::read_dir(&cache).expect("cache folder").flatten() {
        std::fs::write(e.path(), "rmod-bounds 1\nmethod lp\n").expect("write");
    }
    let damaged = run(&[]);
    assert!(!damaged.contains("reused from the cache"), "{damaged}");
    assert_eq!(objective(&first), objective(&damaged));
}

#[test]
fn worker_processes_give_the_bounds_of_one_process() {
    // the CLI spreads each layer's problems over worker processes; the library call solves
    // them one after the other in this process
    let o = rmod(&["check", "tests/models/corner.rmod", "--no-cache"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // no progress bar when stderr is not a terminal
    assert!(!stderr(&o).contains("problems"), "{}", stderr(&o));
    let text = stdout(&o);
    let out = crate::util::compile_file("tests/models/corner.rmod", vec![], vec![]);
    let st = &out.net_uses[0].stats;
    let expected = format!(
        "unstable {} -> {}, mean width {} -> {}",
        st.ia_unstable,
        st.unstable,
        rmod_report::fmt_num(st.ia_mean_width),
        rmod_report::fmt_num(st.mean_width)
    );
    assert!(text.contains(&expected), "{text}\nexpected: {expected}");
}

#[test]
fn bound_options_are_checked() {
    for (opt, needle) in [
        ("bound_context=everything", "\"network\" or \"model\""),
        ("bound_budget=-1", "seconds >= 0"),
        ("incumbent=maybe", "\"auto\" or \"off\""),
        ("input_split=2.5", "whole number of cells"),
        ("input_split=-1", "whole number of cells"),
        ("solver=gurobi", "\"cbc\" or \"highs\""),
        ("solver=1", "\"cbc\" or \"highs\""),
        ("threads=0", "whole number >= 1"),
        ("threads=1.5", "whole number >= 1"),
        ("mip_gap=-0.1", "relative gap >= 0"),
        ("cbc.=1", "CBC parameter name"),
        ("tim_limit=3", "did you mean `time_limit`"),
    ] {
        let o = rmod(&["check", "tests/models/corner.rmod", "--option", opt]);
        assert_eq!(code(&o), 1, "{opt}");
        assert!(stderr(&o).contains(needle), "{opt}: {}", stderr(&o));
    }
}

#[test]
fn solve_reports_the_start_and_per_layer_bounds_in_json() {
    let o = rmod(&["solve", "tests/models/corner.rmod", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let net = &doc["networks"][0];
    assert_eq!(net["bound_context"], "network");
    assert_eq!(net["bounds_cached"], false);
    let layers = net["layers_detail"].as_array().expect("layers");
    assert_eq!(layers.len(), 2);
    assert!(layers[1]["problems"].as_u64().expect("problems") > 0);
    assert_eq!(
        doc["start"]["source"].as_str().map(|s| !s.is_empty()),
        Some(true)
    );
    assert!(
        doc["start"]["objective"].as_f64().expect("start")
            >= doc["objective"]["value"].as_f64().expect("objective") - 1e-6
    );
}

#[test]
fn net_commands_inspect_a_network_file() {
    let file = "examples/plant/nets/reactor.json";
    let o = rmod(&["net", "info", file]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("2 inputs, 1 outputs, 3 layers, 16 hidden neurons, 105 parameters"),
        "{}",
        stdout(&o)
    );
    // eval is a plain forward pass
    let o = rmod(&["net", "eval", file, "--at", "30,600"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = std::fs::read_to_string(crate::util::root().join(file)).expect("net");
    let net = rmod_relu::parse(rmod_diagnostics::FileId(0), "r.json", &text)
        .0
        .expect("valid");
    let shown: f64 = stdout(&o)
        .trim()
        .trim_start_matches("conv = ")
        .parse()
        .expect("number");
    let y = net.forward(&[30.0, 600.0])[0];
    assert!((shown - y).abs() <= 1e-8 * y.abs(), "{shown} vs {y}");
    // LP bounds are never wider than interval arithmetic's, layer by layer
    let layers = |method: &str| {
        let o = rmod(&[
            "net",
            "bounds",
            file,
            "--method",
            method,
            "--format",
            "json",
            "--box",
            "[10,50]x[560,640]",
        ]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
        doc["layers"].as_array().expect("layers").clone()
    };
    let (ia, lp) = (layers("ia"), layers("lp"));
    assert_eq!(ia.len(), 2);
    for (a, b) in ia.iter().zip(&lp) {
        assert!(
            b["mean_width"].as_f64() <= a["mean_width"].as_f64(),
            "{a} vs {b}"
        );
        assert!(b["unstable"].as_u64() <= a["unstable"].as_u64());
    }
    for (args, needle) in [
        (vec!["net", "eval", file, "--at", "30"], "rmod::relu::arity"),
        (
            vec!["net", "bounds", file, "--box", "[0,1]^3"],
            "rmod::sample::bad_box",
        ),
        (vec!["net", "info", "no/such.json"], "rmod::data::file"),
        (
            vec!["net", "info", "tests/cases/nets/bad_shape.json"],
            "rmod::relu::",
        ),
    ] {
        let o = rmod(&args);
        assert_eq!(code(&o), 1, "{args:?}");
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn net_regions_and_scale() {
    let file = "examples/plant/nets/reactor.json";
    let count = |args: &[&str]| -> usize {
        let mut all = vec!["net", "regions", file];
        all.extend_from_slice(args);
        let o = rmod(&all);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        stdout(&o)
            .split_whitespace()
            .find_map(|w| w.parse().ok())
            .expect("a count")
    };
    let exact = count(&["--exact"]);
    let sampled = count(&["--samples", "20000"]);
    assert!(sampled <= exact && sampled > 0, "{sampled} vs {exact}");
    let o = rmod(&["net", "regions", file, "--exact", "--limit", "5"]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("rmod::relu::regions_limit"),
        "{}",
        stderr(&o)
    );
    // scaling writes the same function
    let out = tmp("reactor.scaled.json").display().to_string();
    for objective in ["bigm", "balanced"] {
        let o = rmod(&["net", "scale", file, "-o", &out, "--objective", objective]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        for at in ["30,600", "0,540", "60,640", "12.5,577"] {
            let a = stdout(&rmod(&["net", "eval", file, "--at", at]));
            let b = stdout(&rmod(&["net", "eval", &out, "--at", at]));
            let (a, b): (f64, f64) = (
                a.trim().trim_start_matches("conv = ").parse().expect("a"),
                b.trim().trim_start_matches("conv = ").parse().expect("b"),
            );
            assert!(
                (a - b).abs() <= 1e-9 * a.abs().max(1.0),
                "{objective} at {at}: {a} vs {b}"
            );
        }
        let o = rmod(&["net", "info", &out]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    }
    let o = rmod(&["net", "scale", file, "-o", &out, "--objective", "tiny"]);
    assert_eq!(code(&o), 1);
}

#[test]
fn a_progress_bar_appears_on_a_terminal() {
    // `script` (util-linux) runs rmod on a pseudo-terminal; tightening takes over a second here
    let dir = tmp("progress");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::copy(
        crate::util::root().join("benches/nets/peaks_3x32.json"),
        dir.join("n.json"),
    )
    .expect("copy");
    let model = dir.join("m.rmod");
    std::fs::write(
        &model,
        "net n = relu_net(\"n.json\");\nvar a; var b; var y;\nsubject to c: y = n(a, b);\nminimize o: y;\noption bounds = \"milp\";\noption bound_time_limit = 0.05;\n",
    )
    .expect("model");
    let log = dir.join("tty.log");
    let cmd = format!(
        "{} check {} --no-cache",
        crate::util::rmod_bin().display(),
        model.display()
    );
    let o = std::process::Command::new("script")
        .args(["-qec", &cmd])
        .arg(&log)
        .output()
        .expect("script (util-linux)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&log).expect("log");
    assert!(text.contains("bounds  layer"), "no progress bar:\n{text}");
    assert!(text.contains("problems"), "{text}");
}

#[test]
fn unwritable_outputs_and_unknown_methods_are_diagnostics() {
    let o = rmod(&[
        "net",
        "bounds",
        "examples/plant/nets/reactor.json",
        "--method",
        "exact",
    ]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("unknown method `exact`"),
        "{}",
        stderr(&o)
    );
    let o = rmod(&[
        "sample",
        "peaks",
        "--box",
        "[-2,2]^2",
        "--n",
        "5",
        "-o",
        "/nonexistent/dir/d.csv",
    ]);
    assert_eq!(code(&o), 70);
    assert!(stderr(&o).contains("rmod::data::file"), "{}", stderr(&o));
    let data = tmp("w.csv").display().to_string();
    let o = rmod(&[
        "sample", "peaks", "--box", "[-2,2]^2", "--n", "50", "-o", &data,
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = rmod(&[
        "train",
        &data,
        "--inputs",
        "x1,x2",
        "--outputs",
        "y",
        "--epochs",
        "1",
        "-o",
        "/nonexistent/dir/n.json",
    ]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("cannot write"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"));
}

#[test]
fn input_split_solves_the_same_model_and_says_what_it_did() {
    let plain = rmod(&[
        "solve",
        "tests/models/corner.rmod",
        "--format",
        "json",
        "--option",
        "input_split=0",
    ]);
    let split = rmod(&[
        "solve",
        "tests/models/corner.rmod",
        "--format",
        "json",
        "--option",
        "input_split=5000",
    ]);
    assert_eq!(code(&split), 0, "{}", stderr(&split));
    let (a, b): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(&stdout(&plain)).expect("json"),
        serde_json::from_str(&stdout(&split)).expect("json"),
    );
    let (x, y) = (
        a["objective"]["value"].as_f64().expect("objective"),
        b["objective"]["value"].as_f64().expect("objective"),
    );
    assert!((x - y).abs() <= 1e-6 * (1.0 + x.abs()), "{x} vs {y}");
    assert_eq!(b["status"], "optimal");
    assert_eq!(b["split"]["columns"], 2);
    assert!(b["split"]["cells"].as_u64().expect("cells") > 1);
    assert!(a.get("split").is_none());
    // by default, networks with two input variables are split
    let default = rmod(&["solve", "tests/models/corner.rmod", "--format", "json"]);
    let c: serde_json::Value = serde_json::from_str(&stdout(&default)).expect("json");
    assert_eq!(c["split"]["columns"], 2);
    let table = rmod(&[
        "solve",
        "tests/models/corner.rmod",
        "--option",
        "input_split=5000",
    ]);
    assert!(stdout(&table).contains("split      "), "{}", stdout(&table));
}

#[test]
fn explain_lists_every_option_of_the_table() {
    let o = rmod(&["explain", "options"]);
    assert_eq!(code(&o), 0);
    let text = stdout(&o);
    for spec in rmod_ir::OPTIONS {
        assert!(
            text.contains(&format!("option {} = ", spec.name)),
            "{}",
            spec.name
        );
        let one = rmod(&["explain", spec.name]);
        assert_eq!(code(&one), 0, "{}", spec.name);
        assert!(stdout(&one).contains(spec.doc), "{}", spec.name);
    }
}

/// CBC's own output (its log, cut generators' "2mir_test"/"Coin0505I" lines) never reaches
/// stdout: with `log = 1` on a MILP with networks, stdout is exactly one JSON document and CBC's
/// log is on stderr. A `cbc.KEY` CBC would ignore is an error before solving.
#[test]
fn cbc_never_writes_to_stdout_and_its_parameters_are_checked() {
    let o = rmod(&[
        "solve",
        "examples/plant/plant.rmod",
        "--format",
        "json",
        "--option",
        "log=1",
        "--option",
        "cbc.cuts=on",
        "--no-cache",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("stdout is one JSON document");
    assert_eq!(doc["status"], "optimal");
    assert!(!out.contains("Coin") && !out.contains("Cbc0"), "{out}");
    assert!(stderr(&o).contains("Cbc0"), "CBC's log goes to stderr");
    for (opt, code_name) in [
        ("cbc.cuts=sometimes", "rmod::resolve::bad_option_value"),
        ("cbc.maxNodez=3", "rmod::resolve::unknown_option"),
    ] {
        let o = rmod(&["check", "examples/plant/plant.rmod", "--option", opt]);
        assert_ne!(code(&o), 0, "{opt}");
        assert!(stderr(&o).contains(code_name), "{opt}: {}", stderr(&o));
    }
}

/// A model in the AMPL vocabulary (`mod`, `diff`, indexed sets, `if`, `^`, `ord`, `card`, `max`,
/// `floor`, `prod`, attribute commas, `fix`), solved as written and with `--fix`.
#[test]
fn ampl_vocabulary_and_fix_flags() {
    let model = tmp("ampl.rmod");
    std::fs::write(
        &model,
        r#"set I = 1..4;
set ODD = {i in I: i mod 2 == 1};              # {1, 3}
set EVEN = I diff ODD;                         # {2, 4}
set NEXT{i in I} = {j in I: j == i + 1};       # NEXT[4] is empty
param value{i in I} = 2^ord(i) + if i mod 2 == 0 then 1 else 0;   # 2, 5, 8, 17
param weight{i in I} = max(1, floor(i / 2));                      # 1, 1, 1, 2
var pick{I} binary;
var extra integer >= 0, <= 3;
var slack >= 0, <= 5;
subject to cap: sum{i in I} weight[i] * pick[i] + extra
    + (if card(EVEN) == 2 then slack else 2 * slack) <= card(I) - 1;
subject to apart{i in I, j in NEXT[i]}: pick[i] + pick[j] <= 1;
maximize total: sum{i in I} value[i] * pick[i] + (prod{i in ODD} i) * extra - 0.5 * slack;
"#,
    )
    .expect("model");
    let path = model.to_str().expect("utf8");
    let solve = |extra: &[&str]| {
        let mut args = vec!["solve", path, "--format", "json"];
        args.extend_from_slice(extra);
        let o = rmod(&args);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
        assert_eq!(v["status"], "optimal");
        v
    };
    // no two neighbours, weight + extra <= 3, extra worth prod{1, 3} = 3 each:
    // {2, 4}: 5 + 17 = 22 (weight 3, no extra) beats {1, 4}: 19, {4} + 1 extra: 20, {3} + 2: 14
    let v = solve(&[]);
    assert_eq!(v["objective"]["value"].as_f64(), Some(22.0));
    assert_eq!(v["variables"]["pick"]["2"].as_f64(), Some(1.0));
    assert_eq!(v["variables"]["pick"]["4"].as_f64(), Some(1.0));
    // without 4: {3} + 2 extra = 8 + 6 = 14 beats {1, 3} + 1 extra = 13 and {2} + 2 extra = 11
    let v = solve(&["--fix", "pick[4]=0"]);
    assert_eq!(v["objective"]["value"].as_f64(), Some(14.0));
    assert_eq!(v["variables"]["pick"]["3"].as_f64(), Some(1.0));
    assert_eq!(v["variables"]["extra"].as_f64(), Some(2.0));
    // extra = 3 leaves no weight for picks: 3 * 3 = 9
    let v = solve(&["--fix", "extra=3"]);
    assert_eq!(v["objective"]["value"].as_f64(), Some(9.0));
    // `check` and `export` take the flag too; a value outside the bounds is a coded error
    for cmd in ["check", "export"] {
        let o = rmod(&[cmd, path, "--fix", "extra=4"]);
        assert_eq!(code(&o), 1);
        assert!(
            stderr(&o).contains("rmod::data::fix_value"),
            "{}",
            stderr(&o)
        );
    }
    let o = rmod(&["check", path, "--fix", "pick[9]=1"]);
    assert!(
        stderr(&o).contains("rmod::data::out_of_set"),
        "{}",
        stderr(&o)
    );
    let o = rmod(&["check", path, "--fix", "pik=1"]);
    assert!(
        stderr(&o).contains("did you mean `pick`?"),
        "{}",
        stderr(&o)
    );
    let o = rmod(&["check", path, "--fix", "extra=two"]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("rmod::resolve::bad_override_value"),
        "{}",
        stderr(&o)
    );
}
