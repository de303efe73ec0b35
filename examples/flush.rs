//! A CLI that writes records through a `BufWriter`, and a hook that flushes
//! it: whenever the program is stopped, the file ends on a whole record.
//!
//! ```text
//! cargo run --example flush -- /tmp/records.txt    # then Ctrl-C
//! ```
use std::fs::File;
use std::io::{BufWriter, Write};
use std::sync::Mutex;
use std::time::Duration;

use graceful_exit::{graceful_main, on_shutdown};

/// The output. The hook takes it, so `main` cannot write after the flush.
static OUTPUT: Mutex<Option<BufWriter<File>>> = Mutex::new(None);

#[on_shutdown(timeout = "2s")]
fn flush_output() -> std::io::Result<()> {
    let writer = OUTPUT.lock().unwrap_or_else(|e| e.into_inner()).take();
    match writer {
        Some(mut writer) => writer.flush(),
        None => Ok(()),
    }
}

#[graceful_main]
fn main() -> std::io::Result<()> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "records.txt".to_owned());
    let file = File::create(&path)?;
    *OUTPUT.lock().unwrap_or_else(|e| e.into_inner()) =
        Some(BufWriter::with_capacity(64 * 1024, file));
    println!("ready: writing records to {path}; press Ctrl-C to stop");
    for n in 0u64.. {
        let mut guard = OUTPUT.lock().unwrap_or_else(|e| e.into_inner());
        let Some(writer) = guard.as_mut() else {
            break; // the hook flushed and closed it: shutdown has started
        };
        // Fixed-width records, so a torn one is easy to spot.
        writeln!(writer, "record {n:010} {}", "x".repeat(40))?;
        drop(guard);
        // Pace the demo (about 10 records per millisecond), waking at once
        // when shutdown starts.
        if n % 10 == 9 && !graceful_exit::sleep(Duration::from_millis(1)) {
            break;
        }
    }
    Ok(())
}
