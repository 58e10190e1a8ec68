//! Ctrl-C and SIGTERM during `rmod solve`: the best point found so far is written (the output
//! file atomically) and the run ends with the exit code of a limit, wherever it was (bound
//! tightening, CBC's branch and bound, a cell of the split). The solve offers every better point
//! through `rmod_solve::Settings::on_point`; this module keeps the latest rendering of it.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

/// What an interrupt writes, and where.
struct State {
    /// the rendered best point so far, and its exit code
    pending: Option<(String, u8)>,
    output: Option<PathBuf>,
    /// the run is writing its own final answer: an interrupt now only waits for it
    finishing: bool,
}

static STATE: Mutex<State> = Mutex::new(State {
    pending: None,
    output: None,
    finishing: false,
});

/// Installs the handler for `rmod solve` (output to `output`, or stdout).
pub fn install(output: Option<PathBuf>) {
    if let Ok(mut s) = STATE.lock() {
        s.output = output;
    }
    let _ = ctrlc::set_handler(on_signal);
}

/// The latest best point (rendered as the report will show it) and its exit code.
pub fn offer(text: String, code: u8) {
    if let Ok(mut s) = STATE.lock() {
        s.pending = Some((text, code));
    }
}

/// The run has its answer and writes it itself.
pub fn finishing() {
    if let Ok(mut s) = STATE.lock() {
        s.finishing = true;
    }
}

fn on_signal() {
    // the lock is held until the process exits: the main thread cannot start writing meanwhile
    let Ok(s) = STATE.lock() else {
        std::process::exit(i32::from(crate::EXIT_INTERNAL));
    };
    if s.finishing {
        return;
    }
    let mut err = std::io::stderr().lock();
    let code = match &s.pending {
        Some((text, code)) => {
            let _ = writeln!(
                err,
                "rmod: interrupted; writing the best point found so far (not proven optimal)"
            );
            let ok = match &s.output {
                Some(path) => crate::write_atomically(path, text).is_ok(),
                None => std::io::stdout().lock().write_all(text.as_bytes()).is_ok(),
            };
            if ok {
                *code
            } else {
                crate::EXIT_INTERNAL
            }
        }
        None => {
            let _ = writeln!(err, "rmod: interrupted before any feasible point was found");
            crate::EXIT_LIMIT_NO_POINT
        }
    };
    let _ = std::io::stdout().lock().flush();
    std::process::exit(i32::from(code));
}
