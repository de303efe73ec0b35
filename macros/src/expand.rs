//! Helpers both expansions share: where graceful-exit is, durations as
//! tokens, moving a `fn`'s outer attributes, spans, and the output on error.

use proc_macro2::{Group, Literal, Span, TokenStream, TokenTree};
use quote::{quote, ToTokens};
use syn::{Attribute, ItemFn, Path, Visibility};

/// `::graceful_exit::__private`, or `#krate::__private` for `crate = path`:
/// the only items an expansion names.
pub(crate) fn private(krate: Option<&Path>) -> TokenStream {
    let krate = krate.map_or_else(|| quote!(::graceful_exit), ToTokens::to_token_stream);
    quote!(#krate::__private)
}

/// A `Duration` of `nanos` nanoseconds (`0` for "no limit" where the builder
/// reads zero that way).
pub(crate) fn duration(private: &TokenStream, nanos: u64) -> TokenStream {
    let nanos = Literal::u64_unsuffixed(nanos);
    quote!(#private::Duration::from_nanos(#nanos))
}

/// Takes the outer attributes and the visibility off `func`, for a wrapper
/// that goes in its place: the user's `fn` keeps its body and signature, and
/// the wrapper carries `#[doc]`, `#[cfg]`, `pub` and the like.
pub(crate) fn take_outer(func: &mut ItemFn) -> (Vec<Attribute>, Visibility) {
    let attrs = std::mem::take(&mut func.attrs);
    let vis = std::mem::replace(&mut func.vis, Visibility::Inherited);
    (attrs, vis)
}

/// Moves every token of `tokens` to `span`'s location, keeping each token's
/// hygiene, so that a type error in generated code points at user code.
pub(crate) fn located_at(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tree| {
            if let TokenTree::Group(group) = &tree {
                let mut inner = Group::new(group.delimiter(), located_at(group.stream(), span));
                inner.set_span(group.span().located_at(span));
                tree = inner.into();
            } else {
                tree.set_span(tree.span().located_at(span));
            }
            tree
        })
        .collect()
}

/// The user's item as written, next to the errors, so IDEs keep working and
/// one mistake does not cascade into "cannot find function" errors.
pub(crate) fn with_errors(item: &TokenStream, error: &syn::Error) -> TokenStream {
    let errors = error.to_compile_error();
    quote!(#item #errors)
}
