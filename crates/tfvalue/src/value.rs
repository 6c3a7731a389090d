//! Terraform values: known, null or unknown, with unknown-value refinements.

use std::collections::BTreeMap;

use crate::number::Number;
use crate::types::Type;

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
    Dynamic(Type, Box<Value>),
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
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => {
                v.iter().all(Value::is_wholly_known)
            }
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
