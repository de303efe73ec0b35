//! Issue: output policy. Quiet on success; progress lines with
//! `GRACEFUL_EXIT_LOG=debug`.
// Unix only: it sends POSIX signals through the e2e harness, which is Unix
// only; the Windows builds of the test programs run under Wine from a
// Linux host instead (tests/e2e/tests/wine.rs).
#![cfg(unix)]
use std::process::Command;

use graceful_exit_e2e::{spawn_command, SIGTERM};

fn stop(envs: &[(&str, &str)]) -> graceful_exit_e2e::Ended {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hooks"));
    command.arg("park").envs(envs.iter().copied());
    let mut proc = spawn_command(&mut command);
    proc.ready();
    proc.signal(SIGTERM);
    proc.wait_end()
}

#[test]
fn a_clean_shutdown_prints_nothing_on_stderr() {
    let ended = stop(&[]);
    assert_eq!(ended.signal(), Some(SIGTERM), "{ended:?}");
    assert_eq!(ended.stderr, "", "{ended:?}");
}

#[test]
fn debug_log_shows_each_hook_with_its_duration() {
    let ended = stop(&[("GRACEFUL_EXIT_LOG", "debug")]);
    let lines: Vec<&str> = ended.stderr.lines().collect();
    assert!(
        lines.first().is_some_and(|l| l.starts_with("graceful-exit: shutdown started: SIGTERM; deadline 8s")),
        "{ended:?}"
    );
    for hook in ["first", "hooklib_disconnect", "second", "last"] {
        let finished = format!("graceful-exit: hook `{hook}` finished in ");
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(&format!("graceful-exit: hook `{hook}` started"))),
            "{ended:?}"
        );
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
    let mut proc = graceful_exit_e2e::spawn(env!("CARGO_BIN_EXE_no_macro"), &[]);
    proc.ready();
    proc.signal(SIGTERM);
    let ended = proc.wait_end();
    assert_eq!(ended.hooks(), ["close"], "{ended:?}");
    assert_eq!(
        ended.lines_starting("hook: close"),
        ["hook: close reason=SIGTERM"]
    );
    assert_eq!(ended.code(), Some(9), "exit_code = 9 applies: {ended:?}");
    assert!(
        ended
            .stderr
            .contains("graceful-exit: shutdown started: SIGTERM; deadline 5s"),
        "{ended:?}"
    );
    assert!(
        ended
            .stderr
            .contains("graceful-exit: hook `close` finished in "),
        "{ended:?}"
    );
}
