//! `rmod explain`: the text of a diagnostic code, the list of all codes, or the options
//! (`rmod explain options`, `rmod explain OPTION`) from rmod-ir's option table; as text or as
//! the `rmod-explain` JSON document.

use std::io::Write;

use serde_json::{json, Value};

use crate::docs::{document, DocFormat};
use crate::EXIT_USAGE;

pub fn command(code: Option<&str>, format: DocFormat) -> u8 {
    if format == DocFormat::Json {
        return match json_fields(code) {
            Some(fields) => {
                out!("{}", document("explain", fields));
                0
            }
            None => unknown(code.unwrap_or_default()),
        };
    }
    match code {
        None => {
            for c in rmod_diagnostics::CODES {
                outln!("{}", c.code);
            }
            0
        }
        Some("options") => {
            outln!("{}", options_text());
            0
        }
        Some(name) if rmod_ir::option_spec(name).is_some() => {
            if let Some(o) = rmod_ir::option_spec(name) {
                outln!("{}", option_text(o));
            }
            0
        }
        Some(code) => match rmod_diagnostics::explain(code) {
            Some(info) => {
                outln!(
                    "{}\n\n{}\n\nexample:\n\n    {}",
                    info.code,
                    info.explanation,
                    info.example.replace('\n', "\n    ")
                );
                0
            }
            None => unknown(code),
        },
    }
}

/// The message for a name that is neither a code nor an option; the usage exit code.
fn unknown(code: &str) -> u8 {
    let names = rmod_diagnostics::CODES.iter().map(|c| c.code);
    match rmod_diagnostics::did_you_mean(code, names) {
        Some(s) => errln!("unknown code `{code}`; did you mean `{s}`?"),
        None => errln!(
            "unknown code `{code}`; `rmod explain` lists all codes, `rmod explain options` all options"
        ),
    }
    EXIT_USAGE
}

fn code_json(c: &rmod_diagnostics::CodeInfo) -> Value {
    json!({"code": c.code, "explanation": c.explanation, "example": c.example})
}

fn option_json(o: &rmod_ir::OptionSpec) -> Value {
    json!({"name": o.name, "accepts": o.ty.needs(), "default": o.default, "example": o.example, "doc": o.doc})
}

/// The fields of the `rmod-explain` document: `codes` (every code) without a name, `options`
/// for `options`, `option` for one option, `code` for one code; `None` for an unknown name.
fn json_fields(code: Option<&str>) -> Option<Value> {
    Some(match code {
        None => json!({"codes": rmod_diagnostics::CODES.iter().map(code_json).collect::<Vec<_>>()}),
        Some("options") => {
            json!({"options": rmod_ir::OPTIONS.iter().map(option_json).collect::<Vec<_>>()})
        }
        Some(name) => match rmod_ir::option_spec(name) {
            Some(o) => json!({"option": option_json(o)}),
            None => json!({"code": code_json(rmod_diagnostics::explain(name)?)}),
        },
    })
}

/// One option as `rmod explain` shows it.
fn option_text(o: &rmod_ir::OptionSpec) -> String {
    format!(
        "option {} = {};\n    accepts: {}\n    default: {}\n    {}",
        o.name,
        o.example,
        o.ty.needs(),
        o.default,
        o.doc
    )
}

/// Every option of the table, then the CBC pass-through.
fn options_text() -> String {
    let mut parts: Vec<String> = rmod_ir::OPTIONS.iter().map(option_text).collect();
    parts.push(
        "option cbc.KEY = \"value\";\n    passes a parameter to CBC by its command-line name (or a prefix CBC accepts, see `cbc -?`);\n    the name and the value are checked against CBC's parameter table before solving"
            .to_string(),
    );
    parts.join("\n\n")
}
