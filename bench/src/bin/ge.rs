//! graceful-exit: `#[graceful_main]` and one `#[on_shutdown]` hook that
//! prints `hook`. `GE_BENCH_IDLE` picks how `main` idles:
//!
//! - `wait` (`ge_wait`): in `graceful_exit::wait()`, the program the docs
//!   show; `main` returns as soon as `wait()` does, and (cooperating) runs
//!   the hook itself as it returns.
//! - `park` (`ge_park`, the default): blocked on something unrelated to
//!   shutdown; the runtime alone takes the signal to the hook.

use graceful_exit::{graceful_main, on_shutdown};
use graceful_exit_bench::{idle, say};

#[on_shutdown]
fn hook() {
    say("hook");
}

#[graceful_main]
fn main() {
    let wait = std::env::var_os("GE_BENCH_IDLE").is_some_and(|idle| idle == "wait");
    say("ready");
    if wait {
        graceful_exit::wait();
    } else {
        idle()
    }
}
