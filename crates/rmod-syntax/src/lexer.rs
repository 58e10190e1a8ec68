//! Turns text into tokens; never fails: bad characters become diagnostics and are skipped.

use rmod_diagnostics::code;

use rmod_diagnostics::{Diagnostic, FileId, Span};

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Ident(String),
    Keyword(&'static str),
    Number(f64),
    Str(String),
    Punct(&'static str),
    Eof,
}

impl Tok {
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("identifier `{s}`"),
            Tok::Keyword(k) => format!("keyword `{k}`"),
            Tok::Number(n) => format!("number `{n}`"),
            Tok::Str(s) => format!("string \"{s}\""),
            Tok::Punct(p) => format!("`{p}`"),
            Tok::Eof => "end of file".to_string(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

/// Reserved words; identifiers cannot use them. Kept equal to the list in `grammar/README.md` (a test checks).
pub const KEYWORDS: &[&str] = &[
    "and",
    "binary",
    "continuous",
    "default",
    "diff",
    "else",
    "fix",
    "if",
    "in",
    "integer",
    "inter",
    "maximize",
    "minimize",
    "mod",
    "net",
    "not",
    "option",
    "or",
    "param",
    "prod",
    "set",
    "subject",
    "sum",
    "then",
    "to",
    "union",
    "var",
];

/// Punctuation and operators, longest first.
const PUNCTS: &[&str] = &[
    "..", ":=", "<=", ">=", "==", "!=", "{", "}", "(", ")", "[", "]", ",", ";", ":", "=", "<", ">",
    "+", "-", "*", "/", ".", "^",
];

/// At most this many `invalid_character` errors per file.
const MAX_CHAR_ERRORS: usize = 20;

pub fn lex(file: FileId, text: &str) -> (Vec<Token>, Vec<Diagnostic>) {
    let bytes = text.as_bytes();
    let mut toks = Vec::new();
    let mut diags = Vec::new();
    let mut char_errors = 0;
    let mut i = 0;
    let span = |a: usize, b: usize| Span::new(file, a, b);
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'#' {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if c == b'/' && bytes.get(i + 1) == Some(&b'*') {
            let start = i;
            i += 2;
            loop {
                if i + 1 >= bytes.len() {
                    diags.push(
                        Diagnostic::error(
                            code::SYNTAX_UNTERMINATED_COMMENT,
                            "block comment is never closed",
                        )
                        .with_label(span(start, start + 2), "comment starts here")
                        .with_help("close the comment with `*/`"),
                    );
                    i = bytes.len();
                    break;
                }
                if bytes[i] == b'*' && bytes[i + 1] == b'/' {
                    i += 2;
                    break;
                }
                i += 1;
            }
            continue;
        }
        if c == b'"' {
            let start = i;
            i += 1;
            let mut s = String::new();
            let mut closed = false;
            while i < bytes.len() {
                if bytes[i] == b'"' {
                    closed = true;
                    i += 1;
                    break;
                }
                if bytes[i] == b'\n' {
                    break;
                }
                let ch = text[i..].chars().next().unwrap_or(' ');
                s.push(ch);
                i += ch.len_utf8();
            }
            if !closed {
                diags.push(
                    Diagnostic::error(
                        code::SYNTAX_UNTERMINATED_STRING,
                        "string literal is not closed on its line",
                    )
                    .with_label(span(start, i), "this string has no closing quote")
                    .with_help("add a `\"` at the end of the string"),
                );
            }
            toks.push(Token {
                tok: Tok::Str(s),
                span: span(start, i),
            });
            continue;
        }
        if c.is_ascii_digit()
            || (c == b'.'
                && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
                && bytes.get(i.wrapping_sub(1)) != Some(&b'.'))
        {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            // a fraction, but not the `..` of a range
            if i < bytes.len() && bytes[i] == b'.' && bytes.get(i + 1) != Some(&b'.') {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
            }
            if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
                let mut j = i + 1;
                if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
                    j += 1;
                }
                if j < bytes.len() && bytes[j].is_ascii_digit() {
                    i = j;
                    while i < bytes.len() && bytes[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let lit = &text[start..i];
            match lit.parse::<f64>() {
                Ok(v) if v.is_finite() => toks.push(Token {
                    tok: Tok::Number(v),
                    span: span(start, i),
                }),
                _ => {
                    diags.push(
                        Diagnostic::error(
                            code::SYNTAX_INVALID_NUMBER,
                            format!("`{lit}` is not a finite number"),
                        )
                        .with_label(span(start, i), "not representable as a finite double")
                        .with_help("write a number between -1.7e308 and 1.7e308"),
                    );
                    toks.push(Token {
                        tok: Tok::Number(0.0),
                        span: span(start, i),
                    });
                }
            }
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let word = &text[start..i];
            let tok = match KEYWORDS.iter().find(|k| **k == word) {
                Some(k) => Tok::Keyword(k),
                None => Tok::Ident(word.to_string()),
            };
            toks.push(Token {
                tok,
                span: span(start, i),
            });
            continue;
        }
        if let Some(p) = PUNCTS.iter().find(|p| text[i..].starts_with(**p)) {
            toks.push(Token {
                tok: Tok::Punct(p),
                span: span(i, i + p.len()),
            });
            i += p.len();
            continue;
        }
        let ch = text[i..].chars().next().unwrap_or('?');
        // a run of characters that are not rmod is one error, and a file gets at most
        // MAX_CHAR_ERRORS of them (the output stays linear in the input)
        let start = i;
        let mut end = i + ch.len_utf8();
        while end < bytes.len() && !bytes[end].is_ascii() {
            end += text[end..].chars().next().map_or(1, char::len_utf8);
        }
        i = end;
        char_errors += 1;
        if char_errors > MAX_CHAR_ERRORS {
            continue;
        }
        let help = match ch {
            '\'' => "element names are written in double quotes, e.g. \"R1\"",
            _ => "remove this character",
        };
        let mut d = Diagnostic::error(
            code::SYNTAX_INVALID_CHARACTER,
            if end - start > ch.len_utf8() {
                format!("unexpected characters starting with `{ch}`")
            } else {
                format!("unexpected character `{ch}`")
            },
        )
        .with_label(span(start, end), "not part of the rmod language")
        .with_help(help);
        if char_errors == MAX_CHAR_ERRORS {
            d = d.with_note(format!(
                "further unexpected characters are not reported (at most {MAX_CHAR_ERRORS})"
            ));
        }
        diags.push(d);
    }
    toks.push(Token {
        tok: Tok::Eof,
        span: span(text.len(), text.len()),
    });
    (toks, diags)
}
