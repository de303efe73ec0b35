//! The runtime behind [`graceful-exit`](https://docs.rs/graceful-exit).
//!
//! Use it through the `graceful-exit` crate, which re-exports everything
//! here together with the `#[graceful_main]`, `#[on_shutdown]` and
//! `#[on_reload]` macros and holds the documentation. This crate's API
//! outside `__private` is the same as the facade's.
//!
//! The modules, in the order data flows through them:
//!
//! - `signal`, `duration`: the types, the signal names, the one duration
//!   grammar.
//! - `config` → `settings`: the builder, resolved once (environment
//!   applied) into the settings the runtime runs with.
//! - `hooks`: the one owner of the hook lists (`#[on_shutdown]` functions
//!   and run-time `Hook`s, `Guard`s) and their order; `hooks::sequence`
//!   runs a list in order, each hook at most once, isolated.
//! - `watcher`: installs the runtime; its thread is woken by signals
//!   (recorded in `events` by the handler) and requests, and starts the
//!   shutdown or a reload (`reload`).
//! - `shutdown`: how a shutdown begins, which thread runs its hooks, how it
//!   ends; `state` is the one owner of "started" and of `main`'s progress,
//!   with the cooperative API; `wake` has the fd and future waiters.
//! - `watchdog`: the deadline, hook timeouts, the second signal, a stuck
//!   exit.
//! - `exit`: the one way out.
//! - `output` (reports), `diag` (container warnings), `systemd`,
//!   `broken_pipe`, `process` (children stopped on shutdown), `testing`.
//! - `platform`: signal backends and the few system calls; the only
//!   `unsafe` code.
#![deny(unsafe_code)]
#![warn(missing_docs)]

mod broken_pipe;
mod config;
mod diag;
mod duration;
mod events;
mod exit;
mod hooks;
mod output;
#[allow(unsafe_code)]
mod platform;
pub mod process;
mod reload;
mod settings;
mod shutdown;
mod signal;
mod state;
mod systemd;
pub mod testing;
mod wake;
mod watchdog;
mod watcher;

pub use config::Config;
pub use hooks::api::{on_shutdown_fn, Hook, HookHandle};
pub use hooks::guard::{guard, Guard, GuardLock};
pub use hooks::HookResult;
pub use output::{LOG_ENV, QUIET_ENV};
pub use reload::{reloads, request_reload};
pub use settings::{BrokenPipe, DEADLINE_ENV, DEFAULT_DEADLINE};
pub use shutdown::{exit, request_exit, request_shutdown};
pub use signal::{ShutdownReason, Signal};
pub use state::{is_shutting_down, sleep, wait};
pub use systemd::notify_ready;
pub use wake::wait_async;
#[cfg(unix)]
pub use wake::{shutdown_fd, try_shutdown_fd};
pub use watcher::InstallError;

/// Items the macro expansions use. Not public API: no stability guarantees.
#[doc(hidden)]
pub mod __private {
    pub use crate::hooks::{HookResult, Kind, StaticHook};
    /// What a declared hook's wrapper returns.
    pub type Outcome = core::result::Result<(), std::string::String>;
    pub use crate::settings::BrokenPipe;
    pub use crate::{Config, ShutdownReason, Signal};
    pub use core::option::Option::{None, Some};
    pub use core::result::Result;
    pub use core::{line, module_path};
    pub use inventory;
    pub use std::time::Duration;

    /// The duration grammar, for the macro crate's agreement test.
    pub use crate::duration::parse as parse_duration;
    /// How the duration grammar is explained, for the same test.
    pub use crate::duration::HELP as DURATION_HELP;
    /// The signal names, for the macro crate's agreement test.
    pub use crate::signal::SIGNAL_NAMES;
}
