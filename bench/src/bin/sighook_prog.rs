//! (3) `signal-hook` 0.3's `Signals` iterator, on the main thread.
//!
//! `main` blocks in the iterator (a blocking read on signal-hook's
//! self-pipe), prints `hook`, then dies by the signal the way graceful-exit
//! does (`emulate_default_handler`: default action restored, re-raised).

use std::io::Write;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

fn main() {
    let mut signals = Signals::new([SIGINT, SIGTERM, SIGHUP]).expect("install signal-hook");
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(b"ready\n");
    let _ = out.flush();
    let signal = signals.forever().next().unwrap_or(SIGTERM);
    let _ = out.write_all(b"hook\n");
    let _ = out.flush();
    hold_after_hook();
    let _ = signal_hook::low_level::emulate_default_handler(signal);
    std::process::exit(128 + signal);
}

/// Set by the runner only in its untimed rounds: stay alive this long after
/// `hook` so it can read the RSS the shutdown path reached.
fn hold_after_hook() {
    let ms = std::env::var("GE_BENCH_HOLD_MS")
        .ok()
        .and_then(|v| v.parse().ok());
    if let Some(ms) = ms {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}
