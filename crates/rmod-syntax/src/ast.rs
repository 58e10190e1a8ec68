//! The syntax tree: every node keeps the span it was parsed from.

use rmod_diagnostics::Span;

#[derive(Clone, Debug, Default)]
pub struct Ast {
    pub stmts: Vec<Stmt>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum Stmt {
    Set(SetDecl),
    Param(ParamDecl),
    Var(VarDecl),
    Net(NetDecl),
    Constraint(ConDecl),
    Objective(ObjDecl),
    Option(OptionStmt),
}

impl Stmt {
    /// The declared name, for statements that declare one.
    pub fn name(&self) -> Option<&Ident> {
        match self {
            Stmt::Set(d) => Some(&d.name),
            Stmt::Param(d) => Some(&d.name),
            Stmt::Var(d) => Some(&d.name),
            Stmt::Net(d) => Some(&d.name),
            Stmt::Constraint(d) => Some(&d.name),
            Stmt::Objective(d) => Some(&d.name),
            Stmt::Option(_) => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct SetDecl {
    pub name: Ident,
    pub value: SetExpr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct SetExpr {
    pub kind: SetExprKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum SetExprKind {
    /// `{"a", "b"}`, `{("a", 1), ("b", 2)}`: each element is an expression (a literal or a tuple)
    Literal(Vec<Expr>),
    /// `lo..hi`
    Range(Box<Expr>, Box<Expr>),
    /// a declared set
    Named(Ident),
    /// `A * B`
    Product(Vec<SetExpr>),
    /// `{r in R, s in R: r != s}`
    Comprehension(Box<Indexing>),
}

/// `{i in I, (p, m) in ARCS, R: filter}`
#[derive(Clone, Debug)]
pub struct Indexing {
    pub items: Vec<IndexItem>,
    pub filter: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct IndexItem {
    /// The dummy names; empty for an anonymous item like `{R}`.
    pub vars: Vec<Ident>,
    pub set: SetExpr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ParamDecl {
    pub name: Ident,
    pub indexing: Option<Indexing>,
    pub default: Option<Expr>,
    /// `>= e`, `<= e`: checked for every value
    pub checks: Vec<(RelOp, Expr)>,
    pub value: Option<ParamValue>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ParamValue {
    /// an expression, including a `csv(...)` call
    Expr(Expr),
    /// `{"R1": 50, ("a", "b"): 2}`
    Map(Vec<MapEntry>, Span),
}

#[derive(Clone, Debug)]
pub struct MapEntry {
    pub key: Expr,
    pub value: Expr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarKind {
    Continuous,
    Integer,
    Binary,
}

#[derive(Clone, Debug)]
pub struct VarDecl {
    pub name: Ident,
    pub indexing: Option<Indexing>,
    pub kind: VarKind,
    pub lower: Option<Expr>,
    pub upper: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct NetDecl {
    pub name: Ident,
    /// `relu_net("file.json", ...)`
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ConDecl {
    pub name: Ident,
    pub indexing: Option<Indexing>,
    /// two or three expressions separated by relations: `a <= b`, `lo <= e <= hi`
    pub exprs: Vec<Expr>,
    pub rels: Vec<(RelOp, Span)>,
    /// `... if on[f]`: the constraint holds only when this binary is 1 (a switched
    /// constraint; for a network use, its outputs are 0 when off)
    pub switch: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sense {
    Minimize,
    Maximize,
}

#[derive(Clone, Debug)]
pub struct ObjDecl {
    pub sense: Sense,
    pub name: Ident,
    pub expr: Expr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct OptionStmt {
    /// `time_limit`, or `cbc.KEY`
    pub key: String,
    pub key_span: Span,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelOp {
    Le,
    Ge,
    Eq,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::And => "and",
            BinOp::Or => "or",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Num(f64),
    Str(String),
    /// `x`, `x[i, "a"]`
    Ref(Ident, Vec<Expr>),
    /// `f(a, name = b)`
    Call(Ident, Vec<Arg>),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    Sum(Box<Indexing>, Box<Expr>),
    Tuple(Vec<Expr>),
}

#[derive(Clone, Debug)]
pub struct Arg {
    pub name: Option<Ident>,
    pub value: Expr,
}
