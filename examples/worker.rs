//! A pool of worker threads fed through a channel. On Ctrl-C or SIGTERM each
//! worker finishes the item it is on, idle workers are woken at once (no
//! polling, no timeouts), `main` joins them all and returns, and only then
//! the hooks run.
//!
//! ```text
//! cargo run --example worker    # then Ctrl-C
//! ```
//!
//! How: jobs arrive every 50 ms (`graceful_exit::sleep` paces them and
//! returns `false` the moment shutdown starts). Workers block in `recv`.
//! When `main` stops, it drops the sender: every `recv` returns `Err`, so
//! idle workers end at once, and busy ones after their item. Because `main`
//! looked at the shutdown (`sleep`), the hooks wait for it to return (up to
//! half the deadline: 4 s by default).
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

use graceful_exit::{graceful_main, on_shutdown, ShutdownReason};

#[on_shutdown]
fn report(reason: &ShutdownReason) {
    println!("hook: report (stopping because: {reason})");
}

/// One unit of work that must not be cut in half.
fn process(worker: usize, item: u32) {
    println!("worker {worker}: started item {item}");
    thread::sleep(Duration::from_millis(200));
    println!("worker {worker}: finished item {item}");
}

#[graceful_main]
fn main() {
    let (jobs, queue) = mpsc::channel::<u32>();
    let queue = Arc::new(Mutex::new(queue));
    let workers: Vec<_> = (1..=3)
        .map(|worker| {
            let queue = Arc::clone(&queue);
            thread::spawn(move || loop {
                let next = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
                // `Err`: `main` dropped the sender, nothing more will come.
                let Ok(item) = next else { break };
                if graceful_exit::is_shutting_down() {
                    println!("worker {worker}: left item {item} undone");
                    continue;
                }
                process(worker, item);
            })
        })
        .collect();
    println!(
        "ready: pid {}; press Ctrl-C to stop after the items in progress",
        std::process::id()
    );
    let mut item = 1;
    while graceful_exit::sleep(Duration::from_millis(50)) {
        if jobs.send(item).is_err() {
            break;
        }
        item += 1;
    }
    drop(jobs);
    for worker in workers {
        let _ = worker.join();
    }
    println!("main: all workers joined after {} items", item - 1);
}
