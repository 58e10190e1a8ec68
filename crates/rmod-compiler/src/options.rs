//! Solver-neutral options (`option KEY = VALUE;` and `--option KEY=VALUE`).

use rmod_diagnostics::did_you_mean;
use rmod_ir::Options;

pub enum OptValue {
    Num(f64),
    Str(String),
}

/// The option keys rmod knows; `cbc.KEY` passes any key through to CBC.
pub const OPTION_KEYS: &[&str] = &[
    "time_limit",
    "mip_gap",
    "threads",
    "seed",
    "log",
    "bounds",
    "bound_time_limit",
    "bound_context",
    "bound_budget",
    "incumbent",
    "relu_scaling",
    "input_split",
];

/// The values of `option bound_context` and of `relu_net(..., context = ...)`.
pub const BOUND_CONTEXTS: &[&str] = &["network", "model"];

/// The values of `option bounds` and of `relu_net(..., bounds = ...)`.
pub const BOUND_METHODS: &[&str] = &["ia", "lp", "milp"];

/// Parses a command-line value: a number if it reads as one, else a string.
pub fn parse_cli_value(s: &str) -> OptValue {
    match s.parse::<f64>() {
        Ok(v) => OptValue::Num(v),
        Err(_) => OptValue::Str(s.to_string()),
    }
}

/// Applies one option; on error returns (message, help, code).
pub fn apply_option(
    o: &mut Options,
    key: &str,
    value: &OptValue,
) -> Result<(), (String, String, &'static str)> {
    let bad = |what: &str| {
        (
            format!("option `{key}` needs {what}"),
            format!("e.g. `option {key} = {}`", example(key)),
            "rmod::resolve::bad_option_value",
        )
    };
    if let Some(raw) = key.strip_prefix("cbc.") {
        if raw.is_empty() {
            return Err(bad("a CBC parameter name after `cbc.`"));
        }
        let v = match value {
            OptValue::Num(v) => format!("{v}"),
            OptValue::Str(s) => s.clone(),
        };
        o.cbc.push((raw.to_string(), v));
        return Ok(());
    }
    let num = match value {
        OptValue::Num(v) => Some(*v),
        OptValue::Str(_) => None,
    };
    match key {
        "time_limit" => {
            o.time_limit = Some(
                num.filter(|v| *v >= 0.0)
                    .ok_or_else(|| bad("a number of seconds >= 0"))?,
            )
        }
        "mip_gap" => {
            o.mip_gap = Some(
                num.filter(|v| *v >= 0.0)
                    .ok_or_else(|| bad("a relative gap >= 0"))?,
            )
        }
        "threads" => {
            o.threads = Some(
                num.filter(|v| *v >= 1.0 && v.fract() == 0.0)
                    .ok_or_else(|| bad("a whole number >= 1"))? as u32,
            )
        }
        "seed" => {
            o.seed = Some(
                num.filter(|v| v.fract() == 0.0)
                    .ok_or_else(|| bad("a whole number"))? as i64,
            )
        }
        "bounds" => match value {
            OptValue::Str(m) if BOUND_METHODS.contains(&m.as_str()) => o.bounds = Some(m.clone()),
            _ => return Err(bad("\"ia\", \"lp\" or \"milp\"")),
        },
        "bound_time_limit" => {
            o.bound_time_limit = Some(
                num.filter(|v| *v > 0.0)
                    .ok_or_else(|| bad("a number of seconds > 0"))?,
            )
        }
        "bound_context" => match value {
            OptValue::Str(m) if BOUND_CONTEXTS.contains(&m.as_str()) => {
                o.bound_context = Some(m.clone())
            }
            _ => return Err(bad("\"network\" or \"model\"")),
        },
        "bound_budget" => {
            o.bound_budget = Some(
                num.filter(|v| *v >= 0.0)
                    .ok_or_else(|| bad("a number of seconds >= 0"))?,
            )
        }
        "relu_scaling" => match value {
            OptValue::Str(m) if ["off", "bigm", "balanced"].contains(&m.as_str()) => {
                o.relu_scaling = Some(m.clone())
            }
            _ => return Err(bad("\"off\", \"bigm\" or \"balanced\"")),
        },
        "incumbent" => match value {
            OptValue::Str(m) if m == "auto" || m == "off" => o.incumbent = Some(m.clone()),
            _ => return Err(bad("\"auto\" or \"off\"")),
        },
        "input_split" => {
            o.input_split = Some(
                num.filter(|v| *v >= 0.0 && v.fract() == 0.0)
                    .ok_or_else(|| bad("a whole number of cells >= 0 (0: off)"))?
                    as u64,
            )
        }
        "log" => {
            o.log = Some(
                num.filter(|v| *v >= 0.0 && v.fract() == 0.0)
                    .ok_or_else(|| bad("a log level 0..4"))? as i64,
            )
        }
        _ => {
            let help = match did_you_mean(key, OPTION_KEYS.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? solver parameters go through `cbc.KEY`"),
                None => format!(
                    "known options: {}; CBC parameters: `cbc.KEY`",
                    OPTION_KEYS.join(", ")
                ),
            };
            return Err((
                format!("unknown option `{key}`"),
                help,
                "rmod::resolve::unknown_option",
            ));
        }
    }
    Ok(())
}

fn example(key: &str) -> &'static str {
    match key {
        "time_limit" => "60",
        "mip_gap" => "1e-4",
        "threads" | "log" => "1",
        "seed" => "7",
        "bounds" => "\"lp\"",
        "bound_time_limit" => "1",
        "bound_context" => "\"model\"",
        "bound_budget" => "30",
        "incumbent" => "\"off\"",
        "relu_scaling" => "\"bigm\"",
        "input_split" => "10000",
        _ => "\"value\"",
    }
}
