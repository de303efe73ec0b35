//! A hostile world, one mode per run (first argument): locks held by other
//! threads, pipes nobody reads, panicking `Debug`s, signals at the worst
//! moment. Prints `ready` once `main` runs (on stderr where stdout is the
//! thing being stalled).
use std::fmt;
use std::io::{BufRead, Write};
use std::process::{Command, Stdio};
use std::thread;
use std::time::Duration;

use graceful_exit::{process, Config, Hook};

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_default();
    let how = args.next().unwrap_or_default();
    let config = match mode.as_str() {
        "flood_stderr" => Config::new().deadline(Duration::from_secs(1)),
        _ => Config::new(),
    };
    config.run(move || run(&mode, &how))
}

fn report_hook() {
    graceful_exit::on_shutdown_fn("report", 100, |reason| {
        println!("hook: report reason={reason}");
    });
}

enum Ending {
    Ok,
    Err(&'static str),
    PanickingErr(PanickingDebug),
}

impl std::process::Termination for Ending {
    fn report(self) -> std::process::ExitCode {
        match self {
            Ending::Ok => std::process::ExitCode::SUCCESS,
            Ending::Err(error) => Err::<(), _>(error).report(),
            Ending::PanickingErr(error) => Err::<(), _>(error).report(),
        }
    }
}

/// An error whose `Debug` panics.
struct PanickingDebug;

impl fmt::Debug for PanickingDebug {
    fn fmt(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        panic!("Debug exploded")
    }
}

fn run(mode: &str, how: &str) -> Ending {
    // Modes that keep stdout locked or full get no printing hook: it would
    // wait for stdout like any code of theirs.
    match mode {
        "writer_holds_stdout" => return writer_holds_stdout(),
        "filter" => return filter(),
        "flood_stdout" => return flood_stdout(),
        _ => report_hook(),
    }
    match mode {
        "flood_stderr" => flood_stderr(),
        "stderr_locked" => stderr_locked(),
        "request_panic" => request_panic(),
        "debug_panics" => {
            println!("ready");
            Ending::PanickingErr(PanickingDebug)
        }
        "slow_hook" => slow_hook(how),
        "children" => children(),
        "register_in_hook" => register_in_hook(),
        "nested_run" => nested_run(),
        _ => park(),
    }
}

fn park() -> ! {
    println!("ready");
    loop {
        thread::park();
    }
}

/// A logging thread owns stdout's lock for good; `main` returns.
fn writer_holds_stdout() -> Ending {
    println!("ready");
    let (locked, has_lock) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let _stdout = std::io::stdout().lock();
        let _ = locked.send(());
        loop {
            thread::park();
        }
    });
    let _ = has_lock.recv();
    eprintln!("main: returning while another thread holds stdout");
    Ending::Ok
}

/// The filter idiom: stdout locked for the whole run, reading stdin.
fn filter() -> Ending {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "ready");
    let _ = out.flush();
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let _ = writeln!(out, "{line}");
    }
    Ending::Ok
}

/// Writes to stdout until the pipe (which nobody reads) is full.
fn flood_stdout() -> Ending {
    eprintln!("ready");
    let line = "x".repeat(100);
    loop {
        println!("{line}");
    }
}

/// A thread fills stderr (which nobody reads); a hook hangs past its timeout.
fn flood_stderr() -> Ending {
    let _hangs = Hook::new("hangs")
        .timeout(Duration::from_millis(200))
        .register(|_| -> () {
            loop {
                thread::park();
            }
        });
    thread::spawn(|| {
        let line = "e".repeat(100);
        loop {
            eprintln!("{line}");
        }
    });
    park()
}

/// `main` holds stderr's lock for good; a hook fails and must be reported.
fn stderr_locked() -> Ending {
    let _fails = Hook::new("fails").register(|_| -> Result<(), String> { Err("disk full".into()) });
    let (locked, has_lock) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let _stderr = std::io::stderr().lock();
        let _ = locked.send(());
        loop {
            thread::park();
        }
    });
    let _ = has_lock.recv();
    park()
}

/// `request_shutdown`, then `main` panics.
fn request_panic() -> Ending {
    println!("ready");
    graceful_exit::request_shutdown();
    panic!("main blew up after asking to stop");
}

/// `main` ends (`how`: return, err, exit, panic) while a slow hook runs,
/// so the test can send one signal during the shutdown.
fn slow_hook(how: &str) -> Ending {
    graceful_exit::on_shutdown_fn("slow", 0, |_| {
        println!("hook: slow started");
        thread::sleep(Duration::from_millis(400));
        println!("hook: slow finished");
    });
    println!("ready");
    match how {
        "err" => Ending::Err("main failed"),
        "exit" => graceful_exit::exit(3),
        "panic" => panic!("main panicked on purpose"),
        _ => Ending::Ok,
    }
}

/// Starts children, each handed to the shutdown, until the shutdown starts
/// (`main` looks, so the hooks wait for its last registration).
fn children() -> Ending {
    println!("ready");
    for n in 0.. {
        if graceful_exit::is_shutting_down() {
            break;
        }
        let Ok(child) = Command::new("sleep")
            .arg("60")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
        else {
            continue;
        };
        println!("child {}", child.id());
        let managed =
            process::stop_on_shutdown(child, format!("sleep {n}"), 0, Duration::from_secs(1));
        drop(managed);
        thread::sleep(Duration::from_millis(2));
    }
    Ending::Ok
}

/// A hook registers another hook while the shutdown runs.
fn register_in_hook() -> Ending {
    graceful_exit::on_shutdown_fn("registers", 0, |_| {
        graceful_exit::on_shutdown_fn("too_late", 1, |_| println!("hook: too_late"));
    });
    park()
}

/// `Config::run` inside `Config::run`.
fn nested_run() -> Ending {
    Config::new().run(|| {
        println!("ready");
        loop {
            thread::park();
        }
    })
}
