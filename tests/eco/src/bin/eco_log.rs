//! Reports through the `log` crate.
//!
//! `eco_log logger [LEVEL]` installs a logger that writes each record as
//! `LOG <level> <target> <message>` on stdout, with `LEVEL` (default `trace`)
//! as the maximum level; `eco_log panicking` installs one that panics on
//! every record; `eco_log logger-without-ours` one that filters out the
//! target `graceful_exit`; `eco_log logger-and-a-hung-hook` the first
//! logger and a hook that outlives its 100 ms timeout; `eco_log none`
//! installs no logger. Prints `ready`,
//! waits for shutdown; its one hook fails with `disk full`.
use std::io::Write;

use graceful_exit::graceful_main;

struct StdoutLogger;

impl log::Log for StdoutLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        // `logger-without-ours`: everything but the runtime's target.
        !(FILTER_OURS.load(std::sync::atomic::Ordering::Relaxed)
            && metadata.target() == "graceful_exit")
    }

    fn log(&self, record: &log::Record<'_>) {
        if PANICS.load(std::sync::atomic::Ordering::Relaxed) {
            panic!("the logger exploded");
        }
        if !self.enabled(record.metadata()) {
            return;
        }
        let line = format!(
            "LOG {} {} {}\n",
            record.level(),
            record.target(),
            record.args()
        );
        let _ = std::io::stdout().lock().write_all(line.as_bytes());
    }

    fn flush(&self) {
        let _ = std::io::stdout().flush();
    }
}

static LOGGER: StdoutLogger = StdoutLogger;
/// Set for `panicking`: every record makes the logger panic.
static PANICS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
/// Set for `logger-without-ours`: the logger filters out `graceful_exit`.
static FILTER_OURS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

#[graceful_main]
fn main() {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("logger") => {
            let level = match args.next() {
                Some(level) => level.parse().expect("a log level"),
                None => log::LevelFilter::Trace,
            };
            log::set_logger(&LOGGER).expect("the only logger");
            log::set_max_level(level);
        }
        Some("panicking") => {
            PANICS.store(true, std::sync::atomic::Ordering::Relaxed);
            log::set_logger(&LOGGER).expect("the only logger");
            log::set_max_level(log::LevelFilter::Trace);
        }
        Some("logger-without-ours") => {
            FILTER_OURS.store(true, std::sync::atomic::Ordering::Relaxed);
            log::set_logger(&LOGGER).expect("the only logger");
            log::set_max_level(log::LevelFilter::Trace);
        }
        Some("logger-and-a-hung-hook") => {
            log::set_logger(&LOGGER).expect("the only logger");
            log::set_max_level(log::LevelFilter::Trace);
            let _hangs = graceful_exit::Hook::new("hangs")
                .order(-1)
                .timeout(std::time::Duration::from_millis(100))
                .register(|_| std::thread::sleep(std::time::Duration::from_secs(60)));
        }
        Some("none") => {}
        other => panic!("usage: eco_log logger [LEVEL] | none; got {other:?}"),
    }
    graceful_exit_eco::ready_then_wait();
}
