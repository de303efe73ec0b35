//! Clean shutdown for sync Rust programs.
//!
//! `#[graceful_main]` makes `main` handle SIGINT, SIGTERM and SIGHUP, run every
//! `#[on_shutdown]` function exactly once in a fixed order, finish within a
//! hard deadline, and end with the exit status a shell or an orchestrator
//! expects, whether the program was stopped by a signal, returned, failed or
//! panicked.
//!
//! It exists because of a classic bug: a server that only caught SIGINT lost
//! its cleanup to `docker stop` (SIGTERM, then SIGKILL 10 s later); and once
//! it caught SIGTERM, the compose command `sh -c "build && ./main"` kept the
//! shell as PID 1, which does not pass SIGTERM on. This crate handles SIGTERM
//! by default, bounds shutdown below the orchestrator's kill, and warns when
//! it runs behind a shell that swallows signals (`exec ./main` fixes it).
//!
//! # Quickstart
//!
//! ```no_run
//! use graceful_exit::{graceful_main, on_shutdown, ShutdownReason};
//!
//! #[on_shutdown]                              // order 0
//! fn flush_logs() { /* … */ }
//!
//! #[on_shutdown(order = 10, timeout = "2s")]  // may fail; the error is reported
//! fn close_db() -> Result<(), std::io::Error> { Ok(()) }
//!
//! #[on_shutdown(order = 20)]
//! fn report(reason: &ShutdownReason) { eprintln!("stopping: {reason}"); }
//!
//! #[graceful_main]
//! fn main() {
//!     while graceful_exit::sleep(std::time::Duration::from_secs(1)) {
//!         // one unit of work
//!     }
//! }
//! ```
//!
//! # The program without the macro
//!
//! `#[graceful_main(…)]` is sugar for [`Config`]: each key is a builder method
//! of the same name, and `main` becomes the closure given to [`Config::run`].
//! These two programs behave identically:
//!
//! ```no_run
//! # mod with_macro {
//! use graceful_exit::graceful_main;
//!
//! #[graceful_main(signals = [SIGINT, SIGTERM], exit_code = 0, deadline = "5s")]
//! fn main() -> Result<(), std::io::Error> {
//!     graceful_exit::wait();
//!     Ok(())
//! }
//! # }
//! # fn main() {}
//! ```
//!
//! ```no_run
//! use std::time::Duration;
//! use graceful_exit::{Config, Signal};
//!
//! fn real_main() -> Result<(), std::io::Error> {
//!     graceful_exit::wait();
//!     Ok(())
//! }
//!
//! fn main() {
//!     Config::new()
//!         .signals(&[Signal::INT, Signal::TERM])
//!         .exit_code(0)
//!         .deadline(Duration::from_secs(5))
//!         .run(real_main)
//! }
//! ```
//!
//! Hooks can be registered without the macro too, with [`on_shutdown_fn`]:
//! `graceful_exit::on_shutdown_fn("close db", 10, |reason| { … })`.
//!
//! # Attributes
//!
//! `#[on_shutdown(…)]`, all keys optional:
//!
//! | key | type | default | meaning |
//! |---|---|---|---|
//! | `order` | `i32` | `0` | ascending run order; negative allowed |
//! | `timeout` | duration | none | abandon the hook (reported) after this long |
//! | `name` | string | the fn name | the name used in reports |
//! | `crate` | path | `::graceful_exit` | where graceful-exit is, for re-exporting crates |
//!
//! Accepted signatures: `fn()`, `fn() -> Result<(), E>`, `fn(&ShutdownReason)`,
//! `fn(&ShutdownReason) -> Result<(), E>`, with `E: Display`. The function
//! stays callable as written.
//!
//! [`#[on_reload(…)]`](on_reload) takes the same keys and runs at every
//! reload (SIGHUP, `reload = [..]`, [`request_reload`]); it accepts `fn()`
//! and `fn() -> Result<(), E>`.
//!
//! `#[graceful_main(…)]`, on `fn main` only, all keys optional:
//!
//! | key | type | default | meaning |
//! |---|---|---|---|
//! | `signals` | `[SIGINT, …]` | `[SIGINT, SIGTERM, SIGHUP]` | signals that start shutdown: `SIGINT`, `SIGTERM`, `SIGHUP`, `SIGQUIT`, `SIGUSR1`, `SIGUSR2` (the `SIG` prefix is optional) |
//! | `exit_code` | `0..=255` | die by the signal | fixed exit code after a signal or [`request_shutdown`] |
//! | `deadline` | duration | `"8s"` | hard limit for the whole shutdown; env `GRACEFUL_EXIT_DEADLINE` overrides |
//! | `wait_for_main` | duration | `"0"` | on a signal, let `main` return first, up to this long |
//! | `reap_zombies` | `bool` | `false` | as PID 1, reap orphaned children |
//! | `crate` | path | `::graceful_exit` | where graceful-exit is |
//!
//! Durations are strings: `"250ms"`, `"2s"`, `"1m"`; `"0"` or `"none"` means
//! no limit. `main` may return `()`, `Result<(), E: Debug>` or any
//! [`Termination`](std::process::Termination) type such as `ExitCode`.
//!
//! # What happens
//!
//! 1. **Signals.** The handler only records the signal and wakes a watcher
//!    thread (through signal-hook's self-pipe); all real work happens on
//!    ordinary threads. A signal that was *ignored* when the process started
//!    (SIGHUP under `nohup`, SIGINT for `cmd &` in a script) stays ignored.
//!    Signals left out of `signals` keep their default action.
//! 2. **Hooks run exactly once**, in ascending `order`; ties are broken by
//!    module path, then line, so the order never depends on link order.
//!    They run when shutdown starts for any reason: a signal, `main`
//!    returning (`Ok` or `Err`), `main` panicking, [`exit`], or
//!    [`request_shutdown`]. By default hooks start at once while `main` keeps
//!    running; `wait_for_main` lets `main` finish first.
//! 3. **Isolation.** A hook that panics or returns `Err` is reported on stderr
//!    with its name, and the rest still run. A hook that outlives its
//!    `timeout` is reported and abandoned (its thread is left behind).
//! 4. **Deadline.** The whole sequence must finish within the deadline
//!    (default 8 s, under Docker's 10 s and Kubernetes' 30 s). When it
//!    passes, the process exits at once, naming the hook that was running.
//! 5. **Second signal.** Another terminating signal during shutdown exits at
//!    once with that signal's status, as someone pressing Ctrl-C twice
//!    expects. Signals within 100 ms of the first count as the same burst, so
//!    a `kill` loop or a repeating key does not cut the cleanup short.
//!
//! Everything the runtime prints goes to stderr, one line per event,
//! prefixed `graceful-exit:`. Nothing is printed on success; problems (a hook
//! failed, panicked or timed out, the deadline, a second signal, a bad
//! environment value) always are. `GRACEFUL_EXIT_LOG=debug` adds progress
//! lines: the shutdown's start and reason, each hook with its duration, the
//! total time.
//!
//! # Exit status
//!
//! | how shutdown started | status |
//! |---|---|
//! | signal `n` | killed by `n` (a shell shows 128 + n: 130, 143); `128 + n` when that is impossible (PID 1); `exit_code` if set |
//! | second signal `m` during shutdown | as for a signal, with `m` |
//! | deadline passed | the status the shutdown was heading for |
//! | `main` returned `()` / `Ok` | 0 |
//! | `main` returned `Err(e)` | 1, after printing `Error: {e:?}` as std does |
//! | `main` returned an `ExitCode` | that code |
//! | `main` panicked | 101 |
//! | [`exit(code)`](exit) | `code` |
//! | [`request_shutdown`] | 0, or `exit_code` if set |
//!
//! Buffered stdout is flushed before the process ends, on every path.
//!
//! # Containers and PID 1
//!
//! When this process is not PID 1 and its parent is a shell that is PID 1 of
//! the PID namespace (the `sh -c "…"` container command of the classic bug),
//! a warning is printed at start explaining that `docker stop` will not reach
//! the program and how to fix it: `exec` in the command, the exec form
//! `CMD ["./app"]`, or `docker run --init` / compose `init: true`.
//! `GRACEFUL_EXIT_QUIET=1` silences it.
//!
//! As PID 1 a process cannot be killed by its own re-raised signal, so the
//! status becomes `128 + n` (143 for SIGTERM). With `reap_zombies = true` a
//! PID 1 process also reaps orphaned children. **Caveat:** the reaper may
//! collect the status of a child you spawned yourself before your
//! `Child::wait` does, which then fails with `ECHILD`. If you both spawn
//! children and run as PID 1, prefer an init (`docker run --init`, `tini`)
//! over `reap_zombies`.
//!
//! # Backends
//!
//! The runtime gets signals from one of two backends, chosen at compile
//! time; nothing else in it knows which.
//!
//! | | `signal-hook` (Unix default) | `ctrlc` (feature `ctrlc`; always on Windows) |
//! |---|---|---|
//! | select with | default features | `default-features = false, features = ["ctrlc"]` (wins if both are on) |
//! | signals | any of `SIGINT SIGTERM SIGHUP SIGQUIT SIGUSR1 SIGUSR2` | `SIGINT SIGTERM SIGHUP` (others are reported and keep their default action); on Windows Ctrl-C, Ctrl-Break, console close, logoff, shutdown |
//! | which signal arrived | exact | exact on Unix (a shim records the number before ctrlc's handler runs); on Windows every event is reported as `SIGINT` |
//! | exit status after a signal | killed by it | killed by it on Unix; on Windows exit code `128 + 2` = 130 |
//! | `reap_zombies` | yes | no (reported once) |
//! | your own `signal-hook` handlers | keep working (signal-hook chains them) | keep working if registered after `graceful_main` starts |
//! | your own `ctrlc::set_handler` | replaces ours for SIGINT/SIGTERM/SIGHUP: don't | fails with `MultipleHandlers`: ctrlc allows one handler per process |
//!
//! # Child processes
//!
//! A program that spawns children stops them with its own shutdown through
//! [`process`]: [`process::stop_on_shutdown`] takes the [`Child`](std::process::Child)
//! and registers a hook that sends `SIGTERM`, gives the child a grace period
//! to exit, then sends `SIGKILL`, and reaps it so no zombie remains.
//! [`process::own_process_group`] starts a child in its own process group,
//! so a terminal's Ctrl-C reaches only the program, which then stops the
//! child in hook order (the [`process`] docs explain when not to).
//!
//! ```no_run
//! use std::process::Command;
//! use std::time::Duration;
//! use graceful_exit::process;
//!
//! #[graceful_exit::graceful_main]
//! fn main() -> std::io::Result<()> {
//!     let mut command = Command::new("sleep");
//!     command.arg("600");
//!     process::own_process_group(&mut command);
//!     let child = process::stop_on_shutdown(command.spawn()?, "sleep", 0, Duration::from_secs(2));
//!     child.wait()?;
//!     Ok(())
//! }
//! ```
//!
//! # Optional features
//!
//! | feature | what it does |
//! |---|---|
//! | `signal-hook` (default) | the Unix signal backend (see Backends) |
//! | `ctrlc` | the `ctrlc` backend |
//! | `log` | reports go through the [`log`](https://docs.rs/log) crate |
//! | `tracing` | reports go through [`tracing`](https://docs.rs/tracing) |
//! | `systemd` | `STOPPING=1` to systemd when shutdown starts; [`notify_ready`] sends `READY=1` |
//!
//! **`log` and `tracing`.** Once the program has installed a logger (so
//! `log::max_level()` is not `Off`) or a `tracing` subscriber, every report
//! goes there instead of stderr, with target `graceful_exit`: problems at
//! error level, the container advice at warn, progress at debug. The
//! logger's or subscriber's filter then decides what is shown
//! (`RUST_LOG=graceful_exit=debug` with `env_logger` or `tracing-subscriber`
//! shows the progress lines); `GRACEFUL_EXIT_LOG` only applies to stderr,
//! and `GRACEFUL_EXIT_QUIET=1` still silences the advice. Until a logger or
//! subscriber is installed, and if none ever is, reports stay on stderr, so
//! a problem is never lost. Each report goes to one place only: `tracing`
//! if both features are on and a subscriber is set, else `log`, else stderr.
//!
//! **`systemd`.** For a `Type=notify` service: the start of shutdown sends
//! `STOPPING=1` to `$NOTIFY_SOCKET` (`systemctl status` shows the service
//! deactivating while the hooks run), and the program calls [`notify_ready`]
//! once it is ready to serve. Without `NOTIFY_SOCKET`, or without the
//! feature, both do nothing, so the call can stay in the code everywhere.
//! Keep the deadline below the unit's `TimeoutStopSec=` (default 90 s), so
//! the hooks finish before systemd sends `SIGKILL`:
//!
//! ```ini
//! [Service]
//! Type=notify
//! ExecStart=/usr/local/bin/my-service
//! KillSignal=SIGTERM
//! TimeoutStopSec=15
//! Environment=GRACEFUL_EXIT_DEADLINE=10s
//! ```
//!
//! # Caveats
//!
//! - With `panic = "abort"`, a panic in `main` or a hook aborts the process;
//!   hooks cannot run.
//! - Hooks are collected at link time with [`linkme`](https://docs.rs/linkme):
//!   no code runs before `main`, and nothing is registered at startup. A
//!   library's hooks run when the binary links that library, i.e. uses any
//!   item from it (`use mylib as _;` is enough).
//! - [`exit`] called while shutdown is already under way does not start a
//!   second one: the calling thread waits for the first to end the process.
//!   Called from inside a hook, it ends that hook (reported) and the
//!   remaining hooks still run.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use graceful_exit_macros::{graceful_main, on_reload, on_shutdown};
pub use graceful_exit_runtime::{
    exit, guard, is_shutting_down, notify_ready, on_shutdown_fn, process, reloads, request_exit,
    request_reload, request_shutdown, sleep, testing, wait, wait_async, BrokenPipe, Config, Guard,
    GuardLock, Hook, HookHandle, HookResult, InstallError, ShutdownReason, Signal, DEADLINE_ENV,
    DEFAULT_DEADLINE, LOG_ENV, QUIET_ENV,
};
#[cfg(unix)]
pub use graceful_exit_runtime::{shutdown_fd, try_shutdown_fd};

/// Items the macro expansions use. Not public API: no stability guarantees.
#[doc(hidden)]
pub mod __private {
    pub use graceful_exit_runtime::__private::*;
}
