//! Reload hooks that take their time, for signals that arrive during a
//! reload. `slow` (no timeout) sleeps `RELOAD_SLOW_MS`, `limited` (timeout
//! 300ms) sleeps `RELOAD_LIMITED_MS`, the shutdown hook `stop` sleeps
//! `STOP_MS` (all 0 by default); each prints when it starts and ends.
//! With the argument `request`, `main` calls `request_reload()` once.
//! `main` prints `main: reloads=N` whenever `reloads()` changes.
use std::time::Duration;

use graceful_exit::{graceful_main, on_reload, on_shutdown};

fn pause(env: &str) {
    let ms = std::env::var(env).map_or(0, |ms| ms.parse().expect("a number of ms"));
    std::thread::sleep(Duration::from_millis(ms));
}

#[on_reload]
fn slow() {
    let thread = std::thread::current();
    println!(
        "reload: slow started on {}",
        thread.name().unwrap_or("an unnamed thread")
    );
    pause("RELOAD_SLOW_MS");
    println!("reload: slow done");
}

#[on_reload(order = 10, timeout = "300ms")]
fn limited() {
    println!("reload: limited started");
    pause("RELOAD_LIMITED_MS");
    println!("reload: limited done");
}

#[on_shutdown]
fn stop() {
    println!("hook: stop started");
    pause("STOP_MS");
    println!("hook: stop done");
}

#[graceful_main]
fn main() {
    graceful_exit_e2e::report_reloads_until_shutdown(|| {
        if std::env::args().nth(1).as_deref() == Some("request") {
            graceful_exit::request_reload();
        }
    });
}
