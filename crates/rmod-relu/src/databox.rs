//! The training data's box that `rmod train` records in a network file as
//! `training.data_box` (`[[lo, hi], ...]`, one pair per input): read for
//! `relu_net(..., domain = "data")`.

use rmod_diagnostics::{code, Diagnostic, FileId, Span};
use serde_json::Value;

use crate::jsonspan;

/// The JSON pointer of the data box.
pub const DATA_BOX_POINTER: &str = "/training/data_box";

/// The data box of network file `text` (named `name`, `file` in the sources) for a network of
/// `n_inputs` inputs: `Ok(None)` when the file records none, an error
/// (`rmod::relu::invalid_file`, at the field) when it is not `n_inputs` finite pairs lo <= hi.
pub fn data_box(
    file: FileId,
    name: &str,
    text: &str,
    n_inputs: usize,
) -> Result<Option<Vec<(f64, f64)>>, Diagnostic> {
    let Ok(doc) = serde_json::from_str::<Value>(text) else {
        return Ok(None);
    };
    let Some(v) = doc.pointer(DATA_BOX_POINTER) else {
        return Ok(None);
    };
    let pairs: Option<Vec<(f64, f64)>> = v.as_array().and_then(|a| {
        a.iter()
            .map(|p| match p.as_array().map(Vec::as_slice) {
                Some([lo, hi]) => Some((lo.as_f64()?, hi.as_f64()?)),
                _ => None,
            })
            .collect()
    });
    match pairs {
        Some(b)
            if b.len() == n_inputs
                && b.iter()
                    .all(|(lo, hi)| lo.is_finite() && hi.is_finite() && lo <= hi) =>
        {
            Ok(Some(b))
        }
        _ => {
            let (s, e) = jsonspan::locate(text, DATA_BOX_POINTER).unwrap_or((0, 0));
            Err(Diagnostic::error(
                code::RELU_INVALID_FILE,
                format!("{name}: {DATA_BOX_POINTER}: expected {n_inputs} pairs [lo, hi] with lo <= hi"),
            )
            .with_label(Span::new(file, s, e), "the training data's box")
            .with_help("`rmod train` writes it; retrain the network, or remove the field and use `domain = \"box\"`"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_checks_and_defaults() {
        let f = FileId(1);
        let t = r#"{"training": {"data_box": [[0, 1], [2.5, 3]]}}"#;
        assert_eq!(
            data_box(f, "n", t, 2).unwrap(),
            Some(vec![(0.0, 1.0), (2.5, 3.0)])
        );
        assert_eq!(data_box(f, "n", r#"{"training": {}}"#, 2).unwrap(), None);
        assert_eq!(data_box(f, "n", r#"{}"#, 2).unwrap(), None);
        let e = data_box(f, "n", t, 3).unwrap_err();
        assert_eq!(e.code, code::RELU_INVALID_FILE);
        assert!(e.message.contains("/training/data_box"), "{}", e.message);
        assert!(data_box(f, "n", r#"{"training": {"data_box": [[2, 1]]}}"#, 1).is_err());
        assert!(data_box(f, "n", r#"{"training": {"data_box": [[0, "a"]]}}"#, 1).is_err());
    }
}
