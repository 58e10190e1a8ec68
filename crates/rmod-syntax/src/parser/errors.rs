//! Syntax errors and recovery: the `unexpected_token` diagnostic with its helps, and skipping to
//! the next statement.

use rmod_diagnostics::code;

use rmod_diagnostics::{Diagnostic, Label};

use super::input::{SyntaxError, Tokens};
use crate::lexer::Tok;

/// The statement fails with [`expected_diag`].
pub(super) fn expected(i: &Tokens, what: &str) -> nom::Err<SyntaxError> {
    SyntaxError::fail(expected_diag(i, what), i.pos())
}

/// "expected `what`, found ..." at the next token, with a help chosen from it and the token before.
pub(super) fn expected_diag(i: &Tokens, what: &str) -> Diagnostic {
    let found = i.peek();
    let d = Diagnostic::error(
        code::SYNTAX_UNEXPECTED_TOKEN,
        format!("expected {what}, found {}", found.describe()),
    )
    .with_label(i.span(), format!("expected {what}"));
    match (found, i.prev()) {
        (Tok::Ident(_), Some(Tok::Number(_))) => {
            d.with_help("write a product with `*`, e.g. `2 * x`")
        }
        (_, Some(Tok::Punct(_) | Tok::Ident(_) | Tok::Number(_) | Tok::Str(_)))
            if what == "`;`" =>
        {
            let mut d = d.with_help("end every statement with `;`");
            d.labels.push(Label {
                span: i.prev_span(),
                message: "the statement should end after this".into(),
            });
            d
        }
        (Tok::Eof, _) => d.with_help("the file ended in the middle of a statement"),
        (Tok::Keyword(k), _) => d.with_help(format!(
            "`{k}` is a reserved word; choose another name or check the statement before it"
        )),
        _ => d,
    }
}

/// Skips to just after the next `;` at bracket depth 0, or to the start of an obvious statement.
pub(super) fn recover(mut i: Tokens) -> Tokens {
    let mut depth: i32 = 0;
    loop {
        match i.peek() {
            Tok::Eof => return i,
            Tok::Punct("(" | "[" | "{") => depth += 1,
            Tok::Punct(")" | "]" | "}") => depth = (depth - 1).max(0),
            Tok::Punct(";") if depth == 0 => return i.advance(1),
            Tok::Keyword(
                "set" | "param" | "var" | "net" | "subject" | "minimize" | "maximize" | "option"
                | "fix",
            ) if depth == 0 && i.pos() > 0 => return i,
            _ => {}
        }
        i = i.advance(1);
    }
}
