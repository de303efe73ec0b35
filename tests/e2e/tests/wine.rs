//! The Windows builds of the test programs, run under Wine from a Linux host.
//!
//! Runs only when `GRACEFUL_EXIT_WINE_BINS` names the directory of a
//! `cargo build --target x86_64-pc-windows-gnu -p graceful-exit-e2e --bins`
//! (`wine` on `PATH`, `WINEPREFIX` prepared by `.ci/wine-setup`); each test
//! prints why it skips otherwise. `.ci/wine-tests` does all of it.
//!
//! Under Wine, `kill -INT` on the `wine` process is a real Ctrl-C
//! (`CTRL_C_EVENT`) for the program; SIGTERM and SIGHUP just kill it, and
//! Ctrl-Break and console close, logoff and shutdown cannot be sent. So
//! Ctrl-C and every way `main` can end are covered for real; the other
//! events are delivered by `win_console.exe` to itself the way Windows
//! delivers them (a thread at kernel32's `CtrlRoutine(event)`), Windows'
//! part after the delivery played by the program (see its docs and
//! `docs/windows.md`).
//!
//! Every test but `no_macro_...` needs `#[on_shutdown]` hooks, so each
//! fails if the declared-hook list comes out empty on windows-gnu (as it did
//! when hooks were gathered in link sections GNU ld drops). Every wait is
//! bounded (the harness kills the program and fails the test).
// Unix only: it drives `wine` with POSIX signals through the e2e harness.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use graceful_exit_e2e::{on_path, Ended, Program, Running, Signal, SIGKILL};

/// The exit code of a Windows program after Ctrl-C or Ctrl-Break: 128 + 2.
const CTRL_C_CODE: i32 = 130;
/// After console close, logoff or shutdown (reported as `SIGTERM`): 128 + 15.
const CLOSE_CODE: i32 = 143;

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

/// `wine DIR/NAME.exe ARGS`, quiet; the harness pipes its stdio.
fn wine(dir: &Path, name: &str, args: &[&str]) -> Command {
    let exe = dir.join(format!("{name}.exe"));
    assert!(exe.is_file(), "{} is missing", exe.display());
    let mut command = Command::new("wine");
    command.arg(exe).args(args);
    if std::env::var_os("WINEDEBUG").is_none() {
        command.env("WINEDEBUG", "-all");
    }
    command
}

/// Runs `attempt` once more when Wine's teardown reported SIGKILL after the
/// program had printed everything `complete` looks for: that happens in a
/// few percent of runs, to plain `ctrlc` programs too. Any other outcome,
/// and a second such run, is returned as it is.
fn retrying(
    what: &str,
    complete: impl Fn(&Ended) -> bool,
    mut attempt: impl FnMut() -> Ended,
) -> Ended {
    let ended = attempt();
    if ended.signal() == Some(SIGKILL) && complete(&ended) {
        println!(
            "{what}: Wine reported SIGKILL after complete output; running it once more\n{ended:?}"
        );
        return attempt();
    }
    ended
}

/// Runs the program; with `ctrl_c`, sends Ctrl-C once it printed `ready`.
fn run(
    dir: &Path,
    name: &str,
    args: &[&str],
    ctrl_c: bool,
    complete: impl Fn(&Ended) -> bool,
) -> Ended {
    retrying(&format!("{name} {args:?}"), complete, || {
        let mut running = start(wine(dir, name, args));
        if ctrl_c {
            running.signal(Signal::INT);
        }
        running.wait()
    })
}

/// Starts the program (the harness pipes its stdio) and waits for `ready`.
fn start(command: Command) -> Running {
    let mut running = Program::from_command(command).start();
    running.wait_ready();
    running
}

/// Stdout without the `\r` a Windows program may print before `\n`.
fn lines(ended: &Ended) -> Vec<&str> {
    ended
        .stdout
        .iter()
        .map(|line| line.trim_end_matches('\r'))
        .collect()
}

/// Whether stdout has exactly this line.
fn has_line(ended: &Ended, line: &str) -> bool {
    lines(ended).contains(&line)
}

/// The hooks that ran, from the `hook: NAME ...` lines the test programs
/// print (the harness's `Ended::hooks` reads the runtime's progress lines,
/// which a wrapped command does not turn on).
fn hooks(ended: &Ended) -> Vec<&str> {
    lines(ended)
        .into_iter()
        .filter_map(|line| line.strip_prefix("hook: "))
        .filter_map(|rest| rest.split_whitespace().next())
        .collect()
}

/// Fails unless the hooks that printed `hook: NAME ...` are `expected`, in
/// that order, each once.
#[track_caller]
fn assert_hooks(ended: &Ended, expected: &[&str]) {
    let hooks = hooks(ended);
    if hooks != expected {
        ended.fail(&format!("hooks ran as {hooks:?}, expected {expected:?}"));
    }
}

#[track_caller]
fn assert_code(ended: &Ended, code: i32, why: &str) {
    if ended.code() != Some(code) {
        ended.fail(&format!("expected exit code {code} ({why})"));
    }
}

#[track_caller]
fn assert_stderr(ended: &Ended, needle: &str) {
    if !ended.stderr.contains(needle) {
        ended.fail(&format!("stderr lacks {needle:?}"));
    }
}

/// The hooks of `hooks.exe` (three of its own, one from `hooklib`), in order.
const HOOKS: [&str; 4] = ["first", "hooklib_disconnect", "second", "last"];

/// `hooks.exe MODE`: every hook once, in order, `last` told `reason`, and
/// the exit code `code`.
fn hooks_mode(mode: &str, ctrl_c: bool, reason: &str, code: i32) -> Option<Ended> {
    let dir = wine_bins(&format!("hooks {mode}"))?;
    let last = format!("hook: last reason={reason}");
    let ended = run(&dir, "hooks", &[mode], ctrl_c, |ended| {
        has_line(ended, &last)
    });
    assert_hooks(&ended, &HOOKS);
    if !has_line(&ended, &last) {
        ended.fail(&format!("expected the line {last:?}"));
    }
    assert_code(&ended, code, mode);
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
        has_line(ended, "hook: close reason=SIGINT")
    });
    if lines(&ended) != ["ready", "hook: close reason=SIGINT"] {
        ended.fail("expected `ready`, then the run-time hook told SIGINT");
    }
    assert_code(&ended, 9, "`exit_code(9)`");
}

/// The README's quickstart, stopped with Ctrl-C, runs its three hooks in
/// order and exits 130 as a shell expects; its debug line says so.
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
    let ended = retrying(
        "quickstart",
        |ended| has_line(ended, expected[2]),
        || {
            let mut command = wine(&dir, "quickstart", &[]);
            command.env("GRACEFUL_EXIT_LOG", "debug");
            let mut running = start(command);
            running.signal(Signal::INT);
            running.wait()
        },
    );
    let numbered: Vec<&str> = lines(&ended)
        .into_iter()
        .filter(|line| line.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    if numbered != expected {
        ended.fail(&format!(
            "hooks printed {numbered:?}, expected {expected:?}"
        ));
    }
    assert_code(&ended, CTRL_C_CODE, "Ctrl-C");
    assert_stderr(&ended, "exiting with code 130 for SIGINT");
    if ended.stderr.contains("dying by") {
        ended.fail("Windows has no death by signal: the debug line must name the code");
    }
}

/// Ctrl-C runs every hook once, in order, told SIGINT, and exits 130.
#[test]
fn hooks_ctrl_c_runs_every_hook_once_and_exits_130() {
    hooks_mode("park", true, "SIGINT", CTRL_C_CODE);
}

/// `main` returning runs every hook, then exits 0.
#[test]
fn hooks_return_exits_0_after_all_hooks() {
    hooks_mode("return", false, "main returned", 0);
}

/// `main` returning `Err` prints it as std does, runs every hook, exits 1.
#[test]
fn hooks_err_prints_like_std_and_exits_1() {
    if let Some(ended) = hooks_mode("err", false, "main returned an error", 1) {
        assert_stderr(&ended, "Error: \"disk on fire\"");
    }
}

/// An `ExitCode` from `main` is kept.
#[test]
fn hooks_code3_keeps_mains_exit_code() {
    hooks_mode("code3", false, "main returned an error", 3);
}

/// `exit(7)` runs every hook, then exits 7.
#[test]
fn hooks_exit7_exits_7_after_all_hooks() {
    hooks_mode("exit7", false, "exit(7) called", 7);
}

/// A panic in `main` runs every hook, then exits 101.
#[test]
fn hooks_panic_runs_hooks_and_exits_101() {
    if let Some(ended) = hooks_mode("panic", false, "main panicked", 101) {
        assert_stderr(&ended, "main blew up");
    }
}

/// `request_shutdown()` runs every hook (on the runtime's thread), exits 0.
#[test]
fn hooks_request_shutdown_exits_0_after_all_hooks() {
    hooks_mode("request", false, "shutdown requested", 0);
}

/// A hook that never returns: the 1 s deadline ends the process about 1 s
/// after Ctrl-C, naming the hook, with Ctrl-C's code.
#[test]
fn deadline_ends_a_stuck_hook_after_1s() {
    let Some(dir) = wine_bins("deadline") else {
        return;
    };
    let needle = "shutdown deadline of 1s passed while hook `stuck` was running";
    let mut took = Duration::ZERO;
    let ended = retrying(
        "deadline",
        |ended| ended.stderr.contains(needle),
        || {
            let mut running = start(wine(&dir, "deadline", &[]));
            let sent = Instant::now();
            running.signal(Signal::INT);
            let ended = running.wait();
            took = ended.ended_at - sent;
            ended
        },
    );
    println!("deadline: ended {took:?} after Ctrl-C");
    assert_hooks(&ended, &["stuck"]);
    assert_stderr(&ended, &format!("graceful-exit: {needle}"));
    assert_code(
        &ended,
        CTRL_C_CODE,
        "the deadline keeps the status the shutdown was heading for",
    );
    if took < Duration::from_millis(900) || took > Duration::from_millis(2500) {
        ended.fail(&format!("ended {took:?} after Ctrl-C, expected about 1 s"));
    }
}

/// A hook that hangs is abandoned after its 300 ms timeout; one that panics
/// and one that fails are reported; the rest run, in order.
#[test]
fn misbehaving_hooks_are_reported_and_the_rest_run() {
    let Some(dir) = wine_bins("misbehave") else {
        return;
    };
    let mut took = Duration::ZERO;
    let ended = retrying(
        "misbehave",
        |ended| has_line(ended, "hook: ok_b"),
        || {
            let mut running = start(wine(&dir, "misbehave", &[]));
            let sent = Instant::now();
            running.signal(Signal::INT);
            let ended = running.wait();
            took = ended.ended_at - sent;
            ended
        },
    );
    println!("misbehave: ended {took:?} after Ctrl-C");
    assert_hooks(
        &ended,
        &["ok_a", "hangs", "panics", "fails", "runtime_hook", "ok_b"],
    );
    for needle in [
        "graceful-exit: hook `hangs` did not finish within 300ms",
        "graceful-exit: hook `panics` panicked: hook exploded",
        "graceful-exit: hook `fails` failed: disk full",
    ] {
        assert_stderr(&ended, needle);
    }
    if !has_line(&ended, "hook: runtime_hook reason=SIGINT") {
        ended.fail("the run-time hook was not told SIGINT");
    }
    assert_code(&ended, CTRL_C_CODE, "Ctrl-C");
    if took > Duration::from_secs(2) {
        ended.fail(&format!(
            "took {took:?}: the hung hook was not abandoned at 300ms"
        ));
    }
}

/// A second Ctrl-C during a 5 s hook (`deadline = "none"`) ends the program
/// at once with Ctrl-C's code: the hook does not finish.
#[test]
fn second_ctrl_c_exits_at_once() {
    let Some(dir) = wine_bins("slow") else {
        return;
    };
    let needle = "graceful-exit: received SIGINT again during shutdown; exiting now";
    let mut took = Duration::ZERO;
    let ended = retrying(
        "slow",
        |ended| ended.stderr.contains(needle),
        || {
            let mut running = start(wine(&dir, "slow", &[]));
            running.signal(Signal::INT);
            running.wait_for_line("hook: slow_hook started");
            // A person pressing Ctrl-C again a moment later.
            std::thread::sleep(Duration::from_millis(200));
            let second = Instant::now();
            running.signal(Signal::INT);
            let ended = running.wait_within(Duration::from_secs(10));
            took = ended.ended_at - second;
            ended
        },
    );
    println!("slow: ended {took:?} after the second Ctrl-C");
    assert_stderr(&ended, needle);
    if has_line(&ended, "hook: slow_hook finished") {
        ended.fail("the hook finished: the second Ctrl-C did not cut it");
    }
    assert_code(&ended, CTRL_C_CODE, "the second Ctrl-C's status");
    if took > Duration::from_secs(1) {
        ended.fail(&format!("took {took:?} after the second Ctrl-C"));
    }
}

/// `signals = [SIGTERM]`: Ctrl-C keeps Windows' default, which ends the
/// process at once without hooks (Windows: `STATUS_CONTROL_C_EXIT`; Wine 8
/// exits 0, later Wine as Windows, whose low byte is 0x3A).
#[test]
fn ctrl_c_left_out_of_signals_keeps_windows_default() {
    let Some(dir) = wine_bins("only_term") else {
        return;
    };
    let ended = run(&dir, "only_term", &[], true, |ended| ended.code().is_some());
    assert_hooks(&ended, &[]);
    if !matches!(ended.code(), Some(0 | 0x3A)) {
        ended.fail("expected Windows' default for Ctrl-C: exit code 0 (Wine 8) or 0xC000013A");
    }
}

/// The worker pool example: `main` loops on `graceful_exit::sleep`, so it
/// cooperates: after Ctrl-C every started item finishes, `main` joins its
/// workers and says so, and only then the hook runs.
#[test]
fn cooperative_main_finishes_before_the_hooks() {
    let Some(dir) = wine_bins("worker") else {
        return;
    };
    let ended = retrying(
        "worker",
        |ended| hooks(ended) == ["report"],
        || {
            let mut running = start(wine(&dir, "worker", &[]));
            running.wait_for_line("worker 3: started item");
            running.signal(Signal::INT);
            running.wait()
        },
    );
    let lines = lines(&ended);
    let started: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|line| line.contains(": started item "))
        .collect();
    for line in &started {
        let finished = line.replace(": started item ", ": finished item ");
        if !lines.contains(&finished.as_str()) {
            ended.fail(&format!("{line:?} was cut: no {finished:?}"));
        }
    }
    let position = |prefix: &str| lines.iter().position(|line| line.starts_with(prefix));
    let joined = position("main: all workers joined")
        .unwrap_or_else(|| ended.fail("main did not join its workers"));
    let hook = position("hook: report").unwrap_or_else(|| ended.fail("the hook did not run"));
    if joined > hook {
        ended.fail("the hook ran before main returned");
    }
    if lines[hook] != "hook: report (stopping because: SIGINT)" {
        ended.fail("the hook was not told SIGINT");
    }
    assert_code(&ended, CTRL_C_CODE, "Ctrl-C");
}

/// The flush example, stopped by Ctrl-C at varied moments: the records file
/// always ends on a whole record and holds every record `main` reports.
#[test]
fn flush_example_never_loses_or_tears_a_record() {
    let Some(dir) = wine_bins("flush") else {
        return;
    };
    let work =
        std::env::temp_dir().join(format!("graceful-exit-wine-flush-{}", std::process::id()));
    std::fs::create_dir_all(&work).expect("temp dir");
    // Fewer trials than on Linux (200): each Wine start costs about 100 ms.
    for trial in 0..20u32 {
        let name = format!("records-{trial}.txt");
        let ended = retrying(
            &format!("flush trial {trial}"),
            |ended| !ended.lines_starting("main: stopped").is_empty(),
            || {
                let mut command = wine(&dir, "flush", &[&name]);
                command.current_dir(&work);
                let mut running = start(command);
                // Ctrl-C 0 to 38 ms after `ready`, spread over the trials.
                std::thread::sleep(Duration::from_millis(u64::from(trial * 2)));
                running.signal(Signal::INT);
                running.wait()
            },
        );
        assert_code(&ended, CTRL_C_CODE, "Ctrl-C");
        let text = std::fs::read_to_string(work.join(&name)).expect("records file");
        if !(text.is_empty() || text.ends_with('\n')) {
            ended.fail(&format!("trial {trial}: torn last record"));
        }
        for (n, line) in text.lines().enumerate() {
            let expected = format!("record {n:010} {}", "x".repeat(40));
            if line != expected {
                ended.fail(&format!("trial {trial}: record {n} lost or torn: {line:?}"));
            }
        }
        let written = lines(&ended)
            .iter()
            .find_map(|line| line.strip_prefix("main: stopped after "))
            .and_then(|rest| rest.split_whitespace().next()?.parse::<usize>().ok())
            .unwrap_or_else(|| ended.fail("main did not finish its loop"));
        if text.lines().count() != written {
            ended.fail(&format!(
                "trial {trial}: main wrote {written} records, the file holds {}",
                text.lines().count()
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&work);
}

/// `win_console.exe ARGS`, run to its end.
fn console(dir: &Path, args: &[&str], complete: impl Fn(&Ended) -> bool) -> (Ended, Duration) {
    let mut took = Duration::ZERO;
    let ended = retrying(&format!("win_console {args:?}"), complete, || {
        let mut running = start(wine(dir, "win_console", args));
        let ready = Instant::now();
        let ended = running.wait_within(Duration::from_secs(10));
        took = ended.ended_at - ready;
        ended
    });
    println!("win_console {args:?}: ended {took:?} after `ready`");
    (ended, took)
}

/// The session `win_console.exe` said it runs in.
fn session(ended: &Ended) -> u32 {
    lines(ended)
        .iter()
        .find_map(|line| line.strip_prefix("session "))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| ended.fail("no `session N` line"))
}

/// Console close, logoff and shutdown, delivered as Windows delivers them:
/// the routine blocks (it never returns, which would let Windows end the
/// process), the hooks run told SIGTERM, and the shutdown ends the process
/// with 143, well inside Windows' 5 s.
#[test]
fn close_logoff_and_shutdown_run_the_hooks_before_windows_ends_the_process() {
    let Some(dir) = wine_bins("win_console") else {
        return;
    };
    let last = "hook: last reason=SIGTERM";
    for event in ["close", "logoff", "shutdown"] {
        let (ended, took) = console(&dir, &[event], |ended| has_line(ended, last));
        if event == "logoff" && session(&ended) == 0 {
            // Another session's logoff, as services see it: not ours.
            assert_hooks(&ended, &[]);
            continue;
        }
        if lines(&ended)
            .iter()
            .any(|line| line.starts_with("console: "))
        {
            ended.fail(&format!(
                "{event}: the routine returned, or Windows' timeout passed"
            ));
        }
        assert_hooks(&ended, &["first", "last"]);
        if !has_line(&ended, last) {
            ended.fail(&format!("{event}: expected {last:?}"));
        }
        assert_code(&ended, CLOSE_CODE, "128 + SIGTERM");
        if took > Duration::from_secs(3) {
            ended.fail(&format!(
                "{event}: took {took:?}, too close to Windows' 5 s"
            ));
        }
    }
}

/// With `signals = [SIGHUP]` alone, close still runs the hooks (SIGTERM or
/// SIGHUP takes close, logoff and shutdown), reported as SIGTERM.
#[test]
fn sighup_alone_takes_console_close() {
    let Some(dir) = wine_bins("win_console") else {
        return;
    };
    let last = "hook: last reason=SIGTERM";
    let (ended, _) = console(&dir, &["close", "SIGHUP"], |ended| has_line(ended, last));
    assert_hooks(&ended, &["first", "last"]);
    assert_code(&ended, CLOSE_CODE, "128 + SIGTERM");
}

/// `signals = [SIGINT]`: close keeps Windows' default (the process ends at
/// once, no hooks), and in particular never reaches `ctrlc`'s routine,
/// which would have started a shutdown reported as SIGINT.
#[test]
fn close_left_out_of_signals_keeps_windows_default() {
    let Some(dir) = wine_bins("win_console") else {
        return;
    };
    let (ended, _) = console(&dir, &["close", "SIGINT"], |ended| ended.code().is_some());
    assert_hooks(&ended, &[]);
    if !lines(&ended)
        .iter()
        .any(|line| line.starts_with("console: routine returned"))
    {
        ended.fail("the routine should have returned at once");
    }
    assert_code(
        &ended,
        0x3A,
        "STATUS_CONTROL_C_EXIT's low byte: Windows ended it",
    );
}

/// Ctrl-Break is SIGINT: through `ctrlc`, the hooks run and the code is 130.
#[test]
fn ctrl_break_is_sigint() {
    let Some(dir) = wine_bins("win_console") else {
        return;
    };
    let last = "hook: last reason=SIGINT";
    let (ended, _) = console(&dir, &["break"], |ended| has_line(ended, last));
    assert_hooks(&ended, &["first", "last"]);
    if !has_line(&ended, last) {
        ended.fail(&format!("expected {last:?}"));
    }
    assert_code(&ended, CTRL_C_CODE, "128 + SIGINT");
}

/// `signals = [SIGTERM]`: Ctrl-Break keeps Windows' default: no hooks.
#[test]
fn ctrl_break_left_out_of_signals_keeps_windows_default() {
    let Some(dir) = wine_bins("win_console") else {
        return;
    };
    let (ended, _) = console(&dir, &["break", "SIGTERM"], |ended| ended.code().is_some());
    assert_hooks(&ended, &[]);
    if !matches!(ended.code(), Some(0 | 0x3A)) {
        ended.fail("expected Windows' default for Ctrl-Break: exit code 0 (Wine 8) or 0xC000013A");
    }
}
