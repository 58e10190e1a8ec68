//! `rmod fmt`: rewrites model files in the canonical layout (`rmod_syntax::format`), or with
//! `--check` lists the files that would change; `-` formats stdin to stdout.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use rmod_diagnostics::{code, Diagnostic, Sources};

use crate::output::{write_output, Printer};
use crate::EXIT_COMPILE;

pub fn command(files: &[PathBuf], check: bool, p: &mut Printer) -> u8 {
    let mut sources = Sources::default();
    let mut failed = false;
    let mut changed = 0usize;
    for path in files {
        let stdin = path.as_os_str() == "-";
        let name = if stdin {
            "<stdin>".to_string()
        } else {
            path.display().to_string()
        };
        let Some(text) = read(path, stdin, p) else {
            failed = true;
            continue;
        };
        let id = sources.add(name.clone(), text.clone());
        let formatted = match rmod_syntax::format(id, &text) {
            Ok(f) => f,
            Err(diags) => {
                p.emit(&diags, &sources);
                failed = true;
                continue;
            }
        };
        if check {
            if formatted != text {
                changed += 1;
                report_difference(&name, &text, &formatted);
            }
        } else if stdin {
            out!("{formatted}");
        } else if formatted != text && !write_output(Some(path), &formatted, p) {
            failed = true;
        }
    }
    p.finish(&sources);
    if failed || changed > 0 {
        EXIT_COMPILE
    } else {
        0
    }
}

fn read(path: &Path, stdin: bool, p: &mut Printer) -> Option<String> {
    let res = if stdin {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map(|_| s)
    } else {
        std::fs::read_to_string(path)
    };
    res.map_err(|e| {
        let d = Diagnostic::error(
            code::DATA_FILE,
            format!("cannot read model file `{}`: {e}", path.display()),
        )
        .with_help("check the path (a model is UTF-8 text)");
        p.emit(&[d], &Sources::default());
    })
    .ok()
}

/// `NAME: would be reformatted` and the first line that differs, before and after.
fn report_difference(name: &str, old: &str, new: &str) {
    let (mut a, mut b) = (old.lines(), new.lines());
    let mut line = 1;
    loop {
        match (a.next(), b.next()) {
            (x, y) if x == y && x.is_some() => line += 1,
            (x, y) => {
                outln!("{name}: would be reformatted (first difference at line {line})");
                outln!("  - {}", x.unwrap_or("(end of file)"));
                outln!("  + {}", y.unwrap_or("(end of file)"));
                return;
            }
        }
    }
}
