//! Issue: foundation. Signals and every way `main` can end run all hooks once,
//! in order, with the exit status the SPEC gives.
// Unix only: it sends POSIX signals through the e2e harness, which is Unix
// only; the Windows builds of the test programs run under Wine from a
// Linux host instead (tests/e2e/tests/wine.rs).
#![cfg(unix)]
use graceful_exit_e2e::{spawn, Ended, SIGHUP, SIGINT, SIGTERM};

const HOOKS: &str = env!("CARGO_BIN_EXE_hooks");
const ALL: [&str; 4] = ["first", "hooklib_disconnect", "second", "last"];

fn run_until_signal(signal: i32) -> Ended {
    let mut proc = spawn(HOOKS, &["park"]);
    proc.ready();
    proc.signal(signal);
    proc.wait_end()
}

fn run_mode(mode: &str) -> Ended {
    let mut proc = spawn(HOOKS, &[mode]);
    proc.ready();
    proc.wait_end()
}

#[track_caller]
fn assert_all_hooks_once(ended: &Ended) {
    if ended.hooks() != ALL {
        ended.fail(&format!(
            "hooks ran as {:?}, expected {ALL:?}",
            ended.hooks()
        ));
    }
}

#[test]
fn each_default_signal_runs_all_hooks_in_order_and_dies_by_it() {
    for (signal, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT"), (SIGHUP, "SIGHUP")] {
        let ended = run_until_signal(signal);
        assert_all_hooks_once(&ended);
        if ended.signal() != Some(signal) {
            ended.fail(&format!("expected death by {name}"));
        }
        let last = ended.lines_starting("hook: last");
        assert_eq!(last, [format!("hook: last reason={name}")], "{ended:?}");
    }
}

#[test]
fn normal_return_exits_0_after_hooks() {
    let ended = run_mode("return");
    assert_all_hooks_once(&ended);
    assert_eq!(ended.code(), Some(0), "{ended:?}");
    assert_eq!(
        ended.lines_starting("hook: last"),
        ["hook: last reason=main returned"]
    );
}

#[test]
fn err_return_prints_like_std_and_exits_1() {
    let ended = run_mode("err");
    assert_all_hooks_once(&ended);
    assert_eq!(ended.code(), Some(1), "{ended:?}");
    assert!(
        ended.stderr.contains("Error: \"disk on fire\""),
        "{ended:?}"
    );
}

#[test]
fn result_main_err_exits_1_and_ok_exits_0() {
    let bin = env!("CARGO_BIN_EXE_result_main");
    let mut proc = spawn(bin, &["err"]);
    let ended = proc.wait_end();
    assert_eq!(ended.code(), Some(1), "{ended:?}");
    assert_eq!(ended.hooks(), ["cleanup"]);
    assert!(
        ended.stderr.contains("Error: \"config file missing\""),
        "{ended:?}"
    );

    let ended = spawn(bin, &["ok"]).wait_end();
    assert_eq!(ended.code(), Some(0), "{ended:?}");
    assert_eq!(ended.hooks(), ["cleanup"]);
}

#[test]
fn exit_code_from_main_is_kept() {
    let ended = run_mode("code3");
    assert_all_hooks_once(&ended);
    assert_eq!(ended.code(), Some(3), "{ended:?}");
}

#[test]
fn panic_in_main_runs_hooks_and_exits_101() {
    let ended = run_mode("panic");
    assert_all_hooks_once(&ended);
    assert_eq!(ended.code(), Some(101), "{ended:?}");
    assert!(ended.stderr.contains("main blew up"), "{ended:?}");
    assert_eq!(
        ended.lines_starting("hook: last"),
        ["hook: last reason=main panicked"]
    );
}

#[test]
fn exit_runs_hooks_then_exits_with_code() {
    let ended = run_mode("exit7");
    assert_all_hooks_once(&ended);
    assert_eq!(ended.code(), Some(7), "{ended:?}");
    assert_eq!(
        ended.lines_starting("hook: last"),
        ["hook: last reason=exit(7) called"]
    );
}

#[test]
fn request_shutdown_runs_hooks_and_exits_0() {
    let ended = run_mode("request");
    assert_all_hooks_once(&ended);
    assert_eq!(ended.code(), Some(0), "{ended:?}");
    assert_eq!(
        ended.lines_starting("hook: last"),
        ["hook: last reason=shutdown requested"]
    );
}

#[test]
fn stdout_is_flushed_on_exit() {
    let ended = run_mode("unflushed");
    let joined = ended.stdout.join("\n");
    assert!(joined.contains("partial line without newline"), "{ended:?}");
}

#[test]
fn exit_code_attribute_replaces_death_by_signal() {
    let mut proc = spawn(env!("CARGO_BIN_EXE_exit_code"), &[]);
    proc.ready();
    proc.signal(SIGTERM);
    let ended = proc.wait_end();
    assert_eq!(ended.hooks(), ["cleanup"]);
    assert_eq!(ended.code(), Some(7), "{ended:?}");
}

#[test]
fn signals_left_out_keep_their_default_action() {
    let bin = env!("CARGO_BIN_EXE_only_term");
    let mut proc = spawn(bin, &[]);
    proc.ready();
    proc.signal(SIGINT);
    let ended = proc.wait_end();
    assert_eq!(ended.signal(), Some(SIGINT), "{ended:?}");
    assert!(ended.hooks().is_empty(), "{ended:?}");

    let mut proc = spawn(bin, &[]);
    proc.ready();
    proc.signal(SIGTERM);
    let ended = proc.wait_end();
    assert_eq!(ended.signal(), Some(SIGTERM), "{ended:?}");
    assert_eq!(ended.hooks(), ["cleanup"]);
}

#[test]
fn quickstart_example_does_what_the_readme_says() {
    let mut proc = spawn(env!("CARGO_BIN_EXE_quickstart"), &[]);
    proc.ready();
    proc.signal(SIGINT);
    let ended = proc.wait_end();
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
    assert_eq!(ended.signal(), Some(SIGINT), "{ended:?}");
}
