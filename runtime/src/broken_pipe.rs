//! `broken_pipe = "exit"`: a write to a closed stdout (`app | head -1`) ends
//! the program quietly, after its hooks, dying by `SIGPIPE` as a C tool
//! would (a shell shows 141).
//!
//! Rust ignores `SIGPIPE`, so such a write fails with `EPIPE` and `print!`
//! panics with "failed printing to stdout: Broken pipe". A panic hook,
//! chained in front of the program's, recognises that panic, keeps its
//! message off stderr and starts the shutdown as if `SIGPIPE` had come; the
//! writing thread unwinds as usual. Code that handles
//! `ErrorKind::BrokenPipe` itself (`writeln!(out, …)?`) never panics and is
//! not affected. `SIGPIPE` keeps being ignored, so other pipes and sockets
//! behave as before.
#![forbid(unsafe_code)]

use crate::hooks::sequence::is_broken_pipe_panic;
use crate::shutdown;

/// Chains the panic hook that turns a broken-pipe panic into a quiet
/// shutdown.
pub(crate) fn install() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
        if message.is_some_and(is_broken_pipe_panic) {
            shutdown::broken_pipe();
        } else {
            previous(info);
        }
    }));
}
