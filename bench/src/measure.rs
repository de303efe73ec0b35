//! Running one measured program, and what `/proc` says about it.

use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::runner::Program;

/// A measured program that printed `ready`; killed and reaped on drop.
struct Running {
    child: Child,
    stdout: BufReader<ChildStdout>,
}

impl Running {
    /// Spawns the program and waits for `ready`; returns it with the time
    /// from just before the spawn to that line.
    fn start(program: &Program, path: &Path) -> Result<(Running, Duration), String> {
        let mut command = Command::new(path);
        command.stdin(Stdio::null()).stdout(Stdio::piped());
        // The runtime's settings (log level, deadline) stay at their defaults.
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("GRACEFUL_EXIT_") {
                command.env_remove(key);
            }
        }
        command.env("GE_BENCH_HOOKS", program.hooks.to_string());
        command.env("GE_BENCH_IDLE", program.idle);
        let started = Instant::now();
        let mut child = command.spawn().map_err(|e| format!("spawn: {e}"))?;
        let stdout = BufReader::new(child.stdout.take().ok_or("no stdout pipe")?);
        let mut running = Running { child, stdout };
        running.expect_line("ready")?;
        Ok((running, started.elapsed()))
    }

    fn expect_line(&mut self, want: &str) -> Result<(), String> {
        let mut line = String::new();
        match self.stdout.read_line(&mut line) {
            Ok(_) if line.trim_end() == want => Ok(()),
            Ok(_) => Err(format!("expected `{want}`, got {line:?}")),
            Err(error) => Err(format!("reading stdout: {error}")),
        }
    }

    fn status(&self, name: &str) -> Result<u64, String> {
        let path = format!("/proc/{}/status", self.child.id());
        let text = fs::read_to_string(&path).map_err(|error| format!("{path}: {error}"))?;
        field(&text, name).ok_or_else(|| format!("no {name} in {path}"))
    }

    /// Voluntary + involuntary context switches of every thread
    /// (`/proc/<pid>/status` alone counts only the main thread's).
    fn context_switches(&self) -> Result<u64, String> {
        let dir = format!("/proc/{}/task", self.child.id());
        let tasks = fs::read_dir(&dir).map_err(|error| format!("{dir}: {error}"))?;
        let mut total = 0;
        for task in tasks.flatten() {
            // A thread that ended since read_dir has nothing to add.
            let text = fs::read_to_string(task.path().join("status")).unwrap_or_default();
            total += field(&text, "voluntary_ctxt_switches").unwrap_or(0);
            total += field(&text, "nonvoluntary_ctxt_switches").unwrap_or(0);
        }
        Ok(total)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // Neither does anything once the child has been reaped.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The number after `name:` in a `/proc/.../status` text.
fn field(text: &str, name: &str) -> Option<u64> {
    let rest = text
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))?;
    rest.split_whitespace().next()?.parse().ok()
}

/// Spawns the program, waits for `ready`, lets it settle, reads its status,
/// sends SIGTERM and times the `hook` line and the end. Returns the figures
/// `startup`, `hwm`, `threads`, `hook` (programs with a hook) and `exit`.
#[allow(clippy::cast_precision_loss)]
pub fn trial(program: &Program, path: &Path) -> Result<Vec<(&'static str, f64)>, String> {
    let ms = |duration: Duration| duration.as_secs_f64() * 1e3;
    let (mut running, startup) = Running::start(program, path)?;
    // Until the program's threads are idle.
    thread::sleep(Duration::from_millis(5));
    let hwm = running.status("VmHWM")? as f64;
    let threads = running.status("Threads")? as f64;
    let mut figures = vec![("startup", ms(startup)), ("hwm", hwm), ("threads", threads)];
    let pid = libc::pid_t::try_from(running.child.id()).map_err(|e| e.to_string())?;
    let signalled = Instant::now();
    // SAFETY: kill(2) has no memory-safety preconditions; `pid` is our
    // child, not reaped yet.
    if unsafe { libc::kill(pid, libc::SIGTERM) } != 0 {
        return Err(format!("kill: {}", std::io::Error::last_os_error()));
    }
    if program.has_hook() {
        running.expect_line("hook")?;
        figures.push(("hook", ms(signalled.elapsed())));
    }
    let status = running.child.wait().map_err(|e| format!("wait: {e}"))?;
    figures.push(("exit", ms(signalled.elapsed())));
    if status.signal() != Some(libc::SIGTERM) && status.code() != Some(128 + libc::SIGTERM) {
        return Err(format!("ended with {status}, not by SIGTERM"));
    }
    Ok(figures)
}

/// Starts every program at once, lets them settle, and returns each one's
/// context switches per second, all threads, over `window`.
pub fn wakeups(programs: &[(&Program, PathBuf)], window: Duration) -> Result<Vec<f64>, String> {
    let mut running = Vec::new();
    for (program, path) in programs {
        running.push(Running::start(program, path)?.0);
    }
    thread::sleep(Duration::from_millis(50));
    let count = Running::context_switches;
    let before: Vec<u64> = running.iter().map(count).collect::<Result<_, _>>()?;
    let started = Instant::now();
    thread::sleep(window);
    let after: Vec<u64> = running.iter().map(count).collect::<Result<_, _>>()?;
    let seconds = started.elapsed().as_secs_f64();
    #[allow(clippy::cast_precision_loss)]
    let rate = |(before, after): (u64, u64)| after.saturating_sub(before) as f64 / seconds;
    Ok(before.into_iter().zip(after).map(rate).collect())
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields() {
        let text = "Name:\tx\nVmHWM:\t    1234 kB\nThreads:\t3\nvoluntary_ctxt_switches:\t7\n";
        assert_eq!(field(text, "VmHWM"), Some(1234));
        assert_eq!(field(text, "Threads"), Some(3));
        assert_eq!(field(text, "voluntary_ctxt_switches"), Some(7));
        assert_eq!(field(text, "VmRSS"), None);
    }
}
