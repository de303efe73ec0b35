//! `exit` inside a hook with `panic = "abort"`, for real: the test program
//! is built a second time in the workspace's `panic-abort` profile. The
//! hook ends there, the next hook runs, and the process ends as the
//! shutdown was heading: no `SIGABRT`.
// Unix only: it sends POSIX signals and reads how a process died.
#![cfg(unix)]
use std::path::PathBuf;
use std::process::Command;

use graceful_exit_e2e::{Program, Signal};

/// Builds `exit_in_hook` in the `panic-abort` profile; its path.
fn build_with_panic_abort() -> PathBuf {
    let debug_exe = PathBuf::from(env!("CARGO_BIN_EXE_exit_in_hook"));
    let target_dir = debug_exe
        .parent()
        .and_then(|debug| debug.parent())
        .expect("target/debug/exit_in_hook");
    let built = Command::new(env!("CARGO"))
        .args([
            "build",
            "--profile",
            "panic-abort",
            "-p",
            "graceful-exit-e2e",
            "--bin",
            "exit_in_hook",
        ])
        .env("CARGO_TARGET_DIR", target_dir)
        .status()
        .expect("run cargo");
    assert!(built.success(), "cargo build --profile panic-abort failed");
    target_dir.join("panic-abort").join("exit_in_hook")
}

#[test]
fn exit_in_a_hook_ends_that_hook_and_the_rest_run_under_both_panic_strategies() {
    for (exe, strategy) in [
        (PathBuf::from(env!("CARGO_BIN_EXE_exit_in_hook")), "unwind"),
        (build_with_panic_abort(), "abort"),
    ] {
        let mut running = Program::new(&exe).start();
        let ready = running.wait_for_line("ready");
        assert_eq!(ready, format!("ready panic={strategy}"));
        running.signal(Signal::TERM);
        let ended = running.wait();
        ended
            .expect_signal(Signal::TERM)
            .expect_hooks(&["calls_exit", "after"])
            .expect_stderr("hook `calls_exit` called exit(5) during shutdown; that hook ends there and the remaining hooks still run");
        assert_eq!(ended.lines_starting("hook: after"), ["hook: after"]);
    }
}
