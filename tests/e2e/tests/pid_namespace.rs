//! PID 1, shells and inits, in a real PID namespace
//! (`unshare --pid --fork --mount-proc`), the way a container runs them.
//!
//! - A shell as PID 1 (`sh -c "APP"`) drops SIGTERM: the hooks never run
//!   (the bug, reproduced) and the program warns about it at start.
//! - `exec` makes the program PID 1: SIGTERM runs every hook and, as PID 1
//!   cannot die by its own signal, it exits with 128 + 15.
//! - `tini` and `dumb-init` as PID 1 forward SIGTERM: every hook runs, no
//!   warning, and the init reports the program's death by SIGTERM as 143.
//! - `tini` in front of `sh -c "APP; …"` (no `exec`) forwards SIGTERM to the
//!   shell only: the namespace ends fast with 143, but no hook ran.
//! - `reap_zombies = true` as PID 1 reaps an orphaned grandchild (a PID 1
//!   that does not reap keeps it as a zombie: the control).
//! - No warning in a plain run, with `GRACEFUL_EXIT_QUIET=1`, or as PID 1.
//!
//! Everything here but the plain run needs root; it skips with a printed
//! reason where PID namespaces are not available.
// Unix only: PID namespaces and POSIX signals.
#![cfg(unix)]
use std::process::Command;
use std::thread;
use std::time::Duration;

use graceful_exit_e2e::containers::{
    children, eventually, namespace_init, only_child, or_skip, pid_namespace, pid_namespace_usable,
    process, sh_quote,
};
use graceful_exit_e2e::{kill, on_path, Ended, Program, Signal, SIGKILL};

const SIGTERM: i32 = libc::SIGTERM;

const APP: &str = env!("CARGO_BIN_EXE_ct_app");
const REAPER: &str = env!("CARGO_BIN_EXE_ct_reaper");
const ALL: [&str; 3] = ["first", "second", "third"];
const WARNING: &str = "graceful-exit: this process (pid ";
/// `--features ctrlc` picks the ctrlc backend, which cannot reap zombies.
const CTRLC_BACKEND: bool = cfg!(feature = "ctrlc");

/// `unshare … ARGS` with `GRACEFUL_EXIT_QUIET` unset, so the warning shows,
/// and the runtime's progress lines on, so `Ended::hooks` sees the hooks.
fn in_namespace(args: &[&str]) -> Command {
    let mut command = pid_namespace(args);
    command
        .env_remove("GRACEFUL_EXIT_QUIET")
        .env("GRACEFUL_EXIT_LOG", "debug");
    command
}

#[track_caller]
fn assert_all_hooks_and_143(ended: &Ended) {
    ended.expect_hooks(&ALL);
    if ended.lines_starting("hook: third") != ["hook: third reason=SIGTERM"] {
        ended.fail("the last hook did not see SIGTERM as the reason");
    }
    ended.expect_code(Signal::TERM.shell_status());
}

#[track_caller]
fn assert_no_warning(ended: &Ended) {
    if ended.stderr.contains(WARNING) {
        ended.fail("unexpected container warning");
    }
}

#[test]
fn shell_as_pid1_drops_sigterm_so_no_hook_runs_and_the_app_warns() {
    let Some(()) = or_skip(pid_namespace_usable()) else {
        return;
    };
    let script = sh_quote(APP);
    let mut unshare = Program::from_command(in_namespace(&["sh", "-c", &script])).start();
    unshare.wait_ready();
    let shell = namespace_init(&unshare);
    let app = only_child(shell.pid);
    assert_eq!(shell.comm, "sh", "PID 1 should be the shell: {shell:?}");
    assert_eq!(app.comm, "ct_app", "the shell's child: {app:?}");

    // What `docker stop` does first: SIGTERM to PID 1 only. The shell has no
    // handler, and the kernel drops unhandled signals sent to a namespace's
    // init. Nothing happens: the app never hears of it.
    kill(shell.pid, SIGTERM);
    thread::sleep(Duration::from_secs(1));
    let still = process(app.pid).filter(|info| !info.is_zombie());
    assert!(
        still.is_some(),
        "the app ended after SIGTERM to the shell; the bug did not reproduce"
    );
    assert!(
        process(shell.pid).is_some_and(|info| !info.is_zombie()),
        "the shell as PID 1 ended on SIGTERM"
    );

    // What `docker stop` does after its grace period: SIGKILL, which takes
    // the whole namespace down. No hook gets to run.
    kill(shell.pid, SIGKILL);
    let ended = unshare.wait();
    // SIGTERM never reached the app.
    ended.expect_hooks(&[]);
    // (`unshare` then tries to die by the same signal; util-linux 2.38
    // cannot re-raise SIGKILL and exits 1 instead, so its status says
    // little here.)
    if process(app.pid).is_some() {
        ended.fail("the app outlived its namespace");
    }
    if ended
        .lines_starting("pid ")
        .first()
        .map(|l| l.ends_with(" ppid 1"))
        != Some(true)
    {
        ended.fail("the app should have been a child of PID 1");
    }
    for needle in [WARNING, "`sh`", "PID 1", "exec", "--init", "init: true"] {
        if !ended.stderr.contains(needle) {
            ended.fail(&format!("the warning does not mention {needle:?}"));
        }
    }
    assert_eq!(
        ended.stderr.matches(WARNING).count(),
        1,
        "warned more than once: {}",
        ended.stderr
    );
}

#[test]
fn exec_makes_the_app_pid1_and_sigterm_runs_every_hook_exit_143() {
    let Some(()) = or_skip(pid_namespace_usable()) else {
        return;
    };
    let script = format!("exec {}", sh_quote(APP));
    let mut unshare = Program::from_command(in_namespace(&["sh", "-c", &script])).start();
    unshare.wait_ready();
    let init = namespace_init(&unshare);
    assert_eq!(init.comm, "ct_app", "the app should be PID 1: {init:?}");
    kill(init.pid, SIGTERM);
    let ended = unshare.wait();
    if ended.lines_starting("pid 1 ") != ["pid 1 ppid 0"] {
        ended.fail("the app did not run as PID 1");
    }
    assert_all_hooks_and_143(&ended);
    assert_no_warning(&ended);
}

/// An init as PID 1 with the app as its child: SIGTERM to the init.
fn under_init(init_args: &[&str], init_name: &str) {
    let mut args = init_args.to_vec();
    args.push(APP);
    let mut unshare = Program::from_command(in_namespace(&args)).start();
    unshare.wait_ready();
    let init = namespace_init(&unshare);
    assert_eq!(init.comm, init_name, "PID 1 should be the init: {init:?}");
    let app = only_child(init.pid);
    assert_eq!(app.comm, "ct_app", "the init's child: {app:?}");
    kill(init.pid, SIGTERM);
    let ended = unshare.wait();
    // The app is not PID 1, so it dies by SIGTERM; the init reports that as
    // 128 + 15, and `unshare` passes the code on.
    assert_all_hooks_and_143(&ended);
    assert_no_warning(&ended);
}

#[test]
fn tini_as_pid1_forwards_sigterm_every_hook_runs() {
    let Some(()) = or_skip(pid_namespace_usable()) else {
        return;
    };
    if !on_path("tini") {
        eprintln!("skipping: `tini` is not on PATH (apt-get install tini)");
        return;
    }
    under_init(&["tini", "--"], "tini");
}

#[test]
fn dumb_init_as_pid1_forwards_sigterm_every_hook_runs() {
    let Some(()) = or_skip(pid_namespace_usable()) else {
        return;
    };
    if !on_path("dumb-init") {
        eprintln!("skipping: `dumb-init` is not on PATH (apt-get install dumb-init)");
        return;
    }
    under_init(&["dumb-init"], "dumb-init");
}

/// `docker run --init` (tini) in front of `sh -c "APP; …"` without `exec`:
/// tini forwards SIGTERM to its child, the shell, which dies of it; tini then
/// exits, and the kernel SIGKILLs the rest of the namespace. The stop is fast
/// and the status looks clean (143), yet the app never heard of SIGTERM.
#[test]
fn tini_in_front_of_a_shell_without_exec_still_loses_the_hooks() {
    let Some(()) = or_skip(pid_namespace_usable()) else {
        return;
    };
    if !on_path("tini") {
        eprintln!("skipping: `tini` is not on PATH (apt-get install tini)");
        return;
    }
    let script = format!("{}; echo done", sh_quote(APP));
    let mut unshare =
        Program::from_command(in_namespace(&["tini", "--", "sh", "-c", &script])).start();
    unshare.wait_ready();
    let tini = namespace_init(&unshare);
    let shell = only_child(tini.pid);
    let app = only_child(shell.pid);
    assert_eq!(
        (tini.comm.as_str(), shell.comm.as_str(), app.comm.as_str()),
        ("tini", "sh", "ct_app")
    );
    kill(tini.pid, SIGTERM);
    let ended = unshare.wait();
    if !ended.hooks().is_empty() || !ended.lines_starting("done").is_empty() {
        ended.fail("the app should have been killed without running its hooks");
    }
    // tini reports the shell's death by SIGTERM as 143.
    ended.expect_code(Signal::TERM.shell_status());
    if process(app.pid).is_some() {
        ended.fail("the app outlived its namespace");
    }
}

#[test]
fn reap_zombies_as_pid1_reaps_an_orphaned_grandchild() {
    let Some(()) = or_skip(pid_namespace_usable()) else {
        return;
    };

    // Control: the same orphan under a PID 1 that does not reap stays a
    // zombie (the orphaned `sleep`, and the `sh` nobody waited for).
    let mut unshare = Program::from_command(in_namespace(&[APP, "orphan"])).start();
    unshare.wait_ready();
    let init = namespace_init(&unshare);
    let zombies = || {
        children(init.pid)
            .into_iter()
            .filter(|child| child.is_zombie())
            .count()
    };
    if !eventually(Duration::from_secs(5), || zombies() == 2) {
        kill(init.pid, SIGKILL);
        unshare.wait().fail(&format!(
            "control: expected 2 zombies under a PID 1 that does not reap, found {:?}",
            children(init.pid)
        ));
    }
    kill(init.pid, SIGTERM);
    assert_all_hooks_and_143(&unshare.wait());

    // `reap_zombies = true`: PID 1 collects both.
    let mut unshare = Program::from_command(in_namespace(&[REAPER])).start();
    unshare.wait_ready();
    let init = namespace_init(&unshare);
    assert_eq!(
        init.comm, "ct_reaper",
        "the reaper should be PID 1: {init:?}"
    );
    // The orphan sleeps 0.2 s; give it time to exit and be reaped. (The
    // ctrlc backend cannot reap; it says so instead, checked below.)
    if !CTRLC_BACKEND && !eventually(Duration::from_secs(5), || children(init.pid).is_empty()) {
        let left = children(init.pid);
        kill(init.pid, SIGKILL);
        unshare
            .wait()
            .fail(&format!("children left under the reaper: {left:?}"));
    }
    kill(init.pid, SIGTERM);
    let ended = unshare.wait();
    ended
        .expect_hooks(&["reaper"])
        .expect_code(Signal::TERM.shell_status());
    if ended.lines_starting("pid 1 ") != ["pid 1 ppid 0"] {
        ended.fail("the reaper did not run as PID 1");
    }
    let unsupported = ended
        .stderr
        .contains("reap_zombies needs the signal-hook backend");
    if unsupported != CTRLC_BACKEND {
        ended.fail("only the ctrlc backend should report that it cannot reap");
    }
}

#[test]
fn reap_zombies_goes_on_during_a_signal_started_shutdown() {
    let Some(()) = or_skip(pid_namespace_usable()) else {
        return;
    };
    if CTRLC_BACKEND {
        eprintln!("skipping: the ctrlc backend cannot reap");
        return;
    }
    let mut unshare = Program::from_command(in_namespace(&[REAPER, "during"])).start();
    unshare.wait_ready();
    let init = namespace_init(&unshare);
    kill(init.pid, SIGTERM);
    let ended = unshare.wait();
    ended
        .expect_hooks(&["reaper"])
        .expect_code(Signal::TERM.shell_status());
    if ended.lines_starting("zombies during shutdown:") != ["zombies during shutdown: 0"] {
        ended.fail("an orphan that exited during the shutdown was not reaped");
    }
}

#[test]
fn no_warning_in_a_plain_run() {
    let mut app = Program::new(APP).env("GRACEFUL_EXIT_QUIET", "0").start();
    app.wait_ready();
    app.signal(Signal::TERM);
    let ended = app.wait();
    ended.expect_hooks(&ALL).expect_signal(Signal::TERM);
    if ended.stderr.contains(WARNING) {
        ended.fail("a plain run should not warn");
    }
}

#[test]
fn quiet_silences_the_warning_behind_a_shell_as_pid1() {
    let Some(()) = or_skip(pid_namespace_usable()) else {
        return;
    };
    let script = sh_quote(APP);
    let mut command = pid_namespace(&["sh", "-c", &script]);
    command.env("GRACEFUL_EXIT_QUIET", "1");
    let mut unshare = Program::from_command(command).start();
    unshare.wait_ready();
    let shell = namespace_init(&unshare);
    assert_eq!(shell.comm, "sh", "PID 1 should be the shell: {shell:?}");
    kill(shell.pid, SIGKILL);
    let ended = unshare.wait();
    if ended.stderr.contains("graceful-exit:") {
        ended.fail("GRACEFUL_EXIT_QUIET=1 should silence the warning");
    }
}
