//! Child processes that stop when the program stops.
//!
//! A program that spawns children (a helper daemon, a worker per job, a
//! `ffmpeg` or `sleep` it waits for) should stop them when it shuts down,
//! and reap them: otherwise they outlive it, keep ports and files busy, or
//! linger as zombies. [`stop_on_shutdown`] takes the [`Child`] and registers
//! a shutdown hook that stops it:
//!
//! 1. `SIGTERM` to the child, or to its whole process group if it leads one
//!    (see below), so it can finish up;
//! 2. wait up to `grace` for it to exit;
//! 3. if it has not, `SIGKILL` (reported on stderr, naming the child), and
//!    wait for it;
//! 4. reap it, so no zombie remains. Its exit status stays available from
//!    the returned [`ManagedChild`].
//!
//! The hook is an ordinary run-time hook (as with
//! [`on_shutdown_fn`](crate::on_shutdown_fn)): it runs once, in `order`
//! among the others, within the shutdown deadline; keep `grace` well below
//! that deadline. On Windows, which has no `SIGTERM` for arbitrary
//! processes, the child is terminated at once (`Child::kill`) and reaped.
//!
//! ```no_run
//! # use graceful_exit_runtime as graceful_exit;
//! use std::process::Command;
//! use std::time::Duration;
//! use graceful_exit::process;
//!
//! // `main` under `#[graceful_main]`, or the closure given to `Config::run`.
//! fn real_main() -> std::io::Result<()> {
//!     let mut command = Command::new("my-helper");
//!     process::own_process_group(&mut command);
//!     let helper = process::stop_on_shutdown(command.spawn()?, "my-helper", 0, Duration::from_secs(3));
//!     // Ends when the helper exits on its own, or when shutdown has stopped it.
//!     let status = helper.wait()?;
//!     eprintln!("helper ended: {status}");
//!     Ok(())
//! }
//! # fn main() { graceful_exit::Config::new().run(real_main) }
//! ```
//!
//! # Ctrl-C, process groups and [`own_process_group`]
//!
//! A child inherits its parent's process group. In a terminal, Ctrl-C sends
//! `SIGINT` to every process of the foreground group at once: the program
//! *and* all its children. The children then die (or start their own
//! cleanup) while the program's hooks are still starting, so the program
//! cannot choose the order (let a worker finish its item, drain its pipe,
//! stop it after the jobs that feed it), sees children fail with `SIGINT`
//! statuses it must treat as errors, and behaves differently under Ctrl-C
//! than under `kill` or `docker stop`, which signal the program alone (as
//! systemd does with `KillMode=mixed`).
//!
//! [`own_process_group`] starts the child in a new process group
//! (`process_group(0)`), so the terminal's signals reach only the program,
//! whose shutdown then stops the child with `SIGTERM` in hook order. One
//! path for every way of stopping. Because the child leads its group, the
//! `SIGTERM` and `SIGKILL` go to the whole group: a shell script's own
//! children stop with it.
//!
//! The price: a child in its own group is outside the terminal's foreground
//! group, so it must not read from the terminal (it would be stopped by
//! `SIGTTIN`) and Ctrl-Z does not reach it; keep interactive children (an
//! editor, a pager, `ssh`) in the program's group. And if the program dies
//! without a shutdown (`SIGKILL`, an abort), such a child runs on until
//! something else stops it; under systemd or in a container, the end of the
//! service's cgroup or of the container does.
//!
//! On Windows the helper sets `CREATE_NEW_PROCESS_GROUP`, which likewise
//! keeps Ctrl-C from reaching the child.
//!
//! **Caveat:** with `reap_zombies = true` as PID 1 the reaper may collect the
//! child's status first; waiting for it then fails with `ECHILD`.
#![forbid(unsafe_code)]

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::process::{Child, Command, ExitStatus};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::duration::{DurationText, Elapsed};
use crate::hooks::Action;
use crate::output;
use crate::Hook;

/// Makes `command` start its child in a new process group, so a terminal's
/// Ctrl-C (or `SIGQUIT`, Ctrl-Z) reaches only this program, which then
/// stops the child itself: see [the module docs](self) for why and when not.
///
/// On Unix this is `CommandExt::process_group(0)`. On Windows it sets the
/// creation flags to `CREATE_NEW_PROCESS_GROUP`, replacing any set before.
/// Elsewhere it does nothing. Returns `command` for chaining.
pub fn own_process_group(command: &mut Command) -> &mut Command {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0)
    }
    #[cfg(windows)]
    {
        use std::os::windows::process::CommandExt;
        const CREATE_NEW_PROCESS_GROUP: u32 = 0x0000_0200;
        command.creation_flags(CREATE_NEW_PROCESS_GROUP)
    }
    #[cfg(not(any(unix, windows)))]
    {
        command
    }
}

/// Stops `child` when shutdown starts: `SIGTERM`, up to `grace` to exit,
/// then `SIGKILL`; then reaps it. See [the module docs](self).
///
/// Registers a run-time hook named `name` (a `&'static str` or a `String`)
/// at `order` (as [`on_shutdown_fn`](crate::on_shutdown_fn) does) and returns a handle to
/// the child for waiting on it or stopping it earlier. Take the child's
/// `stdin`/`stdout`/`stderr` out of it before, if you need them.
///
/// If shutdown has already started, the child is stopped at once, on the
/// calling thread. Problems (the child needed `SIGKILL`, a signal or wait
/// failed) are reported with `name`; they do not stop the other hooks.
pub fn stop_on_shutdown(
    child: Child,
    name: impl Into<Cow<'static, str>>,
    order: i32,
    grace: Duration,
) -> ManagedChild {
    let managed = ManagedChild::new(child, name.into());
    let hook = managed.clone();
    let action = Action::Once(Box::new(move |_reason| {
        hook.stop_and_report(grace);
        Ok(())
    }));
    let registered = Hook::new(managed.inner.name.clone())
        .order(order)
        .try_register(action);
    if registered.is_err() {
        // The shutdown has started: its hooks are taken, so do the job now.
        managed.stop_and_report(grace);
    }
    managed
}

/// A child process that is stopped when shutdown starts; returned by
/// [`stop_on_shutdown`].
///
/// Clones share the same child. The child is reaped by whichever call sees
/// it exit first, and its exit status is kept, so [`ManagedChild::wait`],
/// [`ManagedChild::try_wait`] and the shutdown hook all report the same one.
#[derive(Clone)]
pub struct ManagedChild {
    inner: Arc<Inner>,
}

struct Inner {
    child: Mutex<Child>,
    id: u32,
    name: Cow<'static, str>,
}

/// How [`ManagedChild::stop_inner`] ended the child.
enum Stopped {
    /// It had exited before we asked.
    Already(ExitStatus),
    /// It exited after `SIGTERM` (on Windows: after `Child::kill`).
    Asked(ExitStatus),
    /// It needed `SIGKILL`.
    #[cfg_attr(not(unix), allow(dead_code))]
    Killed(ExitStatus),
}

impl ManagedChild {
    fn new(child: Child, name: Cow<'static, str>) -> ManagedChild {
        ManagedChild {
            inner: Arc::new(Inner {
                id: child.id(),
                child: Mutex::new(child),
                name,
            }),
        }
    }

    /// The child's process id.
    pub fn id(&self) -> u32 {
        self.inner.id
    }

    /// The name given to [`stop_on_shutdown`].
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The child's exit status if it has exited (reaping it), `None` if it
    /// is still running. Like [`Child::try_wait`].
    pub fn try_wait(&self) -> io::Result<Option<ExitStatus>> {
        self.lock().try_wait()
    }

    /// Blocks until the child has exited, on its own or stopped by the
    /// shutdown hook, and returns its exit status. Like [`Child::wait`], but
    /// other clones, and the hook, can still use the child meanwhile.
    pub fn wait(&self) -> io::Result<ExitStatus> {
        loop {
            if let Some(status) = self.try_wait()? {
                return Ok(status);
            }
            if let Err(error) = wait_exited(self.inner.id) {
                // Reaped meanwhile through another clone: the status is kept.
                return match self.try_wait()? {
                    Some(status) => Ok(status),
                    None => Err(error),
                };
            }
        }
    }

    /// Stops the child now, as the shutdown hook would: `SIGTERM` (to its
    /// process group if it leads one), up to `grace` to exit, then
    /// `SIGKILL`; reaps it and returns its exit status. Does nothing but
    /// return the status if it has already exited, so the hook that runs
    /// later finds nothing to do. On Windows the child is killed at once.
    pub fn stop(&self, grace: Duration) -> io::Result<ExitStatus> {
        self.stop_inner(grace).map(|stopped| match stopped {
            Stopped::Already(status) | Stopped::Asked(status) | Stopped::Killed(status) => status,
        })
    }

    /// The shutdown hook: stops the child and reports how that went.
    fn stop_and_report(&self, grace: Duration) {
        let started = Instant::now();
        let (name, id) = (&self.inner.name, self.inner.id);
        match self.stop_inner(grace) {
            Ok(Stopped::Already(status)) => output::debug(format_args!(
                "child `{name}` (pid {id}) had already exited: {status}"
            )),
            Ok(Stopped::Asked(status)) => output::debug(format_args!(
                "child `{name}` (pid {id}) stopped in {}: {status}",
                Elapsed(started.elapsed())
            )),
            Ok(Stopped::Killed(status)) => output::error(format_args!(
                "child `{name}` (pid {id}) did not exit within {} of SIGTERM: killed ({status})",
                DurationText(Some(grace))
            )),
            Err(error) => output::error(format_args!(
                "could not stop child `{name}` (pid {id}): {error}"
            )),
        }
    }

    #[cfg(unix)]
    fn stop_inner(&self, grace: Duration) -> io::Result<Stopped> {
        use crate::platform::children::{send, Stop};

        let id = self.inner.id;
        let started = Instant::now();
        {
            // Checked and signalled under the lock: nobody can reap the child
            // in between, so its pid cannot have been reused.
            let mut child = self.lock();
            if let Some(status) = child.try_wait()? {
                return Ok(Stopped::Already(status));
            }
            send(id, Stop::Term)?;
        }
        let deadline = started.checked_add(grace);
        let mut pause = Duration::from_millis(1);
        loop {
            if let Some(status) = self.try_wait()? {
                return Ok(Stopped::Asked(status));
            }
            let now = Instant::now();
            let left = match deadline {
                Some(deadline) if now >= deadline => break,
                Some(deadline) => deadline - now,
                None => pause,
            };
            std::thread::sleep(pause.min(left));
            pause = (pause * 2).min(MAX_PAUSE);
        }
        let mut child = self.lock();
        if let Some(status) = child.try_wait()? {
            return Ok(Stopped::Asked(status));
        }
        send(id, Stop::Kill)?;
        child.wait().map(Stopped::Killed)
    }

    #[cfg(not(unix))]
    fn stop_inner(&self, _grace: Duration) -> io::Result<Stopped> {
        let mut child = self.lock();
        if let Some(status) = child.try_wait()? {
            return Ok(Stopped::Already(status));
        }
        child.kill()?;
        child.wait().map(Stopped::Asked)
    }

    fn lock(&self) -> MutexGuard<'_, Child> {
        // A panic while holding the lock leaves the `Child` intact.
        self.inner
            .child
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for ManagedChild {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManagedChild")
            .field("name", &self.inner.name)
            .field("id", &self.inner.id)
            .finish_non_exhaustive()
    }
}

/// The longest pause between two checks while a stopping child has time to
/// exit.
#[cfg(unix)]
const MAX_PAUSE: Duration = Duration::from_millis(20);

/// Blocks until the child `id` has exited, without reaping it.
#[cfg(unix)]
fn wait_exited(id: u32) -> io::Result<()> {
    crate::platform::children::wait_exited(id)
}

/// Without `waitid`, checks every few milliseconds.
#[cfg(not(unix))]
fn wait_exited(_id: u32) -> io::Result<()> {
    std::thread::sleep(Duration::from_millis(10));
    Ok(())
}
