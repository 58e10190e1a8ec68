//! What the benchmarks share: the release `rmod` binary they run.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Builds `rmod` in release mode and returns its path.
pub fn rmod_release(root: &Path) -> PathBuf {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(root)
        .args(["build", "-q", "--release", "-p", "rmod-cli"])
        .status()
        .expect("cargo build");
    assert!(status.success());
    root.join("target/release/rmod")
}
