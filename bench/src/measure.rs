//! Spawning one measured program and timing it.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::sys;

/// Read by the measured programs: how long to stay alive after `hook`.
const HOLD_ENV: &str = "GE_BENCH_HOLD_MS";

/// A measured program that printed `ready`. Killed and reaped on drop unless
/// it was reaped already.
pub struct Running {
    pid: libc::pid_t,
    reaped: bool,
    stdout: BufReader<ChildStdout>,
    _child: Child,
}

impl Running {
    /// Spawns `path` and waits for its `ready` line. Returns the program and
    /// the time from just before `spawn` to the line. With `hold`, the
    /// program stays alive that long after printing `hook`.
    pub fn start(path: &Path, hold: Option<Duration>) -> Result<(Running, Duration), String> {
        let mut command = Command::new(path);
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        match hold {
            Some(hold) => command.env(HOLD_ENV, hold.as_millis().to_string()),
            None => command.env_remove(HOLD_ENV),
        };
        let started = Instant::now();
        let mut child = command
            .spawn()
            .map_err(|error| format!("spawn {}: {error}", path.display()))?;
        let pid = libc::pid_t::try_from(child.id()).map_err(|error| error.to_string())?;
        let Some(stdout) = child.stdout.take() else {
            return Err("no stdout pipe".to_owned());
        };
        let mut running = Running {
            pid,
            reaped: false,
            stdout: BufReader::new(stdout),
            _child: child,
        };
        running.expect_line("ready")?;
        let startup = started.elapsed();
        Ok((running, startup))
    }

    pub fn pid(&self) -> libc::pid_t {
        self.pid
    }

    /// Blocks until the next line and checks it is `want`.
    pub fn expect_line(&mut self, want: &str) -> Result<(), String> {
        let mut line = String::new();
        match self.stdout.read_line(&mut line) {
            Ok(0) => Err(format!("pid {}: stdout closed before `{want}`", self.pid)),
            Ok(_) if line.trim_end() == want => Ok(()),
            Ok(_) => Err(format!(
                "pid {}: expected `{want}`, got {:?}",
                self.pid,
                line.trim_end()
            )),
            Err(error) => Err(format!("pid {}: reading stdout: {error}", self.pid)),
        }
    }

    pub fn reap(&mut self) -> Result<sys::Reaped, String> {
        let reaped = sys::wait4(self.pid).map_err(|error| format!("wait4: {error}"))?;
        self.reaped = true;
        Ok(reaped)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if !self.reaped {
            let _ = sys::kill(self.pid, libc::SIGKILL);
            let _ = sys::wait4(self.pid);
        }
    }
}

/// One timed run of one program.
pub struct Trial {
    /// Spawn → `ready`.
    pub startup: Duration,
    /// SIGTERM → `hook` (programs with a hook only).
    pub hook: Option<Duration>,
    /// SIGTERM → `wait4` returned.
    pub exit: Duration,
    /// `VmHWM` just before SIGTERM, KiB. (Not `wait4`'s `ru_maxrss`: Linux
    /// folds the RSS of the pre-`exec` image, here the runner's, into it.)
    pub idle_hwm_kib: u64,
    /// Threads while idle.
    pub threads: u64,
}

/// Spawns the program, waits for `ready`, lets it settle, sends SIGTERM and
/// times the `hook` line and the exit.
pub fn trial(path: &Path, has_hook: bool, settle: Duration) -> Result<Trial, String> {
    let (mut running, startup) = Running::start(path, None)?;
    thread::sleep(settle);
    let status = sys::status(running.pid()).map_err(|error| format!("/proc status: {error}"))?;
    let signalled = Instant::now();
    sys::kill(running.pid(), libc::SIGTERM).map_err(|error| format!("kill: {error}"))?;
    let hook = if has_hook {
        running.expect_line("hook")?;
        Some(signalled.elapsed())
    } else {
        None
    };
    let reaped = running.reap()?;
    let exit = signalled.elapsed();
    if !sys::ended_by(reaped.status, libc::SIGTERM) {
        return Err(format!(
            "ended with {} instead of SIGTERM",
            sys::describe(reaped.status)
        ));
    }
    Ok(Trial {
        startup,
        hook,
        exit,
        idle_hwm_kib: status.hwm_kib,
        threads: status.threads,
    })
}

/// What one idle round found for one program.
pub struct Idle {
    /// Context switches per second, all threads, over the window.
    pub rate: f64,
    /// `VmHWM` after the `hook` line: the peak RSS with the shutdown path
    /// taken (programs with a hook only).
    pub hwm_after_hook_kib: Option<u64>,
}

/// Starts every program, lets them settle, and counts the context switches
/// of all their threads over `window`; then sends each SIGTERM and reads its
/// `VmHWM` after its `hook` line, while the program holds still (it was
/// started with `GE_BENCH_HOLD_MS`). Nothing here is timed. Results are in
/// the order of `programs` (path, has a hook).
pub fn idle_round(
    programs: &[(&Path, bool)],
    settle: Duration,
    window: Duration,
) -> Result<Vec<Idle>, String> {
    let hold = Duration::from_millis(300);
    let mut running = Vec::with_capacity(programs.len());
    for (path, _) in programs {
        running.push(Running::start(path, Some(hold))?.0);
    }
    thread::sleep(settle);
    let mut before = Vec::with_capacity(running.len());
    for program in &running {
        let count = sys::context_switches(program.pid()).map_err(|error| error.to_string())?;
        before.push((count, Instant::now()));
    }
    thread::sleep(window);
    let mut rates = Vec::with_capacity(running.len());
    for (program, (count, at)) in running.iter().zip(before) {
        let now = sys::context_switches(program.pid()).map_err(|error| error.to_string())?;
        let seconds = at.elapsed().as_secs_f64();
        #[allow(clippy::cast_precision_loss)]
        rates.push(now.saturating_sub(count) as f64 / seconds);
    }
    for program in &running {
        sys::kill(program.pid(), libc::SIGTERM).map_err(|error| format!("kill: {error}"))?;
    }
    let mut results = Vec::with_capacity(running.len());
    for ((program, rate), (_, has_hook)) in running.iter_mut().zip(rates).zip(programs) {
        let hwm_after_hook_kib = if *has_hook {
            program.expect_line("hook")?;
            let status = sys::status(program.pid())
                .map_err(|error| format!("/proc status after hook: {error}"))?;
            Some(status.hwm_kib)
        } else {
            None
        };
        results.push(Idle {
            rate,
            hwm_after_hook_kib,
        });
    }
    for program in &mut running {
        program.reap()?;
    }
    Ok(results)
}
