//! Statements: `set`, `param`, `var`, `net`, `subject to` (with its relation chain), `minimize`,
//! `maximize`, `option` and `fix`, each ended by `;`.

use rmod_diagnostics::code;

use nom::branch::alt;
use nom::combinator::{cut, map, value};
use nom::multi::many0;
use nom::sequence::preceded;
use nom::{Err, Parser};
use rmod_diagnostics::{Diagnostic, Span};

use super::errors::{expected, expected_diag};
use super::expr::{additive, expr, primary, subscripts};
use super::indexing::{indexing, set_expr};
use super::input::{expect, ident, kw, punct, PResult, SyntaxError, Tokens};
use super::list_until;
use crate::ast::*;
use crate::lexer::Tok;

const STATEMENT_HELP: &str =
    "a statement starts with `set`, `param`, `var`, `net`, `subject to`, `minimize`, `maximize`, `option` or `fix`";

/// One statement and its `;`; its span runs from the keyword to the `;`.
pub(super) fn statement(i: Tokens) -> PResult<Stmt> {
    let i = i.with_operands(0);
    let start = i.span();
    let (i, stmt) = alt((
        preceded(kw("set"), cut(|i| set_decl(i, start))),
        preceded(kw("param"), cut(|i| param_decl(i, start))),
        preceded(kw("var"), cut(|i| var_decl(i, start))),
        preceded(kw("net"), cut(|i| net_decl(i, start))),
        preceded(kw("subject"), cut(|i| constraint(i, start))),
        preceded(
            kw("minimize"),
            cut(|i| objective(i, Sense::Minimize, start)),
        ),
        preceded(
            kw("maximize"),
            cut(|i| objective(i, Sense::Maximize, start)),
        ),
        preceded(kw("option"), cut(|i| option(i, start))),
        preceded(kw("fix"), cut(|i| fix(i, start))),
        not_a_statement,
    ))
    .parse(i)?;
    let (i, semi) = expect(";")(i)?;
    Ok((i, with_span(stmt, start.to(semi))))
}

fn not_a_statement(i: Tokens) -> PResult<Stmt> {
    let d = match i.peek() {
        Tok::Ident(word) => Diagnostic::error(
            code::SYNTAX_UNEXPECTED_TOKEN,
            format!("expected a statement, found identifier `{word}`"),
        )
        .with_label(i.span(), "not the start of a statement")
        .with_help(match word.as_str() {
            "s" | "st" | "subj" => "constraints start with `subject to`",
            // AMPL's commands and sections: what rmod does instead
            "solve" => "rmod has no `solve` command inside a model: run `rmod solve model.rmod` (options go in `option ...;` or `--option`)",
            "display" | "print" | "printf" | "show" | "expand" => "rmod prints the solution itself: `rmod solve model.rmod` (`--all` for every variable, `--format json|csv` for scripts); `rmod expand model.rmod NAME` shows a constraint's rows",
            "data" | "model" | "include" | "commands" => "rmod has no separate data section or included files: data goes in the model, as `param p{S} = {...};`, `param p{S} = csv(\"file.csv\", key = ..., value = ...);` or `-D name=value`",
            "let" | "reset" | "update" | "restore" | "drop" => "rmod runs no scripts: change data with `-D name=value` (or `rmod sweep` for many scenarios), fix a variable with `fix x = v;` or `--fix x=v`",
            "for" | "repeat" | "if" | "break" | "continue" => "rmod runs no scripts: index a statement instead (`subject to c{i in I}: ...;`), or loop over scenarios with `rmod sweep`",
            "s.t." | "subj_to" => "constraints start with `subject to`",
            _ => STATEMENT_HELP,
        }),
        _ => expected_diag(&i, "a statement").with_help(STATEMENT_HELP),
    };
    Err(SyntaxError::fail(d, i.pos()))
}

/// An optional indexing `{...}` after a declared name.
fn opt_indexing(i: Tokens) -> PResult<Option<Indexing>> {
    if !i.at_punct("{") {
        return Ok((i, None));
    }
    let (i, idx) = indexing(i, 0)?;
    Ok((i, Some(idx)))
}

fn set_decl(i: Tokens, span: Span) -> PResult<Stmt> {
    let (i, name) = ident("a set name")(i)?;
    let (i, indexing) = opt_indexing(i)?;
    if i.at_punct(";") {
        // AMPL's `set I;` with the elements in a data section
        let d = expected_diag(&i, "`=` and the set's elements")
            .with_help(format!("rmod has no data section: give the elements here, e.g. `set {} = {{\"a\", \"b\"}};`, `set {} = 1..24;`, or read them from a CSV file through an indexed parameter's keys", name.name, name.name));
        return Err(SyntaxError::fail(d, i.pos()));
    }
    let (i, (_, value)) = (expect("="), |i| set_expr(i, 0)).parse(i)?;
    Ok((
        i,
        Stmt::Set(SetDecl {
            name,
            indexing,
            value,
            span,
        }),
    ))
}

/// `fix {i in I} x[i] = value`, `fix x = value`
fn fix(i: Tokens, span: Span) -> PResult<Stmt> {
    let (i, indexing) = opt_indexing(i)?;
    let (i, var) = ident("a variable name")(i)?;
    let (i, subs) = if i.at_punct("[") {
        let (i, (subs, _)) = subscripts(i.advance(1), 0)?;
        (i, subs)
    } else {
        (i, Vec::new())
    };
    let (i, (_, value)) = (expect("="), |i| expr(i, 0)).parse(i)?;
    Ok((
        i,
        Stmt::Fix(FixStmt {
            indexing,
            var,
            subs,
            value,
            span,
        }),
    ))
}

/// `, part` between the attributes of a `param` or `var` (AMPL's commas are optional): a comma
/// must be followed by an attribute.
fn attr_comma<'a, T>(
    i: Tokens<'a>,
    part: &mut impl Parser<Tokens<'a>, Output = T, Error = SyntaxError>,
    first: bool,
) -> PResult<'a, T> {
    if first || !i.at_punct(",") {
        return part.parse(i);
    }
    let j = i.advance(1);
    match part.parse(j) {
        Err(Err::Error(_)) => Err(expected(&j, "an attribute after `,`")),
        r => r,
    }
}

fn net_decl(i: Tokens, span: Span) -> PResult<Stmt> {
    let (i, (name, _, value)) = (ident("a network name"), expect("="), |i| expr(i, 0)).parse(i)?;
    Ok((i, Stmt::Net(NetDecl { name, value, span })))
}

fn objective(i: Tokens, sense: Sense, span: Span) -> PResult<Stmt> {
    let (i, (name, _, expr)) =
        (ident("an objective name"), expect(":"), |i| expr(i, 0)).parse(i)?;
    Ok((
        i,
        Stmt::Objective(ObjDecl {
            sense,
            name,
            expr,
            span,
        }),
    ))
}

/// What may follow `param name{...}`, in any order, until `= value`.
enum ParamPart {
    Default(Expr),
    Check(RelOp, Expr),
    Value(ParamValue),
}

fn param_decl(i: Tokens, span: Span) -> PResult<Stmt> {
    let (i, name) = ident("a parameter name")(i)?;
    let (mut i, indexing) = opt_indexing(i)?;
    let mut part = alt((
        map(preceded(kw("default"), bound), ParamPart::Default),
        map(preceded(punct(">="), bound), |e| {
            ParamPart::Check(RelOp::Ge, e)
        }),
        map(preceded(punct("<="), bound), |e| {
            ParamPart::Check(RelOp::Le, e)
        }),
        map(preceded(punct("="), param_value), ParamPart::Value),
    ));
    let (mut default, mut checks, mut value) = (None, Vec::new(), None);
    let mut first = true;
    loop {
        match attr_comma(i, &mut part, first) {
            Ok((j, p)) => {
                i = j;
                first = false;
                match p {
                    ParamPart::Default(e) => default = Some(e),
                    ParamPart::Check(op, e) => checks.push((op, e)),
                    ParamPart::Value(v) => {
                        value = Some(v);
                        break;
                    }
                }
            }
            Err(Err::Error(_)) => break,
            Err(e) => return Err(e),
        }
    }
    Ok((
        i,
        Stmt::Param(ParamDecl {
            name,
            indexing,
            default,
            checks,
            value,
            span,
        }),
    ))
}

/// `{key: value, ...}` or an expression.
fn param_value(i: Tokens) -> PResult<ParamValue> {
    if !i.at_punct("{") {
        return map(|i| expr(i, 0), ParamValue::Expr).parse(i);
    }
    let (i, open) = i.bump();
    let (i, entries) = list_until(i, "}", map_entry)?;
    let (i, close) = expect("}")(i)?;
    Ok((i, ParamValue::Map(entries, open.to(close))))
}

/// `key: value`
fn map_entry(i: Tokens) -> PResult<MapEntry> {
    let (i, (key, _, value)) = (|i| primary(i, 0), expect(":"), |i| expr(i, 0)).parse(i)?;
    Ok((i, MapEntry { key, value }))
}

/// An expression at the top level of a statement.
fn bound(i: Tokens) -> PResult<Expr> {
    additive(i, 0)
}

/// What may follow `var name{...}`, in any order.
#[derive(Clone)]
enum VarPart {
    Kind(VarKind),
    Lower(Expr),
    Upper(Expr),
    Range(Expr, Expr),
    Init(Expr),
}

fn var_decl(i: Tokens, span: Span) -> PResult<Stmt> {
    let (i, name) = ident("a variable name")(i)?;
    let (mut i, indexing) = opt_indexing(i)?;
    let mut part = alt((
        value(VarPart::Kind(VarKind::Integer), kw("integer")),
        value(VarPart::Kind(VarKind::Binary), kw("binary")),
        value(VarPart::Kind(VarKind::Continuous), kw("continuous")),
        map(preceded(punct(">="), bound), VarPart::Lower),
        map(preceded(punct("<="), bound), VarPart::Upper),
        map(
            preceded(
                kw("in"),
                (expect("["), bound, expect(","), bound, expect("]")),
            ),
            |(_, lo, _, hi, _)| VarPart::Range(lo, hi),
        ),
        map(preceded(punct(":="), bound), VarPart::Init),
    ));
    let (mut kind, mut lower, mut upper, mut init) = (VarKind::Continuous, None, None, None);
    let mut first = true;
    loop {
        match attr_comma(i, &mut part, first) {
            Ok((j, p)) => {
                i = j;
                first = false;
                match p {
                    VarPart::Kind(k) => kind = k,
                    VarPart::Lower(e) => lower = Some(e),
                    VarPart::Upper(e) => upper = Some(e),
                    VarPart::Range(lo, hi) => (lower, upper) = (Some(lo), Some(hi)),
                    VarPart::Init(e) => init = Some(e),
                }
            }
            Err(Err::Error(_)) => break,
            Err(e) => return Err(e),
        }
    }
    Ok((
        i,
        Stmt::Var(VarDecl {
            name,
            indexing,
            kind,
            lower,
            upper,
            init,
            span,
        }),
    ))
}

fn constraint(i: Tokens, span: Span) -> PResult<Stmt> {
    let i = match kw("to")(i) {
        Ok((i, _)) => i,
        Err(_) => return Err(expected(&i, "`to` (constraints start with `subject to`)")),
    };
    let (i, name) = ident("a constraint name (every constraint is named)")(i)?;
    let (i, indexing) = opt_indexing(i)?;
    let (i, _) = expect(":")(i)?;
    let (i, first) = additive(i, 0)?;
    let (i, more) = many0((relation, |i| additive(i, 0))).parse(i)?;
    let mut exprs = vec![first];
    let mut rels = Vec::new();
    for (rel, e) in more {
        rels.push(rel);
        exprs.push(e);
    }
    check_chain(&i, &rels)?;
    // `... if on[f]`: switched by a binary
    let (i, switch) = match kw("if")(i) {
        Ok((i, _)) => {
            let (i, e) = additive(i, 0)?;
            (i, Some(e))
        }
        Err(_) => (i, None),
    };
    Ok((
        i,
        Stmt::Constraint(ConDecl {
            name,
            indexing,
            exprs,
            rels,
            switch,
            span,
        }),
    ))
}

/// `<=`, `>=`, `=` or `==`; a strict `<` or `>` fails the statement.
fn relation(i: Tokens) -> PResult<(RelOp, Span)> {
    let op = match i.peek() {
        Tok::Punct("<=") => RelOp::Le,
        Tok::Punct(">=") => RelOp::Ge,
        Tok::Punct("=" | "==") => RelOp::Eq,
        Tok::Punct(p @ ("<" | ">")) => {
            let d = Diagnostic::error(
                code::SYNTAX_STRICT_INEQUALITY,
                format!("strict inequality `{p}` in a constraint"),
            )
            .with_label(i.span(), "a solver cannot enforce a strict inequality")
            .with_help(format!("use `{p}=`"));
            return Err(SyntaxError::fail(d, i.pos()));
        }
        _ => return Err(SyntaxError::mismatch(&i)),
    };
    let (i, span) = i.bump();
    Ok((i, (op, span)))
}

/// One relation, or a range `lo <= e <= hi` / `hi >= e >= lo`.
fn check_chain(i: &Tokens, rels: &[(RelOp, Span)]) -> Result<(), Err<SyntaxError>> {
    let d = match rels {
        [] => return Err(expected(i, "`<=`, `>=` or `=`")),
        [_] | [(RelOp::Le, _), (RelOp::Le, _)] | [(RelOp::Ge, _), (RelOp::Ge, _)] => return Ok(()),
        [(_, a), (_, b)] => Diagnostic::error(
            code::SYNTAX_RELATION_CHAIN,
            "a ranged constraint needs two `<=` or two `>=`",
        )
        .with_label(*a, "first relation")
        .with_label(*b, "second relation")
        .with_help("write `lo <= expr <= hi`"),
        [_, _, (_, third), ..] => Diagnostic::error(
            code::SYNTAX_RELATION_CHAIN,
            "a constraint has at most two relations",
        )
        .with_label(*third, "third relation")
        .with_help("write `lo <= expr <= hi`, or split into separate constraints"),
    };
    Err(SyntaxError::fail(d, i.pos()))
}

/// `option name.part.part = value`; the parts after a `.` may be keywords.
fn option(i: Tokens, span: Span) -> PResult<Stmt> {
    let (i, first) = ident("an option name")(i)?;
    let (i, parts) = many0(preceded(punct("."), option_part)).parse(i)?;
    let (i, (_, value)) = (expect("="), |i| expr(i, 0)).parse(i)?;
    let mut key = first.name;
    let mut key_span = first.span;
    for (p, s) in parts {
        key.push('.');
        key.push_str(&p);
        key_span = key_span.to(s);
    }
    Ok((
        i,
        Stmt::Option(OptionStmt {
            key,
            key_span,
            value,
            span,
        }),
    ))
}

/// A part of an option name after a `.`.
fn option_part(i: Tokens) -> PResult<(String, Span)> {
    match i.peek() {
        Tok::Ident(s) => Ok((i.advance(1), (s.clone(), i.span()))),
        Tok::Keyword(k) => Ok((i.advance(1), (k.to_string(), i.span()))),
        _ => Err(expected(&i, "an option name after `.`")),
    }
}

fn with_span(stmt: Stmt, span: Span) -> Stmt {
    match stmt {
        Stmt::Set(d) => Stmt::Set(SetDecl { span, ..d }),
        Stmt::Param(d) => Stmt::Param(ParamDecl { span, ..d }),
        Stmt::Var(d) => Stmt::Var(VarDecl { span, ..d }),
        Stmt::Net(d) => Stmt::Net(NetDecl { span, ..d }),
        Stmt::Constraint(d) => Stmt::Constraint(ConDecl { span, ..d }),
        Stmt::Objective(d) => Stmt::Objective(ObjDecl { span, ..d }),
        Stmt::Option(d) => Stmt::Option(OptionStmt { span, ..d }),
        Stmt::Fix(d) => Stmt::Fix(FixStmt { span, ..d }),
    }
}
