//! The `signal-hook` backend (the Unix default).
//!
//! `signal_hook::low_level::register` adds an action to signal-hook's
//! handler, which chains with every other action registered through
//! signal-hook (the program's own included). Ours is the runtime's
//! [`Report::signal`]: atomics and one `write(2)` to a doorbell, all
//! async-signal-safe. No iterator, no extra thread: the runtime's own
//! watcher thread is the one the doorbell wakes.

use std::io;

use libc::c_int;
use signal_hook::SigId;

use super::{disposition, Disposition};
use crate::platform::Report;

/// The backend's name, for reports.
pub(crate) const BACKEND: &str = "signal-hook";

/// Whether this backend can handle signal `number`: any signal.
pub(crate) fn can_handle(_number: c_int) -> bool {
    true
}

/// Routes each of `numbers` to [`Report::signal`], skipping those ignored
/// at start. Returns the ones now handled. On error, every action
/// added here is removed and every disposition put back.
pub(crate) fn install_handlers(numbers: &[c_int], report: Report) -> io::Result<Vec<c_int>> {
    let mut added: Vec<(SigId, c_int, Disposition)> = Vec::with_capacity(numbers.len());
    for &number in numbers {
        let Some(before) = disposition(number) else {
            undo(added);
            return Err(io::Error::last_os_error());
        };
        if before.is_ignored() {
            continue;
        }
        let on_signal = report.signal;
        // SAFETY: the action runs inside a signal handler; `Report::signal`
        // only touches atomics and calls write(2), all async-signal-safe,
        // and never allocates, locks or panics.
        let added_now =
            unsafe { signal_hook::low_level::register(number, move || on_signal(number)) };
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
