//! Parameters read from CSV: `param p{S} = csv("file.csv", key = ..., value = ...)`.

use rmod_diagnostics::code;

use std::rc::Rc;

use rmod_diagnostics::{did_you_mean, Diagnostic, Span};
use rmod_ir::Elem;
use rmod_syntax::*;

use super::values::{key_not_in_set, show_key, ParamVal, SetVal};
use super::{Evaluator, Reported, R};

impl Evaluator<'_> {
    pub(super) fn csv_param(&mut self, call: &Expr, index: &Rc<SetVal>, p: &mut ParamVal) -> R<()> {
        let ExprKind::Call(_, args) = &call.kind else {
            return Err(Reported);
        };
        let usage = "write `csv(\"file.csv\", key = \"column\", value = \"column\")`, optionally with `subset = true`";
        let path = self.path_arg(
            args,
            call.span,
            code::DATA_CSV_CALL,
            "`csv` needs the file path as its first argument",
            usage,
        )?;
        let mut key_cols: Option<(Vec<String>, Span)> = None;
        let mut value_col: Option<(String, Span)> = None;
        let mut subset = false;
        for a in &args[1..] {
            let name = a.name.as_ref().map(|n| n.name.as_str());
            if name == Some("subset") {
                match &a.value.kind {
                    ExprKind::Ref(id, sub) if sub.is_empty() && matches!(id.name.as_str(), "true" | "false") => {
                        subset = id.name == "true";
                        continue;
                    }
                    _ => {
                        return Err(self.err(
                            Diagnostic::error(code::DATA_CSV_CALL, "`subset` is `true` or `false`")
                                .with_label(a.value.span, "expected `true` or `false`")
                                .with_help("`subset = true` skips the rows whose key is not in the parameter's index set; without it such a row is an error"),
                        ))
                    }
                }
            }
            let strs: Option<Vec<String>> = match &a.value.kind {
                ExprKind::Str(s) => Some(vec![s.clone()]),
                ExprKind::Tuple(t) => t
                    .iter()
                    .map(|e| {
                        if let ExprKind::Str(s) = &e.kind {
                            Some(s.clone())
                        } else {
                            None
                        }
                    })
                    .collect(),
                _ => None,
            };
            match (name, strs) {
                (Some("key"), Some(cols)) => key_cols = Some((cols, a.value.span)),
                (Some("value"), Some(cols)) if cols.len() == 1 => {
                    value_col = Some((cols[0].clone(), a.value.span))
                }
                _ => {
                    return Err(self.err(
                        Diagnostic::error(code::DATA_CSV_CALL, "unexpected argument to `csv`")
                            .with_label(a.value.span, "expected a column name in quotes")
                            .with_help(usage),
                    ))
                }
            }
        }
        let (Some((key_cols, key_span)), Some((value_col, value_span))) = (key_cols, value_col)
        else {
            return Err(self.err(
                Diagnostic::error(code::DATA_CSV_CALL, "`csv` needs both `key` and `value`")
                    .with_label(call.span, "incomplete call")
                    .with_help(usage),
            ));
        };
        if !index.tuples.is_empty() && key_cols.len() != index.dim {
            return Err(self.err(
                Diagnostic::error(
                    code::DATA_CSV_CALL,
                    format!(
                        "{} key column(s) for a parameter indexed over {} set(s)",
                        key_cols.len(),
                        index.dim
                    ),
                )
                .with_label(key_span, "one key column per index set")
                .with_help("name one column per index, e.g. `key = (\"plant\", \"market\")`"),
            ));
        }
        let (file, _, text) = self.read_file(&path.0, path.1, "data file")?;
        let table = match rmod_csv::parse(file, &path.0, &text) {
            Ok(t) => t,
            Err(d) => return Err(self.err(d.with_label(path.1, "read here"))),
        };
        if table.header.is_empty() {
            return Err(self.err(
                Diagnostic::error(code::DATA_CSV_ROW, format!("`{}` is empty", path.0))
                    .with_label(path.1, "this file has no header")
                    .with_help("the first line must name the columns"),
            ));
        }
        let header = table.names();
        let mut key_idx = Vec::new();
        for (col, span) in key_cols
            .iter()
            .map(|c| (c, key_span))
            .chain(std::iter::once((&value_col, value_span)))
        {
            match table.column(col) {
                Some(i) => key_idx.push(i),
                None => {
                    let mut d = Diagnostic::error(
                        code::DATA_CSV_MISSING_COLUMN,
                        format!("`{}` has no column `{col}`", path.0),
                    )
                    .with_label(span, "not in the header")
                    .with_label(table.header_span, "header");
                    d = match did_you_mean(col, header.iter().copied()) {
                        Some(s) => d.with_help(format!(
                            "did you mean `{s}`? the columns are: {}",
                            header.join(", ")
                        )),
                        None => d.with_help(format!("the columns are: {}", header.join(", "))),
                    };
                    return Err(self.err(d));
                }
            }
        }
        let value_idx = key_idx.pop().unwrap_or(0);
        for row in &table.rows {
            if let Err(d) = table.check_width(row) {
                return Err(self.err(d.with_label(path.1, "read here")));
            }
            let cells = &row.cells;
            let key: Vec<Elem> = key_idx
                .iter()
                .map(|i| elem_from_text(&cells[*i].text))
                .collect();
            let key_span = cells[key_idx[0]]
                .span
                .to(cells[*key_idx.last().unwrap_or(&0)].span);
            if subset && !index.members.contains(&key) {
                continue;
            }
            let vcell = &cells[value_idx];
            if vcell.text.is_empty() {
                continue;
            }
            let Some(v) = table.number(&vcell.text) else {
                let decimal = if table.separator == ';' {
                    "write the value as a decimal number, e.g. 910, 1.5 or 1,5 (a `;` file may use a decimal comma); leave the field empty to use the default"
                } else {
                    "write the value as a decimal number, e.g. 910 or 1.5e3; leave the field empty to use the default"
                };
                return Err(self.err(
                    Diagnostic::error(
                        code::DATA_CSV_BAD_VALUE,
                        format!(
                            "{}: {}: `{}` is not a number",
                            path.0,
                            table.at(row, value_idx),
                            vcell.text
                        ),
                    )
                    .with_label(vcell.span, "expected a finite number")
                    .with_label(path.1, "read here")
                    .with_help(decimal),
                ));
            };
            if !index.members.contains(&key) {
                return Err(self.err(
                    key_not_in_set(&key, key_span, "the parameter", index)
                        .with_label(path.1, "read here")
                        .with_note("`csv(..., subset = true)` skips rows whose key is not in the index set"),
                ));
            }
            if p.map.insert(key.clone(), v).is_some() {
                return Err(self.err(
                    Diagnostic::error(
                        code::DATA_CSV_DUPLICATE_KEY,
                        format!(
                            "{}: key {} appears twice (line {})",
                            path.0,
                            show_key(&key),
                            row.line
                        ),
                    )
                    .with_label(key_span, "second row with this key")
                    .with_label(path.1, "read here")
                    .with_help("remove the duplicate row"),
                ));
            }
        }
        Ok(())
    }
}

fn elem_from_text(s: &str) -> Elem {
    match s.parse::<i64>() {
        Ok(i) => Elem::Int(i),
        Err(_) => Elem::Str(s.to_string()),
    }
}
