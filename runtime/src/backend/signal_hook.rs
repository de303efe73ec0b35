//! The `signal-hook` backend (the Unix default).
//!
//! `signal_hook::iterator::Signals` installs a handler that only sets a
//! per-signal flag and writes one byte to a self-pipe (both
//! async-signal-safe: no allocation, no lock). A watcher thread blocks on the
//! pipe and hands each signal to the runtime.

use std::io;
use std::thread;

use libc::c_int;
use signal_hook::iterator::Signals;

use super::unix::{is_ignored, reap_children};
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
