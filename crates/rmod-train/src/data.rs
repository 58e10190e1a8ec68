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

/// Reads `inputs` and `outputs` (header names) from CSV `text`.
pub fn read_table(
    file: FileId,
    name: &str,
    text: &str,
    inputs: &[String],
    outputs: &[String],
) -> Result<Table, Diagnostic> {
    let mut offset = 0usize;
    let mut lines = text.split_inclusive('\n').map(|l| {
        let start = offset;
        offset += l.len();
        (start, l.trim_end_matches(['\n', '\r']))
    });
    let (hstart, header) = lines
        .by_ref()
        .find(|(_, l)| !l.trim().is_empty())
        .ok_or_else(|| {
            Diagnostic::error(code::DATA_CSV_ROW, format!("{name} is empty"))
                .with_help("the first line names the columns, e.g. `feed,T,conv`")
        })?;
    let cols: Vec<(usize, &str)> = split_cells(hstart, header);
    let mut idx = Vec::new();
    for want in inputs.iter().chain(outputs) {
        match cols.iter().position(|(_, c)| c.trim() == want) {
            Some(i) => idx.push(i),
            None => {
                let names: Vec<&str> = cols.iter().map(|(_, c)| c.trim()).collect();
                let help = match rmod_diagnostics::did_you_mean(want, names.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`? the header has {}", names.join(", ")),
                    None => format!("the header has {}", names.join(", ")),
                };
                return Err(err(
                    code::DATA_CSV_MISSING_COLUMN,
                    format!("{name} has no column `{want}`"),
                    Span::new(file, hstart, hstart + header.len()),
                    "header",
                    help,
                ));
            }
        }
    }
    let mut x = Vec::new();
    let mut y = Vec::new();
    for (row, (start, line)) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let cells = split_cells(start, line);
        let mut vals = Vec::with_capacity(idx.len());
        for (k, i) in idx.iter().enumerate() {
            let col = if k < inputs.len() {
                &inputs[k]
            } else {
                &outputs[k - inputs.len()]
            };
            let Some((cstart, cell)) = cells.get(*i) else {
                return Err(err(
                    code::DATA_CSV_ROW,
                    format!(
                        "row {} of {name} has {} cells, the header {}",
                        row + 2,
                        cells.len(),
                        cols.len()
                    ),
                    Span::new(file, start, start + line.len()),
                    "short row",
                    "give every row a value for every column".into(),
                ));
            };
            let span = Span::new(file, *cstart, cstart + cell.len());
            let v: f64 = match cell.trim().parse() {
                Ok(v) => v,
                Err(_) => {
                    return Err(err(
                        code::DATA_CSV_BAD_VALUE,
                        format!(
                            "row {}, column `{col}` of {name}: `{}` is not a number",
                            row + 2,
                            cell.trim()
                        ),
                        span,
                        "not a number",
                        "training data must be numeric".into(),
                    ))
                }
            };
            if !v.is_finite() {
                return Err(err(
                    code::DATA_CSV_BAD_VALUE,
                    format!("row {}, column `{col}` of {name} is {v}", row + 2),
                    span,
                    "not finite",
                    "remove or repair rows with NaN or infinite values".into(),
                ));
            }
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

/// Cells of one line with their byte offsets.
fn split_cells(start: usize, line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut pos = start;
    for cell in line.split(',') {
        out.push((pos, cell));
        pos += cell.len() + 1;
    }
    out
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
        assert!(e.message.contains("row 2, column `b`"), "{}", e.message);
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
