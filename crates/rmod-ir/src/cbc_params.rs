//! Checks `cbc.KEY = VALUE` options against CBC's parameter table (`cbc_table.rs`) the way
//! CBC's command interpreter reads them: its prefix rule, value ranges and keywords.

use crate::cbc_table::{CbcValue, CBC_PARAMS};

/// Why a `cbc.KEY = VALUE` option is refused.
#[derive(Clone, Debug, PartialEq)]
pub enum CbcParamError {
    /// no parameter has this name (`suggestion`: the closest one)
    Unknown(Option<String>),
    /// a prefix of several parameters, or shorter than CBC accepts
    Ambiguous(Vec<String>),
    /// a command of CBC's interpreter, not a parameter
    Action(String),
    /// the value does not fit: what the parameter accepts
    Value(String, String),
}

/// The parameter's name as CBC matches it: the full name, and how long a prefix must be.
fn split(name: &str) -> (String, usize) {
    let clean: String = name.chars().filter(|c| *c != '!' && *c != '?').collect();
    let min = name.find('!').unwrap_or(clean.len());
    (clean, min)
}

/// CBC's rule: `input` is a case-insensitive prefix of the name, at least as long as the part
/// before `!`.
fn prefix_of(name: &str, input: &str) -> Option<bool> {
    let (full, min) = split(name);
    let lower = full.to_ascii_lowercase();
    if input.len() <= lower.len() && lower.starts_with(&input.to_ascii_lowercase()) {
        Some(input.len() >= min)
    } else {
        None
    }
}

/// The shown form of a parameter: `allowableGap`.
pub fn cbc_param_name(name: &str) -> String {
    split(name).0
}

/// Checks `cbc.KEY = VALUE` the way CBC's command interpreter reads it, so that a misspelt
/// parameter or a value CBC would ignore (it prints a complaint and goes on) is an error before
/// anything is solved. Returns the parameter's full name.
pub fn check_cbc_param(key: &str, value: &str) -> Result<String, CbcParamError> {
    let full: Vec<&(&str, CbcValue)> = CBC_PARAMS
        .iter()
        .filter(|(n, _)| prefix_of(n, key) == Some(true))
        .collect();
    let exact = full
        .iter()
        .find(|(n, _)| cbc_param_name(n).eq_ignore_ascii_case(key));
    let (name, kind) = match (exact, full.as_slice()) {
        (Some(p), _) | (None, [p]) => **p,
        (None, []) => {
            let short: Vec<String> = CBC_PARAMS
                .iter()
                .filter(|(n, _)| prefix_of(n, key) == Some(false))
                .map(|(n, _)| cbc_param_name(n))
                .collect();
            if !short.is_empty() {
                return Err(CbcParamError::Ambiguous(short));
            }
            let names: Vec<String> = CBC_PARAMS
                .iter()
                .filter(|(_, v)| *v != CbcValue::Action)
                .map(|(n, _)| cbc_param_name(n))
                .collect();
            let best = rmod_diagnostics::did_you_mean(key, names.iter().map(String::as_str))
                .map(str::to_string);
            return Err(CbcParamError::Unknown(best));
        }
        (None, many) => {
            return Err(CbcParamError::Ambiguous(
                many.iter().map(|(n, _)| cbc_param_name(n)).collect(),
            ))
        }
    };
    let shown = cbc_param_name(name);
    let number = value.trim().parse::<f64>().ok().filter(|v| !v.is_nan());
    let bad = |needs: String| Err(CbcParamError::Value(shown.clone(), needs));
    match kind {
        CbcValue::Action => Err(CbcParamError::Action(shown)),
        CbcValue::Double(lo, hi) => match number {
            Some(v) if v >= lo && v <= hi => Ok(shown),
            _ => bad(format!("a number in [{lo}, {hi}]")),
        },
        CbcValue::Int(lo, hi) => match number {
            Some(v) if v >= lo && v <= hi && v.fract() == 0.0 => Ok(shown),
            _ => bad(format!("a whole number in [{lo}, {hi}]")),
        },
        CbcValue::Keyword(words, numeric) => {
            if numeric && number.is_some_and(|v| v.fract() == 0.0 && v >= 0.0) {
                return Ok(shown);
            }
            if words
                .iter()
                .any(|w| prefix_of(w, value.trim()) == Some(true))
            {
                return Ok(shown);
            }
            let list: Vec<String> = words.iter().map(|w| cbc_param_name(w)).collect();
            bad(format!(
                "one of {}{}",
                list.join(", "),
                if numeric { ", or a whole number" } else { "" }
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cbc_reads_prefixes_and_checks_values() {
        // CBC's own names and the shortest prefixes it accepts
        assert_eq!(check_cbc_param("cuts", "off"), Ok("cutsOnOff".into()));
        assert_eq!(
            check_cbc_param("cutsOnOff", "forceOn"),
            Ok("cutsOnOff".into())
        );
        assert_eq!(check_cbc_param("maxN", "100"), Ok("maxNodes".into()));
        assert_eq!(
            check_cbc_param("allowableGap", "1e-3"),
            Ok("allowableGap".into())
        );
        assert_eq!(check_cbc_param("strategy", "2"), Ok("strategy".into()));
        // values
        assert!(
            matches!(check_cbc_param("cuts", "foo"), Err(CbcParamError::Value(n, w)) if n == "cutsOnOff" && w.contains("forceOn"))
        );
        assert!(matches!(
            check_cbc_param("maxNodes", "1.5"),
            Err(CbcParamError::Value(..))
        ));
        assert!(matches!(
            check_cbc_param("strategy", "3"),
            Err(CbcParamError::Value(..))
        ));
        assert!(matches!(
            check_cbc_param("allowableGap", "-1"),
            Err(CbcParamError::Value(..))
        ));
        // names
        assert_eq!(
            check_cbc_param("maxNodez", "3"),
            Err(CbcParamError::Unknown(Some("maxNodes".into())))
        );
        assert_eq!(
            check_cbc_param("nosuchkey", "3"),
            Err(CbcParamError::Unknown(None))
        );
        assert!(matches!(
            check_cbc_param("solve", "1"),
            Err(CbcParamError::Action(_))
        ));
        assert!(matches!(
            check_cbc_param("cu", "on"),
            Err(CbcParamError::Ambiguous(_))
        ));
    }
}
