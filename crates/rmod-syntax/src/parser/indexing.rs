//! Set expressions (`A union B`, `A diff B`, `A inter B`, `A * B`, `1..n`, `{"a", "b"}`,
//! `{i in I: ...}`, `J[i]`) and indexing expressions `{i in I, (a, b) in P : filter}`.

use rmod_diagnostics::code;

use nom::combinator::opt;
use nom::multi::{many0, separated_list1};
use nom::sequence::preceded;
use nom::Parser;
use rmod_diagnostics::Diagnostic;

use super::expr::{additive, expr};
use super::input::{expect, ident, punct, PResult, SyntaxError, Tokens};
use super::limits::{chain, enter};
use super::list_until;
use crate::ast::*;
use crate::lexer::Tok;

/// `{ item, item : filter }`
pub(super) fn indexing(i: Tokens, d: usize) -> PResult<Indexing> {
    let (i, open) = expect("{")(i)?;
    let (i, items) = separated_list1(punct(","), |i| index_item(i, d)).parse(i)?;
    let (i, filter) = opt(preceded(punct(":"), |i| expr(i, d))).parse(i)?;
    let (i, close) = expect("}")(i)?;
    Ok((
        i,
        Indexing {
            items,
            filter,
            span: open.to(close),
        },
    ))
}

/// `i in S`, `(a, b) in S` or an anonymous `S`.
fn index_item(i: Tokens, d: usize) -> PResult<IndexItem> {
    let start = i.span();
    let (i, vars) = if matches!(i.peek(), Tok::Ident(_)) && i.peek_at(1) == &Tok::Keyword("in") {
        let (i, v) = ident("an index name")(i)?;
        (i.advance(1), vec![v])
    } else if i.at_punct("(") && is_tuple_binder(&i) {
        let (i, vars) = separated_list1(punct(","), ident("an index name")).parse(i.advance(1))?;
        let (i, _) = expect(")")(i)?;
        (i.advance(1), vars) // `in`
    } else {
        (i, Vec::new())
    };
    let (i, set) = set_expr(i, d)?;
    Ok((
        i,
        IndexItem {
            vars,
            span: start.to(set.span),
            set,
        },
    ))
}

/// `(a, b, c) in` ahead? (`i` is at the `(`)
fn is_tuple_binder(i: &Tokens) -> bool {
    let mut k = 1;
    loop {
        if !matches!(i.peek_at(k), Tok::Ident(_)) {
            return false;
        }
        k += 1;
        match i.peek_at(k) {
            Tok::Punct(",") => k += 1,
            Tok::Punct(")") => return matches!(i.peek_at(k + 1), Tok::Keyword("in")),
            _ => return false,
        }
    }
}

/// `inter_expr ((union | diff) inter_expr)*`, left-associative (as in AMPL, `inter` binds
/// tighter than `union` and `diff`, and `*` tighter still).
pub(super) fn set_expr(i: Tokens, d: usize) -> PResult<SetExpr> {
    set_ops(
        i,
        d,
        &[("union", SetOp::Union), ("diff", SetOp::Diff)],
        inter_expr,
    )
}

fn inter_expr(i: Tokens, d: usize) -> PResult<SetExpr> {
    set_ops(i, d, &[("inter", SetOp::Inter)], product)
}

fn set_ops<'a>(
    i: Tokens<'a>,
    d: usize,
    ops: &[(&'static str, SetOp)],
    operand: for<'b> fn(Tokens<'b>, usize) -> PResult<'b, SetExpr>,
) -> PResult<'a, SetExpr> {
    let (mut i, mut lhs) = operand(i, d)?;
    while let Some((_, op)) = ops.iter().find(|(k, _)| i.at_kw(k)) {
        let (j, _) = chain(i.advance(1))?;
        let (j, rhs) = operand(j, d)?;
        let span = lhs.span.to(rhs.span);
        lhs = SetExpr {
            kind: SetExprKind::Op(*op, Box::new(lhs), Box::new(rhs)),
            span,
        };
        i = j;
    }
    Ok((i, lhs))
}

/// `term (* term)*`
fn product(i: Tokens, d: usize) -> PResult<SetExpr> {
    let (i, first) = set_term(i, d)?;
    let (i, rest) = many0(preceded(punct("*"), |i| set_term(i, d))).parse(i)?;
    if rest.is_empty() {
        return Ok((i, first));
    }
    let mut parts = vec![first];
    parts.extend(rest);
    let span = parts[0].span.to(parts[parts.len() - 1].span);
    Ok((
        i,
        SetExpr {
            kind: SetExprKind::Product(parts),
            span,
        },
    ))
}

fn set_term(i: Tokens, d: usize) -> PResult<SetExpr> {
    let d = enter(&i, d)?;
    if i.at_punct("{") {
        let is_comprehension = match (i.peek_at(1), i.peek_at(2)) {
            (Tok::Ident(_), Tok::Keyword("in")) => true,
            (Tok::Punct("("), _) => is_tuple_binder(&i.advance(1)),
            _ => false,
        };
        if is_comprehension {
            let (i, idx) = indexing(i, d)?;
            let span = idx.span;
            return Ok((
                i,
                SetExpr {
                    kind: SetExprKind::Comprehension(Box::new(idx)),
                    span,
                },
            ));
        }
        let (i, open) = i.bump();
        let (i, elems) = list_until(i, "}", |i| additive(i, d))?;
        let (i, close) = expect("}")(i)?;
        return Ok((
            i,
            SetExpr {
                kind: SetExprKind::Literal(elems),
                span: open.to(close),
            },
        ));
    }
    let (i, e) = additive(i, d)?;
    if let (i, Some(_)) = opt(punct("..")).parse(i)? {
        let (i, hi) = additive(i, d)?;
        let span = e.span.to(hi.span);
        return Ok((
            i,
            SetExpr {
                kind: SetExprKind::Range(Box::new(e), Box::new(hi)),
                span,
            },
        ));
    }
    let set = expr_to_set(&i, e)?;
    Ok((i, set))
}

/// A set written as an expression: a name, `J[i]`, or a product of names (`A * B` parses as a
/// product).
fn expr_to_set(i: &Tokens, e: Expr) -> Result<SetExpr, nom::Err<SyntaxError>> {
    match e.kind {
        ExprKind::Ref(id, subs) if subs.is_empty() => Ok(SetExpr {
            span: id.span,
            kind: SetExprKind::Named(id),
        }),
        ExprKind::Ref(id, subs) => Ok(SetExpr {
            span: e.span,
            kind: SetExprKind::Indexed(id, subs),
        }),
        ExprKind::Bin(BinOp::Mul, a, b) => {
            let a = expr_to_set(i, *a)?;
            let b = expr_to_set(i, *b)?;
            let mut parts = Vec::new();
            for s in [a, b] {
                match s.kind {
                    SetExprKind::Product(p) => parts.extend(p),
                    k => parts.push(SetExpr {
                        kind: k,
                        span: s.span,
                    }),
                }
            }
            Ok(SetExpr {
                kind: SetExprKind::Product(parts),
                span: e.span,
            })
        }
        _ => Err(SyntaxError::fail(
            Diagnostic::error(code::SYNTAX_EXPECTED_SET, "expected a set")
                .with_label(e.span, "this is not a set")
                .with_help(
                    "write a set name, a range `1..n`, a literal `{\"a\", \"b\"}` or a product `A * B`",
                ),
            i.pos(),
        )),
    }
}
