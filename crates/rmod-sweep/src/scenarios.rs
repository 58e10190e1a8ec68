//! The scenario CSV: one row per scenario, one column per parameter value it sets (`cap_total`,
//! `cap[R1]`, `cap["R1"]`, `cost[a,b]`), and an optional `scenario` column with its name.
//! Every column is checked against the model's parameters, and every cell, before anything is
//! solved; each error points at its cell.

use rmod_diagnostics::{code, did_you_mean, Diagnostic, FileId};
use rmod_syntax::Stmt;

/// A parameter the model declares, and whether it is indexed.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: String,
    pub indexed: bool,
}

/// The parameters a model's text declares (statements that do not parse are skipped: the
/// solve reports them).
pub fn model_params(text: &str) -> Vec<Param> {
    let (ast, _) = rmod_syntax::parse(FileId(0), text);
    ast.stmts
        .iter()
        .filter_map(|s| match s {
            Stmt::Param(d) => Some(Param {
                name: d.name.name.clone(),
                indexed: d.indexing.is_some(),
            }),
            _ => None,
        })
        .collect()
}

/// One scenario: its name and the overrides it passes (`-D COLUMN=VALUE`; an empty cell
/// keeps the model's value).
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub name: String,
    /// the line of the CSV file it came from (1-based)
    pub line: usize,
    pub overrides: Vec<(String, f64)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scenarios {
    /// the parameter columns, as written (without the `scenario` column)
    pub columns: Vec<String>,
    pub list: Vec<Scenario>,
}

/// The name column.
pub const NAME_COLUMN: &str = "scenario";

/// Reads the scenario CSV (`file` is its id in the caller's `Sources`, for the spans).
pub fn read_scenarios(
    file: FileId,
    text: &str,
    params: &[Param],
) -> Result<Scenarios, Vec<Diagnostic>> {
    let table = rmod_csv::parse(file, "the scenario file", text).map_err(|d| vec![d])?;
    let mut diags = Vec::new();
    if table.header.is_empty() {
        return Err(vec![Diagnostic::error(
            code::DATA_CSV_ROW,
            "the scenario file is empty: it needs a header of parameter names",
        )
        .with_help(
            "write e.g. `scenario,cap[R1],feed_avail` and one line per scenario",
        )]);
    }
    let mut name_col = None;
    // (position in the row, column text)
    let mut cols: Vec<(usize, String)> = Vec::new();
    for (j, cell) in table.header.iter().enumerate() {
        let col = cell.text.trim().to_string();
        if col == NAME_COLUMN {
            if name_col.replace(j).is_some() {
                diags.push(dup_column(&col, cell.span));
            }
            continue;
        }
        if cols.iter().any(|(_, c)| *c == col) {
            diags.push(dup_column(&col, cell.span));
            continue;
        }
        let problem = match rmod_compiler::parse_override_name(&col) {
            Err(msg) => Some((
                msg,
                "write a parameter name, `cap[R1]` or `cost[a,b]`".to_string(),
            )),
            Ok(n) => match params.iter().find(|p| p.name == n.param) {
                None => {
                    let names = params.iter().map(|p| p.name.as_str());
                    let help = match did_you_mean(&n.param, names) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!(
                            "a column names a parameter of the model, or is `{NAME_COLUMN}` (the scenario's name)"
                        ),
                    };
                    Some((
                        format!("column `{col}` names no parameter of the model"),
                        help,
                    ))
                }
                Some(p) if p.indexed && n.key.is_none() => Some((
                    format!("column `{col}`: `{}` is an indexed parameter", p.name),
                    format!("name one value per column, e.g. `{}[KEY]`", p.name),
                )),
                Some(p) if !p.indexed && n.key.is_some() => Some((
                    format!("column `{col}`: `{}` is a scalar parameter", p.name),
                    format!("name the column `{}`", p.name),
                )),
                Some(_) => None,
            },
        };
        match problem {
            Some((msg, help)) => diags.push(
                Diagnostic::error(code::RESOLVE_UNKNOWN_OVERRIDE, msg)
                    .with_label(cell.span, "column of the scenario file")
                    .with_help(help),
            ),
            None => cols.push((j, col)),
        }
    }
    let mut list: Vec<Scenario> = Vec::new();
    for row in &table.rows {
        let (line, cells) = (&row.line, &row.cells);
        if let Err(d) = table.check_width(row) {
            diags.push(d);
            continue;
        }
        let name = match name_col {
            Some(j) if !cells[j].text.trim().is_empty() => cells[j].text.trim().to_string(),
            _ => (list.len() + 1).to_string(),
        };
        if let Some(first) = list.iter().find(|s| s.name == name) {
            let span = name_col.map(|j| cells[j].span).unwrap_or_default();
            diags.push(
                Diagnostic::error(
                    code::DATA_CSV_DUPLICATE_KEY,
                    format!(
                        "scenario `{name}` (line {line}) has the name of the scenario on line {}",
                        first.line
                    ),
                )
                .with_label(span, "second scenario of this name")
                .with_help("give every scenario its own name"),
            );
        }
        let mut overrides = Vec::new();
        for (j, col) in &cols {
            let cell = &cells[*j];
            let t = cell.text.trim();
            if t.is_empty() {
                continue;
            }
            match table.number(t) {
                Some(v) => overrides.push((col.clone(), v)),
                None => diags.push(
                    Diagnostic::error(
                        code::DATA_CSV_BAD_VALUE,
                        format!(
                            "{} of the scenario file: `{t}` is not a finite number",
                            table.at(row, *j)
                        ),
                    )
                    .with_label(cell.span, "not a number")
                    .with_help("parameter values are numbers; leave the cell empty to keep the model's value"),
                ),
            }
        }
        list.push(Scenario {
            name,
            line: *line,
            overrides,
        });
    }
    if list.is_empty() && diags.is_empty() {
        diags.push(
            Diagnostic::error(code::DATA_CSV_ROW, "the scenario file has no scenarios")
                .with_label(
                    table.header.first().map(|c| c.span).unwrap_or_default(),
                    "header only",
                )
                .with_help("add one line per scenario below the header"),
        );
    }
    if diags.is_empty() {
        Ok(Scenarios {
            columns: cols.into_iter().map(|(_, c)| c).collect(),
            list,
        })
    } else {
        Err(diags)
    }
}

fn dup_column(col: &str, span: rmod_diagnostics::Span) -> Diagnostic {
    Diagnostic::error(
        code::RESOLVE_UNKNOWN_OVERRIDE,
        format!("column `{col}` appears twice in the scenario file"),
    )
    .with_label(span, "second column of this name")
    .with_help("keep one of the two columns")
}
