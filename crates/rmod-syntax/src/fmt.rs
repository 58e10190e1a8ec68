//! `rmod fmt`: the canonical layout of a model that parses, keeping every comment in place.
//!
//! The formatter works on the lexer's tokens and the trivia between them (`fmt/trivia.rs`), so
//! the formatted text has exactly the tokens of the original, hence the same syntax tree and the
//! same MILP: only whitespace changes. The layout: one statement per line, single spaces between
//! tokens except inside brackets, before `,`, `;`, `:` and around `..`, `.` and `^`, no space
//! after a unary sign or before the `(`, `[` and `{` of a call, subscript or indexing
//! (`fmt/spacing.rs`); a statement longer than [`WIDTH`] columns is broken
//! (`fmt/wrap.rs`); at most one blank line between statements; own-line comments stay on their
//! lines, trailing comments at the end of theirs, aligned in runs of consecutive lines.

mod spacing;
#[cfg(test)]
mod tests;
mod trivia;
mod wrap;

pub use wrap::{INDENT, WIDTH};

use rmod_diagnostics::{Diagnostic, FileId};

use crate::lexer::{lex, Tok, Token};

/// One output line: its code (with its indentation) and its trailing comment.
#[derive(Clone, Debug, Default)]
pub(super) struct Line {
    code: String,
    comment: Option<String>,
}

/// Formats one model file: the canonical text, or the file's syntax errors (a file that does
/// not parse is not formatted). Formatting twice gives the same text as formatting once.
pub fn format(file: FileId, text: &str) -> Result<String, Vec<Diagnostic>> {
    let (_, diags) = crate::parse(file, text);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    // the layout only moves whitespace; should it ever change a token, the text stays as it was
    Ok(layout(text).unwrap_or_else(|| text.to_string()))
}

/// The canonical text of a file the lexer accepts without errors, or `None` if the result
/// would not lex to the same tokens ([`format`] then keeps the text as it was; the tests and
/// the fuzzer look for such inputs).
pub fn layout(text: &str) -> Option<String> {
    // spans are 32-bit offsets
    if u32::try_from(text.len()).is_err() {
        return None;
    }
    let (mut toks, diags) = lex(FileId(0), text);
    if !diags.is_empty() {
        return None;
    }
    toks.pop(); // the end of file
    let n = toks.len();
    let gaps: Vec<trivia::Gap> = (0..=n)
        .map(|k| {
            let start = if k == 0 {
                0
            } else {
                toks[k - 1].span.end as usize
            };
            let end = toks.get(k).map_or(text.len(), |t| t.span.start as usize);
            trivia::scan(text.get(start..end).unwrap_or(""))
        })
        .collect();
    let mut lines: Vec<Line> = Vec::new();
    let mut k = 0;
    loop {
        place_between(&mut lines, &gaps[k], k > 0, k < n);
        if k == n {
            break;
        }
        let end = statement_end(&toks, k);
        lines.extend(wrap::statement(text, &toks[k..=end], &gaps[k..=end]));
        k = end + 1;
    }
    let out = render(&mut lines);
    let (again, diags) = lex(FileId(0), &out);
    let same = diags.is_empty()
        && again.len() == toks.len() + 1
        && again.iter().zip(&toks).all(|(a, b)| a.tok == b.tok);
    same.then_some(out)
}

/// The index of the `;` that ends the statement starting at `k` (the last token if none).
fn statement_end(toks: &[Token], k: usize) -> usize {
    let mut depth = 0usize;
    for (j, t) in toks.iter().enumerate().skip(k) {
        match t.tok {
            Tok::Punct("(" | "[" | "{") => depth += 1,
            Tok::Punct(")" | "]" | "}") => depth = depth.saturating_sub(1),
            Tok::Punct(";") if depth == 0 => return j,
            _ => {}
        }
    }
    toks.len() - 1
}

/// Places the comments between two statements: those on the line of the previous statement's
/// end stay there, the others on lines of their own, with at most one blank line kept
/// wherever the original had one or more.
fn place_between(lines: &mut Vec<Line>, gap: &trivia::Gap, after_stmt: bool, before_stmt: bool) {
    let mut same_line = after_stmt;
    let blank = |lines: &mut Vec<Line>| {
        if lines.last().is_some_and(|l| !l.code.is_empty()) {
            lines.push(Line::default());
        }
    };
    for c in &gap.comments {
        same_line &= c.breaks_before == 0;
        if same_line {
            if let Some(last) = lines.last_mut() {
                match &mut last.comment {
                    Some(t) => {
                        t.push(' ');
                        t.push_str(&c.text);
                    }
                    None => last.comment = Some(c.text.clone()),
                }
                continue;
            }
        }
        if c.breaks_before >= 2 {
            blank(lines);
        }
        lines.push(Line {
            code: c.text.clone(),
            comment: None,
        });
    }
    if before_stmt && gap.breaks_after >= 2 {
        blank(lines);
    }
}

/// The file's text: trailing comments aligned two spaces after the longest code of each run of
/// consecutive lines that have one, and a final line break.
fn render(lines: &mut [Line]) -> String {
    let single =
        |l: &Line| l.comment.as_ref().is_some_and(|c| !c.contains('\n')) && !l.code.contains('\n');
    let mut i = 0;
    while i < lines.len() {
        if !single(&lines[i]) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < lines.len() && single(&lines[j]) {
            j += 1;
        }
        let col = lines[i..j]
            .iter()
            .map(|l| l.code.chars().count())
            .max()
            .unwrap_or(0)
            + 2;
        for l in &mut lines[i..j] {
            let pad = col - l.code.chars().count();
            let c = l.comment.take().unwrap_or_default();
            l.code = format!("{}{:pad$}{c}", l.code, "");
        }
        i = j;
    }
    let mut out = String::new();
    for l in lines.iter() {
        out.push_str(&l.code);
        if let Some(c) = &l.comment {
            out.push_str(if l.code.is_empty() { "" } else { "  " });
            out.push_str(c);
        }
        out.push('\n');
    }
    // no blank line at the end
    while out.ends_with("\n\n") {
        out.pop();
    }
    if out == "\n" {
        out.clear();
    }
    out
}
