//! Child processes: `graceful_exit::process` stops a child on shutdown
//! (SIGTERM, a grace period, then SIGKILL), reaps it, and with
//! `own_process_group` a terminal's Ctrl-C reaches only the parent, which
//! then stops the child.
// Unix only: it sends POSIX signals and reads how a process died; the
// Windows builds of the test programs run under Wine instead (wine.rs).
#![cfg(unix)]
use std::os::unix::process::CommandExt;
use std::process::Command;
use std::time::{Duration, Instant};

use graceful_exit_e2e::{signal_group, try_kill, Ended, Program, Running, Signal, SIGKILL};

const PARENT: &str = env!("CARGO_BIN_EXE_eco_parent");

/// Starts `eco_parent` with `args` (in a process group of its own when
/// `own_group`, as a shell's foreground job is) and returns it with its
/// child's pid.
fn start(args: &[&str], own_group: bool) -> (Running, u32) {
    let mut command = Command::new(PARENT);
    command.args(args).env_remove("GRACEFUL_EXIT_LOG");
    if own_group {
        command.process_group(0);
    }
    let mut running = Program::from_command(command).start();
    let line = running.wait_for_line("child ");
    let pid = line["child ".len()..].parse().expect("a child pid");
    running.wait_ready();
    (running, pid)
}

/// Ctrl-C in a terminal: SIGINT to the whole foreground process group,
/// which `running` leads.
fn ctrl_c_to_group(running: &Running) {
    assert!(signal_group(running.pid(), Signal::INT.number()), "kill");
}

fn expect_line(ended: &Ended, line: &str) {
    if !ended.stdout.iter().any(|seen| seen == line) {
        ended.fail(&format!("expected the line {line:?}"));
    }
}

/// After the parent has ended: the child's pid is not a `sleep` any more
/// (neither running nor a zombie).
fn expect_no_sleep_left(ended: &Ended, pid: u32) {
    if let Ok(name) = std::fs::read_to_string(format!("/proc/{pid}/comm")) {
        if name.trim() == "sleep" {
            // Do not leave it behind for the next test.
            let _ = try_kill(pid, SIGKILL);
            ended.fail(&format!(
                "child {pid} is still there after the parent ended"
            ));
        }
    }
}

#[test]
fn sigterm_stops_the_child_and_reaps_it() {
    let (mut proc, pid) = start(&["sleep", "own", "10000", "park"], false);
    let sent = Instant::now();
    proc.signal(Signal::TERM);
    let ended = proc.wait();
    ended.expect_signal(Signal::TERM);
    expect_line(&ended, "child-status: signal 15");
    expect_line(&ended, "child-proc: gone");
    if ended.ended_at - sent > Duration::from_secs(5) {
        ended.fail("SIGTERM should stop the child long before its 10 s grace");
    }
    if !ended.stderr.is_empty() {
        ended.fail("a child that stops on SIGTERM is nothing to report");
    }
    expect_no_sleep_left(&ended, pid);
}

#[test]
fn a_child_that_ignores_sigterm_is_killed_after_the_grace() {
    let (mut proc, pid) = start(&["stubborn", "own", "300", "park"], false);
    let sent = Instant::now();
    proc.signal(Signal::TERM);
    let ended = proc.wait();
    ended.expect_signal(Signal::TERM);
    expect_line(&ended, "child-status: signal 9");
    expect_line(&ended, "child-proc: gone");
    let took = ended.ended_at - sent;
    if took < Duration::from_millis(300) || took > Duration::from_secs(5) {
        ended.fail(&format!(
            "the child should be killed 300 ms after SIGTERM, not {took:?}"
        ));
    }
    let report = format!(
        "graceful-exit: child `sleeper` (pid {pid}) did not exit within 300ms of SIGTERM: killed"
    );
    if !ended.stderr.lines().any(|line| line.starts_with(&report)) {
        ended.fail(&format!("expected a report starting with {report:?}"));
    }
    expect_no_sleep_left(&ended, pid);
}

#[test]
fn ctrl_c_with_own_process_group_reaches_only_the_parent() {
    let (mut proc, pid) = start(&["sleep", "own", "10000", "park"], true);
    ctrl_c_to_group(&proc);
    let ended = proc.wait();
    ended.expect_signal(Signal::INT);
    // The child did not see SIGINT: the parent stopped it with SIGTERM.
    expect_line(&ended, "child-status: signal 15");
    expect_line(&ended, "child-proc: gone");
    expect_no_sleep_left(&ended, pid);
}

#[test]
fn ctrl_c_without_own_process_group_hits_the_child_too() {
    let (mut proc, pid) = start(&["sleep", "shared", "10000", "park"], true);
    ctrl_c_to_group(&proc);
    let ended = proc.wait();
    ended.expect_signal(Signal::INT);
    // The terminal's SIGINT reached the child before the parent could act.
    expect_line(&ended, "child-status: signal 2");
    expect_line(&ended, "child-proc: gone");
    expect_no_sleep_left(&ended, pid);
}

#[test]
fn wait_gets_the_status_and_the_hook_finds_nothing_to_do() {
    let (mut proc, _pid) = start(&["exit3", "shared", "1000", "wait"], false);
    let ended = proc.wait();
    ended.expect_code(0);
    expect_line(&ended, "waited: code 3");
    expect_line(&ended, "child-status: code 3");
    expect_line(&ended, "child-proc: gone");
    if !ended.stderr.is_empty() {
        ended.fail("nothing to report");
    }
}
