//! The [`Signal`] type, the one list of signal names, and the
//! [`ShutdownReason`] handed to hooks.
#![forbid(unsafe_code)]

use std::fmt;

/// A signal number with its conventional name.
///
/// The constants cover the signals `#[graceful_main(signals = [...])]`
/// accepts, plus `SIGPIPE` (the reason a `broken_pipe = "exit"` program
/// stops). On Unix the numbers are the platform's own (`libc::SIGTERM`, …);
/// on Windows, where there are no POSIX signals, they are the Linux numbers,
/// used to name the console event that started the shutdown (see the crate
/// docs for the mapping).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signal(i32);

#[cfg(unix)]
mod numbers {
    pub const INT: i32 = libc::SIGINT;
    pub const TERM: i32 = libc::SIGTERM;
    pub const HUP: i32 = libc::SIGHUP;
    pub const QUIT: i32 = libc::SIGQUIT;
    pub const USR1: i32 = libc::SIGUSR1;
    pub const USR2: i32 = libc::SIGUSR2;
    pub const PIPE: i32 = libc::SIGPIPE;
}

#[cfg(not(unix))]
mod numbers {
    pub const INT: i32 = 2;
    pub const TERM: i32 = 15;
    pub const HUP: i32 = 1;
    pub const QUIT: i32 = 3;
    pub const USR1: i32 = 10;
    pub const USR2: i32 = 12;
    pub const PIPE: i32 = 13;
}

/// The signals a program may name in `signals = [...]` and `reload = [...]`,
/// by their full names. The macro crate checks its own list against this
/// one in a test.
pub const SIGNAL_NAMES: [&str; 6] = [
    "SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2",
];

const KNOWN: [(Signal, &str); 7] = [
    (Signal::INT, "SIGINT"),
    (Signal::TERM, "SIGTERM"),
    (Signal::HUP, "SIGHUP"),
    (Signal::QUIT, "SIGQUIT"),
    (Signal::USR1, "SIGUSR1"),
    (Signal::USR2, "SIGUSR2"),
    (Signal::PIPE, "SIGPIPE"),
];

impl Signal {
    /// `SIGINT`: Ctrl-C in a terminal.
    pub const INT: Signal = Signal(numbers::INT);
    /// `SIGTERM`: `kill`, `docker stop`, Kubernetes, systemd.
    pub const TERM: Signal = Signal(numbers::TERM);
    /// `SIGHUP`: the terminal went away, or (by convention, and with an
    /// `#[on_reload]` hook) a request to reload.
    pub const HUP: Signal = Signal(numbers::HUP);
    /// `SIGQUIT`: Ctrl-\ in a terminal.
    pub const QUIT: Signal = Signal(numbers::QUIT);
    /// `SIGUSR1`: user-defined.
    pub const USR1: Signal = Signal(numbers::USR1);
    /// `SIGUSR2`: user-defined.
    pub const USR2: Signal = Signal(numbers::USR2);
    /// `SIGPIPE`: a write to a pipe nobody reads. Not accepted in
    /// `signals = [...]`; it is the reason given to hooks when
    /// `broken_pipe = "exit"` stops the program.
    pub const PIPE: Signal = Signal(numbers::PIPE);

    /// The signal's number, e.g. `15` for `SIGTERM` on Linux.
    #[must_use]
    pub const fn number(self) -> i32 {
        self.0
    }

    /// The signal's name, e.g. `"SIGTERM"`; `"signal"` for a number this
    /// crate has no name for.
    #[must_use]
    pub fn name(self) -> &'static str {
        KNOWN
            .iter()
            .find(|(signal, _)| *signal == self)
            .map_or("signal", |(_, name)| name)
    }

    /// The signal with this number, if it is one of the constants above.
    #[must_use]
    pub fn from_number(number: i32) -> Option<Signal> {
        KNOWN
            .iter()
            .map(|(signal, _)| *signal)
            .find(|signal| signal.0 == number)
    }

    /// The signal with this name (`"SIGTERM"` or `"TERM"`, upper case), if a
    /// program may name it in `signals = [...]` (see [`SIGNAL_NAMES`]).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Signal> {
        let full = name.strip_prefix("SIG").unwrap_or(name);
        let known = SIGNAL_NAMES.iter().find(|known| known[3..] == *full)?;
        KNOWN
            .iter()
            .find(|(_, name)| name == known)
            .map(|(signal, _)| *signal)
    }

    /// The exit status a shell reports for a process killed by this signal:
    /// `128 + number` (130 for `SIGINT`, 143 for `SIGTERM`).
    #[must_use]
    pub const fn shell_status(self) -> i32 {
        128 + self.0
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match Signal::from_number(self.0) {
            Some(_) => f.write_str(self.name()),
            None => write!(f, "signal {}", self.0),
        }
    }
}

impl fmt::Debug for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Why shutdown started. Hooks that take `&ShutdownReason` receive it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShutdownReason {
    /// A signal arrived (`SIGINT`, `SIGTERM`, …); on Windows, a console
    /// event, named by the signal it maps to.
    Signal(Signal),
    /// `main` returned successfully (exit status 0).
    Returned,
    /// `main` returned an `Err` or another failure status.
    Error,
    /// `main` panicked.
    Panic,
    /// [`exit`](crate::exit) or [`request_exit`](crate::request_exit) was
    /// called with this code.
    Exit(i32),
    /// [`request_shutdown`](crate::request_shutdown) was called.
    Requested,
}

impl fmt::Display for ShutdownReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShutdownReason::Signal(signal) => fmt::Display::fmt(signal, f),
            ShutdownReason::Returned => f.write_str("main returned"),
            ShutdownReason::Error => f.write_str("main returned an error"),
            ShutdownReason::Panic => f.write_str("main panicked"),
            ShutdownReason::Exit(code) => write!(f, "exit({code}) called"),
            ShutdownReason::Requested => f.write_str("shutdown requested"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for name in SIGNAL_NAMES {
            let signal = Signal::from_name(name).expect("listed names parse");
            assert_eq!(signal.name(), name);
            assert_eq!(Signal::from_name(&name[3..]), Some(signal));
            assert_eq!(Signal::from_number(signal.number()), Some(signal));
        }
        assert_eq!(Signal::from_name("SIGFOO"), None);
        assert_eq!(Signal::from_name("sigterm"), None);
        assert_eq!(Signal::from_name("SIGPIPE"), None, "not a shutdown signal");
        assert_eq!(Signal::PIPE.name(), "SIGPIPE");
    }

    #[test]
    fn display() {
        assert_eq!(Signal::TERM.to_string(), "SIGTERM");
        assert_eq!(ShutdownReason::Signal(Signal::INT).to_string(), "SIGINT");
        assert_eq!(ShutdownReason::Returned.to_string(), "main returned");
        assert_eq!(ShutdownReason::Exit(3).to_string(), "exit(3) called");
        assert_eq!(Signal(99).to_string(), "signal 99");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn shell_status() {
        assert_eq!(Signal::INT.shell_status(), 130);
        assert_eq!(Signal::TERM.shell_status(), 143);
    }
}
