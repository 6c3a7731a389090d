//! Rust types → [`Value`] through serde, shaped by the [`Type`].

use std::collections::BTreeMap;

use serde::ser::{self, Impossible, Serialize};

use super::passthrough::{self, PASSTHROUGH_NAME};
use super::ser_key::KeySerializer;
use crate::error::{name_list, EncodeError};
use crate::number::Number;
use crate::path::{AttributePath, PathStep};
use crate::types::Type;
use crate::value::Value;

/// Builds a [`Value`] of type `ty` from a Rust value.
///
/// The type decides the shape: a struct or string-keyed map becomes an object
/// (attributes the Rust value lacks, such as skipped `None` fields, become null;
/// fields the type lacks are an error) or a map; a sequence becomes a list, set
/// or tuple; `None` and `()` become null; unit enum variants become strings.
/// Numbers go into number types only, with floats written as their shortest
/// exact decimal. Under a `dynamic` type the value is built as plain data
/// (sequences as tuples, maps and structs as objects) and wrapped in
/// [`Value::Dynamic`] with the type it implies. A field of type [`Value`] is
/// taken as it is. Every error carries the path of the place it is about.
pub fn to_value<T: Serialize + ?Sized>(value: &T, ty: &Type) -> Result<Value, EncodeError> {
    serialize_at(value, ty, AttributePath::root(), false)
}

/// Serializes one place; `in_dynamic` is set below a `dynamic` position, which wraps once at its top.
fn serialize_at<T: Serialize + ?Sized>(
    value: &T,
    ty: &Type,
    path: AttributePath,
    in_dynamic: bool,
) -> Result<Value, EncodeError> {
    let built = value
        .serialize(ValueSerializer {
            ty,
            path: path.clone(),
            in_dynamic,
        })
        .map_err(|e| e.placed_at(&path))?;
    if *ty != Type::Dynamic || in_dynamic {
        return Ok(built);
    }
    match built {
        Value::Null | Value::Unknown(_) | Value::Dynamic(..) => Ok(built),
        plain => match plain.implied_type() {
            Some(implied) => Ok(Value::Dynamic(implied, Box::new(plain))),
            None => Err(EncodeError::new(
                path,
                format!(
                    "cannot tell the type of {}: its elements differ in type",
                    plain.describe()
                ),
            )),
        },
    }
}

/// A serializer producing the value at one place of a type.
struct ValueSerializer<'t> {
    ty: &'t Type,
    path: AttributePath,
    in_dynamic: bool,
}

impl<'t> ValueSerializer<'t> {
    fn error(&self, message: impl Into<String>) -> EncodeError {
        EncodeError::new(self.path.clone(), message)
    }

    fn mismatch(&self, found: &str) -> EncodeError {
        self.error(format!("expected {}, found {found}", what(self.ty)))
    }

    /// Checks that a primitive of type `kind` may go here.
    fn primitive(&self, kind: &Type, found: &str, value: Value) -> Result<Value, EncodeError> {
        if self.ty == kind || *self.ty == Type::Dynamic {
            Ok(value)
        } else {
            Err(self.mismatch(found))
        }
    }

    fn number(&self, n: Number) -> Result<Value, EncodeError> {
        self.primitive(&Type::Number, "a number", Value::Number(n))
    }

    fn child<T: Serialize + ?Sized>(
        &self,
        value: &T,
        ty: &Type,
        step: PathStep,
    ) -> Result<Value, EncodeError> {
        let in_dynamic = self.in_dynamic || *self.ty == Type::Dynamic;
        serialize_at(value, ty, self.path.clone().step(step), in_dynamic)
    }

    fn sequence(self, len: Option<usize>) -> Result<SeqBuilder<'t>, EncodeError> {
        let kind = match self.ty {
            Type::List(_) => SeqKind::List,
            Type::Set(_) => SeqKind::Set,
            Type::Tuple(types) => {
                if let Some(len) = len.filter(|len| *len != types.len()) {
                    return Err(self.error(format!(
                        "expected a tuple of {} elements, found {len}",
                        types.len()
                    )));
                }
                SeqKind::Tuple
            }
            Type::Dynamic => SeqKind::Tuple,
            _ => return Err(self.mismatch("a sequence")),
        };
        Ok(SeqBuilder {
            parent: self,
            kind,
            items: Vec::new(),
        })
    }

    fn mapping(self, found: &str) -> Result<MapBuilder<'t>, EncodeError> {
        match self.ty {
            Type::Map(_) | Type::Object { .. } | Type::Dynamic => Ok(MapBuilder {
                parent: self,
                entries: BTreeMap::new(),
                pending_key: None,
            }),
            _ => Err(self.mismatch(found)),
        }
    }
}

/// What a type expects, for messages.
fn what(ty: &Type) -> String {
    match ty {
        Type::Object { .. } => "an object".into(),
        other => format!("a {}", other.kind_name()),
    }
}

impl<'t> ser::Serializer for ValueSerializer<'t> {
    type Ok = Value;
    type Error = EncodeError;
    type SerializeSeq = SeqBuilder<'t>;
    type SerializeTuple = SeqBuilder<'t>;
    type SerializeTupleStruct = SeqBuilder<'t>;
    type SerializeTupleVariant = Impossible<Value, EncodeError>;
    type SerializeMap = MapBuilder<'t>;
    type SerializeStruct = MapBuilder<'t>;
    type SerializeStructVariant = Impossible<Value, EncodeError>;

    fn serialize_bool(self, v: bool) -> Result<Value, EncodeError> {
        self.primitive(&Type::Bool, "a bool", Value::Bool(v))
    }

    fn serialize_i8(self, v: i8) -> Result<Value, EncodeError> {
        self.number(Number::from(i64::from(v)))
    }

    fn serialize_i16(self, v: i16) -> Result<Value, EncodeError> {
        self.number(Number::from(i64::from(v)))
    }

    fn serialize_i32(self, v: i32) -> Result<Value, EncodeError> {
        self.number(Number::from(v))
    }

    fn serialize_i64(self, v: i64) -> Result<Value, EncodeError> {
        self.number(Number::from(v))
    }

    fn serialize_i128(self, v: i128) -> Result<Value, EncodeError> {
        self.number(Number::from(v))
    }

    fn serialize_u8(self, v: u8) -> Result<Value, EncodeError> {
        self.number(Number::from(u64::from(v)))
    }

    fn serialize_u16(self, v: u16) -> Result<Value, EncodeError> {
        self.number(Number::from(u64::from(v)))
    }

    fn serialize_u32(self, v: u32) -> Result<Value, EncodeError> {
        self.number(Number::from(v))
    }

    fn serialize_u64(self, v: u64) -> Result<Value, EncodeError> {
        self.number(Number::from(v))
    }

    fn serialize_u128(self, v: u128) -> Result<Value, EncodeError> {
        self.number(Number::from(v))
    }

    fn serialize_f32(self, v: f32) -> Result<Value, EncodeError> {
        // Through the shortest text of the f32, so 0.1f32 is 0.1 and not 0.100000001490116.
        match Number::parse(&v.to_string()) {
            Some(n) if v.is_finite() => self.number(n),
            _ => Err(self.error(format!("{v} is not a finite number"))),
        }
    }

    fn serialize_f64(self, v: f64) -> Result<Value, EncodeError> {
        match Number::try_from(v) {
            Ok(n) => self.number(n),
            Err(not_finite) => Err(self.error(not_finite.to_string())),
        }
    }

    fn serialize_char(self, v: char) -> Result<Value, EncodeError> {
        self.primitive(&Type::String, "a string", Value::String(v.to_string()))
    }

    fn serialize_str(self, v: &str) -> Result<Value, EncodeError> {
        self.primitive(&Type::String, "a string", Value::String(v.to_string()))
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<Value, EncodeError> {
        match std::str::from_utf8(v) {
            Ok(s) => self.serialize_str(s),
            Err(_) => Err(self.error("bytes are not valid UTF-8, so they cannot be a string")),
        }
    }

    fn serialize_none(self) -> Result<Value, EncodeError> {
        Ok(Value::Null)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, EncodeError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Value, EncodeError> {
        Ok(Value::Null)
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value, EncodeError> {
        Ok(Value::Null)
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value, EncodeError> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Value, EncodeError> {
        if name == PASSTHROUGH_NAME {
            // A `tfvalue::Value` field: taken as it is.
            return passthrough::capture(|| value.serialize(self));
        }
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Value, EncodeError> {
        // Externally tagged, like serde's other formats: an object of one attribute.
        let mut builder = self.mapping("an enum variant with data")?;
        ser::SerializeStruct::serialize_field(&mut builder, variant, value)?;
        ser::SerializeStruct::end(builder)
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<SeqBuilder<'t>, EncodeError> {
        self.sequence(len)
    }

    fn serialize_tuple(self, len: usize) -> Result<SeqBuilder<'t>, EncodeError> {
        self.sequence(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<SeqBuilder<'t>, EncodeError> {
        self.sequence(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, EncodeError> {
        Err(self.error(format!(
            "enum variant {variant:?} holds a tuple, which has no Terraform form"
        )))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<MapBuilder<'t>, EncodeError> {
        self.mapping("a map")
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<MapBuilder<'t>, EncodeError> {
        self.mapping("a struct")
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, EncodeError> {
        Err(self.error(format!(
            "enum variant {variant:?} holds fields; wrap them in a struct (a newtype variant) instead"
        )))
    }
}

#[derive(Clone, Copy)]
enum SeqKind {
    List,
    Set,
    Tuple,
}

/// Collects a sequence into a list, set or tuple.
struct SeqBuilder<'t> {
    parent: ValueSerializer<'t>,
    kind: SeqKind,
    items: Vec<Value>,
}

impl SeqBuilder<'_> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EncodeError> {
        let index = self.items.len();
        let element_type = match self.parent.ty {
            Type::List(e) | Type::Set(e) => &**e,
            Type::Tuple(types) => match types.get(index) {
                Some(t) => t,
                None => {
                    return Err(self.parent.error(format!(
                        "expected a tuple of {} elements, found more",
                        types.len()
                    )))
                }
            },
            _ => &Type::Dynamic,
        };
        let item = self
            .parent
            .child(value, element_type, PathStep::Index(index as i64))?;
        self.items.push(item);
        Ok(())
    }

    fn finish(self) -> Result<Value, EncodeError> {
        Ok(match self.kind {
            SeqKind::List => Value::List(self.items),
            SeqKind::Set => Value::Set(self.items),
            SeqKind::Tuple => {
                if let Type::Tuple(types) = self.parent.ty {
                    if types.len() != self.items.len() {
                        return Err(self.parent.error(format!(
                            "expected a tuple of {} elements, found {}",
                            types.len(),
                            self.items.len()
                        )));
                    }
                }
                Value::Tuple(self.items)
            }
        })
    }
}

/// serde's three sequence traits, all collecting through [`SeqBuilder::push`].
macro_rules! seq_traits {
    ($($trait:ident::$method:ident),*) => {$(
        impl ser::$trait for SeqBuilder<'_> {
            type Ok = Value;
            type Error = EncodeError;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EncodeError> {
                self.push(value)
            }

            fn end(self) -> Result<Value, EncodeError> {
                self.finish()
            }
        }
    )*};
}
seq_traits!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field
);

/// Collects string-keyed entries into an object or a map.
struct MapBuilder<'t> {
    parent: ValueSerializer<'t>,
    entries: BTreeMap<String, Value>,
    pending_key: Option<String>,
}

impl MapBuilder<'_> {
    fn insert<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), EncodeError> {
        let (ty, step) = match self.parent.ty {
            Type::Object { attributes, .. } => match attributes.get(key) {
                Some(t) => (t, PathStep::Attribute(key.to_string())),
                None => {
                    return Err(self.parent.error(format!(
                        "unexpected attribute {key:?}; the object's attributes are {}",
                        name_list(attributes.keys())
                    )))
                }
            },
            Type::Map(e) => (&**e, PathStep::Key(key.to_string())),
            _ => (&Type::Dynamic, PathStep::Attribute(key.to_string())),
        };
        let item = self.parent.child(value, ty, step)?;
        if self.entries.insert(key.to_string(), item).is_some() {
            return Err(self.parent.error(format!("key {key:?} appears twice")));
        }
        Ok(())
    }

    fn finish(mut self) -> Result<Value, EncodeError> {
        Ok(match self.parent.ty {
            Type::Object { attributes, .. } => {
                for name in attributes.keys() {
                    self.entries.entry(name.clone()).or_insert(Value::Null);
                }
                Value::Object(self.entries)
            }
            Type::Map(_) => Value::Map(self.entries),
            _ => Value::Object(self.entries),
        })
    }
}

impl ser::SerializeMap for MapBuilder<'_> {
    type Ok = Value;
    type Error = EncodeError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), EncodeError> {
        let key = key
            .serialize(KeySerializer)
            .map_err(|e| e.placed_at(&self.parent.path))?;
        self.pending_key = Some(key);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EncodeError> {
        let Some(key) = self.pending_key.take() else {
            return Err(self.parent.error("a map value came before its key"));
        };
        self.insert(&key, value)
    }

    fn end(self) -> Result<Value, EncodeError> {
        self.finish()
    }
}

impl ser::SerializeStruct for MapBuilder<'_> {
    type Ok = Value;
    type Error = EncodeError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), EncodeError> {
        self.insert(key, value)
    }

    fn end(self) -> Result<Value, EncodeError> {
        self.finish()
    }
}
