//! The `#[graceful_main]` and `#[on_shutdown]` attributes of
//! [`graceful-exit`](https://docs.rs/graceful-exit). Use them through that
//! crate; their expansions name only `::graceful_exit::__private` paths
//! (or `crate = path`).
//!
//! Layout, after thiserror: this file only dispatches; `args` parses
//! attribute keys, durations and signal names; `hook` and `main_fn` validate
//! and expand each attribute.
#![forbid(unsafe_code)]

mod args;
mod hook;
mod main_fn;

use proc_macro::TokenStream;

/// Registers a function to run at shutdown. See the `graceful-exit` crate.
#[proc_macro_attribute]
pub fn on_shutdown(args: TokenStream, input: TokenStream) -> TokenStream {
    hook::expand(args.into(), input.into()).into()
}

/// Runs `main` under the shutdown runtime. See the `graceful-exit` crate.
#[proc_macro_attribute]
pub fn graceful_main(args: TokenStream, input: TokenStream) -> TokenStream {
    main_fn::expand(args.into(), input.into()).into()
}
