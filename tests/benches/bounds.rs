//! Bound tightening study, through the `rmod` command as a user runs it: for each network in
//! `benches/nets/` (regenerate with `python3 benches/nets/make_nets.py`), minimize its output
//! over its input box with interval bounds and no start (the baseline: what a big-M tool
//! without tightening does), then IA, LP-OBBT and MILP-OBBT with rmod's starting point. All in
//! one run; prints the table of BENCHMARKS.md.
//! The last two rows of each network add `option input_split` (cells of the input box, each
//! with its own interval bounds) to IA and LP bounds.
//! `cargo bench -p rmod-tests --bench bounds -- [SOLVE_LIMIT [BOUND_LIMIT]] [split]`: seconds per
//! CBC solve (default 60; also the bound budget) and per MILP bound problem (default 1); `split`
//! runs only the baseline and the split rows.

use std::path::Path;
use std::process::Command;

#[path = "common.rs"]
mod common;
use common::rmod_release;

fn main() {
    let nums: Vec<f64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let limit = nums.first().copied().unwrap_or(60.0);
    let bound_limit = nums.get(1).copied().unwrap_or(1.0);
    let only_split = std::env::args().skip(1).any(|a| a == "split");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("root")
        .to_path_buf();
    let rmod = rmod_release(&root);
    let mut files: Vec<_> = std::fs::read_dir(root.join("benches/nets"))
        .expect("benches/nets")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let dir = std::env::temp_dir().join(format!("rmod-bench-bounds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    println!(
        "time limit per CBC solve: {limit} s; MILP-OBBT: {bound_limit} s per bound problem; \
         bound problems on {} worker processes",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!();
    println!("| network | bounds | start | split cells (open) | stable | binaries | tighten (s) | start (s) | CBC (s) | CBC iterations | total (s) | total / baseline | status | objective | best bound | mismatch (rel) |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for path in files {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("?")
            .to_string();
        let text = std::fs::read_to_string(&path).expect("net");
        let net = rmod_relu::parse(rmod_diagnostics::FileId(0), &name, &text)
            .0
            .expect("valid network");
        let n = net.n_inputs();
        std::fs::write(dir.join("n.json"), &text).expect("write net");
        let mut model = String::from("net n = relu_net(\"n.json\");\n");
        for i in 0..n {
            model.push_str(&format!("var x{i};\n"));
        }
        let args: Vec<String> = (0..n).map(|i| format!("x{i}")).collect();
        model.push_str(&format!(
            "var y;\nsubject to f: y = n({});\nminimize o: y;\noption time_limit = {limit};\noption bound_time_limit = {bound_limit};\noption bound_budget = {limit};\n",
            args.join(", ")
        ));
        let file = dir.join(format!("{name}.rmod"));
        std::fs::write(&file, model).expect("write model");
        let mut baseline = None;
        for (method, start, split) in [
            ("ia", "off", 0),
            ("ia", "auto", 0),
            ("lp", "auto", 0),
            ("milp", "auto", 0),
            ("ia", "auto", 1_000_000),
            ("lp", "auto", 1_000_000),
        ] {
            if only_split && start == "auto" && split == 0 {
                continue;
            }
            let out = Command::new(&rmod)
                .arg("solve")
                .arg(&file)
                .args(["--format", "json", "--timings", "--no-cache"])
                .args(["--option", &format!("bounds={method}")])
                .args(["--option", &format!("incumbent={start}")])
                .args(["--option", &format!("input_split={split}")])
                .output()
                .expect("run rmod");
            let doc: serde_json::Value =
                serde_json::from_slice(&out.stdout).expect("json solution");
            let t = &doc["timings"];
            let net = &doc["networks"][0];
            let total = t["total_s"].as_f64().unwrap_or(f64::NAN);
            let base = *baseline.get_or_insert(total);
            let num =
                |v: &serde_json::Value| v.as_f64().map_or("-".to_string(), |x| format!("{x:.4}"));
            println!(
                "| {name} | {method} | {} | {} | {}/{} ({:.0}%) | {} | {:.2} | {:.2} | {:.2} | {} | {:.2} | {:.2} | {} | {} | {} | {} |",
                if start == "off" { "none" } else { doc["start"]["source"].as_str().unwrap_or("none found") },
                doc["split"]["cells"].as_u64().map_or("-".to_string(), |c| format!("{c} ({})", doc["split"]["open"])),
                net["stable_active"].as_u64().unwrap_or(0) + net["stable_inactive"].as_u64().unwrap_or(0),
                net["neurons_per_use"],
                100.0 * net["stable_share"].as_f64().unwrap_or(0.0),
                net["binaries"],
                net["bound_seconds"].as_f64().unwrap_or(0.0),
                t["start_s"].as_f64().unwrap_or(0.0),
                t["solve_s"].as_f64().unwrap_or(0.0),
                doc["stats"]["cbc_iterations"],
                total,
                total / base,
                doc["status"].as_str().unwrap_or("?"),
                num(&doc["objective"]["value"]),
                num(&doc["objective"]["best_bound"]),
                match doc["repaired"]["solver_mismatch_rel"].as_f64() {
                    // rmod replaced CBC's drifted point by the exact one; show CBC's mismatch
                    Some(m) => format!("{m:.1e} (CBC's point; reported: exact)"),
                    None => net["mismatch_rel"].as_f64().map_or("-".to_string(), |m| format!("{m:.1e}")),
                },
            );
        }
    }
}
