//! Arbitrary-precision Terraform numbers, kept as canonical decimal text.

use std::cmp::Ordering;
use std::fmt;

/// An arbitrary-precision Terraform number, kept as its canonical decimal text.
///
/// Terraform numbers are big floats; `i64` or `f64` would silently lose
/// precision, so the text is the source of truth and conversions are checked.
///
/// The text is canonical, so two `Number`s are equal exactly when they are
/// numerically equal: integers are written out (`1500`, not `1.5e3`) unless
/// they end in more than 21 zeros, fractions are written out unless they start
/// with more than 5 zeros after the point, and everything else uses an exponent
/// (`1e400`, `1.5e-10`). Ordering by the derived `Ord` is by text; use
/// [`Number::cmp_numeric`] to order numerically.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Number(String);

/// How many significant digits the exact decimal expansion of an `f64` can need.
const F64_MAX_EXACT_DIGITS: usize = 767;

impl Number {
    /// Parses decimal text (`-12`, `3.5`, `1e400`), returning `None` if it is not a finite number.
    pub fn parse(text: &str) -> Option<Self> {
        Decimal::parse(text.trim()).map(|d| Number(d.render()))
    }

    /// The decimal text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value as `i64`, if it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        self.0.parse().ok()
    }

    /// The value as `u64`, if it is a non-negative integer in range.
    pub fn as_u64(&self) -> Option<u64> {
        self.0.parse().ok()
    }

    /// The value as `i128`, if it is an integer in range.
    pub fn as_i128(&self) -> Option<i128> {
        self.0.parse().ok()
    }

    /// The value as `u128`, if it is a non-negative integer in range.
    pub fn as_u128(&self) -> Option<u128> {
        self.0.parse().ok()
    }

    /// The value as `f64` (possibly rounded); `None` if it is beyond `f64`'s range.
    pub fn as_f64(&self) -> Option<f64> {
        self.0.parse::<f64>().ok().filter(|f| f.is_finite())
    }

    /// Whether the number is an integer.
    pub fn is_integer(&self) -> bool {
        self.decimal().exp >= 0
    }

    /// Compares two numbers by value.
    pub fn cmp_numeric(&self, other: &Number) -> Ordering {
        self.decimal().cmp_numeric(&other.decimal())
    }

    /// The exact value of a finite `f64`, with every digit of its binary value.
    ///
    /// Unlike `TryFrom<f64>`, which picks the shortest text that reads back as
    /// the same `f64` (`0.1`), this keeps the float's true value
    /// (`0.1000000000000000055511151231257827…`). The wire codecs use it because
    /// Terraform only sends a float when the float *is* the number.
    pub fn from_f64_exact(value: f64) -> Option<Number> {
        if !value.is_finite() {
            return None;
        }
        if value.fract() == 0.0 && value.abs() < 9.0e15 {
            return Some(Number((value as i64).to_string()));
        }
        // An f64 has at most 767 significant decimal digits, so this precision
        // prints it exactly (Rust rounds correctly, and there is nothing to round).
        let text = format!("{value:.prec$e}", prec = F64_MAX_EXACT_DIGITS + 1);
        Number::parse(&text)
    }

    /// This number as an `f64`, if the `f64` holds exactly this value.
    pub fn to_f64_exact(&self) -> Option<f64> {
        let decimal = self.decimal();
        if decimal.digits.len() > F64_MAX_EXACT_DIGITS {
            return None;
        }
        let f = self.as_f64()?;
        (Number::from_f64_exact(f).as_ref() == Some(self)).then_some(f)
    }

    fn decimal(&self) -> Decimal {
        // The text is canonical, so it always parses; zero is the harmless fallback.
        Decimal::parse(&self.0).unwrap_or_default()
    }
}

impl From<i64> for Number {
    fn from(value: i64) -> Self {
        Number(value.to_string())
    }
}

impl From<u64> for Number {
    fn from(value: u64) -> Self {
        Number(value.to_string())
    }
}

impl From<i32> for Number {
    fn from(value: i32) -> Self {
        Number(value.to_string())
    }
}

impl From<u32> for Number {
    fn from(value: u32) -> Self {
        Number(value.to_string())
    }
}

impl From<i128> for Number {
    fn from(value: i128) -> Self {
        Number(value.to_string())
    }
}

impl From<u128> for Number {
    fn from(value: u128) -> Self {
        Number(value.to_string())
    }
}

/// An `f64` that is NaN or infinite, which no Terraform number can be.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[error("{0} is not a finite number")]
pub struct NotFinite(pub f64);

impl TryFrom<f64> for Number {
    type Error = NotFinite;
    /// The shortest decimal that reads back as the same `f64` (`0.1` stays `0.1`).
    fn try_from(value: f64) -> Result<Self, NotFinite> {
        if !value.is_finite() {
            return Err(NotFinite(value));
        }
        if value.fract() == 0.0 && value.abs() < 9.0e15 {
            return Ok(Number((value as i64).to_string()));
        }
        Number::parse(&format!("{value:e}")).ok_or(NotFinite(value))
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A decimal as `±digits × 10^exp`, `digits` without leading or trailing zeros
/// (empty for zero).
#[derive(Debug, Default, PartialEq, Eq)]
struct Decimal {
    negative: bool,
    digits: String,
    exp: i64,
}

impl Decimal {
    /// Parses `[+-]digits[.digits][e[+-]digits]` (a leading or trailing `.` is allowed).
    fn parse(text: &str) -> Option<Decimal> {
        let bytes = text.as_bytes();
        let mut i = 0;
        let negative = match bytes.first() {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let int_start = i;
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let int_part = &text[int_start..i];
        let mut frac_part = "";
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            let frac_start = i;
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            frac_part = &text[frac_start..i];
        }
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        let mut exp: i64 = 0;
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            i += 1;
            let exp_start = i;
            if matches!(bytes.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let digits_start = i;
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == digits_start {
                return None;
            }
            exp = text[exp_start..i].parse().ok()?;
        }
        if i != bytes.len() {
            return None;
        }
        let frac_len = i64::try_from(frac_part.len()).ok()?;
        let mut exp = exp.checked_sub(frac_len)?;
        let mut digits = String::with_capacity(int_part.len() + frac_part.len());
        digits.push_str(int_part.trim_start_matches('0'));
        if digits.is_empty() {
            digits.push_str(frac_part.trim_start_matches('0'));
        } else {
            digits.push_str(frac_part);
        }
        let trimmed = digits.trim_end_matches('0').len();
        exp = exp.checked_add(i64::try_from(digits.len() - trimmed).ok()?)?;
        digits.truncate(trimmed);
        if digits.is_empty() {
            return Some(Decimal::default());
        }
        // Keep the exponent far from overflow so the arithmetic below is plain.
        let point = exp.checked_add(i64::try_from(digits.len()).ok()?)?;
        if point.unsigned_abs() > 1 << 40 || exp.unsigned_abs() > 1 << 40 {
            return None;
        }
        Some(Decimal {
            negative,
            digits,
            exp,
        })
    }

    /// The canonical text (see [`Number`]).
    fn render(&self) -> String {
        if self.digits.is_empty() {
            return "0".to_string();
        }
        let mut out = String::new();
        if self.negative {
            out.push('-');
        }
        let n = self.digits.len() as i64;
        let point = n + self.exp;
        if (0..=21).contains(&self.exp) {
            out.push_str(&self.digits);
            out.extend(std::iter::repeat_n('0', self.exp as usize));
        } else if self.exp < 0 && point > 0 {
            let (whole, frac) = self.digits.split_at(point as usize);
            out.push_str(whole);
            out.push('.');
            out.push_str(frac);
        } else if self.exp < 0 && point > -6 {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-point) as usize));
            out.push_str(&self.digits);
        } else {
            let (first, rest) = self.digits.split_at(1);
            out.push_str(first);
            if !rest.is_empty() {
                out.push('.');
                out.push_str(rest);
            }
            out.push('e');
            out.push_str(&(point - 1).to_string());
        }
        out
    }

    fn cmp_numeric(&self, other: &Decimal) -> Ordering {
        let sign = |d: &Decimal| match (d.digits.is_empty(), d.negative) {
            (true, _) => 0,
            (false, true) => -1,
            (false, false) => 1,
        };
        match sign(self).cmp(&sign(other)) {
            Ordering::Equal => {}
            unequal => return unequal,
        }
        if self.digits.is_empty() {
            return Ordering::Equal;
        }
        // Same sign: compare magnitudes, by decimal point position and then digits.
        let point = |d: &Decimal| d.digits.len() as i64 + d.exp;
        let magnitude = point(self)
            .cmp(&point(other))
            .then_with(|| self.digits.as_bytes().cmp(other.digits.as_bytes()));
        if self.negative {
            magnitude.reverse()
        } else {
            magnitude
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(text: &str) -> String {
        Number::parse(text)
            .map(|n| n.0)
            .unwrap_or_else(|| "<invalid>".into())
    }

    #[test]
    fn numbers_are_canonical() {
        assert_eq!(canon("+12"), "12");
        assert_eq!(canon("3.50"), "3.5");
        assert_eq!(canon("-0.0"), "0");
        assert_eq!(canon("1e400"), "1e400");
        assert_eq!(canon("1.5e3"), "1500");
        assert_eq!(canon("0007.50"), "7.5");
        assert_eq!(
            canon("123456789012345678901234567890"),
            "123456789012345678901234567890"
        );
        assert_eq!(canon("1e21"), "1000000000000000000000");
        assert_eq!(canon("1e22"), "1e22");
        assert_eq!(canon("0.000001"), "0.000001");
        assert_eq!(canon("0.0000001"), "1e-7");
        assert_eq!(canon("-1.25E-10"), "-1.25e-10");
        assert_eq!(canon(".5"), "0.5");
        assert_eq!(canon("5."), "5");
        for bad in [
            "abc",
            "1e",
            "",
            "-",
            ".",
            "1.2.3",
            "1e+",
            "0x10",
            "inf",
            "NaN",
            "1e99999999999999999999",
        ] {
            assert!(Number::parse(bad).is_none(), "{bad:?} should not parse");
        }
        assert_eq!(Number::try_from(2.0).map(|n| n.0), Ok("2".to_string()));
        assert_eq!(Number::try_from(0.25).map(|n| n.0), Ok("0.25".to_string()));
        assert_eq!(Number::try_from(0.1).map(|n| n.0), Ok("0.1".to_string()));
    }

    #[test]
    fn exact_floats() {
        let exact = Number::from_f64_exact(0.1).map(|n| n.0).unwrap_or_default();
        assert_eq!(
            exact,
            "0.1000000000000000055511151231257827021181583404541015625"
        );
        let half = Number::parse("0.5").unwrap_or_else(|| Number::from(0));
        assert_eq!(half.to_f64_exact(), Some(0.5));
        assert_eq!(Number::parse("0.1").and_then(|n| n.to_f64_exact()), None);
        let tiny = Number::from_f64_exact(f64::from_bits(1)).unwrap_or_else(|| Number::from(0));
        assert_eq!(tiny.to_f64_exact(), Some(f64::from_bits(1)));
    }

    #[test]
    fn numeric_order() {
        let n = |t: &str| Number::parse(t).unwrap_or_else(|| Number::from(0));
        assert_eq!(n("10").cmp_numeric(&n("9")), Ordering::Greater);
        assert_eq!(n("-10").cmp_numeric(&n("-9")), Ordering::Less);
        assert_eq!(n("0.5").cmp_numeric(&n("1e-7")), Ordering::Greater);
        assert_eq!(n("0").cmp_numeric(&n("-1e-400")), Ordering::Greater);
        assert_eq!(n("1e400").cmp_numeric(&n("1e400")), Ordering::Equal);
        assert_eq!(n("12.5").cmp_numeric(&n("12.25")), Ordering::Greater);
    }
}
