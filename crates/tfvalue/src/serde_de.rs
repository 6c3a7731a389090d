//! [`Value`] → Rust types through serde, with the attribute path on every error.

use std::fmt;

use serde::de::{self, DeserializeOwned, Visitor};

use crate::serde_de_access::{EnumAccess, MapAccess, SeqAccess};
use crate::serde_passthrough::{self, PASSTHROUGH_NAME};
use crate::{AttributePath, DecodeError, PathStep, Value};

/// Reads a Rust value out of a [`Value`].
///
/// Objects and maps read as structs or maps, lists, sets and tuples as
/// sequences (`Vec`, sets, tuples), strings as strings or unit enum variants,
/// numbers as any integer (range-checked, fractions refused) or float (rounded
/// to the nearest). Null reads as `None` (or `()`); any other target refuses it,
/// so attributes that may be null belong in `Option` fields. An unknown value is
/// an error ("value is not yet known") unless the target is [`Value`] itself,
/// which receives the raw value, unknowns and all; an ignored attribute may be
/// unknown. Every error carries the path of the place it is about.
pub fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T, DecodeError> {
    T::deserialize(ValueDeserializer {
        value,
        path: AttributePath::root(),
    })
}

/// A serde deserializer over one place in a [`Value`].
pub(crate) struct ValueDeserializer<'de> {
    pub(crate) value: &'de Value,
    pub(crate) path: AttributePath,
}

impl<'de> ValueDeserializer<'de> {
    pub(crate) fn error(&self, message: impl Into<String>) -> DecodeError {
        DecodeError::new(self.path.clone(), message)
    }

    /// The value with `Dynamic` wrappers removed, or an error if it is unknown.
    fn known(&self) -> Result<&'de Value, DecodeError> {
        let mut value = self.value;
        while let Value::Dynamic(_, inner) = value {
            value = inner;
        }
        match value {
            Value::Unknown(_) => Err(self.error("value is not yet known")),
            known => Ok(known),
        }
    }

    fn mismatch(&self, expected: &str, found: &Value) -> DecodeError {
        self.error(format!("expected {expected}, found {}", found.describe()))
    }

    fn number(&self) -> Result<&'de crate::Number, DecodeError> {
        match self.known()? {
            Value::Number(n) => Ok(n),
            other => Err(self.mismatch("a number", other)),
        }
    }

    /// The number as an integer of type `T`, range-checked.
    fn integer<T: TryFrom<i128> + fmt::Display + Bounded>(&self) -> Result<T, DecodeError> {
        let n = self.number()?;
        if !n.is_integer() {
            return Err(self.error(format!("expected a whole number, found {n}")));
        }
        let out_of_range = || {
            self.error(format!(
                "{n} is out of range; expected {} to {}",
                T::MIN,
                T::MAX
            ))
        };
        let wide = match n.as_i128() {
            Some(i) => i,
            // Only u128 goes beyond i128.
            None => {
                return T::from_u128(n.as_u128().ok_or_else(out_of_range)?).ok_or_else(out_of_range)
            }
        };
        T::try_from(wide).map_err(|_| out_of_range())
    }

    fn float(&self) -> Result<f64, DecodeError> {
        let n = self.number()?;
        n.as_f64()
            .ok_or_else(|| self.error(format!("{n} is beyond the range of a 64-bit float")))
    }

    pub(crate) fn child(&self, value: &'de Value, step: PathStep) -> ValueDeserializer<'de> {
        ValueDeserializer {
            value,
            path: self.path.clone().step(step),
        }
    }

    pub(crate) fn seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        let items = match self.known()? {
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => items,
            other => return Err(self.mismatch("a list, set or tuple", other)),
        };
        let path = self.path.clone();
        let mut access = SeqAccess {
            items: items.iter().enumerate(),
            parent: self,
        };
        let value = visitor
            .visit_seq(&mut access)
            .map_err(|e: DecodeError| e.placed_at(&path))?;
        match access.items.len() {
            0 => Ok(value),
            left => Err(DecodeError::new(
                path,
                format!("{left} more elements than expected"),
            )),
        }
    }

    pub(crate) fn map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        let (entries, is_object) = match self.known()? {
            Value::Object(entries) => (entries, true),
            Value::Map(entries) => (entries, false),
            other => return Err(self.mismatch("an object or map", other)),
        };
        let path = self.path.clone();
        let access = MapAccess {
            entries: entries.iter(),
            pending: None,
            is_object,
            parent: self,
        };
        visitor
            .visit_map(access)
            .map_err(|e: DecodeError| e.placed_at(&path))
    }
}

/// Integer targets' limits, for range messages and the `u128` corner.
trait Bounded: Sized {
    const MIN: Self;
    const MAX: Self;
    fn from_u128(value: u128) -> Option<Self>;
}

macro_rules! bounded {
    ($($t:ty),*) => {$(
        impl Bounded for $t {
            const MIN: Self = <$t>::MIN;
            const MAX: Self = <$t>::MAX;
            fn from_u128(value: u128) -> Option<Self> {
                <$t>::try_from(value).ok()
            }
        }
    )*};
}
bounded!(i8, i16, i32, i64, i128, u8, u16, u32, u64, u128);

macro_rules! integer_methods {
    ($($method:ident => $visit:ident: $t:ty),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
            let n = self.integer::<$t>()?;
            visitor.$visit(n).map_err(|e: DecodeError| e.placed_at(&self.path))
        }
    )*};
}

impl<'de> de::Deserializer<'de> for ValueDeserializer<'de> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        let result = match self.known()? {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else {
                    visitor.visit_f64(self.float()?)
                }
            }
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::List(_) | Value::Set(_) | Value::Tuple(_) => return self.seq(visitor),
            Value::Map(_) | Value::Object(_) => return self.map(visitor),
            // `known()` resolved these already.
            Value::Unknown(_) | Value::Dynamic(..) => {
                return Err(self.error("value is not yet known"))
            }
        };
        result.map_err(|e: DecodeError| e.placed_at(&self.path))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.known()? {
            Value::Bool(b) => visitor
                .visit_bool(*b)
                .map_err(|e: DecodeError| e.placed_at(&self.path)),
            other => Err(self.mismatch("a bool", other)),
        }
    }

    integer_methods! {
        deserialize_i8 => visit_i8: i8,
        deserialize_i16 => visit_i16: i16,
        deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64,
        deserialize_i128 => visit_i128: i128,
        deserialize_u8 => visit_u8: u8,
        deserialize_u16 => visit_u16: u16,
        deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64,
        deserialize_u128 => visit_u128: u128,
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        let f = self.float()?;
        if f.abs() > f64::from(f32::MAX) {
            return Err(self.error(format!("{f} is beyond the range of a 32-bit float")));
        }
        visitor
            .visit_f32(f as f32)
            .map_err(|e: DecodeError| e.placed_at(&self.path))
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        let f = self.float()?;
        visitor
            .visit_f64(f)
            .map_err(|e: DecodeError| e.placed_at(&self.path))
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.known()? {
            Value::String(s) => {
                let mut chars = s.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => visitor
                        .visit_char(c)
                        .map_err(|e: DecodeError| e.placed_at(&self.path)),
                    _ => Err(self.error(format!("expected a single character, found {s:?}"))),
                }
            }
            other => Err(self.mismatch("a single-character string", other)),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.known()? {
            Value::String(s) => visitor
                .visit_borrowed_str(s)
                .map_err(|e: DecodeError| e.placed_at(&self.path)),
            other => Err(self.mismatch("a string", other)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.known()? {
            Value::String(s) => visitor
                .visit_borrowed_bytes(s.as_bytes())
                .map_err(|e: DecodeError| e.placed_at(&self.path)),
            Value::List(_) | Value::Tuple(_) => self.seq(visitor),
            other => Err(self.mismatch("a string", other)),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        // An unknown goes on to the inner target, which refuses it unless it is `Value`.
        let path = self.path.clone();
        let result = if self.value.is_null() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        };
        result.map_err(|e: DecodeError| e.placed_at(&path))
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.known()? {
            Value::Null => visitor
                .visit_unit()
                .map_err(|e: DecodeError| e.placed_at(&self.path)),
            other => Err(self.mismatch("null", other)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        let path = self.path.clone();
        if name == PASSTHROUGH_NAME {
            // The target is `Value` itself: hand over the raw value, unknowns included.
            return serde_passthrough::hand_over(self.value.clone(), || {
                visitor.visit_newtype_struct(self)
            })
            .map_err(|e: DecodeError| e.placed_at(&path));
        }
        visitor
            .visit_newtype_struct(self)
            .map_err(|e: DecodeError| e.placed_at(&path))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.seq(visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.map(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        let path = self.path.clone();
        let access = match self.known()? {
            Value::String(variant) => EnumAccess {
                variant,
                value: None,
                parent: self,
            },
            Value::Object(entries) | Value::Map(entries) if entries.len() == 1 => {
                let Some((variant, value)) = entries.iter().next() else {
                    return Err(self.error("expected an enum variant"));
                };
                EnumAccess {
                    variant,
                    value: Some(value),
                    parent: self,
                }
            }
            other => {
                return Err(self.mismatch(
                    "a string naming a variant, or an object of one attribute",
                    other,
                ))
            }
        };
        visitor
            .visit_enum(access)
            .map_err(|e: DecodeError| e.placed_at(&path))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        // Whatever is ignored may be unknown.
        visitor.visit_unit()
    }
}
