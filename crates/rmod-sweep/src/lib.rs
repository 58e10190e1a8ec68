//! `rmod sweep` without IO: the scenario CSV (`scenarios`), what a finished scenario left
//! behind and the results table (`table`), and the self-contained job scripts and the Slurm
//! array script (`jobs`). The binary runs the scenarios (each an `rmod solve` process), reads
//! and writes the files.

pub mod jobs;
pub mod scenarios;
pub mod table;

pub use jobs::{job_script, slurm_script, Done, Job};
pub use scenarios::{model_params, read_scenarios, Param, Scenario, Scenarios};
pub use table::{build as build_table, render_csv, render_json, Finished, SweepTable};

/// The stem of scenario `i`'s files (0-based `i`, numbered from 1): `0001`, or wider when
/// there are 10,000 scenarios or more.
pub fn stem(i: usize, n: usize) -> String {
    let width = n.to_string().len().max(4);
    format!("{:0width$}", i + 1)
}

/// A fingerprint of what a scenario's result depends on that rmod sees here: the model's text
/// and the `rmod solve` arguments (overrides and options). A part whose key differs is stale
/// and solved again. Files the model reads (CSV data, networks) are not part of it.
pub fn scenario_key(model_text: &str, args: &[String]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(model_text.as_bytes());
    for a in args {
        h.update([0u8]);
        h.update(a.as_bytes());
    }
    h.finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
}

#[cfg(test)]
mod tests;
