//! Where the signals come from. The only module with `unsafe` code.
//!
//! A backend provides three things, and the rest of the runtime does not know
//! which backend it runs on:
//! - `install(signals, reap_zombies, deliver)`: start watching `signals`,
//!   calling `deliver` on an ordinary thread for each one that arrives.
//!   The signal handler itself only records the signal and wakes that thread.
//! - `die_by_signal(signal)`: restore the default action and re-raise, so the
//!   parent sees the process killed by `signal`. Returns if that did not kill
//!   the process; the caller then exits with `128 + n`.
//!
//! `signal_hook` is the Unix default.

#[cfg(all(unix, feature = "signal-hook"))]
mod signal_hook;
#[cfg(all(unix, feature = "signal-hook"))]
pub(crate) use self::signal_hook::{die_by_signal, install};

#[cfg(not(all(unix, feature = "signal-hook")))]
compile_error!(
    "graceful-exit needs a signal backend: enable the `signal-hook` feature (the default on Unix)"
);
