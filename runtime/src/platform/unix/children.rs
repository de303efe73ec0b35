//! The system calls behind `crate::process` on Unix: signalling a child (or
//! the process group it leads) and waiting for it to exit without reaping it.
//!
//! Callers guarantee that `pid` is a child of this process that has not been
//! reaped yet (they hold its `std::process::Child` and `try_wait` returned
//! `None`), so the pid cannot have been reused by another process.

use std::io;

use libc::{c_int, pid_t};

/// How to ask a child to stop.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Stop {
    /// `SIGTERM`: finish up and exit.
    Term,
    /// `SIGKILL`: cannot be caught.
    Kill,
}

impl Stop {
    fn number(self) -> c_int {
        match self {
            Stop::Term => libc::SIGTERM,
            Stop::Kill => libc::SIGKILL,
        }
    }
}

fn to_pid(pid: u32) -> io::Result<pid_t> {
    pid_t::try_from(pid).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))
}

/// Sends `stop` to the child `pid`, or to its whole process group when the
/// child leads one (it was started with `process_group(0)` or called
/// `setsid`), so its own children stop with it. A child that is already gone
/// is not an error.
pub(crate) fn send(pid: u32, stop: Stop) -> io::Result<()> {
    let pid = to_pid(pid)?;
    // SAFETY: getpgid(2) only reads the process table; no memory is passed.
    let group = unsafe { libc::getpgid(pid) };
    let target = if group == pid { -pid } else { pid };
    // SAFETY: kill(2) has no memory-safety preconditions; `target` names our
    // unreaped child or the group it leads (see the module docs).
    if unsafe { libc::kill(target, stop.number()) } == 0 {
        return Ok(());
    }
    let error = io::Error::last_os_error();
    if error.raw_os_error() == Some(libc::ESRCH) {
        Ok(())
    } else {
        Err(error)
    }
}

/// Blocks until the child `pid` has exited, leaving it to be reaped by
/// `Child::try_wait` (so its exit status stays with the `Child`).
pub(crate) fn wait_exited(pid: u32) -> io::Result<()> {
    let pid = libc::id_t::try_from(to_pid(pid)?)
        .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    loop {
        // SAFETY: `info` is a zero-initialised `siginfo_t` that outlives the
        // call, as waitid(2) requires; `WNOWAIT` leaves the child unreaped.
        let result = unsafe {
            let mut info: libc::siginfo_t = std::mem::zeroed();
            libc::waitid(libc::P_PID, pid, &mut info, libc::WEXITED | libc::WNOWAIT)
        };
        if result == 0 {
            return Ok(());
        }
        let error = io::Error::last_os_error();
        if error.kind() != io::ErrorKind::Interrupted {
            return Err(error);
        }
    }
}

/// Sends signal `number` to process `pid` (for the test harness: its own
/// child, alive while the harness holds it).
#[cfg_attr(not(feature = "harness"), allow(dead_code))]
pub(crate) fn kill(pid: u32, number: c_int) -> io::Result<()> {
    let pid = to_pid(pid)?;
    // SAFETY: kill(2) has no memory-safety preconditions.
    if unsafe { libc::kill(pid, number) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}
