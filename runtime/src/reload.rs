//! Reloads: the `#[on_reload]` hooks (and [`Hook::register_reload`]
//! ones) run in order, isolated and reported like shutdown hooks, on the
//! watcher thread, when a reload signal arrives (`SIGHUP` once the program
//! has a reload hook; `reload = [...]`) or [`request_reload`] is called.
//! The program goes on.
//!
//! A reload asked for while one runs runs once more after it (requests
//! coalesce: a storm of `SIGHUP`s gives a few reloads, never a backlog). A
//! reload asked for during a shutdown is ignored. A shutdown signal during a
//! reload stops it after the running hook, which gets its own timeout, or
//! half the deadline at most; then the shutdown starts.
//!
//! [`Hook::register_reload`]: crate::Hook::register_reload
#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use crate::duration::Elapsed;
use crate::hooks::sequence::{Continue, Ran, Sequence};
use crate::{events, hooks, output, state, systemd, ShutdownReason};

/// Reloads completed so far.
static RELOADS: AtomicU64 = AtomicU64::new(0);
/// The reload running now, and when it started.
static RUNNING: Mutex<Option<(Arc<Sequence>, Instant)>> = Mutex::new(None);
/// A shutdown signal arrived during the running reload.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

fn running() -> std::sync::MutexGuard<'static, Option<(Arc<Sequence>, Instant)>> {
    RUNNING.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Asks for a reload, as a reload signal does: the reload hooks run on the
/// runtime's thread and this returns at once. Ignored during a shutdown.
/// Without an installed runtime (no `#[graceful_main]`, `Config::run` or
/// `Config::install`), the hooks run on the calling thread, before this
/// returns.
pub fn request_reload() {
    if !events::request_reload() {
        let _ran = run(|_, _| {});
    }
}

/// How many reloads have completed since the program started: `main` can
/// compare it with a value it saw before to learn that a reload happened.
#[must_use]
pub fn reloads() -> u64 {
    RELOADS.load(Ordering::Acquire)
}

/// How [`run`] ended.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Reloaded {
    /// No reload is pending (or a shutdown interrupted it).
    Done,
    /// This thread's hook was abandoned; `continue_with` goes on elsewhere.
    Abandoned,
}

/// Runs reloads while one is pending. A hook that outlives its timeout is
/// abandoned; `continue_with` then goes on with the rest of the reload on a
/// new thread (calling [`finish`] when that sequence is done). Returns
/// after a shutdown signal interrupted a reload, too.
pub(crate) fn run(continue_with: Continue) -> Reloaded {
    while events::take_reload() {
        // A shutdown signal not yet acted on (it came as the last reload
        // ended) counts as a shutdown: the watcher starts it next.
        if state::has_started() || events::first_signal().is_some() {
            output::debug(format_args!("reload ignored: shutting down"));
            return Reloaded::Done;
        }
        let entries = hooks::reload_hooks();
        output::debug(format_args!("reload started: {} hooks", entries.len()));
        systemd::notify_reloading();
        // Reload hooks take no reason; this one is never shown to them.
        let sequence = Sequence::new(
            "reload",
            entries,
            ShutdownReason::Requested,
            continue_with,
            false,
        );
        *running() = Some((Arc::clone(&sequence), Instant::now()));
        events::set_busy(true);
        if sequence.run(0) == Ran::Abandoned {
            return Reloaded::Abandoned;
        }
        finish();
        if INTERRUPTED.swap(false, Ordering::AcqRel) {
            break;
        }
    }
    Reloaded::Done
}

/// Ends the running reload: counted, systemd told, signals to the watcher
/// again.
pub(crate) fn finish() {
    let Some((_, started)) = running().take() else {
        return;
    };
    events::set_busy(state::has_started());
    RELOADS.fetch_add(1, Ordering::AcqRel);
    systemd::notify_reloaded();
    output::debug(format_args!(
        "reload finished in {}",
        Elapsed(started.elapsed())
    ));
}

/// For the watchdog: the reload running now.
pub(crate) fn current() -> Option<Arc<Sequence>> {
    running().as_ref().map(|(sequence, _)| Arc::clone(sequence))
}

/// For the watchdog: a shutdown signal arrived during the reload. Its
/// remaining hooks are skipped, and the running one must end by `at`.
pub(crate) fn interrupt(reload: &Sequence, at: Option<Instant>) {
    INTERRUPTED.store(true, Ordering::Release);
    reload.stop();
    if let Some(at) = at {
        reload.hurry(at);
    }
}
