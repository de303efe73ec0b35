//! Where the signals come from. The only module with `unsafe` code.
//!
//! A backend provides three things, and the rest of the runtime does not know
//! which backend it runs on:
//! - `install(signals, reap_zombies, deliver)`: start watching `signals`,
//!   calling `deliver` on an ordinary thread for each one that arrives. The
//!   signal handler itself only records the signal and wakes that thread.
//!   Signals ignored when the process started stay ignored.
//! - `take_arrived()`: the last handled signal that arrived since the
//!   previous call, recorded by the handler in an atomic. The watchdog polls
//!   it during shutdown to see a second signal while the watcher thread is
//!   busy running hooks.
//! - `die_by_signal(signal)`: restore the default action and re-raise, so the
//!   parent sees the process killed by `signal`. Returns if that did not kill
//!   the process; the caller then exits with `128 + n`.
//!
//! Selection, at compile time: the `ctrlc` feature picks the `ctrlc` backend
//! (also the only one on Windows); otherwise `signal-hook` (the Unix default).

#[cfg(unix)]
pub(crate) mod process;
#[cfg(unix)]
mod unix;

#[cfg(any(windows, feature = "ctrlc"))]
mod ctrlc;
#[cfg(any(windows, feature = "ctrlc"))]
pub(crate) use self::ctrlc::{install, take_arrived};

#[cfg(all(unix, feature = "signal-hook", not(feature = "ctrlc")))]
mod signal_hook;
#[cfg(all(unix, feature = "signal-hook", not(feature = "ctrlc")))]
pub(crate) use self::signal_hook::{install, take_arrived};

#[cfg(unix)]
pub(crate) use self::unix::die_by_signal;

/// Windows has no signal to re-raise: the caller exits with `128 + n`.
#[cfg(not(unix))]
pub(crate) fn die_by_signal(_signal: crate::Signal) {}

#[cfg(all(unix, not(any(feature = "signal-hook", feature = "ctrlc"))))]
compile_error!(
    "graceful-exit needs a signal backend on Unix: enable the `signal-hook` feature (the default) or `ctrlc`"
);
