//! The program the PID-namespace tests put behind shells and inits: three
//! hooks, `ready` once the handlers are installed, then it waits for a signal.
//!
//! With the argument `orphan` it first leaves an orphaned grandchild behind
//! (see `ct_reaper`), without reaping it: the control for the reaper test.
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use graceful_exit::{graceful_main, on_shutdown, ShutdownReason};

#[on_shutdown]
fn first() {
    println!("hook: first");
}

#[on_shutdown(order = 10)]
fn second() -> Result<(), std::io::Error> {
    println!("hook: second");
    Ok(())
}

#[on_shutdown(order = 20)]
fn third(reason: &ShutdownReason) {
    println!("hook: third reason={reason}");
}

#[graceful_main]
fn main() {
    println!(
        "pid {} ppid {}",
        std::process::id(),
        std::os::unix::process::parent_id()
    );
    if std::env::args().nth(1).as_deref() == Some("orphan") {
        println!("orphan: {}", leave_orphan());
    }
    println!("ready");
    graceful_exit::wait();
    loop {
        std::thread::park();
    }
}

/// Starts `sh`, which starts a short `sleep` in the background and exits at
/// once: the `sleep` is orphaned and adopted by PID 1 (or the nearest
/// subreaper). Returns the `sleep`'s pid as seen from here. The `sh` is not
/// waited for either.
// The zombies are the point: only a reaping PID 1 may collect them.
#[allow(clippy::zombie_processes)]
fn leave_orphan() -> String {
    let mut shell = Command::new("sh")
        .args(["-c", "sleep 0.2 & echo $!"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn sh");
    let mut line = String::new();
    let stdout = shell.stdout.take().expect("piped");
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read pid");
    line.trim().to_owned()
}
