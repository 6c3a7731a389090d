//! [`Value`] → JSON bytes, driven by the [`Type`].

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{name_list, EncodeError};
use crate::limits::MAX_DEPTH;
use crate::path::{AttributePath, PathStep};
use crate::types::Type;
use crate::value::Value;

/// Encodes a wholly known `value` of type `ty` as Terraform's JSON.
///
/// Numbers keep their full text; a `dynamic` value becomes
/// `{"value": …, "type": …}`; optional attributes missing from an object are
/// written as `null`. An unknown value anywhere is an error, since JSON has no
/// way to say "unknown". The variant leniency of [`crate::encode_msgpack`]
/// applies here too.
pub fn encode_json(value: &Value, ty: &Type) -> Result<Vec<u8>, EncodeError> {
    let mut encoder = Encoder {
        out: String::new(),
        path: AttributePath::root(),
    };
    encoder.value(value, ty, 0)?;
    Ok(encoder.out.into_bytes())
}

struct Encoder {
    out: String,
    path: AttributePath,
}

impl Encoder {
    fn error(&self, message: impl Into<String>) -> EncodeError {
        EncodeError::new(self.path.clone(), message)
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

    fn string(&mut self, s: &str) {
        // serde_json's string escaping is exactly JSON's; writing to a String cannot fail.
        self.out.push_str(&serde_json::Value::from(s).to_string());
    }

    fn value(&mut self, value: &Value, ty: &Type, depth: usize) -> Result<(), EncodeError> {
        if depth > MAX_DEPTH {
            return Err(self.error(format!("value is nested more than {MAX_DEPTH} levels deep")));
        }
        if let Value::Unknown(_) = value {
            return Err(
                self.error("value is not yet known, and JSON cannot express unknown values")
            );
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
                self.out.push_str("null");
                Ok(())
            }
            (Value::Bool(b), Type::Bool) => {
                self.out.push_str(if *b { "true" } else { "false" });
                Ok(())
            }
            (Value::Number(n), Type::Number) => {
                self.out.push_str(n.as_str());
                Ok(())
            }
            (Value::String(s), Type::String) => {
                self.string(s);
                Ok(())
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
                self.out.push('{');
                for (i, (key, item)) in entries.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.string(key);
                    self.out.push(':');
                    self.at(PathStep::Key(key.clone()), |e| {
                        e.value(item, element, depth + 1)
                    })?;
                }
                self.out.push('}');
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
                "expected a {}, found {}",
                ty.kind_name(),
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
        self.out.push('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            let Some(ty) = element_type(i) else {
                return Err(self.error("more elements than the type has"));
            };
            self.at(PathStep::Index(i as i64), |e| e.value(item, ty, depth + 1))?;
        }
        self.out.push(']');
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
        self.out.push('{');
        for (i, (name, attr_ty)) in attributes.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.string(name);
            self.out.push(':');
            match values.get(name) {
                Some(v) => self.at(PathStep::Attribute(name.clone()), |e| {
                    e.value(v, attr_ty, depth + 1)
                })?,
                None if optional.contains(name) => self.out.push_str("null"),
                None => return Err(self.error(format!("missing attribute {name:?}"))),
            }
        }
        self.out.push('}');
        Ok(())
    }

    fn dynamic(&mut self, value: &Value, depth: usize) -> Result<(), EncodeError> {
        let (ty, inner) = match value {
            Value::Null => {
                self.out.push_str("null");
                return Ok(());
            }
            Value::Dynamic(Type::Dynamic, inner) => return self.value(inner, &Type::Dynamic, depth),
            Value::Dynamic(ty, inner) => (ty.clone(), &**inner),
            other => match other.implied_type() {
                Some(ty) => (ty, other),
                None => {
                    return Err(self.error(format!(
                        "cannot tell the type of {} at a dynamic position; wrap it in Value::Dynamic with its type",
                        other.describe()
                    )))
                }
            },
        };
        self.out.push_str("{\"value\":");
        self.value(inner, &ty, depth + 1)?;
        self.out.push_str(",\"type\":");
        self.out.push_str(&ty.to_json().to_string());
        self.out.push('}');
        Ok(())
    }
}
