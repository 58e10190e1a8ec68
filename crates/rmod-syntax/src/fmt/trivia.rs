//! The trivia between two tokens: its comments and how many line breaks separate them.

/// One comment, as written (a line comment without its trailing whitespace).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Comment {
    pub text: String,
    /// `# ...`: the line ends after it
    pub line: bool,
    /// line breaks between the previous token or comment and this comment
    pub breaks_before: usize,
}

/// The text between two tokens (or before the first, or after the last).
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Gap {
    pub comments: Vec<Comment>,
    /// line breaks between the last comment (or the previous token) and the next token
    pub breaks_after: usize,
}

/// Splits the text between two tokens, which the lexer has accepted as whitespace and
/// comments only, into its comments and line breaks.
pub(super) fn scan(gap: &str) -> Gap {
    let bytes = gap.as_bytes();
    let mut out = Gap::default();
    let mut breaks = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                breaks += 1;
                i += 1;
            }
            b'#' => {
                let end = gap[i..].find('\n').map_or(gap.len(), |n| i + n);
                out.comments.push(Comment {
                    text: gap[i..end].trim_end().to_string(),
                    line: true,
                    breaks_before: breaks,
                });
                breaks = 0;
                i = end;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = gap[i + 2..].find("*/").map_or(gap.len(), |n| i + 2 + n + 2);
                out.comments.push(Comment {
                    text: gap[i..end].to_string(),
                    line: false,
                    breaks_before: breaks,
                });
                breaks = 0;
                i = end;
            }
            _ => i += gap[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    out.breaks_after = breaks;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_breaks() {
        let g = scan("  # a  \n\n /* b\n c */ /* d */\r\n  ");
        assert_eq!(g.comments.len(), 3);
        assert_eq!(g.comments[0].text, "# a");
        assert_eq!(g.comments[0].breaks_before, 0);
        assert_eq!(g.comments[1].text, "/* b\n c */");
        assert_eq!(g.comments[1].breaks_before, 2);
        assert_eq!(g.comments[2].breaks_before, 0);
        assert_eq!(g.breaks_after, 1);
        assert_eq!(scan(" "), Gap::default());
        assert_eq!(scan("/* open").comments[0].text, "/* open");
    }
}
