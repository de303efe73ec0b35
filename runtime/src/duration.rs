//! The one duration grammar, for the attributes (checked again by the macro
//! crate at compile time, against this one in a table test) and for the
//! environment (`GRACEFUL_EXIT_DEADLINE`).
//!
//! A duration is one or more `<number><unit>` parts, largest unit first,
//! each unit at most once: `"250ms"`, `"2s"`, `"1m"`, `"1.5s"`, `"500us"`,
//! `"1m30s"`, `"1h"`. Units: `h`, `m`, `s`, `ms`, `us`. A number is digits
//! with an optional `.digits` fraction. No spaces, signs or upper case.
//! `"none"`, or any zero (`"0"`, `"00"`, `"0s"`), means "no limit"; a value
//! that is not zero but below a nanosecond (`"0.0001us"`) is rejected.
#![forbid(unsafe_code)]

use std::fmt;
use std::time::Duration;

/// The units, largest first, with their length in nanoseconds. `ms` is
/// listed before `m` so that the longer name wins.
const UNITS: [(&str, u64); 5] = [
    ("h", 3_600_000_000_000),
    ("ms", 1_000_000),
    ("m", 60_000_000_000),
    ("s", 1_000_000_000),
    ("us", 1_000),
];

/// The rank of a unit by size (0 = hours): parts must come in rising rank.
fn rank(unit: &str) -> usize {
    match unit {
        "h" => 0,
        "m" => 1,
        "s" => 2,
        "ms" => 3,
        _ => 4,
    }
}

/// How the grammar is explained in error messages.
pub const HELP: &str =
    "write a duration such as \"250ms\", \"2s\", \"1.5s\", \"1m30s\" or \"500us\", or \"0\"/\"none\" for no limit";

/// Parses a duration: `Some(Some(d))` for a limit, `Some(None)` for "no
/// limit", `None` when `text` is not a duration.
#[must_use]
pub fn parse(text: &str) -> Option<Option<Duration>> {
    if text == "none" {
        return Some(None);
    }
    let (value, rest) = number(text)?;
    if rest.is_empty() {
        // A bare number is accepted only as "no limit".
        return (value.whole == 0 && value.fraction_is_zero()).then_some(None);
    }
    let mut total: u128 = 0;
    let mut written_zero = true;
    let mut next_rank = 0;
    let mut part = Some((value, rest));
    while let Some((value, rest)) = part {
        written_zero &= value.whole == 0 && value.fraction_is_zero();
        let (unit, nanos) = UNITS
            .iter()
            .find(|(unit, _)| rest.starts_with(unit))
            .copied()?;
        if rank(unit) < next_rank {
            return None;
        }
        next_rank = rank(unit) + 1;
        total = total.checked_add(value.nanos(nanos)?)?;
        let rest = &rest[unit.len()..];
        part = if rest.is_empty() {
            None
        } else {
            Some(number(rest)?)
        };
    }
    let total = u64::try_from(total).ok()?;
    // Less than a nanosecond, but not zero: not a limit we can keep.
    if total == 0 && !written_zero {
        return None;
    }
    Some((total != 0).then(|| Duration::from_nanos(total)))
}

/// A number as written: whole part and fraction digits.
#[derive(Clone, Copy)]
struct Number<'a> {
    whole: u64,
    fraction: &'a str,
}

impl Number<'_> {
    fn fraction_is_zero(&self) -> bool {
        self.fraction.bytes().all(|b| b == b'0')
    }

    /// The number times `unit` nanoseconds; fractions of a nanosecond are
    /// dropped.
    fn nanos(&self, unit: u64) -> Option<u128> {
        let whole = u128::from(self.whole).checked_mul(u128::from(unit))?;
        let digits = u32::try_from(self.fraction.len()).ok()?;
        let scale = 10u128.checked_pow(digits)?;
        let fraction: u128 = if self.fraction.is_empty() {
            0
        } else {
            self.fraction.parse().ok()?
        };
        whole.checked_add(fraction.checked_mul(u128::from(unit))? / scale)
    }
}

/// Splits off a leading `digits[.digits]`.
fn number(text: &str) -> Option<(Number<'_>, &str)> {
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let whole_len = digits(text);
    if whole_len == 0 {
        return None;
    }
    let whole = text[..whole_len].parse().ok()?;
    let rest = &text[whole_len..];
    match rest.strip_prefix('.') {
        Some(after) => {
            let fraction_len = digits(after);
            if fraction_len == 0 {
                return None;
            }
            let number = Number {
                whole,
                fraction: &after[..fraction_len],
            };
            Some((number, &after[fraction_len..]))
        }
        None => Some((
            Number {
                whole,
                fraction: "",
            },
            rest,
        )),
    }
}

/// Formats an optional limit the way the grammar writes it: `8s`, `250ms`,
/// `500us`, or `no limit`.
pub(crate) struct DurationText(pub(crate) Option<Duration>);

impl fmt::Display for DurationText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(duration) = self.0 else {
            return f.write_str("no limit");
        };
        // In u64 arithmetic: no 128-bit formatting in the binary.
        let (seconds, nanos) = (duration.as_secs(), u64::from(duration.subsec_nanos()));
        if nanos == 0 {
            return write!(f, "{seconds}s");
        }
        let whole = |unit: u64| seconds.saturating_mul(1_000_000_000 / unit) + nanos / unit;
        if nanos % 1_000_000 == 0 {
            write!(f, "{}ms", whole(1_000_000))
        } else if nanos % 1_000 == 0 {
            write!(f, "{}us", whole(1_000))
        } else {
            write!(f, "{}ns", whole(1))
        }
    }
}

/// Formats how long something took, with one decimal: `12.3µs`, `4.5ms`,
/// `1.2s`.
pub(crate) struct Elapsed(pub(crate) Duration);

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nanos = u64::try_from(self.0.as_nanos()).unwrap_or(u64::MAX);
        let (tenths, unit) = if nanos < 1_000_000 {
            (nanos / 100, "µs")
        } else if nanos < 1_000_000_000 {
            (nanos / 100_000, "ms")
        } else {
            (nanos / 100_000_000, "s")
        };
        write!(f, "{}.{}{unit}", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Option<Option<Duration>> {
        Some(Some(Duration::from_millis(n)))
    }

    #[test]
    fn accepted() {
        assert_eq!(parse("250ms"), ms(250));
        assert_eq!(parse("2s"), ms(2_000));
        assert_eq!(parse("1m"), ms(60_000));
        assert_eq!(parse("1.5s"), ms(1_500));
        assert_eq!(parse("1m30s"), ms(90_000));
        assert_eq!(parse("1h"), ms(3_600_000));
        assert_eq!(parse("500us"), Some(Some(Duration::from_micros(500))));
        assert_eq!(parse("1s500ms"), ms(1_500));
        for none in ["0", "00", "0.0", "0s", "0ms", "none", "0m0s"] {
            assert_eq!(parse(none), Some(None), "{none}");
        }
    }

    #[test]
    fn rejected() {
        for bad in [
            "",
            " 2s",
            "2s ",
            "2",
            "10",
            "-1s",
            "+1s",
            "s",
            "1.s",
            ".5s",
            "1,5s",
            "2S",
            "NONE",
            "None",
            "2 s",
            "1s1m",
            "1s1s",
            "1x",
            "2 parsecs",
            "1e3ms",
            "99999999999999999999s",
            "1ms5",
            "0.",
            "µs",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn text() {
        assert_eq!(DurationText(None).to_string(), "no limit");
        assert_eq!(DurationText(Some(Duration::from_secs(8))).to_string(), "8s");
        assert_eq!(
            DurationText(Some(Duration::from_millis(300))).to_string(),
            "300ms"
        );
        assert_eq!(
            DurationText(Some(Duration::from_micros(1500))).to_string(),
            "1500us"
        );
        assert_eq!(Elapsed(Duration::from_nanos(12_345)).to_string(), "12.3µs");
        assert_eq!(Elapsed(Duration::from_micros(4_560)).to_string(), "4.5ms");
        assert_eq!(Elapsed(Duration::from_millis(1_250)).to_string(), "1.2s");
    }
}
