//! The one CSV reader of rmod (the compiler's `csv(...)` parameters, `rmod train`'s data and
//! `rmod sweep`'s scenarios): a UTF-8 byte order mark is skipped, the separator (`,`, `;` or
//! tab) is detected from the header, RFC 4180 quoted fields (separators, `""` and line breaks
//! inside quotes), CRLF and blank lines are read, and every field keeps its byte span so that
//! errors point into the file and name the field by its number and column.

mod fields;
mod read;

pub use read::parse;

use rmod_diagnostics::Span;

/// One field: its text (unquoted and unescaped; an unquoted field is trimmed of spaces) and
/// where it stands in the file (a quoted field's span covers its quotes).
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub text: String,
    pub span: Span,
    pub quoted: bool,
}

/// One record: the 1-based line it starts on (a quoted line break makes a record span
/// several lines), its fields, and its span (without the line break).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<Cell>,
    pub span: Span,
}

/// A CSV file: the header (the first record that is not blank) and the rows after it.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// the file's name, as shown in messages
    pub name: String,
    /// empty when the file has no record at all
    pub header: Vec<Cell>,
    pub header_span: Span,
    pub rows: Vec<Row>,
    /// `,`, `;` or `\t`, detected from the header
    pub separator: char,
}

#[cfg(test)]
mod tests;
