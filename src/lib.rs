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
//! use std::time::Duration;
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
//!     let mut done = 0;
//!     // `sleep` returns `false` the moment a signal starts the shutdown.
//!     while graceful_exit::sleep(Duration::from_secs(1)) {
//!         done += 1; // one unit of work
//!     }
//!     // `main` may finish its work here: the hooks wait for it to return.
//!     println!("stopped after {done} units");
//! }
//! ```
//!
//! # What happens
//!
//! 1. **Signals.** The handler only records the signal (atomics) and wakes
//!    the runtime's watcher thread through a self-pipe; all real work
//!    happens on ordinary threads. A signal that was *ignored* when the
//!    process started (SIGHUP under `nohup`, SIGINT for `cmd &` in a script)
//!    stays ignored. Signals left out of `signals` keep their default action.
//! 2. **`main` finishes its work first, if it cooperates.** A program
//!    *cooperates* once any of its threads has called [`is_shutting_down`],
//!    [`wait`], [`sleep`], [`shutdown_fd`] or [`wait_async`] before the
//!    shutdown started, or asked for it with [`request_shutdown`] or
//!    [`request_exit`]. Then a signal or a request makes the hooks wait for
//!    `main` to return, up to half the deadline (4 s by default), so the
//!    work `main` holds (its locals, its joined workers) is finished, not
//!    cut; `main` then runs the hooks itself as it returns. A program that
//!    never looked gets its hooks at once while `main` runs on. When the
//!    wait runs out, one error line says so (`main did not return within
//!    4s…`) and the hooks start. `wait_for_main = "3s"` sets the wait for
//!    every program; `"0"` runs the hooks at once.
//! 3. **Hooks run exactly once**, in ascending `order`; ties are broken by
//!    module path, then line, so the order never depends on link order.
//!    They run when shutdown starts for any reason: a signal, `main`
//!    returning (`Ok` or `Err`), `main` panicking, [`exit`], or a request.
//! 4. **Which thread runs them.** After a signal, the watcher thread (or
//!    `main`, see 2); when `main` returns or calls [`exit`], `main`; after
//!    [`request_shutdown`], [`request_exit`] or [`exit`] from another
//!    thread, the runtime's thread, never the caller's, so a hook may join
//!    worker threads. The recommended pattern for a worker that decides the
//!    program must stop: `request_exit(code)` (or `request_shutdown()`) and
//!    return; `main` notices, joins its workers and returns; then the hooks
//!    run.
//! 5. **Isolation.** A hook that panics or returns `Err` is reported on
//!    stderr with its name, and the rest still run. A hook that outlives its
//!    `timeout` is reported and abandoned (its thread is left behind); the
//!    rest run on a fresh thread. A hook that calls [`exit`] ends there,
//!    reported, and the rest still run (with `panic = "abort"` too).
//! 6. **Deadline.** From the moment shutdown starts, the whole sequence must
//!    finish within the deadline (default 8 s, under Docker's 10 s and
//!    Kubernetes' 30 s). When it passes, the process exits at once (within
//!    about 20 ms), naming the hook that was running, with the status the
//!    shutdown was heading for. `GRACEFUL_EXIT_DEADLINE=30s` overrides it.
//! 7. **Second signal.** The second terminating signal the program receives
//!    during a shutdown exits at once with that signal's status, as someone
//!    pressing Ctrl-C twice expects. Signals within 100 ms of the first
//!    count as the same burst, so a `kill` loop or a repeating key does not
//!    cut the cleanup short; and a first signal that arrives while a
//!    shutdown started by `main` (return, `Err`, panic, `exit`) runs does not
//!    cut it short either. The first signal is the reason; signals that
//!    arrive together (pending at the same moment, which the kernel delivers
//!    lowest number first) count SIGTERM first and SIGHUP last, so
//!    systemd's `SendSIGHUP=yes` (`kill -TERM; kill -HUP`) reads as SIGTERM.
//! 8. **Nothing holds up the end.** The watchdog that enforces the deadline
//!    and the second signal never waits on a lock held across user code,
//!    never blocks on a pipe (its reports are dropped when stderr cannot
//!    take them at once) and never calls a logger. Reports go straight to
//!    file descriptor 2, never through std's stderr lock.
//!
//! Everything the runtime prints goes to stderr, one line per event,
//! prefixed `graceful-exit:`. Nothing is printed on success; problems (a hook
//! failed, panicked or timed out, the deadline, a second signal, a bad
//! environment value) always are. `GRACEFUL_EXIT_LOG=debug` adds progress
//! lines: the shutdown's start and reason, each hook with its duration, the
//! total time. `GRACEFUL_EXIT_QUIET=1` (or `true`, `yes`, `on`) silences
//! everything but problems.
//!
//! # The program without the macro
//!
//! `#[graceful_main(…)]` is sugar for [`Config`]: each key is a builder method
//! of the same name taking a typed value, and `main` becomes the closure
//! given to [`Config::run`]. These two programs behave identically:
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
//! [`Config::install`] installs the runtime and returns, for programs that
//! cannot hand `main` over; then hooks never wait for `main`, and a `main`
//! that returns on its own runs nothing (end it with [`exit`]).
//!
//! # Attributes
//!
//! [`#[on_shutdown(…)]`](on_shutdown) and [`#[on_reload(…)]`](on_reload),
//! all keys optional:
//!
//! | key | type | default | meaning |
//! |---|---|---|---|
//! | `order` | `i32` | `0` | ascending run order; negative allowed |
//! | `timeout` | duration | none | abandon the hook (reported) after this long |
//! | `name` | string | the fn name | the name used in reports |
//! | `crate` | path | `::graceful_exit` | where graceful-exit is, for re-exporting crates |
//!
//! Accepted signatures for `#[on_shutdown]`: `fn()`, `fn() -> Result<(), E>`,
//! `fn(&ShutdownReason)`, `fn(&ShutdownReason) -> Result<(), E>`, with
//! `E: Display`; for `#[on_reload]`: `fn()` and `fn() -> Result<(), E>`. The
//! function stays callable as written.
//!
//! [`#[graceful_main(…)]`](graceful_main), on `fn main` only, all keys optional:
//!
//! | key | type | default | meaning |
//! |---|---|---|---|
//! | `signals` | `[SIGINT, …]` | `[SIGINT, SIGTERM, SIGHUP]` | signals that start shutdown: `SIGINT`, `SIGTERM`, `SIGHUP`, `SIGQUIT`, `SIGUSR1`, `SIGUSR2` (the `SIG` prefix is optional) |
//! | `reload` | `[SIGHUP, …]` | `[SIGHUP]` once there is a reload hook | signals that run the reload hooks instead; `[]` for none |
//! | `exit_code` | `0..=255` | die by the signal | fixed exit code after a signal or [`request_shutdown`] |
//! | `deadline` | duration | `"8s"` | hard limit for the whole shutdown; env `GRACEFUL_EXIT_DEADLINE` overrides |
//! | `wait_for_main` | duration | half the deadline if `main` cooperates, else `"0"` | how long the hooks wait for `main` to return; `"0"` and `"none"` both mean no wait |
//! | `broken_pipe` | `"exit"` / `"panic"` | `"panic"` | `"exit"`: a write to a closed stdout ends the program quietly after its hooks, by SIGPIPE |
//! | `reap_zombies` | `bool` | `false` | as PID 1, reap orphaned children |
//! | `crate` | path | `::graceful_exit` | where graceful-exit is |
//!
//! Durations are strings, one grammar for the attributes and the
//! environment: `"250ms"`, `"2s"`, `"1m"`, `"1.5s"`, `"500us"`, `"1m30s"`,
//! `"1h"` (units `h`, `m`, `s`, `ms`, `us`, largest first, each at most once);
//! `"0"` or `"none"` means no limit. `main` may return `()`,
//! `Result<(), E: Debug>` or any [`Termination`](std::process::Termination)
//! type such as `ExitCode`. Every misuse of the attributes is a compile error
//! spanned on the offending token, saying what is accepted.
//!
//! Hooks need the runtime: `#[graceful_main]`, [`Config::run`] or
//! [`Config::install`]. Without it a signal kills the program without
//! running them; when hooks do run without the runtime (through [`exit`]),
//! a line on stderr says so.
//!
//! # Hooks at run time, and hooks that own state
//!
//! [`Hook`] registers a closure with every option of the attribute, a name
//! that may be a `String`, and a [`HookHandle`] to [`cancel`](HookHandle::cancel)
//! it. [`guard`] hands a value to a hook that finishes it at shutdown, while
//! `main` keeps using it through [`Guard::lock`]: the hook waits for a record
//! in progress, and the value is finished exactly once: by the hook's
//! closure, or by the value's own `Drop` if the guard is dropped first.
//! **Which one runs:** in a program that cooperates, `main` usually returns
//! before the hooks run, dropping the guard, so the value's `Drop` finishes
//! it (a `BufWriter` flushes, ignoring errors); the closure runs when `main`
//! is still running at shutdown (it never looked, or the wait for it ran
//! out). Put what must always happen in the value's `Drop`, or finish the
//! value yourself before `main` returns. No `static` needed:
//!
//! ```no_run
//! use std::io::{BufWriter, Write};
//! use std::time::Duration;
//! use graceful_exit::Hook;
//!
//! #[graceful_exit::graceful_main]
//! fn main() -> std::io::Result<()> {
//!     let file = BufWriter::new(std::fs::File::create("records.txt")?);
//!     let out = graceful_exit::guard("flush records", file, |mut out| out.flush());
//!     let _gauge = Hook::new(format!("report {}", std::process::id()))
//!         .order(10)
//!         .timeout(Duration::from_secs(1))
//!         .register(|reason| -> Result<(), String> {
//!             eprintln!("stopped: {reason}");
//!             Ok(())
//!         });
//!     for n in 0.. {
//!         if graceful_exit::is_shutting_down() {
//!             break;
//!         }
//!         writeln!(out.lock(), "record {n}")?;
//!     }
//!     Ok(())
//! }
//! ```
//!
//! [`on_shutdown_fn`] is the shorthand for a closure at an order.
//!
//! # Waking every kind of loop
//!
//! | the loop blocks in | wake it with |
//! |---|---|
//! | a `sleep` between items | [`sleep`] (returns `false` at once) |
//! | nothing, it checks between items | [`is_shutting_down`] |
//! | a thread that has nothing else to do | [`wait`] |
//! | `poll`/`select`/`epoll`/mio on sockets | [`shutdown_fd`]: readable once shutdown starts (Unix, close-on-exec) |
//! | an async executor run from a sync `main` | [`wait_async`]: a plain future, any executor |
//! | a channel `recv` in worker threads | `main` drops the sender when it stops: every `recv` returns `Err` |
//!
//! The repository's `examples/` show each: `worker` (a pool woken by closing
//! its channel), `poll_server` (mio on `shutdown_fd`), `async_tokio` (tokio in
//! a sync `main`), `flush` (a guard).
//!
//! # Reload
//!
//! Sync daemons reload on SIGHUP: re-read configuration, reopen log files
//! (logrotate). Mark functions `#[on_reload]`: once the program has a reload
//! hook, SIGHUP runs the reload hooks (in order, isolated and reported like
//! shutdown hooks, on the runtime's thread) and the program goes on;
//! `reload = [SIGUSR1]` chooses other signals. A reload signal arriving
//! during a reload runs one more after it (a storm gives a few reloads);
//! during a shutdown it is ignored. A shutdown signal during a reload stops
//! it after the running hook, which gets its own timeout or half the
//! deadline at most. [`request_reload`] does the same from code; [`reloads`]
//! counts completed reloads. With the `systemd` feature a reload sends
//! `RELOADING=1` (with `MONOTONIC_USEC=`) and then `READY=1`
//! (`Type=notify-reload`). Under `nohup`, SIGHUP was ignored at start and
//! stays ignored, reload hooks or not. Reload signals never start a
//! shutdown. See `examples/daemon.rs` and `docs/systemd.md`.
//!
//! # Exit status
//!
//! | how shutdown started | status |
//! |---|---|
//! | signal `n` | killed by `n` (a shell shows 128 + n: 130, 143); `128 + n` when that is impossible (PID 1, Windows); `exit_code` if set |
//! | second signal `m` during shutdown | as for a signal, with `m` |
//! | deadline passed | the status the shutdown was heading for |
//! | `main` returned `()` / `Ok` | 0 |
//! | `main` returned `Err(e)` | 1, after printing `Error: {e:?}` as std does |
//! | `main` returned an `ExitCode` | that code |
//! | `main` panicked (or `main`'s `Err` has a panicking `Debug`) | 101 |
//! | [`exit(code)`](exit) | `code` |
//! | [`request_shutdown`] | 0 (or `exit_code` if set), unless `main` then fails (`Err`, panic, non-zero `ExitCode`): `main`'s status |
//! | [`request_exit(code)`](request_exit) | `code`; with 0, a failure of `main` wins |
//! | signal, then `main` returns `Err` | the signal's status; the error is still printed |
//! | `broken_pipe = "exit"` and stdout closed | killed by SIGPIPE (141 in a shell) |
//!
//! Buffered stdout is flushed before the process ends: the exit takes
//! stdout's lock under the watchdog's eye. If another thread holds that lock
//! (a logging thread, a filter with `stdout().lock()`), the process ends
//! 50 ms later without the flush, as std's own exit, which only *tries* the
//! lock, would; a flush blocked on a pipe nobody reads is bounded by the
//! deadline and a second signal. When the deadline passes or a second signal
//! comes, stdout gets one last 50 ms to flush on another thread; then the
//! process ends by `_exit` or the signal's default action.
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
//! PID 1 process also reaps orphaned children, during a shutdown too.
//! **Caveat:** the reaper may collect the status of a child you spawned
//! yourself before your `Child::wait` does, which then fails with `ECHILD`.
//! If you both spawn children and run as PID 1, prefer an init
//! (`docker run --init`, `tini`) over `reap_zombies`.
//!
//! # CLIs: broken pipes
//!
//! `mycli | head -1` makes `println!` panic ("failed printing to stdout:
//! Broken pipe", status 101). With `#[graceful_main(broken_pipe = "exit")]`
//! (or [`Config::broken_pipe`]) that panic is recognised: no message, the
//! hooks run (reason `SIGPIPE`), and the process dies by SIGPIPE as a C tool
//! would, from `main` or any thread; the output before the break is intact.
//! Code that handles `ErrorKind::BrokenPipe` itself never panics and is not
//! affected. The default stays Rust's. In this mode a hook that prints to
//! stdout meets the same closed pipe: its `println!` panics quietly (shown
//! only with `GRACEFUL_EXIT_LOG=debug`) and the rest of that hook is
//! skipped, so hooks of a CLI should report on stderr.
//!
//! # Testing your shutdown
//!
//! [`testing::run_hooks`] runs the program's hooks in a unit test, in order,
//! isolated, with their timeouts, without starting a shutdown or exiting,
//! and returns a [`testing::Report`]. With the feature `harness`,
//! `testing::Program` starts the program's own binary, waits for a line,
//! sends a signal and asserts on the hooks, output and exit status, every
//! wait bounded. `docs/testing.md` shows both.
//!
//! # Backends and platforms
//!
//! The runtime gets signals from one of two backends, chosen at compile
//! time; nothing else in it knows which.
//!
//! | | `signal-hook` (Unix default) | `ctrlc` (feature `ctrlc`; always on Windows) |
//! |---|---|---|
//! | select with | default features | `default-features = false, features = ["ctrlc"]` (wins if both are on) |
//! | signals | any of `SIGINT SIGTERM SIGHUP SIGQUIT SIGUSR1 SIGUSR2` | Unix: `SIGINT SIGTERM SIGHUP` (others are reported and keep their default action). Windows: Ctrl-C and Ctrl-Break are `SIGINT`; console close, logoff and system shutdown are `SIGTERM` (taken when `SIGTERM` or `SIGHUP` is in `signals`) |
//! | which signal arrived | exact | exact (a shim records the number before ctrlc's handler runs; Windows: by event) |
//! | exit status after a signal | killed by it | Unix: killed by it; Windows: `128 + n` (130 for Ctrl-C, 143 for close) |
//! | console close, logoff, shutdown | — | the handler blocks until the hooks have run; Windows waits about 5 s (20 s for services at shutdown): keep the deadline below it (`docs/windows.md`) |
//! | `reap_zombies` | yes | no (reported once) |
//! | your own `signal-hook` handlers | keep working (signal-hook chains them) | keep working if registered after `graceful_main` starts |
//! | your own `ctrlc::set_handler` | replaces ours for SIGINT/SIGTERM/SIGHUP: don't | fails with `MultipleHandlers`: ctrlc allows one handler per process |
//!
//! Proven where: Linux runs the whole real-signal suite on both backends;
//! Windows builds (`x86_64-pc-windows-gnu`) run under Wine in CI for Ctrl-C
//! (hook order, every exit path, deadline, hook timeout, second Ctrl-C,
//! cooperative `main`, flush) and for close/logoff/shutdown/Ctrl-Break
//! delivered the way Windows does; macOS and Windows MSVC are type-checked.
//! `docs/windows.md` has the table.
//!
//! # Child processes
//!
//! A program that spawns children stops them with its own shutdown through
//! [`process`]: [`process::stop_on_shutdown`] takes the [`Child`](std::process::Child)
//! and registers a hook that sends `SIGTERM`, gives the child a grace period
//! to exit, then sends `SIGKILL`, and reaps it so no zombie remains. A child
//! handed over while the shutdown starts is stopped at once.
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
//! | `systemd` | `STOPPING=1` when shutdown starts, `RELOADING=1`/`READY=1` around reloads; [`notify_ready`] sends `READY=1` |
//! | `harness` | `testing::Program`, for real-signal tests of your own binary |
//!
//! **`log` and `tracing`.** Once the program has installed a logger (so
//! `log::max_level()` is not `Off`) or a `tracing` subscriber, reports go
//! there instead of stderr, with target `graceful_exit`: problems at error
//! level, the container advice at warn, progress at debug; the logger's
//! filter decides what is shown. A problem the logger filters out, or that
//! makes it panic, still goes to stderr: it is never lost. The watchdog
//! never calls a logger: its reports (deadline, second signal, abandoned
//! hook) always go to stderr.
//!
//! **`systemd`.** For a `Type=notify` (or `Type=notify-reload`) service: the
//! start of shutdown sends `STOPPING=1` to `$NOTIFY_SOCKET`, reloads send
//! `RELOADING=1` and `READY=1`, and the program calls [`notify_ready`] once
//! it is ready to serve. Without `NOTIFY_SOCKET`, or without the feature,
//! these do nothing, so the call can stay in the code everywhere. Keep the
//! deadline below the unit's `TimeoutStopSec=` (default 90 s).
//! `docs/systemd.md` has unit files.
//!
//! # Caveats
//!
//! - Declared hooks are registered before `main` by a constructor each
//!   ([`inventory`](https://docs.rs/inventory)): one atomic operation per
//!   hook, no allocation. A library's hooks run when the binary links that
//!   library, i.e. uses any item from it (`use mylib as _;` is enough).
//! - With `panic = "abort"`, a panic in `main` or a hook aborts the process;
//!   hooks cannot run. (A hook calling [`exit`] is fine: it ends that hook.)
//! - [`exit`] called while shutdown is already under way does not start a
//!   second one: the calling thread waits for the first to end the process.
//! - [`exit`] while holding [`Guard::lock`] on the main thread: the guard's
//!   hook reports the lock and leaves the value unfinished. Drop the lock
//!   first.
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
