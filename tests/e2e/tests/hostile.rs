//! Never unkillable, never cut short. The exit path does not wait on locks
//! other threads hold, on pipes nobody reads or on user code; only a second
//! signal cuts a shutdown short; registrations are not lost; the first
//! signal is the reason; environment values are read as documented.
// Unix only: it sends POSIX signals, stalls pipes and reads how a process
// died; the Windows builds of the test programs run under Wine instead.
#![cfg(unix)]
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use graceful_exit_e2e::{
    is_root, jitter, on_path, start, start_ready, stop_with, try_kill, Program, Signal, HOOKS,
    SIGCONT, SIGKILL, SIGSTOP,
};

const HOSTILE: &str = env!("CARGO_BIN_EXE_hostile");

/// A child whose stdio this test wires itself (a pipe left unread, stdin
/// kept open), killed on drop.
struct Raw(Child);

impl Raw {
    fn start(mode: &str, stdin: Stdio, stdout: Stdio, stderr: Stdio) -> Raw {
        let child = Command::new(HOSTILE)
            .arg(mode)
            .stdin(stdin)
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .expect("start hostile");
        Raw(child)
    }

    /// Waits (bounded) for a line starting with `prefix` on the given pipe.
    fn wait_for(reader: impl std::io::Read + Send + 'static, prefix: &str) {
        let prefix = prefix.to_owned();
        let (found, seen) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(reader).lines() {
                let Ok(line) = line else { break };
                if line.starts_with(&prefix) {
                    let _ = found.send(());
                    break;
                }
            }
        });
        seen.recv_timeout(Duration::from_secs(20))
            .expect("the ready line did not come");
    }

    fn pid(&self) -> u32 {
        self.0.id()
    }

    /// Waits (bounded) for the end; the signal that killed it, if any.
    fn wait_within(&mut self, limit: Duration) -> (Option<i32>, Option<i32>) {
        use std::os::unix::process::ExitStatusExt;
        let until = Instant::now() + limit;
        loop {
            if let Some(status) = self.0.try_wait().expect("try_wait") {
                return (status.signal(), status.code());
            }
            assert!(Instant::now() < until, "did not end within {limit:?}");
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_thread_holding_stdouts_lock_does_not_hold_up_a_plain_return() {
    let started = Instant::now();
    let ended = start_ready(HOSTILE, &["writer_holds_stdout"]).wait();
    ended.expect_code(0);
    assert!(started.elapsed() < Duration::from_secs(2), "{ended:?}");
}

#[test]
fn the_filter_idiom_ends_on_one_ctrl_c() {
    let mut raw = Raw::start("filter", Stdio::piped(), Stdio::piped(), Stdio::null());
    let stdout = raw.0.stdout.take().expect("piped");
    Raw::wait_for(stdout, "ready");
    // stdin stays open: main sits in `lines()` holding stdout's lock.
    assert!(try_kill(raw.pid(), Signal::INT.number()));
    let sent = Instant::now();
    let (signal, _) = raw.wait_within(Duration::from_secs(5));
    assert_eq!(signal, Some(Signal::INT.number()));
    assert!(
        sent.elapsed() < Duration::from_secs(1),
        "{:?}",
        sent.elapsed()
    );
}

#[test]
fn a_full_stdout_pipe_nobody_reads_does_not_hold_up_the_exit() {
    // stdout piped and never read: main blocks in a write, holding the lock.
    let mut raw = Raw::start(
        "flood_stdout",
        Stdio::null(),
        Stdio::piped(),
        Stdio::piped(),
    );
    let stderr = raw.0.stderr.take().expect("piped");
    Raw::wait_for(stderr, "ready");
    std::thread::sleep(Duration::from_millis(100)); // let the pipe fill up
    assert!(try_kill(raw.pid(), Signal::TERM.number()));
    let sent = Instant::now();
    let (signal, _) = raw.wait_within(Duration::from_secs(5));
    assert_eq!(signal, Some(Signal::TERM.number()));
    assert!(
        sent.elapsed() < Duration::from_secs(1),
        "{:?}",
        sent.elapsed()
    );
}

#[test]
fn a_stalled_stderr_does_not_disable_hook_timeouts_or_the_deadline() {
    // stderr piped and never read, filled by a thread; a hook hangs.
    let mut raw = Raw::start(
        "flood_stderr",
        Stdio::null(),
        Stdio::piped(),
        Stdio::piped(),
    );
    let stdout = raw.0.stdout.take().expect("piped");
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = std::sync::Arc::clone(&lines);
    let (ready, is_ready) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line == "ready" {
                let _ = ready.send(());
            }
            seen.lock().expect("lines").push(line);
        }
    });
    is_ready
        .recv_timeout(Duration::from_secs(20))
        .expect("ready");
    std::thread::sleep(Duration::from_millis(100)); // let stderr fill up
    assert!(try_kill(raw.pid(), Signal::TERM.number()));
    let sent = Instant::now();
    let (signal, _) = raw.wait_within(Duration::from_secs(5));
    assert_eq!(signal, Some(Signal::TERM.number()));
    // The hung hook was abandoned after its 200 ms; the next one ran.
    assert!(
        sent.elapsed() < Duration::from_millis(900),
        "{:?}",
        sent.elapsed()
    );
    std::thread::sleep(Duration::from_millis(50));
    let lines = lines.lock().expect("lines");
    assert!(
        lines.iter().any(|l| l == "hook: report reason=SIGTERM"),
        "{lines:?}"
    );
}

#[test]
fn a_report_is_written_while_main_holds_stderrs_lock() {
    let ended = stop_with(HOSTILE, &["stderr_locked"], Signal::TERM);
    ended
        .expect_signal(Signal::TERM)
        .expect_hooks(&["fails", "report"])
        .expect_stderr("graceful-exit: hook `fails` failed: disk full");
}

#[test]
fn a_panic_after_request_shutdown_exits_101() {
    start_ready(HOSTILE, &["request_panic"])
        .wait()
        .expect_code(101)
        .expect_hooks(&["report"])
        .expect_stderr("main blew up after asking to stop");
}

#[test]
fn a_panicking_debug_of_mains_error_still_runs_the_hooks() {
    start_ready(HOSTILE, &["debug_panics"])
        .wait()
        .expect_code(101)
        .expect_hooks(&["report"]);
}

#[test]
fn a_first_signal_does_not_cut_short_a_shutdown_main_started() {
    for (how, status) in [("return", 0), ("err", 1), ("exit", 3), ("panic", 101)] {
        for signal in [Signal::TERM, Signal::HUP] {
            let mut running = start(HOSTILE, &["slow_hook", how]);
            running.wait_for_line("hook: slow started");
            running.signal(signal);
            let ended = running.wait();
            ended.expect_code(status).expect_hooks(&["slow", "report"]);
            if ended.lines_starting("hook: slow finished").is_empty() {
                ended.fail(&format!("{how} + {signal}: the slow hook was cut"));
            }
            assert!(!ended.stderr.contains("again during shutdown"), "{ended:?}");
        }
    }
}

#[test]
fn a_child_registered_as_the_shutdown_starts_is_still_stopped() {
    for trial in 0..40u32 {
        let mut running = start_ready(HOSTILE, &["children"]);
        running.wait_for_line("child ");
        std::thread::sleep(jitter(Duration::from_millis(20), trial));
        running.signal(Signal::TERM);
        let ended = running.wait();
        ended.expect_signal(Signal::TERM);
        for line in ended.lines_starting("child ") {
            let Ok(pid) = line["child ".len()..].parse::<u32>() else {
                continue;
            };
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let running_sleep = stat.contains("(sleep)") && !stat.contains(") Z ");
            if running_sleep {
                let _ = try_kill(pid, SIGKILL);
                ended.fail(&format!("trial {trial}: child {pid} outlived the program"));
            }
        }
    }
}

#[test]
fn back_to_back_signals_are_attributed_to_the_first() {
    for trial in 0..30 {
        let mut running = start_ready(env!("CARGO_BIN_EXE_hooks"), &["park"]);
        let pid = running.pid();
        // systemd's SendSIGHUP=yes sends exactly this pair.
        assert!(try_kill(pid, Signal::TERM.number()));
        let _ = try_kill(pid, Signal::HUP.number());
        let ended = running.wait();
        ended.expect_hooks(&HOOKS).expect_signal(Signal::TERM);
        assert_eq!(
            ended.lines_starting("hook: last"),
            ["hook: last reason=SIGTERM"],
            "trial {trial}: {ended:?}"
        );
    }
}

#[test]
fn a_hook_registered_during_the_shutdown_is_reported() {
    stop_with(HOSTILE, &["register_in_hook"], Signal::TERM)
        .expect_signal(Signal::TERM)
        .expect_hooks(&["registers", "report"])
        .expect_stderr(
            "hook `too_late` was registered after the shutdown started; it will not run",
        );
}

#[test]
fn a_nested_config_run_says_the_runtime_is_already_there() {
    let ended = stop_with(HOSTILE, &["nested_run"], Signal::TERM);
    ended
        .expect_signal(Signal::TERM)
        .expect_stderr("already installed in this process; this `Config::run` goes on with the runtime already installed");
    assert!(!ended.stderr.contains("continuing without"), "{ended:?}");
}

#[test]
fn stopped_and_continued_past_the_deadline_after_the_last_hook_is_no_deadline_miss() {
    for _ in 0..5 {
        let mut running = Program::new(env!("CARGO_BIN_EXE_hooks"))
            .arg("park")
            .env("GRACEFUL_EXIT_DEADLINE", "300ms")
            .start();
        running.wait_ready();
        running.signal(Signal::TERM);
        running.wait_for_line("hook: last");
        // Stopped between its last hook and its exit, past its deadline.
        if !try_kill(running.pid(), SIGSTOP) {
            continue; // it had already exited
        }
        std::thread::sleep(Duration::from_millis(500));
        let _ = try_kill(running.pid(), SIGCONT);
        let ended = running.wait();
        ended.expect_signal(Signal::TERM).expect_hooks(&HOOKS);
        assert!(!ended.stderr.contains("passed"), "{ended:?}");
    }
}

#[test]
fn no_thread_can_start_so_the_runtime_steps_aside() {
    if !is_root() || !on_path("setpriv") || !on_path("prlimit") {
        eprintln!("skipping: needs root, setpriv and prlimit to run as a user limited to one task");
        return;
    }
    // As `nobody`, allowed a single task: the program itself. RLIMIT_NPROC
    // counts every task of the user; root would be exempt.
    let mut command = Command::new("setpriv");
    command.args([
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        "prlimit",
        "--nproc=1:1",
        env!("CARGO_BIN_EXE_hooks"),
        "park",
    ]);
    let mut running = Program::from_command(command).start();
    running.wait_ready();
    running.signal(Signal::TERM);
    let ended = running.wait();
    // The default action: no hook, death by SIGTERM, and the user told.
    ended
        .expect_signal(Signal::TERM)
        .expect_stderr("could not start the runtime's threads")
        .expect_stderr("every signal keeps its default action");
    assert!(ended.lines_starting("hook: ").is_empty(), "{ended:?}");
}

/// `hooks park` with one environment variable set, stopped with SIGTERM.
fn stop_hooks_with_env(key: &str, value: &str) -> graceful_exit_e2e::Ended {
    let mut running = Program::new(env!("CARGO_BIN_EXE_hooks"))
        .arg("park")
        .env(key, value)
        .start();
    running.wait_ready();
    running.signal(Signal::TERM);
    running.wait()
}

#[test]
fn quiet_silences_progress_lines_and_reads_yes_and_no() {
    // Progress lines are on (the harness sets GRACEFUL_EXIT_LOG=debug).
    let quiet = stop_hooks_with_env("GRACEFUL_EXIT_QUIET", "1");
    assert_eq!(quiet.stderr, "", "{quiet:?}");
    for no in ["0", "false", "no", "off"] {
        let loud = stop_hooks_with_env("GRACEFUL_EXIT_QUIET", no);
        loud.expect_hooks(&HOOKS);
    }
    stop_hooks_with_env("GRACEFUL_EXIT_QUIET", "maybe")
        .expect_stderr("GRACEFUL_EXIT_QUIET=\"maybe\" is not understood");
}

#[test]
fn an_unknown_log_value_is_reported() {
    stop_hooks_with_env("GRACEFUL_EXIT_LOG", "verbose")
        .expect_signal(Signal::TERM)
        .expect_stderr("ignoring GRACEFUL_EXIT_LOG=\"verbose\": expected `debug` or `off`");
}

#[test]
fn deadline_values_zero_and_empty_are_read_quietly() {
    stop_hooks_with_env("GRACEFUL_EXIT_DEADLINE", "00")
        .expect_stderr("shutdown started: SIGTERM; deadline no limit");
    let empty = stop_hooks_with_env("GRACEFUL_EXIT_DEADLINE", "");
    empty.expect_stderr("shutdown started: SIGTERM; deadline 8s");
    assert!(!empty.stderr.contains("ignoring"), "{empty:?}");
}
