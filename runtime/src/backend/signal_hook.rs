//! The `signal-hook` backend (the Unix default).
//!
//! `signal_hook::iterator::Signals` installs a handler that only sets a
//! per-signal flag and writes one byte to a self-pipe (both
//! async-signal-safe: no allocation, no lock). A watcher thread blocks on the
//! pipe and hands each signal to the runtime. A second, `flag` action stores
//! the number in an atomic for [`take_arrived`].

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread;

use libc::c_int;
use signal_hook::iterator::Signals;

use super::unix::{is_ignored, reap_children};
use crate::Signal;

/// The last handled signal, stored by signal-hook's `flag` action in the
/// handler (an atomic store: async-signal-safe).
static ARRIVED: OnceLock<Arc<AtomicUsize>> = OnceLock::new();

/// The last signal that arrived since the previous call.
pub(crate) fn take_arrived() -> Option<Signal> {
    let number = ARRIVED.get()?.swap(0, Ordering::SeqCst);
    Signal::from_number(c_int::try_from(number).ok()?)
}

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
    // The iterator first, so no signal can land only in the flag.
    let mut watcher = Signals::new(&wanted)?;
    let arrived = ARRIVED.get_or_init(|| Arc::new(AtomicUsize::new(0)));
    for number in &wanted {
        if *number != libc::SIGCHLD {
            let value = usize::try_from(*number).unwrap_or(0);
            signal_hook::flag::register_usize(*number, Arc::clone(arrived), value)?;
        }
    }
    // The watcher runs the shutdown hooks when a signal starts the shutdown,
    // so it gets a normal stack.
    thread::Builder::new()
        .name("graceful-exit-signals".into())
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
