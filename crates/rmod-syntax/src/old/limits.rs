//! The parser's nesting and chain limits: deeper input gets `rmod::syntax::too_deep` instead of
//! overflowing the stack.

use rmod_diagnostics::Diagnostic;

use super::{Failed, PResult, Parser};
use crate::lexer::Tok;

/// Deepest nesting of parentheses, `sum`s, unary operators and sets: deeper input gets
/// `rmod::syntax::too_deep` instead of overflowing the stack (the parser, the evaluator and
/// the AST's destructor all recurse).
pub const MAX_DEPTH: usize = 200;
/// Most binary-operator operands in one statement (`a + b + ...`): a chain's tree is as deep
/// as the chain, and every later phase walks it recursively.
pub const MAX_CHAIN: usize = 2_000;

impl Parser<'_> {
    /// Enters one more level of nesting; an error past [`MAX_DEPTH`].
    pub(super) fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.depth -= 1;
            let d = Diagnostic::error(
                "rmod::syntax::too_deep",
                format!("expressions are nested more than {MAX_DEPTH} levels deep here"),
            )
            .with_label(self.span(), "too deep")
            .with_help(
                "split the expression: compute parts as parameters or constraints of their own",
            );
            self.diags.push(d);
            // skip the rest of the statement: every enclosing level fails silently
            self.pos = self.toks.len().saturating_sub(1).min(self.skip_statement());
            return Err(Failed);
        }
        Ok(())
    }

    /// The position of the next `;` (or the end), without moving.
    fn skip_statement(&self) -> usize {
        let mut k = self.pos;
        while k + 1 < self.toks.len() && !matches!(self.toks[k].tok, Tok::Punct(";")) {
            k += 1;
        }
        k
    }

    /// Counts one more operand of a binary chain; an error past [`MAX_CHAIN`].
    pub(super) fn chain(&mut self) -> PResult<()> {
        self.operands += 1;
        if self.operands > MAX_CHAIN {
            let d = Diagnostic::error(
                "rmod::syntax::too_deep",
                format!("a statement chains more than {MAX_CHAIN} operands with binary operators"),
            )
            .with_label(self.span(), "too long")
            .with_help("write the terms as a `sum{...}` over a set, or split the expression");
            self.diags.push(d);
            self.pos = self.skip_statement();
            return Err(Failed);
        }
        Ok(())
    }
}
