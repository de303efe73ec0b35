//! (1) graceful-exit: `#[graceful_main]` with one `#[on_shutdown]` hook.
//!
//! Idles in `graceful_exit::wait()` (a futex wait, no polling). On SIGTERM
//! the runtime runs `hook`, which prints `hook`, then the process dies by the
//! signal.

use std::io::Write;

use graceful_exit::{graceful_main, on_shutdown};

#[on_shutdown]
fn hook() {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(b"hook\n");
    let _ = out.flush();
    drop(out);
    hold_after_hook();
}

/// Set by the runner only in its untimed rounds: stay alive this long after
/// `hook` so it can read the RSS the shutdown path reached.
fn hold_after_hook() {
    let ms = std::env::var("GE_BENCH_HOLD_MS")
        .ok()
        .and_then(|v| v.parse().ok());
    if let Some(ms) = ms {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

#[graceful_main]
fn main() {
    {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(b"ready\n");
        let _ = out.flush();
    }
    graceful_exit::wait();
}
