//! The `ctrlc` backend on Unix (feature `ctrlc`).
//!
//! `ctrlc` (with its `termination` feature) always takes SIGINT, SIGTERM and
//! SIGHUP together and does not say which one arrived. So a shim goes in
//! front of its handler for each signal we want: it calls the runtime's
//! [`Report::signal`] with the signal's number (atomics and one `write(2)`,
//! async-signal-safe), then ctrlc's own handler, which posts
//! ctrlc's semaphore. ctrlc's thread then calls our closure, which has
//! nothing left to do: the runtime's watcher thread was woken by the shim.
//! Signals we do not want get their old disposition back.

use std::io;
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};

use libc::c_int;

use super::{disposition, Blocked, Disposition};
use crate::platform::Report;

/// The signals `ctrlc` installs handlers for.
const MANAGED: [c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

/// The backend's name, for reports.
pub(crate) const BACKEND: &str = "ctrlc";

/// Whether this backend can handle signal `number`: ctrlc takes SIGINT,
/// SIGTERM and SIGHUP only.
pub(crate) fn can_handle(number: c_int) -> bool {
    MANAGED.contains(&number)
}

/// Routes each of `numbers` that ctrlc manages to [`Report::signal`]
/// through the shim, skipping those ignored at start.
/// Returns the ones now handled. On error every disposition is put back.
pub(crate) fn install_handlers(numbers: &[c_int], report: Report) -> io::Result<Vec<c_int>> {
    let signal: fn(c_int) = report.signal;
    REPORT.store(signal as *mut (), Ordering::Release);
    let before: Vec<(c_int, Option<Disposition>)> =
        MANAGED.iter().map(|&n| (n, disposition(n))).collect();
    let wanted: Vec<c_int> = before
        .iter()
        .filter(|(number, old)| {
            numbers.contains(number) && !old.as_ref().is_some_and(Disposition::is_ignored)
        })
        .map(|(number, _)| *number)
        .collect();
    if wanted.is_empty() {
        return Ok(wanted);
    }
    // Between ctrlc installing its handler and the shim wrapping it, a
    // signal would reach ctrlc unrecorded. Block them meanwhile; they are
    // delivered, through the shim, when the guard drops. ctrlc's thread
    // inherits the mask, and the runtime's threads were started with these
    // signals blocked, so no other thread of ours can take them.
    let blocked = Blocked::new(&wanted);
    let result = ctrlc::set_handler(|| {})
        .map_err(io::Error::other)
        .and_then(|()| {
            before.iter().try_for_each(|(number, old)| {
                if wanted.contains(number) {
                    wrap(*number)
                } else {
                    old.as_ref().map_or(Ok(()), |old| old.restore(*number))
                }
            })
        });
    if let Err(error) = result {
        for (number, old) in &before {
            if let Some(old) = old {
                let _ = old.restore(*number);
            }
        }
        drop(blocked);
        return Err(error);
    }
    drop(blocked);
    Ok(wanted)
}

/// [`Report::signal`], for the shim.
static REPORT: AtomicPtr<()> = AtomicPtr::new(ptr::null_mut());

/// ctrlc's own handler, taken from the disposition it installed.
static CTRLC_HANDLER: AtomicPtr<()> = AtomicPtr::new(ptr::null_mut());

/// Records the signal, then runs ctrlc's handler. Only atomics, a
/// `write(2)` and a call: async-signal-safe.
extern "C" fn record_then_forward(number: c_int) {
    let report = REPORT.load(Ordering::Acquire);
    if !report.is_null() {
        // SAFETY: `report` was stored by `install_handlers` from a
        // `fn(c_int)`, and is turned back into exactly that.
        let report: fn(c_int) = unsafe { std::mem::transmute(report) };
        report(number);
    }
    let handler = CTRLC_HANDLER.load(Ordering::Acquire);
    if !handler.is_null() {
        // SAFETY: `handler` was stored by `wrap` from a disposition ctrlc
        // installed without SA_SIGINFO whose handler is neither SIG_DFL nor
        // SIG_IGN: the address of an `extern "C" fn(c_int)`.
        let forward: extern "C" fn(c_int) = unsafe { std::mem::transmute(handler) };
        forward(number);
    }
}

/// Puts the shim in front of ctrlc's handler for `number`.
fn wrap(number: c_int) -> io::Result<()> {
    let current = disposition(number).ok_or_else(io::Error::last_os_error)?;
    let raw = &current.0;
    if raw.sa_flags & libc::SA_SIGINFO != 0 {
        return Err(io::Error::from(io::ErrorKind::Unsupported));
    }
    let shim = record_then_forward as extern "C" fn(c_int);
    let handler = raw.sa_sigaction;
    if handler != libc::SIG_DFL && handler != libc::SIG_IGN && handler != shim as libc::sighandler_t
    {
        CTRLC_HANDLER.store(handler as *mut (), Ordering::Release);
    }
    let mut wrapped = Disposition(current.0);
    wrapped.0.sa_sigaction = shim as libc::sighandler_t;
    wrapped.restore(number)
}
