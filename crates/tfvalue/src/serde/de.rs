//! [`Value`] → Rust types through serde, with the attribute path on every error.

use serde::de::{self, DeserializeOwned, Visitor};

use super::passthrough::{self, PASSTHROUGH_NAME};
use super::place::ValueDeserializer;
use crate::error::DecodeError;
use crate::path::AttributePath;
use crate::value::Value;

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
            return passthrough::hand_over(self.value.clone(), || {
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
        self.enumeration(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        // Whatever is ignored may be unknown.
        visitor.visit_unit()
    }
}
