//! Reports through the `log` crate.
//!
//! `eco_log logger [LEVEL]` installs a logger that writes each record as
//! `LOG <level> <target> <message>` on stdout, with `LEVEL` (default `trace`)
//! as the maximum level; `eco_log none` installs no logger. Prints `ready`,
//! waits for shutdown; its one hook fails with `disk full`.
use std::io::Write;

use graceful_exit::{graceful_main, on_shutdown};

struct StdoutLogger;

impl log::Log for StdoutLogger {
    fn enabled(&self, _metadata: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
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

#[on_shutdown]
fn broken() -> Result<(), String> {
    Err("disk full".to_owned())
}

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
        Some("none") => {}
        other => panic!("usage: eco_log logger [LEVEL] | none; got {other:?}"),
    }
    println!("ready");
    graceful_exit::wait();
}
