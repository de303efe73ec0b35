//! The 30-second tour: three hooks with a visible order, and a `main` that
//! works until you stop it, then finishes before the hooks run.
//!
//! ```text
//! cargo run --example quickstart
//! # then press Ctrl-C, or from another terminal: kill -TERM <pid>
//! ```
use std::time::Duration;

use graceful_exit::{graceful_main, on_shutdown, ShutdownReason};

/// Runs first (`order = 0` is the default).
#[on_shutdown]
fn save_state() {
    println!("1. saving state");
}

/// Runs second; it may fail, and a failure is reported without stopping the rest.
#[on_shutdown(order = 10, timeout = "2s")]
fn close_connections() -> Result<(), std::io::Error> {
    println!("2. closing connections");
    Ok(())
}

/// Runs last and learns why we are stopping.
#[on_shutdown(order = 20)]
fn goodbye(reason: &ShutdownReason) {
    println!("3. goodbye (stopping because: {reason})");
}

#[graceful_main]
fn main() {
    println!("ready: pid {}", std::process::id());
    println!(
        "press Ctrl-C, or run `kill -TERM {}` in another terminal",
        std::process::id()
    );
    let mut ticks = 0u64;
    // One unit of work per second; `sleep` returns `false` at once when a
    // signal starts the shutdown.
    while graceful_exit::sleep(Duration::from_secs(1)) {
        ticks += 1;
    }
    // `main` may still finish its work here: the hooks wait for it to return
    // (up to half the 8 s deadline), then run in order, and the process ends
    // the way a shell expects (130 for Ctrl-C, 143 for SIGTERM).
    println!("main: stopping after {ticks} ticks");
}
