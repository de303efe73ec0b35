//! `ge_park` plus `GE_BENCH_HOOKS` (default 0) hooks registered at run time
//! with `graceful_exit::on_shutdown_fn`: shows what each hook adds to
//! shutdown. The `#[on_shutdown]` hook that prints `hook` runs first (macro
//! hooks come before run-time hooks of the same order), the others after it.

use std::hint::black_box;

use graceful_exit::{graceful_main, on_shutdown};
use graceful_exit_bench::{idle, say};

#[on_shutdown]
fn hook() {
    say("hook");
}

#[graceful_main]
fn main() {
    let count: usize = std::env::var("GE_BENCH_HOOKS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(0);
    for index in 0..count {
        graceful_exit::on_shutdown_fn("bench", 0, move |_| {
            black_box(index);
        });
    }
    say("ready");
    idle()
}
