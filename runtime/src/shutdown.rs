//! The shutdown sequence.
//!
//! Whoever starts the shutdown runs the hooks, at once, on its own thread:
//! the signal watcher for a signal, the main thread when `main` returns, the
//! caller of [`exit`]. Only [`request_shutdown`], which must return, hands
//! the work to a new thread. So a signal reaches the first hook with a single
//! thread wake-up, the same as a hand-written self-pipe program.
//!
//! A watchdog thread, idle (blocked, no wake-ups) until shutdown starts,
//! enforces what the running thread cannot: the deadline, each hook's
//! timeout (it abandons the hung hook and starts a fresh runner at the next
//! one) and the second signal. A shared cursor (`Progress`) guarantees that
//! each hook is taken by exactly one runner, and [`exit::finish`] lets only
//! one thread end the process.
#![forbid(unsafe_code)]

use std::any::Any;
use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::process::Termination;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use crate::config::{effective_deadline, Config, InstallError};
use crate::exit::{self, Ending};
use crate::hooks::{self, Entry};
use crate::output::{self, DurationText};
use crate::{backend, diag, ShutdownReason, Signal};

/// Signals that arrive within this long of the start of shutdown belong to
/// the same burst (a `kill` loop, a terminal repeating the key) and are not
/// treated as a second signal. A person pressing Ctrl-C twice is slower.
const SECOND_SIGNAL_AFTER: Duration = Duration::from_millis(100);

/// How often the watchdog looks at the running hook and for a second signal
/// while shutdown is under way. It sleeps, without waking, until then.
const WATCHDOG_TICK: Duration = Duration::from_millis(20);

/// The settings the runtime was installed with.
struct Settings {
    exit_code: Option<u8>,
    deadline: Option<Duration>,
    wait_for_main: Option<Duration>,
}

impl Settings {
    fn ending_for(&self, signal: Signal) -> Ending {
        match self.exit_code {
            Some(code) => Ending::Code(i32::from(code)),
            None => Ending::Signal(signal),
        }
    }
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();

fn settings() -> &'static Settings {
    SETTINGS.get_or_init(|| Settings {
        exit_code: None,
        deadline: effective_deadline(Config::new().deadline),
        wait_for_main: None,
    })
}

/// A shutdown under way.
struct Shutdown {
    started: Instant,
    ending: Ending,
    deadline: Option<Instant>,
    sequence: Arc<Sequence>,
    /// Until when the hooks wait for `main` to return (`wait_for_main`).
    waiting_for_main: Option<Instant>,
}

struct State {
    shutdown: Option<Shutdown>,
    main_done: bool,
}

static STATE: Mutex<State> = Mutex::new(State {
    shutdown: None,
    main_done: false,
});
/// Signalled when shutdown starts and when `main` finishes.
static STATE_CHANGED: Condvar = Condvar::new();

fn state() -> MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(PoisonError::into_inner)
}

static STARTED: AtomicBool = AtomicBool::new(false);
static STARTED_LOCK: Mutex<()> = Mutex::new(());
static STARTED_CHANGED: Condvar = Condvar::new();

static INSTALLED: AtomicBool = AtomicBool::new(false);
static WATCHDOG: OnceLock<()> = OnceLock::new();

/// Starts the watchdog and the signal watcher.
pub(crate) fn install(config: Config) -> Result<(), InstallError> {
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return Err(InstallError::AlreadyInstalled);
    }
    let settings = Settings {
        exit_code: config.exit_code,
        deadline: effective_deadline(config.deadline),
        wait_for_main: config.wait_for_main,
    };
    if SETTINGS.set(settings).is_err() {
        // Shutdown already started without a runtime (`exit`,
        // `request_shutdown` before `install`) and used the defaults.
        return Err(InstallError::AlreadyInstalled);
    }
    // The backend first: it may need to be the only runtime thread while it
    // sets up (see the ctrlc backend).
    let installed = backend::install(&config.signals, config.reap_zombies, deliver_signal)
        .map_err(InstallError::Signal);
    start_watchdog().map_err(InstallError::Thread)?;
    diag::warn_if_behind_shell();
    installed
}

fn start_watchdog() -> std::io::Result<()> {
    let mut result = Ok(());
    WATCHDOG.get_or_init(|| {
        result = thread::Builder::new()
            .name("graceful-exit".into())
            // It formats reports and may end the process (running exit
            // handlers), nothing deep: a small stack is plenty.
            .stack_size(256 * 1024)
            .spawn(watchdog)
            .map(drop);
    });
    result
}

/// How a shutdown request was placed.
enum Begun {
    /// This call started the shutdown; the caller runs the hooks.
    Started(Arc<Sequence>),
    /// A shutdown was already under way.
    AlreadyRunning,
}

/// Starts the shutdown if none is under way.
fn begin(reason: ShutdownReason, ending: Ending) -> Begun {
    let settings = settings();
    let mut state = state();
    if state.shutdown.is_some() {
        return Begun::AlreadyRunning;
    }
    let started = Instant::now();
    output::debug(format_args!(
        "shutdown started: {reason}; deadline {}",
        DurationText(settings.deadline)
    ));
    let waits_for_main = matches!(
        reason,
        ShutdownReason::Signal(_) | ShutdownReason::Requested
    ) && !state.main_done;
    let sequence = Arc::new(Sequence {
        // Collected now: hooks registered from here on do not run.
        entries: hooks::take_all(),
        reason,
        progress: Mutex::new(Progress {
            generation: 0,
            next: 0,
            running: None,
        }),
    });
    state.shutdown = Some(Shutdown {
        started,
        ending,
        deadline: settings.deadline.and_then(|d| started.checked_add(d)),
        sequence: Arc::clone(&sequence),
        waiting_for_main: settings
            .wait_for_main
            .filter(|_| waits_for_main)
            .and_then(|wait| started.checked_add(wait)),
    });
    drop(state);
    // The first signal (and any burst before now) is this shutdown's own.
    let _ = backend::take_arrived();
    if let Err(error) = start_watchdog() {
        output::error(format_args!(
            "could not start the shutdown watchdog: {error}; hooks run without timeouts or a deadline"
        ));
    }
    STATE_CHANGED.notify_all();
    mark_started();
    Begun::Started(sequence)
}

fn mark_started() {
    // Store under the lock so a waiter cannot miss it between its check and
    // its wait; notify after unlocking so woken waiters do not block on it.
    let guard = STARTED_LOCK.lock().unwrap_or_else(PoisonError::into_inner);
    STARTED.store(true, Ordering::Release);
    drop(guard);
    STARTED_CHANGED.notify_all();
    crate::systemd::notify_stopping();
}

/// `main` is done (returned, or called `exit` while a shutdown waits for it).
fn main_finished() {
    state().main_done = true;
    STATE_CHANGED.notify_all();
}

/// Waits (if `wait_for_main` applies) for `main`, then runs the hooks on the
/// calling thread and ends the process. Returns only if this thread's hook
/// was abandoned and the sequence goes on elsewhere.
fn run_sequence(sequence: &Sequence) {
    let mut state = state();
    while let Some(until) = state.shutdown.as_ref().and_then(|s| s.waiting_for_main) {
        let left = until.saturating_duration_since(Instant::now());
        if state.main_done || left.is_zero() {
            break;
        }
        state = STATE_CHANGED
            .wait_timeout(state, left)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
    }
    if let Some(shutdown) = &mut state.shutdown {
        shutdown.waiting_for_main = None;
    }
    drop(state);
    run_hooks(sequence, 0);
}

/// Called on the signal watcher's thread for each handled signal.
fn deliver_signal(signal: Signal) {
    match begin(
        ShutdownReason::Signal(signal),
        settings().ending_for(signal),
    ) {
        Begun::Started(sequence) => run_sequence(&sequence),
        Begun::AlreadyRunning => check_second_signal(signal),
    }
}

/// A signal arrived during shutdown: exit at once, unless it belongs to the
/// burst that started it.
fn check_second_signal(signal: Signal) {
    let started = state().shutdown.as_ref().map(|s| s.started);
    if started.is_some_and(|at| at.elapsed() >= SECOND_SIGNAL_AFTER) {
        output::error(format_args!(
            "received {signal} again during shutdown; exiting now without waiting for the remaining hooks"
        ));
        exit::finish(settings().ending_for(signal));
    }
    output::debug(format_args!(
        "{signal} within {SECOND_SIGNAL_AFTER:?} of the start of shutdown: same burst, ignored"
    ));
}

/// Blocks the calling thread for good: another thread ends the process.
fn park_forever() -> ! {
    loop {
        thread::park();
    }
}

/// Runs `main`, then the hooks, and ends the process.
pub(crate) fn run_main<T, F>(main: F) -> !
where
    T: Termination,
    F: FnOnce() -> T,
{
    let (reason, code) = match panic::catch_unwind(AssertUnwindSafe(main)) {
        // `report` prints an `Err` as `Error: …`, exactly as std's own
        // `main` would.
        Ok(value) => match exit::code_of(value.report()) {
            0 => (ShutdownReason::Returned, 0),
            code => (ShutdownReason::Error, code),
        },
        Err(payload) => {
            // The panic message was already printed by the panic hook. A
            // payload's destructor may itself panic; we are exiting anyway.
            std::mem::forget(payload);
            (ShutdownReason::Panic, 101)
        }
    };
    main_finished();
    match begin(reason, Ending::Code(code)) {
        Begun::Started(sequence) => run_hooks(&sequence, 0),
        Begun::AlreadyRunning => {}
    }
    park_forever()
}

/// `true` once shutdown has started, for any reason.
///
/// Long-running loops in `main` check it to stop taking new work.
#[must_use]
pub fn is_shutting_down() -> bool {
    STARTED.load(Ordering::Acquire)
}

/// Blocks the calling thread until shutdown starts.
pub fn wait() {
    let mut guard = STARTED_LOCK.lock().unwrap_or_else(PoisonError::into_inner);
    while !is_shutting_down() {
        guard = STARTED_CHANGED
            .wait(guard)
            .unwrap_or_else(PoisonError::into_inner);
    }
}

/// Sleeps for `duration`, waking early when shutdown starts.
///
/// Returns `true` if it slept the full duration, `false` if shutdown started.
#[must_use = "`false` means shutdown has started: stop the loop"]
pub fn sleep(duration: Duration) -> bool {
    let until = Instant::now().checked_add(duration);
    let mut guard = STARTED_LOCK.lock().unwrap_or_else(PoisonError::into_inner);
    loop {
        if is_shutting_down() {
            return false;
        }
        let left = match until {
            Some(until) => until.saturating_duration_since(Instant::now()),
            None => Duration::MAX,
        };
        if left.is_zero() {
            return true;
        }
        guard = STARTED_CHANGED
            .wait_timeout(guard, left)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
    }
}

/// Starts shutdown as if a signal had arrived: the reason is
/// [`ShutdownReason::Requested`], `wait_for_main` applies, and the process
/// exits with 0 (or the configured `exit_code`). Returns at once.
pub fn request_shutdown() {
    let ending = Ending::Code(settings().exit_code.map_or(0, i32::from));
    let Begun::Started(sequence) = begin(ShutdownReason::Requested, ending) else {
        return;
    };
    let runner = Arc::clone(&sequence);
    let spawned = thread::Builder::new()
        .name("graceful-exit-hooks".into())
        .spawn(move || run_sequence(&runner));
    if let Err(error) = spawned {
        output::error(format_args!(
            "could not start a thread for the shutdown hooks: {error}; running them here"
        ));
        run_sequence(&sequence);
        park_forever();
    }
}

thread_local! {
    /// Whether a hook is running on this thread.
    static IN_HOOK: Cell<bool> = const { Cell::new(false) };
}

/// The payload that ends a hook which called [`exit`].
struct ExitFromHook(i32);

/// Runs the shutdown hooks, then exits with `code`. Never returns.
///
/// If shutdown is already under way, the calling thread waits for it to end
/// the process with the status it was already heading for. Called from
/// inside a hook, it ends that hook (reported) and the sequence goes on.
pub fn exit(code: i32) -> ! {
    if IN_HOOK.with(Cell::get) {
        panic::resume_unwind(Box::new(ExitFromHook(code)));
    }
    match begin(ShutdownReason::Exit(code), Ending::Code(code)) {
        Begun::Started(sequence) => run_hooks(&sequence, 0),
        // Most likely `main` ending while a shutdown waits for it.
        Begun::AlreadyRunning => main_finished(),
    }
    park_forever()
}

/// The hooks of one shutdown, shared by the runners and the watchdog.
struct Sequence {
    entries: Vec<Entry>,
    reason: ShutdownReason,
    progress: Mutex<Progress>,
}

/// Which runner is current, which hook it runs, and which hook is next.
struct Progress {
    generation: u64,
    next: usize,
    running: Option<(usize, Instant)>,
}

impl Sequence {
    fn progress(&self) -> MutexGuard<'_, Progress> {
        self.progress.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Takes hooks one by one from the shared cursor and runs them on this
/// thread; ends the process after the last one. Returns if this runner was
/// abandoned (its hook overran its timeout) and a newer one took over.
fn run_hooks(sequence: &Sequence, generation: u64) {
    loop {
        let index = {
            let mut progress = sequence.progress();
            if progress.generation != generation {
                return;
            }
            if progress.next >= sequence.entries.len() {
                progress.running = None;
                drop(progress);
                finish_shutdown();
            }
            let index = progress.next;
            progress.next += 1;
            progress.running = Some((index, Instant::now()));
            index
        };
        let entry = &sequence.entries[index];
        output::debug(format_args!("hook `{}` started", entry.name));
        let started = Instant::now();
        IN_HOOK.with(|in_hook| in_hook.set(true));
        let result = panic::catch_unwind(AssertUnwindSafe(|| entry.call(&sequence.reason)));
        IN_HOOK.with(|in_hook| in_hook.set(false));
        if sequence.progress().generation != generation {
            // Abandoned while it ran; its timeout was already reported.
            return;
        }
        output::debug(format_args!(
            "hook `{}` finished in {:.1?}",
            entry.name,
            started.elapsed()
        ));
        report(entry.name, result);
    }
}

fn report(name: &str, result: Result<Result<(), String>, Box<dyn Any + Send>>) {
    match result {
        Ok(Ok(())) => {}
        Ok(Err(error)) => output::error(format_args!("hook `{name}` failed: {error}")),
        Err(payload) => {
            if let Some(ExitFromHook(code)) = payload.downcast_ref::<ExitFromHook>() {
                output::error(format_args!(
                    "hook `{name}` called exit({code}) during shutdown; that hook ends there and the remaining hooks still run"
                ));
            } else {
                output::error(format_args!(
                    "hook `{name}` panicked: {}",
                    panic_message(payload.as_ref())
                ));
            }
            std::mem::forget(payload);
        }
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(message) = payload.downcast_ref::<&'static str>() {
        message
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message
    } else {
        "(a non-string panic payload)"
    }
}

/// Ends the process the way the shutdown was heading.
fn finish_shutdown() -> ! {
    let (ending, started) = {
        let state = state();
        match &state.shutdown {
            Some(shutdown) => (shutdown.ending, Some(shutdown.started)),
            None => (Ending::Code(0), None),
        }
    };
    if let Some(started) = started {
        output::debug(format_args!(
            "shutdown finished in {:.1?}; {ending}",
            started.elapsed()
        ));
    }
    exit::finish(ending)
}

/// The watchdog thread: idle until shutdown starts, then every tick checks
/// the deadline, the running hook's timeout and for a second signal.
fn watchdog() {
    let mut state = state();
    while state.shutdown.is_none() {
        state = STATE_CHANGED
            .wait(state)
            .unwrap_or_else(PoisonError::into_inner);
    }
    let Some(shutdown) = state.shutdown.as_ref() else {
        return;
    };
    let started = shutdown.started;
    let deadline = shutdown.deadline;
    let sequence = Arc::clone(&shutdown.sequence);
    drop(state);
    loop {
        let now = Instant::now();
        let tick = deadline.map_or(WATCHDOG_TICK, |deadline| {
            WATCHDOG_TICK.min(deadline.saturating_duration_since(now))
        });
        thread::sleep(tick);
        let now = Instant::now();
        if deadline.is_some_and(|deadline| now >= deadline) {
            deadline_passed(&sequence);
        }
        if let Some(signal) = backend::take_arrived() {
            if started.elapsed() >= SECOND_SIGNAL_AFTER {
                check_second_signal(signal);
            }
        }
        check_hook_timeout(&sequence, now);
    }
}

fn deadline_passed(sequence: &Sequence) -> ! {
    let running = sequence.progress().running;
    let waiting = state()
        .shutdown
        .as_ref()
        .is_some_and(|s| s.waiting_for_main.is_some());
    let what = match running {
        Some((index, _)) => format!("while hook `{}` was running", sequence.entries[index].name),
        None if waiting => "while waiting for main to return".to_owned(),
        None => "between hooks".to_owned(),
    };
    output::error(format_args!(
        "shutdown deadline of {} passed {what}; exiting now",
        DurationText(settings().deadline)
    ));
    finish_shutdown()
}

/// Abandons the running hook if it overran its timeout, and goes on with
/// the next hook on a new runner thread.
fn check_hook_timeout(sequence: &Arc<Sequence>, now: Instant) {
    let generation = {
        let mut progress = sequence.progress();
        let Some((index, since)) = progress.running else {
            return;
        };
        let entry = &sequence.entries[index];
        let Some(timeout) = entry.timeout else {
            return;
        };
        if now.saturating_duration_since(since) < timeout {
            return;
        }
        progress.generation += 1;
        progress.running = None;
        output::error(format_args!(
            "hook `{}` did not finish within {}; abandoned it, running the remaining hooks",
            entry.name,
            DurationText(Some(timeout))
        ));
        progress.generation
    };
    let runner = Arc::clone(sequence);
    let spawned = thread::Builder::new()
        .name("graceful-exit-hooks".into())
        .spawn(move || run_hooks(&runner, generation));
    if let Err(error) = spawned {
        output::error(format_args!(
            "could not start a thread for the remaining hooks: {error}; exiting without them"
        ));
        finish_shutdown();
    }
}
