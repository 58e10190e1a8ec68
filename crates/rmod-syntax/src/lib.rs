//! Parses rmod model text into an [`Ast`]; reports every syntax error of a file in one run and never panics.
//!
//! ```
//! use rmod_diagnostics::FileId;
//! let (ast, diags) = rmod_syntax::parse(FileId(0), "set R = {\"R1\"}; var x{R} >= 0;");
//! assert!(diags.is_empty());
//! assert_eq!(ast.stmts.len(), 2);
//! ```

pub mod ast;
mod fmt;
mod lexer;
mod parser;

pub use ast::*;
pub use fmt::{format, layout, INDENT, WIDTH};
pub use lexer::KEYWORDS;
pub use parser::{MAX_CHAIN, MAX_DEPTH};

use rmod_diagnostics::{Diagnostic, FileId};

/// Parses one file. The AST holds every statement that parsed; the diagnostics hold one error per failed statement.
pub fn parse(file: FileId, text: &str) -> (Ast, Vec<Diagnostic>) {
    let (toks, mut diags) = lexer::lex(file, text);
    let (ast, parse_diags) = parser::parse_model(&toks);
    diags.extend(parse_diags);
    diags.sort_by_key(|d| d.primary_span().map(|s| s.start));
    (ast, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<&'static str> {
        parse(FileId(0), text).1.iter().map(|d| d.code).collect()
    }

    #[test]
    fn parses_the_sample_constructs() {
        let text = r#"
            set R = {"R1", "R2"}; set H = 1..24; set P = R * H;
            set PAIRS = {r in R, s in R: r != s};
            param cap{R} = {"R1": 50, "R2": 45};
            param d{R, R} default 0;
            param price{R} = csv("p.csv", key = "grade", value = "usd");
            param c{i in H} = 2 * i;
            var feed{r in R} in [0, cap[r]];
            var on{R} binary; var x;
            subject to c1{r in R}: feed[r] <= cap[r] * on[r];
            subject to c2: 1 <= sum{r in R} feed[r] <= 10;
            subject to c3{(r, s) in PAIRS}: feed[r] - feed[s] <= 3;
            maximize z: sum{r in R} feed[r] - x;
            option time_limit = 60; option cbc.cuts = "off";
            net n = relu_net("a.json");
            subject to nn: (x, feed["R1"]) = n(a = x, 3);
        "#;
        let (ast, diags) = parse(FileId(0), text);
        assert!(diags.is_empty(), "{diags:#?}");
        assert_eq!(ast.stmts.len(), 19);
    }

    #[test]
    fn reports_every_statement_error() {
        let c =
            codes("set R = {\"a\"} param x = 3; var y >= ; subject to c: y < 3; minimize o: 2y;");
        assert_eq!(
            c,
            vec![
                "rmod::syntax::unexpected_token",
                "rmod::syntax::unexpected_token",
                "rmod::syntax::strict_inequality",
                "rmod::syntax::unexpected_token"
            ]
        );
    }

    #[test]
    fn lexical_errors() {
        assert_eq!(
            codes("param a = 'x';"),
            vec![
                "rmod::syntax::invalid_character",
                "rmod::syntax::invalid_character"
            ]
        );
        assert_eq!(
            codes("param a = \"x;"),
            vec![
                "rmod::syntax::unterminated_string",
                "rmod::syntax::unexpected_token"
            ]
        );
        assert_eq!(codes("/* open"), vec!["rmod::syntax::unterminated_comment"]);
        assert_eq!(
            codes("param a = 1e999;"),
            vec!["rmod::syntax::invalid_number"]
        );
    }

    #[test]
    fn never_panics_on_garbage() {
        for text in [
            "",
            ";",
            "{{{{",
            "set",
            "subject to",
            "param p{",
            "(((",
            "sum{",
            "var x in [",
            "option a.",
            "\"",
            "1..",
            "set A = 1 * 2;",
        ] {
            let _ = parse(FileId(0), text);
        }
    }
}

/// The AMPL vocabulary: `if`, `^`, `mod`, built-in functions, `prod`, set operators, indexed sets,
/// attribute commas and `fix`.
#[cfg(test)]
mod ampl_tests {
    use super::*;

    /// An expression in prefix form, to check precedence and associativity.
    fn show(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Num(v) => format!("{v}"),
            ExprKind::Str(s) => format!("{s:?}"),
            ExprKind::Ref(id, subs) if subs.is_empty() => id.name.clone(),
            ExprKind::Ref(id, subs) => format!(
                "{}[{}]",
                id.name,
                subs.iter().map(show).collect::<Vec<_>>().join(",")
            ),
            ExprKind::Neg(a) => format!("(neg {})", show(a)),
            ExprKind::Not(a) => format!("(not {})", show(a)),
            ExprKind::Bin(op, a, b) => format!("({} {} {})", op.symbol(), show(a), show(b)),
            ExprKind::If(c, a, b) => format!(
                "(if {} {} {})",
                show(c),
                show(a),
                b.as_ref().map_or("-".into(), |b| show(b))
            ),
            ExprKind::Func(f, args) => format!(
                "({} {})",
                f.name(),
                args.iter().map(show).collect::<Vec<_>>().join(" ")
            ),
            ExprKind::Card(s) => format!("(card {})", show_set(s)),
            ExprKind::Ord(e, s) => format!(
                "(ord {}{})",
                show(e),
                s.as_ref()
                    .map_or(String::new(), |s| format!(" {}", show_set(s)))
            ),
            ExprKind::Sum(_, b) => format!("(sum {})", show(b)),
            ExprKind::In(e, s) => format!("(in {} {})", show(e), show_set(s)),
            ExprKind::Iter(f, _, b) => format!("({}{{}} {})", f.name(), show(b)),
            ExprKind::Prod(_, b) => format!("(prod {})", show(b)),
            ExprKind::Tuple(xs) => {
                format!("({})", xs.iter().map(show).collect::<Vec<_>>().join(","))
            }
            k => format!("{k:?}"),
        }
    }

    fn show_set(s: &SetExpr) -> String {
        match &s.kind {
            SetExprKind::Named(id) => id.name.clone(),
            SetExprKind::Indexed(id, subs) => format!(
                "{}[{}]",
                id.name,
                subs.iter().map(show).collect::<Vec<_>>().join(",")
            ),
            SetExprKind::Op(op, a, b) => {
                format!("({} {} {})", op.keyword(), show_set(a), show_set(b))
            }
            SetExprKind::Product(parts) => format!(
                "(* {})",
                parts.iter().map(show_set).collect::<Vec<_>>().join(" ")
            ),
            SetExprKind::Range(a, b) => format!("({}..{})", show(a), show(b)),
            SetExprKind::Literal(_) => "{..}".into(),
            SetExprKind::Comprehension(_) => "{comprehension}".into(),
        }
    }

    fn param_value(text: &str) -> String {
        let (ast, diags) = parse(FileId(0), text);
        assert!(diags.is_empty(), "{text}: {diags:#?}");
        match &ast.stmts[0] {
            Stmt::Param(ParamDecl {
                value: Some(ParamValue::Expr(e)),
                ..
            }) => show(e),
            s => panic!("{s:?}"),
        }
    }

    #[test]
    fn power_binds_tighter_than_unary_minus_and_nests_right() {
        assert_eq!(param_value("param a = -2^2;"), "(neg (^ 2 2))");
        assert_eq!(param_value("param a = 2^3^2;"), "(^ 2 (^ 3 2))");
        assert_eq!(param_value("param a = 2^-1;"), "(^ 2 (neg 1))");
        assert_eq!(param_value("param a = 3 * 2^2;"), "(* 3 (^ 2 2))");
        assert_eq!(param_value("param a = b[1]^2;"), "(^ b[1] 2)");
    }

    #[test]
    fn mod_is_multiplicative() {
        assert_eq!(
            param_value("param a = 1 + 7 mod 3 * 2;"),
            "(+ 1 (* (mod 7 3) 2))"
        );
    }

    #[test]
    fn if_then_else_and_its_branches() {
        assert_eq!(
            param_value("param a = if b > 1 and c then 2 else 3 + 4;"),
            "(if (and (> b 1) c) 2 (+ 3 4))"
        );
        assert_eq!(
            param_value("param a = 1 + if b then 2;"),
            "(+ 1 (if b 2 -))"
        );
        assert_eq!(
            param_value("param a = if b then 1 else if c then 2 else 3;"),
            "(if b 1 (if c 2 3))"
        );
        // a branch is arithmetic: the relation belongs to the constraint
        let (ast, diags) = parse(FileId(0), "subject to k: if p then x else y <= 3;");
        assert!(diags.is_empty(), "{diags:#?}");
        let Stmt::Constraint(c) = &ast.stmts[0] else {
            panic!()
        };
        assert_eq!(show(&c.exprs[0]), "(if p x y)");
        assert_eq!(c.exprs.len(), 2);
    }

    #[test]
    fn builtin_functions_and_aggregates() {
        assert_eq!(
            param_value("param a = max(1, min(b, 2), abs(-3)) + floor(c) - ceil(d);"),
            "(- (+ (max 1 (min b 2) (abs (neg 3))) (floor c)) (ceil d))"
        );
        assert_eq!(
            param_value("param a = card(I union J);"),
            "(card (union I J))"
        );
        assert_eq!(
            param_value("param a = ord(i) + ord(\"b\", I);"),
            "(+ (ord i) (ord \"b\" I))"
        );
        assert_eq!(
            param_value("param a = prod{i in I} b[i] + 1;"),
            "(+ (prod b[i]) 1)"
        );
        // without `(` the names are plain names
        assert_eq!(param_value("param a = max + card;"), "(+ max card)");
        assert_eq!(
            param_value("param a = max{i in I} b[i] * 2 + min{i in I} b[i];"),
            "(+ (max{} (* b[i] 2)) (min{} b[i]))"
        );
    }

    #[test]
    fn membership_is_a_comparison() {
        assert_eq!(
            param_value("param a = if i in J union K and not (i, 2) in P then 1;"),
            "(if (and (in i (union J K)) (not (in (i,2) P))) 1 -)"
        );
    }

    #[test]
    fn set_operators_and_indexed_sets() {
        let (ast, diags) = parse(
            FileId(0),
            "set A = B union C diff D inter E * F; set J{i in I} = {j in K: j <= i}; \
             param s = sum{i in I, j in J[i]} 1;",
        );
        assert!(diags.is_empty(), "{diags:#?}");
        let Stmt::Set(a) = &ast.stmts[0] else {
            panic!()
        };
        assert_eq!(show_set(&a.value), "(diff (union B C) (inter D (* E F)))");
        let Stmt::Set(j) = &ast.stmts[1] else {
            panic!()
        };
        assert!(j.indexing.is_some());
        let Stmt::Param(p) = &ast.stmts[2] else {
            panic!()
        };
        let Some(ParamValue::Expr(Expr {
            kind: ExprKind::Sum(idx, _),
            ..
        })) = &p.value
        else {
            panic!()
        };
        assert_eq!(show_set(&idx.items[1].set), "J[i]");
    }

    #[test]
    fn attributes_may_be_separated_by_commas() {
        let (ast, diags) = parse(
            FileId(0),
            "var x{I} >= 0, <= 10; var n integer, >= 0, <= 5; param a{I} >= 0, default 0;",
        );
        assert!(diags.is_empty(), "{diags:#?}");
        let Stmt::Var(x) = &ast.stmts[0] else {
            panic!()
        };
        assert!(x.lower.is_some() && x.upper.is_some());
        let Stmt::Var(n) = &ast.stmts[1] else {
            panic!()
        };
        assert_eq!(n.kind, VarKind::Integer);
        assert!(n.lower.is_some() && n.upper.is_some());
        let Stmt::Param(a) = &ast.stmts[2] else {
            panic!()
        };
        assert!(a.default.is_some() && a.checks.len() == 1);
        // a comma needs an attribute after it
        assert_eq!(
            codes("var y >= 0, ;"),
            vec!["rmod::syntax::unexpected_token"]
        );
    }

    #[test]
    fn fix_statements() {
        let (ast, diags) = parse(
            FileId(0),
            "fix x = 1; fix y[\"a\", 2] = 2 * p; fix {i in I: i > 1} z[i] = 0;",
        );
        assert!(diags.is_empty(), "{diags:#?}");
        let fixes: Vec<&FixStmt> = ast
            .stmts
            .iter()
            .map(|s| match s {
                Stmt::Fix(f) => f,
                s => panic!("{s:?}"),
            })
            .collect();
        assert_eq!(fixes[0].var.name, "x");
        assert!(fixes[0].subs.is_empty() && fixes[0].indexing.is_none());
        assert_eq!(fixes[1].subs.len(), 2);
        assert!(fixes[2].indexing.is_some());
        assert_eq!(show(&fixes[2].value), "0");
    }

    #[test]
    fn long_powers_and_ifs_are_too_deep_not_a_stack_overflow() {
        let pow = format!("param p = {}2; var y;", "2^".repeat(300));
        assert_eq!(codes(&pow), vec!["rmod::syntax::too_deep"]);
        let ifs = format!("param p = {}1; var y;", "if 1 then ".repeat(300));
        assert_eq!(codes(&ifs), vec!["rmod::syntax::too_deep"]);
        let unions = format!("set S = A{}; var y;", " union A".repeat(2100));
        assert_eq!(codes(&unions), vec!["rmod::syntax::too_deep"]);
        let fine = format!("param p = {}2;", "2^".repeat(150));
        assert!(codes(&fine).is_empty());
    }

    fn codes(text: &str) -> Vec<&'static str> {
        parse(FileId(0), text).1.iter().map(|d| d.code).collect()
    }
}
