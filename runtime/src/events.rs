//! What happened, recorded without locks: the signal handler (or the
//! `ctrlc` thread) and the request functions record here and ring a
//! doorbell; the runtime's two threads read.
//!
//! - The **watcher** thread sleeps on [`WATCHER`] until something is to be
//!   done: a signal starts a shutdown or a reload, a requested shutdown
//!   needs a thread to run its hooks, a child exited (`reap_zombies`).
//! - The **watchdog** thread sleeps on [`WATCHDOG`] (and its alarm) while a
//!   shutdown or reload runs, to see a second signal at once.
//!
//! [`signal_arrived`] runs inside a signal handler: it only reads and writes
//! atomics and rings a doorbell (one `write(2)`).
#![forbid(unsafe_code)]

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, OnceLock};

use crate::platform::{self, Doorbell};
use crate::Signal;

/// What a handled signal does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Role {
    /// Not ours.
    Ignore = 0,
    /// Starts a shutdown.
    Shutdown = 1,
    /// Runs the reload hooks.
    Reload = 2,
    /// `SIGHUP` by default: reloads once the program has a reload hook,
    /// starts a shutdown until then.
    ReloadIfHooks = 3,
    /// A child exited: reap (`reap_zombies`).
    Child = 4,
}

thread_local! {
    /// Set on the runtime's own threads (watcher, watchdog, hook runners).
    static RUNTIME_THREAD: Cell<bool> = const { Cell::new(false) };
}

/// Starts one of the runtime's threads (marked as such) running `f`.
/// One function for every thread the runtime starts, so the thread-start
/// code is in the binary once. `stack`: its size, or std's default.
pub(crate) fn spawn(
    name: &'static str,
    stack: Option<usize>,
    f: Box<dyn FnOnce() + Send>,
) -> std::io::Result<()> {
    let mut builder = std::thread::Builder::new().name(name.to_owned());
    if let Some(stack) = stack {
        builder = builder.stack_size(stack);
    }
    builder
        .spawn(move || {
            RUNTIME_THREAD.with(|flag| flag.set(true));
            f();
        })
        .map(drop)
}

/// Whether the calling thread is one of the runtime's (started by
/// [`spawn`]).
pub(crate) fn on_runtime_thread() -> bool {
    RUNTIME_THREAD.with(Cell::get)
}

/// Signal numbers are small on every platform we run on.
const MAX_SIGNAL: usize = 65;

static ROLES: [AtomicU8; MAX_SIGNAL] = [const { AtomicU8::new(0) }; MAX_SIGNAL];

/// The watcher's doorbell, set once the watcher thread runs.
pub(crate) static WATCHER: OnceLock<Arc<Doorbell>> = OnceLock::new();
/// The watchdog's doorbell, set once the watchdog thread runs.
pub(crate) static WATCHDOG: OnceLock<Arc<Doorbell>> = OnceLock::new();

/// Every shutdown signal that has arrived, one bit per signal number.
static ARRIVED: AtomicU64 = AtomicU64::new(0);
/// The latest shutdown signal that arrived.
static LAST: AtomicI32 = AtomicI32::new(0);
/// How many shutdown signals have arrived.
static COUNT: AtomicU32 = AtomicU32::new(0);
/// A reload was asked for and not started yet.
static RELOAD: AtomicBool = AtomicBool::new(false);
/// A child exited since the last reap.
static CHILD: AtomicBool = AtomicBool::new(false);
/// A shutdown has begun and waits for the watcher to run its hooks.
static RUN: AtomicBool = AtomicBool::new(false);
/// The program has a reload hook (see [`Role::ReloadIfHooks`]).
static RELOAD_HOOKS: AtomicBool = AtomicBool::new(false);
/// A shutdown or reload is running: signals go to the watchdog.
static BUSY: AtomicBool = AtomicBool::new(false);

/// Gives `number` its role; set before its handler is installed.
pub(crate) fn set_role(number: i32, role: Role) {
    if let Some(slot) = usize::try_from(number).ok().and_then(|n| ROLES.get(n)) {
        slot.store(role as u8, Ordering::Release);
    }
}

fn role(number: i32) -> Role {
    let raw = usize::try_from(number)
        .ok()
        .and_then(|n| ROLES.get(n))
        .map_or(0, |slot| slot.load(Ordering::Acquire));
    match raw {
        1 => Role::Shutdown,
        2 => Role::Reload,
        3 if RELOAD_HOOKS.load(Ordering::Acquire) => Role::Reload,
        3 => Role::Shutdown,
        4 => Role::Child,
        _ => Role::Ignore,
    }
}

/// The program has a reload hook: `SIGHUP` (by default) reloads.
pub(crate) fn reload_hooks_exist() {
    RELOAD_HOOKS.store(true, Ordering::Release);
}

/// Records a signal and wakes whoever must act on it. Called in the signal
/// handler: atomics and one `write(2)` only.
pub(crate) fn signal_arrived(number: i32) {
    arrived(number, role(number));
}

/// Records `number` as a shutdown signal whatever its role: for an event
/// after which the system ends the process anyway (Windows' console close,
/// logoff and shutdown), where a reload, or nothing, would lose the hooks.
pub(crate) fn stop_signal_arrived(number: i32) {
    arrived(number, Role::Shutdown);
}

fn arrived(number: i32, role: Role) {
    match role {
        Role::Shutdown => {
            if let Some(bit) = bit(number) {
                ARRIVED.fetch_or(bit, Ordering::AcqRel);
            }
            LAST.store(number, Ordering::Release);
            COUNT.fetch_add(1, Ordering::AcqRel);
        }
        Role::Reload => RELOAD.store(true, Ordering::Release),
        Role::Child => CHILD.store(true, Ordering::Release),
        Role::Ignore | Role::ReloadIfHooks => return,
    }
    let doorbell = if BUSY.load(Ordering::Acquire) {
        &WATCHDOG
    } else {
        &WATCHER
    };
    if let Some(doorbell) = doorbell.get() {
        doorbell.ring();
    }
}

fn bit(number: i32) -> Option<u64> {
    u32::try_from(number).ok().and_then(|n| 1u64.checked_shl(n))
}

/// Among signals that arrive together, the one taken as the reason.
/// Standard signals pending at the same time are delivered lowest number
/// first, whatever order they were sent in, so "first" means: first seen
/// by the watcher (handled, or still pending behind the one being
/// handled), and among those seen at once, the strongest request to stop.
/// `SIGHUP` comes last: it often rides along with a `SIGTERM` (systemd's
/// `SendSIGHUP=yes`, a closing terminal).
const PRECEDENCE: [Signal; 6] = [
    Signal::TERM,
    Signal::INT,
    Signal::QUIT,
    Signal::USR1,
    Signal::USR2,
    Signal::HUP,
];

/// The shutdown signal to start the shutdown with: of those arrived so far,
/// the first by [`PRECEDENCE`]. `None` until one arrives.
///
/// Once one has arrived, shutdown signals still pending count too: the
/// kernel hands a pair over one handler after the other, and the watcher
/// may wake between the two. Called on the runtime's threads, which block
/// every handled signal, as `pending_signals` needs.
pub(crate) fn first_signal() -> Option<Signal> {
    let arrived = ARRIVED.load(Ordering::Acquire);
    if arrived == 0 {
        return None;
    }
    let pending = platform::pending_signals();
    PRECEDENCE.iter().copied().find(|signal| {
        let number = signal.number();
        bit(number).is_some_and(|bit| {
            arrived & bit != 0 || (pending & bit != 0 && role(number) == Role::Shutdown)
        })
    })
}

/// How many shutdown signals have arrived, and the latest.
pub(crate) fn signals_so_far() -> (u32, Option<Signal>) {
    let count = COUNT.load(Ordering::Acquire);
    (count, Signal::from_number(LAST.load(Ordering::Acquire)))
}

/// Takes a pending reload request.
pub(crate) fn take_reload() -> bool {
    RELOAD.swap(false, Ordering::AcqRel)
}

/// Asks the watcher for a reload.
pub(crate) fn request_reload() -> bool {
    RELOAD.store(true, Ordering::Release);
    ring_watcher()
}

/// Takes a "child exited" mark.
pub(crate) fn take_child() -> bool {
    CHILD.swap(false, Ordering::AcqRel)
}

/// Asks the watcher to run a shutdown that has begun. `false` when there is
/// no watcher (the runtime is not installed).
pub(crate) fn request_run() -> bool {
    RUN.store(true, Ordering::Release);
    ring_watcher()
}

/// Takes a pending "run the shutdown" request.
pub(crate) fn take_run() -> bool {
    RUN.swap(false, Ordering::AcqRel)
}

fn ring_watcher() -> bool {
    WATCHER.get().map(|doorbell| doorbell.ring()).is_some()
}

/// From now on signals wake the watchdog (a shutdown or reload runs), or,
/// with `false`, the watcher again.
pub(crate) fn set_busy(busy: bool) {
    BUSY.store(busy, Ordering::Release);
}

/// Makes the watchdog look again by `at` at the latest (a hook's timeout,
/// the deadline), if it runs.
pub(crate) fn arm_watchdog(at: std::time::Instant) {
    if let Some(doorbell) = WATCHDOG.get() {
        doorbell.arm(at);
    }
}

/// Wakes the watchdog, if it runs.
pub(crate) fn ring_watchdog() {
    if let Some(doorbell) = WATCHDOG.get() {
        doorbell.ring();
    }
}
