//! What the `log` and `tracing` test programs share: a hook that fails, and
//! `main`'s end. A program that calls [`ready_then_wait`] links this crate,
//! and so gets the hook.
use graceful_exit::on_shutdown;

/// Fails, so that there is a problem to report.
#[on_shutdown]
fn broken() -> Result<(), String> {
    Err("disk full".to_owned())
}

/// Says `ready`, then waits for the shutdown.
pub fn ready_then_wait() {
    println!("ready");
    graceful_exit::wait();
}
