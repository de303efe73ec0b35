//! Storms, startup races and everything failing at once still end in a
//! clean, bounded shutdown.
// Unix only: it sends POSIX signals and reads how a process died; the
// Windows builds of the test programs run under Wine instead (wine.rs).
#![cfg(unix)]
use std::time::{Duration, Instant};

use graceful_exit_e2e::{start, start_ready, try_kill, Signal, HOOKS};

const PROGRAM: &str = env!("CARGO_BIN_EXE_hooks");

#[test]
fn thousand_mixed_signals_run_each_hook_exactly_once() {
    let mut running = start_ready(PROGRAM, &["park"]);
    let pid = running.pid();
    let mixed = [Signal::INT, Signal::TERM, Signal::HUP];
    for n in 0..1000 {
        if !try_kill(pid, mixed[n % 3].number()) {
            break; // it has exited
        }
    }
    let ended = running.wait();
    ended.expect_hooks(&HOOKS);
    assert!(
        ended
            .signal()
            .is_some_and(|s| mixed.iter().any(|m| m.number() == s)),
        "{ended:?}"
    );
    assert!(!ended.stderr.contains("panicked"), "{ended:?}");
    assert!(!ended.stderr.contains("abort"), "{ended:?}");
}

#[test]
fn signals_during_startup_never_hang() {
    for _ in 0..20 {
        let mut running = start(PROGRAM, &["park"]);
        // No `ready` sync on purpose: the signal may land before, during or
        // after the handlers are installed.
        running.signal(Signal::TERM);
        let ended = running.wait_within(Duration::from_secs(5));
        ended.expect_signal(Signal::TERM);
        // Before install: the default action, no hooks. After: all of them.
        let hooks = ended.hooks();
        assert!(hooks.is_empty() || hooks == HOOKS, "{ended:?}");
    }
}

#[test]
fn panicking_failing_and_hanging_hooks_end_within_the_deadline() {
    let mut running = start_ready(env!("CARGO_BIN_EXE_combo"), &[]);
    let sent = Instant::now();
    running.signal(Signal::TERM);
    let ended = running.wait();
    let took = ended.ended_at - sent;
    ended
        .expect_hooks(&["panics", "fails", "hangs_forever"])
        .expect_stderr("graceful-exit: hook `panics` panicked: boom")
        .expect_stderr("graceful-exit: hook `fails` failed: no route to host")
        .expect_stderr("graceful-exit: shutdown deadline of 1s passed while hook `hangs_forever` was running; exiting now")
        .expect_signal(Signal::TERM);
    // Deadline + 250 ms of scheduling slack on a shared 2-core machine; the
    // figure is reported on failure.
    assert!(took >= Duration::from_millis(950), "ended early: {took:?}");
    assert!(took < Duration::from_millis(1250), "took {took:?}");
}
