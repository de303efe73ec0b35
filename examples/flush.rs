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

use graceful_exit::{graceful_main, Guard};

/// The records file, buffered, owned by the shutdown hook that flushes it.
fn open_records(path: &str) -> std::io::Result<Guard<BufWriter<File>>> {
    let file = BufWriter::with_capacity(64 * 1024, File::create(path)?);
    Ok(graceful_exit::guard("flush records", file, |mut out| {
        out.flush()
    }))
}

/// One fixed-width record, so a torn one is easy to spot.
fn record(n: u64) -> String {
    format!("record {n:010} {}", "x".repeat(40))
}

#[graceful_main]
fn main() -> std::io::Result<()> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "records.txt".to_owned());
    let out = open_records(&path)?;
    println!("ready: writing records to {path}; press Ctrl-C to stop");
    let mut written = 0u64;
    loop {
        writeln!(out.lock(), "{}", record(written))?;
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

/// The hook, tested in-process with `graceful_exit::testing::run_hooks`:
/// no signal, no exit. (`tests/e2e/tests/examples.rs` stops the real
/// program with real signals.)
#[cfg(test)]
mod tests {
    use std::io::Write;

    use graceful_exit::{testing, ShutdownReason, Signal};

    #[test]
    fn the_hook_flushes_every_record_written_under_the_lock() {
        let path =
            std::env::temp_dir().join(format!("graceful-exit-flush-unit-{}", std::process::id()));
        let path_text = path.to_str().expect("utf-8 temp path");
        let out = super::open_records(path_text).expect("create");
        for n in 0..100 {
            writeln!(out.lock(), "{}", super::record(n)).expect("write");
        }
        let report = testing::run_hooks(&ShutdownReason::Signal(Signal::TERM));
        assert_eq!(report.ran(), ["flush records"], "{report}");
        assert!(report.failures().is_empty(), "{report}");
        let text = std::fs::read_to_string(&path).expect("records file");
        let _ = std::fs::remove_file(&path);
        assert_eq!(text.lines().count(), 100);
        assert_eq!(text.lines().last(), Some(super::record(99).as_str()));
        // The hook took the value: dropping the guard finishes nothing twice.
        drop(out);
    }
}
