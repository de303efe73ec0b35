//! The programs users naturally write, one per mode (first argument): state
//! in `main`, worker threads, requests from code, hooks that own state.
//! Prints `ready` once `main` runs; hooks print `hook: NAME …`.
use std::fs::File;
use std::future::Future;
use std::io::{BufWriter, Write};
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::Duration;

use graceful_exit::{Config, Hook, ShutdownReason};

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_default();
    let path = args.next().unwrap_or_default();
    let config = Config::new();
    let config = match mode.as_str() {
        "stuck" => config.deadline(Duration::from_secs(1)),
        _ => config,
    };
    config.run(move || run(&mode, &path))
}

fn report_hook() {
    graceful_exit::on_shutdown_fn("report", 100, |reason: &ShutdownReason| {
        println!("hook: report reason={reason}");
    });
}

fn run(mode: &str, path: &str) -> Result<(), String> {
    report_hook();
    match mode {
        "cli" => cli(path),
        "stuck" => stuck(),
        "request_err" => request_err(),
        "request_exit" => request_exit(),
        "exit_worker" => exit_worker(),
        "dynamic" => dynamic(),
        "guard_hook" => guard_hook(),
        "guard_drop" => guard_drop(),
        "guard_coop" => guard_coop(),
        "async" => async_waiter(),
        "late_worker_exit" => late_worker_exit(),
        other => Err(format!("unknown mode {other:?}")),
    }
}

/// A CLI keeping its results in a local `BufWriter`, looking at the
/// shutdown between items: every finished item's result is written.
fn cli(path: &str) -> Result<(), String> {
    let file = File::create(path).map_err(|e| e.to_string())?;
    let mut out = BufWriter::new(file);
    println!("ready");
    let mut written = 0;
    for item in 1..=4 {
        if graceful_exit::is_shutting_down() {
            break;
        }
        println!("started item {item}");
        thread::sleep(Duration::from_millis(150));
        writeln!(out, "result {item}").map_err(|e| e.to_string())?;
        written += 1;
        println!("finished item {item}");
    }
    out.flush().map_err(|e| e.to_string())?;
    println!("main: wrote {written} results");
    Ok(())
}

/// Cooperates (asks once), then never returns.
fn stuck() -> Result<(), String> {
    let _ = graceful_exit::is_shutting_down();
    println!("ready");
    loop {
        thread::park();
    }
}

/// A worker asks for the shutdown; then `main` fails.
fn request_err() -> Result<(), String> {
    println!("ready");
    let worker = thread::spawn(graceful_exit::request_shutdown);
    graceful_exit::wait();
    let _ = worker.join();
    Err("component failed".to_owned())
}

/// A worker asks to exit with 4 and returns; `main` joins it and returns.
fn request_exit() -> Result<(), String> {
    println!("ready");
    let worker = thread::spawn(|| {
        println!("worker: request_exit(4)");
        graceful_exit::request_exit(4);
    });
    graceful_exit::wait();
    let _ = worker.join();
    println!("main: joined the worker");
    Ok(())
}

/// A worker calls `exit(5)`; a hook joins the other worker, on a thread
/// that is not the caller's.
fn exit_worker() -> Result<(), String> {
    let other = thread::spawn(|| thread::sleep(Duration::from_millis(50)));
    let _joiner = Hook::new("join_workers").register(move |_| {
        let on = thread::current().name().unwrap_or("unnamed").to_owned();
        let joined = other.join().is_ok();
        println!("hook: join_workers joined={joined} on={on}");
    });
    println!("ready");
    thread::Builder::new()
        .name("worker".into())
        .spawn(|| graceful_exit::exit(5))
        .map_err(|e| e.to_string())?;
    loop {
        thread::park();
    }
}

/// Run-time hooks: `String` names, `Result`, timeouts, cancelling.
fn dynamic() -> Result<(), String> {
    for n in 0..3 {
        graceful_exit::on_shutdown_fn(format!("hook {n}"), n, move |_| println!("hook: hook {n}"));
    }
    let _fails = Hook::new("fails")
        .order(5)
        .register(|_| -> Result<(), String> { Err("nope".to_owned()) });
    let _slow = Hook::new("slow")
        .order(6)
        .timeout(Duration::from_millis(100))
        .register(|_| thread::sleep(Duration::from_secs(10)));
    let cancelled = Hook::new("cancelled")
        .order(7)
        .register(|_| println!("hook: cancelled"));
    println!("cancel: {}", cancelled.cancel());
    println!("ready");
    graceful_exit::wait();
    Ok(())
}

/// Prints when it is dropped: how a guard's value is finished by its `Drop`.
struct Records(Vec<u32>);

impl Drop for Records {
    fn drop(&mut self) {
        println!("records: dropped with {}", self.0.len());
    }
}

/// `main` never looks at the shutdown: the guard's hook finishes the value,
/// after the record being written under the lock.
fn guard_hook() -> Result<(), String> {
    let records = graceful_exit::guard("finish records", Records(Vec::new()), |records| {
        println!("hook: finish records count={}", records.0.len());
    });
    println!("ready");
    for n in 0.. {
        let mut locked = records.lock();
        locked.0.push(n);
        thread::sleep(Duration::from_millis(1));
    }
    Ok(())
}

/// The guard is dropped before any shutdown: the value's own `Drop` finishes
/// it and the hook never runs.
fn guard_drop() -> Result<(), String> {
    let records = graceful_exit::guard("finish records", Records(vec![1, 2]), |records| {
        println!("hook: finish records count={}", records.0.len());
    });
    drop(records);
    println!("ready");
    graceful_exit::wait();
    Ok(())
}

/// `main` cooperates and returns, dropping the guard, after the shutdown
/// took its hook list: the value's own `Drop` finishes it, the hook is
/// skipped.
fn guard_coop() -> Result<(), String> {
    let records = graceful_exit::guard("finish records", Records(Vec::new()), |records| {
        println!("hook: finish records count={}", records.0.len());
    });
    let _ = graceful_exit::is_shutting_down();
    println!("ready");
    let mut n = 0;
    while graceful_exit::sleep(Duration::from_millis(1)) {
        records.lock().0.push(n);
        n += 1;
    }
    println!("main: returning");
    Ok(())
}

/// A tiny executor (park/unpark) awaiting `wait_async` on a thread.
fn async_waiter() -> Result<(), String> {
    struct Unpark(thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    // Made before `ready`, so the program cooperates from the start.
    let shutdown = graceful_exit::wait_async();
    let waiter = thread::spawn(move || {
        let waker = Waker::from(Arc::new(Unpark(thread::current())));
        let mut context = Context::from_waker(&waker);
        let mut future = pin!(shutdown);
        while future.as_mut().poll(&mut context) == Poll::Pending {
            thread::park();
        }
        println!("async: woke");
    });
    println!("ready");
    let _ = waiter.join();
    println!("main: joined the async waiter");
    Ok(())
}

/// `main` finishes an item after the shutdown starts; meanwhile a worker
/// calls `exit(0)`: the hooks still wait for `main`.
fn late_worker_exit() -> Result<(), String> {
    thread::spawn(|| {
        graceful_exit::wait();
        graceful_exit::exit(0);
    });
    println!("ready");
    graceful_exit::wait();
    println!("main: finishing the item");
    thread::sleep(Duration::from_millis(300));
    println!("main: done");
    Ok(())
}
