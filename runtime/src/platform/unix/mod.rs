//! Unix: the doorbell (a non-blocking self-pipe), signal dispositions,
//! re-raising, `_exit`, unlocked writes to stderr, and reaping.

pub(crate) mod children;

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
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
#[cfg(any(target_os = "linux", target_os = "android"))]
use std::sync::Mutex;
use std::time::{Duration, Instant};

use libc::c_int;

use crate::Signal;

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
