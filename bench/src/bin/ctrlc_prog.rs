//! (2) `ctrlc` 3 with its `termination` feature (SIGINT, SIGTERM, SIGHUP).
//!
//! The handler (run on ctrlc's own thread) sends on a channel; `main` blocks
//! in `recv` (a futex wait), prints `hook` and exits with 128 + SIGTERM
//! (ctrlc does not say which signal came).

use std::io::Write;
use std::sync::mpsc;

fn main() {
    let (tx, rx) = mpsc::channel::<()>();
    ctrlc::set_handler(move || {
        let _ = tx.send(());
    })
    .expect("install the ctrlc handler");
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(b"ready\n");
    let _ = out.flush();
    let _ = rx.recv();
    let _ = out.write_all(b"hook\n");
    let _ = out.flush();
    hold_after_hook();
    std::process::exit(128 + libc::SIGTERM);
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
