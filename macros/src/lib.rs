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
mod valid;

use proc_macro::TokenStream;

/// Registers a function to run at shutdown. See the `graceful-exit` crate.
#[proc_macro_attribute]
pub fn on_shutdown(args: TokenStream, input: TokenStream) -> TokenStream {
    hook::expand(&hook::SHUTDOWN, args.into(), input.into()).into()
}

/// Registers a function to run at every reload. See the `graceful-exit` crate.
#[proc_macro_attribute]
pub fn on_reload(args: TokenStream, input: TokenStream) -> TokenStream {
    hook::expand(&hook::RELOAD, args.into(), input.into()).into()
}

/// Runs `main` under the shutdown runtime. See the `graceful-exit` crate.
#[proc_macro_attribute]
pub fn graceful_main(args: TokenStream, input: TokenStream) -> TokenStream {
    main_fn::expand(args.into(), input.into()).into()
}
