//! The Windows builds of the test programs, run under Wine from a Linux host.
//!
//! Runs only when `GRACEFUL_EXIT_WINE_BINS` names the directory of a
//! `cargo build --target x86_64-pc-windows-gnu -p graceful-exit-e2e --bins`
//! (`wine` on `PATH`, `WINEPREFIX` prepared by `.ci/wine-setup`); each test
//! prints why it skips otherwise. `.ci/wine-tests` does all of it.
//!
//! Under Wine, `kill -INT` on the `wine` process is a Ctrl-C
//! (`CTRL_C_EVENT`) for the program; SIGTERM and SIGHUP just kill it, and
//! Ctrl-Break and console close events cannot be sent, so only Ctrl-C and
//! the ways `main` can end are covered here.
//!
//! Every test but `no_macro_...` needs `#[on_shutdown]` hooks, so each
//! fails if the declared-hook list comes out empty on windows-gnu (as it did
//! when hooks were gathered in link sections GNU ld drops).
// Unix only: it drives `wine` with POSIX signals through the e2e harness.
#![cfg(unix)]

use std::path::PathBuf;
use std::process::Command;

use graceful_exit_e2e::{on_path, Ended, Program, Signal, SIGKILL};

/// The directory of the Windows test programs, or `None` (with the reason
/// printed) when this machine is not set up to run them.
fn wine_bins(test: &str) -> Option<PathBuf> {
    let Some(dir) = std::env::var_os("GRACEFUL_EXIT_WINE_BINS") else {
        println!("{test}: skipped: GRACEFUL_EXIT_WINE_BINS is not set (run .ci/wine-tests)");
        return None;
    };
    // Asked for explicitly: a machine that cannot do it fails, not skips.
    assert!(
        on_path("wine"),
        "GRACEFUL_EXIT_WINE_BINS is set but `wine` is not on PATH (run .ci/wine-setup)"
    );
    assert!(
        std::env::var_os("WINEPREFIX").is_some(),
        "GRACEFUL_EXIT_WINE_BINS is set but WINEPREFIX is not (the prefix .ci/wine-setup prints)"
    );
    Some(PathBuf::from(dir))
}

/// `wine DIR/NAME.exe ARGS`, quiet, stdio piped by the harness.
fn wine(dir: &std::path::Path, name: &str, args: &[&str]) -> Command {
    let exe = dir.join(format!("{name}.exe"));
    assert!(exe.is_file(), "{} is missing", exe.display());
    let mut command = Command::new("wine");
    command.arg(exe).args(args);
    if std::env::var_os("WINEDEBUG").is_none() {
        command.env("WINEDEBUG", "-all");
    }
    command
}

/// Runs the program; with `ctrl_c`, sends Ctrl-C once it printed `ready`.
fn run_once(dir: &std::path::Path, name: &str, args: &[&str], ctrl_c: bool) -> Ended {
    let mut running = Program::from_command(wine(dir, name, args)).start();
    running.wait_ready();
    if ctrl_c {
        running.signal(Signal::INT);
    }
    running.wait()
}

/// Like [`run_once`], retried once when Wine's teardown reported SIGKILL
/// after the program had printed everything `complete` looks for: that
/// happens in a few percent of runs, to plain `ctrlc` programs too. Any
/// other outcome, and a second such run, is returned as it is.
fn run(
    dir: &std::path::Path,
    name: &str,
    args: &[&str],
    ctrl_c: bool,
    complete: impl Fn(&Ended) -> bool,
) -> Ended {
    let ended = run_once(dir, name, args, ctrl_c);
    if ended.signal() == Some(SIGKILL) && complete(&ended) {
        println!("{name} {args:?}: Wine reported SIGKILL after complete output; running it once more\n{ended:?}");
        return run_once(dir, name, args, ctrl_c);
    }
    ended
}

/// Stdout without the `\r` a Windows program may print before `\n`.
fn lines(ended: &Ended) -> Vec<&str> {
    ended
        .stdout
        .iter()
        .map(|line| line.trim_end_matches('\r'))
        .collect()
}

/// The hooks of `hooks.exe` (three of its own, one from `hooklib`), in order.
const HOOKS: [&str; 4] = ["first", "hooklib_disconnect", "second", "last"];

/// `hooks.exe MODE`: every hook once, in order, `last` told `reason`, and
/// the exit code `code`.
fn hooks_mode(mode: &str, reason: &str, code: i32) -> Option<Ended> {
    let dir = wine_bins(&format!("hooks {mode}"))?;
    let last = format!("hook: last reason={reason}");
    let ended = run(&dir, "hooks", &[mode], false, |ended| {
        lines(ended).contains(&last.as_str())
    });
    let hooks: Vec<&str> = lines(&ended)
        .into_iter()
        .filter_map(|line| line.strip_prefix("hook: "))
        .filter_map(|rest| rest.split_whitespace().next())
        .collect();
    if hooks != HOOKS {
        ended.fail(&format!("hooks ran as {hooks:?}, expected {HOOKS:?}"));
    }
    if !lines(&ended).contains(&last.as_str()) {
        ended.fail(&format!("expected the line {last:?}"));
    }
    if ended.code() != Some(code) {
        ended.fail(&format!("expected exit code {code}"));
    }
    Some(ended)
}

/// A hook registered at run time runs on Ctrl-C, and `exit_code = 9`
/// applies.
#[test]
fn no_macro_runtime_hook_runs_on_ctrl_c_and_exit_code_applies() {
    let Some(dir) = wine_bins("no_macro") else {
        return;
    };
    let ended = run(&dir, "no_macro", &[], true, |ended| {
        lines(ended).contains(&"hook: close reason=SIGINT")
    });
    if lines(&ended) != ["ready", "hook: close reason=SIGINT"] {
        ended.fail("expected `ready`, then the run-time hook told SIGINT");
    }
    if ended.code() != Some(9) {
        ended.fail("expected exit code 9 (`exit_code(9)`)");
    }
}

/// The README's quickstart, stopped with Ctrl-C, runs its three hooks in order and exits
/// 130 as a shell expects.
#[test]
fn quickstart_ctrl_c_runs_three_hooks_in_order_and_exits_130() {
    let Some(dir) = wine_bins("quickstart") else {
        return;
    };
    let expected = [
        "1. saving state",
        "2. closing connections",
        "3. goodbye (stopping because: SIGINT)",
    ];
    let ended = run(&dir, "quickstart", &[], true, |ended| {
        lines(ended).contains(&expected[2])
    });
    let numbered: Vec<&str> = lines(&ended)
        .into_iter()
        .filter(|line| line.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    if numbered != expected {
        ended.fail(&format!(
            "hooks printed {numbered:?}, expected {expected:?}"
        ));
    }
    if ended.code() != Some(130) {
        ended.fail("expected exit code 130 (Ctrl-C)");
    }
}

/// `main` returning runs every hook, then exits 0.
#[test]
fn hooks_return_exits_0_after_all_hooks() {
    hooks_mode("return", "main returned", 0);
}

/// `main` returning `Err` prints it as std does, runs every hook, exits 1.
#[test]
fn hooks_err_prints_like_std_and_exits_1() {
    if let Some(ended) = hooks_mode("err", "main returned an error", 1) {
        if !ended.stderr.contains("Error: \"disk on fire\"") {
            ended.fail("expected `Error: \"disk on fire\"` on stderr");
        }
    }
}

/// `exit(7)` runs every hook, then exits 7.
#[test]
fn hooks_exit7_exits_7_after_all_hooks() {
    hooks_mode("exit7", "exit(7) called", 7);
}

/// A panic in `main` runs every hook, then exits 101.
#[test]
fn hooks_panic_runs_hooks_and_exits_101() {
    if let Some(ended) = hooks_mode("panic", "main panicked", 101) {
        if !ended.stderr.contains("main blew up") {
            ended.fail("expected the panic message on stderr");
        }
    }
}
