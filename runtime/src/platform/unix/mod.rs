//! Unix: the doorbell, signal dispositions, re-raising, `_exit`, unlocked
//! writes to stderr, and reaping.

pub(crate) mod children;
mod doorbell;

pub(crate) use self::doorbell::Doorbell;

#[cfg(feature = "ctrlc")]
mod ctrlc;
#[cfg(feature = "ctrlc")]
pub(crate) use self::ctrlc::{can_handle, install_handlers, BACKEND};

#[cfg(all(feature = "signal-hook", not(feature = "ctrlc")))]
mod signal_hook;
#[cfg(all(feature = "signal-hook", not(feature = "ctrlc")))]
pub(crate) use self::signal_hook::{can_handle, install_handlers, BACKEND};

#[cfg(not(any(feature = "signal-hook", feature = "ctrlc")))]
compile_error!(
    "graceful-exit needs a signal backend on Unix: enable the `signal-hook` feature (the default) or `ctrlc`"
);

use std::io;
use std::time::Duration;

use libc::c_int;

use crate::Signal;

/// Waits until `fd` (or `also`) is readable or `timeout` passes.
fn poll_in(fd: c_int, also: Option<c_int>, timeout: Option<Duration>) -> bool {
    let mut entries = [
        libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        },
        libc::pollfd {
            // A negative descriptor is skipped by poll(2).
            fd: also.unwrap_or(-1),
            events: libc::POLLIN,
            revents: 0,
        },
    ];
    poll_entries(&mut entries, timeout)
}

fn poll(fd: c_int, events: libc::c_short, timeout: Option<Duration>) -> bool {
    poll_entries(
        &mut [libc::pollfd {
            fd,
            events,
            revents: 0,
        }],
        timeout,
    )
}

/// poll(2) on `entries`, retried on `EINTR`: whether any is ready for what
/// it asked.
fn poll_entries(entries: &mut [libc::pollfd], timeout: Option<Duration>) -> bool {
    let millis = timeout.map_or(-1, |timeout| {
        // Rounded up, so a wait never ends before its time.
        let millis = timeout.as_nanos().div_ceil(1_000_000);
        c_int::try_from(millis).unwrap_or(c_int::MAX)
    });
    let count = libc::nfds_t::try_from(entries.len()).unwrap_or(0);
    loop {
        // SAFETY: `entries` is a live, writable slice of `pollfd`s of the
        // given length.
        let ready = unsafe { libc::poll(entries.as_mut_ptr(), count, millis) };
        if ready >= 0 {
            return ready > 0
                && entries
                    .iter()
                    .any(|entry| entry.revents & entry.events != 0);
        }
        if io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
            return false;
        }
    }
}

/// A signal's disposition, saved to be put back later.
pub(crate) struct Disposition(libc::sigaction);

/// The current disposition of `number`, or `None` if it cannot be read.
pub(crate) fn disposition(number: c_int) -> Option<Disposition> {
    // SAFETY: `sigaction` with a null `act` only reads the current
    // disposition into `old`, a zero-initialised struct of the right type
    // that lives for the whole call. It changes nothing.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        (libc::sigaction(number, std::ptr::null(), &mut old) == 0).then_some(Disposition(old))
    }
}

impl Disposition {
    /// Whether this is `SIG_IGN`: whoever started us wanted it ignored.
    pub(crate) fn is_ignored(&self) -> bool {
        self.0.sa_sigaction == libc::SIG_IGN
    }

    /// Puts this disposition back for `number`.
    pub(crate) fn restore(&self, number: c_int) -> io::Result<()> {
        // SAFETY: `self.0` is a disposition the kernel gave us (or one built
        // from it); installing it is always valid. `old` may be null.
        let result = unsafe { libc::sigaction(number, &self.0, std::ptr::null_mut()) };
        if result == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }
}

/// Restores the default action of `signal`, unblocks it and raises it.
/// Returns only if that did not end the process.
pub(crate) fn die_by_signal(signal: Signal) {
    let number = signal.number();
    // SAFETY: all calls take valid arguments: a zeroed `sigaction` with
    // `SIG_DFL` (an empty mask and no flags), a sigset built with
    // sigemptyset/sigaddset on a local, and a null pointer for the old mask.
    // Errors only mean the signal will not kill us; the caller handles that.
    unsafe {
        let mut default: libc::sigaction = std::mem::zeroed();
        default.sa_sigaction = libc::SIG_DFL;
        libc::sigemptyset(&mut default.sa_mask);
        libc::sigaction(number, &default, std::ptr::null_mut());
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, number);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::raise(number);
    }
}

/// Ends the process now with `code`, running no exit handlers and flushing
/// nothing.
pub(crate) fn exit_now(code: i32) -> ! {
    // SAFETY: _exit(2) takes an integer and never returns; it touches no
    // memory of ours.
    unsafe { libc::_exit(code) }
}

/// Writes `bytes` to file descriptor 2 without std's stderr lock. With
/// `wait = false` it writes only what the descriptor takes now (checked
/// with `poll`) and never blocks. Returns whether everything was written.
pub(crate) fn write_stderr(mut bytes: &[u8], wait: bool) -> bool {
    const STDERR: c_int = 2;
    while !bytes.is_empty() {
        if !wait && !poll(STDERR, libc::POLLOUT, Some(Duration::ZERO)) {
            return false;
        }
        // SAFETY: writes from a live slice, with its own length.
        let written = unsafe { libc::write(STDERR, bytes.as_ptr().cast(), bytes.len()) };
        match usize::try_from(written) {
            Ok(0) => return false,
            Ok(count) => bytes = &bytes[count.min(bytes.len())..],
            Err(_) if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
    true
}

/// The signals sent to the process and not yet handled, one bit per
/// signal number, as the calling thread sees them: only signals it blocks
/// (the runtime's threads block every handled one).
pub(crate) fn pending_signals() -> u64 {
    // SAFETY: `set` is a zeroed local initialised with sigemptyset;
    // sigpending only writes it, sigismember only reads it.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        if libc::sigpending(&mut set) != 0 {
            return 0;
        }
        (1..64).fold(0, |bits, number: c_int| {
            if libc::sigismember(&set, number) == 1 {
                bits | 1 << number
            } else {
                bits
            }
        })
    }
}

/// Reaps every child that has exited, without blocking.
pub(crate) fn reap_children() {
    loop {
        let mut status: c_int = 0;
        // SAFETY: `waitpid` with `WNOHANG` never blocks; `status` is a valid,
        // writable `c_int` for the duration of the call.
        let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
        if pid <= 0 {
            break;
        }
    }
}

/// `CLOCK_MONOTONIC` in microseconds, as systemd's `MONOTONIC_USEC=` wants.
#[cfg_attr(not(feature = "systemd"), allow(dead_code))]
pub(crate) fn monotonic_micros() -> u64 {
    // SAFETY: `now` is a live, writable `timespec`, as clock_gettime(2)
    // requires; CLOCK_MONOTONIC always exists.
    let now = unsafe {
        let mut now: libc::timespec = std::mem::zeroed();
        libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut now);
        now
    };
    let seconds = u64::try_from(now.tv_sec).unwrap_or(0);
    let nanos = u64::try_from(now.tv_nsec).unwrap_or(0);
    seconds
        .saturating_mul(1_000_000)
        .saturating_add(nanos / 1_000)
}

/// Blocks signals on the calling thread until the guard drops (then the
/// previous mask comes back and pending signals are delivered). Threads
/// started meanwhile keep the signals blocked for good.
pub(crate) struct Blocked(libc::sigset_t);

impl Blocked {
    pub(crate) fn new(numbers: &[c_int]) -> Blocked {
        // SAFETY: both sets are zeroed locals initialised with sigemptyset
        // before use; pthread_sigmask only reads `set` and writes `old`.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            for number in numbers {
                libc::sigaddset(&mut set, *number);
            }
            let mut old: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut old);
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut old);
            Blocked(old)
        }
    }
}

impl Drop for Blocked {
    fn drop(&mut self) {
        // SAFETY: `self.0` is the mask pthread_sigmask gave us; setting it
        // back is always valid.
        unsafe {
            libc::pthread_sigmask(libc::SIG_SETMASK, &self.0, std::ptr::null_mut());
        }
    }
}

/// The signal that says a child exited, for `reap_zombies`.
pub(crate) const CHILD_SIGNAL: Option<c_int> = Some(libc::SIGCHLD);
