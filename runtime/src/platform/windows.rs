//! Windows: the `ctrlc` backend for console events, a condition-variable
//! doorbell (nothing rings it from a signal handler here: console events
//! arrive on ordinary threads), unlocked writes to stderr, `ExitProcess`.

use std::fs::File;
use std::io::{self, Write};
use std::mem::ManuallyDrop;
use std::os::windows::io::{AsRawHandle, FromRawHandle};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::{events, Signal};

/// A flag and a condition variable: `ring` sets and notifies, `wait` waits
/// and clears.
pub(crate) struct Doorbell {
    rung: Mutex<bool>,
    changed: Condvar,
}

impl Doorbell {
    pub(crate) fn new() -> io::Result<Doorbell> {
        Ok(Doorbell {
            rung: Mutex::new(false),
            changed: Condvar::new(),
        })
    }

    pub(crate) fn ring(&self) {
        *self.rung.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.changed.notify_all();
    }

    /// The same doorbell: Windows has no timerfd, `arm` rings.
    pub(crate) fn with_alarm() -> io::Result<Doorbell> {
        Doorbell::new()
    }

    /// Makes the waiter look again by `at` at the latest. Here: at once.
    pub(crate) fn arm(&self, _at: Instant) {
        self.ring();
    }

    pub(crate) fn wait(&self, timeout: Option<Duration>) -> bool {
        let mut rung = self.rung.lock().unwrap_or_else(PoisonError::into_inner);
        if !*rung {
            rung = match timeout {
                Some(timeout) => {
                    self.changed
                        .wait_timeout(rung, timeout)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0
                }
                None => self
                    .changed
                    .wait(rung)
                    .unwrap_or_else(PoisonError::into_inner),
            };
        }
        std::mem::replace(&mut *rung, false)
    }
}

/// Nothing to block: console events are not signals.
pub(crate) struct Blocked;

impl Blocked {
    pub(crate) fn new(_numbers: &[i32]) -> Blocked {
        Blocked
    }
}

/// No child signal on Windows.
pub(crate) const CHILD_SIGNAL: Option<i32> = None;

/// Ctrl-C and Ctrl-Break arrive through `ctrlc` as `SIGINT`.
pub(crate) fn install_handlers(numbers: &[i32]) -> io::Result<Vec<i32>> {
    let interrupt = Signal::INT.number();
    if !numbers.contains(&interrupt) {
        return Ok(Vec::new());
    }
    ctrlc::set_handler(move || events::signal_arrived(interrupt)).map_err(io::Error::other)?;
    Ok(vec![interrupt])
}

/// Windows has no signal to re-raise: the caller exits with `128 + n`.
pub(crate) fn die_by_signal(_signal: Signal) {}

#[link(name = "kernel32")]
extern "system" {
    fn ExitProcess(code: u32) -> !;
}

/// Ends the process now with `code`, running nothing of std's.
pub(crate) fn exit_now(code: i32) -> ! {
    // SAFETY: ExitProcess takes an integer and never returns; the bits of a
    // negative code are kept, as std's exit does.
    unsafe { ExitProcess(code as u32) }
}

/// Writes to the standard error handle without std's lock. Console and pipe
/// writes cannot be made non-blocking here: `wait` is ignored.
pub(crate) fn write_stderr(bytes: &[u8], _wait: bool) -> bool {
    let handle = io::stderr().as_raw_handle();
    if handle.is_null() {
        return false;
    }
    // SAFETY: the handle is the process's standard error, open for the
    // process's life; `ManuallyDrop` keeps the `File` from closing it.
    let mut file = ManuallyDrop::new(unsafe { File::from_raw_handle(handle) });
    file.write_all(bytes).is_ok()
}

/// Nothing to reap on Windows.
pub(crate) fn reap_children() {}
