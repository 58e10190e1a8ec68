//! Renders a solved model for people (a table) and for programs (JSON `rmod-solution` v1, CSV `variable,index,value`); deterministic output.
//! The `--duals` parts are in `sensitivity.rs`, the wide CSV in `wide.rs`.

use std::fmt::Write as _;

use rmod_ir::{ColKind, Model, Sensitivity, Solution};
use serde_json::{json, Map, Value};

mod sensitivity;
mod wide;

pub use sensitivity::{constraint_lines, slack, ConstraintLine};
pub use wide::{render_csv_wide, wide_name};

/// Statistics and verification of one network, over all its uses (or of one use).
#[derive(Clone, Debug, Default)]
pub struct NetLine {
    /// the network name, or the constraint instance for a per-use line
    pub name: String,
    pub file: String,
    pub uses: usize,
    pub layers: usize,
    /// ReLU-type neurons per use
    pub neurons: usize,
    /// summed over uses
    pub stable_active: usize,
    pub stable_inactive: usize,
    pub binaries: usize,
    pub max_m: f64,
    pub median_m: f64,
    pub method: String,
    pub bound_seconds: f64,
    /// hidden neurons unstable under interval arithmetic, and under the bounds used (summed over uses)
    pub ia_unstable: usize,
    pub unstable: usize,
    /// mean pre-activation width: interval arithmetic, and the bounds used (mean over uses)
    pub ia_mean_width: f64,
    pub mean_width: f64,
    /// after a solve: largest absolute and relative mismatch against a forward pass
    pub mismatch: Option<(f64, f64)>,
    /// "network" or "model"
    pub context: String,
    /// bounds of every use came from the cache
    pub cached: bool,
    /// false when the bound budget ran out for some use
    pub complete: bool,
    /// per hidden layer (summed over uses)
    pub per_layer: Vec<rmod_ir::LayerStats>,
}

impl NetLine {
    pub fn stable_share(&self) -> f64 {
        let total = self.neurons * self.uses;
        if total == 0 {
            1.0
        } else {
            (self.stable_active + self.stable_inactive) as f64 / total as f64
        }
    }
}

/// The starting point handed to CBC.
#[derive(Clone, Debug)]
pub struct Start {
    pub objective: f64,
    pub source: &'static str,
    pub candidates: usize,
    pub feasible: usize,
}

/// One of the model's objectives at the reported point: the one optimized, a stage of a
/// lexicographic solve, or one only evaluated.
#[derive(Clone, Debug)]
pub struct ObjLine {
    pub name: String,
    pub sense: rmod_ir::Sense,
    /// the value at the reported point (constant included)
    pub value: Option<f64>,
    /// the 1-based stage of a lexicographic solve and the status it reached; `None`: not
    /// optimized (or the only objective optimized)
    pub stage: Option<(usize, String)>,
}

fn sense_str(s: rmod_ir::Sense) -> &'static str {
    match s {
        rmod_ir::Sense::Minimize => "minimize",
        rmod_ir::Sense::Maximize => "maximize",
    }
}

/// The objective and feasibility at the exact point (network outputs from forward passes).
#[derive(Clone, Debug)]
pub struct Polish {
    pub objective: Option<f64>,
    pub max_violation: f64,
}

/// What the solver returned when its network outputs were off from a forward pass and rmod
/// reported the exact point instead.
#[derive(Clone, Debug)]
pub struct Repaired {
    pub solver_objective: Option<f64>,
    pub solver_status: String,
    /// largest relative mismatch over the networks at the solver's point
    pub solver_mismatch: f64,
}

/// The network lines of the table (shared by `check` and `solve`).
pub fn render_nets(nets: &[NetLine], uses: &[NetLine]) -> String {
    let mut out = String::new();
    for (k, n) in nets.iter().enumerate() {
        let head = if k == 0 { "relu       " } else { "           " };
        let _ = writeln!(
            out,
            "{head}{} x{} ({}): {} layers, {} neurons/use, stable {} active + {} inactive ({:.0}%), {} binaries, M max {} median {}, bounds {} {:.3} s",
            n.name, n.uses, n.file, n.layers, n.neurons, n.stable_active, n.stable_inactive, 100.0 * n.stable_share(), n.binaries, fmt_num(n.max_m), fmt_num(n.median_m), n.method, n.bound_seconds
        );
        if n.method != "ia" {
            let mut notes = vec![format!("{} context", n.context)];
            if n.cached {
                notes.push("reused from the cache".into());
            }
            if !n.complete {
                notes.push("budget ran out: some neurons kept interval bounds".into());
            }
            let _ = writeln!(
                out,
                "           {} tightening ({}): unstable {} -> {}, mean width {} -> {}",
                n.name,
                notes.join(", "),
                n.ia_unstable,
                n.unstable,
                fmt_num(n.ia_mean_width),
                fmt_num(n.mean_width)
            );
            for l in &n.per_layer {
                let _ = writeln!(
                    out,
                    "             layer {}: unstable {} -> {} of {} (binaries saved {}), mean width {} -> {}, {} problems, {:.3} s",
                    l.layer,
                    l.ia_unstable,
                    l.unstable,
                    l.neurons,
                    l.ia_unstable.saturating_sub(l.unstable),
                    fmt_num(l.ia_mean_width),
                    fmt_num(l.mean_width),
                    l.problems,
                    l.seconds
                );
            }
        }
        if let Some((abs, rel)) = n.mismatch {
            let _ = writeln!(
                out,
                "           {} forward-pass check: max mismatch {} (relative {})",
                n.name,
                fmt_num(abs),
                fmt_num(rel)
            );
        }
    }
    if uses.len() > 1 && uses.len() <= 12 {
        for u in uses {
            let _ = writeln!(
                out,
                "             {}: stable {} active + {} inactive of {}, {} binaries, M max {}",
                u.name,
                u.stable_active,
                u.stable_inactive,
                u.neurons,
                u.binaries,
                fmt_num(u.max_m)
            );
        }
    }
    out
}

/// `timings`: include the seconds spent on bounds (they differ between runs).
pub fn net_json(n: &NetLine, timings: bool) -> Value {
    let mut v = json!({
        "name": n.name,
        "file": n.file,
        "uses": n.uses,
        "layers": n.layers,
        "neurons_per_use": n.neurons,
        "stable_active": n.stable_active,
        "stable_inactive": n.stable_inactive,
        "stable_share": n.stable_share(),
        "binaries": n.binaries,
        "max_m": json_num(n.max_m),
        "median_m": json_num(n.median_m),
        "bound_method": n.method,
        "unstable_ia": n.ia_unstable,
        "unstable": n.unstable,
        "mean_width_ia": json_num(n.ia_mean_width),
        "mean_width": json_num(n.mean_width),
        "bound_context": n.context,
        "bounds_cached": n.cached,
        "bounds_complete": n.complete,
        "layers_detail": n.per_layer.iter().map(|l| json!({
            "layer": l.layer,
            "neurons": l.neurons,
            "unstable_ia": l.ia_unstable,
            "unstable": l.unstable,
            "binaries_saved": l.ia_unstable.saturating_sub(l.unstable),
            "mean_width_ia": json_num(l.ia_mean_width),
            "mean_width": json_num(l.mean_width),
            "problems": l.problems,
        })).collect::<Vec<_>>(),
    });
    if timings {
        v["bound_seconds"] = json!(n.bound_seconds);
        for (d, l) in v["layers_detail"]
            .as_array_mut()
            .into_iter()
            .flatten()
            .zip(&n.per_layer)
        {
            d["seconds"] = json!(l.seconds);
        }
    }
    if let Some((abs, rel)) = n.mismatch {
        v["mismatch_abs"] = json_num(abs);
        v["mismatch_rel"] = json_num(rel);
    }
    v
}

/// Everything a report shows.
pub struct Report<'a> {
    pub model_name: &'a str,
    pub model: &'a Model,
    pub solution: &'a Solution,
    /// (phase, seconds), in order
    pub timings: Vec<(&'static str, f64)>,
    /// include timings in JSON (they make the document differ between runs)
    pub json_timings: bool,
    /// show zero values in the table
    pub show_all: bool,
    /// per network, and per use
    pub nets: Vec<NetLine>,
    pub net_uses: Vec<NetLine>,
    pub polish: Option<Polish>,
    /// the solver's own answer, when rmod replaced its point by the exact one
    pub repaired: Option<Repaired>,
    /// why the point is not reported as optimal although the solver said so (empty otherwise)
    pub unproven: Vec<String>,
    /// interchangeable units ordered for the solver: (chains, units)
    pub symmetry: Option<(usize, usize)>,
    /// the starting point handed to CBC, if one was found
    pub incumbent: Option<Start>,
    /// every objective of the model other than the one optimized last, with its value at
    /// the point (empty for a model with at most one objective)
    pub objectives: Vec<ObjLine>,
    /// `--duals`: the constraints table and the reduced costs
    pub duals: Option<&'a Sensitivity>,
    /// inputs of `domain = "data"` network uses on the training data's boundary at the point
    pub data_boundary: Vec<AtBoundary>,
}

/// An input of a network use on a side of its training data's box (`domain = "data"`).
#[derive(Clone, Debug, PartialEq)]
pub struct AtBoundary {
    /// the use, e.g. `model["R1"]`
    pub constraint: String,
    /// the network's name of the input
    pub input: String,
    /// the argument when it is one variable, e.g. `x[2]`
    pub argument: Option<String>,
    /// "lower" or "upper"
    pub side: &'static str,
    pub bound: f64,
    /// the sentence the table shows
    pub text: String,
}

/// Removes solver noise: -0 becomes 0, integer columns are rounded when within 1e-6, tiny values vanish.
pub fn clean_value(v: f64, kind: ColKind) -> f64 {
    let mut v = if v.abs() < 1e-11 { 0.0 } else { v };
    if kind != ColKind::Continuous && (v - v.round()).abs() <= 1e-6 {
        v = v.round();
    }
    if v == 0.0 {
        0.0
    } else {
        v
    }
}

/// Formats a number for people: up to 10 significant digits, no trailing zeros.
pub fn fmt_num(v: f64) -> String {
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if v == v.trunc() && v.abs() < 1e15 {
        return format!("{}", v as i64);
    }
    let s = format!("{:.10e}", v);
    let parsed: f64 = s.parse().unwrap_or(v);
    let a = parsed.abs();
    if (1e-4..1e15).contains(&a) {
        let digits = (9 - a.log10().floor() as i32).max(0) as usize;
        let t = format!("{:.*}", digits, parsed);
        let t = if t.contains('.') {
            t.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            t
        };
        t
    } else {
        format!("{parsed:e}")
    }
}

pub(crate) fn json_num(v: f64) -> Value {
    if v.is_finite() {
        json!(v)
    } else {
        Value::Null
    }
}

/// `6 columns (0 integer, 0 binary), 5 rows, 12 nonzeros`
pub fn model_summary(m: &Model) -> String {
    format!(
        "{} columns ({} integer, {} binary), {} rows, {} nonzeros",
        m.columns.len(),
        m.n_integer(),
        m.n_binary(),
        m.rows.len(),
        m.n_nonzeros()
    )
}

/// Rows of cells as aligned columns: the first `left` columns left-aligned, the others right;
/// trailing spaces trimmed.
pub(crate) fn align(rows: &[Vec<String>], left: usize) -> String {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut width = vec![0usize; n];
    for row in rows {
        for (w, cell) in width.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(k, c)| {
                if k < left {
                    format!("{c:<w$}", w = width[k])
                } else {
                    format!("{c:>w$}", w = width[k])
                }
            })
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
    }
    out
}

pub fn render_table(r: &Report) -> String {
    let m = r.model;
    let s = r.solution;
    let mut out = String::new();
    let _ = writeln!(out, "status     {}", s.status.as_str());
    for why in &r.unproven {
        let _ = writeln!(out, "unproven   {why}");
    }
    if let (Some(o), Some(v)) = (&m.objective, s.objective) {
        let bound = s
            .best_bound
            .map(|b| format!("   (best bound {})", fmt_num(b)))
            .unwrap_or_default();
        let _ = writeln!(out, "objective  {} = {}{bound}", o.name, fmt_num(v));
    }
    for ol in &r.objectives {
        let value = ol.value.map_or("-".into(), fmt_num);
        let what = match &ol.stage {
            Some((k, status)) => format!(
                "stage {k} ({}, {status}; kept within its tolerance)",
                sense_str(ol.sense)
            ),
            None => format!("not optimized ({})", sense_str(ol.sense)),
        };
        let _ = writeln!(out, "also       {} = {value}   {what}", ol.name);
    }
    let _ = writeln!(out, "model      {}", model_summary(m));
    if !r.timings.is_empty() {
        let parts: Vec<String> = r
            .timings
            .iter()
            .map(|(k, t)| format!("{k} {t:.3} s"))
            .collect();
        let _ = writeln!(out, "time       {}", parts.join(", "));
    }
    out.push_str(&render_nets(&r.nets, &r.net_uses));
    for b in &r.data_boundary {
        let _ = writeln!(out, "boundary   {}", b.text);
    }
    if let Some(st) = r.incumbent.as_ref().filter(|st| st.source == "user") {
        let _ = writeln!(
            out,
            "start      user (objective {}) handed to the solver",
            fmt_num(st.objective)
        );
    } else if let Some(st) = &r.incumbent {
        let _ = writeln!(
            out,
            "start      objective {} from the {} point ({} of {} candidates feasible) handed to CBC",
            fmt_num(st.objective),
            st.source,
            st.feasible,
            st.candidates
        );
    }
    if let Some((chains, units)) = r.symmetry {
        let _ = writeln!(
            out,
            "symmetry   {units} interchangeable units (network uses and variables of one index) in {chains} chain(s), ordered by their first variable arguments for the solver"
        );
    }
    if let Some(sp) = &s.split {
        let _ = writeln!(
            out,
            "split      {} cells of the box of {} network input(s): {} closed by LP bound or empty, {} solved as MILPs, {} left open",
            sp.cells, sp.columns, sp.pruned, sp.milps, sp.open
        );
    }
    if s.status.has_point() {
        let _ = writeln!(
            out,
            "check      largest row/bound violation {}",
            fmt_num(m.max_violation(&s.values))
        );
        if let Some(p) = &r.polish {
            let obj = p
                .objective
                .map(|o| format!("objective {} at the exact point, ", fmt_num(o)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "polish     {obj}largest model row/bound violation {}",
                fmt_num(p.max_violation)
            );
        }
        if let Some(rp) = &r.repaired {
            let _ = writeln!(
                out,
                "repaired   CBC's point ({}, objective {}) had network outputs off from a forward pass by {} (relative); shown: the exact point",
                rp.solver_status,
                rp.solver_objective.map_or("-".into(), fmt_num),
                fmt_num(rp.solver_mismatch)
            );
        }
        out.push('\n');
        let duals = r.duals.filter(|d| d.reduced_costs.len() == m.columns.len());
        let mut head = vec!["variable", "index", "value", "lower", "upper"];
        if duals.is_some() {
            head.push("reduced cost");
        }
        let mut rows: Vec<Vec<String>> = vec![head.into_iter().map(String::from).collect()];
        let mut hidden = 0;
        for (j, (c, v)) in m.columns.iter().zip(&s.values).enumerate() {
            let v = clean_value(*v, c.kind);
            let generated = !c.origin.is_model();
            if (v == 0.0 || generated) && !r.show_all {
                hidden += 1;
                continue;
            }
            let mut line = vec![
                c.origin.decl.clone(),
                c.origin.index_key(),
                fmt_num(v),
                fmt_num(c.lower),
                fmt_num(c.upper),
            ];
            if let Some(d) = duals {
                line.push(fmt_num(sensitivity::reduced_cost(d, j)));
            }
            rows.push(line);
        }
        out.push_str(&align(&rows, 2));
        if hidden > 0 {
            let _ = writeln!(
                out,
                "({hidden} variables at 0 or generated for networks not shown; --all shows them)"
            );
        }
        if let Some(d) = duals {
            out.push_str(&sensitivity::render_constraints(m, s, d));
        }
    }
    out
}

/// The `rmod-solution` v1 document. Variables map to a number (scalar) or an object keyed by
/// the index tuple joined with `,` (e.g. `"seattle,new-york"`).
pub fn render_json(r: &Report) -> String {
    let m = r.model;
    let s = r.solution;
    let mut vars = Map::new();
    if s.status.has_point() {
        for (c, v) in m.columns.iter().zip(&s.values) {
            let v = json_num(clean_value(*v, c.kind));
            if c.origin.index.is_empty() {
                vars.insert(c.origin.decl.clone(), v);
            } else if let Value::Object(map) = vars
                .entry(c.origin.decl.clone())
                .or_insert_with(|| Value::Object(Map::new()))
            {
                map.insert(c.origin.index_key(), v);
            }
        }
    }
    let objective = m.objective.as_ref().map(|o| {
        json!({
            "name": o.name,
            "sense": sense_str(o.sense),
            "value": s.objective.map(json_num),
            "best_bound": s.best_bound.map(json_num),
        })
    });
    let mut doc = json!({
        "format": "rmod-solution",
        "version": 1,
        "model": r.model_name,
        "status": s.status.as_str(),
        "objective": objective,
        "variables": vars,
        "stats": {
            "columns": m.columns.len(),
            "integer": m.n_integer(),
            "binary": m.n_binary(),
            "rows": m.rows.len(),
            "nonzeros": m.n_nonzeros(),
        },
        "check": {
            "max_violation": if s.status.has_point() { json_num(m.max_violation(&s.values)) } else { Value::Null },
        },
    });
    if !r.objectives.is_empty() {
        doc["objectives"] = Value::Array(
            r.objectives
                .iter()
                .map(|o| {
                    json!({
                        "name": o.name,
                        "sense": sense_str(o.sense),
                        "value": if s.status.has_point() { o.value.map(json_num) } else { None },
                        "stage": o.stage.as_ref().map(|(k, _)| k),
                        "stage_status": o.stage.as_ref().map(|(_, st)| st),
                    })
                })
                .collect(),
        );
    }
    if !r.nets.is_empty() {
        let t = r.json_timings;
        doc["networks"] = Value::Array(r.nets.iter().map(|n| net_json(n, t)).collect());
        doc["network_uses"] = Value::Array(r.net_uses.iter().map(|n| net_json(n, t)).collect());
    }
    if let Some(st) = &r.incumbent {
        doc["start"] = json!({
            "objective": json_num(st.objective),
            "source": st.source,
            "candidates": st.candidates,
            "feasible": st.feasible,
        });
    }
    if let Some((chains, units)) = r.symmetry {
        doc["symmetry"] = json!({"chains": chains, "units": units});
    }
    if let Some(sp) = &s.split {
        doc["split"] = json!({
            "columns": sp.columns,
            "cells": sp.cells,
            "pruned": sp.pruned,
            "milps": sp.milps,
            "open": sp.open,
        });
    }
    if !r.unproven.is_empty() {
        doc["unproven"] = json!(r.unproven);
    }
    if !r.data_boundary.is_empty() {
        doc["data_boundary"] = Value::Array(
            r.data_boundary
                .iter()
                .map(|b| {
                    json!({
                        "use": b.constraint,
                        "input": b.input,
                        "argument": b.argument,
                        "side": b.side,
                        "bound": json_num(b.bound),
                    })
                })
                .collect(),
        );
    }
    if let Some(rp) = &r.repaired {
        doc["repaired"] = json!({
            "solver_status": rp.solver_status,
            "solver_objective": rp.solver_objective.map(json_num),
            "solver_mismatch_rel": json_num(rp.solver_mismatch),
        });
    }
    if let (Some(p), true) = (&r.polish, s.status.has_point()) {
        doc["polish"] = json!({"objective": p.objective.map(json_num), "max_violation": json_num(p.max_violation)});
    }
    if let rmod_ir::Status::Error(msg) = &s.status {
        doc["error"] = json!(msg);
    }
    if let (Some(d), true) = (r.duals, s.status.has_point()) {
        sensitivity::add_json(&mut doc, m, s, d);
    }
    if r.json_timings {
        let t: Map<String, Value> = r
            .timings
            .iter()
            .map(|(k, v)| (format!("{k}_s"), json!(v)))
            .collect();
        doc["timings"] = Value::Object(t);
        // CBC's simplex iterations vary with the machine's speed under a time limit
        doc["stats"]["cbc_iterations"] = json!(s.iterations);
    }
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

pub(crate) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// `variable,index,value`, one line per column (index components joined with `,`, quoted).
pub fn render_csv(r: &Report) -> String {
    if let (Some(d), true) = (r.duals, r.solution.status.has_point()) {
        return sensitivity::render_csv(r.model, r.solution, d);
    }
    let mut out = String::from("variable,index,value\n");
    if r.solution.status.has_point() {
        for (c, v) in r.model.columns.iter().zip(&r.solution.values) {
            let _ = writeln!(
                out,
                "{},{},{}",
                csv_field(&c.origin.decl),
                csv_field(&c.origin.index_key()),
                clean_value(*v, c.kind)
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_for_people() {
        assert_eq!(fmt_num(153.675), "153.675");
        assert_eq!(fmt_num(1.0 / 3.0), "0.3333333333");
        assert_eq!(fmt_num(1e-7), "1e-7");
        assert_eq!(fmt_num(f64::INFINITY), "inf");
        assert_eq!(fmt_num(-2.0), "-2");
        assert_eq!(fmt_num(275.00000000001), "275");
    }

    #[test]
    fn clean_values() {
        assert_eq!(
            clean_value(-0.0, ColKind::Continuous).to_bits(),
            0f64.to_bits()
        );
        assert_eq!(clean_value(0.9999999, ColKind::Integer), 1.0);
        assert_eq!(clean_value(1e-13, ColKind::Continuous), 0.0);
    }
}
