//! A worker loop that finishes the item it is on before shutting down.
//!
//! With `wait_for_main = "3s"`, a signal first lets `main` notice
//! (`is_shutting_down`, `sleep`) and return, up to 3 s, and only then run the
//! hooks. So the item in progress is never cut in half.
//!
//! ```text
//! cargo run --example worker    # then Ctrl-C
//! ```
use std::time::Duration;

use graceful_exit::{graceful_main, on_shutdown, ShutdownReason};

#[on_shutdown]
fn report(reason: &ShutdownReason) {
    println!("hook: report (stopping because: {reason})");
}

/// Simulates one unit of work that must not be interrupted half-way.
fn process(item: u32) {
    println!("started item {item}");
    std::thread::sleep(Duration::from_millis(200));
    println!("finished item {item}");
}

#[graceful_main(wait_for_main = "3s")]
fn main() {
    println!(
        "ready: pid {}; press Ctrl-C to stop after the current item",
        std::process::id()
    );
    let mut item = 1;
    while !graceful_exit::is_shutting_down() {
        process(item);
        item += 1;
        // Idle between items, waking at once if shutdown starts.
        if !graceful_exit::sleep(Duration::from_millis(50)) {
            break;
        }
    }
    println!("main: stopped taking work after {} items", item - 1);
}
