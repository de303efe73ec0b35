//! Attribute arguments: the `key = value` parser, and a parser for each kind
//! of value (durations, signal names, orders, exit codes, booleans, strings,
//! `crate = path`).
//!
//! Mistakes are reported to [`Errors`] and parsing goes on, so the user sees
//! all of them at once, each spanned on the offending token.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::meta::ParseNestedMeta;
use syn::parse::{ParseStream, Parser};
use syn::{bracketed, Ident, LitBool, LitInt, LitStr, Path, Token};

use crate::errors::Errors;

/// One attribute's keys: its name and, for each key, how it is written.
pub(crate) struct Attribute {
    /// For messages: `on_shutdown`.
    pub(crate) name: &'static str,
    /// `(key, example)`, in the order messages list them.
    pub(crate) keys: &'static [(&'static str, &'static str)],
}

impl Attribute {
    /// Parses `key = value, …`. A key without a value and a key given twice
    /// are reported here; `set` parses each value, with an arm per key and
    /// one last arm returning [`Attribute::unknown`]. A rejected value is
    /// skipped up to the next comma.
    pub(crate) fn parse(
        &self,
        args: TokenStream,
        errors: &mut Errors,
        mut set: impl FnMut(&mut Errors, &str, &ParseNestedMeta<'_>) -> syn::Result<()>,
    ) {
        let mut seen = Vec::new();
        let parser = syn::meta::parser(|meta| {
            let key = key_of(&meta);
            if let Some(&(_, example)) = self.keys.iter().find(|(name, _)| *name == key) {
                if !meta.input.peek(Token![=]) {
                    errors.push_spanned(
                        &meta.path,
                        format!("`{key}` needs a value: write `{example}`"),
                    );
                    return skip_value(&meta);
                }
                if seen.contains(&key) {
                    errors.push_spanned(
                        &meta.path,
                        format!("`{key}` is set twice; give each option once"),
                    );
                    return skip_value(&meta);
                }
                seen.push(key.clone());
            }
            if let Err(error) = set(errors, &key, &meta) {
                errors.push(error);
                skip_value(&meta)?;
            }
            Ok(())
        });
        if let Err(error) = parser.parse2(args) {
            errors.push(error);
        }
    }

    /// The error for a key this attribute does not have: the accepted keys,
    /// and the one a typo most likely meant.
    pub(crate) fn unknown(&self, meta: &ParseNestedMeta<'_>) -> syn::Error {
        let name = key_of(meta);
        let hint = closest(&name, &self.key_names())
            .map(|key| format!("did you mean `{key}`? "))
            .unwrap_or_default();
        self.error(
            meta,
            &format!("unknown `{}` option `{name}`; {hint}", self.name),
        )
    }

    /// The error for a key of the attribute `owner`, with why it goes there.
    pub(crate) fn belongs_to(
        &self,
        meta: &ParseNestedMeta<'_>,
        owner: &str,
        why: &str,
    ) -> syn::Error {
        let name = key_of(meta);
        self.error(meta, &format!("`{name}` is a `#[{owner}]` option: {why}; "))
    }

    fn error(&self, meta: &ParseNestedMeta<'_>, message: &str) -> syn::Error {
        let keys = list(&self.key_names());
        syn::Error::new_spanned(&meta.path, format!("{message}expected one of: {keys}"))
    }

    fn key_names(&self) -> Vec<&'static str> {
        self.keys.iter().map(|(key, _)| *key).collect()
    }
}

/// The key as written: `order`, `crate`, or a path such as `a::b`.
fn key_of(meta: &ParseNestedMeta<'_>) -> String {
    meta.path.to_token_stream().to_string().replace(' ', "")
}

/// `` `a`, `b`, `c` `` for messages.
fn list(items: &[&str]) -> String {
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

/// Skips `= value` (or what is left of it) up to the next top-level comma.
fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.input.parse::<Token![=]>()?;
    }
    skip_rest(meta.input);
    Ok(())
}

fn skip_rest(input: ParseStream<'_>) {
    let _ = input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((tt, next)) = rest.token_tree() {
            if matches!(&tt, TokenTree::Punct(punct) if punct.as_char() == ',') {
                break;
            }
            rest = next;
        }
        Ok(((), rest))
    });
}

// ---------------------------------------------------------------------------
// Durations

/// A duration in nanoseconds; `None` is "no limit".
pub(crate) type Nanos = Option<u64>;

/// How messages explain the grammar; the runtime's `duration::HELP` says the
/// same (the environment variable's error uses it).
const DURATION_HELP: &str =
    "write a duration such as \"250ms\", \"2s\", \"1.5s\", \"1m30s\" or \"500us\", or \"0\"/\"none\" for no limit";

/// The units, largest first: the order the parts of a duration come in.
const UNITS: [(&str, u128); 5] = [
    ("h", 3_600_000_000_000),
    ("m", 60_000_000_000),
    ("s", 1_000_000_000),
    ("ms", 1_000_000),
    ("us", 1_000),
];

/// The duration grammar, the runtime's (a test holds the two together):
/// one or more `<number><unit>` parts, units from [`UNITS`], largest first,
/// each at most once; a number is `digits` or `digits.digits`. `"none"`, a
/// zero total, or a bare zero (`"0"`, `"0.0"`) is "no limit". A total that
/// does not fit `u64` nanoseconds, or a fraction too long to scale in
/// `u128`, is not a duration. `None` when `text` is not a duration.
pub(crate) fn parse_duration(text: &str) -> Option<Nanos> {
    if text == "none" {
        return Some(None);
    }
    if let Some(bare) = Decimal::parse(text) {
        return bare.is_zero().then_some(None);
    }
    let is_number = |c: char| c.is_ascii_digit() || c == '.';
    let mut units = UNITS.iter();
    let mut total: u128 = 0;
    let mut written_zero = true;
    let mut rest = text;
    loop {
        let (number, after) = rest.split_at(rest.find(|c| !is_number(c)).unwrap_or(rest.len()));
        let (unit, after) = after.split_at(after.find(is_number).unwrap_or(after.len()));
        // `find` moves past the unit, so a later part can only use a
        // smaller one: order and uniqueness in one step.
        let &(_, size) = units.find(|(name, _)| *name == unit)?;
        let number = Decimal::parse(number)?;
        written_zero &= number.is_zero();
        total = total.checked_add(number.times(size)?)?;
        if after.is_empty() {
            let nanos = u64::try_from(total).ok()?;
            // Less than a nanosecond, but not zero: not a limit we can keep.
            if nanos == 0 && !written_zero {
                return None;
            }
            return Some((nanos != 0).then_some(nanos));
        }
        rest = after;
    }
}

/// A number as written: `digits` or `digits.digits`.
struct Decimal<'a> {
    whole: u64,
    fraction: &'a str,
}

impl<'a> Decimal<'a> {
    fn parse(text: &'a str) -> Option<Self> {
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let (whole, fraction) = match text.split_once('.') {
            Some((whole, fraction)) if all_digits(fraction) => (whole, fraction),
            Some(_) => return None,
            None => (text, ""),
        };
        if !all_digits(whole) {
            return None;
        }
        Some(Decimal {
            whole: whole.parse().ok()?,
            fraction,
        })
    }

    fn is_zero(&self) -> bool {
        self.whole == 0 && self.fraction.bytes().all(|b| b == b'0')
    }

    /// This many `unit`s, in nanoseconds, less any fraction of a nanosecond.
    fn times(&self, unit: u128) -> Option<u128> {
        let whole = u128::from(self.whole) * unit;
        if self.fraction.is_empty() {
            return Some(whole);
        }
        let scale = 10u128.checked_pow(u32::try_from(self.fraction.len()).ok()?)?;
        let digits: u128 = self.fraction.parse().ok()?;
        whole.checked_add(digits.checked_mul(unit)? / scale)
    }
}

/// `key = "duration"`.
pub(crate) fn duration(meta: &ParseNestedMeta<'_>, key: &str) -> syn::Result<Nanos> {
    let lit = string(meta, key, DURATION_HELP)?;
    parse_duration(&lit.value()).ok_or_else(|| {
        let units: Vec<&str> = UNITS.iter().map(|(unit, _)| *unit).collect();
        syn::Error::new(
            lit.span(),
            format!(
                "invalid `{key}` duration {:?}; {DURATION_HELP} (units {}, largest first, each at most once)",
                lit.value(),
                list(&units),
            ),
        )
    })
}

// ---------------------------------------------------------------------------
// Signal names

/// The signals `signals = [...]` and `reload = [...]` accept, by their full
/// names: the runtime's `SIGNAL_NAMES` (a test holds the two together).
pub(crate) const SIGNALS: [&str; 6] = [
    "SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2",
];

/// The full name of an accepted signal written `SIGTERM` or `TERM`.
pub(crate) fn signal_name(text: &str) -> Option<&'static str> {
    SIGNALS
        .into_iter()
        .find(|full| *full == text || full.strip_prefix("SIG") == Some(text))
}

/// A list of signals as written: `signals = [SIGINT, TERM]`.
pub(crate) struct SignalList {
    /// The `Signal` constant of each accepted name (`INT`), spanned on the
    /// user's token; unknown names are reported and left out.
    pub(crate) constants: Vec<Ident>,
    /// Whether the brackets are empty.
    pub(crate) empty: bool,
    /// The brackets.
    pub(crate) span: Span,
}

/// `key = [SIGINT, TERM]`, `example` being such a list for messages.
pub(crate) fn signals(
    meta: &ParseNestedMeta<'_>,
    key: &str,
    example: &str,
    errors: &mut Errors,
) -> syn::Result<SignalList> {
    let help = format!(
        "`{key}` takes a list of signal names, e.g. `{key} = {example}`; accepted: {}",
        list(&SIGNALS)
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
    let mut constants = Vec::new();
    let empty = names.is_empty();
    for name in names {
        let text = name.to_string();
        if let Some(full) = signal_name(&text) {
            constants.push(Ident::new(&full["SIG".len()..], name.span()));
            continue;
        }
        let hint = signal_name(&text.to_ascii_uppercase())
            .map(|full| format!("signal names are upper case: write `{full}`; "))
            .unwrap_or_default();
        errors.push_spanned(
            &name,
            format!(
                "unknown signal `{text}`; {hint}expected one of: {} (the `SIG` prefix is optional: `TERM` works too)",
                list(&SIGNALS)
            ),
        );
    }
    Ok(SignalList {
        constants,
        empty,
        span: brackets.span.join(),
    })
}

// ---------------------------------------------------------------------------
// Other values

/// `key = "text"`.
pub(crate) fn string(meta: &ParseNestedMeta<'_>, key: &str, help: &str) -> syn::Result<LitStr> {
    let value = meta.value()?;
    if value.peek(LitStr) {
        value.parse()
    } else {
        Err(value.error(format!("`{key}` takes a string; {help}")))
    }
}

/// `key = "value"`, one of `choices`: `(value, result, what it does)`.
pub(crate) fn choice<T: Copy>(
    meta: &ParseNestedMeta<'_>,
    key: &str,
    choices: &[(&str, T, &str)],
) -> syn::Result<T> {
    let help = choices
        .iter()
        .map(|(value, _, meaning)| format!("`{key} = \"{value}\"` ({meaning})"))
        .collect::<Vec<_>>()
        .join(" or ");
    let lit = string(meta, key, &format!("write {help}"))?;
    let text = lit.value();
    match choices.iter().find(|(value, _, _)| *value == text) {
        Some(&(_, result, _)) => Ok(result),
        None => Err(syn::Error::new(
            lit.span(),
            format!("unknown `{key}` value {text:?}; write {help}"),
        )),
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
    let sign = if minus.is_some() { "-" } else { "" };
    let text = format!("{sign}{}", lit.base10_digits());
    match (lit.suffix(), text.parse()) {
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

#[cfg(test)]
mod tests {
    use super::*;

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

    /// The runtime's reading of a duration, in the macro's terms.
    fn runtime_duration(text: &str) -> Option<Nanos> {
        let parsed = graceful_exit_runtime::__private::parse_duration(text)?;
        Some(parsed.map(|d| u64::try_from(d.as_nanos()).expect("the runtime caps at u64")))
    }

    /// The macro and the runtime read every duration the same way: both
    /// accept it with the same value, or both reject it.
    #[test]
    fn durations_agree_with_the_runtime() {
        let table: &[(&str, Option<Nanos>)] = &[
            // Accepted, with the value both must find.
            ("250ms", Some(Some(250_000_000))),
            ("2s", Some(Some(2_000_000_000))),
            ("1m", Some(Some(60_000_000_000))),
            ("1h", Some(Some(3_600_000_000_000))),
            ("1.5s", Some(Some(1_500_000_000))),
            ("500us", Some(Some(500_000))),
            ("1m30s", Some(Some(90_000_000_000))),
            ("1s500ms", Some(Some(1_500_000_000))),
            ("1h2m3s4ms5us", Some(Some(3_723_004_005_000))),
            ("0.5ms", Some(Some(500_000))),
            ("1.25h", Some(Some(4_500_000_000_000))),
            ("0.001us", Some(Some(1))),
            ("1.0000000001s", Some(Some(1_000_000_000))),
            ("007s", Some(Some(7_000_000_000))),
            ("1m0s", Some(Some(60_000_000_000))),
            ("18446744073s", Some(Some(18_446_744_073_000_000_000))),
            // "No limit".
            ("none", Some(None)),
            ("0", Some(None)),
            ("00", Some(None)),
            ("0.0", Some(None)),
            ("0s", Some(None)),
            ("0ms", Some(None)),
            ("0m0s", Some(None)),
            (
                "0.00000000000000000000000000000000000000000000000000",
                Some(None),
            ),
            // Rejected.
            ("0.0001us", None),
            ("", None),
            (" 2s", None),
            ("2s ", None),
            ("2 s", None),
            ("NONE", None),
            ("None", None),
            ("nonE", None),
            ("2", None),
            ("10", None),
            ("1.5", None),
            ("-1s", None),
            ("+1s", None),
            ("s", None),
            ("ms", None),
            ("1.s", None),
            (".5s", None),
            ("0.", None),
            ("1..5s", None),
            ("1.2.3s", None),
            ("1,5s", None),
            ("2S", None),
            ("2Ms", None),
            ("1s1m", None),
            ("1s1s", None),
            ("1ms1s", None),
            ("1us1ms", None),
            ("1x", None),
            ("1ns", None),
            ("1d", None),
            ("2 parsecs", None),
            ("1e3ms", None),
            ("1ms5", None),
            ("1m30", None),
            ("1s.5s", None),
            ("µs", None),
            ("1µs", None),
            ("١s", None),
            ("99999999999999999999s", None),
            ("18446744074s", None),
            ("5124096h", None),
            ("0.00000000000000000000000000000000000000001s", None),
            ("1.99999999999999999999999999999h", None),
        ];
        for &(text, expected) in table {
            assert_eq!(parse_duration(text), expected, "macro, {text:?}");
            assert_eq!(runtime_duration(text), expected, "runtime, {text:?}");
        }
    }

    #[test]
    fn durations_are_explained_as_the_runtime_explains_them() {
        assert_eq!(
            DURATION_HELP,
            graceful_exit_runtime::__private::DURATION_HELP
        );
    }

    /// Beyond the table: every string of up to five characters over an
    /// alphabet that reaches each branch of the grammar.
    #[test]
    fn short_durations_agree_with_the_runtime() {
        const ALPHABET: &[char] = &['0', '1', '5', '.', 'h', 'm', 's', 'u', 'n', ' '];
        let mut texts = vec![String::new()];
        let mut start = 0;
        for _ in 0..5 {
            let end = texts.len();
            for i in start..end {
                for &c in ALPHABET {
                    texts.push(format!("{}{c}", texts[i]));
                }
            }
            start = end;
        }
        for text in &texts {
            assert_eq!(parse_duration(text), runtime_duration(text), "{text:?}");
        }
    }

    /// The macro accepts exactly the runtime's signal names, each naming the
    /// same signal, and the same spellings of them.
    #[test]
    fn signal_names_agree_with_the_runtime() {
        use graceful_exit_runtime::__private::{Signal, SIGNAL_NAMES};
        assert_eq!(SIGNALS, SIGNAL_NAMES);
        let mut texts = vec![
            "",
            "SIG",
            "SIGSIGINT",
            "SIGPIPE",
            "PIPE",
            "SIGKILL",
            "KILL",
            "SIGUSR3",
            "USR",
            "sigint",
            "int",
            "Sigint",
            "SIGint",
            "SIG_INT",
            "SIGINT ",
            " SIGINT",
            "SIGINTX",
            "SIGSEGV",
            "SIGCHLD",
            "SIGALRM",
            "1",
            "15",
        ];
        texts.extend(SIGNAL_NAMES);
        texts.extend(SIGNAL_NAMES.map(|name| &name[3..]));
        for text in texts {
            let runtime = Signal::from_name(text).map(Signal::name);
            assert_eq!(signal_name(text), runtime, "{text:?}");
        }
    }
}
