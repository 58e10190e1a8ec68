//! `rmod sweep`: a table of scenarios against optima by hand, resumption, job scripts for
//! Slurm and their collection, and a bad scenario file.

use crate::util::{code, rmod, stderr, stdout, tmp};

const MODEL: &str = "tests/models/sweep.rmod";

/// Four scenarios of `tests/models/sweep.rmod`; optima by hand (see the model's comment):
/// base 45; R1's day price 1.5 (a tuple key): R1 makes 10 by day, R2 5 by day and 10 by night,
/// 35; R2's capacity 5: 15 for a demand of 25, infeasible; no night demand: R2 makes the 15
/// of the day, 30.
const CASES: &str = "scenario,\"price[R1,day]\",cap[R2],need[\"night\"]\n\
                     base,,,\n\
                     cheap,1.5,,\n\
                     short,,5,\n\
                     noon,,,0\n";

const TABLE: &str = "scenario,\"price[R1,day]\",cap[R2],\"need[\"\"night\"\"]\",status,exit_code,objective,best_bound,\"make[R1,day]\",\"make[R1,night]\",\"make[R2,day]\",\"make[R2,night]\"\n\
                     base,,,,optimal,0,45.0,,5.0,0.0,10.0,10.0\n\
                     cheap,1.5,,,optimal,0,35.0,,10.0,0.0,5.0,10.0\n\
                     short,,5.0,,infeasible,2,,,,,,\n\
                     noon,,,0.0,optimal,0,30.0,,0.0,0.0,15.0,0.0\n";

fn cases(name: &str) -> String {
    let dir = tmp(name);
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("cases.csv");
    std::fs::write(&path, CASES).expect("cases");
    path.display().to_string()
}

#[test]
fn sweep_table_has_the_optima_by_hand() {
    let csv = cases("sweep-table");
    let out = format!("{csv}.results.csv");
    let o = rmod(&[
        "sweep",
        MODEL,
        "--scenarios",
        &csv,
        "-o",
        &out,
        "--jobs",
        "2",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).expect("table"), TABLE);
    // the same numbers from a separate `rmod solve` with an indexed -D
    let s = rmod(&[
        "solve",
        MODEL,
        "--format",
        "json",
        "-D",
        "price[R1,day]=1.5",
    ]);
    assert_eq!(code(&s), 0, "{}", stderr(&s));
    let v: serde_json::Value = serde_json::from_str(&stdout(&s)).expect("json");
    assert_eq!(v["objective"]["value"], 35.0);
    // JSON, only the variables asked for, and wall times with --timings
    let j = rmod(&[
        "sweep",
        MODEL,
        "--scenarios",
        &csv,
        "--format",
        "json",
        "--vars",
        "make",
        "--timings",
        "--state",
        &format!("{csv}.json-state"),
    ]);
    assert_eq!(code(&j), 0, "{}", stderr(&j));
    let v: serde_json::Value = serde_json::from_str(&stdout(&j)).expect("json");
    let rows = v["scenarios"].as_array().expect("rows");
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r["scenario"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, ["base", "cheap", "short", "noon"]);
    assert_eq!(rows[1]["parameters"]["price[R1,day]"], 1.5);
    assert_eq!(rows[1]["variables"]["make[R2,day]"], 5.0);
    assert_eq!(rows[2]["status"], "infeasible");
    assert!(rows[0]["seconds"].as_f64().is_some());
}

#[test]
fn a_rerun_solves_only_what_is_missing() {
    let csv = cases("sweep-resume");
    let out = format!("{csv}.results.csv");
    let first = rmod(&["sweep", MODEL, "--scenarios", &csv, "-o", &out]);
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    assert!(
        stderr(&first).contains("4 solved, 0 reused"),
        "{}",
        stderr(&first)
    );
    // as if the run had been killed before scenario 2 finished
    std::fs::remove_file(format!("{out}.parts/0002.done")).expect("part");
    let again = rmod(&["sweep", MODEL, "--scenarios", &csv, "-o", &out]);
    let err = stderr(&again);
    assert_eq!(code(&again), 0, "{err}");
    assert!(err.contains("1 solved, 3 reused"), "{err}");
    assert!(err.contains("[1/4] base: optimal (reused"), "{err}");
    assert!(
        err.contains("[2/4] cheap: optimal (") && !err.contains("cheap: optimal (reused"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&out).expect("table"), TABLE);
    let restart = rmod(&["sweep", MODEL, "--scenarios", &csv, "-o", &out, "--restart"]);
    assert!(
        stderr(&restart).contains("4 solved, 0 reused"),
        "{}",
        stderr(&restart)
    );
}

#[test]
fn emitted_jobs_run_alone_and_are_collected() {
    let csv = cases("sweep-jobs");
    let dir = format!("{csv}.jobs");
    let o = rmod(&["sweep", MODEL, "--scenarios", &csv, "--emit-jobs", &dir]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for i in 1..=4 {
        assert!(std::path::Path::new(&format!("{dir}/job-000{i}.sh")).is_file());
    }
    assert!(!std::path::Path::new(&format!("{dir}/job-0005.sh")).exists());
    let slurm = std::fs::read_to_string(format!("{dir}/sweep.slurm")).expect("slurm");
    assert!(slurm.contains("#SBATCH --array=1-4\n"), "{slurm}");
    assert!(slurm.contains("job-$id.sh"), "{slurm}");
    // nothing run yet: every scenario missing, exit 6
    let none = rmod(&["sweep", MODEL, "--scenarios", &csv, "--collect", &dir]);
    assert_eq!(code(&none), 6);
    // one job, run from elsewhere (the script is self-contained)
    let run = std::process::Command::new("bash")
        .arg(format!("{dir}/job-0002.sh"))
        .current_dir(std::env::temp_dir())
        .output()
        .expect("bash");
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let json = std::fs::read_to_string(format!("{dir}/out/0002.json")).expect("job output");
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["objective"]["value"], 35.0);
    let some = rmod(&["sweep", MODEL, "--scenarios", &csv, "--collect", &dir]);
    assert_eq!(code(&some), 6);
    let table = stdout(&some);
    assert!(table.contains("\nbase,,,,missing,"), "{table}");
    assert!(
        table.contains("\ncheap,1.5,,,optimal,0,35.0,,10.0,0.0,5.0,10.0\n"),
        "{table}"
    );
    for i in [1, 3, 4] {
        let st = std::process::Command::new("bash")
            .arg(format!("{dir}/job-000{i}.sh"))
            .status()
            .expect("bash");
        assert!(st.code().is_some());
    }
    let all = rmod(&["sweep", MODEL, "--scenarios", &csv, "--collect", &dir]);
    assert_eq!(code(&all), 0, "{}", stderr(&all));
    assert_eq!(stdout(&all), TABLE);
}

#[test]
fn a_bad_scenario_file_is_a_coded_error_at_its_cell() {
    let dir = tmp("sweep-bad");
    std::fs::create_dir_all(&dir).expect("dir");
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "scenario,nedd[day],need[day]\na,1,2\nb,3,lots\n").expect("csv");
    let o = rmod(&["sweep", MODEL, "--scenarios", bad.to_str().expect("utf8")]);
    let err = stderr(&o);
    assert_eq!(code(&o), 1, "{err}");
    assert!(err.contains("rmod::resolve::unknown_override"), "{err}");
    assert!(
        err.contains("column `nedd[day]` names no parameter"),
        "{err}"
    );
    assert!(err.contains("did you mean `need`?"), "{err}");
    assert!(err.contains("rmod::data::csv_bad_value"), "{err}");
    assert!(err.contains("field 3 (`need[day]`) of line 3"), "{err}");
    assert!(err.contains("bad.csv:3:5"), "{err}");
    // nothing was solved
    assert!(!dir.join("bad.csv.parts").exists());
    // a key not in the index set is found before solving too
    std::fs::write(&bad, "need[dusk]\n1\n").expect("csv");
    let o = rmod(&["sweep", MODEL, "--scenarios", bad.to_str().expect("utf8")]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("`-D need[dusk]=...`: the key is not in the index set"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.join("bad.csv.parts").exists());
}
