//! `rmod solve --duals` and `--format csv --wide`: duals checked against re-solves with a moved
//! right-hand side (`(obj(b + h) - obj(b)) / h`), slacks against the data, reduced costs against
//! a re-solve with the column pushed off its bound; the table, JSON and CSV agree.

use serde_json::Value;

use crate::util::{code, rmod, stderr, stdout};

const LP: &str = "tests/models/duals_lp.rmod";
const MILP: &str = "tests/models/duals_milp.rmod";
const NET: &str = "tests/models/duals_net.rmod";

/// `rmod solve MODEL --format json` with `extra` flags, parsed (exit code 0 asserted).
fn solve_json(model: &str, extra: &[&str]) -> Value {
    let mut args = vec!["solve", model, "--format", "json"];
    args.extend_from_slice(extra);
    let o = rmod(&args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("json")
}

fn objective(doc: &Value) -> f64 {
    doc["objective"]["value"].as_f64().expect("objective")
}

/// The constraint `name[index]` of a `--duals` document.
fn constraint<'a>(doc: &'a Value, name: &str, index: &str) -> &'a Value {
    doc["constraints"]
        .as_array()
        .expect("constraints")
        .iter()
        .find(|c| c["name"] == name && c["index"] == index)
        .unwrap_or_else(|| panic!("no constraint {name}[{index}] in {doc}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-7 * (1.0 + b.abs())
}

#[test]
fn lp_duals_equal_the_change_of_the_optimum() {
    let doc = solve_json(LP, &["--duals"]);
    assert_eq!(doc["status"], "optimal");
    assert_eq!(doc["duals_from"], "lp");
    let base = objective(&doc);
    assert!(close(base, 36.0));
    let cap = [("wood", 4.0), ("labour", 12.0), ("paint", 18.0)];
    let usage = |r: &str| -> [f64; 3] {
        match r {
            "wood" => [1.0, 0.0, 1.0],
            "labour" => [0.0, 2.0, 1.0],
            _ => [3.0, 2.0, 1.0],
        }
    };
    let make: Vec<f64> = ["chairs", "tables", "desks"]
        .iter()
        .map(|p| doc["variables"]["make"][p].as_f64().expect("make"))
        .collect();
    for (r, b) in cap {
        let c = constraint(&doc, "capacity", r);
        // activity and slack from the data, independently of rmod
        let act: f64 = usage(r).iter().zip(&make).map(|(a, x)| a * x).sum();
        assert!(close(c["activity"].as_f64().expect("value"), act), "{c}");
        assert!(close(c["slack"].as_f64().expect("value"), b - act), "{c}");
        assert_eq!(c["upper"].as_f64(), Some(b));
        // the dual: the optimum's change when the capacity moves by h
        let h = 0.5;
        let moved = solve_json(LP, &["-D", &format!("cap[{r}]={}", b + h)]);
        let fd = (objective(&moved) - base) / h;
        let dual = c["dual"].as_f64().expect("value");
        assert!(
            close(dual, fd),
            "capacity[{r}]: dual {dual}, finite difference {fd}"
        );
    }
    // Wyndor's shadow prices in closed form
    assert_eq!(
        constraint(&doc, "capacity", "wood")["dual"].as_f64(),
        Some(0.0)
    );
    assert!(close(
        constraint(&doc, "capacity", "labour")["dual"]
            .as_f64()
            .expect("value"),
        1.5
    ));
    assert!(close(
        constraint(&doc, "capacity", "paint")["dual"]
            .as_f64()
            .expect("value"),
        1.0
    ));
    // desks are nonbasic: making h of them changes the optimum by h times the reduced cost
    let rc = doc["reduced_costs"]["make"]["desks"].as_f64().expect("rc");
    assert!(close(rc, 1.0 - (1.5 + 1.0)), "{rc}");
    let pushed = solve_json(LP, &["--fix", "make[desks]=0.5"]);
    assert!(close((objective(&pushed) - base) / 0.5, rc));
    for p in ["chairs", "tables"] {
        assert_eq!(doc["reduced_costs"]["make"][p].as_f64(), Some(0.0));
    }
}

#[test]
fn milp_duals_come_from_the_lp_with_the_integers_fixed() {
    let doc = solve_json(MILP, &["--duals"]);
    assert_eq!(doc["duals_from"], "fixed_milp");
    let base = objective(&doc);
    assert!(close(base, 8.0));
    assert_eq!(doc["variables"]["n"].as_f64(), Some(2.0));
    let meet = constraint(&doc, "meet", "");
    let moved = solve_json(MILP, &["-D", "demand=9.5"]);
    let fd = (objective(&moved) - base) / 0.5;
    assert!(
        close(meet["dual"].as_f64().expect("value"), fd),
        "{meet} vs {fd}"
    );
    assert!(close(fd, 2.0));
    // x = 1 of at most 5: slack 4, dual 0
    let top = constraint(&doc, "top_up", "");
    assert!(close(top["slack"].as_f64().expect("value"), 4.0) && top["dual"].as_f64() == Some(0.0));
    // a fixed integer's reduced cost: c - dual * a = 3 - 2 * 4
    assert!(close(
        doc["reduced_costs"]["n"].as_f64().expect("value"),
        -5.0
    ));
}

#[test]
fn network_rows_are_left_out_and_their_binaries_fixed() {
    let doc = solve_json(NET, &["--duals"]);
    assert_eq!(doc["duals_from"], "fixed_milp");
    assert!(close(objective(&doc), 6.5));
    let names: Vec<&str> = doc["constraints"]
        .as_array()
        .expect("value")
        .iter()
        .map(|c| c["name"].as_str().expect("value"))
        .collect();
    assert!(names.iter().all(|n| !n.contains('.')), "{names:?}");
    let demand = constraint(&doc, "demand", "");
    let moved = solve_json(NET, &["-D", "need=8.5"]);
    let fd = (objective(&moved) - 6.5) / 0.5;
    assert!(
        close(demand["dual"].as_f64().expect("value"), fd) && close(fd, 0.5),
        "{demand} {fd}"
    );
}

/// CSV fields of one line (quotes as rmod writes them).
fn fields(line: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    for ch in line.chars() {
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(ch),
        }
    }
    out.push(cur);
    out
}

#[test]
fn table_and_csv_show_the_json_figures() {
    let doc = solve_json(LP, &["--duals"]);
    let o = rmod(&["solve", LP, "--duals"]);
    assert_eq!(code(&o), 0);
    let table = stdout(&o);
    assert!(table.contains("reduced cost"), "{table}");
    assert!(table.contains("duals      from the LP"), "{table}");
    let labour = table
        .lines()
        .find(|l| l.starts_with("capacity") && l.contains("labour"))
        .expect("labour row");
    let cells: Vec<&str> = labour.split_whitespace().collect();
    // constraint, index, activity, lower, upper, slack, dual
    assert_eq!(
        cells,
        ["capacity", "labour", "12", "-inf", "12", "0", "1.5"]
    );
    let o = rmod(&["solve", LP, "--duals", "--format", "csv"]);
    assert_eq!(code(&o), 0);
    let csv = stdout(&o);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("kind,name,index,value,lower,upper,slack,dual,reduced_cost")
    );
    let mut seen = 0;
    for l in lines {
        let f = fields(l);
        assert_eq!(f.len(), 9, "{l}");
        match f[0].as_str() {
            "constraint" => {
                let c = constraint(&doc, &f[1], &f[2]);
                assert_eq!(f[7].parse::<f64>().ok(), c["dual"].as_f64(), "{l}");
                assert_eq!(f[6].parse::<f64>().ok(), c["slack"].as_f64(), "{l}");
                seen += 1;
            }
            "variable" => {
                let rc = doc["reduced_costs"][&f[1]][&f[2]].as_f64();
                assert_eq!(f[8].parse::<f64>().ok(), rc, "{l}");
                seen += 1;
            }
            k => panic!("kind {k}"),
        }
    }
    assert_eq!(seen, 6);
    // without --duals the document keeps its shape
    let plain = solve_json(LP, &[]);
    assert!(plain.get("constraints").is_none() && plain.get("reduced_costs").is_none());
    assert_eq!(plain["version"], 1);
}

#[test]
fn no_duals_without_a_point_is_a_warning() {
    let o = rmod(&["solve", "tests/cases/infeasible.rmod", "--duals"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("rmod::solve::no_duals"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn wide_csv_is_one_row_with_a_column_per_value() {
    let t = "examples/transport/transport.rmod";
    let o = rmod(&["solve", t, "--format", "csv", "--wide"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    let head = fields(lines[0]);
    let row = fields(lines[1]);
    assert_eq!(head.len(), row.len());
    assert_eq!(
        &head[..3],
        ["status", "objective", "ship[seattle,new-york]"]
    );
    assert_eq!(row[0], "optimal");
    assert!(close(row[1].parse().expect("value"), 153.675));
    // the same values as the long CSV, column by column
    let long = stdout(&rmod(&["solve", t, "--format", "csv"]));
    for l in long.lines().skip(1) {
        let f = fields(l);
        let name = format!("{}[{}]", f[0], f[1]);
        let k = head.iter().position(|h| *h == name).expect("column");
        assert_eq!(row[k], f[2], "{name}");
    }
    // --wide is a CSV layout
    assert_eq!(code(&rmod(&["solve", t, "--wide"])), 64);
}
