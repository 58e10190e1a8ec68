//! `rmod fmt` on every shipped model: formatting twice gives the text of formatting once, the
//! syntax tree and the compiled MPS are the same before and after, and the binary's exit codes
//! (`--check`, in place, stdin, files with syntax errors).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use rmod_compiler::{compile, CompileRequest};
use rmod_diagnostics::FileId;

use crate::util::{code, rmod, rmod_bin, root, stderr, stdout, tmp, FsLoader};

/// Every `.rmod` file under `dir`, recursively, sorted.
fn models_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            models_under(&p, out);
        } else if p.extension().is_some_and(|e| e == "rmod") {
            out.push(p);
        }
    }
}

/// The shipped models: examples, tests/models and the diagnostic cases.
fn shipped() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for d in ["examples", "tests/models", "tests/cases"] {
        models_under(&root().join(d), &mut out);
    }
    assert!(out.len() > 50, "{out:?}");
    out
}

/// The model compiled (interval bounds, no solver) and written as MPS, or its diagnostic codes.
fn mps(path: &Path, text: &str) -> Result<String, Vec<&'static str>> {
    let loader = FsLoader {
        base: path.parent().expect("parent").to_path_buf(),
        shown: String::new(),
    };
    let out = compile(&CompileRequest::new("m.rmod", text, &loader));
    match out.model {
        Some(m) => Ok(rmod_ir::write_mps(&m)),
        None => Err(out.diagnostics.iter().map(|d| d.code).collect()),
    }
}

#[test]
fn every_shipped_model_formats_idempotently_to_the_same_tree_and_mps() {
    let mut formatted = 0;
    for path in shipped() {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(&path).expect("model");
        let (ast, diags) = rmod_syntax::parse(FileId(0), &text);
        let Ok(once) = rmod_syntax::format(FileId(0), &text) else {
            assert!(
                diags.iter().any(|d| d.is_error()),
                "{name}: refused without an error"
            );
            continue;
        };
        formatted += 1;
        assert!(
            rmod_syntax::layout(&text).is_some(),
            "{name}: a token changed"
        );
        let twice = rmod_syntax::format(FileId(0), &once).expect("formatted text parses");
        assert_eq!(once, twice, "{name}: formatting again changed it");
        let (after, _) = rmod_syntax::parse(FileId(0), &once);
        assert_eq!(ast.shape(), after.shape(), "{name}: another syntax tree");
        assert_eq!(mps(&path, &text), mps(&path, &once), "{name}: another MILP");
    }
    assert!(formatted > 40, "{formatted}");
}

#[test]
fn the_shipped_examples_and_test_models_are_formatted() {
    let mut files = Vec::new();
    for d in ["examples", "tests/models"] {
        models_under(&root().join(d), &mut files);
    }
    let args: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    let mut argv = vec!["fmt", "--check"];
    argv.extend(args.iter().map(String::as_str));
    let o = rmod(&argv);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert_eq!(stdout(&o), "");
}

#[test]
fn check_lists_what_would_change_and_fmt_rewrites_in_place() {
    let messy = tmp("fmt-messy.rmod");
    let text = "var x  in[0,4] ;# the range\nmaximize z :2*x;\n";
    std::fs::write(&messy, text).expect("write");
    let clean = tmp("fmt-clean.rmod");
    std::fs::write(&clean, "var y;\n").expect("write");
    let (m, c) = (messy.display().to_string(), clean.display().to_string());

    let o = rmod(&["fmt", "--check", &m, &c]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains(&format!(
            "{m}: would be reformatted (first difference at line 1)"
        )),
        "{out}"
    );
    assert!(out.contains("  - var x  in[0,4] ;# the range"), "{out}");
    assert!(out.contains("  + var x in [0, 4];  # the range"), "{out}");
    assert!(!out.contains(&c), "{out}");
    assert_eq!(
        std::fs::read_to_string(&messy).expect("read"),
        text,
        "--check wrote"
    );

    let o = rmod(&["fmt", &m, &c]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&messy).expect("read"),
        "var x in [0, 4];  # the range\nmaximize z: 2 * x;\n"
    );
    let o = rmod(&["fmt", "--check", &m, &c]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

#[test]
fn syntax_errors_are_reported_and_nothing_is_written() {
    let bad = tmp("fmt-bad.rmod");
    let text = "var x >= ;\nvar  y;\n";
    std::fs::write(&bad, text).expect("write");
    let b = bad.display().to_string();
    for args in [vec!["fmt", b.as_str()], vec!["fmt", "--check", b.as_str()]] {
        let o = rmod(&args);
        assert_eq!(code(&o), 1);
        assert!(
            stderr(&o).contains("rmod::syntax::unexpected_token"),
            "{}",
            stderr(&o)
        );
        assert_eq!(std::fs::read_to_string(&bad).expect("read"), text);
    }
    let o = rmod(&["fmt", "no/such/model.rmod"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("rmod::data::file"), "{}", stderr(&o));
}

#[test]
fn a_dash_formats_stdin_to_stdout() {
    let mut child = Command::new(rmod_bin())
        .args(["fmt", "-"])
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"set S={1,2};var x{S}binary;")
        .expect("write");
    let o = child.wait_with_output().expect("wait");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o), "set S = {1, 2};\nvar x{S} binary;\n");
}
