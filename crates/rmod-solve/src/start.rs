//! The user's warm start: initial values (`var x := 3;`) and a solution document
//! (`--start FILE.json`), matched to the model's columns, completed by forward passes through
//! the networks and checked against every row before the solver gets it.

use rmod_compiler::{Incumbent, NetUse};
use rmod_diagnostics::{code, Diagnostic, Sources, Span};
use rmod_ir::{ColKind, Model};
use serde_json::Value;

/// Feasibility tolerance of a user start ([`Model::scaled_violation`], as rmod's own start).
const TOL: f64 = 1e-7;

/// The values of a `rmod-solution` document (`rmod solve --format json`) for the model's
/// columns, matched by variable name and index key (`"a,2"`). The file joins `sources` so its
/// diagnostics point into it: errors for text that is not such a document or a value that is
/// not a number, warnings for names and indices the model does not have.
pub fn from_solution(
    model: &Model,
    name: &str,
    text: &str,
    sources: &mut Sources,
) -> (Vec<(u32, f64)>, Vec<Diagnostic>) {
    let file = sources.add(name, text);
    let at = |pointer: &str| {
        let (s, e) = rmod_relu::locate_json(text, pointer).unwrap_or((0, 0));
        Span::new(file, s, e)
    };
    let bad = |msg: String, span: Span, label: &str| {
        Diagnostic::error(code::START_BAD_FILE, msg)
            .with_label(span, label)
            .with_help("`--start` reads the JSON that `rmod solve --format json -o FILE` writes (format \"rmod-solution\"): `variables` maps each name to a number, or an indexed variable to an object keyed by its index (`\"a,2\"`)")
    };
    let doc: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let off = offset(text, e.line(), e.column());
            return (
                Vec::new(),
                vec![bad(
                    format!("`{name}` is not valid JSON: {e}"),
                    Span::new(file, off, off),
                    "here",
                )],
            );
        }
    };
    if doc.get("format").and_then(Value::as_str) != Some("rmod-solution") {
        let span = if doc.get("format").is_some() {
            at("/format")
        } else {
            Span::new(file, 0, 0)
        };
        return (
            Vec::new(),
            vec![bad(
                format!("`{name}` is not an rmod solution document"),
                span,
                "expected \"format\": \"rmod-solution\"",
            )],
        );
    }
    let Some(vars) = doc.get("variables").and_then(Value::as_object) else {
        let span = if doc.get("variables").is_some() {
            at("/variables")
        } else {
            Span::new(file, 0, 0)
        };
        return (
            Vec::new(),
            vec![bad(
                format!("`{name}` has no `variables` object"),
                span,
                "expected an object of variables",
            )],
        );
    };
    let mut diags = Vec::new();
    let mut values = Vec::new();
    for (var, v) in vars {
        let cols: Vec<(u32, String)> = model
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.origin.is_model() && c.origin.decl == *var)
            .map(|(k, c)| (k as u32, c.origin.index_key()))
            .collect();
        let pointer = format!("/variables/{}", escape(var));
        if cols.is_empty() {
            diags.push(
                Diagnostic::warning(
                    code::START_UNKNOWN_NAME,
                    format!("`{name}` sets `{var}`, which is not a variable of the model"),
                )
                .with_label(at(&pointer), "ignored")
                .with_help("the start's variables are matched by name; rename or remove this one"),
            );
            continue;
        }
        let entries: Vec<(String, &Value, String)> = match v {
            Value::Object(map) => map
                .iter()
                .map(|(k, x)| (k.clone(), x, format!("{pointer}/{}", escape(k))))
                .collect(),
            x => vec![(String::new(), x, pointer.clone())],
        };
        for (key, x, ptr) in entries {
            let Some((col, _)) = cols.iter().find(|(_, k)| *k == key) else {
                let what = if key.is_empty() {
                    format!("`{var}` is indexed: give an object keyed by its index")
                } else {
                    format!("`{var}` has no index `{key}`")
                };
                diags.push(
                    Diagnostic::warning(
                        code::START_UNKNOWN_NAME,
                        format!("`{name}`: {what}"),
                    )
                    .with_label(at(&ptr), "ignored")
                    .with_help("indices are the index tuple joined by `,` (`\"a,2\"`), as `rmod solve --format json` writes them"),
                );
                continue;
            };
            match x {
                Value::Null => {}
                Value::Number(n) => match n.as_f64().filter(|f| f.is_finite()) {
                    Some(f) => values.push((*col, f)),
                    None => diags.push(bad(
                        format!("`{name}`: the value of `{var}` is not a finite number"),
                        at(&ptr),
                        "not a finite number",
                    )),
                },
                _ => diags.push(bad(
                    format!("`{name}`: the value of `{var}` is not a number"),
                    at(&ptr),
                    "expected a number",
                )),
            }
        }
    }
    (values, diags)
}

/// A JSON pointer token: `~` and `/` escaped.
fn escape(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// The byte offset of a 1-based line and column.
fn offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}

/// The user's start as a point of the whole model: the given values, every other model column
/// at 0 clamped into its bounds, and every network use completed by forward passes (outputs,
/// neuron columns and binaries from the use's inputs). `Ok` when it satisfies every row and
/// bound (within a scaled 1e-7), else the warning that names the worst violation.
pub fn user_start(
    model: &Model,
    uses: &[NetUse],
    given: &[(u32, f64)],
    span: Option<Span>,
) -> Result<Incumbent, Diagnostic> {
    let mut x: Vec<f64> = model
        .columns
        .iter()
        .map(|c| 0.0_f64.clamp(c.lower.min(c.upper), c.upper.max(c.lower)))
        .collect();
    for &(c, v) in given {
        if let Some(slot) = x.get_mut(c as usize) {
            *slot = v;
        }
    }
    for u in uses {
        rmod_compiler::complete_use(model, u, &mut x);
    }
    if model.scaled_violation(&x) <= TOL {
        return Ok(Incumbent {
            objective: model.objective_value(&x),
            values: x,
            source: "user",
            candidates: 1,
            feasible: 1,
        });
    }
    let (what, by) = worst(model, &x);
    let d = Diagnostic::warning(
        code::START_INFEASIBLE,
        format!("the start violates {what} by {}; it is not used", rmod_report::fmt_num(by)),
    )
    .with_help("change the initial values (`:=`) or the `--start` file so that every constraint and bound holds; the solve goes on without it");
    Err(match span {
        Some(s) => d.with_label(s, "the start"),
        None => d,
    })
}

/// The row or bound the point violates most (on its own scale, as the check) and by how much
/// (in the row's units).
fn worst(model: &Model, x: &[f64]) -> (String, f64) {
    let mut best = (String::from("a row"), 0.0, -1.0);
    for r in &model.rows {
        let a: f64 = r.coeffs.iter().map(|(c, k)| k * x[*c as usize]).sum();
        let v = (r.lower - a).max(a - r.upper);
        let terms = r.coeffs.iter().map(|(c, k)| (k * x[*c as usize]).abs());
        let bounds = [r.lower, r.upper].into_iter().filter(|b| b.is_finite());
        let scale = 1.0 + terms.chain(bounds.map(f64::abs)).fold(0.0, f64::max);
        if v > 0.0 && v / scale > best.2 {
            best = (format!("constraint `{}`", r.origin.display()), v, v / scale);
        }
    }
    for (c, v) in model.columns.iter().zip(x) {
        let out = (c.lower - v).max(v - c.upper);
        let bound = if *v < c.lower { c.lower } else { c.upper };
        if out > 0.0 && out / (1.0 + bound.abs()) > best.2 {
            best = (
                format!("the bounds of `{}`", c.origin.display()),
                out,
                out / (1.0 + bound.abs()),
            );
        }
        if c.kind != ColKind::Continuous && (v - v.round()).abs() > best.2 {
            best = (
                format!("the integrality of `{}`", c.origin.display()),
                (v - v.round()).abs(),
                (v - v.round()).abs(),
            );
        }
    }
    (best.0, best.1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmod_compiler::{compile, CompileRequest, NoFiles};

    fn model(text: &str) -> Model {
        let out = compile(&CompileRequest::new("m.rmod", text, &NoFiles));
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        out.model.unwrap()
    }

    const MIX: &str = "set P = {\"a\", \"b\"}; var n{P} integer in [0, 4]; var s in [0, 9];
        subject to cap: n[\"a\"] + 2 * n[\"b\"] <= 5; maximize g: n[\"a\"] + n[\"b\"] + s;";

    #[test]
    fn matches_names_and_indices() {
        let m = model(MIX);
        let mut sources = Sources::default();
        let text = r#"{"format": "rmod-solution", "variables": {"n": {"a": 1, "b": 2}, "s": 4}}"#;
        let (v, d) = from_solution(&m, "s.json", text, &mut sources);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(v, vec![(0, 1.0), (1, 2.0), (2, 4.0)]);
        let s = user_start(&m, &[], &v, None).expect("feasible");
        assert_eq!(s.objective, 7.0);
        assert_eq!(s.source, "user");
    }

    #[test]
    fn names_the_worst_violation() {
        let m = model(MIX);
        // 3 + 2 * 2 = 7 > 5: the row by 2
        let e = user_start(&m, &[], &[(0, 3.0), (1, 2.0)], None).unwrap_err();
        assert_eq!(e.code, "rmod::start::infeasible");
        assert!(e.message.contains("constraint `cap` by 2"), "{}", e.message);
        // a fractional integer
        let e = user_start(&m, &[], &[(0, 0.5)], None).unwrap_err();
        assert!(
            e.message.contains("integrality of `n[\"a\"]`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn bad_documents_point_at_the_field() {
        let m = model(MIX);
        let mut sources = Sources::default();
        let text = "{\"format\": \"rmod-solution\",\n \"variables\": {\"s\": true}}";
        let (_, d) = from_solution(&m, "s.json", text, &mut sources);
        assert_eq!(d[0].code, "rmod::start::bad_file");
        let span = d[0].labels[0].span;
        assert_eq!(&text[span.start as usize..span.end as usize], "true");
        let (_, d) = from_solution(&m, "t.json", "[1,", &mut sources);
        assert!(d[0].message.contains("not valid JSON"));
    }
}
