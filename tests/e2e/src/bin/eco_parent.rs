//! A program with a child process, stopped on shutdown by
//! `graceful_exit::process::stop_on_shutdown`.
//!
//! `eco_parent CHILD GROUP GRACE_MS MAIN`
//! - `CHILD`: `sleep` (`sleep 60`), `stubborn` (`sleep 60` with SIGTERM
//!   ignored) or `exit3` (a shell that exits with 3 at once);
//! - `GROUP`: `own` (the child gets its own process group) or `shared`;
//! - `GRACE_MS`: how long the child has to exit after SIGTERM;
//! - `MAIN`: `park` (wait for shutdown) or `wait` (wait for the child, print
//!   `waited: STATUS`, return).
//!
//! Prints `child PID` and `ready`. A hook that runs after the child's prints
//! `child-status: STATUS` and `child-proc: gone` (or the state letter from
//! `/proc/PID/stat`, `Z` for a zombie, if the child is still there).
use std::io::{BufRead, BufReader};
use std::process::{Command, ExitStatus, Stdio};
use std::time::Duration;

use graceful_exit::{graceful_main, process};

fn describe(status: ExitStatus) -> String {
    // Only Unix has deaths by signal; it compiles elsewhere so the Windows
    // build of the test programs does.
    #[cfg(unix)]
    let signal = std::os::unix::process::ExitStatusExt::signal(&status);
    #[cfg(not(unix))]
    let signal: Option<i32> = None;
    match (status.code(), signal) {
        (Some(code), _) => format!("code {code}"),
        (None, Some(signal)) => format!("signal {signal}"),
        (None, None) => format!("{status:?}"),
    }
}

fn proc_state(pid: u32) -> String {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .unwrap_or("?")
            .to_owned(),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => "gone".to_owned(),
        Err(error) => format!("unreadable: {error}"),
    }
}

#[graceful_main]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [child, group, grace, mode] = <[String; 4]>::try_from(args)
        .expect("usage: eco_parent sleep|stubborn|exit3 own|shared GRACE_MS park|wait");
    let grace = Duration::from_millis(grace.parse().expect("GRACE_MS"));

    let mut command = match child.as_str() {
        "sleep" => {
            let mut command = Command::new("sleep");
            command.arg("60").stdout(Stdio::null());
            command
        }
        // `trap ''` sets SIGTERM to ignored, which `exec` keeps; `armed`
        // tells us it is in place before we say `ready`.
        "stubborn" => {
            let mut command = Command::new("sh");
            command
                .args(["-c", "trap '' TERM; echo armed; exec sleep 60"])
                .stdout(Stdio::piped());
            command
        }
        "exit3" => {
            let mut command = Command::new("sh");
            command.args(["-c", "exit 3"]).stdout(Stdio::null());
            command
        }
        other => panic!("unknown child {other:?}"),
    };
    match group.as_str() {
        "own" => {
            process::own_process_group(&mut command);
        }
        "shared" => {}
        other => panic!("unknown group mode {other:?}"),
    }
    let mut spawned = command.spawn().expect("spawn the child");
    if let Some(stdout) = spawned.stdout.take() {
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the child's first line");
        assert_eq!(line.trim(), "armed");
    }
    let pid = spawned.id();
    let child = process::stop_on_shutdown(spawned, "sleeper", 0, grace);

    let observed = child.clone();
    graceful_exit::on_shutdown_fn("report", 100, move |_| {
        match observed.try_wait() {
            Ok(Some(status)) => println!("child-status: {}", describe(status)),
            Ok(None) => println!("child-status: running"),
            Err(error) => println!("child-status: error {error}"),
        }
        println!("child-proc: {}", proc_state(pid));
    });

    println!("child {pid}");
    println!("ready");
    match mode.as_str() {
        "park" => graceful_exit::wait(),
        "wait" => match child.wait() {
            Ok(status) => println!("waited: {}", describe(status)),
            Err(error) => println!("waited: error {error}"),
        },
        other => panic!("unknown mode {other:?}"),
    }
}
