//! After syntax errors: the resolution and linearity errors of the statements that parsed, in
//! the same run, without cascades from the statements that did not.
//!
//! A statement that did not parse (or holds a lexical error) is left out and the name it
//! declares is *poisoned*: uses of it are not reported. A statement with a resolution error is
//! left out of the evaluation the same way, so each error is reported once, at its cause.

use std::collections::HashSet;

use rmod_diagnostics::{Diagnostic, Severity, Sources, Span};
use rmod_syntax::{Ast, Stmt};

use crate::{eval, resolve, CompileRequest};

/// The errors (no warnings: the model is incomplete) of the statements of `ast` that parsed.
/// `syntax` holds the syntax and lexical errors of the file.
pub(crate) fn errors_after_syntax(
    ast: &Ast,
    syntax: &[Diagnostic],
    req: &CompileRequest,
    sources: &mut Sources,
) -> Vec<Diagnostic> {
    let mut poisoned: HashSet<String> = ast
        .broken
        .iter()
        .filter_map(|b| b.name.as_ref().map(|n| n.name.clone()))
        .collect();
    let error_spans: Vec<Span> = syntax
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .filter_map(Diagnostic::primary_span)
        .collect();
    // the statements that parsed whole, with their spans
    let mut kept: Vec<(Stmt, Span)> = Vec::new();
    for (stmt, span) in ast.stmts.iter().zip(&ast.spans) {
        if error_spans.iter().any(|e| overlaps(*e, *span)) {
            poison(&mut poisoned, stmt);
        } else {
            kept.push((stmt.clone(), *span));
        }
    }
    // resolution: a statement with an error is reported and left out of the evaluation
    let mut rdiags = Vec::new();
    let partial = subset(&kept);
    let _ = resolve::resolve_partial(&partial, &mut rdiags, &poisoned);
    rdiags.retain(|d| d.severity == Severity::Error);
    kept.retain(|(stmt, span)| {
        let bad = rdiags
            .iter()
            .filter_map(Diagnostic::primary_span)
            .any(|e| overlaps(e, *span));
        if bad {
            poison(&mut poisoned, stmt);
        }
        !bad
    });
    let mut out = rdiags;
    // evaluation (linearity, data): only a model whose remaining statements resolve
    let partial = subset(&kept);
    let mut again = Vec::new();
    let syms = resolve::resolve_partial(&partial, &mut again, &poisoned);
    if !kept.is_empty() && !rmod_diagnostics::has_errors(&again) {
        let mut ev =
            eval::Evaluator::new(&syms, sources, req.loader, &req.overrides, &[], None, None);
        ev.check_statements(&partial, poisoned.into_iter().collect());
        let mut errs = std::mem::take(&mut ev.diags);
        errs.retain(|d| d.severity == Severity::Error);
        out.extend(errs);
    }
    out
}

fn subset(kept: &[(Stmt, Span)]) -> Ast {
    Ast {
        stmts: kept.iter().map(|(s, _)| s.clone()).collect(),
        spans: kept.iter().map(|(_, s)| *s).collect(),
        broken: Vec::new(),
    }
}

fn poison(poisoned: &mut HashSet<String>, stmt: &Stmt) {
    if let Some(n) = stmt.name() {
        poisoned.insert(n.name.clone());
    }
}

fn overlaps(a: Span, b: Span) -> bool {
    a.file == b.file && a.start < b.end.max(b.start + 1) && b.start < a.end.max(a.start + 1)
}

#[cfg(test)]
mod tests {
    use rmod_diagnostics::code;
    use std::collections::BTreeMap;

    use crate::{compile, CompileRequest};

    fn codes(text: &str) -> Vec<&'static str> {
        let files = BTreeMap::new();
        let out = compile(&CompileRequest::new("m.rmod", text, &files));
        assert!(out.model.is_none());
        out.diagnostics.iter().map(|d| d.code).collect()
    }

    #[test]
    fn errors_of_the_statements_that_parsed_come_in_the_same_run() {
        let c = codes("var x >= 0; var y >= ; subject to a: x * x <= 1; subject to b: q >= 1;");
        assert_eq!(
            c,
            vec![
                code::SYNTAX_UNEXPECTED_TOKEN,
                code::LINEAR_PRODUCT_OF_VARIABLES,
                code::RESOLVE_UNKNOWN_NAME
            ]
        );
    }

    #[test]
    fn names_of_broken_statements_do_not_cascade() {
        // `y` and `cap` did not parse; `w` depends on `cap`; none of their uses is an error
        let c = codes(
            "var y >= ; param cap = 10 var x >= 0; param w = cap * 2;
             subject to a: x + y >= w; subject to b{i in 1..cap}: x <= i; minimize o: x + y;",
        );
        assert_eq!(c, vec![code::SYNTAX_UNEXPECTED_TOKEN; 2]);
    }

    #[test]
    fn a_resolution_error_is_reported_once_and_its_name_is_poisoned() {
        // `p` names an unknown set: one error there, none where `p` is used
        let c = codes("var x; param p{J} = 1; subject to a: x <= p[1]; var ; minimize o: x;");
        assert_eq!(
            c,
            vec![code::RESOLVE_UNKNOWN_NAME, code::SYNTAX_UNEXPECTED_TOKEN]
        );
    }

    #[test]
    fn warnings_wait_for_a_complete_model() {
        // `u` looks unused, but the broken statement may have used it
        let c = codes("var u; var x; subject to a: x + u >= ; minimize o: x;");
        assert_eq!(c, vec![code::SYNTAX_UNEXPECTED_TOKEN]);
    }
}
