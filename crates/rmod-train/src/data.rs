//! Training data from CSV text with a header: chosen input and output columns, every cell a
//! finite number; errors point at the row and column.

use rmod_diagnostics::code;

use rmod_diagnostics::{Diagnostic, FileId, Span};

/// Selected columns of a CSV file, row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub inputs: Vec<String>,
    pub outputs: Vec<String>,
    /// one row per sample: inputs then outputs
    pub x: Vec<Vec<f64>>,
    pub y: Vec<Vec<f64>>,
}

fn err(
    code: rmod_diagnostics::Code,
    msg: String,
    span: Span,
    label: &str,
    help: String,
) -> Diagnostic {
    Diagnostic::error(code, msg)
        .with_label(span, label.to_string())
        .with_help(help)
}

/// Reads `inputs` and `outputs` (header names) from CSV `text` (read by `rmod_csv`: BOM,
/// `,`/`;`/tab separators, quoted fields, a decimal comma in `;` files).
pub fn read_table(
    file: FileId,
    name: &str,
    text: &str,
    inputs: &[String],
    outputs: &[String],
) -> Result<Table, Diagnostic> {
    let table = rmod_csv::parse(file, name, text)?;
    if table.header.is_empty() {
        return Err(
            Diagnostic::error(code::DATA_CSV_ROW, format!("{name} is empty"))
                .with_help("the first line names the columns, e.g. `feed,T,conv`"),
        );
    }
    let names = table.names();
    let mut idx = Vec::new();
    for want in inputs.iter().chain(outputs) {
        match table.column(want) {
            Some(i) => idx.push(i),
            None => {
                let help = match rmod_diagnostics::did_you_mean(want, names.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`? the header has {}", names.join(", ")),
                    None => format!("the header has {}", names.join(", ")),
                };
                return Err(err(
                    code::DATA_CSV_MISSING_COLUMN,
                    format!("{name} has no column `{want}`"),
                    table.header_span,
                    "header",
                    help,
                ));
            }
        }
    }
    let mut x = Vec::new();
    let mut y = Vec::new();
    for row in &table.rows {
        table.check_width(row)?;
        let mut vals = Vec::with_capacity(idx.len());
        for i in &idx {
            let cell = &row.cells[*i];
            let Some(v) = table.number(&cell.text) else {
                let what = if cell.text.trim().parse::<f64>().is_ok() {
                    (
                        "is not finite",
                        "not finite",
                        "remove or repair rows with NaN or infinite values",
                    )
                } else {
                    (
                        "is not a number",
                        "not a number",
                        "training data must be numeric",
                    )
                };
                return Err(err(
                    code::DATA_CSV_BAD_VALUE,
                    format!("{name}: {}: `{}` {}", table.at(row, *i), cell.text, what.0),
                    cell.span,
                    what.1,
                    what.2.into(),
                ));
            };
            vals.push(v);
        }
        y.push(vals.split_off(inputs.len()));
        x.push(vals);
    }
    Ok(Table {
        inputs: inputs.to_vec(),
        outputs: outputs.to_vec(),
        x,
        y,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn reads_selected_columns() {
        let t = read_table(
            FileId(1),
            "d.csv",
            "a,b,c\n1,2,3\n4,5,6\n",
            &names(&["c", "a"]),
            &names(&["b"]),
        )
        .unwrap();
        assert_eq!(t.x, vec![vec![3.0, 1.0], vec![6.0, 4.0]]);
        assert_eq!(t.y, vec![vec![2.0], vec![5.0]]);
    }

    #[test]
    fn semicolons_bom_quotes_and_decimal_commas() {
        let t = read_table(
            FileId(1),
            "d.csv",
            "\u{feff}\"x 1\";y\r\n1,5;\"2\"\r\n\r\n-3;4,25\r\n",
            &names(&["x 1"]),
            &names(&["y"]),
        )
        .unwrap();
        assert_eq!(t.x, vec![vec![1.5], vec![-3.0]]);
        assert_eq!(t.y, vec![vec![2.0], vec![4.25]]);
    }

    #[test]
    fn errors_name_row_and_column() {
        let e = read_table(
            FileId(1),
            "d.csv",
            "a,b\n1,x\n",
            &names(&["a"]),
            &names(&["b"]),
        )
        .unwrap_err();
        assert_eq!(e.code, code::DATA_CSV_BAD_VALUE);
        assert!(
            e.message.contains("field 2 (`b`) of line 2"),
            "{}",
            e.message
        );
        let e = read_table(
            FileId(1),
            "d.csv",
            "a,b\n1,NaN\n",
            &names(&["a"]),
            &names(&["b"]),
        )
        .unwrap_err();
        assert!(e.message.contains("NaN"), "{}", e.message);
        let e = read_table(
            FileId(1),
            "d.csv",
            "a,b\n1,2\n",
            &names(&["a"]),
            &names(&["bb"]),
        )
        .unwrap_err();
        assert_eq!(e.code, code::DATA_CSV_MISSING_COLUMN);
        let e = read_table(
            FileId(1),
            "d.csv",
            "a,b\n1\n",
            &names(&["a"]),
            &names(&["b"]),
        )
        .unwrap_err();
        assert_eq!(e.code, code::DATA_CSV_ROW);
    }
}
