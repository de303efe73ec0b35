//! The programs users naturally write keep their work: a cooperating `main`
//! finishes before the hooks run, failures and requested codes give the
//! status they should, hooks own state and run on the runtime's thread,
//! every kind of loop can be woken.
// Unix only: it sends POSIX signals and reads how a process died; the
// Windows builds of the test programs run under Wine instead (wine.rs).
#![cfg(unix)]
use std::time::{Duration, Instant};

use graceful_exit_e2e::{start_ready, stop_with, Ended, Program, Signal};

const MODEL: &str = env!("CARGO_BIN_EXE_model");

/// The index of the first stdout line starting with `prefix`.
fn line(ended: &Ended, prefix: &str) -> usize {
    ended
        .stdout
        .iter()
        .position(|l| l.starts_with(prefix))
        .unwrap_or_else(|| ended.fail(&format!("no line starting with {prefix:?}")))
}

#[test]
fn a_cli_with_local_state_writes_every_finished_result_on_ctrl_c() {
    let path = std::env::temp_dir().join(format!("graceful-exit-cli-{}", std::process::id()));
    let path_text = path.to_str().expect("utf-8 temp path");
    let mut running = start_ready(MODEL, &["cli", path_text]);
    running.wait_for_line("started item 1");
    running.signal(Signal::INT);
    let ended = running.wait();
    ended.expect_signal(Signal::INT).expect_hooks(&["report"]);
    let finished = ended.lines_starting("finished item").len();
    let text = std::fs::read_to_string(&path).expect("results file");
    let _ = std::fs::remove_file(&path);
    assert!(finished >= 1, "{ended:?}");
    assert_eq!(text.lines().count(), finished, "results lost: {text:?}");
    assert!(line(&ended, "main: wrote") < line(&ended, "hook: report"));
}

#[test]
fn a_cooperating_main_that_never_returns_is_reported_and_the_hooks_run() {
    let mut running = start_ready(MODEL, &["stuck"]);
    let sent = Instant::now();
    running.signal(Signal::TERM);
    let ended = running.wait();
    let took = ended.ended_at - sent;
    ended
        .expect_signal(Signal::TERM)
        .expect_hooks(&["report"])
        .expect_stderr("graceful-exit: main did not return within 500ms of the shutdown starting; running the shutdown hooks while main still runs");
    // Half the 1 s deadline, then the hooks.
    assert!(took >= Duration::from_millis(450), "took {took:?}");
    assert!(took < Duration::from_millis(1000), "took {took:?}");
}

#[test]
fn forgetting_graceful_main_is_said_when_the_hooks_run_and_signals_kill() {
    let program = env!("CARGO_BIN_EXE_forgot_main");
    start_ready(program, &["exit"])
        .wait()
        .expect_code(0)
        .expect_hooks(&["flush"])
        .expect_stderr("no signal would have run them: the runtime is not installed");
    // And indeed a signal kills it without running the hook.
    stop_with(program, &["park"], Signal::TERM)
        .expect_signal(Signal::TERM)
        .expect_hooks(&[]);
}

#[test]
fn a_failing_main_wins_over_a_requested_shutdown() {
    let ended = start_ready(MODEL, &["request_err"]).wait();
    ended
        .expect_code(1)
        .expect_hooks(&["report"])
        .expect_stderr("Error: \"component failed\"");
    assert_eq!(
        ended.lines_starting("hook: report"),
        ["hook: report reason=shutdown requested"]
    );
}

#[test]
fn request_exit_from_a_worker_ends_with_its_code_after_main_joins() {
    let ended = start_ready(MODEL, &["request_exit"]).wait();
    ended.expect_code(4).expect_hooks(&["report"]);
    assert!(line(&ended, "main: joined the worker") < line(&ended, "hook: report"));
    assert_eq!(
        ended.lines_starting("hook: report"),
        ["hook: report reason=exit(4) called"]
    );
}

#[test]
fn exit_from_a_worker_runs_the_hooks_on_the_runtime_thread() {
    let ended = start_ready(MODEL, &["exit_worker"]).wait();
    ended
        .expect_code(5)
        .expect_hooks(&["join_workers", "report"]);
    assert_eq!(
        ended.lines_starting("hook: join_workers"),
        ["hook: join_workers joined=true on=graceful-exit"],
        "{ended:?}"
    );
    assert!(!ended.stderr.contains("deadlock"), "{ended:?}");
}

#[test]
fn run_time_hooks_take_string_names_results_timeouts_and_cancel() {
    let ended = stop_with(MODEL, &["dynamic"], Signal::TERM);
    ended
        .expect_signal(Signal::TERM)
        .expect_hooks(&["hook 0", "hook 1", "hook 2", "fails", "slow", "report"])
        .expect_stderr("graceful-exit: hook `fails` failed: nope")
        .expect_stderr("graceful-exit: hook `slow` did not finish within 100ms");
    assert_eq!(ended.lines_starting("cancel: "), ["cancel: true"]);
    assert!(
        ended.lines_starting("hook: cancelled").is_empty(),
        "{ended:?}"
    );
}

#[test]
fn a_guard_is_finished_by_its_hook_after_the_record_in_progress() {
    let ended = stop_with(MODEL, &["guard_hook"], Signal::TERM);
    ended
        .expect_signal(Signal::TERM)
        .expect_hooks(&["finish records", "report"]);
    let finished = ended.lines_starting("hook: finish records count=");
    assert_eq!(finished.len(), 1, "{ended:?}");
    // Finished exactly once: by the hook, and dropped there, once.
    assert_eq!(
        ended.lines_starting("records: dropped").len(),
        1,
        "{ended:?}"
    );
}

#[test]
fn a_guard_dropped_first_is_finished_by_its_own_drop_and_its_hook_never_runs() {
    let ended = stop_with(MODEL, &["guard_drop"], Signal::TERM);
    ended.expect_signal(Signal::TERM).expect_hooks(&["report"]);
    assert_eq!(
        ended.lines_starting("records: dropped"),
        ["records: dropped with 2"]
    );
    assert!(ended.lines_starting("hook: finish records").is_empty());
}

#[test]
fn a_cooperating_main_that_returns_finishes_its_guard_by_drop() {
    let ended = stop_with(MODEL, &["guard_coop"], Signal::TERM);
    // The hook was in the list, but the guard dropped as `main` returned:
    // skipped, and not counted as run.
    ended.expect_signal(Signal::TERM).expect_hooks(&["report"]);
    assert_eq!(
        ended.lines_starting("records: dropped").len(),
        1,
        "{ended:?}"
    );
    assert!(ended.lines_starting("hook: finish records").is_empty());
    assert!(line(&ended, "records: dropped") < line(&ended, "hook: report"));
}

#[test]
fn a_future_on_a_tiny_executor_wakes_on_wait_async() {
    let ended = stop_with(MODEL, &["async"], Signal::TERM);
    ended.expect_signal(Signal::TERM).expect_hooks(&["report"]);
    assert!(line(&ended, "async: woke") < line(&ended, "main: joined the async waiter"));
    assert!(line(&ended, "main: joined the async waiter") < line(&ended, "hook: report"));
}

#[test]
fn a_workers_exit_does_not_cut_the_wait_for_main() {
    let ended = stop_with(MODEL, &["late_worker_exit"], Signal::TERM);
    // The signal's status wins; `main` finished its item before the hooks.
    ended.expect_signal(Signal::TERM).expect_hooks(&["report"]);
    assert!(line(&ended, "main: done") < line(&ended, "hook: report"));
}

#[test]
fn a_program_that_never_looked_keeps_hooks_at_once() {
    // The `hooks` program parks without looking: hooks start while it runs.
    let mut running = Program::new(env!("CARGO_BIN_EXE_hooks"))
        .arg("park")
        .start();
    running.wait_ready();
    let sent = Instant::now();
    running.signal(Signal::TERM);
    let ended = running.wait();
    assert!(
        ended.ended_at - sent < Duration::from_millis(500),
        "{ended:?}"
    );
    assert!(!ended.stderr.contains("main did not return"), "{ended:?}");
}
