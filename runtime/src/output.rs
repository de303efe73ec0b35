//! Everything the runtime reports goes through here: one event per line,
//! on stderr prefixed `graceful-exit:`, or through `log` / `tracing`.
//!
//! Problems (a hook failed, panicked or timed out, the deadline passed, a
//! second signal, a bad environment value) are always reported. Advice (the
//! container warning) is silenced by `GRACEFUL_EXIT_QUIET=1`. Progress (signal
//! received, each hook with its duration, total time) is printed on stderr
//! only with `GRACEFUL_EXIT_LOG=debug`.
//!
//! With the `tracing` or `log` feature, and once a subscriber or logger is
//! installed, the same events go there instead (target `graceful_exit`):
//! problems at error level, advice at warn, progress at debug, whatever
//! `GRACEFUL_EXIT_LOG` says (the subscriber or logger filters). Until one is
//! installed, they are printed on stderr as without the feature, so a problem
//! is never lost. Each event goes to exactly one place: `tracing` if a
//! subscriber would see it, else `log` if a logger is installed, else stderr.
#![forbid(unsafe_code)]

use std::fmt;
use std::io::Write;
use std::time::Duration;

/// Environment variable that silences non-error output.
pub const QUIET_ENV: &str = "GRACEFUL_EXIT_QUIET";

/// Environment variable that turns on progress lines: `GRACEFUL_EXIT_LOG=debug`.
pub const LOG_ENV: &str = "GRACEFUL_EXIT_LOG";

const PREFIX: &str = "graceful-exit:";

/// The `log` target and `tracing` target of every event.
#[cfg(any(feature = "log", feature = "tracing"))]
const TARGET: &str = "graceful_exit";

/// How serious an event is.
#[derive(Clone, Copy)]
enum Level {
    /// A problem: always reported.
    Error,
    /// Advice: silenced by `GRACEFUL_EXIT_QUIET`.
    Warn,
    /// Progress.
    Debug,
}

/// Where events go right now.
enum Sink {
    Stderr,
    #[cfg(feature = "tracing")]
    Tracing,
    #[cfg(feature = "log")]
    Log,
}

impl Sink {
    /// `tracing` if this thread's subscriber is a real one, else `log` if a
    /// logger is installed, else stderr. Checked per event: the program may
    /// install its subscriber or logger after the runtime started.
    fn current() -> Sink {
        #[cfg(feature = "tracing")]
        if tracing_active() {
            return Sink::Tracing;
        }
        #[cfg(feature = "log")]
        if log::max_level() != log::LevelFilter::Off {
            return Sink::Log;
        }
        Sink::Stderr
    }

    #[cfg_attr(
        not(any(feature = "log", feature = "tracing")),
        allow(unused_variables) // on stderr the level only decided whether to print
    )]
    fn emit(&self, level: Level, message: fmt::Arguments<'_>) {
        match self {
            Sink::Stderr => print_line(message),
            #[cfg(feature = "tracing")]
            Sink::Tracing => match level {
                Level::Error => tracing::error!(target: TARGET, "{message}"),
                Level::Warn => tracing::warn!(target: TARGET, "{message}"),
                Level::Debug => tracing::debug!(target: TARGET, "{message}"),
            },
            #[cfg(feature = "log")]
            Sink::Log => match level {
                Level::Error => log::error!(target: TARGET, "{message}"),
                Level::Warn => log::warn!(target: TARGET, "{message}"),
                Level::Debug => log::debug!(target: TARGET, "{message}"),
            },
        }
    }

    /// Whether a progress event would be shown.
    fn debug_enabled(&self) -> bool {
        match self {
            Sink::Stderr => env_debug(),
            #[cfg(feature = "tracing")]
            Sink::Tracing => tracing::enabled!(target: TARGET, tracing::Level::DEBUG),
            #[cfg(feature = "log")]
            Sink::Log => log::log_enabled!(target: TARGET, log::Level::Debug),
        }
    }
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

/// Reports a problem. Always shown.
pub(crate) fn error(message: fmt::Arguments<'_>) {
    Sink::current().emit(Level::Error, message);
}

/// Reports advice, unless `GRACEFUL_EXIT_QUIET` is set to a non-empty value
/// other than `0`.
pub(crate) fn warn(message: fmt::Arguments<'_>) {
    if !quiet() {
        Sink::current().emit(Level::Warn, message);
    }
}

/// Reports progress: on stderr only with `GRACEFUL_EXIT_LOG=debug`; through
/// `tracing` or `log` at debug level, for their filters to decide.
pub(crate) fn debug(message: fmt::Arguments<'_>) {
    let sink = Sink::current();
    if sink.debug_enabled() {
        sink.emit(Level::Debug, message);
    }
}

/// Set by [`Config::debug_log`](crate::Config::debug_log).
static DEBUG_FORCED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Turns on progress lines on stderr, as `GRACEFUL_EXIT_LOG=debug` does.
pub(crate) fn force_debug() {
    DEBUG_FORCED.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Whether `GRACEFUL_EXIT_LOG=debug` (read once) or `Config::debug_log`.
fn env_debug() -> bool {
    static ENABLED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    DEBUG_FORCED.load(std::sync::atomic::Ordering::Relaxed)
        || *ENABLED.get_or_init(|| {
            std::env::var(LOG_ENV).is_ok_and(|value| value.eq_ignore_ascii_case("debug"))
        })
}

fn quiet() -> bool {
    std::env::var_os(QUIET_ENV).is_some_and(|value| !value.is_empty() && value != "0")
}

fn print_line(message: fmt::Arguments<'_>) {
    // One write per line so concurrent hook output does not interleave
    // mid-line; stderr is unbuffered, and if it is gone there is nowhere left
    // to report that.
    let line = format!("{PREFIX} {message}\n");
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// Formats an optional limit: `8s`, `250ms`, or `no limit`.
pub(crate) struct DurationText(pub(crate) Option<Duration>);

impl fmt::Display for DurationText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("no limit"),
            Some(duration) => {
                let millis = duration.as_millis();
                if millis % 1000 == 0 {
                    write!(f, "{}s", millis / 1000)
                } else {
                    write!(f, "{millis}ms")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_text() {
        assert_eq!(DurationText(None).to_string(), "no limit");
        assert_eq!(DurationText(Some(Duration::from_secs(8))).to_string(), "8s");
        assert_eq!(
            DurationText(Some(Duration::from_millis(300))).to_string(),
            "300ms"
        );
    }
}
