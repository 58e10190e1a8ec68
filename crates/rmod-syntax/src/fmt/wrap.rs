//! Lays out one statement: its tokens and the comments inside it as lines of at most
//! [`WIDTH`] columns where the break points allow, each continuation line indented by its
//! bracket depth.

use super::spacing::{joins_safely, roles, wants_space};
use super::trivia::Gap;
use super::Line;
use crate::lexer::{Tok, Token};

/// The line width the layout aims for (code only; a trailing comment may go beyond it).
pub const WIDTH: usize = 100;
/// Continuation lines are indented by this much per level: one level at the top of the
/// statement, one more per open bracket.
pub const INDENT: usize = 4;

/// Break classes, tried in order until the statement fits: after the header (`name:` or
/// `name =`), before the relations of a constraint (and its switch `if`), before every `+`/`-`
/// at the top level; then, one class per depth, after commas and before binary operators
/// (greedily, as few as needed).
const AFTER_HEADER: u32 = 0;
const BEFORE_RELATION: u32 = 1;
const TOP_TERMS: u32 = 2;
/// Classes up to this one break at every opportunity; later ones only where a line overflows.
const LAST_ALL: u32 = TOP_TERMS;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Code,
    /// a `# ...` comment that ends the current line
    Trailing,
    /// a `# ...` comment on a line of its own
    OwnLine,
}

struct Atom {
    text: String,
    kind: Kind,
    /// a space before it when it stays on the line
    space: bool,
    /// it starts a new line
    forced: bool,
    /// the break class of the point before it
    opp: Option<u32>,
    /// the indentation it gets when a line starts with it
    indent: usize,
}

fn width(s: &str) -> usize {
    s.chars().count()
}

fn punct(t: &Tok, p: &str) -> bool {
    matches!(t, Tok::Punct(q) if *q == p)
}

/// Lays out the statement `toks` (ending with its `;`); `gaps[j]` is the trivia before
/// `toks[j]` (`gaps[0]` is not used: the caller places what comes before a statement).
pub(super) fn statement(text: &str, toks: &[Token], gaps: &[Gap]) -> Vec<Line> {
    let atoms = atoms(text, toks, gaps);
    let mut classes: Vec<u32> = atoms.iter().filter_map(|a| a.opp).collect();
    classes.sort_unstable();
    classes.dedup();
    let mut lines = render(&atoms, None);
    for c in classes {
        if lines.iter().all(|l| width(&l.code) <= WIDTH) {
            break;
        }
        lines = render(&atoms, Some(c));
    }
    lines
}

fn atoms(text: &str, toks: &[Token], gaps: &[Gap]) -> Vec<Atom> {
    let src = |t: &Token| {
        text.get(t.span.start as usize..t.span.end as usize)
            .unwrap_or("")
    };
    let roles = roles(toks);
    let first = toks.first().map(|t| &t.tok);
    let is_constraint = matches!(first, Some(Tok::Keyword("subject")));
    let header_ends_with = match first {
        Some(Tok::Keyword("subject" | "minimize" | "maximize")) => ":",
        Some(Tok::Keyword("var")) => "",
        _ => "=",
    };
    let mut header: Option<usize> = None;
    let mut depth = 0usize;
    let mut out: Vec<Atom> = Vec::with_capacity(toks.len());
    for (j, t) in toks.iter().enumerate() {
        let indent = INDENT * (1 + depth);
        if j > 0 {
            let mut glued = false;
            for c in gaps.get(j).map_or(&[][..], |g| &g.comments[..]) {
                let after_line = out.last().is_some_and(|a| a.kind != Kind::Code);
                let kind = if !c.line {
                    Kind::Code
                } else if c.breaks_before == 0 && !after_line {
                    Kind::Trailing
                } else {
                    Kind::OwnLine
                };
                out.push(Atom {
                    text: c.text.clone(),
                    kind,
                    space: true,
                    forced: after_line || kind == Kind::OwnLine,
                    opp: None,
                    indent,
                });
                glued = true;
            }
            let prev = &toks[j - 1];
            let after_line = out.last().is_some_and(|a| a.kind != Kind::Code);
            let space = glued
                || wants_space(&prev.tok, roles[j - 1], &t.tok)
                || !joins_safely(src(prev), &prev.tok, src(t), &t.tok);
            let past_header = header.is_some_and(|h| j > h) || header_ends_with.is_empty();
            let operand_end = matches!(
                prev.tok,
                Tok::Ident(_) | Tok::Number(_) | Tok::Str(_) | Tok::Punct(")" | "]")
            );
            let opp = if header.is_none()
                && depth == 0
                && !header_ends_with.is_empty()
                && punct(&prev.tok, header_ends_with)
            {
                header = Some(j - 1);
                Some(AFTER_HEADER)
            } else if is_constraint
                && past_header
                && depth == 0
                && (matches!(t.tok, Tok::Punct("<=" | ">=" | "=" | "=="))
                    || (matches!(t.tok, Tok::Keyword("if")) && operand_end))
            {
                Some(BEFORE_RELATION)
            } else if roles[j].binary && past_header {
                Some(TOP_TERMS + depth as u32)
            } else if punct(&prev.tok, ",") {
                Some(TOP_TERMS + depth.max(1) as u32)
            } else {
                None
            };
            out.push(Atom {
                text: src(t).to_string(),
                kind: Kind::Code,
                space,
                forced: after_line,
                opp,
                indent,
            });
        } else {
            out.push(Atom {
                text: src(t).to_string(),
                kind: Kind::Code,
                space: false,
                forced: false,
                opp: None,
                indent: 0,
            });
        }
        match t.tok {
            Tok::Punct("(" | "[" | "{") => depth += 1,
            Tok::Punct(")" | "]" | "}") => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    out
}

/// The lines of the statement with the break classes up to `max` in use.
fn render(atoms: &[Atom], max: Option<u32>) -> Vec<Line> {
    let on = |a: &Atom| a.forced || a.opp.is_some_and(|c| max.is_some_and(|m| c <= m));
    // the width from each atom to the next break point in use, for the greedy classes
    let mut chunk = vec![0usize; atoms.len()];
    for i in (0..atoms.len()).rev() {
        let a = &atoms[i];
        let own = if a.kind == Kind::Code {
            width(&a.text)
        } else {
            0
        };
        chunk[i] = own
            + match atoms.get(i + 1) {
                Some(b) if !on(b) && b.kind == Kind::Code => usize::from(b.space) + chunk[i + 1],
                _ => 0,
            };
    }
    let mut lines = Vec::new();
    let mut cur = Line::default();
    for (i, a) in atoms.iter().enumerate() {
        match a.kind {
            Kind::Trailing => {
                cur.comment = Some(a.text.clone());
                continue;
            }
            Kind::OwnLine => {
                if !cur.code.is_empty() {
                    lines.push(std::mem::take(&mut cur));
                }
                lines.push(Line {
                    code: format!("{:w$}{}", "", a.text, w = a.indent),
                    comment: None,
                });
                continue;
            }
            Kind::Code => {}
        }
        let col = width(&cur.code);
        let brk = i > 0
            && (on(a)
                && (a.forced
                    || a.opp.is_some_and(|c| c <= LAST_ALL)
                    || col + usize::from(a.space) + chunk[i] > WIDTH)
                || cur.code.is_empty());
        if brk {
            if !cur.code.is_empty() {
                lines.push(std::mem::take(&mut cur));
            }
            cur.code = format!("{:w$}{}", "", a.text, w = a.indent);
        } else {
            if a.space && !cur.code.is_empty() {
                cur.code.push(' ');
            }
            cur.code.push_str(&a.text);
        }
    }
    if !cur.code.is_empty() || cur.comment.is_some() {
        lines.push(cur);
    }
    lines
}
