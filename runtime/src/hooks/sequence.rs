//! Running a list of hooks in order, each at most once, isolated: a hook
//! that panics or returns `Err` is reported and the next one runs.
//!
//! The thread that calls [`Sequence::run`] runs the hooks one after the
//! other. A hook that outlives its timeout cannot be stopped, so the
//! watchdog abandons it ([`Sequence::abandon_overdue`]): the generation
//! moves on, and a fresh thread continues at the next hook (the sequence's
//! [`Continue`] function). The abandoned thread, when its hook returns at
//! last, sees the newer generation and stops. A shared cursor hands out each
//! hook once, whatever the threads do.
#![forbid(unsafe_code)]

use std::any::Any;
use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::{Entry, Outcome};
use crate::duration::{DurationText, Elapsed};
use crate::{events, output, ShutdownReason};

/// How a sequence goes on after its hook was abandoned: called on a new
/// thread with the sequence and the new generation.
pub(crate) type Continue = fn(Arc<Sequence>, u64);

/// A list of hooks being run.
pub(crate) struct Sequence {
    /// `shutdown` or `reload`, for messages.
    what: &'static str,
    entries: Vec<Entry>,
    reason: ShutdownReason,
    progress: Mutex<Progress>,
    continue_with: Continue,
    /// Whether a panic from writing to a closed stdout is expected
    /// (`broken_pipe = "exit"`) and not worth an error line.
    quiet_broken_pipe: bool,
}

/// Which runner is current, which hook it runs, and which is next.
struct Progress {
    generation: u64,
    next: usize,
    running: Option<Running>,
}

#[derive(Clone, Copy)]
struct Running {
    index: usize,
    /// When its timeout runs out.
    until: Option<Instant>,
    /// `until` is a shutdown's limit ([`Sequence::hurry`]), not the hook's
    /// own timeout.
    hurried: bool,
}

/// How [`Sequence::run`] ended.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Ran {
    /// Every hook has run.
    Finished,
    /// This thread's hook was abandoned; another thread goes on.
    Abandoned,
}

thread_local! {
    /// The sequence and generation whose hook runs on this thread.
    static CURRENT: RefCell<Option<(Arc<Sequence>, u64)>> = const { RefCell::new(None) };
}

impl Sequence {
    pub(crate) fn new(
        what: &'static str,
        entries: Vec<Entry>,
        reason: ShutdownReason,
        continue_with: Continue,
        quiet_broken_pipe: bool,
    ) -> Arc<Sequence> {
        Arc::new(Sequence {
            what,
            entries,
            reason,
            progress: Mutex::new(Progress {
                generation: 0,
                next: 0,
                running: None,
            }),
            continue_with,
            quiet_broken_pipe,
        })
    }

    /// Whether there is any hook to run.
    pub(crate) fn has_hooks(&self) -> bool {
        !self.entries.is_empty()
    }

    fn progress(&self) -> MutexGuard<'_, Progress> {
        self.progress.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs the hooks still to run, on this thread, as runner `generation`
    /// (0 for the first).
    pub(crate) fn run(self: &Arc<Self>, generation: u64) -> Ran {
        loop {
            let (index, until) = {
                let mut progress = self.progress();
                if progress.generation != generation {
                    return Ran::Abandoned;
                }
                // A hook cancelled since the list was taken (a guard
                // dropped by a `main` that returned first) is skipped.
                while self
                    .entries
                    .get(progress.next)
                    .is_some_and(Entry::is_cancelled)
                {
                    progress.next += 1;
                }
                let Some(entry) = self.entries.get(progress.next) else {
                    progress.running = None;
                    return Ran::Finished;
                };
                let index = progress.next;
                progress.next += 1;
                let until = entry
                    .timeout
                    .and_then(|timeout| Instant::now().checked_add(timeout));
                progress.running = Some(Running {
                    index,
                    until,
                    hurried: false,
                });
                (index, until)
            };
            if let Some(until) = until {
                events::arm_watchdog(until);
            }
            let entry = &self.entries[index];
            output::debug(format_args!("hook `{}` started", entry.name));
            let started = Instant::now();
            CURRENT.with(|current| *current.borrow_mut() = Some((Arc::clone(self), generation)));
            let result = panic::catch_unwind(AssertUnwindSafe(|| entry.call(&self.reason)));
            CURRENT.with(|current| current.borrow_mut().take());
            if !self.hook_returned(generation) {
                // Abandoned while it ran; that was reported.
                return Ran::Abandoned;
            }
            self.report(entry, started.elapsed(), result);
        }
    }

    /// Marks the running hook of `generation` done; `false` if that runner
    /// was abandoned meanwhile.
    fn hook_returned(&self, generation: u64) -> bool {
        let mut progress = self.progress();
        if progress.generation != generation {
            return false;
        }
        progress.running = None;
        true
    }

    fn report(
        &self,
        entry: &Entry,
        took: Duration,
        result: Result<Option<Outcome>, Box<dyn Any + Send>>,
    ) {
        let name = &entry.name;
        match result {
            Ok(None) => output::debug(format_args!("hook `{name}` was cancelled; skipped")),
            Ok(Some(Ok(()))) => {
                output::debug(format_args!("hook `{name}` finished in {}", Elapsed(took)));
            }
            Ok(Some(Err(error))) => output::error(format_args!("hook `{name}` failed: {error}")),
            Err(payload) => {
                let message = panic_message(payload.as_ref());
                if self.quiet_broken_pipe && is_broken_pipe_panic(message) {
                    output::debug(format_args!("hook `{name}`: {message}"));
                } else if let Some(ExitFromHook(code)) = payload.downcast_ref::<ExitFromHook>() {
                    report_exit_from_hook(name, *code);
                } else {
                    output::error(format_args!("hook `{name}` panicked: {message}"));
                }
                // A payload's destructor may itself panic: leak it.
                std::mem::forget(payload);
            }
        }
    }

    /// The hook running now, if any, by name.
    pub(crate) fn running_hook(&self) -> Option<&str> {
        let running = self.progress().running?;
        Some(&self.entries[running.index].name)
    }

    /// When the running hook's timeout runs out.
    pub(crate) fn running_until(&self) -> Option<Instant> {
        self.progress().running.and_then(|running| running.until)
    }

    /// Skips the hooks not started yet.
    pub(crate) fn stop(&self) {
        self.progress().next = self.entries.len();
    }

    /// Brings the running hook's end forward to `at` (a shutdown waits for
    /// a reload hook).
    pub(crate) fn hurry(&self, at: Instant) {
        if let Some(running) = self.progress().running.as_mut() {
            if running.until.is_none_or(|until| at < until) {
                running.until = Some(at);
                running.hurried = true;
            }
        }
    }

    /// Whether every hook has been handed out and none is running.
    pub(crate) fn is_done(&self) -> bool {
        let progress = self.progress();
        progress.running.is_none() && progress.next >= self.entries.len()
    }

    /// If the running hook has outlived its timeout: abandons it (reported)
    /// and continues with the next hooks on a new thread. Called by the
    /// watchdog.
    pub(crate) fn abandon_overdue(self: &Arc<Self>, now: Instant) {
        let (name, timeout, hurried, rest, generation) = {
            let mut progress = self.progress();
            let Some(running) = progress.running else {
                return;
            };
            if running.until.is_none_or(|until| now < until) {
                return;
            }
            progress.generation += 1;
            progress.running = None;
            let entry = &self.entries[running.index];
            let rest = progress.next < self.entries.len();
            let hurried = running.hurried;
            (
                entry.name.clone(),
                entry.timeout,
                hurried,
                rest,
                progress.generation,
            )
        };
        let what = self.what;
        match (hurried, rest) {
            (false, true) => output::error_now(format_args!(
                "hook `{name}` did not finish within {}; abandoned it, running the remaining {what} hooks",
                DurationText(timeout)
            )),
            (false, false) => output::error_now(format_args!(
                "hook `{name}` did not finish within {}; abandoned it",
                DurationText(timeout)
            )),
            // Only a reload is hurried, and then its other hooks are skipped.
            (true, _) => output::error_now(format_args!(
                "{what} hook `{name}` was still running when the shutdown could wait no longer; abandoned it"
            )),
        }
        self.continue_elsewhere(generation);
    }

    /// Ends the running hook of this thread as if it had returned (it
    /// called `exit`): returns its sequence, generation and name.
    fn end_current_hook() -> Option<(Arc<Sequence>, u64, String)> {
        let (sequence, generation) = CURRENT.with(|current| current.borrow_mut().take())?;
        let name = sequence.running_hook()?.to_owned();
        sequence
            .hook_returned(generation)
            .then_some((sequence, generation, name))
    }

    fn continue_elsewhere(self: &Arc<Self>, generation: u64) {
        let sequence = Arc::clone(self);
        let continue_with = self.continue_with;
        let spawned = events::spawn(
            "graceful-exit-hooks",
            None,
            Box::new(move || continue_with(sequence, generation)),
        );
        if let Err(error) = spawned {
            output::error_now(format_args!(
                "could not start a thread for the remaining {} hooks: {error}; they will not run",
                self.what
            ));
            // Nobody will run them: let the caller's checks see the end.
            let mut progress = self.progress();
            progress.next = self.entries.len();
        }
    }
}

/// `exit` called inside a running hook: ends that hook (reported) and runs
/// the remaining hooks. Returns if no hook runs on this thread.
///
/// Where panics unwind, the hook's stack is unwound (its locals dropped)
/// and the sequence goes on where the hook was called. Where they abort
/// (`panic = "abort"`), the remaining hooks run from here, on top of the
/// hook's stack, and the calling thread never returns into the hook.
pub(crate) fn exit_from_hook(code: i32, finish: fn() -> !) {
    if CURRENT.with(|current| current.borrow().is_none()) {
        return;
    }
    if cfg!(panic = "unwind") {
        panic::resume_unwind(Box::new(ExitFromHook(code)));
    }
    let Some((sequence, generation, name)) = Sequence::end_current_hook() else {
        crate::exit::park_forever();
    };
    report_exit_from_hook(&name, code);
    match sequence.run(generation) {
        Ran::Finished => finish(),
        Ran::Abandoned => crate::exit::park_forever(),
    }
}

/// The payload that unwinds a hook which called `exit`.
struct ExitFromHook(i32);

fn report_exit_from_hook(name: &str, code: i32) {
    output::error(format_args!(
        "hook `{name}` called exit({code}) during shutdown; that hook ends there and the remaining hooks still run"
    ));
}

/// The text of a panic payload.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(message) = payload.downcast_ref::<&'static str>() {
        message
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message
    } else {
        "(a non-string panic payload)"
    }
}

/// Whether a panic message is std's for a `print!` to a closed pipe
/// (`EPIPE` on Unix, `ERROR_NO_DATA` on Windows).
pub(crate) fn is_broken_pipe_panic(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    lower.starts_with("failed printing to stdout")
        && (lower.contains("broken pipe") || lower.contains("pipe is being closed"))
}
