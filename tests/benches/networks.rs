//! Compile time of models with networks (release): one 4x256 network, and 50 uses of a 2x32
//! network; the baseline measured in the same run is parsing the network JSON alone with
//! serde_json. `cargo bench -p rmod-tests --bench networks`

use std::collections::BTreeMap;
use std::time::Instant;

use rmod_compiler::{compile, CompileRequest};
use serde_json::json;

fn net_json(n_in: usize, hidden: &[usize], seed: u64) -> String {
    let mut s = seed;
    let mut rnd = move || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((s >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
    };
    let mut layers = Vec::new();
    let mut width = n_in;
    for (k, h) in hidden.iter().chain(std::iter::once(&1)).enumerate() {
        let scale = (2.0 / width as f64).sqrt();
        let w: Vec<Vec<f64>> = (0..*h)
            .map(|_| (0..width).map(|_| rnd() * scale).collect())
            .collect();
        let b: Vec<f64> = (0..*h).map(|_| rnd() * 0.1).collect();
        let act = if k == hidden.len() { "linear" } else { "relu" };
        layers.push(json!({"weights": w, "bias": b, "activation": act}));
        width = *h;
    }
    json!({"format": "relu-net", "version": 1, "layers": layers}).to_string()
}

fn best_of<F: FnMut()>(n: usize, mut f: F) -> f64 {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let cases = [
        (
            "one 4x256 network, 10 inputs in [-1, 1]",
            net_json(10, &[256, 256, 256, 256], 1),
            {
                let args: Vec<String> = (1..=10).map(|i| format!("x[{i}]")).collect();
                format!("net n = relu_net(\"n.json\");\nset I = 1..10;\nvar x{{I}} in [-1, 1];\nvar y;\nsubject to f: y = n({});\nminimize o: y;\n", args.join(", "))
            },
        ),
        (
            "50 uses of a 2x32 network, 2 inputs in [-1, 1]",
            net_json(2, &[32, 32], 2),
            {
                "net n = relu_net(\"n.json\");\nset U = 1..50;\nvar x{U, 1..2} in [-1, 1];\nvar y{U};\nsubject to f{u in U}: y[u] = n(x[u, 1], x[u, 2]);\nminimize o: sum{u in U} y[u];\n".to_string()
            },
        ),
    ];
    println!("| model | columns | rows | binaries | compile (ms) | JSON parse only (ms) | ratio |");
    println!("|---|---|---|---|---|---|---|");
    for (name, json_text, model) in &cases {
        let mut files = BTreeMap::new();
        files.insert("n.json".to_string(), json_text.clone());
        let req = CompileRequest::new("m.rmod", model, &files);
        let out = compile(&req);
        assert!(
            !rmod_diagnostics::has_errors(&out.diagnostics),
            "{:?}",
            out.diagnostics
        );
        let m = out.model.expect("compiles");
        let t_compile = best_of(5, || {
            let _ = compile(&req);
        });
        let t_json = best_of(5, || {
            let _: serde_json::Value = serde_json::from_str(json_text).expect("json");
        });
        println!(
            "| {name} | {} | {} | {} | {:.1} | {:.1} | {:.1} |",
            m.columns.len(),
            m.rows.len(),
            m.n_binary(),
            t_compile * 1e3,
            t_json * 1e3,
            t_compile / t_json
        );
    }
}
