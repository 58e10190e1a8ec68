//! Indexing expressions: `{i in I, (a, b) in P : filter}`.

use super::{PResult, Parser};
use crate::ast::*;
use crate::lexer::Tok;

impl Parser<'_> {
    /// `{ item, item : filter }`
    pub fn indexing(&mut self) -> PResult<Indexing> {
        let open = self.expect_punct("{")?;
        let mut items = Vec::new();
        loop {
            items.push(self.index_item()?);
            if !self.eat_punct(",") {
                break;
            }
        }
        let filter = if self.eat_punct(":") {
            Some(self.expr()?)
        } else {
            None
        };
        let close = self.expect_punct("}")?;
        Ok(Indexing {
            items,
            filter,
            span: open.to(close),
        })
    }

    fn index_item(&mut self) -> PResult<IndexItem> {
        let start = self.span();
        let mut vars = Vec::new();
        if matches!(self.peek(), Tok::Ident(_)) && matches!(self.peek_at(1), Tok::Keyword("in")) {
            vars.push(self.ident("an index name")?);
            self.bump();
        } else if self.at_punct("(") && self.is_tuple_binder() {
            self.bump();
            loop {
                vars.push(self.ident("an index name")?);
                if !self.eat_punct(",") {
                    break;
                }
            }
            self.expect_punct(")")?;
            self.bump(); // `in`
        }
        let set = self.set_expr()?;
        Ok(IndexItem {
            vars,
            span: start.to(set.span),
            set,
        })
    }

    /// `(a, b, c) in` ahead?
    pub(super) fn is_tuple_binder(&self) -> bool {
        let mut k = 1;
        loop {
            if !matches!(self.peek_at(k), Tok::Ident(_)) {
                return false;
            }
            k += 1;
            match self.peek_at(k) {
                Tok::Punct(",") => k += 1,
                Tok::Punct(")") => return matches!(self.peek_at(k + 1), Tok::Keyword("in")),
                _ => return false,
            }
        }
    }
}
