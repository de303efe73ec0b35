//! The platform layer: where signals come from, and the few system calls the
//! runtime needs. The only module with `unsafe` code; each block says why it
//! is sound.
//!
//! What it provides, whatever the platform and backend:
//! - [`Doorbell`]: a wake-up one thread blocks on and anyone may ring, even
//!   a signal handler (`ring` is async-signal-safe on Unix: one `write(2)`).
//! - `install_handlers(signals, report)`: route each signal to the
//!   [`Report`] functions the runtime hands in (they record it and ring a
//!   doorbell), on the backend compiled in. The platform layer knows nothing
//!   else of the runtime. A signal that was ignored when the process
//!   started stays ignored. On error nothing stays installed.
//! - `die_by_signal(signal)`: default action back, signal re-raised, so the
//!   parent sees the process killed by it. Returns if that did not end the
//!   process; the caller then exits with `128 + n`.
//! - `exit_now(code)`: end the process at once, running nothing (`_exit`):
//!   the last resort when an orderly exit is stuck.
//! - `write_stderr(bytes, wait)`: write straight to file descriptor 2,
//!   bypassing std's stderr lock; with `wait = false` it never blocks and
//!   drops what cannot be written now.
//! - `reap_children()`, `monotonic_micros()`, and on Unix the `children`
//!   system calls behind `crate::process`.
//!
//! Backends, chosen at compile time: `signal-hook`'s low-level registration
//! (the Unix default) or the `ctrlc` crate (feature `ctrlc`; always on
//! Windows, for Ctrl-C and Ctrl-Break, next to a console control routine of
//! our own for close, logoff and shutdown: `console_events`).

/// Where the platform layer reports signals and console events. Called in
/// a signal handler on Unix: only async-signal-safe functions go here.
#[derive(Clone, Copy)]
pub(crate) struct Report {
    /// A signal arrived: its role decides what it does.
    pub(crate) signal: fn(i32),
    /// A signal arrived that must stop the program whatever its role
    /// (Windows' console close, logoff and shutdown).
    #[cfg_attr(unix, allow(dead_code))]
    pub(crate) stop: fn(i32),
}

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub(crate) use self::unix::*;

// Windows' console events and what is done with each: pure, so that its
// unit tests run on every platform.
#[cfg(any(windows, test))]
#[cfg_attr(not(windows), allow(dead_code))]
mod console_events;
#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub(crate) use self::windows::*;

#[cfg(not(any(unix, windows)))]
compile_error!("graceful-exit supports Unix and Windows");
