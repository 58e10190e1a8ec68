//! Ctrl-C and SIGTERM as messages, not interruptions: both are blocked in every thread and a
//! dedicated thread takes them with `sigwait`. Clp installs its own SIGINT handler during every
//! LP solve (CBC's root LP included), which would swallow a Ctrl-C aimed at rmod; a blocked
//! signal never reaches a handler, so none can take it. Lives here because this crate wraps the
//! C libraries (and may use `unsafe`).

/// Blocks SIGINT and SIGTERM in the calling thread (and every thread and child process it
/// creates afterwards) and runs `on_signal` on a thread of its own for each one that arrives.
/// Call it first in `main`, before any other thread exists. Returns false if the mask could
/// not be set (then the signals keep their default action).
pub fn take_signals(on_signal: fn()) -> bool {
    // SAFETY: `set` is a valid sigset_t initialized by sigemptyset before use; pthread_sigmask
    // changes only this thread's mask (threads created later inherit it).
    let set = unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::sigaddset(&mut set, libc::SIGTERM);
        if libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
            return false;
        }
        set
    };
    let spawned = std::thread::Builder::new()
        .name("rmod-signals".into())
        .spawn(move || loop {
            let mut sig: libc::c_int = 0;
            // SAFETY: `set` holds the blocked signals; sigwait writes the one taken to `sig`.
            let rc = unsafe { libc::sigwait(&set, &mut sig) };
            if rc == 0 {
                on_signal();
            }
        });
    spawned.is_ok()
}

/// Unblocks SIGINT and SIGTERM (a worker process inherits the mask; it should die on them).
pub fn default_signals() {
    // SAFETY: as in `take_signals`.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::sigaddset(&mut set, libc::SIGTERM);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
    }
}
