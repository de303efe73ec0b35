//! Checks on the item both attributes share: that it is a `fn`, and which
//! qualifiers its signature carries. Each attribute words its own messages.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::{Item, ItemFn, Safety, Signature};

use crate::errors::Errors;

/// Parses the item an attribute is on; anything but a `fn` is reported,
/// spanned on its keyword and name, with `message(kind)` (kind: "a struct").
pub(crate) fn parse_fn(
    input: &TokenStream,
    errors: &mut Errors,
    message: impl FnOnce(&str) -> String,
) -> Option<ItemFn> {
    match syn::parse2::<Item>(input.clone()) {
        Ok(Item::Fn(func)) => Some(func),
        Ok(other) => {
            errors.push_spanned(head(&other), message(kind(&other)));
            None
        }
        Err(error) => {
            errors.push(error);
            None
        }
    }
}

/// The tokens that name a non-function item: its keyword and name.
fn head(item: &Item) -> TokenStream {
    fn pair(keyword: &impl ToTokens, name: &impl ToTokens) -> TokenStream {
        quote!(#keyword #name)
    }
    match item {
        Item::Struct(s) => pair(&s.struct_token, &s.ident),
        Item::Enum(e) => pair(&e.enum_token, &e.ident),
        Item::Union(u) => pair(&u.union_token, &u.ident),
        Item::Const(c) => pair(&c.const_token, &c.ident),
        Item::Static(s) => pair(&s.static_token, &s.ident),
        Item::Type(t) => pair(&t.type_token, &t.ident),
        Item::Mod(m) => pair(&m.mod_token, &m.ident),
        Item::Trait(t) => pair(&t.trait_token, &t.ident),
        Item::Impl(i) => i.impl_token.to_token_stream(),
        Item::Use(u) => u.use_token.to_token_stream(),
        other => other.to_token_stream(),
    }
}

/// "a struct", "a const", … for messages.
fn kind(item: &Item) -> &'static str {
    match item {
        Item::Struct(_) => "a struct",
        Item::Enum(_) => "an enum",
        Item::Union(_) => "a union",
        Item::Const(_) => "a const",
        Item::Static(_) => "a static",
        Item::Type(_) => "a type alias",
        Item::Mod(_) => "a module",
        Item::Trait(_) | Item::TraitAlias(_) => "a trait",
        Item::Impl(_) => "an impl block",
        Item::Use(_) => "a `use` declaration",
        Item::ExternCrate(_) => "an `extern crate`",
        Item::ForeignMod(_) => "an `extern` block",
        Item::Macro(_) => "a macro",
        _ => "this item",
    }
}

/// A part of a signature neither attribute accepts.
#[derive(Clone, Copy)]
pub(crate) enum Qualifier {
    Const,
    Async,
    Unsafe,
    Extern,
    Generics,
    Where,
}

/// Reports `const`, `async`, `unsafe`, `extern`, generics and `where`, each
/// spanned on its own tokens and worded by `message`.
pub(crate) fn reject_qualifiers(
    sig: &Signature,
    errors: &mut Errors,
    message: impl Fn(Qualifier) -> String,
) {
    let mut reject = |tokens: &dyn ToTokens, qualifier| {
        errors.push_spanned(tokens.to_token_stream(), message(qualifier));
    };
    if let Some(token) = &sig.constness {
        reject(token, Qualifier::Const);
    }
    if let Some(token) = &sig.asyncness {
        reject(token, Qualifier::Async);
    }
    if let Safety::Unsafe(token) = &sig.safety {
        reject(token, Qualifier::Unsafe);
    }
    if let Some(abi) = &sig.abi {
        reject(abi, Qualifier::Extern);
    }
    if !sig.generics.params.is_empty() {
        reject(&sig.generics, Qualifier::Generics);
    }
    if let Some(clause) = &sig.generics.where_clause {
        reject(clause, Qualifier::Where);
    }
}
