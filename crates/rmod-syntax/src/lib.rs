//! Parses rmod model text into an [`Ast`]; reports every syntax error of a file in one run and never panics.
//!
//! ```
//! use rmod_diagnostics::FileId;
//! let (ast, diags) = rmod_syntax::parse(FileId(0), "set R = {\"R1\"}; var x{R} >= 0;");
//! assert!(diags.is_empty());
//! assert_eq!(ast.stmts.len(), 2);
//! ```

pub mod ast;
mod lexer;
mod parser;

pub use ast::*;
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
