//! [`Config`]: the builder `#[graceful_main]` expands to.
#![forbid(unsafe_code)]

use std::fmt;
use std::process::Termination;
use std::time::Duration;

use crate::{output, shutdown, Signal};

/// The default hard deadline for the whole shutdown sequence: under Docker's
/// 10 s and Kubernetes' 30 s grace periods.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(8);

/// Environment variable that overrides the deadline at run time (`"30s"`).
pub const DEADLINE_ENV: &str = "GRACEFUL_EXIT_DEADLINE";

/// Settings for the shutdown runtime: the program without the macro.
///
/// Each method is named like the `#[graceful_main]` key it backs:
///
/// ```no_run
/// # use graceful_exit_runtime as graceful_exit;
/// use std::time::Duration;
/// use graceful_exit::{Config, Signal};
///
/// fn real_main() -> Result<(), std::io::Error> {
///     Ok(())
/// }
///
/// fn main() {
///     Config::new()
///         .signals(&[Signal::INT, Signal::TERM])
///         .deadline(Duration::from_secs(5))
///         .run(real_main)
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub(crate) signals: Vec<Signal>,
    pub(crate) exit_code: Option<u8>,
    pub(crate) deadline: Option<Duration>,
    pub(crate) wait_for_main: Option<Duration>,
    pub(crate) reap_zombies: bool,
    pub(crate) debug_log: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            signals: default_signals(),
            exit_code: None,
            deadline: Some(DEFAULT_DEADLINE),
            wait_for_main: None,
            reap_zombies: false,
            debug_log: false,
        }
    }
}

fn default_signals() -> Vec<Signal> {
    if cfg!(unix) {
        vec![Signal::INT, Signal::TERM, Signal::HUP]
    } else {
        vec![Signal::INT, Signal::TERM]
    }
}

fn nonzero(duration: Duration) -> Option<Duration> {
    (!duration.is_zero()).then_some(duration)
}

impl Config {
    /// The defaults: `SIGINT`, `SIGTERM`, `SIGHUP`; die by the signal; an 8 s
    /// deadline; hooks start at once; no zombie reaping.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The signals that start a shutdown. Signals left out keep their default
    /// action. A signal that was ignored when the process started (`nohup`,
    /// background jobs) stays ignored.
    #[must_use]
    pub fn signals(mut self, signals: &[Signal]) -> Self {
        self.signals = signals.to_vec();
        self
    }

    /// Exit with this fixed code after a signal (or
    /// [`request_shutdown`](crate::request_shutdown)) instead of dying by the
    /// signal.
    #[must_use]
    pub fn exit_code(mut self, code: u8) -> Self {
        self.exit_code = Some(code);
        self
    }

    /// The hard deadline for the whole shutdown sequence, counted from the
    /// moment it starts. `Duration::ZERO` means no limit. The environment
    /// variable `GRACEFUL_EXIT_DEADLINE` overrides it at run time.
    #[must_use]
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = nonzero(deadline);
        self
    }

    /// On a signal, give `main` up to this long to notice
    /// ([`is_shutting_down`](crate::is_shutting_down), [`wait`](crate::wait),
    /// [`sleep`](crate::sleep)) and return before the hooks run.
    /// `Duration::ZERO` (the default) runs the hooks at once.
    #[must_use]
    pub fn wait_for_main(mut self, wait: Duration) -> Self {
        self.wait_for_main = nonzero(wait);
        self
    }

    /// When the process is PID 1 (a container's init), reap orphaned children
    /// so they do not stay zombies. See the crate docs for the caveat with
    /// `std::process::Child::wait`.
    #[must_use]
    pub fn reap_zombies(mut self, reap: bool) -> Self {
        self.reap_zombies = reap;
        self
    }

    /// Print progress lines on stderr (the shutdown's start, each hook with
    /// its duration, the total time), as `GRACEFUL_EXIT_LOG=debug` does.
    #[must_use]
    pub fn debug_log(mut self, on: bool) -> Self {
        self.debug_log = on;
        self
    }

    /// Installs the signal handlers and starts the shutdown runtime, then
    /// returns. From here on, a signal, [`exit`](crate::exit) or
    /// [`request_shutdown`](crate::request_shutdown) runs the hooks and ends
    /// the process. When `main` returns on its own, nothing runs: end it with
    /// [`exit`](crate::exit), or use [`Config::run`], which does that for you.
    ///
    /// # Errors
    ///
    /// [`InstallError`] when the runtime was already installed in this
    /// process, or a signal handler or thread could not be set up.
    pub fn install(self) -> Result<(), InstallError> {
        if self.debug_log {
            output::force_debug();
        }
        shutdown::install(self)
    }

    /// Installs the runtime, runs `main` on the calling thread, then runs the
    /// hooks and exits with the status `main` would have given (its `Err` is
    /// printed as `Error: …`, like std does; a panic exits with 101).
    /// Never returns.
    ///
    /// If the runtime cannot be installed, the error is printed and `main`
    /// still runs; hooks then run only when `main` ends.
    pub fn run<T, F>(self, main: F) -> !
    where
        T: Termination,
        F: FnOnce() -> T,
    {
        if let Err(error) = self.install() {
            output::error(format_args!("{error}; continuing without signal handling"));
        }
        shutdown::run_main(main)
    }
}

/// Why [`Config::install`] failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum InstallError {
    /// The runtime is already installed in this process.
    AlreadyInstalled,
    /// A signal handler could not be installed.
    Signal(std::io::Error),
    /// The runtime's thread could not be started.
    Thread(std::io::Error),
}

impl fmt::Display for InstallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstallError::AlreadyInstalled => {
                f.write_str("graceful-exit is already installed in this process")
            }
            InstallError::Signal(error) => {
                write!(f, "could not install the signal handlers: {error}")
            }
            InstallError::Thread(error) => {
                write!(f, "could not start the shutdown thread: {error}")
            }
        }
    }
}

impl std::error::Error for InstallError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            InstallError::AlreadyInstalled => None,
            InstallError::Signal(error) | InstallError::Thread(error) => Some(error),
        }
    }
}

/// Parses `"250ms"`, `"2s"`, `"1m"`; `"0"` and `"none"` give `Some(None)`
/// (no limit). `None` when the text is not a duration.
pub(crate) fn parse_duration(text: &str) -> Option<Option<Duration>> {
    let text = text.trim();
    if text == "0" || text.eq_ignore_ascii_case("none") {
        return Some(None);
    }
    let digits = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(digits);
    let number: u64 = number.parse().ok()?;
    let millis = match unit {
        "ms" => Some(number),
        "s" => number.checked_mul(1_000),
        "m" => number.checked_mul(60_000),
        _ => None,
    }?;
    Some(nonzero(Duration::from_millis(millis)))
}

/// The deadline in force: `GRACEFUL_EXIT_DEADLINE` when set and valid,
/// otherwise the configured one (a malformed value is reported).
pub(crate) fn effective_deadline(configured: Option<Duration>) -> Option<Duration> {
    let Some(value) = std::env::var_os(DEADLINE_ENV) else {
        return configured;
    };
    match value.to_str().and_then(parse_duration) {
        Some(deadline) => deadline,
        None => {
            output::error(format_args!(
                "ignoring {DEADLINE_ENV}={value:?}: expected a duration like \"250ms\", \"8s\", \"1m\", or \"0\"/\"none\" for no limit; using {}",
                output::DurationText(configured)
            ));
            configured
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(
            parse_duration("250ms"),
            Some(Some(Duration::from_millis(250)))
        );
        assert_eq!(parse_duration("2s"), Some(Some(Duration::from_secs(2))));
        assert_eq!(parse_duration("1m"), Some(Some(Duration::from_secs(60))));
        assert_eq!(parse_duration("0"), Some(None));
        assert_eq!(parse_duration("none"), Some(None));
        assert_eq!(parse_duration("0s"), Some(None));
        assert_eq!(parse_duration("2 parsecs"), None);
        assert_eq!(parse_duration("s"), None);
        assert_eq!(parse_duration("10"), None);
        assert_eq!(parse_duration("-1s"), None);
    }

    #[test]
    fn builder() {
        let config = Config::new()
            .signals(&[Signal::TERM])
            .exit_code(7)
            .deadline(Duration::ZERO)
            .wait_for_main(Duration::from_secs(3))
            .reap_zombies(true);
        assert_eq!(config.signals, vec![Signal::TERM]);
        assert_eq!(config.exit_code, Some(7));
        assert_eq!(config.deadline, None);
        assert_eq!(config.wait_for_main, Some(Duration::from_secs(3)));
        assert!(config.reap_zombies);
    }
}
