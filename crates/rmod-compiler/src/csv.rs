//! A small CSV reader that keeps the byte span of every cell, so data errors point into the file.

use rmod_diagnostics::{FileId, Span};

pub struct Cell {
    pub text: String,
    pub span: Span,
}

pub struct Table {
    pub header: Vec<Cell>,
    /// rows with their 1-based line numbers
    pub rows: Vec<(usize, Vec<Cell>)>,
}

/// Splits comma-separated lines; fields may be double-quoted (`""` inside quotes is a quote).
pub fn parse(file: FileId, text: &str) -> Table {
    let mut lines = Vec::new();
    let mut offset = 0;
    for (lineno, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if !line.trim().is_empty() {
            lines.push((lineno + 1, split(file, line, offset)));
        }
        offset += raw.len() + 1;
    }
    let mut it = lines.into_iter();
    let header = it.next().map(|(_, c)| c).unwrap_or_default();
    Table {
        header,
        rows: it.collect(),
    }
}

fn split(file: FileId, line: &str, base: usize) -> Vec<Cell> {
    let mut cells = Vec::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    loop {
        let start = i;
        let mut text = String::new();
        if i < bytes.len() && bytes[i] == b'"' {
            i += 1;
            while i < bytes.len() {
                if bytes[i] == b'"' {
                    if bytes.get(i + 1) == Some(&b'"') {
                        text.push('"');
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                let ch = line[i..].chars().next().unwrap_or(' ');
                text.push(ch);
                i += ch.len_utf8();
            }
            while i < bytes.len() && bytes[i] != b',' {
                i += 1;
            }
        } else {
            while i < bytes.len() && bytes[i] != b',' {
                i += 1;
            }
            text = line[start..i].trim().to_string();
        }
        cells.push(Cell {
            text,
            span: Span::new(file, base + start, base + i),
        });
        if i >= bytes.len() {
            break;
        }
        i += 1;
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_and_spans() {
        let t = parse(FileId(1), "a,b\n\"x,y\", 2\r\n\n3,\"q\"\"\"\n");
        assert_eq!(t.header.len(), 2);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].1[0].text, "x,y");
        assert_eq!(t.rows[0].1[1].text, "2");
        assert_eq!(t.rows[1].0, 4);
        assert_eq!(t.rows[1].1[1].text, "q\"");
        assert_eq!(t.rows[0].1[1].span.start, 10);
    }
}
