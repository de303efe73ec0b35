//! The shutdown: how it begins, which thread runs its hooks, and how it
//! ends.
//!
//! [`begin`] happens once, on the thread that asks: it closes the hook
//! registry, marks the shutdown started, wakes whoever waits for it, and
//! arms the watchdog with the deadline. Then the hooks run:
//!
//! - after a signal, on the watcher thread the signal woke (one wake-up from
//!   the signal to the first hook);
//! - when `main` returns (or calls [`exit`]), on the main thread; also when
//!   a signal's hooks were waiting for a cooperating `main`: it runs them
//!   itself as it returns;
//! - after [`request_shutdown`], [`request_exit`] or [`exit`] from another
//!   thread, on the watcher thread (a new thread if the runtime is not
//!   installed), never on the caller's, so a hook may join the caller.
//!
//! Before the hooks, a cooperating `main` may get time to return
//! ([`MainWait`]). The last hook hands over to [`exit::finish`].
#![forbid(unsafe_code)]

use std::panic::{self, AssertUnwindSafe};
use std::process::Termination;
use std::sync::Arc;
use std::time::Instant;

use crate::duration::{DurationText, Elapsed};
use crate::exit::{self, Ending};
use crate::hooks::sequence::{self, Ran, Sequence};
use crate::settings::{BrokenPipe, Settings, WaitForMain};
use crate::state::{self, Main, MainWait, Shutdown, State};
use crate::{events, hooks, output, systemd, wake, watchdog, ShutdownReason, Signal};

/// How a shutdown was asked for.
#[derive(Clone, Copy)]
enum Trigger {
    /// A signal: the hooks may wait for `main`.
    Signal,
    /// `request_shutdown` / `request_exit`: the hooks may wait for `main`.
    Request { main_may_override: bool },
    /// `main` itself ended: returned, failed, panicked or called `exit`.
    Main,
    /// `exit` from another thread: the hooks start at once.
    Exit { main_may_override: bool },
}

/// How a request to begin went.
enum Begun {
    /// This call began the shutdown; its hooks are to be run.
    Started(Arc<Sequence>),
    /// A shutdown was already under way.
    AlreadyRunning,
}

/// Begins the shutdown unless one is under way.
fn begin(reason: ShutdownReason, ending: Ending, trigger: Trigger) -> Begun {
    let settings = state::settings();
    let mut state = state::lock();
    if state.shutdown.is_some() {
        return Begun::AlreadyRunning;
    }
    let started = Instant::now();
    let entries = hooks::close(|| {
        state::mark_started();
        events::set_busy(true);
    });
    let quiet_broken_pipe = settings.broken_pipe == BrokenPipe::Exit;
    let sequence = Sequence::new(
        "shutdown",
        entries,
        reason,
        continue_shutdown,
        quiet_broken_pipe,
    );
    let deadline = settings.deadline.and_then(|d| started.checked_add(d));
    let main_may_override = match trigger {
        Trigger::Request { main_may_override } | Trigger::Exit { main_may_override } => {
            main_may_override
        }
        Trigger::Signal | Trigger::Main => false,
    };
    state.shutdown = Some(Shutdown {
        reason,
        ending,
        started,
        deadline,
        sequence: Arc::clone(&sequence),
        main_wait: main_wait(settings, &state, trigger, started),
        main_may_override,
        signals_at_start: events::signals_so_far().0,
    });
    let notify = state.has_waiters();
    let unguarded = !state::installed() && sequence.has_hooks();
    drop(state);
    output::debug(format_args!(
        "shutdown started: {reason}; deadline {}",
        DurationText(settings.deadline)
    ));
    if unguarded {
        output::warn(format_args!(
            "the shutdown hooks run now ({reason}), but no signal would have run them: the runtime is not installed. Put #[graceful_main] on main, or call graceful_exit::Config::new().run(..) or .install()"
        ));
    }
    // systemd and the watchdog first: once `main` is woken it may run the
    // hooks and end the process by itself.
    systemd::notify_stopping();
    watchdog::guard(deadline);
    wake::announce();
    if notify {
        state::notify();
    }
    Begun::Started(sequence)
}

/// Whether, and until when, the hooks wait for `main` (see
/// [`WaitForMain`]).
fn main_wait(settings: &Settings, state: &State, trigger: Trigger, now: Instant) -> MainWait {
    let asked = matches!(trigger, Trigger::Signal | Trigger::Request { .. });
    if !asked || !matches!(state.main, Main::Running(_)) {
        return MainWait::No;
    }
    let limit = match settings.wait_for_main {
        WaitForMain::Fixed(None) => return MainWait::No,
        WaitForMain::Fixed(Some(limit)) => Some(limit),
        WaitForMain::Cooperative if state::cooperates() => settings.deadline.map(|d| d / 2),
        WaitForMain::Cooperative => return MainWait::No,
    };
    MainWait::Until(limit.and_then(|limit| now.checked_add(limit)))
}

/// Waits for `main` if the shutdown says so, then runs the hooks on this
/// thread and ends the process. Returns only if this thread's hook was
/// abandoned and the sequence goes on elsewhere.
pub(crate) fn run_shutdown(sequence: &Arc<Sequence>) {
    if state::wait_for_main() {
        run_hooks(sequence);
    }
}

/// Runs the hooks on this thread and ends the process. Returns only if this
/// thread's hook was abandoned and the sequence goes on elsewhere.
fn run_hooks(sequence: &Arc<Sequence>) {
    if sequence.run(0) == Ran::Finished {
        finish_shutdown();
    }
}

/// The sequence goes on at its next hook after one was abandoned.
fn continue_shutdown(sequence: Arc<Sequence>, generation: u64) {
    if sequence.run(generation) == Ran::Finished {
        finish_shutdown();
    }
}

/// Ends the process the way the shutdown was heading.
fn finish_shutdown() -> ! {
    let (ending, started) = {
        let state = state::lock();
        match &state.shutdown {
            Some(shutdown) => (shutdown.ending, Some(shutdown.started)),
            None => (Ending::Code(0), None),
        }
    };
    if let Some(started) = started {
        output::debug(format_args!(
            "shutdown finished in {}; {ending}",
            Elapsed(started.elapsed())
        ));
    }
    exit::finish(ending)
}

/// Has the hooks of a shutdown begun off the main thread run elsewhere: on
/// this thread if it is one of the runtime's, else on the watcher, else on
/// a new thread.
fn hand_off(sequence: Arc<Sequence>) {
    if events::on_runtime_thread() {
        run_shutdown(&sequence);
        return;
    }
    if events::request_run() {
        return;
    }
    let runner = Arc::clone(&sequence);
    let spawned = events::spawn(
        "graceful-exit-hooks",
        None,
        Box::new(move || run_shutdown(&runner)),
    );
    if let Err(error) = spawned {
        output::error(format_args!(
            "could not start a thread for the shutdown hooks: {error}; running them here"
        ));
        run_shutdown(&sequence);
    }
}

/// On the watcher: a shutdown begun elsewhere asks for its hooks to run.
pub(crate) fn run_requested() {
    let sequence = state::lock()
        .shutdown
        .as_ref()
        .map(|shutdown| Arc::clone(&shutdown.sequence));
    if let Some(sequence) = sequence {
        run_shutdown(&sequence);
    }
}

/// On the watcher: a shutdown signal arrived.
pub(crate) fn deliver_signal(signal: Signal) {
    match begin(
        ShutdownReason::Signal(signal),
        state::ending_for(signal),
        Trigger::Signal,
    ) {
        Begun::Started(sequence) => run_shutdown(&sequence),
        // Let the watchdog judge whether it is a second signal.
        Begun::AlreadyRunning => events::ring_watchdog(),
    }
}

/// A write to a closed stdout (`broken_pipe = "exit"`): stop as if
/// `SIGPIPE` had come. Called from the panic hook of the writing thread.
pub(crate) fn broken_pipe() {
    let pipe = Signal::PIPE;
    if let Begun::Started(sequence) = begin(
        ShutdownReason::Signal(pipe),
        Ending::Signal(pipe),
        Trigger::Signal,
    ) {
        hand_off(sequence);
    }
}

/// Runs `main`, then the hooks, and ends the process.
pub(crate) fn run_main<T, F>(main: F) -> !
where
    T: Termination,
    F: FnOnce() -> T,
{
    {
        let mut state = state::lock();
        if state.main == Main::Untracked {
            state.main = Main::Running(std::thread::current().id());
        }
    }
    // `report` prints an `Err` as `Error: …`, exactly as std's own `main`
    // would; it runs inside `catch_unwind` in case a `Debug` impl panics.
    let ended = panic::catch_unwind(AssertUnwindSafe(|| exit::code_of(main().report())));
    let (reason, code) = match ended {
        Ok(0) => (ShutdownReason::Returned, 0),
        Ok(code) => (ShutdownReason::Error, code),
        Err(payload) => {
            // The panic message was already printed by the panic hook. A
            // payload's destructor may itself panic; we are exiting anyway.
            std::mem::forget(payload);
            (ShutdownReason::Panic, 101)
        }
    };
    main_ended(reason, code);
    exit::park_forever()
}

/// `main` has ended (returned, failed, panicked, called `exit`): the hooks
/// run on its thread, whether it begins the shutdown now or one was
/// waiting for it.
fn main_ended(reason: ShutdownReason, code: i32) {
    if let Some(sequence) = state::main_finished(code) {
        run_hooks(&sequence);
    } else if let Begun::Started(sequence) = begin(reason, Ending::Code(code), Trigger::Main) {
        run_hooks(&sequence);
    }
}

/// Starts shutdown as if a signal had arrived: the reason is
/// [`ShutdownReason::Requested`], and the process exits with 0 (or the
/// configured `exit_code`), unless `main` fails, whose status then wins.
/// Returns at once.
///
/// The hooks run on the runtime's thread, after `main` has returned (up to
/// half the deadline; see
/// [`Config::wait_for_main`](crate::Config::wait_for_main)): calling this
/// counts as cooperating. The pattern
/// for a worker that decides the program must stop: call this (or
/// [`request_exit`]) and return; `main` notices
/// ([`is_shutting_down`](crate::is_shutting_down)), joins its workers and
/// returns; then the hooks run.
pub fn request_shutdown() {
    // Whoever asks expects `main` to finish: asking counts as cooperating.
    state::cooperate();
    let code = state::settings().exit_code.map_or(0, i32::from);
    let trigger = Trigger::Request {
        main_may_override: true,
    };
    if let Begun::Started(sequence) = begin(ShutdownReason::Requested, Ending::Code(code), trigger)
    {
        hand_off(sequence);
    }
}

/// Like [`request_shutdown`], but the process ends with `code`: a non-zero
/// `code` wins over `main`'s status; with 0, a failure of `main` wins. The
/// reason is [`ShutdownReason::Exit`]. Returns at once.
pub fn request_exit(code: i32) {
    state::cooperate();
    let trigger = Trigger::Request {
        main_may_override: code == 0,
    };
    if let Begun::Started(sequence) = begin(ShutdownReason::Exit(code), Ending::Code(code), trigger)
    {
        hand_off(sequence);
    }
}

/// Runs the shutdown hooks, then exits with `code`. Never returns.
///
/// Called on the main thread, the hooks run there. Called on another
/// thread, they run on the runtime's thread, never the caller's (so a hook
/// may join the caller), and the caller blocks until the process ends;
/// `main` is not waited for: prefer [`request_exit`] and returning, so
/// `main` can finish its work first.
///
/// If shutdown is already under way, the calling thread waits for it to end
/// the process with the status it was heading for (`exit` from `main`
/// counts as `main` ending with `code`). Called from inside a hook, it ends
/// that hook (reported) and the remaining hooks still run.
pub fn exit(code: i32) -> ! {
    sequence::exit_from_hook(code, finish_shutdown);
    if state::on_main_thread() {
        main_ended(ShutdownReason::Exit(code), code);
    } else if let Begun::Started(sequence) = begin(
        ShutdownReason::Exit(code),
        Ending::Code(code),
        Trigger::Exit {
            main_may_override: code == 0,
        },
    ) {
        hand_off(sequence);
    }
    exit::park_forever()
}
