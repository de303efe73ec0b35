//! The examples do what their docs say, stopped at real moments by real
//! signals: a worker pool finishes its items, the flush CLI never loses or
//! tears a record, the poll loop and the tokio server wake at once.
// Unix only: it sends POSIX signals and reads how a process died; the
// Windows builds of the test programs run under Wine instead (wine.rs).
#![cfg(unix)]
use std::io::Read;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use graceful_exit_e2e::{jitter, start_ready, wait_until_blocked, Signal};

#[test]
fn worker_pool_finishes_its_items_before_hooks_run() {
    let mut running = start_ready(env!("CARGO_BIN_EXE_worker"), &[]);
    running.wait_for_line("worker 3: started item");
    running.signal(Signal::TERM);
    let ended = running.wait();
    ended.expect_signal(Signal::TERM).expect_hooks(&["report"]);
    let started: Vec<&str> = ended
        .stdout
        .iter()
        .map(String::as_str)
        .filter(|l| l.contains(": started item "))
        .collect();
    assert!(!started.is_empty(), "{ended:?}");
    for line in &started {
        let finished = line.replace(": started item ", ": finished item ");
        if !ended.stdout.contains(&finished) {
            ended.fail(&format!("{line:?} was cut: no {finished:?}"));
        }
    }
    let position = |prefix: &str| ended.stdout.iter().position(|l| l.starts_with(prefix));
    let joined = position("main: all workers joined")
        .unwrap_or_else(|| ended.fail("main did not join its workers"));
    let hook = position("hook: report").unwrap_or_else(|| ended.fail("report hook did not run"));
    let last_finished = ended
        .stdout
        .iter()
        .rposition(|l| l.contains(": finished item "))
        .unwrap_or_else(|| ended.fail("no item finished"));
    assert!(last_finished < joined && joined < hook, "{ended:?}");
    assert_eq!(
        ended.stdout[hook],
        "hook: report (stopping because: SIGTERM)"
    );
}

#[test]
fn flush_example_never_loses_or_tears_a_record() {
    let dir = std::env::temp_dir().join(format!("graceful-exit-flush-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let started = Instant::now();
    for trial in 0..200u32 {
        let path = dir.join(format!("records-{trial}.txt"));
        let path_text = path.to_str().expect("utf-8 temp path");
        let mut running = start_ready(env!("CARGO_BIN_EXE_flush"), &[path_text]);
        // Its loop's `sleep` is what makes `main` cooperate; then any moment.
        wait_until_blocked(&running);
        std::thread::sleep(jitter(Duration::from_millis(40), trial));
        running.signal(Signal::TERM);
        let ended = running.wait();
        ended.expect_signal(Signal::TERM);
        let text = std::fs::read_to_string(&path).expect("records file");
        assert!(
            text.is_empty() || text.ends_with('\n'),
            "trial {trial}: torn last record"
        );
        for (n, line) in text.lines().enumerate() {
            let expected = format!("record {n:010} {}", "x".repeat(40));
            assert_eq!(line, expected, "trial {trial}: record {n} lost or torn");
        }
        // `main` says how many it wrote: every one of them is in the file.
        let written = ended
            .lines_starting("main: stopped after ")
            .first()
            .and_then(|l| l.split_whitespace().nth(3)?.parse::<usize>().ok())
            .unwrap_or_else(|| ended.fail("main did not finish its loop"));
        assert_eq!(text.lines().count(), written, "trial {trial}: records lost");
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "flush trials too slow"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Connects to the address a server example printed and reads its line.
fn greeting(ready: &str) -> String {
    let address = ready.rsplit(' ').next().expect("an address");
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let mut text = String::new();
    let _ = stream.read_to_string(&mut text);
    text
}

/// A server example serves, and stops the moment a signal comes: its loop
/// is woken (by the shutdown fd, or the future), `main` says so, the hook
/// runs after it.
fn server_stops_at_once(program: &str) {
    let mut running = graceful_exit_e2e::start(program, &[]);
    let ready = running.wait_for_line("ready: listening on ");
    assert_eq!(greeting(&ready), "hello 1\n");
    let sent = Instant::now();
    running.signal(Signal::INT);
    let ended = running.wait();
    ended.expect_signal(Signal::INT).expect_hooks(&["goodbye"]);
    assert!(
        ended.ended_at - sent < Duration::from_secs(1),
        "took {:?}",
        ended.ended_at - sent
    );
    let main = ended
        .stdout
        .iter()
        .position(|l| l.starts_with("main: served 1"));
    let hook = ended.stdout.iter().position(|l| l == "hook: goodbye");
    assert!(main.is_some() && main < hook, "{ended:?}");
}

#[test]
fn poll_loop_wakes_on_the_shutdown_fd() {
    server_stops_at_once(env!("CARGO_BIN_EXE_poll_server"));
}

#[test]
fn tokio_server_wakes_on_wait_async() {
    server_stops_at_once(env!("CARGO_BIN_EXE_async_tokio"));
}
