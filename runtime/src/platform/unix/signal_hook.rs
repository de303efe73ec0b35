//! The `signal-hook` backend (the Unix default).
//!
//! `signal_hook::low_level::register` adds an action to signal-hook's
//! handler, which chains with every other action registered through
//! signal-hook (the program's own included). Ours is
//! [`events::signal_arrived`]: atomics and one `write(2)` to a doorbell,
//! all async-signal-safe. No iterator, no extra thread: the runtime's own
//! watcher thread is the one the doorbell wakes.

use std::io;

use libc::c_int;
use signal_hook::SigId;

use super::{disposition, Disposition};
use crate::events;

/// Routes each of `numbers` to [`events::signal_arrived`], skipping those
/// ignored at start. Returns the ones now handled. On error, every action
/// added here is removed and every disposition put back.
pub(crate) fn install_handlers(numbers: &[c_int]) -> io::Result<Vec<c_int>> {
    let mut added: Vec<(SigId, c_int, Disposition)> = Vec::with_capacity(numbers.len());
    for &number in numbers {
        let Some(before) = disposition(number) else {
            undo(added);
            return Err(io::Error::last_os_error());
        };
        if before.is_ignored() {
            continue;
        }
        // SAFETY: the action runs inside a signal handler; it only touches
        // atomics and calls write(2) (see `events::signal_arrived`), all
        // async-signal-safe, and never allocates, locks or panics.
        let added_now = unsafe {
            signal_hook::low_level::register(number, move || events::signal_arrived(number))
        };
        match added_now {
            Ok(id) => added.push((id, number, before)),
            Err(error) => {
                undo(added);
                return Err(error);
            }
        }
    }
    Ok(added.iter().map(|(_, number, _)| *number).collect())
}

/// Removes our actions and gives each signal its old disposition back, so
/// nothing of ours stays behind.
fn undo(added: Vec<(SigId, c_int, Disposition)>) {
    for (id, number, before) in added {
        signal_hook::low_level::unregister(id);
        // signal-hook keeps its own handler installed with no action left;
        // the old disposition (usually the default action) must come back.
        let _ = before.restore(number);
    }
}
