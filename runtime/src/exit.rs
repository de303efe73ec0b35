//! The one place that decides how the process ends. Every path goes through
//! [`finish`]: flush stdout, then exit with a code or die by a signal.
#![forbid(unsafe_code)]

use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::{backend, output, Signal};

/// How the process will end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ending {
    /// `exit(code)`.
    Code(i32),
    /// Die by this signal (default disposition restored, signal re-raised),
    /// or exit with `128 + n` where that cannot kill the process (PID 1).
    Signal(Signal),
}

impl std::fmt::Display for Ending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ending::Code(code) => write!(f, "exiting with code {code}"),
            Ending::Signal(signal) => write!(f, "dying by {signal}"),
        }
    }
}

/// Flushes stdout and ends the process as `ending` says. Only the first
/// caller does; any other thread arriving here waits for the end.
pub(crate) fn finish(ending: Ending) -> ! {
    static FINISHING: AtomicBool = AtomicBool::new(false);
    if FINISHING.swap(true, Ordering::SeqCst) {
        loop {
            std::thread::park();
        }
    }
    flush_stdout();
    match ending {
        Ending::Code(code) => std::process::exit(code),
        Ending::Signal(signal) => {
            // A PID 1 ignores its own default-disposition signals; don't try.
            if std::process::id() != 1 {
                backend::die_by_signal(signal);
            }
            // Still alive: the kernel or the backend would not let the signal
            // kill us. Exit the way a shell would report it.
            std::process::exit(signal.shell_status())
        }
    }
}

fn flush_stdout() {
    if let Err(error) = std::io::stdout().flush() {
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            output::error(format_args!("could not flush stdout: {error}"));
        }
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

    #[test]
    fn exit_codes() {
        assert_eq!(code_of(ExitCode::SUCCESS), 0);
        assert_eq!(code_of(ExitCode::FAILURE), 1);
        assert_eq!(code_of(ExitCode::from(3)), 3);
        assert_eq!(code_of(ExitCode::from(255)), 255);
    }
}
