//! The parser: nom 8 parsers over the token slice (`parser/input.rs`), with statement-level
//! recovery: a failed statement records its one diagnostic and parsing resumes after the next `;`
//! at bracket depth 0.

use rmod_diagnostics::code;

use nom::{Err, Parser};
use rmod_diagnostics::{Diagnostic, Span};

use crate::ast::*;
use crate::lexer::{Tok, Token};

mod errors;
mod expr;
mod indexing;
mod input;
mod limits;
mod stmt;
#[cfg(test)]
mod tests;
pub use limits::{MAX_CHAIN, MAX_DEPTH};

use input::{punct, PResult, Tokens};

/// Parses every statement of `toks` (the lexer's output, ending in `Eof`): the statements that
/// parsed, and one diagnostic per statement that did not.
pub(crate) fn parse_model(toks: &[Token]) -> (Ast, Vec<Diagnostic>) {
    let mut ast = Ast::default();
    let mut diags = Vec::new();
    let mut i = Tokens::new(toks);
    while !i.at_eof() {
        let start = i.pos();
        match stmt::statement(i) {
            Ok((rest, s)) => {
                ast.stmts.push(s);
                ast.spans.push(i.span().to(rest.prev_span()));
                i = rest;
            }
            Err(e) => {
                let at = match e {
                    Err::Error(e) | Err::Failure(e) => {
                        // every grammar error carries its diagnostic; a bare one would be a bug,
                        // still reported rather than lost
                        let d = e.diag.map_or_else(|| missing(i.at(e.at).span()), |d| *d);
                        diags.push(d);
                        e.at
                    }
                    // the token slice is complete: nom never asks for more
                    Err::Incomplete(_) => start,
                };
                let first = i;
                i = i.at(at);
                if i.pos() == start {
                    i = i.advance(1);
                }
                i = errors::recover(i);
                ast.broken.push(Broken {
                    name: broken_name(first),
                    span: first.span().to(i.prev_span()),
                });
            }
        }
    }
    (ast, diags)
}

/// The name a statement starting at `i` declares, if its first tokens say it.
fn broken_name(i: Tokens) -> Option<Ident> {
    let at = match i.peek() {
        Tok::Keyword("set" | "param" | "var" | "net" | "minimize" | "maximize") => i.advance(1),
        Tok::Keyword("subject") if i.peek_at(1) == &Tok::Keyword("to") => i.advance(2),
        _ => return None,
    };
    match at.peek() {
        Tok::Ident(name) => Some(Ident {
            name: name.clone(),
            span: at.span(),
        }),
        _ => None,
    }
}

fn missing(span: Span) -> Diagnostic {
    Diagnostic::error(
        code::SYNTAX_UNEXPECTED_TOKEN,
        "this statement does not parse",
    )
    .with_label(span, "here")
}

/// `elem, elem, ...` up to (not including) `close`; empty, or with a trailing `,`, allowed.
pub(super) fn list_until<'a, T>(
    mut i: Tokens<'a>,
    close: &'static str,
    elem: impl Fn(Tokens<'a>) -> PResult<'a, T>,
) -> PResult<'a, Vec<T>> {
    let mut out = Vec::new();
    while !i.at_punct(close) {
        let (j, e) = elem(i)?;
        out.push(e);
        match punct(",").parse(j) {
            Ok((j, _)) => i = j,
            Err(_) => return Ok((j, out)),
        }
    }
    Ok((i, out))
}

fn bin(op: BinOp, a: Expr, b: Expr) -> Expr {
    let span = a.span.to(b.span);
    Expr {
        kind: ExprKind::Bin(op, Box::new(a), Box::new(b)),
        span,
    }
}
