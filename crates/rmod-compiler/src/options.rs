//! Options (`option KEY = VALUE;` and `--option KEY=VALUE`) set through rmod-ir's option table,
//! with the messages of their diagnostics.

use rmod_diagnostics::code;

use rmod_diagnostics::did_you_mean;
pub use rmod_ir::OptValue;
use rmod_ir::{OptionError, Options, OPTIONS};

/// Applies one option; on error returns (message, help, code).
pub fn apply_option(
    o: &mut Options,
    key: &str,
    value: &OptValue,
) -> Result<(), (String, String, rmod_diagnostics::Code)> {
    let bad = |what: &str, example: &str| {
        (
            format!("option `{key}` needs {what}"),
            format!("e.g. `option {key} = {example}`"),
            code::RESOLVE_BAD_OPTION_VALUE,
        )
    };
    match o.set(key, value) {
        Ok(()) => Ok(()),
        Err(OptionError::EmptyCbcKey) => Err(bad("a CBC parameter name after `cbc.`", "\"value\"")),
        Err(OptionError::BadValue(spec)) => Err(bad(&spec.ty.needs(), spec.example)),
        Err(OptionError::CbcParam(e)) => Err(cbc_param_error(key, e)),
        Err(OptionError::Unknown) => {
            let names = OPTIONS.iter().map(|s| s.name);
            let help = match did_you_mean(key, names.clone()) {
                Some(s) => format!("did you mean `{s}`? solver parameters go through `cbc.KEY`"),
                None => format!(
                    "known options: {}; CBC parameters: `cbc.KEY`",
                    names.collect::<Vec<_>>().join(", ")
                ),
            };
            Err((
                format!("unknown option `{key}`"),
                help,
                code::RESOLVE_UNKNOWN_OPTION,
            ))
        }
    }
}

/// An error when `options` name a solver backend that is not among `backends` (the ones the
/// caller can run: HiGHS needs the `highs` build feature).
pub fn check_backend(
    options: &Options,
    backends: &[rmod_ir::SolverKind],
) -> Result<(), (String, String, rmod_diagnostics::Code)> {
    if backends.contains(&options.solver) {
        return Ok(());
    }
    Err((
        format!(
            "option `solver` = \"{}\": this rmod was built without it",
            options.solver.as_str()
        ),
        "HiGHS is the cargo feature `highs`: build with `cargo build --release --features highs` (needs cmake and libclang), or use `option solver = \"cbc\"`".to_string(),
        code::RESOLVE_BAD_OPTION_VALUE,
    ))
}

/// The diagnostic text of a `cbc.KEY` option CBC would not read.
fn cbc_param_error(
    key: &str,
    e: rmod_ir::CbcParamError,
) -> (String, String, rmod_diagnostics::Code) {
    use rmod_ir::CbcParamError as E;
    let unknown = |msg: String, help: String| (msg, help, code::RESOLVE_UNKNOWN_OPTION);
    match e {
        E::Unknown(Some(s)) => unknown(
            format!("`{key}`: CBC has no parameter of this name"),
            format!("did you mean `cbc.{s}`? (`rmod explain options` lists rmod's options; CBC's are in its `?` listing)"),
        ),
        E::Unknown(None) => unknown(
            format!("`{key}`: CBC has no parameter of this name"),
            "CBC's parameters are its command-line names, e.g. `cbc.cuts = \"off\"`, `cbc.maxNodes = 1000`, `cbc.allowableGap = 0.01`".to_string(),
        ),
        E::Ambiguous(names) => unknown(
            format!("`{key}` is not one CBC parameter: it could be {}", names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")),
            "write more of the name".to_string(),
        ),
        E::Action(name) => unknown(
            format!("`{key}`: `{name}` is a command of CBC's interpreter, not a parameter"),
            "rmod runs the solve itself; pass parameters only".to_string(),
        ),
        E::Value(name, needs) => (
            format!("option `{key}` (CBC's `{name}`) needs {needs}"),
            "CBC would ignore this value with a message and solve with its default".to_string(),
            code::RESOLVE_BAD_OPTION_VALUE,
        ),
    }
}
