//! `#[graceful_main]`: keep the user's `main` as an inner function and run it
//! through `graceful_exit::Config`, built from the attribute's keys.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{ItemFn, Path, ReturnType};

use crate::attr::{self, Attribute, Nanos, SignalList};
use crate::errors::Errors;
use crate::expand;
use crate::valid::{self, Qualifier};

pub(crate) const ATTRIBUTE: Attribute = Attribute {
    name: "graceful_main",
    keys: &[
        ("signals", "signals = [SIGINT, SIGTERM]"),
        ("exit_code", "exit_code = 0"),
        ("deadline", "deadline = \"8s\""),
        ("wait_for_main", "wait_for_main = \"3s\""),
        ("reap_zombies", "reap_zombies = true"),
        ("broken_pipe", "broken_pipe = \"exit\""),
        ("reload", "reload = [SIGHUP, SIGUSR1]"),
        ("crate", "crate = ::graceful_exit"),
    ],
};

/// The values `broken_pipe` takes: the `BrokenPipe` variant of each, and
/// what it does.
const BROKEN_PIPE: &[(&str, &str, &str)] = &[
    (
        "exit",
        "Exit",
        "a write to a closed stdout ends the program quietly after the hooks, as C tools do",
    ),
    ("panic", "Panic", "Rust's default: `println!` panics"),
];

/// The keys as the user wrote them; each becomes one builder call.
#[derive(Default)]
struct MainArgs {
    signals: Option<SignalList>,
    exit_code: Option<u8>,
    deadline: Option<Nanos>,
    wait_for_main: Option<Nanos>,
    reap_zombies: Option<bool>,
    broken_pipe: Option<&'static str>,
    reload: Option<SignalList>,
    krate: Option<Path>,
}

pub(crate) fn expand(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let mut main = MainArgs::default();
    ATTRIBUTE.parse(args, &mut errors, |errors, key, meta| {
        match key {
            "signals" => {
                let signals = attr::signals(meta, key, "[SIGINT, SIGTERM]", errors)?;
                if signals.empty {
                    return Err(syn::Error::new(
                        signals.span,
                        "`signals` must name at least one signal, e.g. `signals = [SIGINT, SIGTERM]`; leave `signals` out for the default set",
                    ));
                }
                in_both(main.reload.as_ref(), &signals, errors);
                main.signals = Some(signals);
            }
            "exit_code" => main.exit_code = Some(attr::exit_code(meta)?),
            "deadline" => main.deadline = Some(attr::duration(meta, key)?),
            "wait_for_main" => main.wait_for_main = Some(attr::duration(meta, key)?),
            "reap_zombies" => main.reap_zombies = Some(attr::boolean(meta, key)?),
            "broken_pipe" => main.broken_pipe = Some(attr::choice(meta, key, BROKEN_PIPE)?),
            "reload" => {
                let reload = attr::signals(meta, key, "[SIGHUP, SIGUSR1]", errors)?;
                in_both(main.signals.as_ref(), &reload, errors);
                main.reload = Some(reload);
            }
            "crate" => main.krate = Some(attr::crate_path(meta)?),
            _ => return Err(ATTRIBUTE.unknown(meta)),
        }
        Ok(())
    });
    let func = valid::parse_fn(&input, &mut errors, |kind| {
        format!("`#[graceful_main]` goes on the program's `fn main()`, not on {kind}")
    });
    let signature_ok = func.as_ref().map(|func| check_signature(func, &mut errors));
    match (errors.finish(), func) {
        (Ok(()), Some(func)) => generate(&main, func),
        // A `main` rustc itself would reject (async, parameters, …) moves
        // into a plain `fn main()`, so the user sees our error and not a
        // second one from rustc about the same thing.
        (Err(error), Some(mut inner))
            if inner.sig.ident == "main" && signature_ok == Some(false) =>
        {
            let (attrs, vis) = expand::take_outer(&mut inner);
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
        (Err(error), _) => expand::with_errors(&input, &error),
        (Ok(()), None) => input,
    }
}

/// Reports each signal of `later` that `earlier` (the other list, given
/// first) names too, spanned where `later` names it.
fn in_both(earlier: Option<&SignalList>, later: &SignalList, errors: &mut Errors) {
    let Some(earlier) = earlier else { return };
    for signal in &later.constants {
        if earlier.constants.iter().any(|other| other == signal) {
            errors.push_spanned(
                signal,
                format!("`SIG{signal}` is in both `signals` and `reload`; a reload signal never stops the program: remove it from one"),
            );
        }
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
    valid::reject_qualifiers(sig, &mut problems, rejection);
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

/// Why `main` cannot have `qualifier`, and what to do instead.
fn rejection(qualifier: Qualifier) -> String {
    let problem = match qualifier {
        Qualifier::Const => "a `const fn main`; remove `const`",
        Qualifier::Async => "an `async fn main`: it runs `main` on the main thread with no executor; write a sync `fn main` and block on your async runtime inside it",
        Qualifier::Unsafe => "an `unsafe fn main`; remove `unsafe` and use an `unsafe` block inside",
        Qualifier::Extern => "an `extern` `fn main`; remove the ABI",
        Qualifier::Generics => "a generic `fn main`; remove the `<...>` parameters",
        Qualifier::Where => "a `fn main` with a `where` clause; remove it",
    };
    format!("`#[graceful_main]` cannot go on {problem}")
}

fn generate(main: &MainArgs, mut inner: ItemFn) -> TokenStream {
    let private = expand::private(main.krate.as_ref());
    let signals = |list: &SignalList| {
        let constants = &list.constants;
        quote!(&[#(#private::Signal::#constants),*])
    };

    let mut calls = TokenStream::new();
    if let Some(list) = &main.signals {
        let list = signals(list);
        calls.extend(quote!(.signals(#list)));
    }
    if let Some(code) = main.exit_code {
        let code = Literal::u8_unsuffixed(code);
        calls.extend(quote!(.exit_code(#code)));
    }
    if let Some(deadline) = main.deadline {
        let value = expand::duration(&private, deadline.unwrap_or(0));
        calls.extend(quote!(.deadline(#value)));
    }
    if let Some(wait) = main.wait_for_main {
        let value = expand::duration(&private, wait.unwrap_or(0));
        calls.extend(quote!(.wait_for_main(#value)));
    }
    if let Some(reap) = main.reap_zombies {
        calls.extend(quote!(.reap_zombies(#reap)));
    }
    if let Some(variant) = main.broken_pipe {
        let variant = format_ident!("{variant}");
        calls.extend(quote!(.broken_pipe(#private::BrokenPipe::#variant)));
    }
    if let Some(list) = &main.reload {
        let list = signals(list);
        calls.extend(quote!(.reload(#list)));
    }

    // The user's `main`, unchanged but for its outer attributes and
    // visibility, which move to the generated `main`.
    let (attrs, vis) = expand::take_outer(&mut inner);
    let ident = &inner.sig.ident;
    // Spanned on the return type: a `main` returning a non-`Termination`
    // type gets its error there.
    let output_span = match &inner.sig.output {
        ReturnType::Type(_, ty) => ty.span(),
        ReturnType::Default => ident.span(),
    };
    let run = expand::located_at(quote!(.run(#ident)), output_span);
    quote! {
        #(#attrs)*
        #vis fn #ident() {
            #inner
            #private::Config::new() #calls #run
        }
    }
}
