//! Attribute arguments: keys, durations, signal names, exit codes.
//!
//! Every mistake is collected into one `syn::Error` (via `combine`), so the
//! user sees all of them at once, each spanned on the offending token.

use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};
use syn::ext::IdentExt;
use syn::meta::ParseNestedMeta;
use syn::parse::{ParseStream, Parser};
use syn::{bracketed, Ident, LitBool, LitInt, LitStr, Path, Token};

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
    "expected a duration string such as \"250ms\", \"2s\" or \"1m\", or \"0\"/\"none\" for no limit";

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
                    if self.seen.contains(&key) {
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
                    self.errors.push_spanned(
                        &meta.path,
                        format!(
                            "unknown `{}` option `{name}`; expected one of: {}",
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

/// `` `a`, `b`, `c` `` for messages.
pub(crate) fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|item| format!("`{item}`"))
        .collect::<Vec<_>>()
        .join(", ")
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
                "invalid `{key}` duration {:?}: {DURATION_HELP}",
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
        Err(value.error(format!("`{key}` takes a string: {help}")))
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
    lit.base10_parse::<u8>()
        .map_err(|_| syn::Error::new(lit.span(), HELP))
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
        let full = if text.starts_with("SIG") {
            text.clone()
        } else {
            format!("SIG{text}")
        };
        if SIGNALS.contains(&full.as_str()) {
            idents.push(Ident::new(&full["SIG".len()..], name.span()));
        } else {
            errors.push_spanned(
                &name,
                format!(
                    "unknown signal `{text}`; expected one of: {}",
                    list(SIGNALS)
                ),
            );
        }
    }
    Ok(idents)
}

/// Emits the user's item unchanged next to the errors, so IDEs keep working
/// and one mistake does not cascade into "cannot find function" errors.
pub(crate) fn with_errors(item: TokenStream, error: &syn::Error) -> TokenStream {
    let errors = error.to_compile_error();
    quote!(#item #errors)
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
}
