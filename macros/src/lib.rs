//! The `#[graceful_main]`, `#[on_shutdown]` and `#[on_reload]` attributes of
//! [`graceful-exit`](https://docs.rs/graceful-exit). Use them through that
//! crate; their expansions name only `::graceful_exit::__private` paths
//! (or `crate = path`).
//!
//! Layout, after thiserror: this file only dispatches; `attr` parses the
//! attribute arguments (keys, durations, signal names), `valid` holds the
//! checks on the item both attributes share, `expand` the expansion helpers
//! they share, `errors` collects every mistake; `main_fn` and `hook` check
//! and expand each attribute.
#![forbid(unsafe_code)]

mod attr;
mod errors;
mod expand;
mod hook;
mod main_fn;
#[cfg(test)]
mod tests;
mod valid;

use proc_macro::TokenStream;

/// Runs a function once when the program shuts down: on a signal, when
/// `main` returns or panics, on `graceful_exit::exit` or `request_shutdown`.
///
/// ```
/// use graceful_exit::{graceful_main, on_shutdown, ShutdownReason};
///
/// #[on_shutdown] // order 0
/// fn flush_logs() {}
///
/// #[on_shutdown(order = 10, timeout = "2s")] // an `Err` is reported by name
/// fn close_db() -> Result<(), std::io::Error> {
///     Ok(())
/// }
///
/// #[on_shutdown(order = 20, name = "report")]
/// fn report(reason: &ShutdownReason) {
///     eprintln!("stopping: {reason}");
/// }
///
/// #[graceful_main]
/// fn main() {}
/// ```
///
/// Hooks run only under the runtime: `#[graceful_main]`, `Config::run` or
/// `Config::install`. Without one, a signal kills the program without
/// running hooks.
///
/// **Signatures** (`E: Display`; an `Err` is reported with the hook's name):
/// `fn()`, `fn() -> Result<(), E>`, `fn(&ShutdownReason)`,
/// `fn(&ShutdownReason) -> Result<(), E>`. Anything else (`async`, `const`,
/// `unsafe`, `extern`, generics, `self`, other parameters or return types, an
/// item that is not a `fn`) is a compile error saying what is accepted.
///
/// **Keys**, all optional:
///
/// | key | value | default |
/// |---|---|---|
/// | `order` | `i32`: hooks run in ascending order | `0` |
/// | `timeout` | duration: the hook is reported and abandoned after this long | no limit |
/// | `name` | string: the name in reports | the function's name |
/// | `crate` | path to graceful-exit, for re-exporting crates | `::graceful_exit` |
///
/// A duration is a string of `<number><unit>` parts, largest unit first:
/// `"250ms"`, `"2s"`, `"1.5s"`, `"1m30s"`, `"500us"` (units `h`, `m`, `s`,
/// `ms`, `us`); `"0"` or `"none"` means no limit.
///
/// The function stays callable as written; the attribute adds a
/// registration next to it, and `#[allow(clippy::trivially_copy_pass_by_ref)]`
/// on a hook that takes the reason (a signature the runtime fixes).
#[proc_macro_attribute]
pub fn on_shutdown(args: TokenStream, input: TokenStream) -> TokenStream {
    hook::expand(&hook::SHUTDOWN, args.into(), input.into()).into()
}

/// Runs a function at every reload: a reload signal (`SIGHUP` by default,
/// or those in `#[graceful_main(reload = [..])]`) or
/// `graceful_exit::request_reload()`. The program goes on afterwards.
///
/// ```
/// use std::sync::RwLock;
/// use graceful_exit::{graceful_main, on_reload};
///
/// static GREETING: RwLock<String> = RwLock::new(String::new());
///
/// #[on_reload(timeout = "2s")] // an `Err` is reported; the program goes on
/// fn reread_greeting() -> std::io::Result<()> {
///     let greeting = std::fs::read_to_string("greeting.txt")?;
///     *GREETING.write().unwrap() = greeting;
///     Ok(())
/// }
///
/// #[graceful_main(reload = [SIGHUP, SIGUSR1])]
/// fn main() {
///     // `kill -HUP <pid>` or `kill -USR1 <pid>` runs `reread_greeting`.
///     println!("{}", GREETING.read().unwrap());
/// }
/// ```
///
/// Hooks run only under the runtime: `#[graceful_main]`, `Config::run` or
/// `Config::install`. Without one, a signal kills the program without
/// running hooks.
///
/// When a program has a reload hook, `SIGHUP` reloads instead of stopping
/// it (unless `reload = [..]` names other signals). Reload hooks run in
/// order, each isolated and reported like a shutdown hook; a reload signal
/// that arrives during a reload runs one more reload after it.
///
/// **Signatures** (`E: Display`): `fn()` and `fn() -> Result<(), E>`. A
/// reload hook takes no `&ShutdownReason`. Anything else (`async`, `const`,
/// `unsafe`, `extern`, generics, `self`, parameters, other return types, an
/// item that is not a `fn`) is a compile error saying what is accepted.
///
/// **Keys**, all optional, as for `#[on_shutdown]`:
///
/// | key | value | default |
/// |---|---|---|
/// | `order` | `i32`: hooks run in ascending order | `0` |
/// | `timeout` | duration: the hook is reported and abandoned after this long | no limit |
/// | `name` | string: the name in reports | the function's name |
/// | `crate` | path to graceful-exit, for re-exporting crates | `::graceful_exit` |
///
/// A duration is a string of `<number><unit>` parts, largest unit first:
/// `"250ms"`, `"2s"`, `"1.5s"`, `"1m30s"`, `"500us"` (units `h`, `m`, `s`,
/// `ms`, `us`); `"0"` or `"none"` means no limit.
///
/// The function stays callable as written; the attribute adds a
/// registration next to it.
#[proc_macro_attribute]
pub fn on_reload(args: TokenStream, input: TokenStream) -> TokenStream {
    hook::expand(&hook::RELOAD, args.into(), input.into()).into()
}

/// Runs `main` under the shutdown runtime: SIGINT, SIGTERM and SIGHUP start
/// a shutdown that runs the `#[on_shutdown]` hooks within a deadline, then
/// ends the process with the status a shell expects.
///
/// ```
/// use graceful_exit::graceful_main;
///
/// #[graceful_main(signals = [SIGINT, SIGTERM], deadline = "5s", broken_pipe = "exit")]
/// fn main() -> Result<(), std::io::Error> {
///     use std::io::Write;
///     // A signal from here on runs the hooks; so does returning.
///     writeln!(std::io::stdout(), "working")
/// }
/// ```
///
/// This is the runtime that `#[on_shutdown]` and `#[on_reload]` hooks need
/// (`Config::run` and `Config::install` are the others). Without one, a
/// signal kills the program without running hooks.
///
/// **Signature:** `fn main()`, with no parameters, not `async`, `const`,
/// `unsafe`, `extern` or generic, returning `()`, `Result<(), E: Debug>` or
/// any `Termination` type such as `ExitCode`; it behaves as it would without
/// the attribute. Another function name, or another item, is a compile
/// error.
///
/// **Keys**, all optional; each is the `graceful_exit::Config` builder method
/// of the same name, then `.run(main)`:
///
/// | key | value | default |
/// |---|---|---|
/// | `signals` | signals that start a shutdown, e.g. `[SIGINT, SIGTERM]` | `[SIGINT, SIGTERM, SIGHUP]` |
/// | `exit_code` | `0..=255`: exit with this code after a signal | die by the signal |
/// | `deadline` | duration: hard limit for the whole shutdown | `"8s"` |
/// | `wait_for_main` | duration: let `main` return before the hooks, up to this long | half the deadline if `main` cooperates, else `"0"` |
/// | `reap_zombies` | `true`/`false`: as PID 1, reap orphaned children | `false` |
/// | `broken_pipe` | `"exit"`: a write to a closed stdout ends the program quietly (after the hooks, by `SIGPIPE`, as C tools do); `"panic"`: Rust's default | `"panic"` |
/// | `reload` | signals that run the `#[on_reload]` hooks instead of stopping; `[]` for none | `[SIGHUP]` once the program has a reload hook |
/// | `crate` | path to graceful-exit, for re-exporting crates | `::graceful_exit` |
///
/// Signal names are upper case, with or without the `SIG` prefix: `SIGINT`,
/// `SIGTERM`, `SIGHUP`, `SIGQUIT`, `SIGUSR1`, `SIGUSR2`. A signal cannot be
/// in both `signals` and `reload`.
///
/// A duration is a string of `<number><unit>` parts, largest unit first:
/// `"250ms"`, `"2s"`, `"1.5s"`, `"1m30s"`, `"500us"` (units `h`, `m`, `s`,
/// `ms`, `us`); `"0"` or `"none"` means no limit (for `wait_for_main`: the
/// hooks start at once). `GRACEFUL_EXIT_DEADLINE` overrides `deadline` at
/// run time, with the same grammar.
#[proc_macro_attribute]
pub fn graceful_main(args: TokenStream, input: TokenStream) -> TokenStream {
    main_fn::expand(args.into(), input.into()).into()
}
