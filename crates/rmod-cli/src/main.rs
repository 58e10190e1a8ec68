//! The `rmod` binary: reads files, runs the compiler and the solver, prints reports and diagnostics, and chooses exit codes.
//! This file wires the modules: the arguments (`args`), the run's clock and thread, and one
//! command module per command (`cmd`).

#[macro_use]
mod output;

mod args;
mod bounds;
mod cmd;
mod docs;
mod interrupt;
mod load;

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;

use args::{Cli, Cmd};
use output::Printer;

/// Exit codes (also in the README).
const EXIT_COMPILE: u8 = 1;
const EXIT_USAGE: u8 = 64;
const EXIT_INTERNAL: u8 = 70;
/// A limit (or an interrupt) with a feasible point, and without one.
const EXIT_LIMIT_POINT: u8 = 5;
const EXIT_LIMIT_NO_POINT: u8 = 4;
/// `rmod sweep`: not every scenario has a result (`--collect` before every job ended).
const EXIT_SWEEP_MISSING: u8 = 6;
/// Ended by Ctrl-C or SIGTERM (128 + SIGINT), as the default action would.
const EXIT_INTERRUPTED: u8 = 130;

/// When the run started: `time_limit` counts from here.
fn run_started() -> Instant {
    static STARTED: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    *STARTED.get_or_init(Instant::now)
}

/// Stack of the thread that runs a command: parsing, evaluation and the AST's destructor recurse
/// as deep as the model's nesting, which the parser limits (`rmod_syntax::MAX_DEPTH`,
/// `MAX_CHAIN`); this leaves room for the deepest model the limits allow.
const STACK_BYTES: usize = 512 << 20;

fn main() -> ExitCode {
    run_started();
    if std::env::args().nth(1).as_deref() == Some(bounds::WORKER_ARG) {
        // a worker dies on Ctrl-C like any process (it inherits its parent's blocked
        // signals); the parent answers for the run
        rmod_solver::signals::default_signals();
        return ExitCode::from(bounds::worker());
    }
    // before any other thread: SIGINT and SIGTERM become messages (see `interrupt`)
    interrupt::take_signals();
    let code = std::thread::Builder::new()
        .name("rmod".into())
        .stack_size(STACK_BYTES)
        .spawn(main_thread)
        .map_or(EXIT_INTERNAL, |h| h.join().unwrap_or(EXIT_INTERNAL));
    ExitCode::from(code)
}

fn main_thread() -> u8 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut p = Printer {
        format: cli.message_format,
        color,
        n_errors: 0,
        n_warnings: 0,
        json: Vec::new(),
    };
    run(&cli, &mut p)
}

fn run(cli: &Cli, p: &mut Printer) -> u8 {
    match &cli.cmd {
        Cmd::Explain { code, format } => cmd::explain::command(code.as_deref(), *format),
        Cmd::Train(a) => cmd::train::train_command(a, p),
        Cmd::Net { cmd } => cmd::net::command(cmd, p),
        Cmd::Sample(a) => cmd::train::sample_command(a, p),
        Cmd::Fmt { files, check } => cmd::fmt::command(files, *check, p),
        Cmd::Check { m, format } => cmd::check::command(cli, m, *format, p),
        Cmd::Solve {
            m,
            format,
            output,
            all,
            timings,
            start,
            duals,
            wide,
        } => {
            let view = cmd::solve::Flags {
                all: *all,
                timings: *timings,
                duals: *duals,
                wide: *wide,
            };
            cmd::solve::command(cli, m, format, output, &view, start, p)
        }
        Cmd::Sweep(a) => cmd::sweep::command(cli, a, p),
        Cmd::Export { m, lp, mps, names } => cmd::export::command(cli, m, lp, mps, names, p),
        Cmd::Expand { m, name } => cmd::expand::command(cli, m, name, p),
    }
}
