//! Terraform values: known, null or unknown, with unknown-value refinements.

use std::collections::BTreeMap;
use std::fmt;

/// An arbitrary-precision Terraform number, kept as its canonical decimal text.
///
/// Terraform numbers are big floats; `i64` or `f64` would silently lose
/// precision, so the text is the source of truth and conversions are checked.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Number(String);

impl Number {
    /// Parses decimal text (`-12`, `3.5`, `1e400`), returning `None` if it is not a finite number.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        if t.is_empty() {
            return None;
        }
        let mut chars = t.chars().peekable();
        if matches!(chars.peek(), Some('-') | Some('+')) {
            chars.next();
        }
        let mut digits = 0;
        let mut seen_dot = false;
        let mut seen_exp = false;
        let mut prev = ' ';
        for c in chars {
            match c {
                '0'..='9' => digits += 1,
                '.' if !seen_dot && !seen_exp => seen_dot = true,
                'e' | 'E' if !seen_exp && digits > 0 => seen_exp = true,
                '+' | '-' if prev == 'e' || prev == 'E' => {}
                _ => return None,
            }
            prev = c;
        }
        if digits == 0 || matches!(prev, 'e' | 'E' | '+' | '-') {
            return None;
        }
        Some(Number(canonical(t)))
    }

    /// The decimal text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value as `i64`, if it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        self.0.parse().ok()
    }

    /// The value as `f64` (possibly rounded).
    pub fn as_f64(&self) -> Option<f64> {
        self.0.parse::<f64>().ok().filter(|f| f.is_finite())
    }
}

/// Normalises decimal text: no leading `+`, no trailing fractional zeros, `-0` is `0`.
fn canonical(text: &str) -> String {
    let t = text.strip_prefix('+').unwrap_or(text);
    if let Ok(i) = t.parse::<i64>() {
        return i.to_string();
    }
    if !t.contains(['e', 'E']) && t.contains('.') {
        let trimmed = t.trim_end_matches('0').trim_end_matches('.');
        let trimmed = if trimmed == "-0" || trimmed.is_empty() { "0" } else { trimmed };
        if let Ok(i) = trimmed.parse::<i64>() {
            return i.to_string();
        }
        return trimmed.to_string();
    }
    t.to_string()
}

impl From<i64> for Number {
    fn from(value: i64) -> Self {
        Number(value.to_string())
    }
}

impl TryFrom<f64> for Number {
    type Error = ();
    fn try_from(value: f64) -> Result<Self, ()> {
        if !value.is_finite() {
            return Err(());
        }
        if value.fract() == 0.0 && value.abs() < 9.0e15 {
            return Ok(Number((value as i64).to_string()));
        }
        Ok(Number(canonical(&format!("{value:?}"))))
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A bound on an unknown number: the limit and whether it is inclusive.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NumberBound {
    /// The limit.
    pub value: Number,
    /// Whether the limit itself is allowed.
    pub inclusive: bool,
}

/// What is known about an unknown value (Terraform 1.6+ "refinements").
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Refinements {
    /// `Some(false)`: definitely not null. `Some(true)`: definitely null. `None`: either.
    pub is_null: Option<bool>,
    /// A known prefix of an unknown string.
    pub string_prefix: Option<String>,
    /// A lower bound of an unknown number.
    pub number_lower: Option<NumberBound>,
    /// An upper bound of an unknown number.
    pub number_upper: Option<NumberBound>,
    /// A lower bound (inclusive) of an unknown collection's length.
    pub length_lower: Option<u64>,
    /// An upper bound (inclusive) of an unknown collection's length.
    pub length_upper: Option<u64>,
}

impl Refinements {
    /// Whether nothing is known.
    pub fn is_empty(&self) -> bool {
        *self == Refinements::default()
    }
}

/// A Terraform value. Its type comes from the schema it is read or written with.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Value {
    /// `null`
    #[default]
    Null,
    /// Not known until apply, with whatever is known about it.
    Unknown(Refinements),
    /// A known bool.
    Bool(bool),
    /// A known number.
    Number(Number),
    /// A known string.
    String(String),
    /// A known list (also used for sets: element order is not significant there).
    List(Vec<Value>),
    /// A known set. Elements are unique; order is not significant.
    Set(Vec<Value>),
    /// A known map.
    Map(BTreeMap<String, Value>),
    /// A known object. Every attribute of the type is present (possibly null).
    Object(BTreeMap<String, Value>),
    /// A known tuple.
    Tuple(Vec<Value>),
    /// A value at a `dynamic` position, carrying its concrete type.
    Dynamic(crate::Type, Box<Value>),
}

impl Value {
    /// A wholly unknown value with no refinements.
    pub fn unknown() -> Self {
        Value::Unknown(Refinements::default())
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        match self {
            Value::Null => true,
            Value::Dynamic(_, v) => v.is_null(),
            _ => false,
        }
    }

    /// Whether this value itself is unknown (not looking inside).
    pub fn is_unknown(&self) -> bool {
        match self {
            Value::Unknown(_) => true,
            Value::Dynamic(_, v) => v.is_unknown(),
            _ => false,
        }
    }

    /// Whether this value is known all the way down.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown(_) => false,
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => true,
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => v.iter().all(Value::is_wholly_known),
            Value::Map(m) | Value::Object(m) => m.values().all(Value::is_wholly_known),
            Value::Dynamic(_, v) => v.is_wholly_known(),
        }
    }

    /// The attribute `name` of an object (or the key of a map).
    pub fn get(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Object(m) | Value::Map(m) => m.get(name),
            Value::Dynamic(_, v) => v.get(name),
            _ => None,
        }
    }

    /// The string, if this is a known string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            Value::Dynamic(_, v) => v.as_str(),
            _ => None,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(Number::from(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_canonical() {
        assert_eq!(Number::parse("+12").unwrap().as_str(), "12");
        assert_eq!(Number::parse("3.50").unwrap().as_str(), "3.5");
        assert_eq!(Number::parse("-0.0").unwrap().as_str(), "0");
        assert_eq!(Number::parse("1e400").unwrap().as_str(), "1e400");
        assert!(Number::parse("abc").is_none());
        assert!(Number::parse("1e").is_none());
        assert!(Number::parse("").is_none());
        assert_eq!(Number::try_from(2.0).unwrap().as_str(), "2");
        assert_eq!(Number::try_from(0.25).unwrap().as_str(), "0.25");
    }
}
