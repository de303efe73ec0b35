//! With the `log` or `tracing` feature and a logger or subscriber
//! installed, the runtime's reports arrive there (target `graceful_exit`)
//! instead of on stderr; without one they stay on stderr.
// Unix only: it sends POSIX signals and reads how a process died.
#![cfg(unix)]
use std::process::Command;

use graceful_exit_e2e::{Ended, Program, Signal};

/// Runs `program args`, sends SIGTERM once it is ready, returns how it ended.
fn stop(program: &str, args: &[&str], envs: &[(&str, &str)]) -> Ended {
    let mut command = Command::new(program);
    command
        .args(args)
        .env_remove("GRACEFUL_EXIT_LOG")
        .env_remove("GRACEFUL_EXIT_QUIET")
        .envs(envs.iter().copied());
    let mut proc = Program::from_command(command).start();
    proc.wait_ready();
    proc.signal(Signal::TERM);
    let ended = proc.wait();
    ended.expect_signal(Signal::TERM);
    ended
}

fn has_line(ended: &Ended, prefix: &str, contains: &[&str]) -> bool {
    ended
        .lines_starting(prefix)
        .iter()
        .any(|line| contains.iter().all(|part| line.contains(part)))
}

#[test]
fn log_records_replace_stderr() {
    let ended = stop(env!("CARGO_BIN_EXE_eco_log"), &["logger"], &[]);
    if !has_line(&ended, "LOG ERROR graceful_exit ", &["broken", "disk full"]) {
        ended.fail("the failing hook should be an error record");
    }
    if !has_line(
        &ended,
        "LOG DEBUG graceful_exit shutdown started: SIGTERM",
        &[],
    ) {
        ended.fail("progress should be debug records, without GRACEFUL_EXIT_LOG");
    }
    if !has_line(&ended, "LOG DEBUG graceful_exit hook `broken` started", &[]) {
        ended.fail("each hook should be a debug record");
    }
    if !ended.stderr.is_empty() {
        ended.fail("nothing should be printed on stderr");
    }
}

#[test]
fn the_logger_filters_progress() {
    let ended = stop(env!("CARGO_BIN_EXE_eco_log"), &["logger", "warn"], &[]);
    if !has_line(&ended, "LOG ERROR graceful_exit ", &["broken", "disk full"]) {
        ended.fail("errors pass a `warn` filter");
    }
    if !ended.lines_starting("LOG DEBUG").is_empty() {
        ended.fail("debug records are below a `warn` filter");
    }
    if !ended.stderr.is_empty() {
        ended.fail("nothing should be printed on stderr");
    }
}

#[test]
fn without_a_logger_problems_stay_on_stderr() {
    let ended = stop(env!("CARGO_BIN_EXE_eco_log"), &["none"], &[]);
    if !ended.lines_starting("LOG ").is_empty() {
        ended.fail("no logger, no records");
    }
    let lines: Vec<&str> = ended.stderr.lines().collect();
    if lines.len() != 1
        || !(lines[0].starts_with("graceful-exit: ") && lines[0].contains("disk full"))
    {
        ended.fail("the failing hook should be the one line on stderr");
    }
}

#[test]
fn tracing_events_replace_stderr() {
    let ended = stop(env!("CARGO_BIN_EXE_eco_tracing"), &["subscriber"], &[]);
    if !has_line(
        &ended,
        "TRACE ERROR graceful_exit ",
        &["broken", "disk full"],
    ) {
        ended.fail("the failing hook should be an error event");
    }
    if !has_line(
        &ended,
        "TRACE DEBUG graceful_exit shutdown started: SIGTERM",
        &[],
    ) {
        ended.fail("progress should be debug events");
    }
    if !ended.stderr.is_empty() {
        ended.fail("nothing should be printed on stderr");
    }
}

#[test]
fn the_subscriber_filters_progress() {
    let ended = stop(
        env!("CARGO_BIN_EXE_eco_tracing"),
        &["subscriber", "info"],
        &[],
    );
    if !has_line(&ended, "TRACE ERROR graceful_exit ", &["disk full"]) {
        ended.fail("errors pass an `info` filter");
    }
    if !ended.lines_starting("TRACE DEBUG").is_empty() {
        ended.fail("debug events are below an `info` filter");
    }
    if !ended.stderr.is_empty() {
        ended.fail("nothing should be printed on stderr");
    }
}

#[test]
fn without_a_subscriber_progress_follows_graceful_exit_log() {
    let ended = stop(
        env!("CARGO_BIN_EXE_eco_tracing"),
        &["none"],
        &[("GRACEFUL_EXIT_LOG", "debug")],
    );
    if !ended.lines_starting("TRACE ").is_empty() {
        ended.fail("no subscriber, no events");
    }
    if !ended
        .stderr
        .lines()
        .any(|line| line.starts_with("graceful-exit: shutdown started: SIGTERM"))
        || !ended.stderr.contains("disk full")
    {
        ended.fail("progress and problems should be on stderr");
    }
}

#[test]
fn a_panicking_logger_does_not_lose_the_report_or_the_runtime() {
    let ended = stop(env!("CARGO_BIN_EXE_eco_log"), &["panicking"], &[]);
    // Death by SIGTERM (checked by `stop`) after the hook ran, and the
    // problem on stderr, with a word about the logger.
    ended
        .expect_stderr("the installed logger panicked")
        .expect_stderr("graceful-exit: hook `broken` failed: disk full");
}

#[test]
fn a_logger_that_filters_out_graceful_exit_still_sees_problems_on_stderr() {
    let ended = stop(env!("CARGO_BIN_EXE_eco_log"), &["logger-without-ours"], &[]);
    if !ended.lines_starting("LOG ").is_empty() {
        ended.fail("the logger filters our target out");
    }
    ended.expect_stderr("graceful-exit: hook `broken` failed: disk full");
}

#[test]
fn a_subscriber_that_filters_out_graceful_exit_still_sees_problems_on_stderr() {
    let ended = stop(
        env!("CARGO_BIN_EXE_eco_tracing"),
        &["subscriber-without-ours"],
        &[],
    );
    if !ended.lines_starting("TRACE ").is_empty() {
        ended.fail("the subscriber filters our target out");
    }
    ended.expect_stderr("graceful-exit: hook `broken` failed: disk full");
}

#[test]
fn the_watchdogs_reports_go_to_stderr_not_to_the_logger() {
    let ended = stop(
        env!("CARGO_BIN_EXE_eco_log"),
        &["logger-and-a-hung-hook"],
        &[],
    );
    // The abandoned hook is reported by the watchdog, which never calls a
    // logger; the failing hook is reported by the runner, through it.
    ended.expect_stderr("graceful-exit: hook `hangs` did not finish within 100ms");
    if !has_line(&ended, "LOG ERROR graceful_exit ", &["broken", "disk full"]) {
        ended.fail("the failing hook should be an error record");
    }
    if has_line(&ended, "LOG ", &["did not finish"]) {
        ended.fail("the watchdog's report should not reach the logger");
    }
}
