//! Every way a program can stop runs all its hooks once, in order, and ends
//! with the status the contract gives: dying by the signal, the code `main`
//! would have given, `exit`'s code.
// Unix only: it sends POSIX signals and reads how a process died; the
// Windows builds of the test programs run under Wine instead (wine.rs).
#![cfg(unix)]
use graceful_exit_e2e::{start_ready, stop_with, wait_until_blocked, Ended, Signal, HOOKS};

const PROGRAM: &str = env!("CARGO_BIN_EXE_hooks");

/// Runs the `hooks` program in `mode` until it ends by itself.
fn run_mode(mode: &str) -> Ended {
    start_ready(PROGRAM, &[mode]).wait()
}

#[test]
fn each_default_signal_runs_all_hooks_in_order_and_dies_by_it() {
    for signal in [Signal::TERM, Signal::INT, Signal::HUP] {
        let ended = stop_with(PROGRAM, &["park"], signal);
        ended.expect_hooks(&HOOKS).expect_signal(signal);
        assert_eq!(
            ended.lines_starting("hook: last"),
            [format!("hook: last reason={signal}")],
            "{ended:?}"
        );
    }
}

#[test]
fn normal_return_exits_0_after_hooks() {
    let ended = run_mode("return");
    ended.expect_hooks(&HOOKS).expect_code(0);
    assert_eq!(
        ended.lines_starting("hook: last"),
        ["hook: last reason=main returned"]
    );
}

#[test]
fn err_return_prints_like_std_and_exits_1() {
    run_mode("err")
        .expect_hooks(&HOOKS)
        .expect_code(1)
        .expect_stderr("Error: \"disk on fire\"");
}

#[test]
fn result_main_err_exits_1_and_ok_exits_0() {
    let program = env!("CARGO_BIN_EXE_result_main");
    graceful_exit_e2e::start(program, &["err"])
        .wait()
        .expect_code(1)
        .expect_hooks(&["cleanup"])
        .expect_stderr("Error: \"config file missing\"");
    graceful_exit_e2e::start(program, &["ok"])
        .wait()
        .expect_code(0)
        .expect_hooks(&["cleanup"]);
}

#[test]
fn exit_code_from_main_is_kept() {
    run_mode("code3").expect_hooks(&HOOKS).expect_code(3);
}

#[test]
fn panic_in_main_runs_hooks_and_exits_101() {
    let ended = run_mode("panic");
    ended
        .expect_hooks(&HOOKS)
        .expect_code(101)
        .expect_stderr("main blew up");
    assert_eq!(
        ended.lines_starting("hook: last"),
        ["hook: last reason=main panicked"]
    );
}

#[test]
fn exit_runs_hooks_then_exits_with_code() {
    let ended = run_mode("exit7");
    ended.expect_hooks(&HOOKS).expect_code(7);
    assert_eq!(
        ended.lines_starting("hook: last"),
        ["hook: last reason=exit(7) called"]
    );
}

#[test]
fn request_shutdown_runs_hooks_and_exits_0() {
    let ended = run_mode("request");
    ended.expect_hooks(&HOOKS).expect_code(0);
    assert_eq!(
        ended.lines_starting("hook: last"),
        ["hook: last reason=shutdown requested"]
    );
}

#[test]
fn stdout_is_flushed_on_exit() {
    let ended = run_mode("unflushed");
    if !ended
        .stdout
        .join("\n")
        .contains("partial line without newline")
    {
        ended.fail("the partial line was not flushed");
    }
}

#[test]
fn exit_code_attribute_replaces_death_by_signal() {
    stop_with(env!("CARGO_BIN_EXE_exit_code"), &[], Signal::TERM)
        .expect_hooks(&["cleanup"])
        .expect_code(7);
}

#[test]
fn signals_left_out_keep_their_default_action() {
    let program = env!("CARGO_BIN_EXE_only_term");
    stop_with(program, &[], Signal::INT)
        .expect_hooks(&[])
        .expect_signal(Signal::INT);
    stop_with(program, &[], Signal::TERM)
        .expect_hooks(&["cleanup"])
        .expect_signal(Signal::TERM);
}

#[test]
fn quickstart_example_does_what_the_readme_says() {
    let mut running = start_ready(env!("CARGO_BIN_EXE_quickstart"), &[]);
    // Its loop's `sleep` is what makes `main` cooperate.
    wait_until_blocked(&running);
    running.signal(Signal::INT);
    let ended = running.wait();
    let numbered: Vec<&str> = ended
        .stdout
        .iter()
        .filter(|line| line.starts_with(|c: char| c.is_ascii_digit()))
        .map(String::as_str)
        .collect();
    assert_eq!(
        numbered,
        [
            "1. saving state",
            "2. closing connections",
            "3. goodbye (stopping because: SIGINT)"
        ],
        "{ended:?}"
    );
    ended.expect_signal(Signal::INT);
    // `main` finished its loop before the hooks ran.
    let main = ended
        .stdout
        .iter()
        .position(|l| l.starts_with("main: stopping"));
    let first = ended.stdout.iter().position(|l| l.starts_with("1. "));
    assert!(main.is_some() && main < first, "{ended:?}");
}
