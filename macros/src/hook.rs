//! `#[on_shutdown]`: validate the function, then register it in the runtime's
//! link-time hook list next to the unchanged function.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{
    FnArg, GenericArgument, ItemFn, LitStr, Path, PathArguments, ReturnType, Signature, Type,
};

use crate::args::{self, Errors, Millis, Options};

const KEYS: &[&str] = &["order", "timeout", "name", "crate"];

const ACCEPTED: &str = "accepted: `fn name()`, `fn name() -> Result<(), E>`, `fn name(reason: &ShutdownReason)`, `fn name(reason: &ShutdownReason) -> Result<(), E>`, with `E: Display`";

#[derive(Default)]
struct HookArgs {
    order: i32,
    timeout: Millis,
    name: Option<LitStr>,
    krate: Option<Path>,
}

pub(crate) fn expand(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let mut hook = HookArgs::default();
    Options::new("on_shutdown", KEYS, &mut errors).parse(args, |_, key, meta| {
        match key {
            "order" => hook.order = args::order(meta)?,
            "timeout" => hook.timeout = args::duration(meta, "timeout")?.0,
            "name" => {
                hook.name = Some(args::string(
                    meta,
                    "name",
                    "write e.g. `name = \"flush logs\"`",
                )?)
            }
            _ => hook.krate = Some(args::crate_path(meta)?),
        }
        Ok(())
    });

    let func = args::parse_fn(&input, &mut errors, |kind| {
        format!("`#[on_shutdown]` goes on a function, not on {kind}; write a `fn` that does the cleanup; {ACCEPTED}")
    });
    let takes_reason = func
        .as_ref()
        .map(|func| check_signature(&func.sig, &mut errors));
    match (errors.finish(), func, takes_reason) {
        (Ok(()), Some(func), Some(takes_reason)) => generate(&hook, &func, takes_reason),
        (Err(error), _, _) => args::with_errors(&input, &error),
        _ => input,
    }
}

/// Reports every part of the signature a hook cannot have. Returns whether
/// the hook takes `&ShutdownReason`.
fn check_signature(sig: &Signature, errors: &mut Errors) -> bool {
    args::reject_qualifiers(
        sig,
        errors,
        &args::Rejections {
            const_fn: "a shutdown hook cannot be a `const fn`; remove `const`",
            async_fn: "a shutdown hook cannot be `async`: hooks run on a plain thread with no executor; write a sync `fn` (and block on your runtime inside it if you must)",
            unsafe_fn: "a shutdown hook cannot be an `unsafe fn`; make it a safe `fn` and use an `unsafe` block inside",
            extern_fn: "a shutdown hook cannot be an `extern` function; remove the ABI and write a plain Rust `fn`",
            generic: "a shutdown hook cannot be generic: the runtime calls it with no type arguments; remove the `<...>` parameters",
            where_clause: "a shutdown hook cannot have a `where` clause; remove it",
        },
    );
    if let Some(variadic) = &sig.variadic {
        errors.push_spanned(
            variadic,
            format!("a shutdown hook cannot be variadic; {ACCEPTED}"),
        );
    }
    let mut takes_reason = false;
    for (position, input) in sig.inputs.iter().enumerate() {
        match input {
            FnArg::Receiver(receiver) => errors.push_spanned(
                receiver,
                "a shutdown hook cannot take `self`: hooks are free functions; move it out of the `impl` and reach the value through a `static`",
            ),
            FnArg::Typed(arg) if position > 0 => errors.push_spanned(
                arg,
                format!("a shutdown hook takes at most one parameter, `reason: &ShutdownReason`; {ACCEPTED}"),
            ),
            FnArg::Typed(arg) => match &*arg.ty {
                Type::Reference(reference)
                    if reference.mutability.is_none() && is_shutdown_reason(&reference.elem) =>
                {
                    takes_reason = true;
                }
                ty if is_shutdown_reason(ty) => errors.push_spanned(
                    ty,
                    "a shutdown hook takes the reason by reference: write `reason: &ShutdownReason`",
                ),
                ty => errors.push_spanned(
                    ty,
                    format!("a shutdown hook's only parameter must be `&ShutdownReason`; {ACCEPTED}"),
                ),
            },
        }
    }
    if let ReturnType::Type(_, ty) = &sig.output {
        if let Some(ok) = success_type(ty).filter(|ok| !is_unit(ok)) {
            errors.push_spanned(
                ok,
                "a shutdown hook's `Result` carries no value: write `Result<(), E>`",
            );
        } else if !returns_unit_or_result(ty) {
            errors.push_spanned(
                ty,
                format!("a shutdown hook must return `()` or `Result<(), E>` with `E: Display`; {ACCEPTED}"),
            );
        }
    }
    takes_reason
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(path) if path.qself.is_none() => path.path.segments.last(),
        Type::Paren(inner) => last_segment(&inner.elem),
        Type::Group(inner) => last_segment(&inner.elem),
        _ => None,
    }
}

fn is_shutdown_reason(ty: &Type) -> bool {
    last_segment(ty)
        .is_some_and(|segment| segment.ident == "ShutdownReason" && segment.arguments.is_none())
}

/// `()` or a path ending in `Result` (`Result<(), E>`, `io::Result<()>`).
/// Whether `E: Display` holds is left to the type checker.
fn returns_unit_or_result(ty: &Type) -> bool {
    is_unit(ty) || last_segment(ty).is_some_and(|segment| segment.ident == "Result")
}

/// `T` in a return type written `Result<T, …>`.
fn success_type(ty: &Type) -> Option<&Type> {
    generic_type(ty, 0)
}

/// `E` in a return type written `Result<(), E>`.
fn error_type(ty: &Type) -> Option<&Type> {
    generic_type(ty, 1)
}

/// The `index`th type argument of a `…::Result<…>` return type.
fn generic_type(ty: &Type, index: usize) -> Option<&Type> {
    let segment = last_segment(ty).filter(|segment| segment.ident == "Result")?;
    match &segment.arguments {
        PathArguments::AngleBracketed(args) => match args.args.iter().nth(index)? {
            GenericArgument::Type(ty) => Some(ty),
            _ => None,
        },
        _ => None,
    }
}

fn is_unit(ty: &Type) -> bool {
    match ty {
        Type::Tuple(tuple) => tuple.elems.is_empty(),
        Type::Paren(inner) => is_unit(&inner.elem),
        Type::Group(inner) => is_unit(&inner.elem),
        _ => false,
    }
}

fn generate(hook: &HookArgs, func: &ItemFn, takes_reason: bool) -> TokenStream {
    let krate = hook
        .krate
        .as_ref()
        .map_or_else(|| quote!(::graceful_exit), ToTokens::to_token_stream);
    let private = quote!(#krate::__private);
    let ident = &func.sig.ident;
    let name = hook.name.as_ref().map_or_else(
        || LitStr::new(&ident.to_string(), ident.span()).into_token_stream(),
        ToTokens::to_token_stream,
    );
    let order = Literal::i32_unsuffixed(hook.order);
    let timeout = hook.timeout.map_or_else(
        || quote!(#private::None),
        |millis| {
            let millis = Literal::u64_unsuffixed(millis);
            quote!(#private::Some(#private::Duration::from_millis(#millis)))
        },
    );
    // The closure's parameter is a `mixed_site` local, so a hook named
    // `reason` still resolves to the user's fn. A closure (not a nested
    // `fn run`) so that a hook named `run` is not shadowed by it.
    let reason = Ident::new("reason", Span::mixed_site());
    let (param, call) = if takes_reason {
        (quote!(#reason), quote!(#ident(#reason)))
    } else {
        (quote!(_), quote!(#ident()))
    };
    // Located on the error type `E` of `Result<(), E>` (else on the return
    // type), so an `E: Display` error points there.
    let output_span = match &func.sig.output {
        ReturnType::Type(_, ty) => error_type(ty).map_or_else(|| ty.span(), Spanned::span),
        ReturnType::Default => ident.span(),
    };
    let convert = args::located_at(
        quote!(#private::HookResult::into_outcome(#call)),
        output_span,
    );
    let line = quote_spanned!(ident.span()=> #private::line!());
    // `ShutdownReason` is small and `Copy`, so pedantic clippy would ask
    // every reason-taking hook to take it by value, which the runtime cannot
    // call; the signature is ours, not the user's, so the lint is too.
    let allow = takes_reason.then(|| quote!(#[allow(clippy::trivially_copy_pass_by_ref)]));
    quote! {
        #allow
        #func
        const _: () = {
            #[#private::linkme::distributed_slice(#private::HOOKS)]
            #[linkme(crate = #private::linkme)]
            static __GRACEFUL_EXIT_HOOK: #private::StaticHook = #private::StaticHook {
                name: #name,
                order: #order,
                module_path: #private::module_path!(),
                line: #line,
                timeout: #timeout,
                kind: #private::Kind::Shutdown,
                run: |#param: &#private::ShutdownReason| -> #private::Outcome { #convert },
            };
        };
    }
}
