//! Branch-and-bound over networks (issue "Solve what verifiers solve"): each row solves one
//! model twice in the same run, with rmod's defaults (input split with CROWN-bounded cells up to
//! 5 network inputs, hull rows for two or more uses of 1- or 2-input networks) and with CBC alone
//! (`input_split = 0`, `hull = off`, `symmetry = off`, the same tightened bounds), through the `rmod` command as a
//! user runs it. Prints the table of BENCHMARKS.md.
//! `cargo bench -p rmod-tests --bench bab -- [LIMIT] [WORD]` (seconds per solve, default 120;
//! only the rows whose name contains WORD).

use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "common.rs"]
mod common;
use common::rmod_release;
use std::time::Instant;

/// A model that minimizes output 0 of a network over its input box (`sense` and `extra` rows
/// optional), written next to a copy of the network.
fn net_model(
    dir: &Path,
    root: &Path,
    net: &str,
    objective: &str,
    extra: &str,
    bounds: &[(f64, f64)],
) -> PathBuf {
    let text = std::fs::read_to_string(root.join("benches/nets").join(format!("{net}.json")))
        .expect("net");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("json");
    let n = doc["layers"][0]["weights"][0]
        .as_array()
        .expect("weights")
        .len();
    let m = doc["layers"]
        .as_array()
        .and_then(|l| l.last())
        .expect("layer")["bias"]
        .as_array()
        .expect("bias")
        .len();
    std::fs::write(dir.join(format!("{net}.json")), &text).expect("write net");
    let mut s = format!("net n = relu_net(\"{net}.json\");\n");
    for i in 0..n {
        match bounds.get(i) {
            Some((l, u)) => s.push_str(&format!("var x{i} in [{l}, {u}];\n")),
            None => s.push_str(&format!("var x{i};\n")),
        }
    }
    for j in 0..m {
        s.push_str(&format!("var y{j};\n"));
    }
    let ys: Vec<String> = (0..m).map(|j| format!("y{j}")).collect();
    let xs: Vec<String> = (0..n).map(|i| format!("x{i}")).collect();
    let lhs = if m == 1 {
        ys[0].clone()
    } else {
        format!("({})", ys.join(", "))
    };
    s.push_str(&format!(
        "subject to f: {lhs} = n({});\n{extra}{objective};\n",
        xs.join(", ")
    ));
    let name = format!("{net}-{}.rmod", dir.read_dir().map_or(0, |d| d.count()));
    let path = dir.join(name);
    std::fs::write(&path, s).expect("write model");
    path
}

/// `uses` units of one 2-input network under a shared budget on their inputs.
fn uses_model(dir: &Path, root: &Path, uses: usize) -> PathBuf {
    std::fs::copy(
        root.join("benches/nets/peaks_2x16.json"),
        dir.join("peaks_2x16.json"),
    )
    .expect("copy");
    let s = format!(
        "net n = relu_net(\"peaks_2x16.json\");\nset U = 1..{uses};\nvar x{{U}} in [-3, 3];\nvar y{{U}} in [-3, 3];\nvar f{{U}};\n\
         subject to unit{{u in U}}: f[u] = n(x[u], y[u]);\nsubject to budget: sum{{u in U}} (x[u] + y[u]) >= {};\n\
         minimize total: sum{{u in U}} f[u];\n",
        -0.4 * uses as f64
    );
    let path = dir.join(format!("uses{uses}.rmod"));
    std::fs::write(&path, s).expect("write");
    path
}

struct Res {
    status: String,
    objective: Option<f64>,
    bound: Option<f64>,
    seconds: f64,
    cells: String,
}

fn run(rmod: &Path, model: &Path, limit: f64, extra: &[&str]) -> Res {
    let mut cmd = Command::new(rmod);
    cmd.args([
        "solve",
        model.to_str().expect("utf-8"),
        "--format",
        "json",
        "--no-cache",
    ])
    .args(["--option", &format!("time_limit={limit}")]);
    for o in extra {
        cmd.args(["--option", o]);
    }
    let t = Instant::now();
    let out = cmd.output().expect("run rmod");
    let seconds = t.elapsed().as_secs_f64();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let split = &doc["split"];
    Res {
        status: doc["status"].as_str().unwrap_or("error").to_string(),
        objective: doc["objective"]["value"].as_f64(),
        bound: doc["objective"]["best_bound"].as_f64(),
        seconds,
        cells: if split.is_object() {
            format!("{} ({})", split["cells"], split["open"])
        } else {
            "-".into()
        },
    }
}

fn fmt(v: Option<f64>) -> String {
    v.map_or("-".into(), |v| format!("{v:.6}"))
}

fn main() {
    let limit: f64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(120.0);
    let only: Option<String> = std::env::args()
        .skip(1)
        .find(|a| a.parse::<f64>().is_err() && !a.starts_with('-'));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("root")
        .to_path_buf();
    let rmod = rmod_release(&root);
    let dir = std::env::temp_dir().join(format!("rmod-bench-bab-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    // the controller's safety property over a box: is there an input where advice a beats b by T?
    let safety = |t: f64| format!("subject to unsafe: y0 - y1 >= {t};\n");
    let region = [
        (0.5, 0.9),
        (-0.2, 0.2),
        (-0.2, 0.2),
        (-0.2, 0.2),
        (-0.2, 0.2),
    ];
    let rows: Vec<(&str, PathBuf)> = vec![
        (
            "peaks 4x64 (2-D), min",
            net_model(&dir, &root, "peaks_4x64", "minimize o: y0", "", &[]),
        ),
        (
            "Rosenbrock 5-D 2x32, min",
            net_model(&dir, &root, "rosenbrock5_2x32", "minimize o: y0", "", &[]),
        ),
        (
            "Styblinski-Tang 10-D 3x32, min",
            net_model(&dir, &root, "styblinski10_3x32", "minimize o: y0", "", &[]),
        ),
        (
            "Styblinski-Tang 10-D 4x128, min",
            net_model(&dir, &root, "styblinski10_4x128", "minimize o: y0", "", &[]),
        ),
        (
            "controller 5-D 6x50, min advice a",
            net_model(&dir, &root, "controller5_6x50", "minimize o: y0", "", &[]),
        ),
        (
            "controller: a - b >= 0.5 (holds: infeasible)",
            net_model(
                &dir,
                &root,
                "controller5_6x50",
                "minimize o: 0 * y0",
                &safety(0.5),
                &region,
            ),
        ),
        (
            "controller: a - b >= 0.3 (violated: a witness)",
            net_model(
                &dir,
                &root,
                "controller5_6x50",
                "minimize o: 0 * y0",
                &safety(0.3),
                &region,
            ),
        ),
        (
            "5 uses of peaks 2x16, shared budget",
            uses_model(&dir, &root, 5),
        ),
        (
            "20 uses of peaks 2x16, shared budget",
            uses_model(&dir, &root, 20),
        ),
        (
            "plant example (2 networks, on/off binaries)",
            root.join("examples/plant/plant.rmod"),
        ),
    ];
    println!(
        "limit per solve: {limit} s; both columns in the same run; bounds: rmod's default (`lp`)"
    );
    println!();
    println!("| model | CBC alone: status | objective | bound | s | rmod: status | objective | bound | cells (open) | s | rmod / CBC |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for (name, model) in rows {
        if only.as_ref().is_some_and(|w| !name.contains(w.as_str())) {
            continue;
        }
        let cbc = run(
            &rmod,
            &model,
            limit,
            &[
                "input_split=0",
                "hull=off",
                "symmetry=off",
                // CBC at its defaults: its fast depth-first search in Clp on (see README)
                "cbc.depthMiniBab=-1",
            ],
        );
        let ours = run(&rmod, &model, limit, &[]);
        println!(
            "| {name} | {} | {} | {} | {:.2} | {} | {} | {} | {} | {:.2} | {:.2} |",
            cbc.status,
            fmt(cbc.objective),
            fmt(cbc.bound),
            cbc.seconds,
            ours.status,
            fmt(ours.objective),
            fmt(ours.bound),
            ours.cells,
            ours.seconds,
            ours.seconds / cbc.seconds
        );
    }
}
