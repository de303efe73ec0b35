//! A harness for real-signal tests of a program's own binary (feature
//! `harness`): start it, wait for a line it prints, send it a signal, wait
//! for it to end, and assert on the hooks it ran, its output and how it
//! ended, as this crate tests itself.
//!
//! ```no_run
//! # use graceful_exit_runtime as graceful_exit;
//! use graceful_exit::testing::Program;
//! use graceful_exit::Signal;
//!
//! #[test]
//! fn sigterm_flushes_then_dies_by_it() {
//!     let mut app = Program::new(env!("CARGO_BIN_EXE_app")).start();
//!     app.wait_ready(); // the line `ready` (print it once `main` runs)
//!     app.signal(Signal::TERM);
//!     app.wait()
//!         .expect_hooks(&["flush_logs", "close_db"])
//!         .expect_signal(Signal::TERM);
//! }
//! ```
//!
//! Every wait is bounded ([`Program::timeout`], 20 s by default): a program
//! that does not print the line or does not end is killed and the test fails
//! with everything it printed. A [`Running`] program is killed when dropped,
//! so a failing test leaves nothing behind.
//!
//! The hooks a program ran are read from the runtime's own progress lines
//! (`graceful-exit: hook `NAME` started`), which [`Program`] turns on
//! (`GRACEFUL_EXIT_LOG=debug`) unless told [`Program::progress`]`(false)`.
//! A program that routes reports through `log` or `tracing` sends those
//! lines there instead; assert on its own output then.
#![forbid(unsafe_code)]

use std::ffi::OsStr;
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

#[cfg(unix)]
use crate::Signal;

use super::Ended;

/// How long any single wait may take unless [`Program::timeout`] says.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// A program to start: a binary with its arguments and environment.
#[derive(Debug)]
pub struct Program {
    command: Command,
    timeout: Duration,
}

impl Program {
    /// The binary at `path`, e.g. `env!("CARGO_BIN_EXE_app")`, with
    /// progress lines on (`GRACEFUL_EXIT_LOG=debug`) and stdin closed.
    pub fn new(path: impl AsRef<OsStr>) -> Program {
        let mut command = Command::new(path);
        command.env(crate::LOG_ENV, "debug");
        Program {
            command,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// A prepared command, as it is: no progress lines unless asked for
    /// ([`Program::progress`]). For wrappers (`unshare`, `podman`, `wine`,
    /// `nohup`) around the program under test.
    pub fn from_command(command: Command) -> Program {
        Program {
            command,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// Adds an argument.
    #[must_use]
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Program {
        self.command.arg(arg);
        self
    }

    /// Adds arguments.
    #[must_use]
    pub fn args<I, S>(mut self, args: I) -> Program
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.command.args(args);
        self
    }

    /// Sets an environment variable.
    #[must_use]
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Program {
        self.command.env(key, value);
        self
    }

    /// Whether the runtime prints its progress lines, which
    /// [`Ended::hooks`] reads (on by default).
    #[must_use]
    pub fn progress(mut self, on: bool) -> Program {
        if on {
            self.command.env(crate::LOG_ENV, "debug");
        } else {
            self.command.env_remove(crate::LOG_ENV);
        }
        self
    }

    /// The limit of every wait (default [`DEFAULT_TIMEOUT`]).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Program {
        self.timeout = timeout;
        self
    }

    /// The underlying command, for anything else (working directory, …).
    pub fn command(&mut self) -> &mut Command {
        &mut self.command
    }

    /// Starts it, stdout and stderr piped, stdin closed.
    ///
    /// # Panics
    ///
    /// If it cannot be started: a test has nothing to go on.
    #[must_use = "the program is killed when `Running` is dropped"]
    pub fn start(mut self) -> Running {
        let mut child = self
            .command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {:?}: {error}", self.command));
        let started = Instant::now();
        let stdout = child.stdout.take().map(|stdout| {
            let (sender, receiver) = mpsc::channel();
            thread::spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    if sender.send(line).is_err() {
                        break;
                    }
                }
            });
            receiver
        });
        let stderr = child.stderr.take().map(|stderr| {
            thread::spawn(move || {
                let mut text = String::new();
                let _ = BufReader::new(stderr).read_to_string(&mut text);
                text
            })
        });
        Running {
            child: Some(child),
            stdout,
            seen: Vec::new(),
            stderr,
            timeout: self.timeout,
            started,
        }
    }
}

/// A started program; killed when dropped.
pub struct Running {
    child: Option<Child>,
    stdout: Option<Receiver<String>>,
    seen: Vec<String>,
    stderr: Option<JoinHandle<String>>,
    timeout: Duration,
    started: Instant,
}

impl Running {
    /// Its process id (0 once it has been waited for).
    #[must_use]
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// When it was started.
    #[must_use]
    pub fn started(&self) -> Instant {
        self.started
    }

    /// Waits for a stdout line starting with `prefix` and returns it.
    ///
    /// # Panics
    ///
    /// When no such line comes within the timeout (the program is killed),
    /// or stdout closes first; the message holds everything it printed.
    #[track_caller]
    pub fn wait_for_line(&mut self, prefix: &str) -> String {
        let until = Instant::now() + self.timeout;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            let next = match &self.stdout {
                Some(stdout) => stdout.recv_timeout(left),
                None => Err(RecvTimeoutError::Disconnected),
            };
            match next {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.starts_with(prefix) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    let ended = self.kill_and_collect();
                    ended.fail(&format!(
                        "no line starting with {prefix:?} within {:?}",
                        self.timeout
                    ));
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let ended = self.wait();
                    ended.fail(&format!(
                        "stdout closed before a line starting with {prefix:?}"
                    ));
                }
            }
        }
    }

    /// Waits for the line `ready` (a test program prints it once its `main`
    /// runs, so the runtime is installed).
    #[track_caller]
    pub fn wait_ready(&mut self) {
        self.wait_for_line("ready");
    }

    /// Sends `signal` to the program.
    ///
    /// # Panics
    ///
    /// If the signal cannot be sent (the program has been waited for).
    #[cfg(unix)]
    #[track_caller]
    pub fn signal(&self, signal: Signal) {
        self.signal_number(signal.number());
    }

    /// Sends the signal numbered `number` (for signals without a
    /// [`Signal`] constant, e.g. `SIGSTOP`).
    ///
    /// # Panics
    ///
    /// If the signal cannot be sent.
    #[cfg(unix)]
    #[track_caller]
    pub fn signal_number(&self, number: i32) {
        if let Err(error) = crate::platform::children::kill(self.pid(), number) {
            panic!("cannot send signal {number} to {}: {error}", self.pid());
        }
    }

    /// Kills the program (`SIGKILL` on Unix) and collects how it ended.
    #[track_caller]
    pub fn kill(&mut self) -> Ended {
        self.kill_and_collect()
    }

    /// Waits for the program to end, up to the timeout, and collects its
    /// output.
    ///
    /// # Panics
    ///
    /// When it does not end in time (it is killed); the message holds
    /// everything it printed.
    #[track_caller]
    pub fn wait(&mut self) -> Ended {
        self.wait_within(self.timeout)
    }

    /// [`wait`](Running::wait) with another limit.
    ///
    /// # Panics
    ///
    /// As [`wait`](Running::wait).
    #[track_caller]
    pub fn wait_within(&mut self, limit: Duration) -> Ended {
        let until = Instant::now() + limit;
        loop {
            let Some(child) = self.child.as_mut() else {
                panic!("the program was already waited for");
            };
            match child.try_wait() {
                Ok(Some(status)) => return self.collect(status),
                Ok(None) if Instant::now() < until => thread::sleep(Duration::from_millis(2)),
                Ok(None) => {
                    let ended = self.kill_and_collect();
                    ended.fail(&format!("the program did not end within {limit:?}"));
                }
                Err(error) => panic!("cannot wait for the program: {error}"),
            }
        }
    }

    fn kill_and_collect(&mut self) -> Ended {
        let Some(child) = self.child.as_mut() else {
            panic!("the program was already waited for");
        };
        let _ = child.kill();
        match child.wait() {
            Ok(status) => self.collect(status),
            Err(error) => panic!("cannot wait for the killed program: {error}"),
        }
    }

    fn collect(&mut self, status: ExitStatus) -> Ended {
        let ended_at = Instant::now();
        self.child = None;
        let mut stdout = std::mem::take(&mut self.seen);
        if let Some(receiver) = self.stdout.take() {
            // The reader ends at end of file; a grandchild holding the pipe
            // could delay that, so the wait is bounded.
            let until = Instant::now() + Duration::from_secs(5);
            while let Ok(line) =
                receiver.recv_timeout(until.saturating_duration_since(Instant::now()))
            {
                stdout.push(line);
            }
        }
        let stderr = self
            .stderr
            .take()
            .map(|reader| reader.join().unwrap_or_default())
            .unwrap_or_default();
        Ended {
            status,
            stdout,
            stderr,
            ended_at,
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl fmt::Debug for Running {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Running")
            .field("pid", &self.pid())
            .field("stdout so far", &self.seen)
            .finish_non_exhaustive()
    }
}
