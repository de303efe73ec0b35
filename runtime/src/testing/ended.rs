//! [`Ended`]: how a program started by the harness ended, and the
//! assertions a test makes on it.
#![forbid(unsafe_code)]

use std::process::ExitStatus;
use std::time::Instant;

#[cfg(unix)]
use crate::Signal;

/// How a program ended, with everything it printed.
#[derive(Debug)]
#[non_exhaustive]
pub struct Ended {
    /// Its exit status.
    pub status: ExitStatus,
    /// Every stdout line, in order.
    pub stdout: Vec<String>,
    /// All of stderr.
    pub stderr: String,
    /// When it was seen to end.
    pub ended_at: Instant,
}

impl Ended {
    /// The hooks that ran, in order, from the runtime's progress lines
    /// (`graceful-exit: hook `NAME` started`; see [`Program::progress`](super::Program::progress)).
    #[must_use]
    pub fn hooks(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter_map(|line| line.strip_prefix("graceful-exit: hook `"))
            .filter_map(|rest| rest.strip_suffix("` started"))
            .collect()
    }

    /// Stdout lines that start with `prefix`, in order.
    #[must_use]
    pub fn lines_starting(&self, prefix: &str) -> Vec<&str> {
        self.stdout
            .iter()
            .filter(|line| line.starts_with(prefix))
            .map(String::as_str)
            .collect()
    }

    /// The exit code, if it exited (rather than being killed by a signal).
    #[must_use]
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    /// The number of the signal that killed it, if one did.
    #[cfg(unix)]
    #[must_use]
    pub fn signal(&self) -> Option<i32> {
        std::os::unix::process::ExitStatusExt::signal(&self.status)
    }

    /// Fails unless [`hooks`](Ended::hooks) are exactly `expected`, in order.
    #[track_caller]
    pub fn expect_hooks(&self, expected: &[&str]) -> &Ended {
        if self.hooks() != expected {
            self.fail(&format!(
                "hooks ran as {:?}, expected {expected:?}",
                self.hooks()
            ));
        }
        self
    }

    /// Fails unless it exited with `code`.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Ended {
        if self.code() != Some(code) {
            self.fail(&format!("expected exit code {code}"));
        }
        self
    }

    /// Fails unless it was killed by `signal` (a shell shows `128 + n`).
    #[cfg(unix)]
    #[track_caller]
    pub fn expect_signal(&self, signal: Signal) -> &Ended {
        if self.signal() != Some(signal.number()) {
            self.fail(&format!("expected death by {signal}"));
        }
        self
    }

    /// Fails unless stderr contains `needle`.
    #[track_caller]
    pub fn expect_stderr(&self, needle: &str) -> &Ended {
        if !self.stderr.contains(needle) {
            self.fail(&format!("stderr lacks {needle:?}"));
        }
        self
    }

    /// Fails the test with `why` and everything the program printed.
    #[track_caller]
    pub fn fail(&self, why: &str) -> ! {
        panic!(
            "{why}\nended: {}\nstdout:\n{}\nstderr:\n{}",
            self.describe(),
            self.stdout.join("\n"),
            self.stderr
        )
    }

    /// How it ended, in words: `exit code 1`, `killed by SIGTERM`.
    fn describe(&self) -> String {
        if let Some(code) = self.code() {
            return format!("exit code {code}");
        }
        #[cfg(unix)]
        if let Some(number) = self.signal() {
            return match Signal::from_number(number) {
                Some(signal) => format!("killed by {signal}"),
                None => format!("killed by signal {number}"),
            };
        }
        format!("{:?}", self.status)
    }
}
