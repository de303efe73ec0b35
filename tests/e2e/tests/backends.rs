//! What must hold whichever backend is compiled in (`cargo test -p
//! graceful-exit-e2e`, and the same with `--no-default-features --features
//! ctrlc`).
// Unix only: it sends POSIX signals and reads how a process died; the
// Windows builds of the test programs run under Wine instead (wine.rs).
#![cfg(unix)]
use graceful_exit_e2e::{stop_with, Signal};

#[test]
fn own_signal_hook_handler_keeps_working_alongside() {
    let ended = stop_with(env!("CARGO_BIN_EXE_coexist"), &[], Signal::TERM);
    assert_eq!(
        ended.lines_starting("hook: report"),
        ["hook: report own_handler_saw_sigterm=true"],
        "{ended:?}"
    );
    ended.expect_signal(Signal::TERM);
}
