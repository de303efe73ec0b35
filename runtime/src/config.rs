//! [`Config`]: the builder `#[graceful_main]` expands to.
#![forbid(unsafe_code)]

use std::process::Termination;
use std::time::Duration;

use crate::settings::{BrokenPipe, Settings, WaitForMain};
use crate::watcher::{self, InstallError};
use crate::{output, shutdown, Signal};

/// Settings for the shutdown runtime: the program without the macro.
///
/// Each method is named like the `#[graceful_main]` key it backs, and takes
/// a typed value:
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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    settings: Settings,
}

impl Config {
    /// The defaults: `SIGINT`, `SIGTERM`, `SIGHUP` stop the program (`SIGHUP`
    /// reloads instead once it has a reload hook); die by the signal; an 8 s
    /// deadline; hooks wait for a cooperating `main` up to half of it; no
    /// zombie reaping; Rust's own broken-pipe panic.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The signals that start a shutdown. Signals left out keep their default
    /// action. A signal that was ignored when the process started (`nohup`,
    /// background jobs) stays ignored.
    #[must_use]
    pub fn signals(mut self, signals: &[Signal]) -> Self {
        self.settings.signals = signals.to_vec();
        self
    }

    /// The signals that run the reload hooks (`#[on_reload]`) instead of
    /// stopping the program, e.g. `&[Signal::HUP, Signal::USR1]`. A reload
    /// signal never starts a shutdown, even if it is also in
    /// [`signals`](Config::signals). Without this call, `SIGHUP` reloads
    /// once the program has a reload hook, and stops it otherwise.
    #[must_use]
    pub fn reload(mut self, signals: &[Signal]) -> Self {
        self.settings.reload = Some(signals.to_vec());
        self
    }

    /// Exit with this fixed code after a signal (or
    /// [`request_shutdown`](crate::request_shutdown)) instead of dying by the
    /// signal.
    #[must_use]
    pub fn exit_code(mut self, code: u8) -> Self {
        self.settings.exit_code = Some(code);
        self
    }

    /// The hard deadline for the whole shutdown sequence, counted from the
    /// moment it starts. `Duration::ZERO` means no limit. The environment
    /// variable `GRACEFUL_EXIT_DEADLINE` overrides it at run time.
    #[must_use]
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.settings.deadline = nonzero(deadline);
        self
    }

    /// How long the hooks wait for `main` to return when a signal,
    /// [`request_shutdown`](crate::request_shutdown) or
    /// [`request_exit`](crate::request_exit) starts the shutdown, for every
    /// program. `Duration::ZERO` runs the hooks at once, while `main` runs
    /// on.
    ///
    /// Without this call, a program that cooperates (called
    /// [`is_shutting_down`](crate::is_shutting_down), [`wait`](crate::wait),
    /// [`sleep`](crate::sleep), `shutdown_fd` or `wait_async` before the
    /// shutdown started, or started it with
    /// [`request_shutdown`](crate::request_shutdown) or
    /// [`request_exit`](crate::request_exit)) gets up to half the deadline,
    /// and one that never looked gets no wait.
    #[must_use]
    pub fn wait_for_main(mut self, wait: Duration) -> Self {
        self.settings.wait_for_main = WaitForMain::Fixed(nonzero(wait));
        self
    }

    /// When the process is PID 1 (a container's init), reap orphaned children
    /// so they do not stay zombies. See the crate docs for the caveat with
    /// `std::process::Child::wait`.
    #[must_use]
    pub fn reap_zombies(mut self, reap: bool) -> Self {
        self.settings.reap_zombies = reap;
        self
    }

    /// What a write to a closed stdout does: [`BrokenPipe::Exit`] ends the
    /// program quietly after its hooks, dying by `SIGPIPE`, as C tools do
    /// under `| head -1`.
    #[must_use]
    pub fn broken_pipe(mut self, mode: BrokenPipe) -> Self {
        self.settings.broken_pipe = mode;
        self
    }

    /// Print progress lines on stderr (the shutdown's start, each hook with
    /// its duration, the total time), as `GRACEFUL_EXIT_LOG=debug` does.
    #[must_use]
    pub fn debug_log(mut self, on: bool) -> Self {
        self.settings.debug_log = on;
        self
    }

    /// Installs the signal handlers and starts the runtime's threads, then
    /// returns. From here on, a signal, [`exit`](crate::exit) or
    /// [`request_shutdown`](crate::request_shutdown) runs the hooks and ends
    /// the process. When `main` returns on its own, nothing runs: end it with
    /// [`exit`](crate::exit), or use [`Config::run`], which does that for
    /// you. Without `run` the runtime does not know which thread is `main`,
    /// so hooks never wait for it.
    ///
    /// # Errors
    ///
    /// [`InstallError`] when the runtime was already installed in this
    /// process, or a signal handler or thread could not be set up. In the
    /// latter cases nothing stays installed: every signal keeps its default
    /// action.
    pub fn install(self) -> Result<(), InstallError> {
        watcher::install(self.settings.resolve())
    }

    /// Installs the runtime, runs `main` on the calling thread, then runs the
    /// hooks and exits with the status `main` would have given (its `Err` is
    /// printed as `Error: …`, like std does; a panic exits with 101).
    /// Never returns.
    ///
    /// If the runtime cannot be installed, the error is printed and `main`
    /// still runs, with every signal's default action; hooks then run when
    /// `main` ends.
    pub fn run<T, F>(self, main: F) -> !
    where
        T: Termination,
        F: FnOnce() -> T,
    {
        match self.install() {
            Ok(()) => {}
            Err(error @ InstallError::AlreadyInstalled) => output::error(format_args!(
                "{error}; this `Config::run` goes on with the runtime already installed and its settings"
            )),
            Err(error) => output::error(format_args!(
                "{error}; continuing without the runtime: every signal keeps its default action, and the hooks run when main ends"
            )),
        }
        shutdown::run_main(main)
    }
}

fn nonzero(duration: Duration) -> Option<Duration> {
    (!duration.is_zero()).then_some(duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder() {
        let config = Config::new()
            .signals(&[Signal::TERM])
            .reload(&[Signal::USR1])
            .exit_code(7)
            .deadline(Duration::ZERO)
            .wait_for_main(Duration::from_secs(3))
            .reap_zombies(true)
            .broken_pipe(BrokenPipe::Exit);
        let settings = config.settings;
        assert_eq!(settings.signals, vec![Signal::TERM]);
        assert_eq!(settings.reload, Some(vec![Signal::USR1]));
        assert_eq!(settings.exit_code, Some(7));
        assert_eq!(settings.deadline, None);
        assert_eq!(
            settings.wait_for_main,
            WaitForMain::Fixed(Some(Duration::from_secs(3)))
        );
        assert!(settings.reap_zombies);
        assert_eq!(settings.broken_pipe, BrokenPipe::Exit);
    }

    #[test]
    fn wait_for_main_zero_means_at_once() {
        let config = Config::new().wait_for_main(Duration::ZERO);
        assert_eq!(config.settings.wait_for_main, WaitForMain::Fixed(None));
    }
}
