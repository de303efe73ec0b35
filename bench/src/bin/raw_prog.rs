//! (4) The floor: raw `sigaction` + a self-pipe, no crate but libc.
//!
//! The handler writes the signal number (one byte) to a pipe; `main` blocks
//! in `read` on the other end, prints `hook`, restores the default action and
//! re-raises the signal, so it dies by it like graceful-exit does.

use std::io::Write;
use std::sync::atomic::{AtomicI32, Ordering};

static WRITE_FD: AtomicI32 = AtomicI32::new(-1);

extern "C" fn on_signal(signal: libc::c_int) {
    // Async-signal-safe: an atomic load and write(2); errno is preserved.
    let fd = WRITE_FD.load(Ordering::Relaxed);
    let byte = signal as u8;
    unsafe {
        let errno = *libc::__errno_location();
        libc::write(fd, std::ptr::addr_of!(byte).cast(), 1);
        *libc::__errno_location() = errno;
    }
}

fn main() {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: `fds` is a valid array of two c_ints.
    let rc = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
    assert_eq!(rc, 0, "pipe2: {}", std::io::Error::last_os_error());
    let [read_fd, write_fd] = fds;
    WRITE_FD.store(write_fd, Ordering::Relaxed);
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: a zeroed sigaction with a valid handler and an empty mask.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            let rc = libc::sigaction(signal, &action, std::ptr::null_mut());
            assert_eq!(rc, 0, "sigaction: {}", std::io::Error::last_os_error());
        }
    }
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(b"ready\n");
    let _ = out.flush();
    let mut byte = 0u8;
    loop {
        // SAFETY: reads at most one byte into `byte`.
        let n = unsafe { libc::read(read_fd, std::ptr::addr_of_mut!(byte).cast(), 1) };
        if n == 1 {
            break;
        }
        if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        byte = libc::SIGTERM as u8;
        break;
    }
    let _ = out.write_all(b"hook\n");
    let _ = out.flush();
    hold_after_hook();
    let signal = libc::c_int::from(byte);
    // SAFETY: restoring the default action and raising a signal.
    unsafe {
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
    std::process::exit(128 + signal);
}

/// Set by the runner only in its untimed rounds: stay alive this long after
/// `hook` so it can read the RSS the shutdown path reached.
fn hold_after_hook() {
    let ms = std::env::var("GE_BENCH_HOLD_MS")
        .ok()
        .and_then(|v| v.parse().ok());
    if let Some(ms) = ms {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}
