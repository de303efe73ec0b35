//! Hygiene test: the expansions of `#[on_shutdown]`, `#[on_reload]` and
//! `#[graceful_main]` must compile, warning-free, in a crate that shadows every name they could
//! accidentally rely on (`std`, `core`, `Result`, `Option`, `Some`, `None`,
//! `Duration`, `line!`, `module_path!`), under strict lints, with hooks named
//! like helpers an expansion might declare (`run`, `reason`, `reload`,
//! `__ctor`).
//!
//! Built by `cargo build -p graceful-exit-hygiene` and checked by
//! `cargo clippy --workspace --all-targets -- -D warnings`.
#![deny(
    warnings,
    unused,
    unused_qualifications,
    missing_docs,
    rust_2018_idioms,
    clippy::all,
    clippy::pedantic
)]

use graceful_exit::{graceful_main, on_reload, on_shutdown, ShutdownReason, Signal};

/// Shadows the standard library: an expansion that wrote `std::…` without
/// the leading `::` would land here.
mod std {}

/// Shadows `core`, for the same reason.
mod core {}

/// A local `Result` with one type parameter, shadowing the prelude's.
type Result<T> = ::core::result::Result<T, Error>;

/// The error type of this program.
#[derive(Debug)]
struct Error(&'static str);

impl ::std::fmt::Display for Error {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.write_str(self.0)
    }
}

/// Fails when stdout cannot be flushed.
fn flush_stdout() -> Result<()> {
    ::std::io::Write::flush(&mut ::std::io::stdout()).map_err(|_| Error("cannot flush stdout"))
}

/// The simplest shape: `fn()`.
#[on_shutdown]
fn plain() {
    println!("hook: plain");
}

/// Named `run`, like a helper an expansion might declare.
#[on_shutdown(order = -5, name = "run hook")]
fn run() {
    println!("hook: run");
}

/// Named `reason` and taking a parameter named `reason`.
#[on_shutdown(order = 1, timeout = "250ms")]
fn reason(reason: &ShutdownReason) {
    if matches!(reason, ShutdownReason::Signal(signal) if *signal == Signal::TERM) {
        eprintln!("hook: terminated");
    } else {
        eprintln!("hook: stopping because of {reason}");
    }
}

/// `fn(&ShutdownReason) -> Result<(), E>` through the local one-parameter
/// `Result`.
#[on_shutdown(order = 2, timeout = "none", name = "flush")]
fn flush(reason: &ShutdownReason) -> Result<()> {
    if matches!(reason, ShutdownReason::Panic) {
        return Err(Error("panicked"));
    }
    flush_stdout()
}

/// `fn() -> io::Result<()>`, with an explicit `crate = path`.
#[on_shutdown(order = 3, timeout = "1m", crate = ::graceful_exit)]
fn io_result() -> ::std::io::Result<()> {
    ::std::io::Write::flush(&mut ::std::io::stderr())
}

/// A reload hook, `fn()`, named like the builder method the expansion of
/// `reload = [..]` calls.
#[on_reload]
fn reload() {
    println!("hook: reload");
}

/// A reload hook `fn() -> Result<(), E>` through the local one-parameter
/// `Result`, with every key and the newer duration forms.
#[on_reload(order = -1, timeout = "1.5s", name = "reread config", crate = ::graceful_exit)]
fn reread_config() -> Result<()> {
    flush_stdout()
}

/// Named like the constructor `inventory::submit!` declares: an expansion
/// that registered hooks with inventory and built the hook inside
/// `submit!` would call that `unsafe extern "C" fn` instead of this one.
#[on_shutdown(order = 5)]
fn __ctor() {
    println!("hook: __ctor");
}

/// Hooks in a module without the prelude, where `Option`, `Some`, `None`,
/// `Duration`, `line!` and `module_path!` are local look-alikes.
mod no_prelude {
    #![no_implicit_prelude]
    #![allow(dead_code, unused_imports, unused_macros)]

    use ::graceful_exit::{on_reload, on_shutdown, ShutdownReason};

    /// Not `Option`.
    pub struct Option;
    /// Not `Some`.
    pub struct Some;
    /// Not `None`.
    pub struct None;
    /// Not `std::time::Duration`.
    pub struct Duration;
    /// Not `std::result::Result`.
    pub struct Result;

    /// Not `core::line!`.
    macro_rules! line {
        () => {
            "not a line number"
        };
    }

    /// Not `core::module_path!`.
    macro_rules! module_path {
        () => {
            0_u8
        };
    }

    /// `fn() -> Result<(), E>` with the full `core` path and a timeout.
    #[on_shutdown(order = 0, timeout = "2s")]
    fn nested() -> ::core::result::Result<(), super::Error> {
        super::flush_stdout()
    }

    /// `fn(&ShutdownReason)` with no timeout.
    #[on_shutdown(order = 4)]
    fn nested_reason(reason: &ShutdownReason) {
        ::std::eprintln!("hook: nested, {reason}");
    }

    /// A reload hook `fn() -> Result<(), E>` with a timeout in microseconds.
    #[on_reload(timeout = "500us")]
    fn nested_reload() -> ::core::result::Result<(), super::Error> {
        super::flush_stdout()
    }
}

/// Every `#[graceful_main]` key at once, with both signal spellings and
/// every signal name between the two lists.
#[graceful_main(
    signals = [SIGINT, TERM, SIGHUP, QUIT],
    exit_code = 0,
    deadline = "1m30s",
    wait_for_main = "1.5s",
    reap_zombies = false,
    broken_pipe = "exit",
    reload = [SIGUSR1, USR2],
    crate = ::graceful_exit
)]
fn main() -> Result<()> {
    println!("hygiene: running");
    flush_stdout()
}
