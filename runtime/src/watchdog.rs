//! The watchdog thread: blocked, with no wake-ups, until a shutdown or a
//! reload runs. Then it enforces what the thread running the hooks cannot:
//! the deadline, each hook's timeout (abandoning the hook), a second signal,
//! an exit stuck on stdout's lock; and it reaps children during a shutdown
//! when `reap_zombies` asks.
//!
//! It sleeps until the next moment something can be due (its doorbell is
//! armed with it) or until a signal rings it. It never waits on a lock held
//! across user code, never blocks on I/O (its reports are dropped when
//! stderr cannot take them at once) and never calls user code.
#![forbid(unsafe_code)]

use std::io;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::duration::DurationText;
use crate::exit::{self, Ending, Phase, LOCK_GRACE};
use crate::hooks::sequence::Sequence;
use crate::platform::{self, Doorbell};
use crate::state::{self, MainWait};
use crate::{events, output, reload, ShutdownReason};

/// Signals that arrive within this long of the first one belong to the same
/// burst (a `kill` loop, a terminal repeating the key) and are not a second
/// signal. A person pressing Ctrl-C twice is slower.
pub(crate) const SECOND_SIGNAL_AFTER: Duration = Duration::from_millis(100);

/// When the deadline is found passed, the watchdog looks once more this
/// much later before it acts: a process stopped (`SIGSTOP`, a suspended
/// machine) while its clock ran on must get a moment to finish the hook it
/// was in. A hook that is really stuck is still running then.
const DEADLINE_RECHECK: Duration = Duration::from_millis(20);

/// Whether the watchdog runs; retried when starting it failed.
static STARTED: Mutex<bool> = Mutex::new(false);

/// Starts the watchdog thread if it does not run yet; `false` (reported)
/// if it could not.
pub(crate) fn start() -> bool {
    let result = start_thread();
    if let Err(error) = &result {
        output::error(format_args!(
            "could not start the watchdog thread: {error}; the deadline, hook timeouts and a second signal are not enforced"
        ));
    }
    result.is_ok()
}

fn start_thread() -> io::Result<()> {
    let mut started = STARTED.lock().unwrap_or_else(PoisonError::into_inner);
    if *started {
        return Ok(());
    }
    let doorbell = Arc::new(Doorbell::with_alarm()?);
    let own = Arc::clone(&doorbell);
    // It formats a few lines and may end the process: a small stack.
    events::spawn(
        "graceful-exit-watchdog",
        Some(128 * 1024),
        Box::new(move || watch(&own)),
    )?;
    let _ = events::WATCHDOG.set(doorbell);
    *started = true;
    Ok(())
}

/// At the start of a shutdown: makes sure the watchdog runs and arms it with
/// the deadline.
pub(crate) fn guard(deadline: Option<Instant>) {
    if !start() {
        return;
    }
    if let Some(deadline) = deadline {
        events::arm_watchdog(deadline);
    }
}

/// What the watchdog remembers between looks: the signals during a shutdown
/// or reload, and a deadline found passed.
#[derive(Default)]
struct Seen {
    /// Shutdown signals counted before the shutdown (during reloads). From
    /// 0, not from the count at this thread's first look: a thread slow to
    /// start would take a signal that came during a reload for an old one.
    idle_seen: u32,
    /// Shutdown signals counted during the shutdown.
    seen: Option<u32>,
    /// When the first signal of the shutdown arrived.
    first_at: Option<Instant>,
    /// When the deadline was first seen passed, plus [`DEADLINE_RECHECK`].
    deadline_recheck: Option<Instant>,
    /// The exit phase that may be stuck, and when it was first seen.
    stuck: Option<(Phase, Instant)>,
}

fn watch(doorbell: &Doorbell) {
    output::never_block_on_this_thread();
    let mut signals = Seen::default();
    loop {
        let now = Instant::now();
        let next = check(now, &mut signals);
        doorbell.wait(next.map(|at| at.saturating_duration_since(now)));
    }
}

/// A copy of the shutdown's facts, taken under the state lock.
struct Shutdown {
    reason: ShutdownReason,
    started: Instant,
    deadline: Option<Instant>,
    /// The status it is heading for (`main` may have changed it).
    ending: Ending,
    sequence: Arc<Sequence>,
    waiting_for_main: bool,
    signals_at_start: u32,
}

fn snapshot() -> Option<Shutdown> {
    let state = state::lock();
    let shutdown = state.shutdown.as_ref()?;
    Some(Shutdown {
        reason: shutdown.reason,
        started: shutdown.started,
        deadline: shutdown.deadline,
        ending: shutdown.ending,
        sequence: Arc::clone(&shutdown.sequence),
        waiting_for_main: shutdown.main_wait != MainWait::No,
        signals_at_start: shutdown.signals_at_start,
    })
}

/// Does what is due; returns when to look next (`None`: when rung).
fn check(now: Instant, signals: &mut Seen) -> Option<Instant> {
    if events::take_child() && state::settings().reap_zombies {
        platform::reap_children();
    }
    match snapshot() {
        Some(shutdown) => check_shutdown(now, &shutdown, signals),
        None => check_reload(now, signals),
    }
}

fn check_shutdown(now: Instant, shutdown: &Shutdown, signals: &mut Seen) -> Option<Instant> {
    second_signal(now, shutdown, signals);
    let mut next = None;
    let phase = exit::phase();
    if matches!(phase, Phase::Locking | Phase::Exiting) {
        // Since when the exit sits in this phase, as far as we have seen.
        let since = match signals.stuck {
            Some((seen, since)) if seen == phase => since,
            _ => {
                signals.stuck = Some((phase, now));
                now
            }
        };
        let limit = since + LOCK_GRACE;
        if now >= limit {
            if phase == Phase::Locking {
                output::debug(format_args!(
                    "another thread holds stdout's lock: exiting without flushing it"
                ));
            }
            exit::end_now(shutdown.ending, false);
        }
        next = earliest(next, Some(limit));
    }
    if let Some(deadline) = shutdown.deadline {
        if now < deadline {
            next = earliest(next, Some(deadline));
        } else {
            let recheck = *signals
                .deadline_recheck
                .get_or_insert_with(|| now + DEADLINE_RECHECK);
            if now < recheck {
                next = earliest(next, Some(recheck));
            } else {
                next = earliest(next, deadline_passed(now, deadline, shutdown, phase));
            }
        }
    }
    shutdown.sequence.abandon_overdue(now);
    earliest(next, shutdown.sequence.running_until())
}

/// Ends the process unless every hook has finished and the exit is under
/// way (the process was stopped past its deadline, say): that gets a grace
/// period first.
fn deadline_passed(
    now: Instant,
    deadline: Instant,
    shutdown: &Shutdown,
    phase: Phase,
) -> Option<Instant> {
    let limit = DurationText(state::settings().deadline);
    if shutdown.sequence.is_done() && !shutdown.waiting_for_main {
        let grace_end = deadline + LOCK_GRACE;
        if now < grace_end && phase != Phase::Flushing {
            return Some(grace_end);
        }
        output::error_now(format_args!(
            "shutdown deadline of {limit} passed while writing out stdout (is anything reading it?); exiting now"
        ));
        exit::end_now(shutdown.ending, false);
    }
    let what = match shutdown.sequence.running_hook() {
        Some(name) => format!("while hook `{name}` was running"),
        None if shutdown.waiting_for_main => "while waiting for main to return".to_owned(),
        None => "between hooks".to_owned(),
    };
    output::error_now(format_args!(
        "shutdown deadline of {limit} passed {what}; exiting now"
    ));
    exit::end_now(shutdown.ending, true)
}

/// A shutdown signal during a shutdown: the second one the program receives
/// (outside the first one's burst) exits at once with its own status.
fn second_signal(now: Instant, shutdown: &Shutdown, signals: &mut Seen) {
    let (count, last) = events::signals_so_far();
    let seen = *signals.seen.get_or_insert(shutdown.signals_at_start);
    let Some(last) = last else {
        return;
    };
    if count <= seen {
        return;
    }
    signals.seen = Some(count);
    let first_at = match signals.first_at {
        Some(first_at) => first_at,
        None if matches!(shutdown.reason, ShutdownReason::Signal(_)) => {
            *signals.first_at.insert(shutdown.started)
        }
        None => {
            signals.first_at = Some(now);
            output::debug(format_args!(
                "{last} arrived during a shutdown begun by {}: the shutdown goes on; another signal ends the process at once",
                shutdown.reason
            ));
            return;
        }
    };
    if now.saturating_duration_since(first_at) < SECOND_SIGNAL_AFTER {
        output::debug(format_args!(
            "{last} within {} of the first signal: same burst, ignored",
            DurationText(Some(SECOND_SIGNAL_AFTER))
        ));
        return;
    }
    output::error_now(format_args!(
        "received {last} again during shutdown; exiting now without waiting for the remaining hooks"
    ));
    exit::end_now(state::ending_for(last), true);
}

/// During a reload: its hooks' timeouts, and a shutdown signal that
/// interrupts it.
fn check_reload(now: Instant, signals: &mut Seen) -> Option<Instant> {
    let (count, _) = events::signals_so_far();
    let new_signal = count > signals.idle_seen;
    signals.idle_seen = count;
    let reload = reload::current()?;
    if new_signal {
        // The running reload hook gets its own timeout, or half the
        // deadline at most; then the shutdown starts.
        let limit = state::settings().deadline.map(|deadline| deadline / 2);
        reload::interrupt(&reload, limit.and_then(|limit| now.checked_add(limit)));
    }
    reload.abandon_overdue(now);
    reload.running_until()
}

fn earliest(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
