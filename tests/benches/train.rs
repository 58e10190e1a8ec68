//! Training speed of `rmod train` against an equivalent PyTorch script
//! (`benches/train_torch.py`: same data, network, Adam, batch size, float64, one thread), both
//! run as processes from data file to trained network, best of 2, in the same run.
//! `cargo bench -p rmod-tests --bench train` (needs `python3` with torch and numpy).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

fn run(cmd: &mut Command) -> (f64, String) {
    let t = Instant::now();
    let out = cmd.output().expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        t.elapsed().as_secs_f64(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("root")
        .to_path_buf();
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&root)
        .args(["build", "-q", "--release", "-p", "rmod-cli"])
        .status()
        .expect("cargo build");
    assert!(status.success());
    let rmod = root.join("target/release/rmod");
    let dir = std::env::temp_dir().join(format!("rmod-bench-train-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    println!("| case | rmod train (s) | PyTorch (s) | rmod / PyTorch | rmod train MSE (std.) | PyTorch train MSE (std.) |");
    println!("|---|---|---|---|---|---|");
    for (samples, layers, epochs) in [(10_000, "3x25", 200), (100_000, "4x64", 50)] {
        let data = dir.join(format!("peaks_{samples}.csv"));
        run(Command::new(&rmod)
            .args([
                "sample", "peaks", "--box", "[-2,2]^2", "--lhs", "--seed", "1",
            ])
            .args(["--n", &samples.to_string()])
            .arg("-o")
            .arg(&data));
        let net = dir.join("n.json");
        let mut best_r = f64::INFINITY;
        let mut best_t = f64::INFINITY;
        let mut mse_t = String::new();
        for _ in 0..2 {
            let (t, _) = run(Command::new(&rmod)
                .arg("train")
                .arg(&data)
                .args(["--inputs", "x1,x2", "--outputs", "y", "--layers", layers])
                .args([
                    "--epochs",
                    &epochs.to_string(),
                    "--patience",
                    &epochs.to_string(),
                ])
                .args(["--batch", "64", "--lr", "1e-3", "--seed", "7"])
                .arg("-o")
                .arg(&net));
            best_r = best_r.min(t);
            let (t, out) = run(Command::new("python3")
                .arg(root.join("benches/train_torch.py"))
                .arg(&data)
                .args([layers, &epochs.to_string(), "64", "1e-3"]));
            best_t = best_t.min(t);
            mse_t = out.split_whitespace().nth(1).unwrap_or("?").to_string();
        }
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&net).expect("net")).expect("json");
        println!(
            "| {samples} samples, {layers}, {epochs} epochs, batch 64 | {best_r:.2} | {best_t:.2} | {:.2} | {:.6} | {mse_t} |",
            best_r / best_t,
            doc["training"]["train_mse_standardized"].as_f64().unwrap_or(f64::NAN)
        );
    }
}
