//! The parser's nom input and error: `Tokens` (a position in the token slice, with the statement's
//! operand count), `SyntaxError` (a diagnostic and where the parse stopped), and the token matchers.

use std::iter::Enumerate;
use std::slice::Iter;

use nom::error::{ErrorKind, ParseError};
use nom::{IResult, Input, Needed};
use rmod_diagnostics::{Diagnostic, Span};

use crate::ast::Ident;
use crate::lexer::{Tok, Token};

/// nom's input: the whole token stream (ending in `Eof`) and a position in it. The position never
/// moves past `Eof`, so every parser can look at the next token and at the one before.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tokens<'a> {
    toks: &'a [Token],
    pos: usize,
    /// binary-operator operands in the statement so far (see [`super::MAX_CHAIN`])
    operands: usize,
}

impl<'a> Tokens<'a> {
    /// `toks` is the lexer's output: never empty, `Eof` last.
    pub fn new(toks: &'a [Token]) -> Self {
        Tokens {
            toks,
            pos: 0,
            operands: 0,
        }
    }
    pub fn operands(&self) -> usize {
        self.operands
    }
    /// The same position with another operand count.
    pub fn with_operands(self, operands: usize) -> Self {
        Tokens { operands, ..self }
    }
    pub fn pos(&self) -> usize {
        self.pos
    }
    /// The same stream at another position (clamped to `Eof`).
    pub fn at(self, pos: usize) -> Self {
        Tokens {
            pos: pos.min(self.toks.len().saturating_sub(1)),
            ..self
        }
    }
    pub fn advance(self, n: usize) -> Self {
        self.at(self.pos + n)
    }
    pub fn token_at(&self, pos: usize) -> Option<&'a Token> {
        self.toks.get(pos.min(self.toks.len().saturating_sub(1)))
    }
    /// The token `n` ahead (`Eof` past the end).
    pub fn peek_at(&self, n: usize) -> &'a Tok {
        self.token_at(self.pos + n).map_or(&Tok::Eof, |t| &t.tok)
    }
    pub fn peek(&self) -> &'a Tok {
        self.peek_at(0)
    }
    pub fn span(&self) -> Span {
        self.token_at(self.pos)
            .map_or_else(Span::default, |t| t.span)
    }
    /// The token before this position, if any.
    pub fn prev(&self) -> Option<&'a Tok> {
        let p = self.pos.checked_sub(1)?;
        self.toks.get(p).map(|t| &t.tok)
    }
    /// The span of the token before (of the first token at the start).
    pub fn prev_span(&self) -> Span {
        self.token_at(self.pos.saturating_sub(1))
            .map_or_else(Span::default, |t| t.span)
    }
    pub fn at_eof(&self) -> bool {
        matches!(self.peek(), Tok::Eof)
    }
    pub fn at_punct(&self, p: &str) -> bool {
        matches!(self.peek(), Tok::Punct(q) if *q == p)
    }
    pub fn at_kw(&self, k: &str) -> bool {
        matches!(self.peek(), Tok::Keyword(q) if *q == k)
    }
    /// The next token and the input after it.
    pub fn bump(self) -> (Self, Span) {
        (self.advance(1), self.span())
    }
    /// The position of the next `;` (or of `Eof`), brackets not counted.
    pub fn next_semicolon(&self) -> usize {
        let mut k = self.pos;
        while k + 1 < self.toks.len() && !matches!(self.toks[k].tok, Tok::Punct(";")) {
            k += 1;
        }
        k
    }
}

/// nom's view of the input: the tokens from the position on (`Eof` included).
impl<'a> Input for Tokens<'a> {
    type Item = &'a Token;
    type Iter = Iter<'a, Token>;
    type IterIndices = Enumerate<Iter<'a, Token>>;

    fn input_len(&self) -> usize {
        self.toks.len().saturating_sub(self.pos)
    }
    /// The first `index` tokens (without the `Eof` of the whole stream).
    fn take(&self, index: usize) -> Self {
        let end = (self.pos + index).min(self.toks.len());
        Tokens {
            toks: &self.toks[..end],
            ..*self
        }
    }
    fn take_from(&self, index: usize) -> Self {
        self.advance(index)
    }
    fn take_split(&self, index: usize) -> (Self, Self) {
        (self.take_from(index), self.take(index))
    }
    fn position<P>(&self, predicate: P) -> Option<usize>
    where
        P: Fn(Self::Item) -> bool,
    {
        self.iter_elements().position(predicate)
    }
    fn iter_elements(&self) -> Self::Iter {
        self.toks.get(self.pos..).unwrap_or_default().iter()
    }
    fn iter_indices(&self) -> Self::IterIndices {
        self.iter_elements().enumerate()
    }
    fn slice_index(&self, count: usize) -> Result<usize, Needed> {
        let len = self.input_len();
        if len >= count {
            Ok(count)
        } else {
            Err(Needed::new(count - len))
        }
    }
}

/// The parser's error. `Err::Error` (no diagnostic) means "not this construct" and lets `alt`
/// and `opt` try something else; `Err::Failure` carries the statement's one diagnostic.
#[derive(Debug)]
pub(crate) struct SyntaxError {
    pub diag: Option<Box<Diagnostic>>,
    /// the token position where parsing stopped; recovery starts here
    pub at: usize,
}

impl SyntaxError {
    /// A syntax error: the statement fails with this diagnostic, recovery starts at `at`.
    pub fn fail(diag: Diagnostic, at: usize) -> nom::Err<SyntaxError> {
        nom::Err::Failure(SyntaxError {
            diag: Some(Box::new(diag)),
            at,
        })
    }
    /// "Not this construct": lets `alt`, `opt` and `many0` try something else.
    pub fn mismatch(i: &Tokens) -> nom::Err<SyntaxError> {
        nom::Err::Error(SyntaxError {
            diag: None,
            at: i.pos,
        })
    }
}

impl ParseError<Tokens<'_>> for SyntaxError {
    fn from_error_kind(input: Tokens<'_>, _: ErrorKind) -> Self {
        SyntaxError {
            diag: None,
            at: input.pos,
        }
    }
    fn append(_: Tokens<'_>, _: ErrorKind, other: Self) -> Self {
        other
    }
}

pub(crate) type PResult<'a, T> = IResult<Tokens<'a>, T, SyntaxError>;

/// Matches the punctuation `p`, giving its span; a soft error otherwise.
pub(crate) fn punct<'a>(p: &'static str) -> impl Fn(Tokens<'a>) -> PResult<'a, Span> {
    move |i| {
        if i.at_punct(p) {
            Ok(i.bump())
        } else {
            Err(SyntaxError::mismatch(&i))
        }
    }
}

/// Matches the keyword `k`, giving its span; a soft error otherwise.
pub(crate) fn kw<'a>(k: &'static str) -> impl Fn(Tokens<'a>) -> PResult<'a, Span> {
    move |i| {
        if i.at_kw(k) {
            Ok(i.bump())
        } else {
            Err(SyntaxError::mismatch(&i))
        }
    }
}

/// The punctuation `p`, or the statement fails with "expected `p`".
pub(crate) fn expect<'a>(p: &'static str) -> impl Fn(Tokens<'a>) -> PResult<'a, Span> {
    move |i| {
        if i.at_punct(p) {
            Ok(i.bump())
        } else {
            Err(super::errors::expected(&i, &format!("`{p}`")))
        }
    }
}

/// An identifier, or the statement fails with "expected `what`".
pub(crate) fn ident<'a>(what: &'static str) -> impl Fn(Tokens<'a>) -> PResult<'a, Ident> {
    move |i| match i.peek() {
        Tok::Ident(name) => {
            let (i, span) = i.bump();
            Ok((
                i,
                Ident {
                    name: name.clone(),
                    span,
                },
            ))
        }
        _ => Err(super::errors::expected(&i, what)),
    }
}
