//! Ctrl-C and SIGTERM (taken by a thread of their own, `rmod_solver::signals`) during `rmod solve`: the best point found so far is written (the output
//! file atomically) and the run ends with the exit code of a limit, wherever it was (bound
//! tightening, CBC's branch and bound, a cell of the split). The solve offers every better point
//! through `rmod_solve::Settings::on_point`; this module keeps the latest rendering of it.

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// What an interrupt writes, and where.
struct State {
    /// the rendered best point so far, and its exit code
    pending: Option<(String, u8)>,
    output: Option<PathBuf>,
    /// the run is writing its own final answer: an interrupt now only waits for it
    finishing: bool,
    /// `rmod solve` is running (other commands end at once on a signal)
    armed: bool,
}

static STATE: Mutex<State> = Mutex::new(State {
    pending: None,
    output: None,
    finishing: false,
    armed: false,
});

/// Takes SIGINT and SIGTERM for the whole run (first thing in `main`, before any thread
/// exists: see `rmod_solver::signals`). Until `install`, a signal ends the run as by default.
pub fn take_signals() {
    rmod_solver::signals::take_signals(on_signal);
}

/// Arms the handler for `rmod solve` (output to `output`, or stdout).
pub fn install(output: Option<PathBuf>) {
    if let Ok(mut s) = STATE.lock() {
        s.output = output;
        s.armed = true;
    }
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

/// `rmod sweep`: a signal stops the sweep (`sweep_interrupted`) instead of ending the process,
/// so that it can stop its scenarios' processes and keep what has finished.
static SWEEP: AtomicBool = AtomicBool::new(false);
static SWEEP_INTERRUPTED: AtomicBool = AtomicBool::new(false);

pub fn install_sweep() {
    SWEEP.store(true, Ordering::SeqCst);
}

pub fn sweep_interrupted() -> bool {
    SWEEP_INTERRUPTED.load(Ordering::SeqCst)
}

fn on_signal() {
    if SWEEP.load(Ordering::SeqCst) {
        if SWEEP_INTERRUPTED.swap(true, Ordering::SeqCst) {
            // a second signal: end now
            std::process::exit(i32::from(crate::EXIT_INTERRUPTED));
        }
        errln!("rmod sweep: interrupted; stopping the running scenarios (finished ones are kept)");
        return;
    }
    // the lock is held until the process exits: the main thread cannot start writing meanwhile
    let Ok(s) = STATE.lock() else {
        std::process::exit(i32::from(crate::EXIT_INTERNAL));
    };
    if !s.armed {
        // as the default action would: 128 + SIGINT
        std::process::exit(i32::from(crate::EXIT_INTERRUPTED));
    }
    if s.finishing {
        return;
    }
    // CBC may be running with stdout pointed at stderr (rmod_solver's quiet guard)
    rmod_solver::restore_stdout();
    let mut err = std::io::stderr().lock();
    let code = match &s.pending {
        Some((text, code)) => {
            let _ = writeln!(
                err,
                "rmod: interrupted; writing the best point found so far (not proven optimal), if any"
            );
            let ok = match &s.output {
                Some(path) => crate::output::write_atomically(path, text).is_ok(),
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
