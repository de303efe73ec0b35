//! Issue: backends. What must hold whichever backend is compiled in
//! (`cargo test -p graceful-exit-e2e` and the same with
//! `--no-default-features --features ctrlc`).
// Unix only: it sends POSIX signals through the e2e harness, which is Unix
// only; the Windows builds of the test programs run under Wine from a
// Linux host instead (tests/e2e/tests/wine.rs).
#![cfg(unix)]
use graceful_exit_e2e::{spawn, SIGTERM};

#[test]
fn own_signal_hook_handler_keeps_working_alongside() {
    let mut proc = spawn(env!("CARGO_BIN_EXE_coexist"), &[]);
    proc.ready();
    proc.signal(SIGTERM);
    let ended = proc.wait_end();
    assert_eq!(
        ended.lines_starting("hook: report"),
        ["hook: report own_handler_saw_sigterm=true"],
        "{ended:?}"
    );
    assert_eq!(ended.signal(), Some(SIGTERM), "{ended:?}");
}
