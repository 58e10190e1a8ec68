//! What a `-D` override names: a scalar parameter (`cap_total`) or one value of an indexed
//! one (`cap[R1]`, `cap["R1"]`, `cost[a,b]`, `demand[3]`). `rmod sweep` reads its CSV
//! columns with the same rule.

use rmod_ir::Elem;

/// The parameter and (for an indexed one) the key an override names.
#[derive(Clone, Debug, PartialEq)]
pub struct OverrideName {
    pub param: String,
    /// `None`: the whole (scalar) parameter
    pub key: Option<Vec<KeyPart>>,
}

/// One element of an override's key, as written.
#[derive(Clone, Debug, PartialEq)]
pub enum KeyPart {
    /// `"R1"`: a string element
    Quoted(String),
    /// `R1` or `3`: a string element, or an integer one if it reads as an integer
    Bare(String),
}

impl KeyPart {
    /// Whether this part names the element `e`.
    pub fn matches(&self, e: &Elem) -> bool {
        match (self, e) {
            (KeyPart::Quoted(s) | KeyPart::Bare(s), Elem::Str(t)) => s == t,
            (KeyPart::Bare(s), Elem::Int(i)) => s.parse::<i64>().ok() == Some(*i),
            (KeyPart::Quoted(_), Elem::Int(_)) => false,
        }
    }
}

impl OverrideName {
    /// The tuple of `index` (a parameter's index set, in order) this override's key names.
    pub fn find_in<'t>(&self, index: &'t [Vec<Elem>]) -> Option<&'t Vec<Elem>> {
        let key = self.key.as_ref()?;
        index
            .iter()
            .find(|t| t.len() == key.len() && key.iter().zip(t.iter()).all(|(k, e)| k.matches(e)))
    }
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Reads `name`, `name[k]` or `name[k1,k2,...]`; each `k` is `"text"` or bare text without
/// `,`, `[`, `]` or `"`. The error says what is wrong.
pub fn parse_override_name(s: &str) -> Result<OverrideName, String> {
    let s = s.trim();
    let Some(open) = s.find('[') else {
        return if is_ident(s) {
            Ok(OverrideName {
                param: s.to_string(),
                key: None,
            })
        } else {
            Err(format!("`{s}` is not a parameter name"))
        };
    };
    let param = s[..open].trim();
    if !is_ident(param) {
        return Err(format!("`{param}` is not a parameter name"));
    }
    let Some(inner) = s[open + 1..].strip_suffix(']') else {
        return Err(format!("`{s}`: the key must end with `]`"));
    };
    let mut parts = Vec::new();
    let mut rest = inner.trim_start();
    loop {
        let (part, after) = if let Some(q) = rest.strip_prefix('"') {
            let Some(end) = q.find('"') else {
                return Err(format!("`{s}`: a quote in the key is not closed"));
            };
            (KeyPart::Quoted(q[..end].to_string()), &q[end + 1..])
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            let text = rest[..end].trim();
            if text.is_empty() || text.contains(['[', ']', '"']) {
                return Err(format!(
                    "`{s}`: write the key as elements separated by commas, e.g. `cap[R1]` or `cost[\"a\", \"b\"]`"
                ));
            }
            (KeyPart::Bare(text.to_string()), &rest[end..])
        };
        parts.push(part);
        let after = after.trim_start();
        if after.is_empty() {
            break;
        }
        let Some(next) = after.strip_prefix(',') else {
            return Err(format!("`{s}`: expected `,` or `]` after a key element"));
        };
        rest = next.trim_start();
    }
    Ok(OverrideName {
        param: param.to_string(),
        key: Some(parts),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_keys() {
        let n = parse_override_name("cap").unwrap();
        assert_eq!(n.key, None);
        let n = parse_override_name(" cap[R1] ").unwrap();
        assert_eq!(n.param, "cap");
        assert_eq!(n.key, Some(vec![KeyPart::Bare("R1".into())]));
        let n = parse_override_name("cap[\"R 1\"]").unwrap();
        assert_eq!(n.key, Some(vec![KeyPart::Quoted("R 1".into())]));
        let n = parse_override_name("cost[a, \"b,c\"]").unwrap();
        assert_eq!(
            n.key,
            Some(vec![
                KeyPart::Bare("a".into()),
                KeyPart::Quoted("b,c".into())
            ])
        );
        for bad in [
            "",
            "1x",
            "cap[",
            "cap[]",
            "cap[a,]",
            "cap[\"a]",
            "cap[a b\"]",
            "c-p",
        ] {
            assert!(parse_override_name(bad).is_err(), "{bad}");
        }
        let idx = vec![vec![Elem::Int(3)], vec![Elem::Str("3".into())]];
        let bare = parse_override_name("d[3]").unwrap();
        assert_eq!(bare.find_in(&idx), Some(&idx[0]));
        let quoted = parse_override_name("d[\"3\"]").unwrap();
        assert_eq!(quoted.find_in(&idx), Some(&idx[1]));
    }
}
