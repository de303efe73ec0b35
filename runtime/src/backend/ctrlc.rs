//! The `ctrlc` backend: feature `ctrlc` on Unix, and the only backend on
//! Windows (Ctrl-C, Ctrl-Break, console close, logoff, shutdown).
//!
//! `ctrlc` (with its `termination` feature) always takes SIGINT, SIGTERM and
//! SIGHUP together, posts a semaphore from its handler and calls our closure
//! on its own thread. It does not say which signal arrived, so on Unix we
//! wrap its handler in a shim that first records the signal number in an
//! atomic (async-signal-safe) and then calls ctrlc's handler. Signals the
//! configuration leaves out, or that were ignored at start, get their
//! original disposition back.

use std::io;

use crate::Signal;

#[cfg(unix)]
pub(crate) fn install(
    signals: &[Signal],
    reap_zombies: bool,
    deliver: fn(Signal),
) -> io::Result<()> {
    use super::unix::disposition;
    use crate::output;

    const MANAGED: [Signal; 3] = [Signal::INT, Signal::TERM, Signal::HUP];
    for signal in signals.iter().filter(|s| !MANAGED.contains(s)) {
        output::error(format_args!(
            "the ctrlc backend cannot handle {signal}; it keeps its default action (use the default signal-hook backend for it)"
        ));
    }
    if reap_zombies && std::process::id() == 1 {
        output::error(format_args!(
            "reap_zombies needs the signal-hook backend; zombies will not be reaped"
        ));
    }
    let before: Vec<_> = MANAGED
        .iter()
        .map(|s| (*s, disposition(s.number())))
        .collect();
    let wanted: Vec<Signal> = before
        .iter()
        .filter(|(signal, old)| {
            signals.contains(signal) && !old.as_ref().is_some_and(|d| d.is_ignored())
        })
        .map(|(signal, _)| *signal)
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    // Between ctrlc installing its handler and the shim wrapping it, a
    // signal would arrive unrecorded. Block them meanwhile (ctrlc's thread
    // inherits the mask and never needs them); they are delivered, through
    // the shim, when the guard drops. `install` runs before the runtime
    // starts any other thread.
    let numbers: Vec<_> = wanted.iter().map(|s| s.number()).collect();
    let blocked = super::unix::Blocked::new(&numbers);
    let mut last = Signal::INT;
    ctrlc::set_handler(move || {
        if let Some(signal) = shim::take_recorded() {
            last = signal;
        }
        deliver(last);
    })
    .map_err(io::Error::other)?;
    for (signal, old) in &before {
        if wanted.contains(signal) {
            shim::wrap(signal.number())?;
        } else if let Some(old) = old {
            old.restore(signal.number())?;
        }
    }
    drop(blocked);
    Ok(())
}

#[cfg(unix)]
pub(crate) use shim::take_arrived;

/// Windows: ctrlc's thread runs the hooks and no other record exists, so a
/// second console event during shutdown is not seen (the deadline still is).
#[cfg(not(unix))]
pub(crate) fn take_arrived() -> Option<Signal> {
    None
}

#[cfg(unix)]
mod shim {
    use std::io;
    use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};

    use libc::c_int;

    use super::super::unix::disposition;
    use crate::Signal;

    /// The last signal number the shim saw, for the ctrlc closure; 0 for none.
    static RECORDED: AtomicI32 = AtomicI32::new(0);
    /// The same, for the watchdog's [`take_arrived`].
    static ARRIVED: AtomicI32 = AtomicI32::new(0);
    /// ctrlc's own handler, as the address sigaction gave us.
    static CTRLC_HANDLER: AtomicUsize = AtomicUsize::new(0);

    /// Records the signal, then runs ctrlc's handler (which posts its
    /// semaphore). Only atomics and a call: async-signal-safe.
    extern "C" fn record_then_forward(number: c_int) {
        RECORDED.store(number, Ordering::SeqCst);
        ARRIVED.store(number, Ordering::SeqCst);
        let handler = CTRLC_HANDLER.load(Ordering::SeqCst);
        if handler != 0 {
            // SAFETY: `handler` was read from the disposition ctrlc installed
            // without SA_SIGINFO (checked in `wrap`), so it is an
            // `extern "C" fn(c_int)`.
            let forward: extern "C" fn(c_int) = unsafe { std::mem::transmute(handler) };
            forward(number);
        }
    }

    /// Puts the shim in front of ctrlc's handler for `number`.
    pub(super) fn wrap(number: c_int) -> io::Result<()> {
        let current = disposition(number).ok_or_else(io::Error::last_os_error)?;
        let Some(handler) = current.handler() else {
            return Ok(());
        };
        if handler != record_then_forward as *const () as libc::sighandler_t {
            CTRLC_HANDLER.store(handler, Ordering::SeqCst);
        }
        current.replace_handler(number, record_then_forward)
    }

    /// The signal recorded since the last call, if any.
    pub(super) fn take_recorded() -> Option<Signal> {
        Signal::from_number(RECORDED.swap(0, Ordering::SeqCst))
    }

    /// The last signal that arrived since the previous call.
    pub(crate) fn take_arrived() -> Option<Signal> {
        Signal::from_number(ARRIVED.swap(0, Ordering::SeqCst))
    }
}

/// Windows: every console event (Ctrl-C, Ctrl-Break, close, logoff,
/// shutdown) is reported as SIGINT; there are no other signals to choose.
#[cfg(not(unix))]
pub(crate) fn install(
    _signals: &[Signal],
    _reap_zombies: bool,
    deliver: fn(Signal),
) -> io::Result<()> {
    ctrlc::set_handler(move || deliver(Signal::INT)).map_err(io::Error::other)
}
