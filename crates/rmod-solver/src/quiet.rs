//! Keeps CBC's and Clp's own printing off stdout: while a solve runs, file descriptor 1 points
//! at stderr, so `--format json` on stdout stays valid JSON even with `option log = 1`
//! (CBC prints its log and some messages, e.g. `Coin0505I`, with C stdio, out of Rust's reach).

use std::ffi::{c_int, c_void};
use std::sync::atomic::{AtomicI32, Ordering};

extern "C" {
    fn dup(fd: c_int) -> c_int;
    fn dup2(old: c_int, new: c_int) -> c_int;
    fn close(fd: c_int) -> c_int;
    fn fflush(stream: *mut c_void) -> c_int;
}

/// The process's real stdout while a solve runs (-1 otherwise).
static SAVED: AtomicI32 = AtomicI32::new(-1);

/// Stdout goes to stderr until this is dropped.
pub struct StdoutToStderr {
    saved: c_int,
}

impl StdoutToStderr {
    pub fn new() -> StdoutToStderr {
        use std::io::Write;
        let _ = std::io::stdout().flush();
        // SAFETY: dup and dup2 take plain descriptors; fflush(NULL) flushes every C stream.
        // A failed dup (-1) leaves stdout as it is.
        let saved = unsafe {
            fflush(std::ptr::null_mut());
            let saved = dup(1);
            if saved >= 0 && dup2(2, 1) < 0 {
                close(saved);
                -1
            } else {
                saved
            }
        };
        if saved >= 0 {
            SAVED.store(saved, Ordering::SeqCst);
        }
        StdoutToStderr { saved }
    }
}

impl Default for StdoutToStderr {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for StdoutToStderr {
    fn drop(&mut self) {
        if self.saved < 0 {
            return;
        }
        if SAVED.swap(-1, Ordering::SeqCst) < 0 {
            // `restore_stdout` got there first (an interrupt); it closed the saved descriptor
            return;
        }
        // SAFETY: `saved` is the descriptor dup'd in `new`, still open (nobody swapped it out).
        unsafe {
            fflush(std::ptr::null_mut());
            dup2(self.saved, 1);
            close(self.saved);
        }
    }
}

/// Points stdout back at the real one if a solve has it redirected (for an interrupt handler
/// that writes the answer while CBC runs). Safe to call at any time.
pub fn restore_stdout() {
    let saved = SAVED.swap(-1, Ordering::SeqCst);
    if saved >= 0 {
        // SAFETY: `saved` came from `dup` in `StdoutToStderr::new` and was not closed (the
        // swap above makes this the only user).
        unsafe {
            fflush(std::ptr::null_mut());
            dup2(saved, 1);
            close(saved);
        }
    }
}
