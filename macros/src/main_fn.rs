//! `#[graceful_main]`: keep the user's `main` as an inner function and run it
//! through `graceful_exit::Config`, built from the attribute's keys.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{quote, ToTokens};
use syn::spanned::Spanned;
use syn::{ItemFn, Path, ReturnType};

use crate::args::{self, Errors, Millis, Options};

const KEYS: &[&str] = &[
    "signals",
    "exit_code",
    "deadline",
    "wait_for_main",
    "reap_zombies",
    "crate",
];

#[derive(Default)]
struct MainArgs {
    signals: Option<Vec<Ident>>,
    exit_code: Option<u8>,
    deadline: Option<Millis>,
    wait_for_main: Option<Millis>,
    reap_zombies: Option<bool>,
    krate: Option<Path>,
}

pub(crate) fn expand(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let mut main = MainArgs::default();
    Options::new("graceful_main", KEYS, &mut errors).parse(args, |errors, key, meta| {
        match key {
            "signals" => main.signals = Some(args::signals(meta, errors)?),
            "exit_code" => main.exit_code = Some(args::exit_code(meta)?),
            "deadline" => main.deadline = Some(args::duration(meta, "deadline")?.0),
            "wait_for_main" => main.wait_for_main = Some(args::duration(meta, "wait_for_main")?.0),
            "reap_zombies" => main.reap_zombies = Some(args::boolean(meta, "reap_zombies")?),
            _ => main.krate = Some(args::crate_path(meta)?),
        }
        Ok(())
    });
    let func = args::parse_fn(&input, &mut errors, |kind| {
        format!("`#[graceful_main]` goes on the program's `fn main()`, not on {kind}")
    });
    let signature_ok = func.as_ref().map(|func| check_signature(func, &mut errors));
    match (errors.finish(), func) {
        (Ok(()), Some(func)) => generate(&main, func),
        // A `main` rustc itself would reject (async, parameters, …) moves
        // into a plain `fn main()`, so the user sees our error and not a
        // second one from rustc about the same thing.
        (Err(error), Some(func)) if func.sig.ident == "main" && signature_ok == Some(false) => {
            let mut inner = func;
            let attrs = std::mem::take(&mut inner.attrs);
            let vis = std::mem::replace(&mut inner.vis, syn::Visibility::Inherited);
            let errors = error.to_compile_error();
            quote! {
                #(#attrs)*
                #vis fn main() {
                    #[allow(dead_code)]
                    #inner
                }
                #errors
            }
        }
        (Err(error), _) => args::with_errors(&input, &error),
        (Ok(()), None) => input,
    }
}

/// Reports every part of the signature `#[graceful_main]` cannot take.
/// Returns whether the signature itself (not the name) is acceptable.
fn check_signature(func: &ItemFn, errors: &mut Errors) -> bool {
    let sig = &func.sig;
    if sig.ident != "main" {
        errors.push_spanned(
            &sig.ident,
            format!(
                "`#[graceful_main]` goes on `fn main`, not `fn {0}`; to run `{0}` this way, call `graceful_exit::Config::new().run({0})` from `main`",
                sig.ident
            ),
        );
    }
    let mut problems = Errors::default();
    args::reject_qualifiers(
        sig,
        &mut problems,
        &args::Rejections {
            const_fn: "`#[graceful_main]` cannot go on a `const fn main`; remove `const`",
            async_fn: "`#[graceful_main]` cannot go on an `async fn main`: it runs `main` on the main thread with no executor; write a sync `fn main` and block on your async runtime inside it",
            unsafe_fn: "`#[graceful_main]` cannot go on an `unsafe fn main`; remove `unsafe` and use an `unsafe` block inside",
            extern_fn: "`#[graceful_main]` cannot go on an `extern` `fn main`; remove the ABI",
            generic: "`#[graceful_main]` cannot go on a generic `fn main`; remove the `<...>` parameters",
            where_clause: "`#[graceful_main]` cannot go on a `fn main` with a `where` clause; remove it",
        },
    );
    if !sig.inputs.is_empty() || sig.variadic.is_some() {
        let message = "`fn main` takes no parameters under `#[graceful_main]`: write `fn main()` and read arguments with `std::env::args()`";
        if sig.inputs.is_empty() {
            problems.push_spanned(&sig.variadic, message);
        } else {
            problems.push_spanned(&sig.inputs, message);
        }
    }
    match problems.finish() {
        Ok(()) => true,
        Err(error) => {
            errors.push(error);
            false
        }
    }
}

fn millis(private: &TokenStream, millis: Millis) -> TokenStream {
    let millis = Literal::u64_unsuffixed(millis.unwrap_or(0));
    quote!(#private::Duration::from_millis(#millis))
}

fn generate(main: &MainArgs, func: ItemFn) -> TokenStream {
    let krate = main
        .krate
        .as_ref()
        .map_or_else(|| quote!(::graceful_exit), ToTokens::to_token_stream);
    let private = quote!(#krate::__private);

    let mut calls = TokenStream::new();
    if let Some(signals) = &main.signals {
        calls.extend(quote!(.signals(&[#(#private::Signal::#signals),*])));
    }
    if let Some(code) = main.exit_code {
        let code = Literal::u8_unsuffixed(code);
        calls.extend(quote!(.exit_code(#code)));
    }
    if let Some(deadline) = main.deadline {
        let value = millis(&private, deadline);
        calls.extend(quote!(.deadline(#value)));
    }
    if let Some(wait) = main.wait_for_main {
        let value = millis(&private, wait);
        calls.extend(quote!(.wait_for_main(#value)));
    }
    if let Some(reap) = main.reap_zombies {
        calls.extend(quote!(.reap_zombies(#reap)));
    }

    // The user's `main`, unchanged but for its outer attributes and
    // visibility, which move to the generated `main`.
    let mut inner = func;
    let attrs = std::mem::take(&mut inner.attrs);
    let vis = std::mem::replace(&mut inner.vis, syn::Visibility::Inherited);
    let sig = &inner.sig;
    let ident = &sig.ident;
    // Spanned on the return type: a `main` returning a non-`Termination`
    // type gets its error there.
    let output_span = match &sig.output {
        ReturnType::Type(_, ty) => ty.span(),
        ReturnType::Default => ident.span(),
    };
    let run = args::located_at(quote!(.run(#ident)), output_span);
    quote! {
        #(#attrs)*
        #vis fn #ident() {
            #inner
            #private::Config::new() #calls #run
        }
    }
}
