//! `rmod explain`: the text of a diagnostic code, or the list of all codes.

use std::io::Write;

use crate::EXIT_USAGE;

pub fn command(code: Option<&str>) -> u8 {
    match code {
        None => {
            for c in rmod_diagnostics::CODES {
                outln!("{}", c.code);
            }
            0
        }
        Some(code) => match rmod_diagnostics::explain(code) {
            Some(info) => {
                outln!(
                    "{}\n\n{}\n\nexample:\n\n    {}",
                    info.code,
                    info.explanation,
                    info.example.replace('\n', "\n    ")
                );
                0
            }
            None => {
                let names = rmod_diagnostics::CODES.iter().map(|c| c.code);
                match rmod_diagnostics::did_you_mean(code, names) {
                    Some(s) => errln!("unknown code `{code}`; did you mean `{s}`?"),
                    None => errln!("unknown code `{code}`; `rmod explain` lists all codes"),
                }
                EXIT_USAGE
            }
        },
    }
}
