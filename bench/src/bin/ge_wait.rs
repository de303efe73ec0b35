//! graceful-exit, `main` idling in `graceful_exit::wait()`: the program the
//! docs show. `main` returns as soon as `wait()` does, so a runtime that lets
//! hooks wait for a `main` that called `wait()` is measured as users see it.

use graceful_exit::{graceful_main, on_shutdown};
use graceful_exit_bench::say;

#[on_shutdown]
fn hook() {
    say("hook");
}

#[graceful_main]
fn main() {
    say("ready");
    graceful_exit::wait();
}
