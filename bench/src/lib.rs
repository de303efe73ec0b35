//! What the measured programs (`src/bin/*.rs`) have in common, so that each
//! program holds only what sets it apart: how it handles the signal and
//! where it idles.
//!
//! Every program prints `ready` once it handles SIGINT, SIGTERM and SIGHUP,
//! idles blocked (never polling), and on SIGTERM runs one hook that prints
//! `hook`, then ends by the signal (or exits with 143).

use std::io::Write;

/// Prints `word` on a line of its own, flushed: `ready` once the program
/// handles signals, `hook` from its one hook. The runner's clocks stop on
/// these lines.
pub fn say(word: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{word}");
    let _ = out.flush();
}

/// Idles for good, the way a program whose `main` waits on something that
/// has nothing to do with signals does: parked (a futex wait on Linux).
pub fn idle() -> ! {
    loop {
        std::thread::park();
    }
}

/// `main` of a program that exists only on Unix, on other platforms.
pub fn unix_only() -> ! {
    eprintln!("this benchmark program runs only on Unix");
    std::process::exit(2)
}

/// The floor: a raw `sigaction` handler and a self-pipe, nothing but libc.
///
/// The handler writes the signal number (one byte) to a pipe; whoever blocks
/// in [`raw::wait`] on the other end runs the hook.
#[cfg(unix)]
pub mod raw {
    use std::io;
    use std::ptr::{addr_of, addr_of_mut};
    use std::sync::atomic::{AtomicI32, Ordering};

    #[cfg(any(target_os = "linux", target_os = "android"))]
    use libc::__errno_location as errno_location;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    use libc::__error as errno_location;

    static WRITE_FD: AtomicI32 = AtomicI32::new(-1);

    extern "C" fn on_signal(signal: libc::c_int) {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let byte = signal as u8;
        // SAFETY: only async-signal-safe work: write(2) of one byte from a
        // local, and saving/restoring this thread's errno around it.
        unsafe {
            let errno = *errno_location();
            libc::write(WRITE_FD.load(Ordering::Relaxed), addr_of!(byte).cast(), 1);
            *errno_location() = errno;
        }
    }

    /// Installs the handler for SIGINT, SIGTERM and SIGHUP and returns the
    /// pipe's read end.
    pub fn install() -> libc::c_int {
        let mut fds = [0 as libc::c_int; 2];
        // SAFETY: `fds` has room for the two descriptors pipe(2) writes.
        let rc = unsafe { libc::pipe(fds.as_mut_ptr()) };
        assert_eq!(rc, 0, "pipe: {}", io::Error::last_os_error());
        // SAFETY: fcntl(2) on a descriptor this function just created. A
        // non-blocking write end means a full pipe cannot hang the handler.
        let rc = unsafe { libc::fcntl(fds[1], libc::F_SETFL, libc::O_NONBLOCK) };
        assert_eq!(rc, 0, "fcntl: {}", io::Error::last_os_error());
        WRITE_FD.store(fds[1], Ordering::Relaxed);
        for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            // SAFETY: a zeroed sigaction is valid; it gets a handler of the
            // right type and an empty mask.
            let rc = unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
                action.sa_flags = libc::SA_RESTART;
                libc::sigemptyset(&mut action.sa_mask);
                libc::sigaction(signal, &action, std::ptr::null_mut())
            };
            assert_eq!(rc, 0, "sigaction: {}", io::Error::last_os_error());
        }
        fds[0]
    }

    /// Blocks in read(2) until the handler writes; returns the signal.
    pub fn wait(read_fd: libc::c_int) -> libc::c_int {
        let mut byte = 0u8;
        loop {
            // SAFETY: reads at most one byte into `byte`.
            let n = unsafe { libc::read(read_fd, addr_of_mut!(byte).cast(), 1) };
            if n == 1 {
                return libc::c_int::from(byte);
            }
            let error = io::Error::last_os_error();
            assert!(
                n < 0 && error.kind() == io::ErrorKind::Interrupted,
                "read: {error}"
            );
        }
    }

    /// Ends the process by `signal`: default action restored, re-raised.
    pub fn die_by(signal: libc::c_int) -> ! {
        // SAFETY: restoring a signal's default action and raising it.
        unsafe {
            libc::signal(signal, libc::SIG_DFL);
            libc::raise(signal);
        }
        std::process::exit(128 + signal)
    }
}
