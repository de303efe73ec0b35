//! Attribute arguments: keys, durations, signal names, exit codes.
//!
//! Every mistake is collected into one `syn::Error` (via `combine`), so the
//! user sees all of them at once, each spanned on the offending token.

use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};
use syn::ext::IdentExt;
use syn::meta::ParseNestedMeta;
use syn::parse::{ParseStream, Parser};
use syn::{bracketed, Ident, Item, LitBool, LitInt, LitStr, Path, Token};

/// Collects errors so that parsing can go on after the first one.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(existing) => existing.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub(crate) fn push_spanned(&mut self, tokens: impl ToTokens, message: impl std::fmt::Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    pub(crate) fn finish(self) -> Result<(), syn::Error> {
        self.0.map_or(Ok(()), Err)
    }
}

/// A duration in milliseconds; `None` is "no limit" (`"0"` or `"none"`).
pub(crate) type Millis = Option<u64>;

/// Parses `"250ms"`, `"2s"`, `"1m"`, `"0"`, `"none"`.
pub(crate) fn parse_duration(text: &str) -> Option<Millis> {
    if text == "0" || text == "none" {
        return Some(None);
    }
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().ok()?;
    let millis = match unit {
        "ms" => Some(number),
        "s" => number.checked_mul(1_000),
        "m" => number.checked_mul(60_000),
        _ => None,
    }?;
    Some((millis != 0).then_some(millis))
}

const DURATION_HELP: &str =
    "write a duration such as \"250ms\", \"2s\" or \"1m\", or \"0\"/\"none\" for no limit";

/// The signals `signals = [...]` accepts, by their full name.
pub(crate) const SIGNALS: &[&str] = &[
    "SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2",
];

/// One `key = value` option of an attribute, as the user wrote it.
pub(crate) struct Options<'a> {
    /// The attribute's name, for messages: `on_shutdown`.
    attribute: &'static str,
    /// Every key it accepts, for the unknown-key message.
    accepted: &'static [&'static str],
    seen: Vec<String>,
    pub(crate) errors: &'a mut Errors,
}

impl<'a> Options<'a> {
    pub(crate) fn new(
        attribute: &'static str,
        accepted: &'static [&'static str],
        errors: &'a mut Errors,
    ) -> Self {
        Options {
            attribute,
            accepted,
            seen: Vec::new(),
            errors,
        }
    }

    /// Parses the attribute's arguments, calling `on_key` for each accepted,
    /// first-time key. Unknown and duplicate keys are reported and their
    /// values skipped.
    pub(crate) fn parse(
        &mut self,
        args: TokenStream,
        mut on_key: impl FnMut(&mut Errors, &str, &ParseNestedMeta<'_>) -> syn::Result<()>,
    ) {
        let parser = syn::meta::parser(|meta| {
            let key = meta.path.get_ident().map(ToString::to_string);
            match key {
                Some(key) if self.accepted.contains(&key.as_str()) => {
                    if !meta.input.peek(Token![=]) {
                        self.errors.push_spanned(
                            &meta.path,
                            format!("`{key}` needs a value: write `{}`", example(&key)),
                        );
                        skip_rest(meta.input);
                        Ok(())
                    } else if self.seen.contains(&key) {
                        self.errors.push_spanned(
                            &meta.path,
                            format!("`{key}` is set twice; give each option once"),
                        );
                        skip_value(&meta)
                    } else {
                        self.seen.push(key.clone());
                        if let Err(error) = on_key(self.errors, &key, &meta) {
                            self.errors.push(error);
                            skip_rest(meta.input);
                        }
                        Ok(())
                    }
                }
                _ => {
                    let name = meta.path.to_token_stream().to_string().replace(' ', "");
                    let hint = closest(&name, self.accepted)
                        .map(|key| format!("did you mean `{key}`? "))
                        .unwrap_or_default();
                    self.errors.push_spanned(
                        &meta.path,
                        format!(
                            "unknown `{}` option `{name}`; {hint}expected one of: {}",
                            self.attribute,
                            list(self.accepted)
                        ),
                    );
                    skip_value(&meta)
                }
            }
        });
        if let Err(error) = parser.parse2(args) {
            self.errors.push(error);
        }
    }
}

/// How each key is written, for messages.
fn example(key: &str) -> &'static str {
    match key {
        "order" => "order = 10",
        "timeout" => "timeout = \"2s\"",
        "name" => "name = \"flush logs\"",
        "signals" => "signals = [SIGINT, SIGTERM]",
        "exit_code" => "exit_code = 0",
        "deadline" => "deadline = \"8s\"",
        "wait_for_main" => "wait_for_main = \"3s\"",
        "reap_zombies" => "reap_zombies = true",
        _ => "crate = ::graceful_exit",
    }
}

/// `` `a`, `b`, `c` `` for messages.
pub(crate) fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|item| format!("`{item}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The accepted key a typo most likely meant: at most two edits away.
fn closest<'k>(name: &str, accepted: &[&'k str]) -> Option<&'k str> {
    accepted
        .iter()
        .map(|key| (edit_distance(name, key), *key))
        .filter(|&(distance, _)| distance <= 2 && distance < name.len())
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, key)| key)
}

/// Levenshtein distance, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Skips `= value` after a key that was rejected.
fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.input.parse::<Token![=]>()?;
    }
    skip_rest(meta.input);
    Ok(())
}

/// Skips tokens up to the next top-level comma.
fn skip_rest(input: ParseStream<'_>) {
    let _ = input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((tt, next)) = rest.token_tree() {
            if let proc_macro2::TokenTree::Punct(punct) = &tt {
                if punct.as_char() == ',' {
                    return Ok(((), rest));
                }
            }
            rest = next;
        }
        Ok(((), rest))
    });
}

/// `key = "duration"`.
pub(crate) fn duration(meta: &ParseNestedMeta<'_>, key: &str) -> syn::Result<(Millis, Span)> {
    let lit = string(meta, key, DURATION_HELP)?;
    match parse_duration(&lit.value()) {
        Some(millis) => Ok((millis, lit.span())),
        None => Err(syn::Error::new(
            lit.span(),
            format!(
                "invalid `{key}` duration {:?}; {DURATION_HELP}",
                lit.value()
            ),
        )),
    }
}

/// `key = "text"`.
pub(crate) fn string(meta: &ParseNestedMeta<'_>, key: &str, help: &str) -> syn::Result<LitStr> {
    let value = meta.value()?;
    if value.peek(LitStr) {
        value.parse()
    } else {
        Err(value.error(format!("`{key}` takes a string; {help}")))
    }
}

/// `order = N` with an optional minus sign; must fit in an `i32`.
pub(crate) fn order(meta: &ParseNestedMeta<'_>) -> syn::Result<i32> {
    const HELP: &str = "`order` takes an integer (`i32`), e.g. `order = 10` or `order = -1`";
    let value = meta.value()?;
    let minus: Option<Token![-]> = value.parse()?;
    if !value.peek(LitInt) {
        return Err(value.error(HELP));
    }
    let lit: LitInt = value.parse()?;
    let text = format!(
        "{}{}",
        if minus.is_some() { "-" } else { "" },
        lit.base10_digits()
    );
    match (lit.suffix(), text.parse::<i32>()) {
        ("" | "i32", Ok(order)) => Ok(order),
        _ => Err(syn::Error::new(lit.span(), HELP)),
    }
}

/// `exit_code = N` with `N` in 0..=255.
pub(crate) fn exit_code(meta: &ParseNestedMeta<'_>) -> syn::Result<u8> {
    const HELP: &str = "`exit_code` takes an integer from 0 to 255, e.g. `exit_code = 0`";
    let value = meta.value()?;
    if !value.peek(LitInt) {
        return Err(value.error(HELP));
    }
    let lit: LitInt = value.parse()?;
    match lit.base10_parse::<u8>() {
        Ok(code) if lit.suffix().is_empty() || lit.suffix() == "u8" => Ok(code),
        _ if lit.base10_parse::<u64>().is_ok() => Err(syn::Error::new(
            lit.span(),
            format!(
                "`exit_code = {}` is out of range: a process exit status is a byte; use a value from 0 to 255",
                lit.base10_digits()
            ),
        )),
        _ => Err(syn::Error::new(lit.span(), HELP)),
    }
}

/// `key = true` / `key = false`.
pub(crate) fn boolean(meta: &ParseNestedMeta<'_>, key: &str) -> syn::Result<bool> {
    let value = meta.value()?;
    if !value.peek(LitBool) {
        return Err(value.error(format!("`{key}` takes `true` or `false`")));
    }
    Ok(value.parse::<LitBool>()?.value)
}

/// `crate = path`.
pub(crate) fn crate_path(meta: &ParseNestedMeta<'_>) -> syn::Result<Path> {
    let value = meta.value()?;
    value.parse::<Path>().map_err(|_| {
        value.error("`crate` takes the path graceful-exit is reachable at, e.g. `crate = ::my_reexport::graceful_exit`")
    })
}

/// `TERM` → `SIGTERM`; `SIGTERM` stays.
fn full_signal_name(text: &str) -> String {
    if text.starts_with("SIG") {
        text.to_owned()
    } else {
        format!("SIG{text}")
    }
}

/// `signals = [SIGINT, SIGTERM]`: idents with or without the `SIG` prefix.
pub(crate) fn signals(meta: &ParseNestedMeta<'_>, errors: &mut Errors) -> syn::Result<Vec<Ident>> {
    let help = format!(
        "`signals` takes a list of signal names, e.g. `signals = [SIGINT, SIGTERM]`; accepted: {}",
        list(SIGNALS)
    );
    let value = meta.value()?;
    if !value.peek(syn::token::Bracket) {
        return Err(value.error(help));
    }
    let content;
    let brackets = bracketed!(content in value);
    let names = content
        .parse_terminated(Ident::parse_any, Token![,])
        .map_err(|error| syn::Error::new(error.span(), &help))?;
    if names.is_empty() {
        return Err(syn::Error::new(
            brackets.span.join(),
            "`signals` must name at least one signal, e.g. `signals = [SIGINT, SIGTERM]`; leave `signals` out for the default set",
        ));
    }
    let mut idents = Vec::new();
    for name in names {
        let text = name.to_string();
        let full = full_signal_name(&text);
        if SIGNALS.contains(&full.as_str()) {
            idents.push(Ident::new(&full["SIG".len()..], name.span()));
        } else {
            let upper = full_signal_name(&text.to_ascii_uppercase());
            let hint = if SIGNALS.contains(&upper.as_str()) {
                format!("signal names are upper case: write `{upper}`; ")
            } else {
                String::new()
            };
            errors.push_spanned(
                &name,
                format!(
                    "unknown signal `{text}`; {hint}expected one of: {} (the `SIG` prefix is optional: `TERM` works too)",
                    list(SIGNALS)
                ),
            );
        }
    }
    Ok(idents)
}

/// The tokens that name a non-function item: its keyword and name.
pub(crate) fn item_head(item: &Item) -> TokenStream {
    match item {
        Item::Struct(s) => head(&s.struct_token, &s.ident),
        Item::Enum(e) => head(&e.enum_token, &e.ident),
        Item::Union(u) => head(&u.union_token, &u.ident),
        Item::Const(c) => head(&c.const_token, &c.ident),
        Item::Static(s) => head(&s.static_token, &s.ident),
        Item::Type(t) => head(&t.type_token, &t.ident),
        Item::Mod(m) => head(&m.mod_token, &m.ident),
        Item::Trait(t) => head(&t.trait_token, &t.ident),
        Item::Impl(i) => i.impl_token.to_token_stream(),
        Item::Use(u) => u.use_token.to_token_stream(),
        other => other.to_token_stream(),
    }
}

/// "a struct", "a const", … for messages.
pub(crate) fn item_kind(item: &Item) -> &'static str {
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

fn head(keyword: &impl ToTokens, name: &impl ToTokens) -> TokenStream {
    quote!(#keyword #name)
}

/// Moves every token of `tokens` to `span`'s location, keeping each token's
/// hygiene, so that a type error in generated code points at user code.
pub(crate) fn located_at(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tree| {
            if let proc_macro2::TokenTree::Group(group) = &tree {
                let mut inner =
                    proc_macro2::Group::new(group.delimiter(), located_at(group.stream(), span));
                inner.set_span(group.span().located_at(span));
                tree = inner.into();
            } else {
                tree.set_span(tree.span().located_at(span));
            }
            tree
        })
        .collect()
}

/// Emits the user's item unchanged next to the errors, so IDEs keep working
/// and one mistake does not cascade into "cannot find function" errors.
pub(crate) fn with_errors(item: &TokenStream, error: &syn::Error) -> TokenStream {
    let errors = error.to_compile_error();
    quote!(#item #errors)
}

/// The message for each part of a signature an attribute rejects.
pub(crate) struct Rejections {
    pub(crate) const_fn: &'static str,
    pub(crate) async_fn: &'static str,
    pub(crate) unsafe_fn: &'static str,
    pub(crate) extern_fn: &'static str,
    pub(crate) generic: &'static str,
    pub(crate) where_clause: &'static str,
}

/// Reports `const`, `async`, `unsafe`, `extern`, generics and `where`, each
/// spanned on its own tokens.
pub(crate) fn reject_qualifiers(sig: &syn::Signature, errors: &mut Errors, messages: &Rejections) {
    if let Some(token) = &sig.constness {
        errors.push_spanned(token, messages.const_fn);
    }
    if let Some(token) = &sig.asyncness {
        errors.push_spanned(token, messages.async_fn);
    }
    if let syn::Safety::Unsafe(token) = &sig.safety {
        errors.push_spanned(token, messages.unsafe_fn);
    }
    if let Some(abi) = &sig.abi {
        errors.push_spanned(abi, messages.extern_fn);
    }
    if !sig.generics.params.is_empty() {
        errors.push_spanned(&sig.generics, messages.generic);
    }
    if let Some(clause) = &sig.generics.where_clause {
        errors.push_spanned(clause, messages.where_clause);
    }
}

/// Parses the item an attribute is on; anything but a `fn` is reported,
/// spanned on its keyword and name, with `message(kind)` ("a struct").
pub(crate) fn parse_fn(
    input: &TokenStream,
    errors: &mut Errors,
    message: impl FnOnce(&str) -> String,
) -> Option<syn::ItemFn> {
    match syn::parse2::<syn::Item>(input.clone()) {
        Ok(syn::Item::Fn(func)) => Some(func),
        Ok(other) => {
            errors.push_spanned(item_head(&other), message(item_kind(&other)));
            None
        }
        Err(error) => {
            errors.push(error);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("250ms"), Some(Some(250)));
        assert_eq!(parse_duration("2s"), Some(Some(2_000)));
        assert_eq!(parse_duration("1m"), Some(Some(60_000)));
        assert_eq!(parse_duration("0"), Some(None));
        assert_eq!(parse_duration("none"), Some(None));
        assert_eq!(parse_duration("2 parsecs"), None);
        assert_eq!(parse_duration("2"), None);
        assert_eq!(parse_duration(""), None);
    }

    #[test]
    fn typos() {
        let keys = &["order", "timeout", "name", "crate"];
        assert_eq!(closest("ordr", keys), Some("order"));
        assert_eq!(closest("timout", keys), Some("timeout"));
        assert_eq!(closest("nme", keys), Some("name"));
        assert_eq!(closest("x", keys), None);
        assert_eq!(closest("verbose", keys), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
