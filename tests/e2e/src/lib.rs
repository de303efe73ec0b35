//! What the end-to-end tests share. The programs under test run under the
//! crate's own harness, [`graceful_exit::testing::Program`] (feature
//! `harness`): started, synced on a line they print, sent real signals,
//! waited for with a safety timeout and killed if a test fails; how they
//! ended is asserted with `Ended::expect_hooks`, `expect_signal`,
//! `expect_code`.
//!
//! Most of it is Unix only: the tests send POSIX signals and read how a
//! process died. On Windows only what the test programs share is here, the
//! test files are compiled out, and the Windows builds of the test programs
//! are run under Wine from a Linux host instead (`tests/wine.rs`).

#[cfg(unix)]
pub mod containers;

#[cfg(unix)]
use std::io::{BufRead, BufReader};
#[cfg(unix)]
use std::process::{Command, Stdio};
use std::time::Duration;

pub use graceful_exit::testing::{Ended, Program, Running, DEFAULT_TIMEOUT as SAFETY};
pub use graceful_exit::Signal;
#[cfg(unix)]
pub use libc::{SIGCONT, SIGKILL, SIGSTOP};

/// For the reload test programs: says `ready` (after looking at the
/// shutdown once, so a shutdown waits for `main`), then prints
/// `main: reloads=N` each time a reload completes, until the shutdown
/// starts; then `main: stopped after N reloads`.
pub fn report_reloads_until_shutdown(after_ready: impl FnOnce()) {
    // Cooperate before saying `ready`: a shutdown then waits for `main` to
    // return, so its last line is always printed.
    let _ = graceful_exit::is_shutting_down();
    println!("ready");
    after_ready();
    let mut seen = 0;
    while graceful_exit::sleep(Duration::from_millis(5)) {
        let now = graceful_exit::reloads();
        if now != seen {
            seen = now;
            println!("main: reloads={now}");
        }
    }
    println!("main: stopped after {} reloads", graceful_exit::reloads());
}

/// The hooks of the `hooks` program, in run order: its own three and the
/// one it gets from `hooklib`.
pub const HOOKS: [&str; 4] = ["first", "hooklib_disconnect", "second", "last"];

/// Starts `program` with `args` (progress lines on).
#[cfg(unix)]
pub fn start(program: &str, args: &[&str]) -> Running {
    Program::new(program).args(args).start()
}

/// Starts `program` with `args` and waits for its `ready` line.
#[track_caller]
#[cfg(unix)]
pub fn start_ready(program: &str, args: &[&str]) -> Running {
    let mut running = start(program, args);
    running.wait_ready();
    running
}

/// Starts `program`, waits for `ready`, sends `signal`, and returns how it
/// ended.
#[track_caller]
#[cfg(unix)]
pub fn stop_with(program: &str, args: &[&str], signal: Signal) -> Ended {
    let mut running = start_ready(program, args);
    running.signal(signal);
    running.wait()
}

/// Waits (bounded) until the program's main thread is blocked (sleeping in
/// the kernel, state `S`): for a program that looks at the shutdown
/// (`sleep`, `wait`) only after printing `ready`, so that a signal sent
/// next finds it cooperating. Linux `/proc`; elsewhere returns at once.
#[track_caller]
#[cfg(unix)]
pub fn wait_until_blocked(running: &Running) {
    let stat = format!("/proc/{}/stat", running.pid());
    let until = std::time::Instant::now() + SAFETY;
    while std::time::Instant::now() < until {
        let Ok(text) = std::fs::read_to_string(&stat) else {
            return;
        };
        // `pid (comm) state …`; comm may hold spaces.
        let state = text
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next());
        if state == Some("S") {
            return;
        }
        std::thread::yield_now();
    }
    panic!("{stat}: the main thread did not block within {SAFETY:?}");
}

/// Sends signal `number` to the host process `pid` (as `/proc` names it);
/// fails the test if it cannot.
#[track_caller]
#[cfg(unix)]
pub fn kill(pid: i32, number: i32) {
    // SAFETY: kill(2) has no memory-safety preconditions.
    let sent = unsafe { libc::kill(pid, number) == 0 };
    assert!(
        sent,
        "kill({pid}, {number}) failed: {}",
        std::io::Error::last_os_error()
    );
}

/// Sends signal `number` to `pid`; `false` if it could not (it has exited).
#[cfg(unix)]
pub fn try_kill(pid: u32, number: i32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: kill(2) has no memory-safety preconditions.
    unsafe { libc::kill(pid, number) == 0 }
}

/// Sends signal `number` to the process group `leader` leads; `false` if
/// it could not.
#[cfg(unix)]
pub fn signal_group(leader: u32, number: i32) -> bool {
    let Ok(group) = libc::pid_t::try_from(leader) else {
        return false;
    };
    // SAFETY: kill(2) has no memory-safety preconditions.
    unsafe { libc::kill(-group, number) == 0 }
}

/// Whether this process runs as root (container and namespace tests need it).
#[cfg(unix)]
pub fn is_root() -> bool {
    // SAFETY: geteuid(2) has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Whether `program` can be found on `PATH`.
pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// A pseudo-random delay in `0..max`, from the clock and `salt` (no RNG
/// dependency), to stop a program at arbitrary moments.
pub fn jitter(max: Duration, salt: u32) -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mixed = nanos
        .wrapping_mul(2_654_435_761)
        .wrapping_add(salt.wrapping_mul(40_503));
    max.mul_f64(f64::from(mixed % 1000) / 1000.0)
}

/// For the PID 1 test programs: starts `sh`, which starts a short `sleep` in
/// the background and exits at once, so the `sleep` is orphaned and adopted
/// by PID 1 (or the nearest subreaper). Neither is waited for here: only a
/// reaping PID 1 may collect them. Returns the `sleep`'s pid as seen from
/// here.
// The zombies are the point.
#[allow(clippy::zombie_processes)]
#[cfg(unix)]
pub fn leave_orphan() -> String {
    let Ok(mut shell) = Command::new("sh")
        .args(["-c", "sleep 0.2 & echo $!"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
    else {
        return "none: cannot start sh".to_owned();
    };
    let mut line = String::new();
    if let Some(stdout) = shell.stdout.take() {
        let _ = BufReader::new(stdout).read_line(&mut line);
    }
    line.trim().to_owned()
}
