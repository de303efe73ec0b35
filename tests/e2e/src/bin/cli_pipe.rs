//! A CLI whose output goes to `head`: `broken_pipe = "exit"` ends it quietly
//! after its hooks, dying by SIGPIPE. The mode (first argument) says how it
//! writes; the hook reports on stderr and, if `HOOK_MARK` names a file,
//! there too (for runs whose stderr is closed as well).
use std::io::{ErrorKind, Write};

use graceful_exit::{graceful_main, on_shutdown, ShutdownReason};

#[on_shutdown]
fn cleanup(reason: &ShutdownReason) {
    eprintln!("hook: cleanup reason={reason}");
    if let Some(path) = std::env::var_os("HOOK_MARK") {
        let _ = std::fs::write(path, format!("cleanup reason={reason}\n"));
    }
}

fn lines() {
    for n in 0..1_000_000 {
        println!("line {n}");
    }
}

#[graceful_main(broken_pipe = "exit")]
fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("worker") => {
            let worker = std::thread::spawn(lines);
            let _ = worker.join();
        }
        Some("handles") => {
            // A program that handles the broken pipe itself keeps working as
            // it wrote it: no panic, so nothing changes.
            let mut out = std::io::stdout().lock();
            for n in 0..1_000_000 {
                if let Err(error) = writeln!(out, "line {n}") {
                    if error.kind() == ErrorKind::BrokenPipe {
                        eprintln!("main: stdout closed after {n} lines; stopping");
                        return;
                    }
                }
            }
        }
        _ => lines(),
    }
}
