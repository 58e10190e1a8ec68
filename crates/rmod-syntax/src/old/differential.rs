//! Differential test: the nom parser against the old recursive-descent one on every `.rmod`
//! file of the repository and many mutants of them.

use rmod_diagnostics::FileId;

fn outcome(r: &(crate::Ast, Vec<rmod_diagnostics::Diagnostic>)) -> String {
    format!("{:?}\n{:?}", r.0, r.1)
}

fn files() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if p.is_dir() {
                if name != "target" && !name.starts_with('.') {
                    stack.push(p);
                }
            } else if name.ends_with(".rmod") || name.ends_with(".ebnf") || name.ends_with(".md") {
                if let Ok(t) = std::fs::read_to_string(&p) {
                    out.push(t);
                }
            }
        }
    }
    out.sort();
    out
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const JUNK: &[&str] = &[
    ";",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ",",
    "<",
    ">",
    "<=",
    "=",
    "==",
    "..",
    ".",
    ":",
    "*",
    "-",
    "+",
    "/",
    "sum",
    "sum{",
    "subject",
    "to",
    "in",
    "not",
    "or",
    "and",
    "set",
    "param",
    "var",
    "net",
    "option",
    "default",
    "binary",
    "x",
    "s",
    "st",
    "1",
    "2x",
    "1e999",
    "'",
    "é€",
    "\"",
    "\"open",
    "/*",
    "#c\n",
    "^",
    "(a, b) in",
    "{i in I}",
    "x[",
    "f(a = ",
    "1..",
    "\u{1F600}",
];

fn specials() -> Vec<String> {
    let mut v = vec![
        "(".repeat(5000),
        "-".repeat(20000),
        format!("param p = {}1;", "-".repeat(20000)),
        format!("param p = {}1;", "+".repeat(500)),
        format!("param p = {}1;", "1 + ".repeat(3000)),
        format!("param p = {}1; param q = 2;", "1 * ".repeat(2500)),
        format!("param p = {}1; var y;", "a or ".repeat(2100)),
        format!("subject to c: {}x <= 1; var y;", "x - ".repeat(1999)),
        format!("subject to c: {}x <= 1; var y;", "x - ".repeat(2000)),
        format!("subject to c: {}x <= 1; var y;", "x - ".repeat(2001)),
        format!("set A = {}; var y;", "{".repeat(300)),
        format!("param p = {}x; var y;", "not ".repeat(300)),
        format!("param p = {}1; var y;", "sum{i in I} ".repeat(300)),
        format!("param p = {}x{}; var z;", "y[".repeat(300), "]".repeat(300)),
        format!("param p = {}x{}; var z;", "f(".repeat(300), ")".repeat(300)),
        "é€\u{1F600}".repeat(100),
        format!("param a = {};", "ü".repeat(1000)),
        "'a' 'b' 'c' 'd' 'e' 'f' 'g' 'h' 'i' 'j' 'k' 'l' 'm' 'n' 'o' 'p' 'q' 'r' 's' 't' 'u' 'v'".into(),
        "subject to c: 1 <= x <= 2 <= 3; subject to d: 1 <= x >= 2; subject to e: x < 1; subject to f: x;".into(),
        "set A = {(a, b) in P, (c) in Q, (d,) in R: a < b}; set B = {(1, 2), (3, 4)}; set C = {};".into(),
        "param m{A} = {}; param n{A} = {\"a\": 1, \"b\": 2,}; param o = {1: }; param q = {: 1};".into(),
        "option a.b.c = 1; option a.set.in = \"x\"; option a. = 1; option .a = 2; option a.1 = 3;".into(),
        "var x in [1, 2] integer binary continuous >= 3 <= 4; var y in [1 2]; var z in 1, 2;".into(),
        "net n = relu_net(\"a.json\"); subject to c: (x, y) = n(a = x, 3, b = ); subject to d: n(,);".into(),
        "minimize o: 2 x; maximize: x; minimize o x; s.t. c: x <= 1; st c: x; subj c: x;".into(),
        "set R = {\"a\"} param x = 3; var y >= ; subject to c: y < 3; minimize o: 2y;".into(),
    ];
    for n in [198, 199, 200, 201, 202] {
        v.push(format!(
            "param p = {}1{}; var y;",
            "(".repeat(n),
            ")".repeat(n)
        ));
        v.push(format!("param p = {}1; var y;", "-".repeat(n)));
        v.push(format!(
            "set S = {}A{}; var y;",
            "(".repeat(n),
            ")".repeat(n)
        ));
        v.push(format!("param p = {}x; var y;", "not ".repeat(n)));
        v.push(format!(
            "param p = {}x; var y;",
            "sum{i in I} ".repeat(n / 2)
        ));
    }
    v
}

/// Byte positions where tokens start or end (char boundaries), from the old lexer.
fn cuts(text: &str) -> Vec<(usize, usize)> {
    let (toks, _) = crate::lexer::lex(FileId(0), text);
    toks.iter()
        .map(|t| (t.span.start as usize, t.span.end as usize))
        .filter(|&(a, b)| b <= text.len() && text.is_char_boundary(a) && text.is_char_boundary(b))
        .collect()
}

fn mutants(text: &str, rng: &mut Rng, out: &mut Vec<String>) {
    let toks = cuts(text);
    if toks.is_empty() {
        return;
    }
    // truncate after every `;` and at random token boundaries
    let stride = (toks.len() / 40).max(1);
    for (k, &(a, b)) in toks.iter().enumerate() {
        if (&text[a..b] == ";" && toks.len() < 400) || k % stride == 0 {
            out.push(text[..b].to_string());
            out.push(text[..a].to_string());
        }
    }
    for _ in 0..40 {
        let (a, b) = toks[rng.below(toks.len())];
        // delete a token
        out.push(format!("{}{}", &text[..a], &text[b..]));
        // insert junk before it
        let j = JUNK[rng.below(JUNK.len())];
        out.push(format!("{}{} {}", &text[..a], j, &text[a..]));
        // replace it with junk
        let j = JUNK[rng.below(JUNK.len())];
        out.push(format!("{}{}{}", &text[..a], j, &text[b..]));
        // swap with the next token
        let k = rng.below(toks.len());
        if k + 1 < toks.len() {
            let (a, b) = toks[k];
            let (c, e) = toks[k + 1];
            out.push(format!(
                "{}{}{}{}{}",
                &text[..a],
                &text[c..e],
                &text[b..c],
                &text[a..b],
                &text[e..]
            ));
        }
        // several stacked edits
        let mut t = text.to_string();
        for _ in 0..1 + rng.below(4) {
            let c = cuts(&t);
            if c.is_empty() {
                break;
            }
            let (a, b) = c[rng.below(c.len())];
            let j = JUNK[rng.below(JUNK.len())];
            t = if rng.below(2) == 0 {
                format!("{}{}", &t[..a], &t[b..])
            } else {
                format!("{}{}{}", &t[..a], j, &t[b..])
            };
        }
        out.push(t);
    }
}

#[test]
fn nom_parser_matches_the_old_parser() {
    let run = || {
        let mut inputs = specials();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let originals = files();
        assert!(
            originals.len() >= 60,
            "found only {} files",
            originals.len()
        );
        eprintln!("{} files", originals.len());
        for t in &originals {
            inputs.push(t.clone());
            mutants(t, &mut rng, &mut inputs);
        }
        let specials = specials();
        for t in &specials {
            if t.len() < 2000 {
                mutants(t, &mut rng, &mut inputs);
            }
        }
        let mut errors = 0;
        for (n, t) in inputs.iter().enumerate() {
            let new = outcome(&crate::parse(FileId(0), t));
            let old = outcome(&super::parse(FileId(0), t));
            if new != old {
                errors += 1;
                if errors <= 3 {
                    let t: String = t.chars().take(3000).collect();
                    let old: String = old.chars().take(3000).collect();
                    let new: String = new.chars().take(3000).collect();
                    eprintln!("--- input {n}:\n{t}\n--- old:\n{old}\n--- new:\n{new}");
                }
            }
        }
        eprintln!("compared {} inputs, {errors} differ", inputs.len());
        assert_eq!(errors, 0);
    };
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(run)
        .expect("thread")
        .join()
        .expect("no panic");
}

#[test]
fn stack_probe() {
    let Ok(size) = std::env::var("PROBE_STACK") else {
        return;
    };
    let size: usize = size.parse().expect("size");
    let old = std::env::var("PROBE_OLD").is_ok();
    std::thread::Builder::new()
        .stack_size(size)
        .spawn(move || {
            let case: usize = std::env::var("PROBE_CASE").map_or(99, |c| c.parse().expect("case"));
            for n in [150, 200, 201, 400] {
                for t in [
                    format!("param p = {}1{}; var y;", "(".repeat(n), ")".repeat(n)),
                    format!("param p = {}1; var y;", "-".repeat(n)),
                    format!("set S = {}A{}; var y;", "(".repeat(n), ")".repeat(n)),
                    format!("set S = {}; var y;", "{".repeat(n)),
                    format!("param p = {}x; var y;", "not ".repeat(n)),
                    format!("param p = {}x; var y;", "sum{i in I} ".repeat(n / 2)),
                    format!("param p = {}x{}; var z;", "y[".repeat(n), "]".repeat(n)),
                    format!("param p = {}x{}; var z;", "f(".repeat(n), ")".repeat(n)),
                    format!("param p = {}x; var z;", "{i in I} ".repeat(n)),
                ]
                .into_iter()
                .enumerate()
                .filter(|(k, _)| case == 99 || *k == case)
                .map(|(_, t)| t)
                {
                    let r = if old {
                        super::parse(FileId(0), &t)
                    } else {
                        crate::parse(FileId(0), &t)
                    };
                    std::mem::forget(r);
                }
            }
        })
        .expect("thread")
        .join()
        .expect("no panic");
}
