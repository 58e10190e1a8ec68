//! Expressions, loosest first: `or`, `and`, `not`, comparisons, `+ -`, `* / mod`, unary `- +`,
//! `^` (right-associative), primaries (numbers, strings, `sum`, `prod`, `if`, built-in functions,
//! references, calls, parentheses and tuples).
//!
//! Each parser takes the nesting `depth` around it (see [`super::MAX_DEPTH`]).

use nom::branch::alt;
use nom::combinator::value;
use nom::multi::separated_list1;
use nom::{Err, Parser};
use rmod_diagnostics::Span;

use super::errors::expected;
use super::indexing::{indexing, set_expr};
use super::input::{expect, ident, kw, punct, PResult, Tokens};
use super::limits::{chain, enter};
use super::{bin, list_until};
use crate::ast::*;
use crate::lexer::Tok;

/// The parsers of a precedence level: `operand(input, depth)`.
type Level = for<'a> fn(Tokens<'a>, usize) -> PResult<'a, Expr>;

/// `operand (op operand)*`, left-associative; every operator counts toward the chain limit.
/// (Plain `fn`s rather than closures: each nesting level costs fewer, smaller stack frames.)
fn left_assoc<'a>(
    i: Tokens<'a>,
    d: usize,
    op: fn(Tokens<'a>) -> PResult<'a, BinOp>,
    operand: Level,
) -> PResult<'a, Expr> {
    let (mut i, mut lhs) = operand(i, d)?;
    loop {
        // explicit matches, no `?`: fewer temporaries in this frame, which every level repeats
        let j = match op(i).and_then(|(j, op)| Ok((chain(j)?.0, op))) {
            Ok((j, op)) => match operand(j, d) {
                Ok((j, rhs)) => {
                    lhs = bin(op, lhs, rhs);
                    j
                }
                Err(e) => return Err(e),
            },
            Err(Err::Error(_)) => return Ok((i, lhs)),
            Err(e) => return Err(e),
        };
        i = j;
    }
}

fn or_op(i: Tokens) -> PResult<BinOp> {
    value(BinOp::Or, kw("or")).parse(i)
}

fn and_op(i: Tokens) -> PResult<BinOp> {
    value(BinOp::And, kw("and")).parse(i)
}

fn comparison_op(i: Tokens) -> PResult<BinOp> {
    alt((
        value(BinOp::Lt, punct("<")),
        value(BinOp::Le, punct("<=")),
        value(BinOp::Gt, punct(">")),
        value(BinOp::Ge, punct(">=")),
        value(BinOp::Eq, punct("==")),
        value(BinOp::Ne, punct("!=")),
    ))
    .parse(i)
}

fn additive_op(i: Tokens) -> PResult<BinOp> {
    alt((value(BinOp::Add, punct("+")), value(BinOp::Sub, punct("-")))).parse(i)
}

fn multiplicative_op(i: Tokens) -> PResult<BinOp> {
    alt((
        value(BinOp::Mul, punct("*")),
        value(BinOp::Div, punct("/")),
        value(BinOp::Mod, kw("mod")),
    ))
    .parse(i)
}

pub(super) fn expr(i: Tokens, d: usize) -> PResult<Expr> {
    left_assoc(i, d, or_op, and_expr)
}

fn and_expr(i: Tokens, d: usize) -> PResult<Expr> {
    left_assoc(i, d, and_op, not_expr)
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

/// At most one comparison: `a < b`, not `a < b < c`; or a membership `e in S`.
fn comparison(i: Tokens, d: usize) -> PResult<Expr> {
    let (i, lhs) = additive(i, d)?;
    if i.at_kw("in") {
        let (i, set) = set_expr(i.advance(1), d)?;
        let span = lhs.span.to(set.span);
        return Ok((
            i,
            Expr {
                kind: ExprKind::In(Box::new(lhs), Box::new(set)),
                span,
            },
        ));
    }
    match comparison_op(i) {
        Ok((i, op)) => additive(i, d).map(|(i, rhs)| (i, bin(op, lhs, rhs))),
        Err(Err::Error(_)) => Ok((i, lhs)),
        Err(e) => Err(e),
    }
}

/// Every nested expression (parentheses, subscripts, filters) passes through here once.
pub(super) fn additive(i: Tokens, d: usize) -> PResult<Expr> {
    let d = enter(&i, d)?;
    left_assoc(i, d, additive_op, multiplicative)
}

fn multiplicative(i: Tokens, d: usize) -> PResult<Expr> {
    left_assoc(i, d, multiplicative_op, unary)
}

fn unary(i: Tokens, d: usize) -> PResult<Expr> {
    let minus = i.at_punct("-");
    if !minus && !i.at_punct("+") {
        return power(i, d);
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

/// `primary (^ unary)?`: `2^3^2` is `2^(3^2)`, `-2^2` is `-(2^2)`, `2^-1` is allowed (as in AMPL).
fn power(i: Tokens, d: usize) -> PResult<Expr> {
    let (i, base) = primary(i, d)?;
    if !i.at_punct("^") {
        return Ok((i, base));
    }
    let (i, _) = chain(i.advance(1))?;
    // the exponent nests to the right: a level per `^`
    let d = enter(&i, d)?;
    let (i, exp) = unary(i, d)?;
    Ok((i, bin(BinOp::Pow, base, exp)))
}

/// A number, a string, a `sum` or `prod`, an `if`, a built-in function, a name (with subscripts
/// or call arguments), or parentheses.
pub(super) fn primary(i: Tokens, d: usize) -> PResult<Expr> {
    let span = i.span();
    match i.peek() {
        Tok::Number(v) => Ok((i.advance(1), leaf(ExprKind::Num(*v), span))),
        Tok::Str(s) => Ok((i.advance(1), leaf(ExprKind::Str(s.clone()), span))),
        Tok::Keyword("sum" | "prod") => sum(i, d),
        Tok::Keyword("if") => if_then_else(i, d),
        Tok::Ident(f) if BUILTINS.contains(&f.as_str()) && i.peek_at(1) == &Tok::Punct("(") => {
            builtin(i, d)
        }
        Tok::Ident(f)
            if matches!(f.as_str(), "min" | "max") && i.peek_at(1) == &Tok::Punct("{") =>
        {
            iterated(i, d)
        }
        Tok::Ident(_) => name(i, d),
        Tok::Punct("(") => parenthesized(i, d),
        Tok::Punct("[") => bracketed(i, d),
        _ => Err(expected(&i, "an expression")),
    }
}

/// `sum{i in I} body` or `prod{i in I} body`: the body binds like a product.
fn sum(i: Tokens, d: usize) -> PResult<Expr> {
    let is_sum = i.at_kw("sum");
    let (i, start) = i.bump();
    if !i.at_punct("{") {
        return Err(expected(
            &i,
            if is_sum {
                "`{` after `sum` (write `sum{i in I} x[i]`)"
            } else {
                "`{` after `prod` (write `prod{i in I} a[i]`)"
            },
        ));
    }
    let (i, idx) = indexing(i, d)?;
    let inner = enter(&i, d)?;
    let (i, body) = multiplicative(i, inner)?;
    let span = start.to(body.span);
    let (idx, body) = (Box::new(idx), Box::new(body));
    Ok((
        i,
        Expr {
            kind: if is_sum {
                ExprKind::Sum(idx, body)
            } else {
                ExprKind::Prod(idx, body)
            },
            span,
        },
    ))
}

/// `min{i in I} body`, `max{i in I} body`: the body binds like a product (as in `sum`).
fn iterated(i: Tokens, d: usize) -> PResult<Expr> {
    let (i, id) = ident("`min` or `max`")(i)?;
    let f = if id.name == "min" {
        Func::Min
    } else {
        Func::Max
    };
    let (i, idx) = indexing(i, d)?;
    let inner = enter(&i, d)?;
    let (i, body) = multiplicative(i, inner)?;
    let span = id.span.to(body.span);
    Ok((
        i,
        Expr {
            kind: ExprKind::Iter(f, Box::new(idx), Box::new(body)),
            span,
        },
    ))
}

/// `if cond then a else b`; the branches are arithmetic (`+ -` and tighter), so the `else`
/// branch runs as far as an arithmetic expression does (as in AMPL); no `else` means 0.
fn if_then_else(i: Tokens, d: usize) -> PResult<Expr> {
    let d = enter(&i, d)?;
    let (i, start) = i.bump();
    let (i, cond) = expr(i, d)?;
    let Ok((i, _)) = kw("then")(i) else {
        return Err(expected(&i, "`then` after the condition of `if`"));
    };
    let (i, then) = additive(i, d)?;
    let (i, otherwise, end) = if i.at_kw("else") {
        let (i, e) = additive(i.advance(1), d)?;
        let end = e.span;
        (i, Some(Box::new(e)), end)
    } else {
        (i, None, then.span)
    };
    Ok((
        i,
        Expr {
            kind: ExprKind::If(Box::new(cond), Box::new(then), otherwise),
            span: start.to(end),
        },
    ))
}

/// `min(...)`, `max(...)`, `abs(x)`, `floor(x)`, `ceil(x)`, `card(S)`, `ord(i)`, `ord(e, S)`.
fn builtin(i: Tokens, d: usize) -> PResult<Expr> {
    let (i, id) = ident("a function name")(i)?;
    let i = i.advance(1); // `(`
    let (i, kind) = match id.name.as_str() {
        "card" => {
            let (i, s) = set_expr(i, d)?;
            (i, ExprKind::Card(Box::new(s)))
        }
        "ord" => {
            let (i, e) = additive(i, d)?;
            let (i, set) = if i.at_punct(",") {
                let (i, s) = set_expr(i.advance(1), d)?;
                (i, Some(Box::new(s)))
            } else {
                (i, None)
            };
            (i, ExprKind::Ord(Box::new(e), set))
        }
        name => {
            let (i, args) = list_until(i, ")", |i| expr(i, d))?;
            let f = Func::from_name(name).unwrap_or(Func::Abs);
            (i, ExprKind::Func(f, args))
        }
    };
    let (i, close) = expect(")")(i)?;
    Ok((
        i,
        Expr {
            kind,
            span: id.span.to(close),
        },
    ))
}

/// `x`, `x[a, b]` or `f(a, name = b)`.
fn name(i: Tokens, d: usize) -> PResult<Expr> {
    let (i, id) = ident("a name")(i)?;
    let start = id.span;
    let (i, kind, end) = if i.at_punct("[") {
        let (i, (subs, close)) = subscripts(i.advance(1), d)?;
        (i, ExprKind::Ref(id, subs), close)
    } else if i.at_punct("(") {
        let (i, args) = list_until(i.advance(1), ")", |i| argument(i, d))?;
        let (i, close) = expect(")")(i)?;
        (i, ExprKind::Call(id, args), close)
    } else {
        (i, ExprKind::Ref(id, Vec::new()), start)
    };
    Ok((
        i,
        Expr {
            kind,
            span: start.to(end),
        },
    ))
}

/// `a, b]` after a `[`.
pub(super) fn subscripts(i: Tokens, d: usize) -> PResult<(Vec<Expr>, Span)> {
    (separated_list1(punct(","), |i| additive(i, d)), expect("]")).parse(i)
}

/// `(e)` or a tuple `(a, b, ...)`.
fn parenthesized(i: Tokens, d: usize) -> PResult<Expr> {
    let (i, start) = i.bump();
    let (i, first) = expr(i, d)?;
    let (i, kind) = if i.at_punct(",") {
        let (i, mut elems) = separated_list1(punct(","), |i| expr(i, d)).parse(i.advance(1))?;
        elems.insert(0, first);
        (i, ExprKind::Tuple(elems))
    } else {
        (i, first.kind)
    };
    let (i, close) = expect(")")(i)?;
    Ok((
        i,
        Expr {
            kind,
            span: start.to(close),
        },
    ))
}

/// A list `[a, b, ...]` (e.g. `relu_net(..., inputs = ["feed", "T"])`), read as a tuple.
fn bracketed(i: Tokens, d: usize) -> PResult<Expr> {
    let (i, start) = i.bump();
    let inner = enter(&i, d)?;
    let (i, elems) = separated_list1(punct(","), |i| expr(i, inner)).parse(i)?;
    let (i, close) = expect("]")(i)?;
    Ok((
        i,
        Expr {
            kind: ExprKind::Tuple(elems),
            span: start.to(close),
        },
    ))
}

fn leaf(kind: ExprKind, span: Span) -> Expr {
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
