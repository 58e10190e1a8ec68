#![allow(dead_code)]
//! Recursive-descent parser with statement-level recovery: a failed statement records one
//! diagnostic and the parser skips to the next `;` at bracket depth 0.

use rmod_diagnostics::{Diagnostic, Span};

use crate::ast::*;
use crate::lexer::{Tok, Token};

pub(crate) struct Parser<'t> {
    toks: &'t [Token],
    pos: usize,
    pub diags: Vec<Diagnostic>,
    /// nesting of expressions, sets and unary operators now open (see [`MAX_DEPTH`])
    depth: usize,
    /// binary-operator operands in the statement so far (see [`MAX_CHAIN`])
    operands: usize,
}

mod errors;
mod indexing;
mod limits;
#[allow(unused_imports)]
pub use limits::{MAX_CHAIN, MAX_DEPTH};

/// The parse failed; a diagnostic has been recorded.
pub(crate) struct Failed;
type PResult<T> = Result<T, Failed>;
/// The expressions of a relation and the operators between them.
type Chain = (Vec<Expr>, Vec<(RelOp, Span)>);

const STATEMENT_HELP: &str =
    "a statement starts with `set`, `param`, `var`, `net`, `subject to`, `minimize`, `maximize` or `option`";

impl<'t> Parser<'t> {
    pub fn new(toks: &'t [Token]) -> Self {
        Parser {
            toks,
            pos: 0,
            diags: Vec::new(),
            depth: 0,
            operands: 0,
        }
    }

    fn peek(&self) -> &Tok {
        &self.toks[self.pos.min(self.toks.len() - 1)].tok
    }
    fn peek_at(&self, n: usize) -> &Tok {
        &self.toks[(self.pos + n).min(self.toks.len() - 1)].tok
    }
    fn span(&self) -> Span {
        self.toks[self.pos.min(self.toks.len() - 1)].span
    }
    fn prev_span(&self) -> Span {
        self.toks[self.pos.saturating_sub(1)].span
    }
    fn bump(&mut self) -> Token {
        let t = self.toks[self.pos.min(self.toks.len() - 1)].clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }
    fn at_punct(&self, p: &str) -> bool {
        matches!(self.peek(), Tok::Punct(q) if *q == p)
    }
    fn at_kw(&self, k: &str) -> bool {
        matches!(self.peek(), Tok::Keyword(q) if *q == k)
    }
    fn eat_punct(&mut self, p: &str) -> bool {
        if self.at_punct(p) {
            self.bump();
            true
        } else {
            false
        }
    }
    fn eat_kw(&mut self, k: &str) -> bool {
        if self.at_kw(k) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn expect_punct(&mut self, p: &'static str) -> PResult<Span> {
        if self.at_punct(p) {
            Ok(self.bump().span)
        } else {
            Err(self.error_expected(&format!("`{p}`")))
        }
    }

    fn ident(&mut self, what: &str) -> PResult<Ident> {
        match self.peek().clone() {
            Tok::Ident(name) => {
                let span = self.bump().span;
                Ok(Ident { name, span })
            }
            _ => Err(self.error_expected(what)),
        }
    }

    /// Skips to just after the next `;` at bracket depth 0 (or to the start of an obvious statement).
    pub fn parse_model(&mut self) -> Ast {
        let mut ast = Ast::default();
        while !matches!(self.peek(), Tok::Eof) {
            let start = self.pos;
            match self.statement() {
                Ok(s) => ast.stmts.push(s),
                Err(Failed) => {
                    if self.pos == start {
                        self.bump();
                    }
                    self.recover();
                }
            }
        }
        ast
    }

    fn statement(&mut self) -> PResult<Stmt> {
        self.operands = 0;
        self.depth = 0;
        let start = self.span();
        let stmt = match self.peek().clone() {
            Tok::Keyword("set") => {
                self.bump();
                let name = self.ident("a set name")?;
                self.expect_punct("=")?;
                let value = self.set_expr()?;
                Stmt::Set(SetDecl {
                    name,
                    value,
                    span: start,
                })
            }
            Tok::Keyword("param") => {
                self.bump();
                self.param_decl(start)?
            }
            Tok::Keyword("var") => {
                self.bump();
                self.var_decl(start)?
            }
            Tok::Keyword("net") => {
                self.bump();
                let name = self.ident("a network name")?;
                self.expect_punct("=")?;
                let value = self.expr()?;
                Stmt::Net(NetDecl {
                    name,
                    value,
                    span: start,
                })
            }
            Tok::Keyword("subject") => {
                self.bump();
                if !self.eat_kw("to") {
                    return Err(self.error_expected("`to` (constraints start with `subject to`)"));
                }
                let name = self.ident("a constraint name (every constraint is named)")?;
                let indexing = if self.at_punct("{") {
                    Some(self.indexing()?)
                } else {
                    None
                };
                self.expect_punct(":")?;
                let (exprs, rels) = self.relation_chain()?;
                Stmt::Constraint(ConDecl {
                    name,
                    indexing,
                    exprs,
                    rels,
                    span: start,
                })
            }
            Tok::Keyword(k @ ("minimize" | "maximize")) => {
                self.bump();
                let sense = if k == "minimize" {
                    Sense::Minimize
                } else {
                    Sense::Maximize
                };
                let name = self.ident("an objective name")?;
                self.expect_punct(":")?;
                let expr = self.expr()?;
                Stmt::Objective(ObjDecl {
                    sense,
                    name,
                    expr,
                    span: start,
                })
            }
            Tok::Keyword("option") => {
                self.bump();
                let first = self.ident("an option name")?;
                let mut key = first.name.clone();
                let mut key_span = first.span;
                while self.eat_punct(".") {
                    let part = match self.peek().clone() {
                        Tok::Ident(s) => s,
                        Tok::Keyword(k) => k.to_string(),
                        _ => return Err(self.error_expected("an option name after `.`")),
                    };
                    key_span = key_span.to(self.bump().span);
                    key.push('.');
                    key.push_str(&part);
                }
                self.expect_punct("=")?;
                let value = self.expr()?;
                Stmt::Option(OptionStmt {
                    key,
                    key_span,
                    value,
                    span: start,
                })
            }
            Tok::Ident(word) => {
                let mut d = Diagnostic::error(
                    "rmod::syntax::unexpected_token",
                    format!("expected a statement, found identifier `{word}`"),
                )
                .with_label(self.span(), "not the start of a statement");
                d = if word == "s" || word == "st" || word == "subj" {
                    d.with_help("constraints start with `subject to`")
                } else {
                    d.with_help(STATEMENT_HELP)
                };
                self.diags.push(d);
                return Err(Failed);
            }
            _ => {
                let f = self.error_expected("a statement");
                if let Some(d) = self.diags.last_mut() {
                    d.help = Some(STATEMENT_HELP.into());
                }
                return Err(f);
            }
        };
        self.expect_punct(";")?;
        Ok(with_span(stmt, start.to(self.prev_span())))
    }

    fn param_decl(&mut self, start: Span) -> PResult<Stmt> {
        let name = self.ident("a parameter name")?;
        let indexing = if self.at_punct("{") {
            Some(self.indexing()?)
        } else {
            None
        };
        let mut default = None;
        let mut checks = Vec::new();
        let mut value = None;
        loop {
            if self.eat_kw("default") {
                default = Some(self.additive()?);
            } else if self.eat_punct(">=") {
                checks.push((RelOp::Ge, self.additive()?));
            } else if self.eat_punct("<=") {
                checks.push((RelOp::Le, self.additive()?));
            } else if self.eat_punct("=") {
                value = Some(if self.at_punct("{") {
                    self.map_literal()?
                } else {
                    ParamValue::Expr(self.expr()?)
                });
                break;
            } else {
                break;
            }
        }
        Ok(Stmt::Param(ParamDecl {
            name,
            indexing,
            default,
            checks,
            value,
            span: start,
        }))
    }

    fn map_literal(&mut self) -> PResult<ParamValue> {
        let open = self.expect_punct("{")?;
        let mut entries = Vec::new();
        while !self.at_punct("}") {
            let key = self.primary()?;
            self.expect_punct(":")?;
            let value = self.expr()?;
            entries.push(MapEntry { key, value });
            if !self.eat_punct(",") {
                break;
            }
        }
        let close = self.expect_punct("}")?;
        Ok(ParamValue::Map(entries, open.to(close)))
    }

    fn var_decl(&mut self, start: Span) -> PResult<Stmt> {
        let name = self.ident("a variable name")?;
        let indexing = if self.at_punct("{") {
            Some(self.indexing()?)
        } else {
            None
        };
        let mut kind = VarKind::Continuous;
        let mut lower = None;
        let mut upper = None;
        loop {
            if self.eat_kw("integer") {
                kind = VarKind::Integer;
            } else if self.eat_kw("binary") {
                kind = VarKind::Binary;
            } else if self.eat_kw("continuous") {
                kind = VarKind::Continuous;
            } else if self.eat_punct(">=") {
                lower = Some(self.additive()?);
            } else if self.eat_punct("<=") {
                upper = Some(self.additive()?);
            } else if self.eat_kw("in") {
                self.expect_punct("[")?;
                lower = Some(self.additive()?);
                self.expect_punct(",")?;
                upper = Some(self.additive()?);
                self.expect_punct("]")?;
            } else {
                break;
            }
        }
        Ok(Stmt::Var(VarDecl {
            name,
            indexing,
            kind,
            lower,
            upper,
            span: start,
        }))
    }

    fn relation_chain(&mut self) -> PResult<Chain> {
        let mut exprs = vec![self.additive()?];
        let mut rels = Vec::new();
        loop {
            let op = match self.peek() {
                Tok::Punct("<=") => RelOp::Le,
                Tok::Punct(">=") => RelOp::Ge,
                Tok::Punct("=" | "==") => RelOp::Eq,
                Tok::Punct(p @ ("<" | ">")) => {
                    let p = *p;
                    self.diags.push(
                        Diagnostic::error(
                            "rmod::syntax::strict_inequality",
                            format!("strict inequality `{p}` in a constraint"),
                        )
                        .with_label(self.span(), "a solver cannot enforce a strict inequality")
                        .with_help(format!("use `{p}=`")),
                    );
                    return Err(Failed);
                }
                _ => break,
            };
            let span = self.bump().span;
            rels.push((op, span));
            exprs.push(self.additive()?);
        }
        if rels.is_empty() {
            return Err(self.error_expected("`<=`, `>=` or `=`"));
        }
        if rels.len() > 2 {
            self.diags.push(
                Diagnostic::error(
                    "rmod::syntax::relation_chain",
                    "a constraint has at most two relations",
                )
                .with_label(rels[2].1, "third relation")
                .with_help("write `lo <= expr <= hi`, or split into separate constraints"),
            );
            return Err(Failed);
        }
        if rels.len() == 2 {
            let ok = matches!(
                (rels[0].0, rels[1].0),
                (RelOp::Le, RelOp::Le) | (RelOp::Ge, RelOp::Ge)
            );
            if !ok {
                self.diags.push(
                    Diagnostic::error(
                        "rmod::syntax::relation_chain",
                        "a ranged constraint needs two `<=` or two `>=`",
                    )
                    .with_label(rels[0].1, "first relation")
                    .with_label(rels[1].1, "second relation")
                    .with_help("write `lo <= expr <= hi`"),
                );
                return Err(Failed);
            }
        }
        Ok((exprs, rels))
    }

    pub fn set_expr(&mut self) -> PResult<SetExpr> {
        let first = self.set_term()?;
        if !self.at_punct("*") {
            return Ok(first);
        }
        let mut parts = vec![first];
        while self.eat_punct("*") {
            parts.push(self.set_term()?);
        }
        let span = parts[0].span.to(parts[parts.len() - 1].span);
        Ok(SetExpr {
            kind: SetExprKind::Product(parts),
            span,
        })
    }

    fn set_term(&mut self) -> PResult<SetExpr> {
        self.enter()?;
        let r = self.set_term_inner();
        self.depth -= 1;
        r
    }

    fn set_term_inner(&mut self) -> PResult<SetExpr> {
        if self.at_punct("{") {
            let is_comprehension = match (self.peek_at(1), self.peek_at(2)) {
                (Tok::Ident(_), Tok::Keyword("in")) => true,
                (Tok::Punct("("), _) => {
                    self.pos += 1;
                    let t = self.is_tuple_binder();
                    self.pos -= 1;
                    t
                }
                _ => false,
            };
            if is_comprehension {
                let idx = self.indexing()?;
                let span = idx.span;
                return Ok(SetExpr {
                    kind: SetExprKind::Comprehension(Box::new(idx)),
                    span,
                });
            }
            let open = self.bump().span;
            let mut elems = Vec::new();
            while !self.at_punct("}") {
                elems.push(self.additive()?);
                if !self.eat_punct(",") {
                    break;
                }
            }
            let close = self.expect_punct("}")?;
            return Ok(SetExpr {
                kind: SetExprKind::Literal(elems),
                span: open.to(close),
            });
        }
        let e = self.additive()?;
        if self.eat_punct("..") {
            let hi = self.additive()?;
            let span = e.span.to(hi.span);
            return Ok(SetExpr {
                kind: SetExprKind::Range(Box::new(e), Box::new(hi)),
                span,
            });
        }
        self.expr_to_set(e)
    }

    fn expr_to_set(&mut self, e: Expr) -> PResult<SetExpr> {
        match e.kind {
            ExprKind::Ref(id, subs) if subs.is_empty() => Ok(SetExpr {
                span: id.span,
                kind: SetExprKind::Named(id),
            }),
            ExprKind::Bin(BinOp::Mul, a, b) => {
                let a = self.expr_to_set(*a)?;
                let b = self.expr_to_set(*b)?;
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
            _ => {
                self.diags.push(
                    Diagnostic::error("rmod::syntax::expected_set", "expected a set")
                        .with_label(e.span, "this is not a set")
                        .with_help("write a set name, a range `1..n`, a literal `{\"a\", \"b\"}` or a product `A * B`"),
                );
                Err(Failed)
            }
        }
    }

    pub fn expr(&mut self) -> PResult<Expr> {
        let mut lhs = self.and_expr()?;
        while self.eat_kw("or") {
            self.chain()?;
            let rhs = self.and_expr()?;
            lhs = bin(BinOp::Or, lhs, rhs);
        }
        Ok(lhs)
    }

    fn and_expr(&mut self) -> PResult<Expr> {
        let mut lhs = self.not_expr()?;
        while self.eat_kw("and") {
            self.chain()?;
            let rhs = self.not_expr()?;
            lhs = bin(BinOp::And, lhs, rhs);
        }
        Ok(lhs)
    }

    fn not_expr(&mut self) -> PResult<Expr> {
        // only a nested operator counts as a level
        let nested = self.at_kw("not");
        if nested {
            self.enter()?;
        }
        let r = self.not_expr_inner();
        if nested {
            self.depth -= 1;
        }
        r
    }

    fn not_expr_inner(&mut self) -> PResult<Expr> {
        if self.at_kw("not") {
            let start = self.bump().span;
            let e = self.not_expr()?;
            let span = start.to(e.span);
            return Ok(Expr {
                kind: ExprKind::Not(Box::new(e)),
                span,
            });
        }
        self.comparison()
    }

    fn comparison(&mut self) -> PResult<Expr> {
        let lhs = self.additive()?;
        let op = match self.peek() {
            Tok::Punct("<") => BinOp::Lt,
            Tok::Punct("<=") => BinOp::Le,
            Tok::Punct(">") => BinOp::Gt,
            Tok::Punct(">=") => BinOp::Ge,
            Tok::Punct("==") => BinOp::Eq,
            Tok::Punct("!=") => BinOp::Ne,
            _ => return Ok(lhs),
        };
        self.bump();
        let rhs = self.additive()?;
        Ok(bin(op, lhs, rhs))
    }

    /// Every nested expression (parentheses, subscripts, filters) passes through here once.
    pub fn additive(&mut self) -> PResult<Expr> {
        self.enter()?;
        let r = self.additive_inner();
        self.depth -= 1;
        r
    }

    fn additive_inner(&mut self) -> PResult<Expr> {
        let mut lhs = self.multiplicative()?;
        loop {
            let op = if self.at_punct("+") {
                BinOp::Add
            } else if self.at_punct("-") {
                BinOp::Sub
            } else {
                return Ok(lhs);
            };
            self.bump();
            self.chain()?;
            let rhs = self.multiplicative()?;
            lhs = bin(op, lhs, rhs);
        }
    }

    fn multiplicative(&mut self) -> PResult<Expr> {
        let mut lhs = self.unary()?;
        loop {
            let op = if self.at_punct("*") {
                BinOp::Mul
            } else if self.at_punct("/") {
                BinOp::Div
            } else {
                return Ok(lhs);
            };
            self.bump();
            self.chain()?;
            let rhs = self.unary()?;
            lhs = bin(op, lhs, rhs);
        }
    }

    fn unary(&mut self) -> PResult<Expr> {
        // only a nested operator counts as a level
        let nested = self.at_punct("-") || self.at_punct("+");
        if nested {
            self.enter()?;
        }
        let r = self.unary_inner();
        if nested {
            self.depth -= 1;
        }
        r
    }

    fn unary_inner(&mut self) -> PResult<Expr> {
        if self.at_punct("-") {
            let start = self.bump().span;
            let e = self.unary()?;
            let span = start.to(e.span);
            return Ok(Expr {
                kind: ExprKind::Neg(Box::new(e)),
                span,
            });
        }
        if self.eat_punct("+") {
            return self.unary();
        }
        self.primary()
    }

    fn primary(&mut self) -> PResult<Expr> {
        let start = self.span();
        match self.peek().clone() {
            Tok::Number(v) => {
                self.bump();
                Ok(Expr {
                    kind: ExprKind::Num(v),
                    span: start,
                })
            }
            Tok::Str(s) => {
                self.bump();
                Ok(Expr {
                    kind: ExprKind::Str(s),
                    span: start,
                })
            }
            Tok::Keyword("sum") => {
                self.bump();
                if !self.at_punct("{") {
                    return Err(self.error_expected("`{` after `sum` (write `sum{i in I} x[i]`)"));
                }
                let idx = self.indexing()?;
                self.enter()?;
                let body = self.multiplicative();
                self.depth -= 1;
                let body = body?;
                let span = start.to(body.span);
                Ok(Expr {
                    kind: ExprKind::Sum(Box::new(idx), Box::new(body)),
                    span,
                })
            }
            Tok::Ident(name) => {
                self.bump();
                let id = Ident { name, span: start };
                if self.eat_punct("[") {
                    let mut subs = Vec::new();
                    loop {
                        subs.push(self.additive()?);
                        if !self.eat_punct(",") {
                            break;
                        }
                    }
                    let close = self.expect_punct("]")?;
                    return Ok(Expr {
                        kind: ExprKind::Ref(id, subs),
                        span: start.to(close),
                    });
                }
                if self.eat_punct("(") {
                    let mut args = Vec::new();
                    while !self.at_punct(")") {
                        let name = if matches!(self.peek(), Tok::Ident(_))
                            && matches!(self.peek_at(1), Tok::Punct("="))
                        {
                            let n = self.ident("an argument name")?;
                            self.bump();
                            Some(n)
                        } else {
                            None
                        };
                        let value = self.expr()?;
                        args.push(Arg { name, value });
                        if !self.eat_punct(",") {
                            break;
                        }
                    }
                    let close = self.expect_punct(")")?;
                    return Ok(Expr {
                        kind: ExprKind::Call(id, args),
                        span: start.to(close),
                    });
                }
                Ok(Expr {
                    kind: ExprKind::Ref(id, Vec::new()),
                    span: start,
                })
            }
            Tok::Punct("(") => {
                self.bump();
                let first = self.expr()?;
                if self.eat_punct(",") {
                    let mut elems = vec![first];
                    loop {
                        elems.push(self.expr()?);
                        if !self.eat_punct(",") {
                            break;
                        }
                    }
                    let close = self.expect_punct(")")?;
                    return Ok(Expr {
                        kind: ExprKind::Tuple(elems),
                        span: start.to(close),
                    });
                }
                let close = self.expect_punct(")")?;
                Ok(Expr {
                    kind: first.kind,
                    span: start.to(close),
                })
            }
            _ => Err(self.error_expected("an expression")),
        }
    }
}

fn bin(op: BinOp, a: Expr, b: Expr) -> Expr {
    let span = a.span.to(b.span);
    Expr {
        kind: ExprKind::Bin(op, Box::new(a), Box::new(b)),
        span,
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
    }
}

/// The recursive-descent parser as it was, for the differential test.
pub(crate) fn parse(file: rmod_diagnostics::FileId, text: &str) -> (Ast, Vec<Diagnostic>) {
    let (toks, mut diags) = crate::lexer::lex(file, text);
    let mut p = Parser::new(&toks);
    let ast = p.parse_model();
    diags.extend(p.diags);
    diags.sort_by_key(|d| d.primary_span().map(|s| s.start));
    (ast, diags)
}

#[cfg(test)]
mod differential;
