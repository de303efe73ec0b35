//! The one place that decides how the process ends. Every path goes through
//! [`finish`] (orderly: flush stdout, then exit with a code or die by a
//! signal) or [`end_now`] (the watchdog's: the deadline passed, a second
//! signal, or [`finish`] is stuck).
//!
//! std's own exit only *tries* stdout's lock. Rust offers no such try, so
//! [`finish`] takes the lock in the open and tells the watchdog: if the lock
//! is not had within [`LOCK_GRACE`] (another thread holds it), the watchdog
//! ends the process without the flush. A flush blocked on a pipe nobody
//! reads is bounded by the deadline and a second signal. The last resort is
//! the kernel's: `_exit`, or the signal's default action.
#![forbid(unsafe_code)]

use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::time::{Duration, Instant};

use crate::{events, output, platform, Signal};

/// How long [`finish`] may wait for stdout's lock, or for std's exit to
/// complete, before the watchdog ends the process without them.
pub(crate) const LOCK_GRACE: Duration = Duration::from_millis(50);

/// How the process will end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ending {
    /// `exit(code)`.
    Code(i32),
    /// Die by this signal (default disposition restored, signal re-raised),
    /// or exit with `128 + n` where that cannot kill the process (PID 1).
    Signal(Signal),
}

impl Ending {
    /// After `signal`: dying by it, or the fixed `exit_code`.
    pub(crate) fn after_signal(signal: Signal, exit_code: Option<u8>) -> Ending {
        match exit_code {
            Some(code) => Ending::Code(i32::from(code)),
            None => Ending::Signal(signal),
        }
    }

    /// The ending once `main` has ended with status `code` during the
    /// shutdown: a failure of `main` replaces a requested shutdown's status
    /// (`may_override`: `request_shutdown`, `request_exit(0)`, `exit(0)`
    /// from a worker); otherwise the shutdown's own status stands.
    #[must_use]
    pub(crate) fn with_main(self, may_override: bool, code: i32) -> Ending {
        if may_override && code != 0 {
            Ending::Code(code)
        } else {
            self
        }
    }
}

impl std::fmt::Display for Ending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ending::Code(code) => write!(f, "exiting with code {code}"),
            Ending::Signal(signal) if std::process::id() == 1 || cfg!(windows) => write!(
                f,
                "exiting with code {} for {signal}",
                signal.shell_status()
            ),
            Ending::Signal(signal) => write!(f, "dying by {signal}"),
        }
    }
}

/// Where [`finish`] is, in the order it goes: not ending yet, waiting for
/// stdout's lock, writing stdout's buffer out, in std's exit.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Phase {
    Running,
    Locking,
    Flushing,
    Exiting,
}

/// The phases by their number in [`PHASE`].
const PHASES: [Phase; 4] = [
    Phase::Running,
    Phase::Locking,
    Phase::Flushing,
    Phase::Exiting,
];

static GATE: AtomicBool = AtomicBool::new(false);
static PHASE: AtomicU8 = AtomicU8::new(0);

/// Enters `phase`; where it could get stuck (a lock held elsewhere, std's
/// exit), the watchdog is armed to look after [`LOCK_GRACE`].
fn enter(phase: Phase) {
    PHASE.store(phase as u8, Ordering::Release);
    if matches!(phase, Phase::Locking | Phase::Exiting) {
        if let Some(at) = Instant::now().checked_add(LOCK_GRACE) {
            events::arm_watchdog(at);
        }
    }
}

/// Where [`finish`] is.
pub(crate) fn phase() -> Phase {
    let number = usize::from(PHASE.load(Ordering::Acquire));
    PHASES.get(number).copied().unwrap_or(Phase::Running)
}

/// Flushes stdout and ends the process as `ending` says. Only the first
/// caller does; any other thread arriving here waits for the end.
pub(crate) fn finish(ending: Ending) -> ! {
    if GATE.swap(true, Ordering::AcqRel) {
        park_forever();
    }
    enter(Phase::Locking);
    let mut stdout = std::io::stdout().lock();
    enter(Phase::Flushing);
    let flushed = stdout.flush();
    drop(stdout);
    if let Err(error) = flushed {
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            output::error(format_args!("could not flush stdout: {error}"));
        }
    }
    if let Ending::Signal(signal) = ending {
        // The default action ends the process at once: nothing to get stuck.
        die_by(signal);
    }
    enter(Phase::Exiting);
    // std's exit only tries stdout's lock, and the buffer is empty now.
    std::process::exit(match ending {
        Ending::Code(code) => code,
        Ending::Signal(signal) => signal.shell_status(),
    })
}

/// Ends the process at once, for the watchdog: tries to flush stdout for a
/// moment on another thread, then `_exit`s or dies by the signal. Never
/// blocks on a lock or on I/O.
pub(crate) fn end_now(ending: Ending, flush: bool) -> ! {
    GATE.store(true, Ordering::Release);
    if flush {
        flush_briefly();
    }
    match ending {
        Ending::Code(code) => platform::exit_now(code),
        Ending::Signal(signal) => {
            die_by(signal);
            platform::exit_now(signal.shell_status())
        }
    }
}

/// Dies by `signal`, unless this is PID 1 (which ignores its own
/// default-disposition signals) or the platform cannot: then returns.
fn die_by(signal: Signal) {
    if std::process::id() != 1 {
        platform::die_by_signal(signal);
    }
}

/// Flushes stdout on a helper thread, waiting at most [`LOCK_GRACE`].
fn flush_briefly() {
    static FLUSHED: AtomicBool = AtomicBool::new(false);
    let waiter = std::thread::current();
    let spawned = events::spawn(
        "graceful-exit-flush",
        Some(64 * 1024),
        Box::new(move || {
            let _ = std::io::stdout().flush();
            FLUSHED.store(true, Ordering::Release);
            waiter.unpark();
        }),
    );
    if spawned.is_err() {
        return;
    }
    let until = Instant::now() + LOCK_GRACE;
    while !FLUSHED.load(Ordering::Acquire) {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return;
        }
        std::thread::park_timeout(left);
    }
}

/// Blocks the calling thread for good: another thread ends the process.
pub(crate) fn park_forever() -> ! {
    loop {
        std::thread::park();
    }
}

/// The numeric status of an [`ExitCode`] returned by `main`'s
/// [`Termination::report`](std::process::Termination::report).
///
/// `ExitCode` is opaque on stable Rust, so this finds the `u8` it was built
/// from. Codes outside 0..=255 (possible only on Windows) become 1.
pub(crate) fn code_of(code: ExitCode) -> i32 {
    (0..=u8::MAX)
        .find(|candidate| ExitCode::from(*candidate) == code)
        .map_or(1, i32::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PANIC: i32 = 101;

    /// `main`'s status, as `run_main` computes it from what `main` returned.
    fn main_status<T: std::process::Termination>(value: T) -> i32 {
        code_of(value.report())
    }

    // One test per row of the exit-status table in the crate docs.

    #[test]
    fn a_signal_dies_by_it_or_exits_with_exit_code() {
        assert_eq!(
            Ending::after_signal(Signal::TERM, None),
            Ending::Signal(Signal::TERM)
        );
        assert_eq!(Ending::after_signal(Signal::TERM, Some(7)), Ending::Code(7));
    }

    #[test]
    fn after_a_signal_mains_error_does_not_change_the_status() {
        let ending = Ending::after_signal(Signal::INT, None);
        assert_eq!(ending.with_main(false, 1), Ending::Signal(Signal::INT));
    }

    #[test]
    fn main_returning_unit_or_ok_is_0() {
        assert_eq!(main_status(()), 0);
        assert_eq!(main_status(Ok::<(), String>(())), 0);
    }

    #[test]
    fn main_returning_err_is_1() {
        assert_eq!(main_status(Err::<(), &str>("printed like std")), 1);
    }

    #[test]
    fn main_returning_an_exit_code_is_that_code() {
        assert_eq!(main_status(ExitCode::from(3)), 3);
    }

    #[test]
    fn exit_is_its_code() {
        assert_eq!(Ending::Code(7).with_main(false, 0), Ending::Code(7));
    }

    #[test]
    fn request_shutdown_is_0_unless_main_fails() {
        let requested = Ending::Code(0);
        assert_eq!(requested.with_main(true, 0), Ending::Code(0));
        assert_eq!(requested.with_main(true, 1), Ending::Code(1));
        assert_eq!(requested.with_main(true, PANIC), Ending::Code(PANIC));
        assert_eq!(requested.with_main(true, 3), Ending::Code(3));
    }

    #[test]
    fn request_exit_keeps_a_non_zero_code_and_lets_main_fail_a_zero() {
        assert_eq!(Ending::Code(4).with_main(false, 1), Ending::Code(4));
        assert_eq!(Ending::Code(0).with_main(true, 1), Ending::Code(1));
    }

    #[test]
    fn exit_codes() {
        assert_eq!(code_of(ExitCode::SUCCESS), 0);
        assert_eq!(code_of(ExitCode::FAILURE), 1);
        assert_eq!(code_of(ExitCode::from(3)), 3);
        assert_eq!(code_of(ExitCode::from(255)), 255);
    }
}
