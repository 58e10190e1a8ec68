use rmod_diagnostics::{code, FileId};
use serde_json::json;

use crate::*;

const MODEL: &str = "set R = {\"R1\", \"R2\"}; param cap{R}; param total = 10; var x{R} >= 0;";

fn read(text: &str) -> Result<Scenarios, Vec<rmod_diagnostics::Diagnostic>> {
    read_scenarios(FileId(0), text, &model_params(MODEL))
}

#[test]
fn columns_cells_and_names() {
    let s = read("scenario,cap[R1],cap[\"R2\"],total\nbase,1,2,3\n,4,,5e1\n").unwrap();
    assert_eq!(s.columns, vec!["cap[R1]", "cap[\"R2\"]", "total"]);
    assert_eq!(s.list[0].name, "base");
    assert_eq!(s.list[1].name, "2");
    assert_eq!(s.list[1].line, 3);
    // an empty cell keeps the model's value
    assert_eq!(
        s.list[1].overrides,
        vec![("cap[R1]".to_string(), 4.0), ("total".to_string(), 50.0)]
    );
}

#[test]
fn bad_files_point_at_the_cell() {
    let codes = |text: &str| -> Vec<&'static str> {
        read(text).unwrap_err().iter().map(|d| d.code).collect()
    };
    assert_eq!(codes("totl\n1\n"), vec![code::RESOLVE_UNKNOWN_OVERRIDE]);
    assert_eq!(codes("cap\n1\n"), vec![code::RESOLVE_UNKNOWN_OVERRIDE]);
    assert_eq!(
        codes("total[R1]\n1\n"),
        vec![code::RESOLVE_UNKNOWN_OVERRIDE]
    );
    assert_eq!(
        codes("total,total\n1,2\n"),
        vec![code::RESOLVE_UNKNOWN_OVERRIDE]
    );
    assert_eq!(codes("total\nlots\n"), vec![code::DATA_CSV_BAD_VALUE]);
    assert_eq!(codes("total\n1,2\n"), vec![code::DATA_CSV_ROW]);
    assert_eq!(codes("total\n"), vec![code::DATA_CSV_ROW]);
    assert_eq!(codes(""), vec![code::DATA_CSV_ROW]);
    assert_eq!(
        codes("scenario,total\na,1\na,2\n"),
        vec![code::DATA_CSV_DUPLICATE_KEY]
    );
    let d = &read("total\n1\nnan\n").unwrap_err()[0];
    assert!(
        d.message.contains("field 1 (`total`) of line 3"),
        "{}",
        d.message
    );
    // the one reader: `;` files with a BOM, quoted columns and decimal commas
    let s = read("\u{feff}scenario;\"total\"\na;1,5\n").unwrap();
    assert_eq!(s.list[0].overrides, vec![("total".to_string(), 1.5)]);
    assert_eq!(codes("total\n\"1\n"), vec![code::DATA_CSV_QUOTE]);
    let help = read("totl\n1\n").unwrap_err()[0].help.clone();
    assert_eq!(help.as_deref(), Some("did you mean `total`?"));
}

#[test]
fn table_rows_follow_the_scenarios() {
    let s = read("scenario,total\na,1\nb,2\nc,3\n").unwrap();
    let sol = |status: &str, v: f64| {
        json!({"status": status, "objective": {"value": v, "best_bound": null},
               "variables": {"x": {"R1": v, "R2": 0.0}, "y": 2.0, "net.z": 1.0}})
    };
    let results = vec![
        Some(Finished {
            exit_code: 0,
            seconds: Some(1.5),
            solution: Some(sol("optimal", 4.0)),
            message: None,
        }),
        Some(Finished {
            exit_code: 1,
            seconds: None,
            solution: None,
            message: Some("error: x".into()),
        }),
        None,
    ];
    let t = build_table("m.rmod", &s, &results, None, false);
    assert_eq!(
        render_csv(&t),
        "scenario,total,status,exit_code,objective,best_bound,x[R1],x[R2],y\n\
         a,1.0,optimal,0,4.0,,4.0,0.0,2.0\n\
         b,2.0,error,1,,,,,\n\
         c,3.0,missing,,,,,,\n"
    );
    let vars = vec!["y".to_string()];
    let t = build_table("m.rmod", &s, &results, Some(&vars), true);
    let csv = render_csv(&t);
    assert!(csv.starts_with("scenario,total,status,exit_code,objective,best_bound,seconds,y\na,1.0,optimal,0,4.0,,1.5,2.0\n"), "{csv}");
    assert_eq!(t.doc["scenarios"][1]["error"], "error: x");
}

#[test]
fn done_files_and_scripts() {
    let d = Done {
        exit_code: 2,
        key: "abc".into(),
        seconds: Some(0.5),
    };
    assert_eq!(Done::parse(&d.to_text()), Some(d));
    let from_job = Done::parse("exit_code=0\nkey=k\nstart=10.25\nend=12.5\n").unwrap();
    assert_eq!(from_job.seconds, Some(2.25));
    assert_eq!(Done::parse("key=k\n"), None);
    assert_eq!(stem(0, 3), "0001");
    assert_eq!(stem(11999, 12000), "12000");
    assert!(slurm_script("/d", 7).contains("#SBATCH --array=1-7\n"));
    let args = vec!["solve".to_string(), "it's.rmod".to_string()];
    let job = job_script(&Job {
        rmod: "/bin/rmod",
        cwd: "/w",
        args: &args,
        out: "/d/out",
        stem: "0002",
        scenario: "b",
        key: "k",
    });
    assert!(
        job.contains("'/bin/rmod' 'solve' 'it'\\''s.rmod' -o '/d/out/0002.json'"),
        "{job}"
    );
    assert_ne!(scenario_key("m", &args), scenario_key("m2", &args));
}
