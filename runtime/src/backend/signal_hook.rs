//! The `signal-hook` backend (Unix).
//!
//! `signal_hook::iterator::Signals` installs a handler that only sets a
//! per-signal flag and writes one byte to a self-pipe (both
//! async-signal-safe: no allocation, no lock). A watcher thread blocks on the
//! pipe and hands each signal to the runtime.

use std::io;
use std::thread;

use libc::c_int;
use signal_hook::iterator::Signals;

use crate::Signal;

/// The watcher only forwards signal numbers: a small stack is plenty.
const WATCHER_STACK: usize = 64 * 1024;

pub(crate) fn install(
    signals: &[Signal],
    reap_zombies: bool,
    deliver: fn(Signal),
) -> io::Result<()> {
    let mut wanted: Vec<c_int> = Vec::with_capacity(signals.len() + 1);
    for signal in signals {
        let number = signal.number();
        // A signal ignored when we started (SIGHUP under `nohup`, SIGINT for
        // `cmd &` in a script) was ignored on purpose by whoever started us.
        if !wanted.contains(&number) && !is_ignored(number) {
            wanted.push(number);
        }
    }
    let reap = reap_zombies && std::process::id() == 1;
    if reap {
        wanted.push(libc::SIGCHLD);
        reap_children();
    }
    if wanted.is_empty() {
        return Ok(());
    }
    let mut watcher = Signals::new(&wanted)?;
    thread::Builder::new()
        .name("graceful-exit-signals".into())
        .stack_size(WATCHER_STACK)
        .spawn(move || {
            for number in watcher.forever() {
                if number == libc::SIGCHLD {
                    reap_children();
                } else if let Some(signal) = Signal::from_number(number) {
                    deliver(signal);
                }
            }
        })?;
    Ok(())
}

/// Whether `number`'s current disposition is `SIG_IGN`.
fn is_ignored(number: c_int) -> bool {
    // SAFETY: `sigaction` with a null `act` only reads the current
    // disposition into `old`, a properly sized and zero-initialised struct
    // that lives for the whole call. It changes nothing.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(number, std::ptr::null(), &mut old) == 0
            && old.sa_sigaction == libc::SIG_IGN
    }
}

/// Reaps every child that has exited, without blocking.
fn reap_children() {
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

/// Restores the default action of `signal` and raises it (signal-hook
/// unblocks it first). Returns only if that did not end the process.
pub(crate) fn die_by_signal(signal: Signal) {
    // An error means the signal could not be re-raised; the caller then
    // exits with 128 + n, which reports the same thing to a shell.
    let _ = signal_hook::low_level::emulate_default_handler(signal.number());
}
