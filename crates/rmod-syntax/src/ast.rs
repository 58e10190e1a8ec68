//! The syntax tree: every node keeps the span it was parsed from.

use rmod_diagnostics::Span;

#[derive(Clone, Debug, Default)]
pub struct Ast {
    pub stmts: Vec<Stmt>,
    /// the source span of each statement of `stmts`, in the same order
    pub spans: Vec<Span>,
    /// the statements that did not parse: their span and the name they declare, where the
    /// tokens before the error say it (`var NAME ...`, `subject to NAME ...`); the compiler keeps
    /// references to these names from cascading into errors of their own
    pub broken: Vec<Broken>,
}

/// A statement that did not parse.
#[derive(Clone, Debug)]
pub struct Broken {
    pub name: Option<Ident>,
    pub span: Span,
}

impl Ast {
    /// The tree's debug text without its spans: equal for two texts that differ only in
    /// layout (the formatter's tests compare it).
    pub fn shape(&self) -> String {
        let s = format!("{self:?}");
        let mut out = String::with_capacity(s.len());
        let mut rest = s.as_str();
        while let Some(at) = rest.find("Span { ") {
            out.push_str(&rest[..at]);
            let tail = &rest[at..];
            let close = tail.find(" }").map_or(tail.len(), |c| c + 2);
            rest = &tail[close..];
        }
        out.push_str(rest);
        out
    }
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
    /// `fix {i in I} x[i] = value;`
    Fix(FixStmt),
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
            Stmt::Option(_) | Stmt::Fix(_) => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct SetDecl {
    pub name: Ident,
    /// `set J{i in I} = ...;`: one set per index tuple, used as `J[i]`
    pub indexing: Option<Indexing>,
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
    /// `J[i]`: one set of an indexed set declaration
    Indexed(Ident, Vec<Expr>),
    /// `A union B`, `A inter B`, `A diff B`
    Op(SetOp, Box<SetExpr>, Box<SetExpr>),
}

/// Set operators; every result keeps the written order of `A`, then (union) the new elements of `B`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetOp {
    Union,
    Inter,
    Diff,
}

impl SetOp {
    pub fn keyword(self) -> &'static str {
        match self {
            SetOp::Union => "union",
            SetOp::Inter => "inter",
            SetOp::Diff => "diff",
        }
    }
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
    /// `:= value`: the initial value (a warm start), data per index
    pub init: Option<Expr>,
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

/// `fix {i in I} x[i] = value;`: the variable's lower and upper bounds become the value.
#[derive(Clone, Debug)]
pub struct FixStmt {
    pub indexing: Option<Indexing>,
    pub var: Ident,
    pub subs: Vec<Expr>,
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
    /// `a mod b` = a - b * trunc(a / b): the sign of `a` (as AMPL)
    Mod,
    /// `a ^ b`, right-associative, binds tighter than unary minus
    Pow,
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
            BinOp::Mod => "mod",
            BinOp::Pow => "^",
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
    /// `prod{i in I} body`
    Prod(Box<Indexing>, Box<Expr>),
    Tuple(Vec<Expr>),
    /// `if cond then a else b` (no `else`: 0)
    If(Box<Expr>, Box<Expr>, Option<Box<Expr>>),
    /// `min(a, b, ...)`, `max(...)`, `abs(x)`, `floor(x)`, `ceil(x)`
    Func(Func, Vec<Expr>),
    /// `card(S)`: the number of elements of a set
    Card(Box<SetExpr>),
    /// `ord(i)` (the set that binds the index `i`) or `ord(e, S)`: 1-based position in written order
    Ord(Box<Expr>, Option<Box<SetExpr>>),
    /// `e in S`, `(a, b) in S`: membership (1 or 0), at the level of comparisons
    In(Box<Expr>, Box<SetExpr>),
    /// `min{i in I} body`, `max{i in I} body` (`Func::Min` or `Func::Max`)
    Iter(Func, Box<Indexing>, Box<Expr>),
}

/// Built-in numeric functions of data (and of constants in linear expressions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    Min,
    Max,
    Abs,
    Floor,
    Ceil,
}

impl Func {
    pub fn name(self) -> &'static str {
        match self {
            Func::Min => "min",
            Func::Max => "max",
            Func::Abs => "abs",
            Func::Floor => "floor",
            Func::Ceil => "ceil",
        }
    }
    pub fn from_name(name: &str) -> Option<Func> {
        Some(match name {
            "min" => Func::Min,
            "max" => Func::Max,
            "abs" => Func::Abs,
            "floor" => Func::Floor,
            "ceil" => Func::Ceil,
            _ => return None,
        })
    }
}

/// Built-in function names (not reserved words): `name(` calls the built-in.
pub const BUILTINS: &[&str] = &["abs", "card", "ceil", "floor", "max", "min", "ord"];

#[derive(Clone, Debug)]
pub struct Arg {
    pub name: Option<Ident>,
    pub value: Expr,
}
