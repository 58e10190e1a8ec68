//! Input bounds that travel with an ONNX file: the metadata entry `input_bounds` (what
//! `rmod net export` writes) and the OMLT-style sidecar `NAME.onnx.bounds.json`.
//!
//! The sidecar is what OMLT's `write_onnx_model_with_bounds` writes: a JSON list with one
//! object per input, `{"key": K, "lower_bound": lo, "upper_bound": hi}`. `K` is the input's
//! position in the flattened input vector (`0`, `1`, ...), an index tuple over the input shape
//! with or without its batch axis (`[0, 2]` or `[2]` for shape `[1, 4]`), or the input's name.

use serde_json::Value;

/// The sidecar file of an ONNX network path.
pub fn bounds_file_name(path: &str) -> String {
    format!("{path}.bounds.json")
}

fn pair(lo: Option<f64>, hi: Option<f64>, what: &str) -> Result<(f64, f64), String> {
    match (lo, hi) {
        (Some(l), Some(h)) if l.is_finite() && h.is_finite() && l <= h => Ok((l, h)),
        (Some(l), Some(h)) => Err(format!("{what}: [{l}, {h}] is not a finite interval with lower <= upper")),
        _ => Err(format!("{what}: both bounds must be finite numbers (unbounded inputs are bounded in the model instead)")),
    }
}

/// `[[lo, hi], ...]`, one pair per input.
pub fn from_metadata(text: &str, n: usize) -> Result<Vec<(f64, f64)>, String> {
    let v: Vec<Vec<f64>> =
        serde_json::from_str(text).map_err(|e| format!("not a list of [lo, hi] pairs ({e})"))?;
    if v.len() != n {
        return Err(format!("{} pairs for {n} inputs", v.len()));
    }
    v.iter()
        .enumerate()
        .map(|(i, p)| {
            pair(
                p.first().copied(),
                p.get(1).copied().filter(|_| p.len() == 2),
                &format!("input {i}"),
            )
        })
        .collect()
}

/// The OMLT sidecar; `shape` is the graph input's shape (batch dimensions as 1).
pub fn from_sidecar(
    text: &str,
    shape: &[usize],
    names: Option<&[String]>,
) -> Result<Vec<(f64, f64)>, String> {
    let n: usize = shape.iter().product();
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON ({e})"))?;
    let list = v.as_array().ok_or(
        "the file must hold a JSON list of {\"key\", \"lower_bound\", \"upper_bound\"} objects",
    )?;
    let mut out: Vec<Option<(f64, f64)>> = vec![None; n];
    for (e, item) in list.iter().enumerate() {
        let what = format!("entry {e}");
        let obj = item.as_object().ok_or(format!("{what} is not an object"))?;
        let key = obj.get("key").ok_or(format!("{what} has no `key`"))?;
        let flat = |idx: &[usize], dims: &[usize]| -> Option<usize> {
            (idx.len() == dims.len() && idx.iter().zip(dims).all(|(i, d)| i < d))
                .then(|| idx.iter().zip(dims).fold(0, |f, (i, d)| f * d + i))
        };
        let k = match key {
            Value::Number(x) => x.as_u64().map(|x| x as usize).filter(|x| *x < n),
            Value::Array(a) => {
                let idx: Option<Vec<usize>> =
                    a.iter().map(|x| x.as_u64().map(|x| x as usize)).collect();
                idx.and_then(|idx| {
                    flat(&idx, shape).or_else(|| shape.get(1..).and_then(|s| flat(&idx, s)))
                })
            }
            Value::String(s) => names.and_then(|ns| ns.iter().position(|x| x == s)),
            _ => None,
        }
        .ok_or(format!(
            "{what}: key {key} is not an input (the input has shape {shape:?}{})",
            names.map_or(String::new(), |ns| format!(", names {}", ns.join(", ")))
        ))?;
        let num = |f: &str| obj.get(f).and_then(Value::as_f64);
        let b = pair(num("lower_bound"), num("upper_bound"), &what)?;
        if out[k].replace(b).is_some() {
            return Err(format!("{what}: input {k} is given twice"));
        }
    }
    out.into_iter()
        .enumerate()
        .map(|(i, b)| b.ok_or(format!("input {i} has no entry")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sidecar_keys_are_positions_index_tuples_or_names() {
        let t = r#"[{"key": 0, "lower_bound": 0, "upper_bound": 1}, {"key": [0, 1], "lower_bound": -2, "upper_bound": 2}]"#;
        assert_eq!(
            from_sidecar(t, &[1, 2], None).unwrap(),
            vec![(0.0, 1.0), (-2.0, 2.0)]
        );
        let t = r#"[{"key": [1], "lower_bound": 3, "upper_bound": 4}, {"key": "a", "lower_bound": 0, "upper_bound": 0}]"#;
        let names = vec!["a".to_string(), "b".to_string()];
        assert_eq!(
            from_sidecar(t, &[1, 2], Some(&names)).unwrap(),
            vec![(0.0, 0.0), (3.0, 4.0)]
        );
        assert!(from_sidecar(
            r#"[{"key": 0, "lower_bound": 0, "upper_bound": 1}]"#,
            &[1, 2],
            None
        )
        .unwrap_err()
        .contains("input 1 has no entry"));
        assert!(from_sidecar(
            r#"[{"key": 0, "lower_bound": null, "upper_bound": 1}]"#,
            &[1],
            None
        )
        .is_err());
        assert!(from_sidecar(
            r#"[{"key": 5, "lower_bound": 0, "upper_bound": 1}]"#,
            &[1],
            None
        )
        .unwrap_err()
        .contains("not an input"));
        assert!(from_metadata("[[0, 1], [2, 1]]", 2).is_err());
        assert_eq!(from_metadata("[[0, 1]]", 1).unwrap(), vec![(0.0, 1.0)]);
    }
}
