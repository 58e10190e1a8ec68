//! `rmod expand`: print the generated rows of one constraint (or the objective).

use rmod_diagnostics::code;

use std::io::Write;

use rmod_compiler::format_row;
use rmod_diagnostics::Diagnostic;

use crate::args::{Cli, ModelArgs};
use crate::load::load_model;
use crate::output::Printer;
use crate::EXIT_COMPILE;

pub fn command(cli: &Cli, m: &ModelArgs, name: &String, p: &mut Printer) -> u8 {
    let Some((out, _)) = load_model(cli, m, p) else {
        return EXIT_COMPILE;
    };
    p.finish(&out.sources);
    let model = out.model.as_ref().expect("checked by load_model");
    let rows: Vec<_> = model
        .rows
        .iter()
        .filter(|r| r.origin.model_decl() == name)
        .collect();
    if let Some(o) = out.objectives.iter().find(|o| o.name == *name) {
        let row = rmod_ir::Row {
            origin: rmod_ir::Origin {
                decl: o.name.clone(),
                index: vec![],
                span: Default::default(),
            },
            coeffs: o.coeffs.clone(),
            lower: f64::NEG_INFINITY,
            upper: f64::INFINITY,
        };
        let text = format_row(model, &row);
        let body = text.trim_end_matches(" >= -inf");
        outln!(
            "{body}{}",
            if o.constant != 0.0 {
                format!(" + {}", o.constant)
            } else {
                String::new()
            }
        );
        return 0;
    }
    if rows.is_empty() {
        let mut names: Vec<&str> = Vec::new();
        for r in &model.rows {
            let decl = r.origin.model_decl();
            if !names.contains(&decl) {
                names.push(decl);
            }
        }
        let mut d = Diagnostic::error(
            code::RESOLVE_UNKNOWN_NAME,
            format!("no constraint named `{name}` generated rows"),
        );
        d = match rmod_diagnostics::did_you_mean(name, names.iter().copied()) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d.with_help(format!("constraints with rows: {}", names.join(", "))),
        };
        p.emit(&[d], &out.sources);
        p.finish(&out.sources);
        return EXIT_COMPILE;
    }
    for r in rows {
        outln!("{}", format_row(model, r));
    }
    0
}
