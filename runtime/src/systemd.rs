//! systemd integration (placeholder: filled in by the systemd work).
#![forbid(unsafe_code)]

/// Called once when shutdown starts, on the thread that starts it.
pub(crate) fn notify_stopping() {}
