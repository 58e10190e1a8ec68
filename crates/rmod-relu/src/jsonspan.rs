//! Finds the byte span of the value at a JSON pointer in JSON text, so that errors in a
//! network file can point into it. Assumes the text already parsed as JSON.

/// Span (start, end) of the value at `pointer` (e.g. `/layers/1/weights/3`), if it exists.
pub fn locate(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let parts: Vec<String> = if pointer.is_empty() {
        Vec::new()
    } else {
        pointer
            .trim_start_matches('/')
            .split('/')
            .map(|p| p.replace("~1", "/").replace("~0", "~"))
            .collect()
    };
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    for part in &parts {
        match b.get(i)? {
            b'{' => {
                i = skip_ws(b, i + 1);
                loop {
                    if b.get(i)? == &b'}' {
                        return None;
                    }
                    let (ks, ke) = string_span(b, i)?;
                    let key = &text[ks + 1..ke - 1];
                    i = skip_ws(b, ke);
                    if b.get(i)? != &b':' {
                        return None;
                    }
                    i = skip_ws(b, i + 1);
                    if key == part {
                        break;
                    }
                    i = skip_ws(b, value_end(b, i)?);
                    if b.get(i)? == &b',' {
                        i = skip_ws(b, i + 1);
                    }
                }
            }
            b'[' => {
                let idx: usize = part.parse().ok()?;
                i = skip_ws(b, i + 1);
                for _ in 0..idx {
                    if b.get(i)? == &b']' {
                        return None;
                    }
                    i = skip_ws(b, value_end(b, i)?);
                    if b.get(i)? == &b',' {
                        i = skip_ws(b, i + 1);
                    }
                }
                if b.get(i)? == &b']' {
                    return None;
                }
            }
            _ => return None,
        }
    }
    Some((i, value_end(b, i)?))
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

fn string_span(b: &[u8], i: usize) -> Option<(usize, usize)> {
    if b.get(i)? != &b'"' {
        return None;
    }
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return Some((i, j + 1)),
            _ => j += 1,
        }
    }
    None
}

fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => string_span(b, i).map(|s| s.1),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = string_span(b, j)?.1;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']') && !b[j].is_ascii_whitespace()
            {
                j += 1;
            }
            Some(j)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_values() {
        let t = r#"{ "a": [1, [2, 3], {"b": "x,]"}], "c": 4.5 }"#;
        let at = |p: &str| locate(t, p).map(|(s, e)| &t[s..e]);
        assert_eq!(at("/a/1/1"), Some("3"));
        assert_eq!(at("/a/2/b"), Some("\"x,]\""));
        assert_eq!(at("/c"), Some("4.5"));
        assert_eq!(at("/a/1"), Some("[2, 3]"));
        assert_eq!(at("/a/7"), None);
        assert_eq!(at("/zz"), None);
    }
}
