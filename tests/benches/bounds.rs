//! Bound tightening study: for each network in `benches/nets/` (regenerate with
//! `python3 benches/nets/make_nets.py`), minimize its output over its input box with
//! `bounds = "ia" | "lp" | "milp"`, measured in one run. Prints the table of BENCHMARKS.md.
//! `cargo bench -p rmod-tests --bench bounds -- [SOLVE_LIMIT [BOUND_LIMIT]]`: seconds per CBC
//! solve (default 60) and per MILP bound problem (default 1).

use std::collections::BTreeMap;
use std::time::Instant;

use rmod_compiler::{compile, verify, CompileRequest};

fn main() {
    let nums: Vec<f64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let limit = nums.first().copied().unwrap_or(60.0);
    let bound_limit = nums.get(1).copied().unwrap_or(1.0);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("root")
        .to_path_buf();
    let mut files: Vec<_> = std::fs::read_dir(root.join("benches/nets"))
        .expect("benches/nets")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    println!("time limit per CBC solve: {limit} s; MILP-OBBT: {bound_limit} s per bound problem");
    println!();
    println!("| network | bounds | stable | binaries | tighten (s) | CBC (s) | CBC iterations | total (s) | total / IA | status | objective | mismatch (rel) |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
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
        let mut loaded = BTreeMap::new();
        loaded.insert("n.json".to_string(), text.clone());
        let mut ia_total = None;
        for method in ["ia", "lp", "milp"] {
            let mut model = String::from("net n = relu_net(\"n.json\");\n");
            for i in 0..n {
                model.push_str(&format!("var x{i};\n"));
            }
            let args: Vec<String> = (0..n).map(|i| format!("x{i}")).collect();
            model.push_str(&format!(
                "var y;\nsubject to f: y = n({});\nminimize o: y;\n",
                args.join(", ")
            ));
            model.push_str(&format!("option bounds = \"{method}\";\noption time_limit = {limit};\noption bound_time_limit = {bound_limit};\n"));
            let mut req = CompileRequest::new("m.rmod", &model, &loaded);
            req.oracle = Some(&rmod_solver::CbcBounds);
            let t0 = Instant::now();
            let out = compile(&req);
            let tighten = t0.elapsed().as_secs_f64();
            let m = out.model.expect("compiles");
            let u = &out.net_uses[0].stats;
            let sol = rmod_solver::solve(&m, None);
            let total = tighten + sol.seconds;
            let ratio = match ia_total {
                None => {
                    ia_total = Some(total);
                    1.0
                }
                Some(t) => total / t,
            };
            let mismatch = if sol.status.has_point() {
                verify(&m, &out.net_uses, &sol.values).nets[0].2
            } else {
                f64::NAN
            };
            println!(
                "| {name} | {method} | {}/{} ({:.0}%) | {} | {:.2} | {:.2} | {} | {:.2} | {:.2} | {} | {} | {:.1e} |",
                u.stable_active + u.stable_inactive,
                u.neurons,
                100.0 * (u.stable_active + u.stable_inactive) as f64 / u.neurons.max(1) as f64,
                u.binaries,
                tighten,
                sol.seconds,
                sol.iterations,
                total,
                ratio,
                sol.status.as_str(),
                sol.objective.map_or("-".to_string(), |o| format!("{o:.4}")),
                mismatch
            );
        }
    }
}
