//! Harness for the end-to-end tests: spawn a real program, sync on its
//! output, send it real signals, and collect how it ended.
//!
//! Every spawned process is killed when its [`Proc`] drops and has a safety
//! timeout on every wait, so a broken runtime fails a test instead of hanging
//! CI.
//!
//! Unix only: it sends POSIX signals (`kill(2)`) and reads how a process
//! died (`ExitStatusExt::signal`). On Windows this library is empty and the
//! test files are compiled out; the Windows builds of the test programs are
//! run under Wine from a Linux host instead (`tests/wine.rs`).
#![cfg(unix)]

pub mod containers;

use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How long any single wait may take before the test fails.
pub const SAFETY: Duration = Duration::from_secs(20);

pub use libc::{SIGHUP, SIGINT, SIGKILL, SIGQUIT, SIGTERM, SIGUSR1};

/// A running test program.
pub struct Proc {
    child: Option<Child>,
    stdout: Receiver<String>,
    stdout_seen: Vec<String>,
    stderr: Option<JoinHandle<String>>,
    /// When it was spawned.
    pub spawned: Instant,
}

/// How a program ended.
#[derive(Debug)]
pub struct Ended {
    pub status: ExitStatus,
    /// Every stdout line, in order.
    pub stdout: Vec<String>,
    pub stderr: String,
    /// When the process was seen to exit.
    pub at: Instant,
}

impl Ended {
    /// The signal that killed it, if any.
    pub fn signal(&self) -> Option<i32> {
        self.status.signal()
    }

    /// The exit code, if it exited.
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    /// Stdout lines that start with `prefix`, in order.
    pub fn lines_starting(&self, prefix: &str) -> Vec<&str> {
        self.stdout
            .iter()
            .filter(|line| line.starts_with(prefix))
            .map(String::as_str)
            .collect()
    }

    /// The names of the hooks that ran, from their `hook: NAME ...` lines.
    pub fn hooks(&self) -> Vec<&str> {
        self.lines_starting("hook: ")
            .into_iter()
            .filter_map(|line| line["hook: ".len()..].split_whitespace().next())
            .collect()
    }

    /// Panics with everything the program printed.
    #[track_caller]
    pub fn fail(&self, why: &str) -> ! {
        panic!(
            "{why}\nstatus: {:?}\nstdout:\n{}\nstderr:\n{}",
            self.status,
            self.stdout.join("\n"),
            self.stderr
        )
    }
}

/// Spawns `program` with `args`, stdout and stderr piped.
pub fn spawn(program: &str, args: &[&str]) -> Proc {
    spawn_command(Command::new(program).args(args))
}

/// Spawns a prepared command, stdout and stderr piped, stdin closed.
pub fn spawn_command(command: &mut Command) -> Proc {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot spawn {command:?}: {error}"));
    let spawned = Instant::now();
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let stderr = thread::spawn(move || {
        let mut text = String::new();
        let _ = BufReader::new(stderr).read_to_string(&mut text);
        text
    });
    Proc {
        child: Some(child),
        stdout: receiver,
        stdout_seen: Vec::new(),
        stderr: Some(stderr),
        spawned,
    }
}

impl Proc {
    /// The process id.
    pub fn pid(&self) -> i32 {
        let child = self.child.as_ref().expect("process still owned");
        i32::try_from(child.id()).expect("pid fits in i32")
    }

    /// Waits (up to [`SAFETY`]) for a stdout line that starts with `prefix`
    /// and returns it. Panics with the output so far if it never comes.
    #[track_caller]
    pub fn wait_for(&mut self, prefix: &str) -> String {
        let until = Instant::now() + SAFETY;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            match self.stdout.recv_timeout(left) {
                Ok(line) => {
                    self.stdout_seen.push(line.clone());
                    if line.starts_with(prefix) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    let ended = self.kill_and_collect();
                    ended.fail(&format!(
                        "no line starting with {prefix:?} within {SAFETY:?}"
                    ));
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let ended = self.wait_end();
                    ended.fail(&format!(
                        "stdout closed before a line starting with {prefix:?}"
                    ));
                }
            }
        }
    }

    /// Waits for the `ready` line every test program prints once its
    /// handlers are installed.
    #[track_caller]
    pub fn ready(&mut self) {
        self.wait_for("ready");
    }

    /// Sends `signal` to the process.
    pub fn signal(&self, signal: i32) {
        kill(self.pid(), signal);
    }

    /// Waits (up to [`SAFETY`]) for the process to end and collects its
    /// output. Kills it and fails the test if it does not end in time.
    #[track_caller]
    pub fn wait_end(&mut self) -> Ended {
        self.wait_end_within(SAFETY)
    }

    /// Like [`Proc::wait_end`] with a tighter safety timeout.
    #[track_caller]
    pub fn wait_end_within(&mut self, limit: Duration) -> Ended {
        let until = Instant::now() + limit;
        loop {
            let child = self.child.as_mut().expect("process still owned");
            match child.try_wait() {
                Ok(Some(status)) => return self.collect(status),
                Ok(None) if Instant::now() < until => thread::sleep(Duration::from_millis(2)),
                Ok(None) => {
                    let ended = self.kill_and_collect();
                    ended.fail(&format!("process did not end within {limit:?}"));
                }
                Err(error) => panic!("try_wait failed: {error}"),
            }
        }
    }

    fn kill_and_collect(&mut self) -> Ended {
        let child = self.child.as_mut().expect("process still owned");
        let _ = child.kill();
        let status = child.wait().expect("wait after kill");
        self.collect(status)
    }

    fn collect(&mut self, status: ExitStatus) -> Ended {
        let at = Instant::now();
        self.child = None;
        let mut stdout = std::mem::take(&mut self.stdout_seen);
        // The reader thread ends at EOF; grandchildren holding the pipe open
        // could delay that, so bound the wait.
        let until = Instant::now() + Duration::from_secs(5);
        while let Ok(line) = self
            .stdout
            .recv_timeout(until.saturating_duration_since(Instant::now()))
        {
            stdout.push(line);
        }
        let stderr = self
            .stderr
            .take()
            .map(|handle| handle.join().unwrap_or_default())
            .unwrap_or_default();
        Ended {
            status,
            stdout,
            stderr,
            at,
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Sends `signal` to `pid`; fails the test if it cannot.
pub fn kill(pid: i32, signal: i32) {
    assert!(
        try_kill(pid, signal),
        "kill({pid}, {signal}) failed: {}",
        std::io::Error::last_os_error()
    );
}

/// Sends `signal` to `pid`; `false` if it could not (e.g. it has exited).
pub fn try_kill(pid: i32, signal: i32) -> bool {
    // SAFETY: kill(2) has no memory-safety preconditions.
    unsafe { libc::kill(pid, signal) == 0 }
}

/// Whether this process runs as root (container and namespace tests need it).
pub fn is_root() -> bool {
    // SAFETY: geteuid(2) has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Whether `program` can be found on `PATH`.
pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// For the PID 1 test programs: starts `sh`, which starts a short `sleep` in
/// the background and exits at once, so the `sleep` is orphaned and adopted
/// by PID 1 (or the nearest subreaper). Neither is waited for here: only a
/// reaping PID 1 may collect them. Returns the `sleep`'s pid as seen from
/// here.
// The zombies are the point.
#[allow(clippy::zombie_processes)]
pub fn leave_orphan() -> String {
    let mut shell = Command::new("sh")
        .args(["-c", "sleep 0.2 & echo $!"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn sh");
    let mut line = String::new();
    let stdout = shell.stdout.take().expect("piped");
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read pid");
    line.trim().to_owned()
}
