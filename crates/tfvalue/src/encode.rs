//! The type-directed walk over a [`Value`] that both wire encoders share.
//!
//! Which variants fit which type, optional attributes, tuple lengths, the depth limit, the type
//! written beside a `dynamic` value and the path on every error are decided here once; a
//! [`Sink`] only writes the bytes of its format.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::error::{name_list, EncodeError};
use crate::limits::MAX_DEPTH;
use crate::number::Number;
use crate::path::{AttributePath, PathStep};
use crate::types::Type;
use crate::value::{Refinements, Value};

/// One wire format's writer, driven by [`encode`].
pub(crate) trait Sink {
    /// Why the format could not write something; placed at the walk's path.
    type Error: fmt::Display;

    /// What a value of `ty` was expected to be, for mismatch messages ("a list").
    fn expected(ty: &Type) -> String;

    /// Added after "at a dynamic position" when a value's type cannot be told.
    const UNTYPED_NOTE: &'static str;

    /// Writes null.
    fn null(&mut self);
    /// Writes a bool.
    fn bool(&mut self, b: bool);
    /// Writes a number.
    fn number(&mut self, n: &Number) -> Result<(), Self::Error>;
    /// Writes a string.
    fn string(&mut self, s: &str) -> Result<(), Self::Error>;
    /// Writes an unknown value of type `ty` (`dynamic` when not even the type is known).
    fn unknown(&mut self, refinements: &Refinements, ty: &Type) -> Result<(), Self::Error>;
    /// Starts a list, set or tuple of `len` elements.
    fn begin_array(&mut self, len: usize) -> Result<(), Self::Error>;
    /// Comes before the element at `index`.
    fn element(&mut self, index: usize);
    /// Ends an array.
    fn end_array(&mut self);
    /// Starts a map or object of `len` entries.
    fn begin_map(&mut self, len: usize) -> Result<(), Self::Error>;
    /// Writes the key of the entry at `index`; its value follows.
    fn key(&mut self, index: usize, key: &str) -> Result<(), Self::Error>;
    /// Ends a map or object.
    fn end_map(&mut self);
    /// Comes before a value of type `ty` at a `dynamic` position.
    fn begin_dynamic(&mut self, ty: &Type) -> Result<(), Self::Error>;
    /// Comes after it.
    fn end_dynamic(&mut self, ty: &Type);
}

/// Writes `value` of type `ty` into `sink`.
///
/// The variants of the value need not match the type exactly where the meaning is clear: a
/// `List` is accepted for a set or tuple, a `Tuple` for a list, a `Set` for a list, an `Object`
/// for a map and a `Map` for an object.
pub(crate) fn encode<S: Sink>(value: &Value, ty: &Type, sink: &mut S) -> Result<(), EncodeError> {
    Walker {
        sink,
        path: AttributePath::root(),
    }
    .value(value, ty, 0)
}

struct Walker<'s, S> {
    sink: &'s mut S,
    path: AttributePath,
}

impl<S: Sink> Walker<'_, S> {
    fn error(&self, message: impl Into<String>) -> EncodeError {
        EncodeError::new(self.path.clone(), message)
    }

    fn check(&self, result: Result<(), S::Error>) -> Result<(), EncodeError> {
        result.map_err(|e| self.error(e.to_string()))
    }

    fn at(
        &mut self,
        step: PathStep,
        f: impl FnOnce(&mut Self) -> Result<(), EncodeError>,
    ) -> Result<(), EncodeError> {
        self.path.push(step);
        let result = f(self);
        self.path.pop();
        result
    }

    fn value(&mut self, value: &Value, ty: &Type, depth: usize) -> Result<(), EncodeError> {
        if depth > MAX_DEPTH {
            return Err(self.error(format!("value is nested more than {MAX_DEPTH} levels deep")));
        }
        if let Value::Unknown(refinements) = value {
            let result = self.sink.unknown(refinements, ty);
            return self.check(result);
        }
        if *ty == Type::Dynamic {
            return self.dynamic(value, depth);
        }
        match (value, ty) {
            (Value::Dynamic(inner_ty, inner), _) => {
                if inner_ty != ty {
                    return Err(self.error(format!(
                        "expected a value of type {ty}, found one of type {inner_ty}"
                    )));
                }
                self.value(inner, ty, depth)
            }
            (Value::Null, _) => {
                self.sink.null();
                Ok(())
            }
            (Value::Bool(b), Type::Bool) => {
                self.sink.bool(*b);
                Ok(())
            }
            (Value::Number(n), Type::Number) => {
                let result = self.sink.number(n);
                self.check(result)
            }
            (Value::String(s), Type::String) => {
                let result = self.sink.string(s);
                self.check(result)
            }
            (Value::List(items) | Value::Tuple(items), Type::List(element))
            | (Value::Set(items) | Value::List(items), Type::Set(element)) => {
                self.elements(items, |_| Some(&**element), depth)
            }
            (Value::Tuple(items) | Value::List(items), Type::Tuple(types)) => {
                if items.len() != types.len() {
                    return Err(self.error(format!(
                        "expected a tuple of {} elements, found {}",
                        types.len(),
                        items.len()
                    )));
                }
                self.elements(items, |i| types.get(i), depth)
            }
            (Value::Map(entries) | Value::Object(entries), Type::Map(element)) => {
                let result = self.sink.begin_map(entries.len());
                self.check(result)?;
                for (i, (key, item)) in entries.iter().enumerate() {
                    let result = self.sink.key(i, key);
                    self.check(result)?;
                    self.at(PathStep::Key(key.clone()), |w| {
                        w.value(item, element, depth + 1)
                    })?;
                }
                self.sink.end_map();
                Ok(())
            }
            (
                Value::Object(values) | Value::Map(values),
                Type::Object {
                    attributes,
                    optional,
                },
            ) => self.object(values, attributes, optional, depth),
            (other, _) => Err(self.error(format!(
                "expected {}, found {}",
                S::expected(ty),
                other.describe()
            ))),
        }
    }

    fn elements<'t>(
        &mut self,
        items: &[Value],
        element_type: impl Fn(usize) -> Option<&'t Type>,
        depth: usize,
    ) -> Result<(), EncodeError> {
        let result = self.sink.begin_array(items.len());
        self.check(result)?;
        for (i, item) in items.iter().enumerate() {
            self.sink.element(i);
            let Some(ty) = element_type(i) else {
                return Err(self.error("more elements than the type has"));
            };
            self.at(PathStep::Index(i as i64), |w| w.value(item, ty, depth + 1))?;
        }
        self.sink.end_array();
        Ok(())
    }

    fn object(
        &mut self,
        values: &BTreeMap<String, Value>,
        attributes: &BTreeMap<String, Type>,
        optional: &BTreeSet<String>,
        depth: usize,
    ) -> Result<(), EncodeError> {
        if let Some(extra) = values.keys().find(|k| !attributes.contains_key(*k)) {
            return Err(self.error(format!(
                "unexpected attribute {extra:?}; the object's attributes are {}",
                name_list(attributes.keys())
            )));
        }
        let result = self.sink.begin_map(attributes.len());
        self.check(result)?;
        for (i, (name, attr_ty)) in attributes.iter().enumerate() {
            let result = self.sink.key(i, name);
            self.check(result)?;
            match values.get(name) {
                Some(v) => self.at(PathStep::Attribute(name.clone()), |w| {
                    w.value(v, attr_ty, depth + 1)
                })?,
                None if optional.contains(name) => self.sink.null(),
                None => return Err(self.error(format!("missing attribute {name:?}"))),
            }
        }
        self.sink.end_map();
        Ok(())
    }

    /// A known value at a `dynamic` position: null, or the value beside its type.
    fn dynamic(&mut self, value: &Value, depth: usize) -> Result<(), EncodeError> {
        let (ty, inner) = match value {
            Value::Null => {
                self.sink.null();
                return Ok(());
            }
            Value::Dynamic(Type::Dynamic, inner) => {
                return self.value(inner, &Type::Dynamic, depth)
            }
            Value::Dynamic(ty, inner) => (ty.clone(), &**inner),
            other => match other.implied_type() {
                Some(ty) => (ty, other),
                None => {
                    return Err(self.error(format!(
                        "cannot tell the type of {} at a dynamic position{}; \
                         wrap it in Value::Dynamic with its type",
                        other.describe(),
                        S::UNTYPED_NOTE
                    )))
                }
            },
        };
        let result = self.sink.begin_dynamic(&ty);
        self.check(result)?;
        self.value(inner, &ty, depth + 1)?;
        self.sink.end_dynamic(&ty);
        Ok(())
    }
}
