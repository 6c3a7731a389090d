//! The serde access types of the [`Value`] deserializer: sequences, maps,
//! map keys and enums.

use std::collections::btree_map;

use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

use super::place::ValueDeserializer;
use crate::error::DecodeError;
use crate::path::{AttributePath, PathStep};
use crate::value::Value;

/// The containers: where serde's access types take over from the deserializer.
impl<'de> ValueDeserializer<'de> {
    /// Reads a list, set or tuple as a sequence; every element must be taken.
    pub(super) fn seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
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

    /// Reads an object or a map, its entries at attribute or key steps.
    pub(super) fn map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
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

    /// Reads an enum from a variant name, or from an object of one attribute.
    pub(super) fn enumeration<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
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
}

/// The elements of a list, set or tuple, each at its index.
pub(super) struct SeqAccess<'de> {
    items: std::iter::Enumerate<std::slice::Iter<'de, Value>>,
    parent: ValueDeserializer<'de>,
}

impl<'de> de::SeqAccess<'de> for SeqAccess<'de> {
    type Error = DecodeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DecodeError> {
        let Some((i, item)) = self.items.next() else {
            return Ok(None);
        };
        let child = self.parent.child(item, PathStep::Index(i as i64));
        let path = child.path.clone();
        seed.deserialize(child)
            .map(Some)
            .map_err(|e: DecodeError| e.placed_at(&path))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// The entries of an object (attribute steps) or a map (key steps).
pub(super) struct MapAccess<'de> {
    entries: btree_map::Iter<'de, String, Value>,
    pending: Option<(&'de String, &'de Value)>,
    is_object: bool,
    parent: ValueDeserializer<'de>,
}

impl MapAccess<'_> {
    fn step(&self, key: &str) -> PathStep {
        if self.is_object {
            PathStep::Attribute(key.to_string())
        } else {
            PathStep::Key(key.to_string())
        }
    }
}

impl<'de> de::MapAccess<'de> for MapAccess<'de> {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DecodeError> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.pending = Some((key, value));
        let path = self.parent.path.clone().step(self.step(key));
        seed.deserialize(KeyDeserializer {
            key,
            path: path.clone(),
        })
        .map(Some)
        .map_err(|e: DecodeError| e.placed_at(&path))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DecodeError> {
        let Some((key, value)) = self.pending.take() else {
            return Err(self
                .parent
                .error("a map value was requested before its key"));
        };
        let child = self.parent.child(value, self.step(key));
        let path = child.path.clone();
        seed.deserialize(child)
            .map_err(|e: DecodeError| e.placed_at(&path))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// A map key or attribute name; numeric targets parse it (`HashMap<u32, _>`).
struct KeyDeserializer<'de> {
    key: &'de str,
    path: AttributePath,
}

macro_rules! parsed_key_methods {
    ($($method:ident => $visit:ident: $t:ty),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
            match self.key.parse::<$t>() {
                Ok(n) => visitor.$visit(n),
                Err(_) => Err(DecodeError::new(
                    self.path,
                    format!("key {:?} is not a valid {}", self.key, stringify!($t)),
                )),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for KeyDeserializer<'de> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_borrowed_str(self.key)
    }

    parsed_key_methods! {
        deserialize_bool => visit_bool: bool,
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
        deserialize_f32 => visit_f32: f32,
        deserialize_f64 => visit_f64: f64,
        deserialize_char => visit_char: char,
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_enum(self.key.into_deserializer())
    }

    serde::forward_to_deserialize_any! {
        str string bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// An enum read from a variant name, or from an object of one attribute.
pub(super) struct EnumAccess<'de> {
    variant: &'de str,
    value: Option<&'de Value>,
    parent: ValueDeserializer<'de>,
}

impl<'de> de::EnumAccess<'de> for EnumAccess<'de> {
    type Error = DecodeError;
    type Variant = VariantAccess<'de>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, VariantAccess<'de>), DecodeError> {
        let key = de::value::BorrowedStrDeserializer::<DecodeError>::new(self.variant);
        let variant = seed.deserialize(key)?;
        let child = self.value.map(|value| {
            self.parent
                .child(value, PathStep::Attribute(self.variant.to_string()))
        });
        Ok((
            variant,
            VariantAccess {
                child,
                path: self.parent.path,
            },
        ))
    }
}

/// The data of a variant read by [`EnumAccess`], if it has any.
pub(super) struct VariantAccess<'de> {
    child: Option<ValueDeserializer<'de>>,
    path: AttributePath,
}

impl<'de> VariantAccess<'de> {
    fn child(self, kind: &str) -> Result<ValueDeserializer<'de>, DecodeError> {
        self.child.ok_or_else(|| {
            DecodeError::new(
                self.path,
                format!("expected an object holding the {kind} variant's data"),
            )
        })
    }
}

impl<'de> de::VariantAccess<'de> for VariantAccess<'de> {
    type Error = DecodeError;

    fn unit_variant(self) -> Result<(), DecodeError> {
        match self.child {
            None => Ok(()),
            Some(child) if child.value.is_null() => Ok(()),
            Some(child) => Err(child.error("a unit variant takes no data")),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, DecodeError> {
        seed.deserialize(self.child("newtype")?)
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.child("tuple")?.seq(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.child("struct")?.map(visitor)
    }
}
