//! Bad input never panics: every example and case, mutated at random (deterministic seed),
//! goes through the parser and the compiler, which must answer with diagnostics, not a panic.

use crate::util::{root, FsLoader};

use rmod_compiler::{compile, CompileRequest};

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ";",
    ",",
    ":",
    "..",
    "*",
    "/ 0",
    "-",
    "sum",
    "in",
    "\"",
    "x",
    "1e308",
    "=",
    "<=",
    "subject to",
    "var",
    "param",
    "#",
    "/*",
    "é",
    "∑",
    "\u{0}",
];

#[test]
fn mutated_models_never_panic() {
    let mut files = vec![
        "examples/transport/transport.rmod".to_string(),
        "examples/production/production.rmod".to_string(),
        "examples/facility/facility.rmod".to_string(),
    ];
    for e in std::fs::read_dir(root().join("tests/cases"))
        .expect("cases")
        .flatten()
    {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(".rmod") {
            files.push(format!("tests/cases/{name}"));
        }
    }
    files.sort();
    let mut rng = Lcg(7);
    let mut runs = 0;
    for rel in &files {
        let path = root().join(rel);
        let text = std::fs::read_to_string(&path).expect("model");
        let loader = FsLoader {
            base: path.parent().expect("dir").to_path_buf(),
            shown: "m".into(),
        };
        for _ in 0..120 {
            let mut t: Vec<char> = text.chars().collect();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(t.len() + 1);
                match rng.below(3) {
                    0 if !t.is_empty() => {
                        let end = (at + 1 + rng.below(8)).min(t.len());
                        t.drain(at.min(t.len())..end);
                    }
                    _ => {
                        let piece = PIECES[rng.below(PIECES.len())];
                        for (k, ch) in piece.chars().enumerate() {
                            t.insert((at + k).min(t.len()), ch);
                        }
                    }
                }
            }
            let mutated: String = t.into_iter().collect();
            let out = compile(&CompileRequest::new(rel, &mutated, &loader));
            // every error has a registered code and a readable message
            for d in &out.diagnostics {
                assert!(
                    rmod_diagnostics::explain(d.code).is_some(),
                    "unregistered code {} for:\n{mutated}",
                    d.code
                );
                assert!(!d.message.is_empty());
                let _ = rmod_diagnostics::render_human(d, &out.sources, false, 100);
            }
            runs += 1;
        }
    }
    assert!(runs > 4000, "{runs}");
}
