//! Everything the runtime reports goes through here: one event per line,
//! on stderr prefixed `graceful-exit:`, or through `log` / `tracing`.
//!
//! - **Problems** (a hook failed, panicked or timed out, the deadline, a
//!   second signal, a bad environment value) are always reported.
//! - **Advice** (the container warning) and **progress** (each hook with its
//!   duration, …; on stderr only with `GRACEFUL_EXIT_LOG=debug`) are
//!   silenced by `GRACEFUL_EXIT_QUIET=1`.
//!
//! Lines go straight to file descriptor 2, never through std's stderr lock,
//! so a thread holding `stderr().lock()` cannot stall a report. The
//! watchdog's reports (and [`error_now`]) never block at all: what a full
//! or stalled stderr cannot take at once is dropped, so the deadline and a
//! second signal are never held up by output.
//!
//! With the `tracing` or `log` feature, once a subscriber or logger is
//! installed, events go there instead (target `graceful_exit`; problems at
//! error level, advice at warn, progress at debug), called inside
//! `catch_unwind`. A problem the subscriber or logger would filter out, or
//! that panics it, still goes to stderr. The watchdog never calls them.
#![forbid(unsafe_code)]

use std::cell::Cell;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use crate::platform;

/// Environment variable that silences non-error output: `1`, `true`, `yes`
/// or `on`.
pub const QUIET_ENV: &str = "GRACEFUL_EXIT_QUIET";

/// Environment variable that turns on progress lines on stderr:
/// `GRACEFUL_EXIT_LOG=debug` (`off` or unset: none).
pub const LOG_ENV: &str = "GRACEFUL_EXIT_LOG";

const PREFIX: &str = "graceful-exit:";

/// How serious an event is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Error,
    Warn,
    Debug,
}

thread_local! {
    /// Set on the watchdog's thread: its reports never block nor call out.
    static NEVER_BLOCK: Cell<bool> = const { Cell::new(false) };
}

/// Marks the calling thread as one whose reports must never block.
pub(crate) fn never_block_on_this_thread() {
    NEVER_BLOCK.with(|flag| flag.set(true));
}

/// Reports a problem. Always shown.
pub(crate) fn error(message: fmt::Arguments<'_>) {
    emit(Level::Error, message);
}

/// Reports a problem on stderr without blocking and without calling a
/// logger: for the paths that end the process.
pub(crate) fn error_now(message: fmt::Arguments<'_>) {
    print_line(message, false);
}

/// Reports advice, unless `GRACEFUL_EXIT_QUIET` is set.
pub(crate) fn warn(message: fmt::Arguments<'_>) {
    if !quiet() {
        emit(Level::Warn, message);
    }
}

/// Reports progress: on stderr only with `GRACEFUL_EXIT_LOG=debug` (or
/// `Config::debug_log`), through `tracing` or `log` at debug level for their
/// filters to decide; never with `GRACEFUL_EXIT_QUIET`.
pub(crate) fn debug(message: fmt::Arguments<'_>) {
    if !quiet() {
        emit(Level::Debug, message);
    }
}

fn emit(level: Level, message: fmt::Arguments<'_>) {
    let never_block = NEVER_BLOCK.with(Cell::get);
    if !never_block && through_logger(level, message) {
        return;
    }
    if level != Level::Debug || debug_on_stderr() {
        print_line(message, !never_block);
    }
}

/// Hands the event to a `tracing` subscriber or `log` logger that wants it,
/// inside `catch_unwind`. `false` if none took it (or one panicked).
#[cfg(any(feature = "log", feature = "tracing"))]
fn through_logger(level: Level, message: fmt::Arguments<'_>) -> bool {
    use std::panic::{catch_unwind, AssertUnwindSafe};
    const TARGET: &str = "graceful_exit";
    let sent = catch_unwind(AssertUnwindSafe(|| {
        #[cfg(feature = "tracing")]
        if tracing_active() {
            let enabled = match level {
                Level::Error => tracing::enabled!(target: TARGET, tracing::Level::ERROR),
                Level::Warn => tracing::enabled!(target: TARGET, tracing::Level::WARN),
                Level::Debug => tracing::enabled!(target: TARGET, tracing::Level::DEBUG),
            };
            match level {
                Level::Error if enabled => tracing::error!(target: TARGET, "{message}"),
                Level::Warn if enabled => tracing::warn!(target: TARGET, "{message}"),
                Level::Debug if enabled => tracing::debug!(target: TARGET, "{message}"),
                _ => {}
            }
            // A problem the subscriber filters out still goes to stderr.
            return enabled || level != Level::Error;
        }
        #[cfg(feature = "log")]
        if log::max_level() != log::LevelFilter::Off {
            let log_level = match level {
                Level::Error => log::Level::Error,
                Level::Warn => log::Level::Warn,
                Level::Debug => log::Level::Debug,
            };
            let enabled = log::log_enabled!(target: TARGET, log_level);
            if enabled {
                log::log!(target: TARGET, log_level, "{message}");
            }
            return enabled || level != Level::Error;
        }
        false
    }));
    sent.unwrap_or_else(|payload| {
        std::mem::forget(payload);
        print_line(
            format_args!("the installed logger panicked while reporting the next line"),
            true,
        );
        false
    })
}

#[cfg(not(any(feature = "log", feature = "tracing")))]
fn through_logger(_level: Level, _message: fmt::Arguments<'_>) -> bool {
    false
}

/// Whether `tracing` events from this thread reach a subscriber: one is set
/// (globally or for this thread) and enables something.
#[cfg(feature = "tracing")]
fn tracing_active() -> bool {
    tracing::level_filters::LevelFilter::current() != tracing::level_filters::LevelFilter::OFF
        && tracing::dispatcher::get_default(|dispatch| {
            !dispatch.is::<tracing::subscriber::NoSubscriber>()
        })
}

/// Set by [`Config::debug_log`](crate::Config::debug_log).
static DEBUG_FORCED: AtomicBool = AtomicBool::new(false);

/// Turns on progress lines on stderr, as `GRACEFUL_EXIT_LOG=debug` does.
pub(crate) fn force_debug() {
    DEBUG_FORCED.store(true, Ordering::Relaxed);
}

/// Whether progress lines go to stderr: `GRACEFUL_EXIT_LOG=debug` (read
/// once; another value is reported) or `Config::debug_log`.
fn debug_on_stderr() -> bool {
    static FROM_ENV: OnceLock<bool> = OnceLock::new();
    DEBUG_FORCED.load(Ordering::Relaxed)
        || *FROM_ENV.get_or_init(|| match std::env::var(LOG_ENV) {
            Err(_) => false,
            Ok(value) if value.is_empty() || value.eq_ignore_ascii_case("off") => false,
            Ok(value) if value.eq_ignore_ascii_case("debug") => true,
            Ok(value) => {
                print_line(
                    format_args!("ignoring {LOG_ENV}={value:?}: expected `debug` or `off`"),
                    true,
                );
                false
            }
        })
}

/// Whether `GRACEFUL_EXIT_QUIET` asks for silence (read once; a value that
/// is neither yes nor no is reported and counts as yes).
fn quiet() -> bool {
    static QUIET: OnceLock<bool> = OnceLock::new();
    *QUIET.get_or_init(|| {
        let Some(value) = std::env::var_os(QUIET_ENV) else {
            return false;
        };
        let text = value.to_string_lossy().to_ascii_lowercase();
        match text.as_str() {
            "" | "0" | "false" | "no" | "off" => false,
            "1" | "true" | "yes" | "on" => true,
            _ => {
                print_line(
                    format_args!(
                        "{QUIET_ENV}={value:?} is not understood (expected 1/true/yes/on or 0/false/no/off); staying quiet"
                    ),
                    true,
                );
                true
            }
        }
    })
}

/// One write per line, so concurrent output does not interleave mid-line.
/// If stderr is gone there is nowhere left to report that.
fn print_line(message: fmt::Arguments<'_>, wait: bool) {
    let line = format!("{PREFIX} {message}\n");
    let _ = platform::write_stderr(line.as_bytes(), wait);
}
