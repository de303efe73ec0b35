//! What the runtime prints: nothing on a clean shutdown; with
//! `GRACEFUL_EXIT_LOG=debug` (or `Config::debug_log`), each hook with its
//! duration.
// Unix only: it sends POSIX signals and reads how a process died; the
// Windows builds of the test programs run under Wine instead (wine.rs).
#![cfg(unix)]
use graceful_exit_e2e::{start_ready, Program, Signal, HOOKS};

#[test]
fn a_clean_shutdown_prints_nothing_on_stderr() {
    let mut running = Program::new(env!("CARGO_BIN_EXE_hooks"))
        .arg("park")
        .progress(false)
        .start();
    running.wait_ready();
    running.signal(Signal::TERM);
    let ended = running.wait();
    ended.expect_signal(Signal::TERM);
    assert_eq!(ended.stderr, "", "{ended:?}");
    assert_eq!(ended.lines_starting("hook: ").len(), HOOKS.len());
}

#[test]
fn debug_log_shows_each_hook_with_its_duration() {
    let mut running = start_ready(env!("CARGO_BIN_EXE_hooks"), &["park"]);
    running.signal(Signal::TERM);
    let ended = running.wait();
    ended.expect_hooks(&HOOKS);
    let lines: Vec<&str> = ended.stderr.lines().collect();
    assert!(
        lines.first().is_some_and(|l| l.starts_with("graceful-exit: shutdown started: SIGTERM; deadline 8s")),
        "{ended:?}"
    );
    for hook in HOOKS {
        let finished = format!("graceful-exit: hook `{hook}` finished in ");
        assert!(lines.iter().any(|l| l.starts_with(&finished)), "{ended:?}");
    }
    assert!(
        lines
            .last()
            .is_some_and(|l| l.starts_with("graceful-exit: shutdown finished in ")
                && l.ends_with("; dying by SIGTERM")),
        "{ended:?}"
    );
}

#[test]
fn config_debug_log_and_the_program_without_the_macro() {
    let mut running = Program::new(env!("CARGO_BIN_EXE_no_macro"))
        .progress(false)
        .start();
    running.wait_ready();
    running.signal(Signal::TERM);
    let ended = running.wait();
    // `Config::debug_log(true)` prints the progress lines by itself.
    ended
        .expect_hooks(&["close"])
        .expect_code(9)
        .expect_stderr("graceful-exit: shutdown started: SIGTERM; deadline 5s")
        .expect_stderr("graceful-exit: hook `close` finished in ");
    assert_eq!(
        ended.lines_starting("hook: close"),
        ["hook: close reason=SIGTERM"]
    );
}
