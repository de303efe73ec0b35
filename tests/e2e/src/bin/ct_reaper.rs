//! `reap_zombies = true`: as PID 1 it reaps the orphaned grandchild it leaves
//! behind (the same orphan as `ct_app orphan`, which does not reap).
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use graceful_exit::{graceful_main, on_shutdown};

#[on_shutdown]
fn reaper() {
    println!("hook: reaper");
}

#[graceful_main(reap_zombies = true)]
fn main() {
    println!(
        "pid {} ppid {}",
        std::process::id(),
        std::os::unix::process::parent_id()
    );
    println!("orphan: {}", leave_orphan());
    println!("ready");
    graceful_exit::wait();
    loop {
        std::thread::park();
    }
}

/// Starts `sh`, which starts a short `sleep` in the background and exits at
/// once: the `sleep` is orphaned and adopted by PID 1, this program. Neither
/// is waited for here; only the reaper can collect them.
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
