//! The parser's nesting and chain limits: deeper input gets `rmod::syntax::too_deep` instead of
//! overflowing the stack.

use rmod_diagnostics::code;

use rmod_diagnostics::Diagnostic;

use super::input::{PResult, SyntaxError, Tokens};

/// Deepest nesting of parentheses, `sum`s, unary operators and sets: deeper input gets
/// `rmod::syntax::too_deep` instead of overflowing the stack (the parser, the evaluator and
/// the AST's destructor all recurse).
pub const MAX_DEPTH: usize = 200;
/// Most binary-operator operands in one statement (`a + b + ...`): a chain's tree is as deep
/// as the chain, and every later phase walks it recursively.
pub const MAX_CHAIN: usize = 2_000;

/// Enters one more level of nesting below `depth`: the new depth, or an error past [`MAX_DEPTH`]
/// that skips the rest of the statement (every enclosing level then fails with it).
pub(super) fn enter(i: &Tokens, depth: usize) -> Result<usize, nom::Err<SyntaxError>> {
    if depth < MAX_DEPTH {
        return Ok(depth + 1);
    }
    let d = Diagnostic::error(
        code::SYNTAX_TOO_DEEP,
        format!("expressions are nested more than {MAX_DEPTH} levels deep here"),
    )
    .with_label(i.span(), "too deep")
    .with_help("split the expression: compute parts as parameters or constraints of their own");
    Err(SyntaxError::fail(d, i.next_semicolon()))
}

/// A parser that counts one more operand of a binary chain; an error past [`MAX_CHAIN`].
pub(super) fn chain(i: Tokens) -> PResult<()> {
    if i.operands() < MAX_CHAIN {
        return Ok((i.with_operands(i.operands() + 1), ()));
    }
    let d = Diagnostic::error(
        code::SYNTAX_TOO_DEEP,
        format!("a statement chains more than {MAX_CHAIN} operands with binary operators"),
    )
    .with_label(i.span(), "too long")
    .with_help("write the terms as a `sum{...}` over a set, or split the expression");
    Err(SyntaxError::fail(d, i.next_semicolon()))
}
