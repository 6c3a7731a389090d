//! msgpack bytes → [`Value`], driven by the [`Type`].

use std::collections::{BTreeMap, BTreeSet};

use super::read::{Head, Reader};
use super::write::EXT_REFINED_UNKNOWN;
use crate::error::{name_list, DecodeError};
use crate::json::tree;
use crate::json::type_from_tree;
use crate::limits::MAX_DEPTH;
use crate::number::Number;
use crate::path::{AttributePath, PathStep};
use crate::types::Type;
use crate::value::{NumberBound, Refinements, Value};

/// Refinement payloads larger than this are refused, as Terraform itself does.
const MAX_REFINEMENTS_LEN: usize = 1024;

/// Decodes a msgpack `DynamicValue` of type `ty`.
///
/// Accepts every encoding the wire format allows: any integer width, float32 or
/// float64, numbers as decimal strings, strings as `str` or (valid UTF-8) `bin`,
/// and any extension value as an unknown (type 12 with refinements). Objects must
/// carry every attribute of the type except those the type marks optional, which
/// read as null when absent; an attribute the type lacks is an error. Map keys and
/// object attributes may not repeat. Nothing may follow the value.
pub fn decode_msgpack(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    let mut decoder = Decoder {
        reader: Reader::new(bytes),
        path: AttributePath::root(),
    };
    let value = decoder.value(ty, 0)?;
    if decoder.reader.remaining() > 0 {
        return Err(decoder.error(format!(
            "{} unexpected bytes after the value",
            decoder.reader.remaining()
        )));
    }
    Ok(value)
}

struct Decoder<'a> {
    reader: Reader<'a>,
    path: AttributePath,
}

impl<'a> Decoder<'a> {
    fn error(&self, message: impl Into<String>) -> DecodeError {
        DecodeError::new(self.path.clone(), message)
    }

    fn head(&mut self) -> Result<Head<'a>, DecodeError> {
        self.reader.head().map_err(|e| self.error(e.to_string()))
    }

    fn mismatch(&self, expected: &Type, found: &Head<'_>) -> DecodeError {
        self.error(format!(
            "expected {}, found {}",
            expected_what(expected),
            found.describe()
        ))
    }

    /// Runs `f` with `step` pushed on the path.
    fn at<T>(
        &mut self,
        step: PathStep,
        f: impl FnOnce(&mut Self) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        self.path.push(step);
        let result = f(self);
        self.path.pop();
        result
    }

    fn value(&mut self, ty: &Type, depth: usize) -> Result<Value, DecodeError> {
        if depth > MAX_DEPTH {
            return Err(self.error(format!("value is nested more than {MAX_DEPTH} levels deep")));
        }
        let head = self.head()?;
        match head {
            Head::Ext(code, payload) => return self.unknown(ty, code, payload),
            Head::Nil => return Ok(Value::Null),
            _ => {}
        }
        match ty {
            Type::Dynamic => self.dynamic(head, depth),
            Type::Bool => match head {
                Head::Bool(b) => Ok(Value::Bool(b)),
                other => Err(self.mismatch(ty, &other)),
            },
            Type::Number => self.number(head).map(Value::Number),
            Type::String => match head {
                Head::Str(bytes) | Head::Bin(bytes) => self.utf8(bytes).map(Value::String),
                other => Err(self.mismatch(ty, &other)),
            },
            Type::List(element) | Type::Set(element) => {
                let Head::Array(len) = head else {
                    return Err(self.mismatch(ty, &head));
                };
                let items = self.elements(len, |_| element, depth)?;
                Ok(if matches!(ty, Type::Set(_)) {
                    Value::Set(items)
                } else {
                    Value::List(items)
                })
            }
            Type::Tuple(elements) => {
                let Head::Array(len) = head else {
                    return Err(self.mismatch(ty, &head));
                };
                if len != elements.len() {
                    return Err(self.error(format!(
                        "expected a tuple of {} elements, found an array of {len}",
                        elements.len()
                    )));
                }
                let items = self.elements(len, |i| &elements[i], depth)?;
                Ok(Value::Tuple(items))
            }
            Type::Map(element) => {
                let Head::Map(len) = head else {
                    return Err(self.mismatch(ty, &head));
                };
                let mut entries = BTreeMap::new();
                for _ in 0..len {
                    let key = self.key("map key")?;
                    if entries.contains_key(&key) {
                        return Err(self.error(format!("map key {key:?} appears twice")));
                    }
                    let value =
                        self.at(PathStep::Key(key.clone()), |d| d.value(element, depth + 1))?;
                    entries.insert(key, value);
                }
                Ok(Value::Map(entries))
            }
            Type::Object {
                attributes,
                optional,
            } => {
                let Head::Map(len) = head else {
                    return Err(self.mismatch(ty, &head));
                };
                self.object(len, attributes, optional, depth)
            }
        }
    }

    fn elements<'t>(
        &mut self,
        len: usize,
        element_type: impl Fn(usize) -> &'t Type,
        depth: usize,
    ) -> Result<Vec<Value>, DecodeError> {
        // `len` is bounded by the input size (each item takes a byte), but grow as items arrive anyway.
        let mut items = Vec::new();
        for i in 0..len {
            let ty = element_type(i);
            items.push(self.at(PathStep::Index(i as i64), |d| d.value(ty, depth + 1))?);
        }
        Ok(items)
    }

    fn object(
        &mut self,
        len: usize,
        attributes: &BTreeMap<String, Type>,
        optional: &BTreeSet<String>,
        depth: usize,
    ) -> Result<Value, DecodeError> {
        let mut values = BTreeMap::new();
        for _ in 0..len {
            let name = self.key("attribute name")?;
            let Some(attr_ty) = attributes.get(&name) else {
                return Err(self.error(format!(
                    "unexpected attribute {name:?}; the object's attributes are {}",
                    name_list(attributes.keys())
                )));
            };
            if values.contains_key(&name) {
                return Err(self.error(format!("attribute {name:?} appears twice")));
            }
            let value = self.at(PathStep::Attribute(name.clone()), |d| {
                d.value(attr_ty, depth + 1)
            })?;
            values.insert(name, value);
        }
        for name in attributes.keys() {
            if !values.contains_key(name) {
                if !optional.contains(name) {
                    return Err(self.error(format!("missing attribute {name:?}")));
                }
                values.insert(name.clone(), Value::Null);
            }
        }
        Ok(Value::Object(values))
    }

    fn key(&mut self, what: &str) -> Result<String, DecodeError> {
        match self.head()? {
            Head::Str(bytes) | Head::Bin(bytes) => self.utf8(bytes),
            other => Err(self.error(format!(
                "expected a string {what}, found {}",
                other.describe()
            ))),
        }
    }

    fn utf8(&self, bytes: &[u8]) -> Result<String, DecodeError> {
        String::from_utf8(bytes.to_vec()).map_err(|e| {
            self.error(format!(
                "string is not valid UTF-8 (bad byte at offset {})",
                e.utf8_error().valid_up_to()
            ))
        })
    }

    fn number(&self, head: Head<'_>) -> Result<Number, DecodeError> {
        match head {
            Head::Int(i) => Ok(Number::from(i)),
            Head::Float(f) => Number::from_f64_exact(f).ok_or_else(|| {
                self.error(format!("expected a finite number, found the float {f}"))
            }),
            Head::Str(bytes) => {
                let text = self.utf8(bytes)?;
                Number::parse(&text).ok_or_else(|| {
                    self.error(format!("expected a number, found the string {text:?}"))
                })
            }
            other => Err(self.mismatch(&Type::Number, &other)),
        }
    }

    /// A `dynamic` value: `[type JSON, value]`.
    fn dynamic(&mut self, head: Head<'_>, depth: usize) -> Result<Value, DecodeError> {
        let Head::Array(2) = head else {
            return Err(self.mismatch(&Type::Dynamic, &head));
        };
        let type_json = match self.head()? {
            Head::Bin(bytes) | Head::Str(bytes) => bytes,
            other => {
                return Err(self.error(format!(
                    "expected the JSON type of a dynamic value, found {}",
                    other.describe()
                )))
            }
        };
        let ty = tree::parse(type_json)
            .and_then(|json| type_from_tree(&json))
            .map_err(|e| {
                self.error(format!(
                    "dynamic value has an invalid type: {}",
                    e.message()
                ))
            })?;
        let value = self.value(&ty, depth + 1)?;
        // A value whose type is itself `dynamic` already carries its own wrapper (or none).
        Ok(if ty == Type::Dynamic {
            value
        } else {
            Value::Dynamic(ty, Box::new(value))
        })
    }

    /// An unknown value: any extension; type 12 carries refinements.
    fn unknown(&self, ty: &Type, code: i8, payload: &[u8]) -> Result<Value, DecodeError> {
        if payload.len() <= 1 {
            return Ok(Value::unknown());
        }
        if code != EXT_REFINED_UNKNOWN {
            return Err(self.error(format!(
                "unsupported extension type {code} with a {}-byte payload; only type 12 carries unknown-value refinements",
                payload.len()
            )));
        }
        if payload.len() > MAX_REFINEMENTS_LEN {
            return Err(self.error(format!(
                "unknown-value refinements of {} bytes exceed the {MAX_REFINEMENTS_LEN}-byte limit",
                payload.len()
            )));
        }
        let refinements = self.refinements(ty, payload)?;
        // "Definitely null" is simply null; Terraform collapses it the same way.
        Ok(if refinements.is_null == Some(true) {
            Value::Null
        } else {
            Value::Unknown(refinements)
        })
    }

    fn refinements(&self, ty: &Type, payload: &[u8]) -> Result<Refinements, DecodeError> {
        let bad = |m: String| self.error(format!("invalid unknown-value refinements: {m}"));
        let mut reader = Reader::new(payload);
        let Head::Map(entries) = reader.head().map_err(|e| bad(e.to_string()))? else {
            return Err(bad("the payload is not a map".into()));
        };
        let mut refinements = Refinements::default();
        if *ty == Type::Dynamic {
            // Terraform defines no refinements for values of unknown type.
            return Ok(refinements);
        }
        for _ in 0..entries {
            let key = match reader.head().map_err(|e| bad(e.to_string()))? {
                Head::Int(key) => key,
                other => {
                    return Err(bad(format!(
                        "expected an integer key, found {}",
                        other.describe()
                    )))
                }
            };
            match key {
                1 => match reader.head().map_err(|e| bad(e.to_string()))? {
                    Head::Bool(is_null) => refinements.is_null = Some(is_null),
                    other => {
                        return Err(bad(format!(
                            "nullness must be a boolean, found {}",
                            other.describe()
                        )))
                    }
                },
                2 => {
                    if *ty != Type::String {
                        return Err(bad(format!(
                            "a string prefix is only valid for a string, not a {}",
                            ty.kind_name()
                        )));
                    }
                    match reader.head().map_err(|e| bad(e.to_string()))? {
                        Head::Str(bytes) => {
                            let prefix = self.utf8(bytes)?;
                            refinements.string_prefix = (!prefix.is_empty()).then_some(prefix);
                        }
                        other => {
                            return Err(bad(format!(
                                "string prefix must be a string, found {}",
                                other.describe()
                            )))
                        }
                    }
                }
                3 | 4 => {
                    if *ty != Type::Number {
                        return Err(bad(format!(
                            "number bounds are only valid for a number, not a {}",
                            ty.kind_name()
                        )));
                    }
                    let bound = self.number_bound(&mut reader)?;
                    if key == 3 {
                        refinements.number_lower = bound;
                    } else {
                        refinements.number_upper = bound;
                    }
                }
                5 | 6 => {
                    if !ty.is_collection() {
                        return Err(bad(format!(
                            "length bounds are only valid for a list, set or map, not a {}",
                            ty.kind_name()
                        )));
                    }
                    let bound = match reader.head().map_err(|e| bad(e.to_string()))? {
                        Head::Int(n) if n < 0 => {
                            return Err(bad(format!(
                                "length bound must not be negative, found {n}"
                            )))
                        }
                        // Terraform's lengths are `int`; a bound past that bounds nothing.
                        Head::Int(n) => u64::try_from(n).ok().filter(|n| i64::try_from(*n).is_ok()),
                        other => {
                            return Err(bad(format!(
                                "length bound must be an integer, found {}",
                                other.describe()
                            )))
                        }
                    };
                    if key == 5 {
                        refinements.length_lower = bound.filter(|n| *n > 0);
                    } else {
                        refinements.length_upper = bound;
                    }
                }
                // Later Terraform versions may add refinements; ignoring them is always safe.
                _ => reader.skip(MAX_DEPTH).map_err(|e| bad(e.to_string()))?,
            }
        }
        // Bytes after the map are reserved for future use and ignored, as Terraform does.
        Ok(refinements)
    }

    /// `[number, inclusive]`; an infinite bound (older Terraform wrote those) is no bound.
    fn number_bound(&self, reader: &mut Reader<'_>) -> Result<Option<NumberBound>, DecodeError> {
        let bad = |m: String| self.error(format!("invalid number bound: {m}"));
        match reader.head().map_err(|e| bad(e.to_string()))? {
            Head::Array(2) => {}
            other => {
                return Err(bad(format!(
                    "expected [number, bool], found {}",
                    other.describe()
                )))
            }
        }
        let value = match reader.head().map_err(|e| bad(e.to_string()))? {
            Head::Float(f) if f.is_infinite() => None,
            head => Some(self.number(head)?),
        };
        let inclusive = match reader.head().map_err(|e| bad(e.to_string()))? {
            Head::Bool(b) => b,
            other => {
                return Err(bad(format!(
                    "inclusiveness must be a boolean, found {}",
                    other.describe()
                )))
            }
        };
        Ok(value.map(|value| NumberBound { value, inclusive }))
    }
}

/// "a string", "an array (for a list)", … for the expected side of a message.
pub(crate) fn expected_what(ty: &Type) -> String {
    match ty {
        Type::Bool => "a bool".into(),
        Type::Number => "a number".into(),
        Type::String => "a string".into(),
        Type::Dynamic => "a [type, value] pair for a dynamic value".into(),
        Type::List(_) => "an array (for a list)".into(),
        Type::Set(_) => "an array (for a set)".into(),
        Type::Tuple(elements) => format!("an array (for a tuple of {})", elements.len()),
        Type::Map(_) => "a map".into(),
        Type::Object { .. } => "a map (for an object)".into(),
    }
}
