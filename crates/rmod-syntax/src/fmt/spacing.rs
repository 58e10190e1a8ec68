//! Where the canonical layout puts a space between two tokens, and which `+`/`-` are binary.

use crate::lexer::{lex, Tok, Token};
use rmod_diagnostics::FileId;

/// What the formatter needs to know about each token of a statement besides its text.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Role {
    /// a `+`, `-` or `and`/`or` between two operands (a break may go before it)
    pub binary: bool,
    /// a `+` or `-` in front of its operand (no space after it)
    pub unary: bool,
}

fn is_punct(t: &Tok, p: &str) -> bool {
    matches!(t, Tok::Punct(q) if *q == p)
}

fn is_kw(t: &Tok, k: &str) -> bool {
    matches!(t, Tok::Keyword(q) if *q == k)
}

/// The roles of the tokens of one statement: a `+`/`-` is binary after an operand (a name, a
/// number, a string, `)`, `]`, or a `}` that does not end the indexing of `sum`, `prod`,
/// `min`/`max`), unary anywhere else.
pub(super) fn roles(toks: &[Token]) -> Vec<Role> {
    let mut out = vec![Role::default(); toks.len()];
    // for each open `{`: whether a term follows its `}` (an iterated operator's indexing)
    let mut braces: Vec<bool> = Vec::new();
    let mut after_operand = false;
    for (k, t) in toks.iter().enumerate() {
        let tok = &t.tok;
        if is_punct(tok, "+") || is_punct(tok, "-") {
            out[k] = Role {
                binary: after_operand,
                unary: !after_operand,
            };
            after_operand = false;
            continue;
        }
        if is_kw(tok, "and") || is_kw(tok, "or") {
            out[k].binary = true;
        }
        after_operand = match tok {
            Tok::Ident(_) | Tok::Number(_) | Tok::Str(_) => true,
            Tok::Punct(")") | Tok::Punct("]") => true,
            Tok::Punct("{") => {
                let prev = k.checked_sub(1).map(|j| &toks[j].tok);
                braces.push(matches!(
                    prev,
                    Some(Tok::Ident(_)) | Some(Tok::Keyword("sum" | "prod"))
                ));
                false
            }
            Tok::Punct("}") => !braces.pop().unwrap_or(false),
            _ => false,
        };
    }
    out
}

/// Whether the canonical layout puts a space between `prev` and `next` (before checking that
/// the two would still lex apart without it, see [`joins_safely`]).
pub(super) fn wants_space(prev: &Tok, prev_role: Role, next: &Tok) -> bool {
    if let Tok::Punct(n) = next {
        if matches!(*n, "," | ";" | ")" | "]" | ":" | "}" | "." | ".." | "^") {
            return false;
        }
    }
    if let Tok::Punct(p) = prev {
        if matches!(*p, "(" | "[" | "{" | "." | ".." | "^") {
            return false;
        }
    }
    if prev_role.unary {
        return false;
    }
    match next {
        Tok::Punct("(") | Tok::Punct("[") => !matches!(prev, Tok::Ident(_)),
        Tok::Punct("{") => !matches!(prev, Tok::Ident(_) | Tok::Keyword("sum" | "prod")),
        _ => true,
    }
}

/// Whether `a` and `b` written without a space between them still lex as the same two tokens
/// (`1` `..` `.5` would not, nor `/` `*`, nor two words).
pub(super) fn joins_safely(a: &str, at: &Tok, b: &str, bt: &Tok) -> bool {
    let joined = format!("{a}{b}");
    let (toks, diags) = lex(FileId(0), &joined);
    diags.is_empty() && toks.len() == 3 && toks[0].tok == *at && toks[1].tok == *bt
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Token> {
        let mut t = lex(FileId(0), s).0;
        t.pop();
        t
    }

    #[test]
    fn unary_and_binary_signs() {
        let t = toks("a - -b + sum{i in I} -x[i] - (c) * -2 - {1} ^ -1");
        let r = roles(&t);
        let signs: Vec<(bool, bool)> = t
            .iter()
            .zip(&r)
            .filter(|(t, _)| matches!(t.tok, Tok::Punct("+" | "-")))
            .map(|(_, r)| (r.binary, r.unary))
            .collect();
        assert_eq!(
            signs,
            vec![
                (true, false),
                (false, true),
                (true, false),
                (false, true),
                (true, false),
                (false, true),
                (true, false),
                (false, true)
            ]
        );
    }

    #[test]
    fn joins() {
        let n = |s: &str| toks(s)[0].tok.clone();
        assert!(joins_safely("1", &n("1"), "..", &n("..")));
        assert!(!joins_safely("..", &n(".."), ".5", &n(".5")));
        assert!(!joins_safely("1.", &n("1."), "..", &n("..")));
        assert!(!joins_safely("/", &n("/"), "*", &n("*")));
        assert!(!joins_safely("<", &n("<"), "=", &n("=")));
        assert!(!joins_safely("x", &n("x"), "in", &n("in")));
        assert!(joins_safely("cbc", &n("cbc"), ".", &n(".")));
    }
}
