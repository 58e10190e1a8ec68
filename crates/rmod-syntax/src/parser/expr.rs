//! Expressions, loosest first: `or`, `and`, `not`, comparisons, `+ -`, `* /`, unary `- +`,
//! primaries (numbers, strings, `sum`, references, calls, parentheses and tuples).
//!
//! Each parser takes the nesting `depth` around it (see [`super::MAX_DEPTH`]).

use nom::branch::alt;
use nom::combinator::{opt, value};
use nom::multi::separated_list1;
use nom::{Err, Parser};

use super::errors::expected;
use super::indexing::indexing;
use super::input::{expect, ident, kw, punct, PResult, Tokens};
use super::limits::{chain, enter};
use super::{bin, list_until};
use crate::ast::*;
use crate::lexer::Tok;

/// `operand (op operand)*`, left-associative; every operator counts toward the chain limit.
fn left_assoc<'a>(
    i: Tokens<'a>,
    mut op: impl Parser<Tokens<'a>, Output = BinOp, Error = super::SyntaxError>,
    operand: impl Fn(Tokens<'a>) -> PResult<'a, Expr>,
) -> PResult<'a, Expr> {
    let (mut i, mut lhs) = operand(i)?;
    loop {
        let (j, op) = match op.parse(i) {
            Ok(r) => r,
            Err(Err::Error(_)) => return Ok((i, lhs)),
            Err(e) => return Err(e),
        };
        let (j, ()) = chain(j)?;
        let (j, rhs) = operand(j)?;
        lhs = bin(op, lhs, rhs);
        i = j;
    }
}

pub(super) fn expr(i: Tokens, d: usize) -> PResult<Expr> {
    left_assoc(i, value(BinOp::Or, kw("or")), |i| and_expr(i, d))
}

fn and_expr(i: Tokens, d: usize) -> PResult<Expr> {
    left_assoc(i, value(BinOp::And, kw("and")), |i| not_expr(i, d))
}

fn not_expr(i: Tokens, d: usize) -> PResult<Expr> {
    if !i.at_kw("not") {
        return comparison(i, d);
    }
    // only a nested operator counts as a level
    let d = enter(&i, d)?;
    let (i, start) = i.bump();
    let (i, e) = not_expr(i, d)?;
    let span = start.to(e.span);
    Ok((
        i,
        Expr {
            kind: ExprKind::Not(Box::new(e)),
            span,
        },
    ))
}

fn comparison(i: Tokens, d: usize) -> PResult<Expr> {
    let (i, lhs) = additive(i, d)?;
    let op = alt((
        value(BinOp::Lt, punct("<")),
        value(BinOp::Le, punct("<=")),
        value(BinOp::Gt, punct(">")),
        value(BinOp::Ge, punct(">=")),
        value(BinOp::Eq, punct("==")),
        value(BinOp::Ne, punct("!=")),
    ));
    match opt(op).parse(i)? {
        (i, None) => Ok((i, lhs)),
        (i, Some(op)) => {
            let (i, rhs) = additive(i, d)?;
            Ok((i, bin(op, lhs, rhs)))
        }
    }
}

/// Every nested expression (parentheses, subscripts, filters) passes through here once.
pub(super) fn additive(i: Tokens, d: usize) -> PResult<Expr> {
    let d = enter(&i, d)?;
    let op = alt((value(BinOp::Add, punct("+")), value(BinOp::Sub, punct("-"))));
    left_assoc(i, op, |i| multiplicative(i, d))
}

fn multiplicative(i: Tokens, d: usize) -> PResult<Expr> {
    let op = alt((value(BinOp::Mul, punct("*")), value(BinOp::Div, punct("/"))));
    left_assoc(i, op, |i| unary(i, d))
}

fn unary(i: Tokens, d: usize) -> PResult<Expr> {
    let minus = i.at_punct("-");
    if !minus && !i.at_punct("+") {
        return primary(i, d);
    }
    // only a nested operator counts as a level
    let d = enter(&i, d)?;
    let (i, start) = i.bump();
    let (i, e) = unary(i, d)?;
    if !minus {
        return Ok((i, e));
    }
    let span = start.to(e.span);
    Ok((
        i,
        Expr {
            kind: ExprKind::Neg(Box::new(e)),
            span,
        },
    ))
}

pub(super) fn primary(i: Tokens, d: usize) -> PResult<Expr> {
    let start = i.span();
    match i.peek() {
        Tok::Number(v) => Ok((i.advance(1), leaf(ExprKind::Num(*v), start))),
        Tok::Str(s) => Ok((i.advance(1), leaf(ExprKind::Str(s.clone()), start))),
        Tok::Keyword("sum") => {
            let i = i.advance(1);
            if !i.at_punct("{") {
                return Err(expected(&i, "`{` after `sum` (write `sum{i in I} x[i]`)"));
            }
            let (i, idx) = indexing(i, d)?;
            let inner = enter(&i, d)?;
            let (i, body) = multiplicative(i, inner)?;
            let span = start.to(body.span);
            Ok((
                i,
                Expr {
                    kind: ExprKind::Sum(Box::new(idx), Box::new(body)),
                    span,
                },
            ))
        }
        Tok::Ident(name) => {
            let id = Ident {
                name: name.clone(),
                span: start,
            };
            let i = i.advance(1);
            if let (i, Some(_)) = opt(punct("[")).parse(i)? {
                let (i, subs) = separated_list1(punct(","), |i| additive(i, d)).parse(i)?;
                let (i, close) = expect("]")(i)?;
                return Ok((
                    i,
                    Expr {
                        kind: ExprKind::Ref(id, subs),
                        span: start.to(close),
                    },
                ));
            }
            if let (i, Some(_)) = opt(punct("(")).parse(i)? {
                let (i, args) = list_until(i, ")", |i| argument(i, d))?;
                let (i, close) = expect(")")(i)?;
                return Ok((
                    i,
                    Expr {
                        kind: ExprKind::Call(id, args),
                        span: start.to(close),
                    },
                ));
            }
            Ok((
                i,
                Expr {
                    kind: ExprKind::Ref(id, Vec::new()),
                    span: start,
                },
            ))
        }
        Tok::Punct("(") => {
            let (i, first) = expr(i.advance(1), d)?;
            if let (i, Some(_)) = opt(punct(",")).parse(i)? {
                let (i, mut rest) = separated_list1(punct(","), |i| expr(i, d)).parse(i)?;
                let (i, close) = expect(")")(i)?;
                rest.insert(0, first);
                return Ok((
                    i,
                    Expr {
                        kind: ExprKind::Tuple(rest),
                        span: start.to(close),
                    },
                ));
            }
            let (i, close) = expect(")")(i)?;
            Ok((
                i,
                Expr {
                    kind: first.kind,
                    span: start.to(close),
                },
            ))
        }
        _ => Err(expected(&i, "an expression")),
    }
}

fn leaf(kind: ExprKind, span: rmod_diagnostics::Span) -> Expr {
    Expr { kind, span }
}

/// `name = value` or `value`, in a call.
fn argument(i: Tokens, d: usize) -> PResult<Arg> {
    let named = matches!(i.peek(), Tok::Ident(_)) && matches!(i.peek_at(1), Tok::Punct("="));
    let (i, name) = if named {
        let (i, n) = ident("an argument name")(i)?;
        (i.advance(1), Some(n))
    } else {
        (i, None)
    };
    let (i, value) = expr(i, d)?;
    Ok((i, Arg { name, value }))
}
