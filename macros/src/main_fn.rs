//! `#[graceful_main]`: keep the user's `main` as an inner function and run it
//! through `graceful_exit::Config`, built from the attribute's keys.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{ItemFn, Path, ReturnType, Safety};

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
    let func = match syn::parse2::<ItemFn>(input.clone()) {
        Ok(func) => {
            check_signature(&func, &mut errors);
            Some(func)
        }
        Err(error) => {
            errors.push(syn::Error::new(
                error.span(),
                "`#[graceful_main]` goes on the program's `fn main()`",
            ));
            None
        }
    };
    match (errors.finish(), func) {
        (Ok(()), Some(func)) => generate(&main, func),
        (Err(error), _) => args::with_errors(input, &error),
        (Ok(()), None) => input,
    }
}

fn check_signature(func: &ItemFn, errors: &mut Errors) {
    let sig = &func.sig;
    if sig.ident != "main" {
        errors.push_spanned(
            &sig.ident,
            format!(
                "`#[graceful_main]` goes on `fn main`, not `fn {}`; to run another function this way, call `graceful_exit::Config::new().run({})` from `main`",
                sig.ident, sig.ident
            ),
        );
    }
    if let Some(token) = &sig.asyncness {
        errors.push_spanned(
            token,
            "`#[graceful_main]` cannot go on an `async fn main`: it runs `main` on the main thread with no executor; write a sync `fn main` and block on your runtime inside it",
        );
    }
    if let Some(token) = &sig.constness {
        errors.push_spanned(
            token,
            "`main` cannot be a `const fn` under `#[graceful_main]`; remove `const`",
        );
    }
    if let Safety::Unsafe(token) = &sig.safety {
        errors.push_spanned(
            token,
            "`main` cannot be an `unsafe fn` under `#[graceful_main]`; remove `unsafe`",
        );
    }
    if let Some(abi) = &sig.abi {
        errors.push_spanned(
            abi,
            "`main` cannot be an `extern` function under `#[graceful_main]`; remove the ABI",
        );
    }
    if !sig.generics.params.is_empty() {
        errors.push_spanned(
            &sig.generics,
            "`main` cannot be generic; remove the `<...>` parameters",
        );
    }
    if let Some(clause) = &sig.generics.where_clause {
        errors.push_spanned(clause, "`main` cannot have a `where` clause; remove it");
    }
    if !sig.inputs.is_empty() || sig.variadic.is_some() {
        errors.push(syn::Error::new(
            sig.paren_token.span.join(),
            "`main` takes no parameters: write `fn main()` and read arguments with `std::env::args()`",
        ));
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
    let run = quote_spanned!(output_span=> .run(#ident));
    quote! {
        #(#attrs)*
        #vis fn #ident() {
            #inner
            #private::Config::new() #calls #run
        }
    }
}
