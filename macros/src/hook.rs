//! `#[on_shutdown]` and `#[on_reload]`: check the function, then register it
//! in the runtime's link-time hook list next to the function as written.
//!
//! The two differ only in what [`Hook`] holds: a shutdown hook may take
//! `&ShutdownReason`, a reload hook takes nothing.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{
    FnArg, GenericArgument, ItemFn, LitStr, Path, PathArguments, ReturnType, Signature, Type,
};

use crate::attr::{self, Attribute, Nanos};
use crate::errors::Errors;
use crate::expand;
use crate::valid::{self, Qualifier};

/// What differs between the two hook attributes.
pub(crate) struct Hook {
    pub(crate) attribute: Attribute,
    /// The `Kind` variant the runtime files the hook under.
    kind: &'static str,
    /// Whether the hook may take `&ShutdownReason`.
    takes_reason: bool,
    /// "a shutdown hook", for messages.
    noun: &'static str,
    /// What the hook is for, for the "not a function" message.
    job: &'static str,
    /// The accepted signatures, for messages.
    accepted: &'static str,
}

const KEYS: &[(&str, &str)] = &[
    ("order", "order = 10"),
    ("timeout", "timeout = \"2s\""),
    ("name", "name = \"flush logs\""),
    ("crate", "crate = ::graceful_exit"),
];

/// `#[on_shutdown]`.
pub(crate) const SHUTDOWN: Hook = Hook {
    attribute: Attribute {
        name: "on_shutdown",
        keys: KEYS,
    },
    kind: "Shutdown",
    takes_reason: true,
    noun: "a shutdown hook",
    job: "does the cleanup",
    accepted: "accepted: `fn name()`, `fn name() -> Result<(), E>`, `fn name(reason: &ShutdownReason)`, `fn name(reason: &ShutdownReason) -> Result<(), E>`, with `E: Display`",
};

/// `#[on_reload]`.
pub(crate) const RELOAD: Hook = Hook {
    attribute: Attribute {
        name: "on_reload",
        keys: KEYS,
    },
    kind: "Reload",
    takes_reason: false,
    noun: "a reload hook",
    job: "reloads",
    accepted: "accepted: `fn name()`, `fn name() -> Result<(), E>`, with `E: Display`",
};

/// The keys as the user wrote them; defaults are applied in [`generate`].
#[derive(Default)]
struct HookArgs {
    order: Option<i32>,
    timeout: Option<Nanos>,
    name: Option<LitStr>,
    krate: Option<Path>,
}

pub(crate) fn expand(hook: &Hook, args: TokenStream, input: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let mut keys = HookArgs::default();
    hook.attribute.parse(args, &mut errors, |_, key, meta| {
        match key {
            "order" => keys.order = Some(attr::order(meta)?),
            "timeout" => keys.timeout = Some(attr::duration(meta, key)?),
            "name" => {
                let help = "write e.g. `name = \"flush logs\"`";
                keys.name = Some(attr::string(meta, key, help)?);
            }
            "crate" => keys.krate = Some(attr::crate_path(meta)?),
            "signals" | "reload" => {
                let why = "which signals stop or reload the program is chosen once, on `main`";
                return Err(hook.attribute.belongs_to(meta, "graceful_main", why));
            }
            _ => return Err(hook.attribute.unknown(meta)),
        }
        Ok(())
    });

    let func = valid::parse_fn(&input, &mut errors, |kind| {
        format!(
            "`#[{}]` goes on a function, not on {kind}; write a `fn` that {}; {}",
            hook.attribute.name, hook.job, hook.accepted
        )
    });
    let takes_reason = func
        .as_ref()
        .map(|func| hook.check_signature(&func.sig, &mut errors));
    match (errors.finish(), func, takes_reason) {
        (Ok(()), Some(func), Some(takes_reason)) => generate(hook, &keys, &func, takes_reason),
        (Err(error), _, _) => expand::with_errors(&input, &error),
        _ => input,
    }
}

impl Hook {
    /// Reports every part of the signature this hook cannot have. Returns
    /// whether the hook takes `&ShutdownReason`.
    fn check_signature(&self, sig: &Signature, errors: &mut Errors) -> bool {
        let noun = self.noun;
        valid::reject_qualifiers(sig, errors, |qualifier| self.rejection(qualifier));
        if let Some(variadic) = &sig.variadic {
            errors.push_spanned(
                variadic,
                format!("{noun} cannot be variadic; {}", self.accepted),
            );
        }
        let takes_reason = self.check_inputs(sig, errors);
        if let ReturnType::Type(_, ty) = &sig.output {
            if let Some(ok) = success_type(ty).filter(|ok| !is_unit(ok)) {
                errors.push_spanned(
                    ok,
                    format!("{noun}'s `Result` carries no value: write `Result<(), E>`"),
                );
            } else if !returns_unit_or_result(ty) {
                errors.push_spanned(
                    ty,
                    format!(
                        "{noun} must return `()` or `Result<(), E>` with `E: Display`; {}",
                        self.accepted
                    ),
                );
            }
        }
        takes_reason
    }

    /// Why this hook cannot have `qualifier`, and what to do instead.
    fn rejection(&self, qualifier: Qualifier) -> String {
        let problem = match qualifier {
            Qualifier::Const => "cannot be a `const fn`; remove `const`",
            Qualifier::Async => "cannot be `async`: hooks run on a plain thread with no executor; write a sync `fn` (and block on your runtime inside it if you must)",
            Qualifier::Unsafe => "cannot be an `unsafe fn`; make it a safe `fn` and use an `unsafe` block inside",
            Qualifier::Extern => "cannot be an `extern` function; remove the ABI and write a plain Rust `fn`",
            Qualifier::Generics => "cannot be generic: the runtime calls it with no type arguments; remove the `<...>` parameters",
            Qualifier::Where => "cannot have a `where` clause; remove it",
        };
        format!("{} {problem}", self.noun)
    }

    /// Reports each parameter this hook cannot take. Returns whether it
    /// takes `&ShutdownReason`.
    fn check_inputs(&self, sig: &Signature, errors: &mut Errors) -> bool {
        let (noun, accepted) = (self.noun, self.accepted);
        let mut takes_reason = false;
        for (position, input) in sig.inputs.iter().enumerate() {
            let arg = match input {
                FnArg::Receiver(receiver) => {
                    errors.push_spanned(
                        receiver,
                        format!("{noun} cannot take `self`: hooks are free functions; move it out of the `impl` and reach the value through a `static`"),
                    );
                    continue;
                }
                FnArg::Typed(arg) => arg,
            };
            if !self.takes_reason {
                let message = if mentions_reason(&arg.ty) {
                    format!("{noun} takes no reason (`&ShutdownReason` is for `#[on_shutdown]` hooks): remove the parameter; {accepted}")
                } else {
                    format!("{noun} takes no parameters; {accepted}")
                };
                errors.push_spanned(arg, message);
            } else if position > 0 {
                errors.push_spanned(
                    arg,
                    format!(
                        "{noun} takes at most one parameter, `reason: &ShutdownReason`; {accepted}"
                    ),
                );
            } else if is_reason_by_ref(&arg.ty) {
                takes_reason = true;
            } else if is_shutdown_reason(&arg.ty) {
                errors.push_spanned(
                    &arg.ty,
                    format!(
                        "{noun} takes the reason by reference: write `reason: &ShutdownReason`"
                    ),
                );
            } else {
                errors.push_spanned(
                    &arg.ty,
                    format!("{noun}'s only parameter must be `&ShutdownReason`; {accepted}"),
                );
            }
        }
        takes_reason
    }
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

/// `&ShutdownReason` (not `&mut`).
fn is_reason_by_ref(ty: &Type) -> bool {
    matches!(ty, Type::Reference(reference)
        if reference.mutability.is_none() && is_shutdown_reason(&reference.elem))
}

/// `ShutdownReason` by value or behind any reference.
fn mentions_reason(ty: &Type) -> bool {
    match ty {
        Type::Reference(reference) => is_shutdown_reason(&reference.elem),
        ty => is_shutdown_reason(ty),
    }
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

fn generate(hook: &Hook, keys: &HookArgs, func: &ItemFn, takes_reason: bool) -> TokenStream {
    let private = expand::private(keys.krate.as_ref());
    let ident = &func.sig.ident;
    let name = keys.name.as_ref().map_or_else(
        || LitStr::new(&ident.to_string(), ident.span()).into_token_stream(),
        ToTokens::to_token_stream,
    );
    let order = Literal::i32_unsuffixed(keys.order.unwrap_or(0));
    let timeout = match keys.timeout.flatten() {
        Some(nanos) => {
            let duration = expand::duration(&private, nanos);
            quote!(#private::Some(#duration))
        }
        None => quote!(#private::None),
    };
    let kind = format_ident!("{}", hook.kind);
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
    let convert = expand::located_at(
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
        // Registered by a constructor (`inventory`), which every linker
        // keeps. The hook is built outside `submit!` so that the user's
        // function is not looked up among the items inventory's expansion
        // declares (`__ctor`, …): a hook named `__ctor` works.
        const _: () = {
            const __GRACEFUL_EXIT_HOOK: #private::StaticHook = #private::StaticHook {
                name: #name,
                order: #order,
                module_path: #private::module_path!(),
                line: #line,
                timeout: #timeout,
                kind: #private::Kind::#kind,
                run: |#param: &#private::ShutdownReason| -> #private::Outcome { #convert },
            };
            #private::inventory::submit! { __GRACEFUL_EXIT_HOOK }
        };
    }
}
