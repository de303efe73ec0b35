//! The settings the runtime runs with, and every default, in one place.
//!
//! [`Config`](crate::Config) is a builder over [`Settings`]; it resolves them
//! once ([`Settings::resolve`] applies the environment) and hands them to
//! the engine. Nothing downstream reads the builder.
#![forbid(unsafe_code)]

use std::time::Duration;

use crate::duration::{self, DurationText};
use crate::{output, Signal};

/// The default hard deadline for the whole shutdown sequence: under Docker's
/// 10 s and Kubernetes' 30 s grace periods.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(8);

/// Environment variable that overrides the deadline at run time (`"30s"`).
pub const DEADLINE_ENV: &str = "GRACEFUL_EXIT_DEADLINE";

/// What a write to a closed stdout does (`broken_pipe = "…"`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum BrokenPipe {
    /// Rust's own behaviour: `println!` panics with "failed printing to
    /// stdout: Broken pipe" (exit status 101).
    #[default]
    Panic,
    /// The program ends quietly, after its hooks, dying by `SIGPIPE` as a C
    /// tool would (a shell shows 141). For CLIs whose output goes to
    /// `head`, `grep -q` and the like.
    Exit,
}

/// How long the hooks wait for `main` to return when a signal or a request
/// starts the shutdown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum WaitForMain {
    /// Half the deadline for a program that cooperates (asked
    /// `is_shutting_down`, `wait`, `sleep`, `shutdown_fd` or `wait_async`
    /// before the shutdown, or asked for it with `request_shutdown` or
    /// `request_exit`), none for one that never looked.
    #[default]
    Cooperative,
    /// This long for every program; `None` runs the hooks at once.
    Fixed(Option<Duration>),
}

/// Everything the runtime needs to know, resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Settings {
    /// Signals that start a shutdown.
    pub(crate) signals: Vec<Signal>,
    /// Signals that run the reload hooks; `None`: `SIGHUP` once the program
    /// has a reload hook.
    pub(crate) reload: Option<Vec<Signal>>,
    /// A fixed exit code after a signal, instead of dying by it.
    pub(crate) exit_code: Option<u8>,
    /// The hard deadline; `None` for no limit.
    pub(crate) deadline: Option<Duration>,
    pub(crate) wait_for_main: WaitForMain,
    pub(crate) reap_zombies: bool,
    pub(crate) broken_pipe: BrokenPipe,
    pub(crate) debug_log: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            signals: if cfg!(unix) {
                vec![Signal::INT, Signal::TERM, Signal::HUP]
            } else {
                vec![Signal::INT, Signal::TERM]
            },
            reload: None,
            exit_code: None,
            deadline: Some(DEFAULT_DEADLINE),
            wait_for_main: WaitForMain::Cooperative,
            reap_zombies: false,
            broken_pipe: BrokenPipe::Panic,
            debug_log: false,
        }
    }
}

impl Settings {
    /// Applies the environment (`GRACEFUL_EXIT_DEADLINE`): the settings the
    /// runtime will use.
    pub(crate) fn resolve(mut self) -> Settings {
        self.deadline = deadline_from_env(self.deadline);
        self
    }
}

/// `GRACEFUL_EXIT_DEADLINE` when set to a duration, otherwise `configured`.
/// A malformed value is reported; an empty one counts as unset.
fn deadline_from_env(configured: Option<Duration>) -> Option<Duration> {
    let Some(value) = std::env::var_os(DEADLINE_ENV) else {
        return configured;
    };
    if value.is_empty() {
        return configured;
    }
    match value.to_str().and_then(duration::parse) {
        Some(deadline) => deadline,
        None => {
            output::error(format_args!(
                "ignoring {DEADLINE_ENV}={value:?}: {}; using {}",
                duration::HELP,
                DurationText(configured)
            ));
            configured
        }
    }
}
