//! `ctrlc` 3 with its `termination` feature (SIGINT, SIGTERM, SIGHUP).
//!
//! The handler, on ctrlc's own thread, sends on a channel; `main` blocks in
//! `recv` (a futex wait), runs the hook and exits with 143, 128 + SIGTERM
//! (ctrlc does not say which signal came).

use std::sync::mpsc;

use graceful_exit_bench::say;

fn main() {
    let (tx, rx) = mpsc::channel::<()>();
    ctrlc::set_handler(move || {
        let _ = tx.send(());
    })
    .expect("install the ctrlc handler");
    say("ready");
    let _ = rx.recv();
    say("hook");
    std::process::exit(143);
}
