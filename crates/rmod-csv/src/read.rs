//! Text to records: the byte order mark, the separator from the header, quoted fields, CRLF and
//! blank lines; a quote that is never closed, or text after a closing quote, is an error.

use rmod_diagnostics::{code, Diagnostic, FileId, Span};

use crate::{Cell, Row, Table};

/// Reads CSV `text` (file `file`, shown as `name`). Blank lines are skipped anywhere; the first
/// record is the header. Errors: a quoted field without its closing quote, or with text
/// between its closing quote and the next separator (`rmod::data::csv_quote`).
pub fn parse(file: FileId, name: &str, text: &str) -> Result<Table, Diagnostic> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let separator = detect(&text.as_bytes()[start..]);
    let mut reader = Reader {
        file,
        name,
        text,
        sep: separator as u8,
        i: start,
        line: 1,
    };
    let mut records = Vec::new();
    while reader.i < text.len() {
        let row = reader.record()?;
        let blank = row.cells.len() == 1 && !row.cells[0].quoted && row.cells[0].text.is_empty();
        if !blank {
            records.push(row);
        }
    }
    let mut it = records.into_iter();
    let (header, header_span) = match it.next() {
        Some(r) => (r.cells, r.span),
        None => (Vec::new(), Span::new(file, start, start)),
    };
    Ok(Table {
        name: name.to_string(),
        header,
        header_span,
        rows: it.collect(),
        separator,
    })
}

/// The separator that occurs most often outside quotes in the first non-blank line: `,`, `;`
/// or tab (a tie goes to that order; none at all: `,`, a one-column file).
fn detect(bytes: &[u8]) -> char {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    let mut seen = false;
    for &b in bytes {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted && seen => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
        if !b.is_ascii_whitespace() {
            seen = true;
        }
    }
    let best = (0..3)
        .rev()
        .max_by_key(|k| counts[*k])
        .filter(|k| counts[*k] > 0);
    match best {
        Some(1) => ';',
        Some(2) => '\t',
        _ => ',',
    }
}

struct Reader<'a> {
    file: FileId,
    name: &'a str,
    text: &'a str,
    sep: u8,
    /// the next byte to read
    i: usize,
    /// the line of byte `i` (1-based)
    line: usize,
}

impl Reader<'_> {
    /// A space, or a tab when tab is not the separator.
    fn is_blank(&self, b: Option<&u8>) -> bool {
        matches!(b, Some(b' ')) || (b == Some(&b'\t') && self.sep != b'\t')
    }

    fn byte(&self, i: usize) -> Option<u8> {
        self.text.as_bytes().get(i).copied()
    }

    /// One record from `self.i`, which it leaves after the record's line break.
    fn record(&mut self) -> Result<Row, Diagnostic> {
        let line = self.line;
        let start = self.i;
        let mut cells = Vec::new();
        loop {
            cells.push(self.field(line)?);
            match self.byte(self.i) {
                Some(b) if b == self.sep => self.i += 1,
                _ => break,
            }
        }
        let mut end = self.i;
        if end > start && self.byte(end - 1) == Some(b'\r') {
            end -= 1;
        }
        if self.byte(self.i) == Some(b'\n') {
            self.i += 1;
            self.line += 1;
        }
        Ok(Row {
            line,
            cells,
            span: Span::new(self.file, start, end.max(start)),
        })
    }

    /// One field from `self.i`, which it leaves at the separator, the line break or the end.
    fn field(&mut self, record_line: usize) -> Result<Cell, Diagnostic> {
        let bytes = self.text.as_bytes();
        let mut j = self.i;
        while self.is_blank(bytes.get(j)) {
            j += 1;
        }
        if bytes.get(j) == Some(&b'"') {
            return self.quoted(j, record_line);
        }
        let mut k = self.i;
        while k < bytes.len() && bytes[k] != self.sep && bytes[k] != b'\n' {
            k += 1;
        }
        let raw = &self.text[self.i..k];
        let lead = raw.len() - raw.trim_start().len();
        let trimmed = raw.trim();
        let from = self.i + lead;
        let cell = Cell {
            text: trimmed.to_string(),
            span: Span::new(self.file, from, from + trimmed.len()),
            quoted: false,
        };
        self.i = k;
        Ok(cell)
    }

    /// A quoted field whose opening quote is at `open`.
    fn quoted(&mut self, open: usize, record_line: usize) -> Result<Cell, Diagnostic> {
        let bytes = self.text.as_bytes();
        let mut text = String::new();
        let mut k = open + 1;
        let mut piece = k;
        let close = loop {
            match bytes.get(k) {
                None => {
                    return Err(Diagnostic::error(
                        code::DATA_CSV_QUOTE,
                        format!(
                            "{}: the quoted field that starts on line {record_line} is never closed",
                            self.name
                        ),
                    )
                    .with_label(Span::new(self.file, open, open + 1), "this quote has no closing quote")
                    .with_help("close the field with `\"`; write a quote inside a quoted field as `\"\"`"));
                }
                Some(b'"') if bytes.get(k + 1) == Some(&b'"') => {
                    text.push_str(&self.text[piece..=k]);
                    k += 2;
                    piece = k;
                }
                Some(b'"') => {
                    text.push_str(&self.text[piece..k]);
                    break k;
                }
                Some(b'\n') => {
                    self.line += 1;
                    k += 1;
                }
                Some(_) => k += 1,
            }
        };
        let mut after = close + 1;
        while self.is_blank(bytes.get(after)) {
            after += 1;
        }
        match bytes.get(after) {
            None | Some(b'\n') => {}
            Some(b'\r') if matches!(bytes.get(after + 1), None | Some(b'\n')) => {}
            Some(b) if *b == self.sep => {}
            Some(_) => {
                let end = self.text[after..]
                    .find(|c: char| c as u32 == self.sep as u32 || c == '\n' || c == '\r')
                    .map_or(self.text.len(), |e| after + e);
                return Err(Diagnostic::error(
                    code::DATA_CSV_QUOTE,
                    format!("{}: text after the closing quote of a field on line {}", self.name, self.line),
                )
                .with_label(Span::new(self.file, after, end), "after the closing quote")
                .with_label(Span::new(self.file, open, close + 1), "the quoted field")
                .with_help("put the whole field in quotes, e.g. `\"5\"\" pipe\"` for 5\" pipe, or end the field at the quote"));
            }
        }
        self.i = after;
        Ok(Cell {
            text,
            span: Span::new(self.file, open, close + 1),
            quoted: true,
        })
    }
}
