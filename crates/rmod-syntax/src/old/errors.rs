//! Syntax errors and recovery: the `unexpected_token` diagnostic with its helps, and skipping to
//! the next statement.

use rmod_diagnostics::Diagnostic;

use super::{Failed, Parser};
use crate::lexer::Tok;

impl Parser<'_> {
    pub(super) fn error_expected(&mut self, what: &str) -> Failed {
        let found = self.peek().clone();
        let span = self.span();
        let mut d = Diagnostic::error(
            "rmod::syntax::unexpected_token",
            format!("expected {what}, found {}", found.describe()),
        )
        .with_label(span, format!("expected {what}"));
        let prev = self.pos.checked_sub(1).map(|p| &self.toks[p].tok);
        d = match (&found, prev) {
            (Tok::Ident(_), Some(Tok::Number(_))) => {
                d.with_help("write a product with `*`, e.g. `2 * x`")
            }
            (_, Some(Tok::Punct(_) | Tok::Ident(_) | Tok::Number(_) | Tok::Str(_)))
                if what == "`;`" =>
            {
                let prev_span = self.prev_span();
                d.labels.push(rmod_diagnostics::Label {
                    span: prev_span,
                    message: "the statement should end after this".into(),
                });
                d.with_help("end every statement with `;`")
            }
            (Tok::Eof, _) => d.with_help("the file ended in the middle of a statement"),
            (Tok::Keyword(k), _) => d.with_help(format!(
                "`{k}` is a reserved word; choose another name or check the statement before it"
            )),
            _ => d,
        };
        self.diags.push(d);
        Failed
    }

    pub(super) fn recover(&mut self) {
        let mut depth: i32 = 0;
        loop {
            match self.peek() {
                Tok::Eof => return,
                Tok::Punct("(" | "[" | "{") => depth += 1,
                Tok::Punct(")" | "]" | "}") => depth = (depth - 1).max(0),
                Tok::Punct(";") if depth == 0 => {
                    self.bump();
                    return;
                }
                Tok::Keyword(
                    "set" | "param" | "var" | "net" | "subject" | "minimize" | "maximize"
                    | "option",
                ) if depth == 0 && self.pos > 0 => return,
                _ => {}
            }
            self.bump();
        }
    }
}
