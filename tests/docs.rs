//! Documentation stays true: every rmod snippet parses, the keyword list matches the lexer,
//! and every crate starts with a `//!` line.

use rmod_diagnostics::FileId;

use crate::util::root;

fn rmod_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut cur: Option<String> = None;
    for line in text.lines() {
        match &mut cur {
            None if line.trim_start().starts_with("```rmod") => cur = Some(String::new()),
            Some(b) if line.trim_start().starts_with("```") => {
                blocks.push(std::mem::take(b));
                cur = None;
            }
            Some(b) => {
                b.push_str(line);
                b.push('\n');
            }
            None => {}
        }
    }
    blocks
}

#[test]
fn readme_snippets_parse() {
    let mut n = 0;
    for doc in ["README.md", "grammar/README.md"] {
        let text = std::fs::read_to_string(root().join(doc)).expect(doc);
        for block in rmod_blocks(&text) {
            let (_, diags) = rmod_syntax::parse(FileId(0), &block);
            assert!(
                diags.is_empty(),
                "{doc}: snippet does not parse:\n{block}\n{diags:?}"
            );
            n += 1;
        }
    }
    assert!(n >= 2, "expected rmod snippets in the docs, found {n}");
}

#[test]
fn examples_parse_and_compile() {
    for rel in [
        "examples/transport/transport.rmod",
        "examples/production/production.rmod",
        "examples/facility/facility.rmod",
    ] {
        let out = crate::util::compile_file(rel, vec![], vec![]);
        assert!(out.diagnostics.is_empty(), "{rel}: {:?}", out.diagnostics);
    }
}

#[test]
fn keyword_list_matches_grammar_readme() {
    let text = std::fs::read_to_string(root().join("grammar/README.md")).expect("grammar README");
    let line = text
        .lines()
        .find(|l| l.starts_with("Keywords:"))
        .expect("a `Keywords:` line");
    let mut documented: Vec<&str> = line
        .trim_start_matches("Keywords:")
        .split(',')
        .map(|w| w.trim().trim_matches('`'))
        .filter(|w| !w.is_empty())
        .collect();
    documented.sort();
    let mut lexer: Vec<&str> = rmod_syntax::KEYWORDS.to_vec();
    lexer.sort();
    assert_eq!(documented, lexer);
}

#[test]
fn every_crate_starts_with_a_doc_line() {
    for entry in std::fs::read_dir(root().join("crates")).expect("crates") {
        let dir = entry.expect("entry").path();
        let file = if dir.join("src/lib.rs").exists() {
            dir.join("src/lib.rs")
        } else {
            dir.join("src/main.rs")
        };
        let text = std::fs::read_to_string(&file).expect("crate root");
        assert!(
            text.starts_with("//! "),
            "{} must start with a `//!` line",
            file.display()
        );
    }
}

/// The README's options table is the one `rmod_ir::OPTIONS` renders (`RMOD_BLESS=1` rewrites it).
#[test]
fn readme_options_table_is_generated() {
    let path = root().join("README.md");
    let text = std::fs::read_to_string(&path).expect("README");
    let start = "<!-- options table: generated from rmod_ir::OPTIONS -->\n";
    let end = "<!-- end of options table -->";
    let a = text.find(start).expect("start marker") + start.len();
    let b = text.find(end).expect("end marker");
    let want = rmod_ir::options_markdown();
    if std::env::var("RMOD_BLESS").is_ok_and(|v| v == "1") {
        let new = format!("{}{want}{}", &text[..a], &text[b..]);
        std::fs::write(&path, new).expect("write README");
        return;
    }
    assert_eq!(
        &text[a..b],
        want,
        "README's options table differs from rmod_ir::OPTIONS; run RMOD_BLESS=1 cargo test -p rmod-tests readme_options"
    );
}

/// Every path that ARCHITECTURE.md's "Where to change what" names exists (the newcomer test
/// of the README stays true).
#[test]
fn architecture_paths_exist() {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE");
    let section = &text[text.find("## Where to change what").expect("section")..];
    let mut n = 0;
    for (i, part) in section.split('`').enumerate() {
        let looks_like_path = part.starts_with("crates/")
            || part.starts_with("grammar/")
            || part.starts_with("tests/");
        if i % 2 == 1 && looks_like_path {
            assert!(
                root().join(part).exists(),
                "ARCHITECTURE.md names `{part}`, which does not exist"
            );
            n += 1;
        }
    }
    assert!(n >= 20, "only {n} paths found");
}
