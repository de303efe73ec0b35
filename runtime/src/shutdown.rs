//! The shutdown sequence.
//!
//! One coordinator thread owns every decision. Everything that can start or
//! affect a shutdown (the signal watcher, `main` returning, [`exit`],
//! [`request_shutdown`], the hook runner) sends it an [`Event`]; it keeps the
//! state, the per-hook timeouts and the deadline, and calls
//! [`exit::finish`] exactly once.
//!
//! Hooks run on a runner thread, one after another. When a hook overruns its
//! timeout the coordinator abandons that runner and starts a fresh one at the
//! next hook; a shared cursor (`Progress`) guarantees each hook is taken by
//! exactly one runner.
#![forbid(unsafe_code)]

use std::any::Any;
use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::process::Termination;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};
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

pub(crate) enum Event {
    /// A handled signal arrived.
    Signal(Signal),
    /// [`request_shutdown`] or [`exit`].
    Start(ShutdownReason),
    /// `main` finished under [`Config::run`] with this reason and code.
    MainDone(ShutdownReason, i32),
    /// The runner of `generation` took hook `index`.
    HookStarted { generation: u64, index: usize },
    /// The runner of `generation` found no hook left.
    HooksDone { generation: u64 },
}

static EVENTS: OnceLock<Sender<Event>> = OnceLock::new();

static STARTED: AtomicBool = AtomicBool::new(false);
static STARTED_LOCK: Mutex<()> = Mutex::new(());
static STARTED_CHANGED: Condvar = Condvar::new();

/// Starts the coordinator and the signal watcher.
pub(crate) fn install(config: Config) -> Result<(), InstallError> {
    if EVENTS.get().is_some() {
        return Err(InstallError::AlreadyInstalled);
    }
    let settings = Settings {
        exit_code: config.exit_code,
        deadline: effective_deadline(config.deadline),
        wait_for_main: config.wait_for_main,
    };
    let (sender, receiver) = mpsc::channel();
    let coordinator = Coordinator::new(settings, receiver);
    thread::Builder::new()
        .name("graceful-exit".into())
        .spawn(move || coordinator.run())
        .map_err(InstallError::Thread)?;
    // On a lost race the sender is dropped here and the new coordinator,
    // finding its channel closed, ends at once.
    EVENTS
        .set(sender)
        .map_err(|_| InstallError::AlreadyInstalled)?;
    diag::warn_if_behind_shell();
    backend::install(&config.signals, config.reap_zombies, deliver_signal)
        .map_err(InstallError::Signal)
}

fn deliver_signal(signal: Signal) {
    send(Event::Signal(signal));
}

/// Sends to the coordinator, starting a runtime without signal handling if
/// none was installed. `false` when no coordinator can take it.
fn send(event: Event) -> bool {
    if EVENTS.get().is_none() {
        if let Err(InstallError::Thread(error)) = install(Config::new().signals(&[])) {
            output::error(format_args!("could not start the shutdown thread: {error}"));
        }
    }
    EVENTS
        .get()
        .is_some_and(|events| events.send(event).is_ok())
}

/// Gives `event` to the coordinator and waits for it to end the process.
fn hand_over(event: Event, fallback: Ending) -> ! {
    if !send(event) {
        output::error(format_args!(
            "the shutdown thread is gone; exiting without running hooks"
        ));
        exit::finish(fallback);
    }
    loop {
        thread::park();
    }
}

/// Runs `main`, then hands its outcome to the coordinator.
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
    hand_over(Event::MainDone(reason, code), Ending::Code(code))
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
    if !send(Event::Start(ShutdownReason::Requested)) {
        output::error(format_args!(
            "request_shutdown: the shutdown thread is gone; nothing will run"
        ));
    }
}

thread_local! {
    /// The name of the hook running on this thread, if any.
    static CURRENT_HOOK: Cell<Option<&'static str>> = const { Cell::new(None) };
}

/// The payload that ends a hook which called [`exit`].
struct ExitFromHook(i32);

/// Runs the shutdown hooks, then exits with `code`. Never returns.
///
/// If shutdown is already under way, the calling thread waits for it to end
/// the process with the status it was already heading for. Called from
/// inside a hook, it ends that hook (reported) and the sequence goes on.
pub fn exit(code: i32) -> ! {
    if CURRENT_HOOK.with(Cell::get).is_some() {
        panic::resume_unwind(Box::new(ExitFromHook(code)));
    }
    hand_over(Event::Start(ShutdownReason::Exit(code)), Ending::Code(code))
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

/// The hooks of one shutdown, shared with the runner threads.
struct Sequence {
    entries: Vec<Entry>,
    reason: ShutdownReason,
    progress: Mutex<Progress>,
}

/// Which runner is current, and which hook is next to take.
struct Progress {
    generation: u64,
    next: usize,
}

impl Sequence {
    fn progress(&self) -> std::sync::MutexGuard<'_, Progress> {
        self.progress.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn is_current(&self, generation: u64) -> bool {
        self.progress().generation == generation
    }
}

struct Running {
    index: usize,
    since: Instant,
}

enum Phase {
    Idle,
    WaitingForMain { until: Instant },
    Hooks { running: Option<Running> },
}

struct Shutdown {
    ending: Ending,
    started: Instant,
    deadline: Option<Instant>,
    sequence: Option<Arc<Sequence>>,
}

struct Coordinator {
    settings: Settings,
    events: Receiver<Event>,
    phase: Phase,
    main_done: bool,
    shutdown: Option<Shutdown>,
}

impl Coordinator {
    fn new(settings: Settings, events: Receiver<Event>) -> Self {
        Coordinator {
            settings,
            events,
            phase: Phase::Idle,
            main_done: false,
            shutdown: None,
        }
    }

    fn run(mut self) {
        loop {
            let event = match self.next_wake() {
                None => match self.events.recv() {
                    Ok(event) => event,
                    Err(_) => return,
                },
                Some(at) => {
                    match self
                        .events
                        .recv_timeout(at.saturating_duration_since(Instant::now()))
                    {
                        Ok(event) => event,
                        Err(RecvTimeoutError::Timeout) => {
                            self.on_timeout();
                            continue;
                        }
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
            };
            self.on_event(event);
        }
    }

    /// The next moment something must happen without an event.
    fn next_wake(&self) -> Option<Instant> {
        let deadline = self.shutdown.as_ref().and_then(|s| s.deadline);
        let phase_wake = match &self.phase {
            Phase::Idle => None,
            Phase::WaitingForMain { until } => Some(*until),
            Phase::Hooks { running } => running.as_ref().and_then(|running| {
                let entry = &self.sequence()?.entries[running.index];
                running.since.checked_add(entry.timeout?)
            }),
        };
        match (deadline, phase_wake) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn sequence(&self) -> Option<&Arc<Sequence>> {
        self.shutdown.as_ref()?.sequence.as_ref()
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::Signal(signal) => match &self.shutdown {
                None => self.begin(
                    ShutdownReason::Signal(signal),
                    self.settings.ending_for(signal),
                ),
                Some(shutdown) => {
                    if shutdown.started.elapsed() >= SECOND_SIGNAL_AFTER {
                        self.second_signal(signal);
                    }
                    output::debug(format_args!(
                        "{signal} within {SECOND_SIGNAL_AFTER:?} of the start of shutdown: same burst, ignored"
                    ));
                }
            },
            Event::Start(reason) => {
                if self.shutdown.is_none() {
                    let ending = match reason {
                        ShutdownReason::Exit(code) => Ending::Code(code),
                        _ => Ending::Code(self.settings.exit_code.map_or(0, i32::from)),
                    };
                    self.begin(reason, ending);
                } else if let ShutdownReason::Exit(_) = reason {
                    // `main` called `exit` while we waited for it: it is done.
                    self.main_finished();
                }
            }
            Event::MainDone(reason, code) => {
                if self.shutdown.is_none() {
                    self.main_done = true;
                    self.begin(reason, Ending::Code(code));
                } else {
                    self.main_finished();
                }
            }
            Event::HookStarted { generation, index } => {
                if self.sequence().is_some_and(|s| s.is_current(generation)) {
                    self.phase = Phase::Hooks {
                        running: Some(Running {
                            index,
                            since: Instant::now(),
                        }),
                    };
                }
            }
            Event::HooksDone { generation } => {
                if self.sequence().is_some_and(|s| s.is_current(generation)) {
                    self.end();
                }
            }
        }
    }

    fn main_finished(&mut self) {
        self.main_done = true;
        if let Phase::WaitingForMain { .. } = self.phase {
            self.start_hooks();
        }
    }

    fn begin(&mut self, reason: ShutdownReason, ending: Ending) {
        let started = Instant::now();
        output::debug(format_args!(
            "shutdown started: {reason}; deadline {}",
            DurationText(self.settings.deadline)
        ));
        self.shutdown = Some(Shutdown {
            ending,
            started,
            deadline: self.settings.deadline.and_then(|d| started.checked_add(d)),
            sequence: None,
        });
        mark_started();
        let waits_for_main = matches!(
            reason,
            ShutdownReason::Signal(_) | ShutdownReason::Requested
        );
        match self.settings.wait_for_main {
            Some(wait) if waits_for_main && !self.main_done => {
                self.phase = Phase::WaitingForMain {
                    until: started.checked_add(wait).unwrap_or(started),
                };
                self.start_sequence(reason, false);
            }
            _ => self.start_sequence(reason, true),
        }
    }

    /// Collects the hooks now (so hooks registered later do not run) and,
    /// when `run` is set, starts running them.
    fn start_sequence(&mut self, reason: ShutdownReason, run: bool) {
        let sequence = Arc::new(Sequence {
            entries: hooks::take_all(),
            reason,
            progress: Mutex::new(Progress {
                generation: 0,
                next: 0,
            }),
        });
        if let Some(shutdown) = &mut self.shutdown {
            shutdown.sequence = Some(sequence);
        }
        if run {
            self.start_hooks();
        }
    }

    fn start_hooks(&mut self) {
        self.phase = Phase::Hooks { running: None };
        if let Some(sequence) = self.sequence().cloned() {
            self.spawn_runner(sequence, 0);
        }
    }

    fn spawn_runner(&mut self, sequence: Arc<Sequence>, generation: u64) {
        let Some(events) = EVENTS.get().cloned() else {
            self.end();
        };
        let spawned = thread::Builder::new()
            .name("graceful-exit-hooks".into())
            .spawn(move || run_hooks(&sequence, generation, &events));
        if let Err(error) = spawned {
            output::error(format_args!(
                "could not start a thread for the shutdown hooks: {error}; exiting without them"
            ));
            self.end();
        }
    }

    fn on_timeout(&mut self) {
        let now = Instant::now();
        let Some(shutdown) = &self.shutdown else {
            return;
        };
        if shutdown.deadline.is_some_and(|deadline| now >= deadline) {
            let what = match &self.phase {
                Phase::Hooks {
                    running: Some(running),
                } => {
                    let name = self
                        .sequence()
                        .map_or("?", |s| s.entries[running.index].name);
                    format!("while hook `{name}` was running")
                }
                Phase::WaitingForMain { .. } => "while waiting for main to return".to_owned(),
                _ => "between hooks".to_owned(),
            };
            output::error(format_args!(
                "shutdown deadline of {} passed {what}; exiting now",
                DurationText(self.settings.deadline)
            ));
            self.end();
        }
        match &self.phase {
            Phase::WaitingForMain { until } if now >= *until => self.start_hooks(),
            Phase::Hooks {
                running: Some(running),
            } => {
                let index = running.index;
                if let Some(sequence) = self.sequence().cloned() {
                    let entry = &sequence.entries[index];
                    if entry.timeout.is_some_and(|t| now >= running.since + t) {
                        self.abandon(&sequence, index);
                    }
                }
            }
            _ => {}
        }
    }

    /// Hook `index` overran its timeout: leave its thread behind and go on
    /// with the next hook on a new runner.
    fn abandon(&mut self, sequence: &Arc<Sequence>, index: usize) {
        let generation = {
            let mut progress = sequence.progress();
            if progress.next != index + 1 {
                // It finished just now and the runner moved on; the
                // `HookStarted` for the next hook is on its way.
                return;
            }
            progress.generation += 1;
            progress.generation
        };
        let entry = &sequence.entries[index];
        output::error(format_args!(
            "hook `{}` did not finish within {}; abandoned it, running the remaining hooks",
            entry.name,
            DurationText(entry.timeout)
        ));
        self.phase = Phase::Hooks { running: None };
        self.spawn_runner(Arc::clone(sequence), generation);
    }

    fn second_signal(&mut self, signal: Signal) -> ! {
        output::error(format_args!(
            "received {signal} again during shutdown; exiting now without waiting for the remaining hooks"
        ));
        exit::finish(self.settings.ending_for(signal))
    }

    fn end(&mut self) -> ! {
        let ending = self.shutdown.as_ref().map_or(Ending::Code(0), |s| s.ending);
        if let Some(shutdown) = &self.shutdown {
            output::debug(format_args!(
                "shutdown finished in {:.1?}; {ending}",
                shutdown.started.elapsed()
            ));
        }
        exit::finish(ending)
    }
}

/// The runner thread: takes hooks one by one from the shared cursor.
fn run_hooks(sequence: &Sequence, generation: u64, events: &Sender<Event>) {
    loop {
        let index = {
            let mut progress = sequence.progress();
            if progress.generation != generation {
                return;
            }
            if progress.next >= sequence.entries.len() {
                drop(progress);
                let _ = events.send(Event::HooksDone { generation });
                return;
            }
            progress.next += 1;
            progress.next - 1
        };
        let _ = events.send(Event::HookStarted { generation, index });
        let entry = &sequence.entries[index];
        CURRENT_HOOK.with(|current| current.set(Some(entry.name)));
        output::debug(format_args!("hook `{}` started", entry.name));
        let started = Instant::now();
        let result = panic::catch_unwind(AssertUnwindSafe(|| entry.call(&sequence.reason)));
        CURRENT_HOOK.with(|current| current.set(None));
        output::debug(format_args!(
            "hook `{}` finished in {:.1?}",
            entry.name,
            started.elapsed()
        ));
        if !sequence.is_current(generation) {
            // Abandoned while it ran; its timeout was already reported.
            return;
        }
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
