//! Reloads: `#[on_reload]` hooks under real signals: the daemon
//! example (config re-read, log reopened for logrotate, clean stop), hooks
//! isolated and reported, reloads coalesced, reload and shutdown signals
//! crossing each other, `reload = [SIGUSR1]`, `request_reload()`, `nohup`,
//! and no thread added by a reload.
// Unix only: it sends POSIX signals to real processes; the Windows builds
// of the test programs run under Wine from a Linux host instead
// (tests/e2e/tests/wine.rs), and Windows has no SIGHUP to reload on.
#![cfg(unix)]
use std::fs;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use graceful_exit::testing::{Ended, Program, Running};
use graceful_exit::Signal;

/// A directory of its own under the system's temporary directory, removed
/// on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "graceful-exit-reload-{}-{name}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("create a temporary directory");
        TempDir(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn start(program: Program) -> Running {
    let mut app = program.start();
    app.wait_ready();
    app
}

fn slow(envs: &[(&str, &str)]) -> Program {
    envs.iter().fold(
        Program::new(env!("CARGO_BIN_EXE_reload_slow")),
        |program, (key, value)| program.env(key, value),
    )
}

/// Sends `SIGTERM` and waits: the program must die by it.
#[track_caller]
fn stop(app: &mut Running) -> Ended {
    app.signal(Signal::TERM);
    let ended = app.wait();
    ended.expect_signal(Signal::TERM);
    ended
}

/// Sends `signal` and waits until `main` has seen the reload count reach
/// `count`.
#[track_caller]
fn reload(app: &mut Running, signal: Signal, count: u64) {
    app.signal(signal);
    app.wait_for_line(&format!("main: reloads={count}"));
}

#[track_caller]
fn expect_stderr_times(ended: &Ended, needle: &str, times: usize) {
    let found = ended.stderr.matches(needle).count();
    if found != times {
        ended.fail(&format!("stderr has {needle:?} {found} times, not {times}"));
    }
}

/// The index of the first stdout line starting with `prefix`.
#[track_caller]
fn position(ended: &Ended, prefix: &str) -> usize {
    ended
        .stdout
        .iter()
        .position(|line| line.starts_with(prefix))
        .unwrap_or_else(|| ended.fail(&format!("no line starting with {prefix:?}")))
}

#[test]
fn daemon_rereads_its_config_reopens_its_log_and_stops_cleanly() {
    let dir = TempDir::new("daemon");
    let (config, log, pid_file) = (
        dir.path("daemon.conf"),
        dir.path("daemon.log"),
        dir.path("daemon.pid"),
    );
    fs::write(&config, "# the daemon's settings\ngreeting = hello\n").expect("write the config");
    let mut app = start(
        Program::new(env!("CARGO_BIN_EXE_daemon"))
            .arg(&config)
            .arg(&log)
            .env("DAEMON_PID_FILE", &pid_file)
            .env("DAEMON_INTERVAL_MS", "10"),
    );
    let pid = fs::read_to_string(&pid_file).expect("the pid file");
    assert_eq!(pid.trim(), app.pid().to_string());
    app.wait_for_line("config: greeting=hello");

    // Edit the file, SIGHUP: `main` sees the new value.
    fs::write(&config, "greeting = bonjour\n").expect("write the config");
    app.signal(Signal::HUP);
    app.wait_for_line("reloaded config: greeting=bonjour");
    app.wait_for_line("config: greeting=bonjour");

    // A broken file is reported and the old settings stay.
    fs::write(&config, "greeting: salut\n").expect("write the config");
    app.signal(Signal::HUP);
    app.wait_for_line("reopened log");
    let tick = app.wait_for_line("config: ");
    assert!(tick.starts_with("config: greeting=bonjour "), "{tick}");

    // logrotate: move the log away, SIGHUP; lines go to a fresh file.
    let rotated = dir.path("daemon.log.1");
    fs::rename(&log, &rotated).expect("rotate the log");
    app.signal(Signal::HUP);
    app.wait_for_line("reopened log");
    app.wait_for_line("config: ");
    // Begun after the reopen was printed, so written to the new file.
    let after = app.wait_for_line("config: ");
    let ended = stop(&mut app);

    let reload = ["reload_config", "reopen_log"];
    let hooks: Vec<&str> = [
        &reload[..],
        &reload,
        &reload,
        &["flush_log", "remove_pid_file"],
    ]
    .concat();
    ended.expect_hooks(&hooks).expect_stderr(&format!(
        "graceful-exit: hook `reload_config` failed: {}:1: expected `key = value`",
        config.display()
    ));
    let last = ended
        .lines_starting("config: ")
        .last()
        .map_or(0, |line| tick_number(line));
    assert_eq!(
        ended.lines_starting("main: stopped after "),
        [format!("main: stopped after {last} ticks and 3 reloads")],
        "{ended:?}"
    );
    assert!(!pid_file.exists(), "the pid file was left behind");

    let old = fs::read_to_string(&rotated).expect("the rotated log");
    let new = fs::read_to_string(&log).expect("the new log");
    assert!(
        old.contains(": hello\n") && old.contains(": bonjour\n"),
        "{old}"
    );
    assert!(!old.contains("stopping"), "{old}");
    assert!(new.starts_with("log reopened\n"), "{new}");
    let logged = format!("tick {}: bonjour\n", tick_number(&after));
    assert!(
        new.contains(&logged),
        "{logged:?} not in the new log:\n{new}"
    );
    assert!(new.ends_with("stopping: SIGTERM\n"), "{new}");
}

/// `N` of a `config: greeting=… tick=N` line.
fn tick_number(line: &str) -> u64 {
    line.rsplit_once("tick=")
        .and_then(|(_, n)| n.parse().ok())
        .unwrap_or_else(|| panic!("not a tick line: {line:?}"))
}

#[test]
fn daemon_with_a_broken_config_at_start_fails() {
    let dir = TempDir::new("daemon-broken");
    let config = dir.path("daemon.conf");
    fs::write(&config, "colour = blue\n").expect("write the config");
    let mut app = Program::new(env!("CARGO_BIN_EXE_daemon"))
        .arg(&config)
        .arg(dir.path("daemon.log"))
        .start();
    app.wait()
        .expect_code(1)
        .expect_stderr("1: unknown key (known: greeting)")
        .expect_hooks(&["flush_log", "remove_pid_file"]);
}

#[test]
fn reload_hooks_are_isolated_reported_and_run_again() {
    let mut app = start(Program::new(env!("CARGO_BIN_EXE_reload_misbehave")));
    reload(&mut app, Signal::HUP, 1);
    reload(&mut app, Signal::HUP, 2);
    let ended = stop(&mut app);
    let once = ["ok_a", "panics", "fails", "hangs", "runtime_panics", "ok_b"];
    ended.expect_hooks(&[&once[..], &once, &["stop"]].concat());
    for needle in [
        "graceful-exit: hook `panics` panicked: reload exploded\n",
        "graceful-exit: hook `fails` failed: config unreadable\n",
        "graceful-exit: hook `hangs` did not finish within 300ms; abandoned it, running the remaining reload hooks\n",
        "graceful-exit: hook `runtime_panics` panicked: run-time reload hook exploded\n",
    ] {
        expect_stderr_times(&ended, needle, 2);
    }
    assert_eq!(ended.lines_starting("reload: ok_b").len(), 2, "{ended:?}");
    assert_eq!(
        ended.lines_starting("main: stopped after "),
        ["main: stopped after 2 reloads"],
        "{ended:?}"
    );
}

#[test]
fn a_reload_signal_during_a_reload_runs_exactly_one_more() {
    let mut app = start(slow(&[("RELOAD_SLOW_MS", "300")]));
    app.signal(Signal::HUP);
    app.wait_for_line("reload: slow started");
    // Inside the first reload's 300 ms: these three make one more reload.
    for _ in 0..3 {
        app.signal(Signal::HUP);
    }
    app.wait_for_line("main: reloads=2");
    // A third reload would have started the moment the second finished,
    // before `main` saw the count; the shutdown would wait for its `slow`.
    let ended = stop(&mut app);
    ended.expect_hooks(&["slow", "limited", "slow", "limited", "stop"]);
    assert_eq!(
        ended.lines_starting("main: stopped after "),
        ["main: stopped after 2 reloads"],
        "{ended:?}"
    );
}

#[test]
fn a_storm_of_sighups_gives_a_few_reloads_and_no_crash() {
    const HOOK: Duration = Duration::from_millis(100);
    let mut app = start(slow(&[("RELOAD_SLOW_MS", "100")]));
    let began = Instant::now();
    for _ in 0..1000 {
        app.signal(Signal::HUP); // fails the test if the program died
    }
    let storm = began.elapsed();
    app.wait_for_line("main: reloads=");
    let ended = stop(&mut app);
    let reloads = ended.lines_starting("reload: slow started").len();
    // Signals coalesce while a reload is pending or running: one reload
    // per hook duration of storm, plus the one running and one pending.
    let most = 2 + usize::try_from(storm.as_millis() / HOOK.as_millis()).expect("small");
    eprintln!("1000 SIGHUPs in {storm:?}: {reloads} reloads (at most {most} allowed)");
    if !(1..=most).contains(&reloads) {
        ended.fail(&format!("{reloads} reloads, expected 1..={most}"));
    }
    if ended.hooks().last() != Some(&"stop") || ended.stderr.contains("panicked") {
        ended.fail("expected a normal shutdown after the storm");
    }
}

#[test]
fn a_reload_signal_during_a_shutdown_is_ignored() {
    let mut app = start(slow(&[("STOP_MS", "300")]));
    app.signal(Signal::TERM);
    app.wait_for_line("hook: stop started");
    app.signal(Signal::HUP);
    let ended = app.wait();
    ended.expect_signal(Signal::TERM).expect_hooks(&["stop"]);
    if ended.lines_starting("hook: stop done").is_empty() {
        ended.fail("the shutdown hook was cut");
    }
    assert_eq!(
        ended.lines_starting("main: stopped after "),
        ["main: stopped after 0 reloads"],
        "{ended:?}"
    );
    if ended.stderr.contains("again during shutdown") {
        ended.fail("SIGHUP was taken for a second shutdown signal");
    }
}

#[test]
fn a_shutdown_signal_cuts_a_reload_hook_at_its_timeout() {
    let mut app = start(slow(&[("RELOAD_LIMITED_MS", "5000")]));
    app.signal(Signal::HUP);
    app.wait_for_line("reload: limited started");
    let sent = Instant::now();
    let ended = stop(&mut app);
    ended
        .expect_hooks(&["slow", "limited", "stop"])
        .expect_stderr("graceful-exit: hook `limited` did not finish within 300ms; abandoned it\n");
    assert!(ended.lines_starting("reload: limited done").is_empty());
    let took = ended.ended_at - sent;
    // The hook's 300 ms timeout, not its 5 s sleep.
    assert!(took < Duration::from_millis(1500), "took {took:?}");
}

#[test]
fn without_a_timeout_the_shutdown_waits_for_the_reload_hook_to_return() {
    let mut app = start(slow(&[("RELOAD_SLOW_MS", "400")]));
    app.signal(Signal::HUP);
    app.wait_for_line("reload: slow started");
    let ended = stop(&mut app);
    // The running hook finishes, the rest of the reload (`limited`) is
    // skipped, then the shutdown runs.
    ended.expect_hooks(&["slow", "stop"]);
    if position(&ended, "reload: slow done") > position(&ended, "hook: stop started") {
        ended.fail("the shutdown started before the reload hook returned");
    }
    if ended.stderr.contains("did not finish") {
        ended.fail("nothing should have been abandoned");
    }
}

#[test]
fn without_a_timeout_a_reload_hook_gets_half_the_deadline() {
    let mut app = start(slow(&[
        ("RELOAD_SLOW_MS", "5000"),
        ("GRACEFUL_EXIT_DEADLINE", "1s"),
    ]));
    app.signal(Signal::HUP);
    app.wait_for_line("reload: slow started");
    let sent = Instant::now();
    let ended = stop(&mut app);
    ended
        .expect_hooks(&["slow", "stop"])
        .expect_stderr(
            "graceful-exit: reload hook `slow` was still running when the shutdown could wait no longer; abandoned it\n",
        );
    assert!(ended.lines_starting("reload: slow done").is_empty());
    let took = ended.ended_at - sent;
    // Half the 1 s deadline for the reload hook, then the shutdown.
    assert!(
        took >= Duration::from_millis(450) && took < Duration::from_millis(2500),
        "took {took:?}"
    );
}

#[test]
fn reload_names_other_signals_and_sighup_then_stops() {
    let mut app = start(Program::new(env!("CARGO_BIN_EXE_reload_usr1")));
    if cfg!(feature = "ctrlc") {
        // ctrlc takes only SIGINT, SIGTERM and SIGHUP: SIGUSR1 keeps its
        // default action (it would kill the program), which is reported.
        eprintln!("ctrlc backend: SIGUSR1 cannot reload; checking the report and SIGHUP only");
        app.signal(Signal::HUP);
        app.wait()
            .expect_signal(Signal::HUP)
            .expect_hooks(&["stop"])
            .expect_stderr("the ctrlc backend cannot handle SIGUSR1");
        return;
    }
    reload(&mut app, Signal::USR1, 1);
    reload(&mut app, Signal::USR1, 2);
    app.signal(Signal::HUP);
    app.wait()
        .expect_signal(Signal::HUP)
        .expect_hooks(&["reread", "reread", "stop"]);
}

#[test]
fn without_a_reload_hook_sighup_stops_the_program() {
    let mut app = start(Program::new(env!("CARGO_BIN_EXE_reload_none")));
    app.signal(Signal::HUP);
    let ended = app.wait();
    ended.expect_signal(Signal::HUP).expect_hooks(&["stop"]);
    assert_eq!(
        ended.lines_starting("main: stopped after "),
        ["main: stopped after 0 reloads"],
        "{ended:?}"
    );
}

#[test]
fn request_reload_runs_the_reload_hooks_on_the_runtime_thread() {
    let mut app = start(slow(&[]).arg("request"));
    let line = app.wait_for_line("reload: slow started");
    assert_eq!(line, "reload: slow started on graceful-exit");
    app.wait_for_line("main: reloads=1");
    stop(&mut app).expect_hooks(&["slow", "limited", "stop"]);
}

/// Whether `path` is an executable file on `PATH`.
fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// A signal mask line (`SigIgn:`, `SigCgt:`) of `/proc/PID/status`.
#[cfg(target_os = "linux")]
fn signal_mask(pid: u32, field: &str) -> u64 {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc/PID/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .unwrap_or_else(|| panic!("no {field} in {status}"))
}

#[test]
fn sighup_ignored_at_start_stays_ignored_with_reload_hooks() {
    if !on_path("nohup") {
        eprintln!("skipped: no `nohup` on PATH");
        return;
    }
    let mut app = start(Program::new("nohup").arg(env!("CARGO_BIN_EXE_reload_slow")));
    #[cfg(target_os = "linux")]
    {
        // nohup exec()s the program: same pid. SIGHUP is still SIG_IGN
        // once the runtime is installed, so the kernel drops it.
        let bit = 1 << (Signal::HUP.number() - 1);
        assert_ne!(
            signal_mask(app.pid(), "SigIgn:") & bit,
            0,
            "SIGHUP not ignored"
        );
        assert_eq!(signal_mask(app.pid(), "SigCgt:") & bit, 0, "SIGHUP caught");
    }
    app.signal(Signal::HUP);
    let ended = stop(&mut app);
    ended.expect_hooks(&["stop"]);
    assert_eq!(
        ended.lines_starting("main: stopped after "),
        ["main: stopped after 0 reloads"],
        "{ended:?}"
    );
}

#[cfg(target_os = "linux")]
fn threads(pid: u32) -> u64 {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc/PID/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("Threads:"))
        .and_then(|count| count.trim().parse().ok())
        .unwrap_or_else(|| panic!("no Threads: in {status}"))
}

#[cfg(target_os = "linux")]
#[test]
fn reloads_add_no_thread() {
    let mut app = start(slow(&[]));
    // The watcher starts the watchdog in the background, before it handles
    // anything: count from the first reload on.
    reload(&mut app, Signal::HUP, 1);
    let before = threads(app.pid());
    for count in 2..=4 {
        reload(&mut app, Signal::HUP, count);
    }
    let after = threads(app.pid());
    let ended = stop(&mut app);
    assert_eq!(
        before, after,
        "threads before and after 3 reloads: {ended:?}"
    );
}
