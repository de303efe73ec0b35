//! Windows: console control events as signals, a condition-variable
//! doorbell (nothing rings it from a signal handler here: console events
//! arrive on ordinary threads), unlocked writes to stderr, `ExitProcess`.
//!
//! Windows delivers a console event by starting a thread in the process
//! that calls the registered control routines, last registered first,
//! until one returns `TRUE`. Ctrl-C and Ctrl-Break go to `ctrlc`'s routine
//! (the backend the SPEC names), whose thread calls
//! the runtime's [`Report::signal`] with `SIGINT`. Close, logoff and shutdown go
//! to our own routine, registered in front of `ctrlc`'s: Windows ends the
//! process as soon as a routine returns from one of those, so ours records
//! the event and blocks until the shutdown has ended the process (or
//! Windows' own timeout does: about 5 s, see `docs/windows.md`).
//! `console_events` decides, event by event.

use std::fs::File;
use std::io::{self, Write};
use std::mem::ManuallyDrop;
use std::os::windows::io::{AsRawHandle, FromRawHandle};
use std::sync::{Condvar, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use windows_sys::core::BOOL;
use windows_sys::Win32::Foundation::{FALSE, TRUE};
use windows_sys::Win32::System::Console::SetConsoleCtrlHandler;
use windows_sys::Win32::System::RemoteDesktop::ProcessIdToSessionId;
use windows_sys::Win32::System::Threading::{ExitProcess, GetCurrentProcessId};

use super::console_events::{self, Action, Taken};
use super::Report;
use crate::Signal;

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

/// A guard like Unix's, whose drop unblocks: nothing to unblock here.
impl Drop for Blocked {
    fn drop(&mut self) {}
}

/// No child signal on Windows.
pub(crate) const CHILD_SIGNAL: Option<i32> = None;

/// What the control routine needs to decide, set once before it is
/// registered.
#[derive(Clone, Copy)]
struct Routing {
    taken: Taken,
    session_zero: bool,
    report: Report,
}

static ROUTING: OnceLock<Routing> = OnceLock::new();

/// The backend's name, for reports.
pub(crate) const BACKEND: &str = "ctrlc";

/// Whether a console event maps to signal `number`: `SIGINT` (Ctrl-C,
/// Ctrl-Break), `SIGTERM` and `SIGHUP` (close, logoff, shutdown).
pub(crate) fn can_handle(number: i32) -> bool {
    [Signal::INT, Signal::TERM, Signal::HUP]
        .iter()
        .any(|signal| signal.number() == number)
}

/// Routes console events to the runtime's [`Report`]: Ctrl-C and Ctrl-Break through
/// `ctrlc` when `SIGINT` is in `numbers`; close, logoff and shutdown
/// through our routine when `SIGTERM` or `SIGHUP` is. Returns the numbers
/// now handled. On error nothing stays installed, except in one case that
/// needs the system out of memory: `ctrlc`'s routine, which cannot be
/// taken out, when ours cannot be added in front of it.
pub(crate) fn install_handlers(numbers: &[i32], report: Report) -> io::Result<Vec<i32>> {
    let taken = Taken::from_numbers(numbers);
    if !taken.any() {
        return Ok(Vec::new());
    }
    let _ = ROUTING.set(Routing {
        taken,
        session_zero: in_session_zero(),
        report,
    });
    // Ours first, so that a refusal of `ctrlc` (it allows one handler per
    // process) leaves nothing behind.
    set_routine(true)?;
    if taken.interrupt {
        let interrupt = Signal::INT.number();
        let on_signal = report.signal;
        if let Err(error) = ctrlc::set_handler(move || on_signal(interrupt)) {
            let _ = set_routine(false);
            return Err(io::Error::other(error));
        }
        // `ctrlc`'s routine now comes first: add ours once more, in front
        // of it. The copy behind it is never reached, since `ctrlc`'s
        // returns `TRUE` for every event.
        if let Err(error) = set_routine(true) {
            let _ = set_routine(false);
            return Err(error);
        }
    }
    Ok(taken.handled(numbers))
}

/// Adds our control routine (to the front of the list) or removes it.
fn set_routine(add: bool) -> io::Result<()> {
    // SAFETY: `routine` has the `PHANDLER_ROUTINE` signature and, being a
    // function, lives as long as the process.
    let done = unsafe { SetConsoleCtrlHandler(Some(routine), if add { TRUE } else { FALSE }) };
    if done == FALSE {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Our console control routine, called by Windows on a thread of its own
/// for every console event. It never unwinds: nothing in it panics.
extern "system" fn routine(event: u32) -> BOOL {
    let Some(routing) = ROUTING.get() else {
        return FALSE;
    };
    match console_events::action(event, routing.taken, routing.session_zero) {
        Action::PassOn => FALSE,
        Action::Absorb => TRUE,
        Action::ShutdownAndBlock(signal) => {
            (routing.report.stop)(signal.number());
            // Returning would let Windows end the process now. The
            // shutdown ends it instead; this thread waits for that.
            loop {
                std::thread::park();
            }
        }
    }
}

/// Whether this process runs in session 0, where services run and no user
/// logs on.
fn in_session_zero() -> bool {
    let mut session = u32::MAX;
    // SAFETY: both calls take plain integers; the second writes one `u32`
    // through a pointer to a live local.
    let found = unsafe { ProcessIdToSessionId(GetCurrentProcessId(), &mut session) };
    found != FALSE && session == 0
}

/// Windows has no signal to re-raise: the caller exits with `128 + n`.
pub(crate) fn die_by_signal(_signal: Signal) {}

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

/// Signals sent and not yet handled: Windows has no such set (a console
/// event is handed to its routine at once).
pub(crate) fn pending_signals() -> u64 {
    0
}
