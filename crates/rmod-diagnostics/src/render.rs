//! Rendering diagnostics with miette (human) or as JSON objects.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use crate::{Diagnostic, Severity, Sources};

struct MietteView<'a> {
    diag: &'a Diagnostic,
    source: Option<NamedSource<String>>,
    labels: Vec<LabeledSpan>,
    notes: String,
}

impl fmt::Debug for MietteView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.diag.message)
    }
}
impl fmt::Display for MietteView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.diag.message)
    }
}
impl std::error::Error for MietteView<'_> {}

impl miette::Diagnostic for MietteView<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diag.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let mut text = String::new();
        if let Some(h) = &self.diag.help {
            text.push_str(h);
        }
        if !self.notes.is_empty() {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&self.notes);
        }
        if text.is_empty() {
            None
        } else {
            Some(Box::new(text))
        }
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
}

/// Labels on lines longer than this (bytes) are not drawn in a snippet but named in a note:
/// miette pads up to a label with a runtime `{:width$}`, which panics above `u16::MAX` columns
/// (Rust >= 1.87), and such a line is unreadable on a terminal anyway.
const LONG_LINE: usize = 1000;

/// The length in bytes of the longest of the line around byte `offset` and its neighbours
/// (miette shows one line of context on each side).
fn line_len(text: &str, offset: usize) -> usize {
    let b = text.as_bytes();
    let offset = offset.min(b.len());
    let start_of = |at: usize| {
        b[..at]
            .iter()
            .rposition(|c| *c == b'\n')
            .map_or(0, |p| p + 1)
    };
    let end_of = |at: usize| {
        b[at..]
            .iter()
            .position(|c| *c == b'\n')
            .map_or(b.len(), |p| at + p)
    };
    let (start, end) = (start_of(offset), end_of(offset));
    let mut longest = end - start;
    if start > 0 {
        longest = longest.max(start - 1 - start_of(start - 1));
    }
    if end < b.len() {
        longest = longest.max(end_of(end + 1) - (end + 1));
    }
    longest
}

fn view<'a>(diag: &'a Diagnostic, sources: &Sources) -> MietteView<'a> {
    let mut labels = Vec::new();
    let mut notes = Vec::new();
    let mut primary_file = diag.labels.first().map(|l| l.span.file);
    if let Some(f) = primary_file {
        let text = sources.text(f);
        let long = diag.labels.iter().any(|l| {
            l.span.file == f
                && (line_len(text, l.span.start as usize) > LONG_LINE
                    || line_len(text, l.span.end as usize) > LONG_LINE)
        });
        if long {
            // every label becomes a note with its position
            primary_file = None;
        }
    }
    for (i, label) in diag.labels.iter().enumerate() {
        if Some(label.span.file) == primary_file {
            let len = (label.span.end.saturating_sub(label.span.start)) as usize;
            let span = SourceSpan::new((label.span.start as usize).into(), len);
            let text = if label.message.is_empty() {
                None
            } else {
                Some(label.message.clone())
            };
            labels.push(if i == 0 {
                LabeledSpan::new_primary_with_span(text, span)
            } else {
                LabeledSpan::new_with_span(text, span)
            });
        } else {
            let (line, col) = sources.line_col(label.span.file, label.span.start);
            notes.push(format!(
                "note: {} ({}:{}:{})",
                if label.message.is_empty() {
                    "here"
                } else {
                    &label.message
                },
                sources.name(label.span.file),
                line,
                col
            ));
        }
    }
    for n in &diag.notes {
        notes.push(format!("note: {n}"));
    }
    let source = primary_file.map(|f| {
        NamedSource::new(sources.name(f), sources.text(f).to_string()).with_language("rmod")
    });
    MietteView {
        diag,
        source,
        labels,
        notes: notes.join("\n"),
    }
}

/// Renders one diagnostic the way a terminal shows it (no colour when `color` is false).
/// Messages, helps, notes and label texts longer than this (characters) are shortened when
/// rendered: they may quote user input (a field name, a line), and a diagnostic must stay
/// readable and small however large the input.
const MAX_TEXT: usize = 400;

fn clip_text(s: &str) -> String {
    if s.chars().count() <= MAX_TEXT {
        return s.to_string();
    }
    let head: String = s.chars().take(MAX_TEXT - 60).collect();
    let tail: String = {
        let t: Vec<char> = s.chars().rev().take(40).collect();
        t.into_iter().rev().collect()
    };
    format!(
        "{head} … ({} characters left out) … {tail}",
        s.chars().count() - MAX_TEXT + 20
    )
}

/// `diag` with every text within [`MAX_TEXT`].
fn clipped(diag: &Diagnostic) -> std::borrow::Cow<'_, Diagnostic> {
    let long = |s: &str| s.len() > MAX_TEXT;
    if !long(&diag.message)
        && !diag.help.as_deref().is_some_and(long)
        && !diag.notes.iter().any(|n| long(n))
        && !diag.labels.iter().any(|l| long(&l.message))
    {
        return std::borrow::Cow::Borrowed(diag);
    }
    let mut d = diag.clone();
    d.message = clip_text(&d.message);
    d.help = d.help.as_deref().map(clip_text);
    for n in &mut d.notes {
        *n = clip_text(n);
    }
    for l in &mut d.labels {
        l.message = clip_text(&l.message);
    }
    std::borrow::Cow::Owned(d)
}

pub fn render_human(diag: &Diagnostic, sources: &Sources, color: bool, width: usize) -> String {
    let diag = &*clipped(diag);
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false);
    let v = view(diag, sources);
    let mut out = String::new();
    if handler.render_report(&mut out, &v).is_err() {
        out = format!("{}: {}\n", diag.code, diag.message);
    }
    out
}

/// One diagnostic as a JSON value: code, severity, message, help, notes, and labels with file, line, column and byte range.
pub fn render_json(diag: &Diagnostic, sources: &Sources) -> serde_json::Value {
    let diag = &*clipped(diag);
    let labels: Vec<serde_json::Value> = diag
        .labels
        .iter()
        .map(|l| {
            let (line, column) = sources.line_col(l.span.file, l.span.start);
            serde_json::json!({
                "file": sources.name(l.span.file),
                "line": line,
                "column": column,
                "start": l.span.start,
                "end": l.span.end,
                "message": l.message,
            })
        })
        .collect();
    serde_json::json!({
        "code": diag.code,
        "severity": match diag.severity { Severity::Error => "error", Severity::Warning => "warning" },
        "message": diag.message,
        "help": diag.help,
        "notes": diag.notes,
        "labels": labels,
    })
}

/// All diagnostics as one JSON document (`"format": "rmod-diagnostics"`).
pub fn render_json_all(diags: &[Diagnostic], sources: &Sources) -> String {
    let list: Vec<serde_json::Value> = diags.iter().map(|d| render_json(d, sources)).collect();
    let doc = serde_json::json!({"format": "rmod-diagnostics", "version": 1, "diagnostics": list});
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Span;

    #[test]
    fn labels_far_along_a_long_line_render_as_notes() {
        let mut sources = Sources::default();
        let f = sources.add("m.rmod", format!("{}bad\tend\nnext\n", "x".repeat(70_000)));
        let d = Diagnostic::error(crate::Code("rmod::test"), "oops")
            .with_label(Span::new(f, 70_000, 70_003), "here")
            .with_label(Span::new(f, 10, 11), "and here");
        let out = render_human(&d, &sources, false, 100);
        assert!(
            out.contains("oops") && out.contains("m.rmod:1:70001"),
            "{out}"
        );
        assert!(out.lines().all(|l| l.len() < 400), "{out}");
    }

    #[test]
    fn a_huge_message_is_shortened() {
        let sources = Sources::default();
        let d = Diagnostic::error(
            crate::Code("rmod::test"),
            format!("unknown field `{}`", "[".repeat(100_000)),
        );
        let out = render_human(&d, &sources, false, 100);
        assert!(out.len() < 2_000, "{}", out.len());
        assert!(out.contains("characters left out"));
        assert!(render_json(&d, &sources).to_string().len() < 2_000);
    }
}
