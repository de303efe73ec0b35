//! Unit tests for a program's shutdown hooks, in-process: [`run_hooks`] runs
//! them as a shutdown would, without starting one or exiting.
//!
//! ```no_run
//! # use graceful_exit_runtime as graceful_exit;
//! use graceful_exit::{testing, ShutdownReason, Signal};
//!
//! #[test]
//! fn hooks_run_in_order_and_none_fails() {
//!     let report = testing::run_hooks(&ShutdownReason::Signal(Signal::TERM));
//!     assert_eq!(report.ran(), ["flush_logs", "close_db"]);
//!     assert!(report.failures().is_empty(), "{report}");
//! }
//! ```
//!
//! The hook list is the program's, shared by every test of the binary:
//! `#[on_shutdown]` functions run at each call; hooks registered at run time
//! (`Hook::register`, `on_shutdown_fn`, `guard`) run once, at the first call
//! after their registration, and are gone afterwards, as at a real shutdown.
//! Tests that register hooks should not run in parallel with tests that call
//! `run_hooks` (`cargo test -- --test-threads=1`, or one `#[test]` for both).
//!
//! With the feature `harness`, `testing::Program` starts the program's own binary
//! and tests it under real signals.
#![forbid(unsafe_code)]

#[cfg(feature = "harness")]
mod ended;
#[cfg(feature = "harness")]
mod harness;
#[cfg(feature = "harness")]
pub use self::ended::Ended;
#[cfg(feature = "harness")]
pub use self::harness::{Program, Running, DEFAULT_TIMEOUT};

use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::duration::DurationText;
use crate::hooks::sequence::panic_message;
use crate::hooks::{self, Entry, Outcome};
use crate::ShutdownReason;

/// How one hook ended under [`run_hooks`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HookOutcome {
    /// It returned `()` or `Ok(())`.
    Ok,
    /// It returned `Err`; the error's `Display` text.
    Failed(String),
    /// It panicked; the panic message.
    Panicked(String),
    /// It outlived its timeout and was abandoned (its thread left running).
    TimedOut(Duration),
}

/// One hook run by [`run_hooks`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct HookRun {
    /// The hook's name, as in reports.
    pub name: String,
    /// How it ended.
    pub outcome: HookOutcome,
    /// How long it ran (up to its timeout).
    pub duration: Duration,
}

/// What [`run_hooks`] did; `Display` prints it as a table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    runs: Vec<HookRun>,
}

impl Report {
    /// The names of the hooks that ran, in the order they ran.
    #[must_use]
    pub fn ran(&self) -> Vec<String> {
        self.runs.iter().map(|run| run.name.clone()).collect()
    }

    /// The names of the hooks that returned `Err`, panicked or timed out.
    #[must_use]
    pub fn failures(&self) -> Vec<String> {
        self.runs
            .iter()
            .filter(|run| run.outcome != HookOutcome::Ok)
            .map(|run| run.name.clone())
            .collect()
    }

    /// Every hook that ran, with how it ended and how long it took.
    #[must_use]
    pub fn runs(&self) -> &[HookRun] {
        &self.runs
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self
            .runs
            .iter()
            .map(|run| run.name.len())
            .chain([4])
            .max()
            .unwrap_or(4);
        writeln!(f, "{:<width$}  {:>10}  outcome", "hook", "time")?;
        for run in &self.runs {
            let outcome = match &run.outcome {
                HookOutcome::Ok => "ok".to_owned(),
                HookOutcome::Failed(error) => format!("failed: {error}"),
                HookOutcome::Panicked(message) => format!("panicked: {message}"),
                HookOutcome::TimedOut(limit) => {
                    format!("timed out after {}", DurationText(Some(*limit)))
                }
            };
            let time = format!("{:.1?}", run.duration);
            writeln!(f, "{:<width$}  {time:>10}  {outcome}", run.name)?;
        }
        Ok(())
    }
}

/// Runs every registered shutdown hook once, in order, isolated (a panic or
/// `Err` is recorded and the next hook runs), with their timeouts, without
/// starting a shutdown or exiting: [`is_shutting_down`](crate::is_shutting_down)
/// stays `false`. For unit tests of a program's hooks; needs no feature and
/// no installed runtime.
///
/// Hooks without a timeout run on the calling thread. A hook with a timeout
/// runs on a helper thread that the call waits for up to that timeout; one
/// that outlives it is recorded as [`HookOutcome::TimedOut`] and left
/// running. See [the module docs](self) for what is shared between tests.
#[must_use]
pub fn run_hooks(reason: &ShutdownReason) -> Report {
    let runs = hooks::take_shutdown_hooks()
        .into_iter()
        .filter_map(|entry| run_one(entry, *reason))
        .collect();
    Report { runs }
}

fn run_one(entry: Entry, reason: ShutdownReason) -> Option<HookRun> {
    let name = entry.name.to_string();
    let started = Instant::now();
    let outcome = match entry.timeout {
        None => outcome_of(call(&entry, reason))?,
        Some(limit) => {
            let (sender, receiver) = mpsc::channel();
            let spawned = std::thread::Builder::new()
                .name(format!("graceful-exit-test-hook {name}"))
                .spawn(move || {
                    let _ = sender.send(call(&entry, reason));
                });
            match spawned {
                Ok(_) => match receiver.recv_timeout(limit) {
                    Ok(called) => outcome_of(called)?,
                    Err(_) => HookOutcome::TimedOut(limit),
                },
                Err(error) => HookOutcome::Failed(format!("could not start its thread: {error}")),
            }
        }
    };
    Some(HookRun {
        name,
        outcome,
        duration: started.elapsed(),
    })
}

/// Calls the hook; `Err` holds a panic's message, `Ok(None)` a cancelled
/// hook.
fn call(entry: &Entry, reason: ShutdownReason) -> Result<Option<Outcome>, String> {
    panic::catch_unwind(AssertUnwindSafe(|| entry.call(&reason))).map_err(|payload| {
        let message = panic_message(payload.as_ref()).to_owned();
        std::mem::forget(payload);
        message
    })
}

fn outcome_of(called: Result<Option<Outcome>, String>) -> Option<HookOutcome> {
    Some(match called {
        Ok(None) => return None,
        Ok(Some(Ok(()))) => HookOutcome::Ok,
        Ok(Some(Err(error))) => HookOutcome::Failed(error),
        Err(message) => HookOutcome::Panicked(message),
    })
}
