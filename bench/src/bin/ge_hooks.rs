//! `ge_park` with its printing hook registered at run time, followed by
//! `GE_BENCH_HOOKS` (default 0) more hooks registered with
//! `graceful_exit::on_shutdown_fn`: shows what each hook adds to shutdown.
//! The printing hook runs first (order -1), the others after it.

use std::hint::black_box;

use graceful_exit::graceful_main;
use graceful_exit_bench::{idle, say};

#[graceful_main]
fn main() {
    let count: usize = std::env::var("GE_BENCH_HOOKS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(0);
    graceful_exit::on_shutdown_fn("hook", -1, |_| say("hook"));
    for index in 0..count {
        graceful_exit::on_shutdown_fn("bench", 0, move |_| {
            black_box(index);
        });
    }
    say("ready");
    idle()
}
