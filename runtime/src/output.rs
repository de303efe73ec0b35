//! Everything the runtime prints goes through here: one line per event on
//! stderr, prefixed `graceful-exit:`.
//!
//! Problems (a hook failed, panicked or timed out, the deadline passed, a
//! second signal, a bad environment value) are always printed. Advice (the
//! container warning) is silenced by `GRACEFUL_EXIT_QUIET=1`. Progress (signal
//! received, each hook with its duration, total time) is printed only with
//! `GRACEFUL_EXIT_LOG=debug`.
#![forbid(unsafe_code)]

use std::fmt;
use std::io::Write;
use std::time::Duration;

/// Environment variable that silences non-error output.
pub const QUIET_ENV: &str = "GRACEFUL_EXIT_QUIET";

/// Environment variable that turns on progress lines: `GRACEFUL_EXIT_LOG=debug`.
pub const LOG_ENV: &str = "GRACEFUL_EXIT_LOG";

const PREFIX: &str = "graceful-exit:";

/// Prints a problem. Always shown.
pub(crate) fn error(message: fmt::Arguments<'_>) {
    print_line(message);
}

/// Prints advice, unless `GRACEFUL_EXIT_QUIET` is set to a non-empty value
/// other than `0`.
pub(crate) fn warn(message: fmt::Arguments<'_>) {
    if !quiet() {
        print_line(message);
    }
}

/// Prints a progress line, only with `GRACEFUL_EXIT_LOG=debug`.
pub(crate) fn debug(message: fmt::Arguments<'_>) {
    if debug_enabled() {
        print_line(message);
    }
}

/// Whether progress lines are on; read once.
pub(crate) fn debug_enabled() -> bool {
    static ENABLED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ENABLED.get_or_init(|| {
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
