//! A CLI that writes records through a `BufWriter` owned by a shutdown hook:
//! whenever the program is stopped, the file ends on a whole record, and no
//! record written is lost. No `static`: the writer lives in `main`, inside a
//! [`graceful_exit::Guard`].
//!
//! ```text
//! cargo run --example flush -- /tmp/records.txt    # then Ctrl-C
//! ```
//!
//! `main` writes each record under `out.lock()`. On Ctrl-C or SIGTERM,
//! `sleep` returns `false`, `main` leaves its loop, says how far it got and
//! returns; dropping the guard flushes the writer. Were `main` stuck, the
//! guard's hook would flush it at shutdown instead, waiting for a record in
//! progress under the lock: either way exactly once, never half a record.
use std::fs::File;
use std::io::{BufWriter, Write};
use std::time::Duration;

use graceful_exit::graceful_main;

#[graceful_main]
fn main() -> std::io::Result<()> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "records.txt".to_owned());
    let file = BufWriter::with_capacity(64 * 1024, File::create(&path)?);
    let out = graceful_exit::guard("flush records", file, |mut out| out.flush());
    println!("ready: writing records to {path}; press Ctrl-C to stop");
    let mut written = 0u64;
    loop {
        // Fixed-width records, so a torn one is easy to spot.
        writeln!(out.lock(), "record {written:010} {}", "x".repeat(40))?;
        written += 1;
        // Pace the demo (about 10 records per millisecond), waking at once
        // when shutdown starts.
        if written % 10 == 0 && !graceful_exit::sleep(Duration::from_millis(1)) {
            break;
        }
    }
    println!("main: stopped after {written} records");
    Ok(())
}
