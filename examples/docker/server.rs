//! A small server that stops cleanly, and fast, under `docker stop`.
//!
//! It accepts TCP connections (each gets one line with the number of jobs
//! done) while a worker thread works through jobs of 300 ms each. On SIGTERM
//! (`docker stop`), SIGINT (Ctrl-C) or SIGHUP:
//!
//! 1. `main` stops accepting connections and returns (`wait_for_main`),
//! 2. `finish_jobs` lets the worker finish the job it is on,
//! 3. `save_state` records the progress,
//! 4. `goodbye` says why the server stopped,
//!
//! all within a second, far under Docker's 10 s grace period. See
//! `examples/docker/README.md` for the container side of the story.
//!
//! ```text
//! cargo run --example docker_server              # listens on 127.0.0.1:8080
//! LISTEN=127.0.0.1:0 cargo run --example docker_server
//! ```
use std::io::{ErrorKind, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use graceful_exit::{graceful_main, on_shutdown, ShutdownReason};

/// How long one simulated job takes.
const JOB: Duration = Duration::from_millis(300);

static JOBS_DONE: AtomicU64 = AtomicU64::new(0);
static WORKER: Mutex<Option<JoinHandle<()>>> = Mutex::new(None);

/// First: the worker takes no new job once shutdown starts; wait for the one
/// it is on.
#[on_shutdown(timeout = "3s")]
fn finish_jobs() {
    let worker = WORKER.lock().unwrap_or_else(PoisonError::into_inner).take();
    if let Some(worker) = worker {
        let _ = worker.join();
    }
    println!(
        "hook: finish_jobs ({} jobs done)",
        JOBS_DONE.load(Ordering::SeqCst)
    );
}

/// Second: a real server would flush a queue or commit an offset here. It may
/// fail; the error would be reported and `goodbye` would still run.
#[on_shutdown(order = 10, timeout = "2s")]
fn save_state() -> Result<(), std::io::Error> {
    println!(
        "hook: save_state (resume after job {})",
        JOBS_DONE.load(Ordering::SeqCst)
    );
    Ok(())
}

/// Last: say why we stopped (`SIGTERM` under `docker stop`).
#[on_shutdown(order = 20)]
fn goodbye(reason: &ShutdownReason) {
    println!("hook: goodbye (reason: {reason})");
}

/// `wait_for_main`: on a signal, `main` gets up to 2 s to stop accepting and
/// return before the hooks run. `reap_zombies`: when this program is PID 1
/// (exec-form `CMD` without `--init`), it also reaps orphaned processes.
#[graceful_main(wait_for_main = "2s", reap_zombies = true)]
fn main() -> Result<(), std::io::Error> {
    let address = std::env::var("LISTEN").unwrap_or_else(|_| "127.0.0.1:8080".to_owned());
    let listener = TcpListener::bind(&address)?;
    listener.set_nonblocking(true)?;
    *WORKER.lock().unwrap_or_else(PoisonError::into_inner) = Some(thread::spawn(work));
    println!(
        "listening on {} (pid {})",
        listener.local_addr()?,
        std::process::id()
    );
    // The handlers were installed before `main` ran.
    println!("ready");

    while !graceful_exit::is_shutting_down() {
        match listener.accept() {
            Ok((mut stream, _)) => {
                let _ = writeln!(stream, "{} jobs done", JOBS_DONE.load(Ordering::SeqCst));
            }
            // Nothing to accept: wait a little, waking at once on shutdown.
            Err(error) if error.kind() == ErrorKind::WouldBlock => {
                let _ = graceful_exit::sleep(Duration::from_millis(50));
            }
            Err(error) if error.kind() == ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    println!("main: stopped accepting connections");
    Ok(())
}

/// The worker: one job at a time until shutdown starts.
fn work() {
    while !graceful_exit::is_shutting_down() {
        thread::sleep(JOB);
        JOBS_DONE.fetch_add(1, Ordering::SeqCst);
    }
}
