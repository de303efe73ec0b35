//! The few Linux calls the runner needs: `kill`, `wait4` and `/proc` reads.

use std::fs;
use std::io;

/// A child's end, as `wait4` reports it.
///
/// `ru_maxrss` is deliberately not used for the RSS figures: on Linux it also
/// holds the high-water mark of the image the child replaced at `exec` (the
/// runner's address space, shared by `posix_spawn`'s vfork), so every
/// program would report the runner's size. The RSS figures come from
/// `/proc/<pid>/status` `VmHWM` instead.
pub struct Reaped {
    /// The raw wait status.
    pub status: libc::c_int,
}

pub fn kill(pid: libc::pid_t, signal: libc::c_int) -> io::Result<()> {
    // SAFETY: kill(2) has no memory-safety preconditions.
    if unsafe { libc::kill(pid, signal) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Blocks until `pid` ends, and reaps it.
pub fn wait4(pid: libc::pid_t) -> io::Result<Reaped> {
    loop {
        let mut status: libc::c_int = 0;
        // SAFETY: `rusage` is plain data, zeroed, and both out-pointers are
        // valid for the duration of the call.
        let rc = unsafe {
            let mut usage: libc::rusage = std::mem::zeroed();
            libc::wait4(pid, &mut status, 0, &mut usage)
        };
        if rc == pid {
            return Ok(Reaped { status });
        }
        let error = io::Error::last_os_error();
        if error.kind() != io::ErrorKind::Interrupted {
            return Err(error);
        }
    }
}

/// `true` when the status says the process died by `signal` or exited with
/// `128 + signal` (the shell's way of reporting the same thing).
pub fn ended_by(status: libc::c_int, signal: libc::c_int) -> bool {
    (libc::WIFSIGNALED(status) && libc::WTERMSIG(status) == signal)
        || (libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 128 + signal)
}

pub fn describe(status: libc::c_int) -> String {
    if libc::WIFSIGNALED(status) {
        format!("killed by signal {}", libc::WTERMSIG(status))
    } else if libc::WIFEXITED(status) {
        format!("exit code {}", libc::WEXITSTATUS(status))
    } else {
        format!("wait status {status:#x}")
    }
}

/// What `/proc/<pid>/status` says about memory and threads.
pub struct Status {
    /// `VmHWM`: the peak RSS so far, in KiB.
    pub hwm_kib: u64,
    /// `Threads`.
    pub threads: u64,
}

fn field(text: &str, name: &str) -> Option<u64> {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
}

pub fn status(pid: libc::pid_t) -> io::Result<Status> {
    let text = fs::read_to_string(format!("/proc/{pid}/status"))?;
    let missing = |name: &str| io::Error::other(format!("no {name} in /proc/{pid}/status"));
    Ok(Status {
        hwm_kib: field(&text, "VmHWM").ok_or_else(|| missing("VmHWM"))?,
        threads: field(&text, "Threads").ok_or_else(|| missing("Threads"))?,
    })
}

/// Voluntary + involuntary context switches of every thread of `pid`.
///
/// `/proc/<pid>/status` counts only the main thread, so this sums
/// `/proc/<pid>/task/*/status`: a runtime's idle wake-ups happen on its own
/// threads.
pub fn context_switches(pid: libc::pid_t) -> io::Result<u64> {
    let mut total = 0;
    for task in fs::read_dir(format!("/proc/{pid}/task"))? {
        let path = task?.path().join("status");
        // A thread that ended between read_dir and here has nothing to add.
        let Ok(text) = fs::read_to_string(&path) else {
            continue;
        };
        total += field(&text, "voluntary_ctxt_switches").unwrap_or(0);
        total += field(&text, "nonvoluntary_ctxt_switches").unwrap_or(0);
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields() {
        let text = "Name:\tx\nVmHWM:\t    1234 kB\nThreads:\t3\nvoluntary_ctxt_switches:\t7\nnonvoluntary_ctxt_switches:\t2\n";
        assert_eq!(field(text, "VmHWM"), Some(1234));
        assert_eq!(field(text, "Threads"), Some(3));
        assert_eq!(field(text, "voluntary_ctxt_switches"), Some(7));
        assert_eq!(field(text, "nonvoluntary_ctxt_switches"), Some(2));
        assert_eq!(field(text, "VmRSS"), None);
    }
}
