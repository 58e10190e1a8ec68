//! What callers ask of a read table: a column by name, a field named for messages ("field 3
//! (`usd`) of line 7"), the check that a row has one field per column, and numbers (with a
//! decimal comma in `;` files).

use rmod_diagnostics::{code, Diagnostic, Span};

use crate::{Row, Table};

impl Table {
    /// The header's column names.
    pub fn names(&self) -> Vec<&str> {
        self.header.iter().map(|c| c.text.as_str()).collect()
    }

    /// The position of the column named `name` (the first, if two have it).
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|c| c.text == name)
    }

    /// Field `j` (0-based) named for a message: "field 3 (`usd`)" (1-based number, and the
    /// header's name of the column when it has one).
    pub fn field_name(&self, j: usize) -> String {
        match self.header.get(j).filter(|c| !c.text.is_empty()) {
            Some(c) => format!("field {} (`{}`)", j + 1, c.text),
            None => format!("field {}", j + 1),
        }
    }

    /// "field 3 (`usd`) of line 7".
    pub fn at(&self, row: &Row, j: usize) -> String {
        format!("{} of line {}", self.field_name(j), row.line)
    }

    /// A row must have one field per header column (`rmod::data::csv_row`): the error counts
    /// fields and points at the first extra field or at the end of a short row.
    pub fn check_width(&self, row: &Row) -> Result<(), Diagnostic> {
        let (n, want) = (row.cells.len(), self.header.len());
        if n == want {
            return Ok(());
        }
        let cols: Vec<String> = self.names().iter().map(|c| format!("`{c}`")).collect();
        let msg = format!(
            "{}: line {} has {n} field(s), the header has {want} ({})",
            self.name,
            row.line,
            cols.join(", ")
        );
        let d = Diagnostic::error(code::DATA_CSV_ROW, msg);
        let d = if n < want {
            let end = Span::new(row.span.file, row.span.end as usize, row.span.end as usize);
            let missing: Vec<String> = (n..want).map(|j| self.field_name(j)).collect();
            d.with_label(end, format!("{} missing here", missing.join(", ")))
                .with_label(row.span, "this row")
        } else {
            let extra = row.cells[want].span.to(row.cells[n - 1].span);
            d.with_label(
                extra,
                format!("field {} on: the header has no column for it", want + 1),
            )
        };
        let sep = match self.separator {
            '\t' => "tab".to_string(),
            c => format!("`{c}`"),
        };
        Err(d.with_help(format!(
            "give every row one field per header column, separated by {sep}; a field that holds the separator goes in double quotes, e.g. `\"a{}b\"`",
            if self.separator == '\t' { ' ' } else { self.separator }
        )))
    }

    /// The number in a field's `text`: a finite decimal (`910`, `1.5e3`); in a `;`-separated
    /// file a decimal comma is read as the point (`1,5` is 1.5), as spreadsheets in many
    /// locales write it. `None` for anything else, `NaN` and infinities included.
    pub fn number(&self, text: &str) -> Option<f64> {
        let t = text.trim();
        let v = match t.parse::<f64>() {
            Ok(v) => v,
            Err(_) if self.separator == ';' && t.matches(',').count() == 1 && !t.contains('.') => {
                t.replace(',', ".").parse::<f64>().ok()?
            }
            Err(_) => return None,
        };
        v.is_finite().then_some(v)
    }
}
