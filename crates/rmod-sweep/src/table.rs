//! The results table: one row per scenario, in the scenario file's order, built from what each
//! finished scenario left (its `rmod-solution` JSON and its exit code), as CSV or JSON.

use serde_json::{json, Map, Value};

use crate::Scenarios;

/// What a finished scenario left behind.
#[derive(Clone, Debug, Default)]
pub struct Finished {
    /// the exit code of its `rmod solve`
    pub exit_code: i32,
    /// wall-clock seconds of its solve, when known
    pub seconds: Option<f64>,
    /// its `rmod-solution` document (none when the solve wrote none: a compile error)
    pub solution: Option<Value>,
    /// the first error line of its diagnostics, when it wrote no solution
    pub message: Option<String>,
}

/// The rows of the results, as JSON values (CSV is rendered from them).
pub struct SweepTable {
    pub doc: Value,
    /// the variable columns (`feed[R1]`, `T`), in order
    pub var_columns: Vec<String>,
    pub param_columns: Vec<String>,
    pub timings: bool,
}

/// The variables of a solution as `(column, value)`: `x`, `feed[R1]`, `ship[seattle,new-york]`;
/// only the declarations `vars` names (all the model declares when `None`; generated ones,
/// with a `.` in their name, never).
fn flat_vars(solution: &Value, vars: Option<&[String]>) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let Some(all) = solution.get("variables").and_then(Value::as_object) else {
        return out;
    };
    let mut push = |decl: &str, v: &Value| match v {
        Value::Object(m) => {
            for (k, x) in m {
                out.push((format!("{decl}[{k}]"), x.clone()));
            }
        }
        x => out.push((decl.to_string(), x.clone())),
    };
    match vars {
        Some(names) => {
            for n in names {
                if let Some(v) = all.get(n) {
                    push(n, v);
                }
            }
        }
        None => {
            for (decl, v) in all {
                if !decl.contains('.') {
                    push(decl, v);
                }
            }
        }
    }
    out
}

/// The status of a scenario without a solution document: `error` (it ran and failed) or
/// `missing` (no result yet).
pub fn status_of(f: Option<&Finished>) -> String {
    match f {
        None => "missing".into(),
        Some(f) => f
            .solution
            .as_ref()
            .and_then(|s| s.get("status"))
            .and_then(Value::as_str)
            .unwrap_or("error")
            .to_string(),
    }
}

/// Builds the table: `results[i]` is scenario `i`'s result (`None`: missing).
pub fn build(
    model: &str,
    scenarios: &Scenarios,
    results: &[Option<Finished>],
    vars: Option<&[String]>,
    timings: bool,
) -> SweepTable {
    let mut var_columns: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    for (s, r) in scenarios.list.iter().zip(results) {
        let mut row = Map::new();
        row.insert("scenario".into(), json!(s.name));
        let params: Map<String, Value> = s
            .overrides
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        row.insert("parameters".into(), Value::Object(params));
        row.insert("status".into(), json!(status_of(r.as_ref())));
        row.insert(
            "exit_code".into(),
            r.as_ref().map_or(Value::Null, |f| json!(f.exit_code)),
        );
        let sol = r.as_ref().and_then(|f| f.solution.as_ref());
        let obj = sol.and_then(|s| s.get("objective"));
        let field = |k: &str| obj.and_then(|o| o.get(k)).cloned().unwrap_or(Value::Null);
        row.insert("objective".into(), field("value"));
        row.insert("best_bound".into(), field("best_bound"));
        if timings {
            row.insert(
                "seconds".into(),
                r.as_ref()
                    .and_then(|f| f.seconds)
                    .map_or(Value::Null, |x| json!(x)),
            );
        }
        let mut vmap = Map::new();
        if let Some(sol) = sol {
            for (col, v) in flat_vars(sol, vars) {
                if !var_columns.contains(&col) {
                    var_columns.push(col.clone());
                }
                vmap.insert(col, v);
            }
        }
        row.insert("variables".into(), Value::Object(vmap));
        let error = match (r, sol) {
            (Some(_), Some(s)) => s.get("error").cloned(),
            (Some(f), None) => Some(json!(f
                .message
                .clone()
                .unwrap_or_else(|| format!("rmod solve ended with exit code {}", f.exit_code)))),
            (None, _) => None,
        };
        if let Some(e) = error {
            row.insert("error".into(), e);
        }
        rows.push(Value::Object(row));
    }
    let doc = json!({
        "format": "rmod-sweep",
        "version": 1,
        "model": model,
        "scenarios": rows,
    });
    SweepTable {
        doc,
        var_columns,
        param_columns: scenarios.columns.clone(),
        timings,
    }
}

pub fn render_json(t: &SweepTable) -> String {
    let mut text = serde_json::to_string_pretty(&t.doc).unwrap_or_default();
    text.push('\n');
    text
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => csv_field(s),
        Some(v) => csv_field(&v.to_string()),
    }
}

/// `scenario,PARAMS...,status,exit_code,objective,best_bound[,seconds],VARIABLES...`; an empty
/// cell is no value (a parameter the scenario leaves at the model's value, a missing point).
pub fn render_csv(t: &SweepTable) -> String {
    let mut head: Vec<String> = vec!["scenario".into()];
    head.extend(t.param_columns.iter().cloned());
    let fixed: &[&str] = if t.timings {
        &["status", "exit_code", "objective", "best_bound", "seconds"]
    } else {
        &["status", "exit_code", "objective", "best_bound"]
    };
    head.extend(fixed.iter().map(|s| s.to_string()));
    head.extend(t.var_columns.iter().cloned());
    let mut out = head
        .iter()
        .map(|h| csv_field(h))
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    let empty = Vec::new();
    for row in t.doc["scenarios"].as_array().unwrap_or(&empty) {
        let mut cells = vec![cell(row.get("scenario"))];
        cells.extend(
            t.param_columns
                .iter()
                .map(|c| cell(row["parameters"].get(c))),
        );
        cells.extend(fixed.iter().map(|k| cell(row.get(*k))));
        cells.extend(t.var_columns.iter().map(|c| cell(row["variables"].get(c))));
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}
