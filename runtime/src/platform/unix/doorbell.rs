//! The doorbell: a non-blocking, close-on-exec self-pipe one thread blocks
//! on and anyone may ring, a signal handler included; on Linux with a
//! timerfd beside it, so the watchdog can be armed for later without being
//! woken now.

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
#[cfg(any(target_os = "linux", target_os = "android"))]
use std::sync::Mutex;
use std::time::{Duration, Instant};

use libc::c_int;

use super::poll_in;

/// A self-pipe: `ring` writes a byte, `wait` polls and drains. Both ends are
/// non-blocking and close-on-exec. On Linux a doorbell made
/// [`with_alarm`](Doorbell::with_alarm) also holds a timerfd, so that
/// [`arm`](Doorbell::arm) sets a wake-up for later without waking the
/// waiter now (elsewhere `arm` rings, and the waiter recomputes its timeout).
pub(crate) struct Doorbell {
    read: OwnedFd,
    write: OwnedFd,
    alarm: Option<Alarm>,
}

impl Doorbell {
    pub(crate) fn new() -> io::Result<Doorbell> {
        let (read, write) = pipe()?;
        Ok(Doorbell {
            read,
            write,
            alarm: None,
        })
    }

    /// A doorbell that can also be armed for later (the watchdog's).
    pub(crate) fn with_alarm() -> io::Result<Doorbell> {
        let mut doorbell = Doorbell::new()?;
        doorbell.alarm = Alarm::new();
        Ok(doorbell)
    }

    /// Wakes the waiter. Async-signal-safe: one `write(2)`; a full pipe
    /// means it is rung already.
    pub(crate) fn ring(&self) {
        // SAFETY: writes one byte from a live local to a descriptor this
        // doorbell owns; write(2) is async-signal-safe.
        unsafe {
            libc::write(self.write.as_raw_fd(), [1u8].as_ptr().cast(), 1);
        }
    }

    /// Makes the waiter look again by `at` at the latest.
    pub(crate) fn arm(&self, at: Instant) {
        match &self.alarm {
            Some(alarm) => alarm.set_no_later_than(at),
            None => self.ring(),
        }
    }

    /// Blocks until rung, until the alarm goes off, or until `timeout`
    /// passes (`None`: no limit). Returns whether it was rung or alarmed.
    pub(crate) fn wait(&self, timeout: Option<Duration>) -> bool {
        let alarm = self.alarm.as_ref().map(Alarm::raw);
        let woken = poll_in(self.read.as_raw_fd(), alarm, timeout);
        if woken {
            drain(self.read.as_raw_fd());
            if let Some(alarm) = alarm {
                drain(alarm);
            }
        }
        woken
    }

    /// The read end, readable once rung (and, if never drained, for good).
    pub(crate) fn fd(&self) -> BorrowedFd<'_> {
        self.read.as_fd()
    }
}

/// Reads whatever a non-blocking descriptor holds.
fn drain(fd: c_int) {
    let mut buffer = [0u8; 64];
    // SAFETY: reads into a live local buffer of the given length from a
    // non-blocking descriptor the caller owns.
    while unsafe { libc::read(fd, buffer.as_mut_ptr().cast(), buffer.len()) } > 0 {}
}

/// A timerfd (Linux): armed by one thread, it wakes another without a
/// wake-up now.
#[cfg(any(target_os = "linux", target_os = "android"))]
struct Alarm {
    fd: OwnedFd,
    /// Serialises `set_no_later_than` so an earlier wake-up is never
    /// replaced by a later one.
    arming: Mutex<()>,
}

#[cfg(any(target_os = "linux", target_os = "android"))]
impl Alarm {
    fn new() -> Option<Alarm> {
        // SAFETY: timerfd_create(2) takes integer flags and returns a new
        // descriptor or -1.
        let fd = unsafe {
            libc::timerfd_create(
                libc::CLOCK_MONOTONIC,
                libc::TFD_NONBLOCK | libc::TFD_CLOEXEC,
            )
        };
        // SAFETY: a descriptor timerfd_create just returned belongs to us.
        (fd >= 0).then(|| Alarm {
            fd: unsafe { OwnedFd::from_raw_fd(fd) },
            arming: Mutex::new(()),
        })
    }

    fn raw(&self) -> c_int {
        self.fd.as_raw_fd()
    }

    /// Sets the timer to go off by `at`, unless it already goes off sooner.
    fn set_no_later_than(&self, at: Instant) {
        let _arming = self
            .arming
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // At least a nanosecond: a zero value would disarm the timer.
        let left = at
            .saturating_duration_since(Instant::now())
            .max(Duration::from_nanos(1));
        // SAFETY: `current` is a live, writable `itimerspec`, as
        // timerfd_gettime(2) requires, on a timerfd we own.
        let current = unsafe {
            let mut current: libc::itimerspec = std::mem::zeroed();
            libc::timerfd_gettime(self.raw(), &mut current);
            current.it_value
        };
        let pending = current.tv_sec != 0 || current.tv_nsec != 0;
        let pending_left = Duration::new(
            u64::try_from(current.tv_sec).unwrap_or(0),
            u32::try_from(current.tv_nsec).unwrap_or(0),
        );
        if pending && pending_left <= left {
            return;
        }
        let value = libc::itimerspec {
            it_interval: libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            },
            it_value: libc::timespec {
                tv_sec: libc::time_t::try_from(left.as_secs()).unwrap_or(libc::time_t::MAX),
                // Below 10^9: fits a `c_long` everywhere.
                tv_nsec: left.subsec_nanos() as libc::c_long,
            },
        };
        // SAFETY: `value` is a live `itimerspec`; the old value may be null.
        unsafe {
            libc::timerfd_settime(self.raw(), 0, &value, std::ptr::null_mut());
        }
    }
}

/// No timerfd here: `arm` rings the doorbell instead.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
enum Alarm {}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
impl Alarm {
    fn new() -> Option<Alarm> {
        None
    }

    fn raw(&self) -> c_int {
        match *self {}
    }

    fn set_no_later_than(&self, _at: Instant) {
        match *self {}
    }
}

/// A pipe, both ends non-blocking and close-on-exec.
fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as c_int; 2];
    if make_pipe(&mut fds) != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the pipe was made, so both descriptors are open and owned by
    // nobody else; each `OwnedFd` closes its own.
    let ends = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    finish_pipe(&ends)?;
    Ok(ends)
}

// Apple's systems have no `pipe2(2)`; every other Unix we build for does.
#[cfg(not(target_vendor = "apple"))]
fn make_pipe(fds: &mut [c_int; 2]) -> c_int {
    // SAFETY: `fds` is a writable array of two `c_int`s, as pipe2(2)
    // requires; the flags are plain integers.
    unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) }
}

#[cfg(not(target_vendor = "apple"))]
fn finish_pipe(_ends: &(OwnedFd, OwnedFd)) -> io::Result<()> {
    Ok(())
}

#[cfg(target_vendor = "apple")]
fn make_pipe(fds: &mut [c_int; 2]) -> c_int {
    // SAFETY: `fds` is a writable array of two `c_int`s, as pipe(2)
    // requires.
    unsafe { libc::pipe(fds.as_mut_ptr()) }
}

/// No `pipe2` here: the flags are set after the fact.
#[cfg(target_vendor = "apple")]
fn finish_pipe((read, write): &(OwnedFd, OwnedFd)) -> io::Result<()> {
    for fd in [read.as_raw_fd(), write.as_raw_fd()] {
        // SAFETY: fcntl(2) on a descriptor we own, with integer arguments
        // only.
        let ok = unsafe {
            let flags = libc::fcntl(fd, libc::F_GETFL);
            flags >= 0
                && libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) == 0
                && libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) == 0
        };
        if !ok {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}
