//! The one owner of "the shutdown has started" and of `main`'s progress:
//! one mutex, one condition variable, and an atomic as the lock-free fast
//! path of [`is_shutting_down`]. Also the settings the runtime runs with.
//!
//! The cooperative API lives here because it reads these facts:
//! [`is_shutting_down`], [`wait`] and [`sleep`] (and `shutdown_fd`,
//! `wait_async` in `wake`) mark the program as one that cooperates.
#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use crate::duration::DurationText;
use crate::exit::Ending;
use crate::hooks::sequence::Sequence;
use crate::settings::Settings;
use crate::{output, ShutdownReason, Signal};

static SETTINGS: OnceLock<Settings> = OnceLock::new();

/// Fixes the settings; `false` if they were fixed already (installed
/// before, or a shutdown began with the defaults).
pub(crate) fn set_settings(settings: Settings) -> bool {
    SETTINGS.set(settings).is_ok()
}

/// The settings in force: those installed, or the defaults.
pub(crate) fn settings() -> &'static Settings {
    SETTINGS.get_or_init(|| Settings::default().resolve())
}

/// How the process ends after `signal`: dying by it, or the fixed
/// `exit_code`.
pub(crate) fn ending_for(signal: Signal) -> Ending {
    Ending::after_signal(signal, settings().exit_code)
}

/// A shutdown under way.
pub(crate) struct Shutdown {
    pub(crate) reason: ShutdownReason,
    /// How the process will end; `main` ending may still change it.
    pub(crate) ending: Ending,
    pub(crate) started: Instant,
    pub(crate) deadline: Option<Instant>,
    pub(crate) sequence: Arc<Sequence>,
    /// Until when the hooks wait for `main` to return.
    pub(crate) main_wait: MainWait,
    /// Whether a failure of `main` replaces `ending` (a requested
    /// shutdown's 0).
    pub(crate) main_may_override: bool,
    /// How many shutdown signals had arrived when it began.
    pub(crate) signals_at_start: u32,
}

/// Whether the hooks wait for `main` before they run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MainWait {
    /// They do not (any more).
    No,
    /// Until then; `None`: without limit.
    Until(Option<Instant>),
    /// `main` returned while they waited, and runs them itself: it is free
    /// now, and no other thread needs waking.
    Main,
}

/// Where `main` is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Main {
    /// Not run by `Config::run`: nobody waits for it.
    Untracked,
    Running(ThreadId),
    Done,
}

pub(crate) struct State {
    pub(crate) shutdown: Option<Shutdown>,
    pub(crate) main: Main,
    /// Threads blocked in `wait` or `sleep`.
    waiters: usize,
}

static STATE: Mutex<State> = Mutex::new(State {
    shutdown: None,
    main: Main::Untracked,
    waiters: 0,
});
/// Notified when the shutdown starts and when `main` finishes.
static CHANGED: Condvar = Condvar::new();
/// `true` once the shutdown has started: set with the hook registry
/// closed, before any hook runs.
static STARTED: AtomicBool = AtomicBool::new(false);
/// The runtime was installed (`Config::install`, `run`, `#[graceful_main]`).
static INSTALLED: AtomicBool = AtomicBool::new(false);
/// The program called the cooperative API before the shutdown.
static COOPERATES: AtomicBool = AtomicBool::new(false);

pub(crate) fn lock() -> MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Waits for a change, up to `timeout` (`None`: no limit).
pub(crate) fn wait_for_change(
    state: MutexGuard<'static, State>,
    timeout: Option<Duration>,
) -> MutexGuard<'static, State> {
    match timeout {
        Some(timeout) => {
            CHANGED
                .wait_timeout(state, timeout)
                .unwrap_or_else(PoisonError::into_inner)
                .0
        }
        None => CHANGED.wait(state).unwrap_or_else(PoisonError::into_inner),
    }
}

/// Marks the shutdown started. Called with the hook registry closed.
pub(crate) fn mark_started() {
    STARTED.store(true, Ordering::Release);
}

impl State {
    /// Whether a thread is blocked in `wait` or `sleep`: when nobody is,
    /// the start of the shutdown skips the wake-up system call.
    pub(crate) fn has_waiters(&self) -> bool {
        self.waiters > 0
    }
}

/// Wakes whoever waits for a change. Call it after unlocking.
pub(crate) fn notify() {
    CHANGED.notify_all();
}

/// Marks the runtime installed; `false` if it was already.
pub(crate) fn mark_installed() -> bool {
    !INSTALLED.swap(true, Ordering::AcqRel)
}

/// Whether the runtime was installed.
pub(crate) fn installed() -> bool {
    INSTALLED.load(Ordering::Acquire)
}

/// Whether the shutdown has started, without counting as cooperation.
pub(crate) fn has_started() -> bool {
    STARTED.load(Ordering::Acquire)
}

/// Notes that the program looks at the shutdown (before it started).
pub(crate) fn cooperate() {
    if !COOPERATES.load(Ordering::Relaxed) {
        COOPERATES.store(true, Ordering::Relaxed);
    }
}

/// Whether the program looked at the shutdown before it started.
pub(crate) fn cooperates() -> bool {
    COOPERATES.load(Ordering::Relaxed)
}

/// Waits, if the shutdown says so, for `main` to return (see
/// [`MainWait`]); reports it when the wait runs out first.
///
/// Returns whether the calling thread is to run the hooks: `false` when
/// `main` returned meanwhile and runs them itself.
pub(crate) fn wait_for_main() -> bool {
    let mut state = lock();
    let timed_out = loop {
        let main_running = matches!(state.main, Main::Running(_));
        let Some(shutdown) = state.shutdown.as_mut() else {
            return true;
        };
        let until = match shutdown.main_wait {
            MainWait::No => return true,
            MainWait::Main => return false,
            MainWait::Until(until) => until,
        };
        let left = until.map(|until| until.saturating_duration_since(Instant::now()));
        if !main_running || left.is_some_and(|left| left.is_zero()) {
            shutdown.main_wait = MainWait::No;
            break main_running.then(|| until.map(|until| until - shutdown.started));
        }
        state = wait_for_change(state, left);
    };
    drop(state);
    if let Some(waited) = timed_out {
        output::error(format_args!(
            "main did not return within {} of the shutdown starting; running the shutdown hooks while main still runs",
            DurationText(waited)
        ));
    }
    true
}

/// `main` is done, with status `code`: the hooks stop waiting for it, and a
/// failure replaces a requested shutdown's 0.
///
/// Returns the hooks to run on the calling thread (`main`'s) when a runner
/// was waiting for `main`: `main` takes them over.
pub(crate) fn main_finished(code: i32) -> Option<Arc<Sequence>> {
    let mut state = lock();
    state.main = Main::Done;
    let mut take_over = None;
    if let Some(shutdown) = &mut state.shutdown {
        shutdown.ending = shutdown.ending.with_main(shutdown.main_may_override, code);
        if matches!(shutdown.main_wait, MainWait::Until(_)) {
            shutdown.main_wait = MainWait::Main;
            take_over = Some(Arc::clone(&shutdown.sequence));
        }
    }
    drop(state);
    notify();
    take_over
}

/// Whether the calling thread is `main`'s: the one that called
/// `Config::run`, or (without `run`) the thread Rust named `main`.
pub(crate) fn on_main_thread() -> bool {
    let current = std::thread::current();
    match lock().main {
        Main::Running(id) => id == current.id(),
        Main::Untracked => current.name() == Some("main"),
        Main::Done => false,
    }
}

/// `true` once shutdown has started, for any reason.
///
/// Long-running loops check it to stop taking new work. Calling it marks
/// the program as one that cooperates: a signal then lets `main` return
/// before the hooks run (see [`Config::wait_for_main`](crate::Config::wait_for_main)).
#[must_use]
pub fn is_shutting_down() -> bool {
    let started = has_started();
    if !started {
        cooperate();
    }
    started
}

/// Blocks the calling thread until shutdown starts.
///
/// Marks the program as one that cooperates, as [`is_shutting_down`] does.
pub fn wait() {
    let _slept = wait_until(None);
}

/// Sleeps for `duration`, waking early when shutdown starts.
///
/// Returns `true` if it slept the full duration, `false` if shutdown
/// started. Marks the program as one that cooperates, as
/// [`is_shutting_down`] does.
#[must_use = "`false` means shutdown has started: stop the loop"]
pub fn sleep(duration: Duration) -> bool {
    wait_until(Instant::now().checked_add(duration))
}

/// Blocks until the shutdown starts (`false`) or `until` passes (`true`).
fn wait_until(until: Option<Instant>) -> bool {
    if is_shutting_down() {
        return false;
    }
    let mut state = lock();
    state.waiters += 1;
    let slept = loop {
        if state.shutdown.is_some() {
            break false;
        }
        let left = until.map(|until| until.saturating_duration_since(Instant::now()));
        if left.is_some_and(|left| left.is_zero()) {
            break true;
        }
        state = wait_for_change(state, left);
    };
    state.waiters -= 1;
    slept
}
