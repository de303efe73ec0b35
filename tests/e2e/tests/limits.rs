//! What bounds a shutdown and what it survives: hook timeouts and isolation,
//! the deadline (and its environment override), a second signal, signal
//! storms, and signals ignored at start.
// Unix only: it sends POSIX signals and reads how a process died; the
// Windows builds of the test programs run under Wine instead (wine.rs).
#![cfg(unix)]
use std::time::{Duration, Instant};

use graceful_exit_e2e::{start_ready, try_kill, Ended, Program, Signal, HOOKS};

/// Starts `program` with `envs`, sends SIGTERM once it is ready, and returns
/// how it ended and how long that took from the signal.
fn stop_with_sigterm(program: &str, envs: &[(&str, &str)]) -> (Ended, Duration) {
    let mut program = Program::new(program);
    for (key, value) in envs {
        program = program.env(key, value);
    }
    let mut running = program.start();
    running.wait_ready();
    let sent = Instant::now();
    running.signal(Signal::TERM);
    let ended = running.wait();
    let took = ended.ended_at - sent;
    (ended, took)
}

#[test]
fn hung_panicking_and_failing_hooks_are_reported_and_the_rest_run() {
    let (ended, took) = stop_with_sigterm(env!("CARGO_BIN_EXE_misbehave"), &[]);
    ended
        .expect_hooks(&["ok_a", "hangs", "panics", "fails", "runtime_hook", "ok_b"])
        .expect_stderr("graceful-exit: hook `hangs` did not finish within 300ms")
        .expect_stderr("graceful-exit: hook `panics` panicked: hook exploded")
        .expect_stderr("graceful-exit: hook `fails` failed: disk full")
        .expect_signal(Signal::TERM);
    assert_eq!(
        ended.lines_starting("hook: runtime_hook"),
        ["hook: runtime_hook reason=SIGTERM"]
    );
    assert!(took < Duration::from_secs(2), "took {took:?}");
}

#[test]
fn deadline_ends_a_hook_that_never_returns() {
    let (ended, took) = stop_with_sigterm(env!("CARGO_BIN_EXE_deadline"), &[]);
    ended
        .expect_hooks(&["stuck"])
        .expect_stderr(
            "graceful-exit: shutdown deadline of 1s passed while hook `stuck` was running",
        )
        .expect_signal(Signal::TERM);
    assert!(
        took >= Duration::from_millis(900),
        "ended before the deadline: {took:?}"
    );
    assert!(took < Duration::from_millis(2500), "took {took:?}");
}

#[test]
fn deadline_env_overrides_the_attribute() {
    let (ended, took) = stop_with_sigterm(
        env!("CARGO_BIN_EXE_deadline"),
        &[("GRACEFUL_EXIT_DEADLINE", "500ms")],
    );
    ended.expect_stderr("deadline of 500ms passed");
    assert!(took < Duration::from_millis(900), "took {took:?}");
}

#[test]
fn malformed_deadline_env_is_reported_and_the_attribute_used() {
    let (ended, took) = stop_with_sigterm(
        env!("CARGO_BIN_EXE_deadline"),
        &[("GRACEFUL_EXIT_DEADLINE", "soon")],
    );
    ended
        .expect_stderr("graceful-exit: ignoring GRACEFUL_EXIT_DEADLINE=\"soon\"")
        .expect_stderr("deadline of 1s passed");
    assert!(took >= Duration::from_millis(900), "took {took:?}");
}

#[test]
fn second_ctrl_c_exits_at_once() {
    let mut running = start_ready(env!("CARGO_BIN_EXE_slow"), &[]);
    running.signal(Signal::INT);
    running.wait_for_line("hook: slow_hook started");
    // A person pressing Ctrl-C again a moment later.
    std::thread::sleep(Duration::from_millis(200));
    let second = Instant::now();
    running.signal(Signal::INT);
    let ended = running.wait();
    let took = ended.ended_at - second;
    assert!(took < Duration::from_secs(1), "took {took:?}");
    ended
        .expect_signal(Signal::INT)
        .expect_stderr("graceful-exit: received SIGINT again during shutdown; exiting now");
    assert!(ended.lines_starting("hook: slow_hook finished").is_empty());
}

#[test]
fn signal_storm_runs_each_hook_exactly_once() {
    let mut running = start_ready(env!("CARGO_BIN_EXE_hooks"), &["park"]);
    let pid = running.pid();
    let sent = (0..200)
        .take_while(|_| try_kill(pid, Signal::TERM.number()))
        .count();
    let ended = running.wait();
    assert!(sent > 0);
    ended.expect_hooks(&HOOKS).expect_signal(Signal::TERM);
    assert!(!ended.stderr.contains("panicked"), "{ended:?}");
}

#[test]
fn signal_ignored_at_start_stays_ignored() {
    let mut running = Program::new("nohup")
        .arg(env!("CARGO_BIN_EXE_hooks"))
        .arg("park")
        .start();
    running.wait_ready();
    // SIGHUP was ignored by nohup: it must neither kill the process nor
    // start shutdown. SIGTERM (sent after it, and of a higher number, so
    // delivered after it if both were pending) must be what stops it.
    running.signal(Signal::HUP);
    running.signal(Signal::TERM);
    let ended = running.wait();
    ended.expect_signal(Signal::TERM);
    assert_eq!(
        ended.lines_starting("hook: last"),
        ["hook: last reason=SIGTERM"],
        "{ended:?}"
    );
}
