//! Compile and MPS export time of a 100,000-row model, against CBC reading the same MPS file
//! in the same run. `cargo bench -p rmod-tests --bench compile_export`
//!
//! Prints a markdown table row; BENCHMARKS.md records a run.

use std::path::Path;
use std::time::Instant;

use rmod_compiler::{compile, CompileRequest, NoFiles};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("root")
        .to_path_buf();
    let rel = "tests/models/large_transport.rmod";
    let text = std::fs::read_to_string(root.join(rel)).expect("model");
    let mps_path = std::env::temp_dir().join("rmod-bench-large.mps");
    let reps = 3;
    let mut best = [f64::INFINITY; 4];
    let mut size = (0, 0);
    for _ in 0..reps {
        let t0 = Instant::now();
        let out = compile(&CompileRequest::new(rel, &text, &NoFiles));
        let model = out.model.expect("compiles");
        let t1 = Instant::now();
        let mps = rmod_ir::write_mps(&model);
        std::fs::write(&mps_path, &mps).expect("write");
        let t2 = Instant::now();
        let (rows, cols) = rmod_solver::read_mps_file(&mps_path);
        let t3 = Instant::now();
        assert_eq!(
            (rows, cols),
            (model.rows.len(), model.columns.len()),
            "CBC read the same model"
        );
        size = (rows, cols);
        let c = (t1 - t0).as_secs_f64();
        let e = (t2 - t1).as_secs_f64();
        let r = (t3 - t2).as_secs_f64();
        best = [
            best[0].min(c),
            best[1].min(e),
            best[2].min(c + e),
            best[3].min(r),
        ];
    }
    println!(
        "model: {rel}: {} rows, {} columns; best of {reps} runs",
        size.0, size.1
    );
    println!("| compile (s) | write MPS (s) | compile + export (s) | CBC reads the MPS (s) | ratio rmod / CBC read |");
    println!("|---|---|---|---|---|");
    println!(
        "| {:.3} | {:.3} | {:.3} | {:.3} | {:.2} |",
        best[0],
        best[1],
        best[2],
        best[3],
        best[2] / best[3]
    );
}
