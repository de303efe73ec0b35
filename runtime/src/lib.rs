//! The runtime behind [`graceful-exit`](https://docs.rs/graceful-exit).
//!
//! Use it through the `graceful-exit` crate, which re-exports everything
//! here together with the `#[graceful_main]` and `#[on_shutdown]` macros and
//! holds the documentation. This crate's API outside `__private` is the same
//! as the facade's.
//!
//! Layout: `signal` (the types), `config` (the builder), `hooks` (the ordered
//! hook list), `shutdown` (starting a shutdown, running the hooks on the
//! thread that started it, and the watchdog that enforces the deadline, hook
//! timeouts and the second signal), `exit` (the one way out), `diag`
//! (container warnings), `output` (what gets reported, and where), `systemd`
//! (`READY=1`/`STOPPING=1`), `process` (children stopped on shutdown),
//! `backend` (signal sources and the few system calls; the only `unsafe`
//! code).
#![deny(unsafe_code)]
#![warn(missing_docs)]

#[allow(unsafe_code)]
mod backend;
mod config;
mod diag;
mod exit;
mod hooks;
mod output;
pub mod process;
mod shutdown;
mod signal;
mod systemd;

pub use config::{Config, InstallError, DEADLINE_ENV, DEFAULT_DEADLINE};
pub use hooks::on_shutdown_fn;
pub use output::{LOG_ENV, QUIET_ENV};
pub use shutdown::{exit, is_shutting_down, request_shutdown, sleep, wait};
pub use signal::{ShutdownReason, Signal};
pub use systemd::notify_ready;

/// Items the macro expansions use. Not public API: no stability guarantees.
#[doc(hidden)]
pub mod __private {
    pub use crate::hooks::{Hook, HookResult, IntoHookResult, HOOKS};
    pub use crate::{Config, ShutdownReason, Signal};
    pub use core::option::Option::{None, Some};
    pub use core::result::Result;
    pub use core::{line, module_path};
    pub use linkme;
    pub use std::time::Duration;
}
