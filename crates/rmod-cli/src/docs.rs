//! The JSON documents of the commands that print figures (`--format json`): one envelope,
//! `{"format": "rmod-<command>", "version": 1, ...}`, keys in a fixed order.

use serde_json::{json, Map, Value};

/// The version of every `rmod-<command>` document this file writes (`rmod-solution` has its
/// own, in rmod-report).
pub const VERSION: u32 = 1;

/// `--format` of `check`, `explain` and `net info|bounds|regions|eval`.
#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Debug, Default)]
pub enum DocFormat {
    /// for people (`table` is accepted too)
    #[default]
    #[value(alias = "table")]
    Human,
    Json,
}

/// The document `rmod-<kind>` with `fields` (an object) after `format` and `version`, pretty
/// printed with a final newline.
pub fn document(kind: &str, fields: Value) -> String {
    let mut doc = Map::new();
    doc.insert("format".into(), json!(format!("rmod-{kind}")));
    doc.insert("version".into(), json!(VERSION));
    if let Value::Object(f) = fields {
        doc.extend(f);
    }
    let mut s = serde_json::to_string_pretty(&Value::Object(doc)).unwrap_or_default();
    s.push('\n');
    s
}

/// A number, or `null` when it is not finite (JSON has no infinity).
pub fn num(v: f64) -> Value {
    if v.is_finite() {
        json!(v)
    } else {
        Value::Null
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_first_then_fields_in_order() {
        let s = document("x", json!({"b": 1, "a": [num(f64::INFINITY)]}));
        let v: Value = serde_json::from_str(&s).expect("json");
        let keys: Vec<&String> = v.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["format", "version", "b", "a"]);
        assert_eq!(v["format"], "rmod-x");
        assert_eq!(v["version"], 1);
        assert_eq!(v["a"][0], Value::Null);
        assert!(s.ends_with("}\n"));
    }
}
