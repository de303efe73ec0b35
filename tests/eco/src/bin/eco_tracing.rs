//! Reports through `tracing`.
//!
//! `eco_tracing subscriber [LEVEL]` installs a subscriber that writes each
//! event as `TRACE <level> <target> <message>` on stdout, enabling up to
//! `LEVEL` (default `trace`); `eco_tracing subscriber-without-ours` one
//! that filters out the target `graceful_exit`; `eco_tracing none` installs
//! none. Prints
//! `ready`, waits for shutdown; its one hook fails with `disk full`.
use std::fmt;
use std::io::Write;

use graceful_exit::graceful_main;
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata};

struct StdoutSubscriber {
    max: Level,
    /// Filters out the runtime's target (`subscriber-without-ours`).
    without_ours: bool,
}

struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

impl tracing::Subscriber for StdoutSubscriber {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        *metadata.level() <= self.max
            && !(self.without_ours && metadata.target() == "graceful_exit")
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(LevelFilter::from_level(self.max))
    }

    fn new_span(&self, _span: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _span: &Id, _values: &Record<'_>) {}

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut message = Message(String::new());
        event.record(&mut message);
        let metadata = event.metadata();
        let line = format!(
            "TRACE {} {} {}\n",
            metadata.level(),
            metadata.target(),
            message.0
        );
        let _ = std::io::stdout().lock().write_all(line.as_bytes());
    }

    fn enter(&self, _span: &Id) {}

    fn exit(&self, _span: &Id) {}
}

#[graceful_main]
fn main() {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("subscriber") => {
            let max = match args.next() {
                Some(level) => level.parse().expect("a tracing level"),
                None => Level::TRACE,
            };
            tracing::subscriber::set_global_default(StdoutSubscriber {
                max,
                without_ours: false,
            })
            .expect("the only subscriber");
        }
        Some("subscriber-without-ours") => {
            tracing::subscriber::set_global_default(StdoutSubscriber {
                max: Level::TRACE,
                without_ours: true,
            })
            .expect("the only subscriber");
        }
        Some("none") => {}
        other => panic!("usage: eco_tracing subscriber [LEVEL] | none; got {other:?}"),
    }
    graceful_exit_eco::ready_then_wait();
}
