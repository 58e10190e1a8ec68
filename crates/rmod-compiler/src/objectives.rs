//! Which of a model's named objectives a run optimizes: `--objective NAME` (default: the first
//! declared) or a lexicographic order `--objective a,b`, checked against the declared names.

use rmod_diagnostics::{code, did_you_mean, Diagnostic};
use rmod_syntax::{Ast, Stmt};

/// The positions (in declaration order) of the objectives named by `wanted`, in the order
/// given; without names, the first declared objective (none when the model has none).
pub fn select(ast: &Ast, wanted: &[String]) -> Result<Vec<usize>, Vec<Diagnostic>> {
    let declared: Vec<&str> = ast
        .stmts
        .iter()
        .filter_map(|s| match s {
            Stmt::Objective(o) => Some(o.name.name.as_str()),
            _ => None,
        })
        .collect();
    if wanted.is_empty() {
        return Ok(if declared.is_empty() { vec![] } else { vec![0] });
    }
    let mut stages = Vec::new();
    let mut diags = Vec::new();
    for name in wanted {
        let name = name.trim();
        match declared.iter().position(|d| *d == name) {
            Some(k) if stages.contains(&k) => diags.push(
                Diagnostic::error(
                    code::RESOLVE_UNKNOWN_OBJECTIVE,
                    format!("`--objective` names `{name}` twice"),
                )
                .with_help("name each objective once: `--objective a,b` optimizes a, then b with a kept at its optimum"),
            ),
            Some(k) => stages.push(k),
            None => {
                let list = if declared.is_empty() {
                    "the model declares no objective".to_string()
                } else {
                    format!(
                        "the model's objectives: {}",
                        declared
                            .iter()
                            .map(|d| format!("`{d}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                let help = match did_you_mean(name, declared.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`? {list}"),
                    None => list,
                };
                diags.push(
                    Diagnostic::error(
                        code::RESOLVE_UNKNOWN_OBJECTIVE,
                        format!("`--objective {name}` names no objective of the model"),
                    )
                    .with_help(help),
                );
            }
        }
    }
    if diags.is_empty() {
        Ok(stages)
    } else {
        Err(diags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ast(text: &str) -> Ast {
        let (ast, diags) = rmod_syntax::parse(rmod_diagnostics::FileId(0), text);
        assert!(diags.is_empty());
        ast
    }

    #[test]
    fn default_first_named_and_ordered() {
        let a = ast("var x in [0, 1]; minimize a: x; maximize b: x; minimize c: -x;");
        assert_eq!(select(&a, &[]).unwrap(), vec![0]);
        assert_eq!(select(&a, &["b".into()]).unwrap(), vec![1]);
        assert_eq!(select(&a, &["c".into(), "a".into()]).unwrap(), vec![2, 0]);
        assert!(select(&ast("var x in [0, 1];"), &[]).unwrap().is_empty());
    }

    #[test]
    fn unknown_and_repeated_names_are_errors() {
        let a = ast("var x in [0, 1]; minimize cost: x; maximize profit: x;");
        let e = select(&a, &["cst".into()]).unwrap_err();
        assert_eq!(e[0].code, "rmod::resolve::unknown_objective");
        let help = e[0].help.clone().unwrap_or_default();
        assert!(help.contains("did you mean `cost`?"), "{help}");
        assert!(help.contains("`cost`, `profit`"), "{help}");
        let e = select(&a, &["cost".into(), "cost".into()]).unwrap_err();
        assert!(e[0].message.contains("twice"));
    }
}
