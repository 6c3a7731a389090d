//! [`Value`] → msgpack bytes, driven by the [`Type`].

use std::collections::{BTreeMap, BTreeSet};

use super::write::{WriteError, Writer, EXT_REFINED_UNKNOWN, UNKNOWN};
use crate::error::{name_list, EncodeError};
use crate::limits::MAX_DEPTH;
use crate::number::Number;
use crate::path::{AttributePath, PathStep};
use crate::types::Type;
use crate::value::{NumberBound, Refinements, Value};

/// Terraform truncates string-prefix refinements longer than this before sending them.
const MAX_PREFIX_LEN: usize = 256;

/// Encodes `value` as a msgpack `DynamicValue` of type `ty`, the way Terraform does.
///
/// Numbers are written as integers when they are integers in `i64` range, as
/// float64 when a float holds them exactly, and as decimal strings otherwise.
/// Object attributes are written in name order; an attribute missing from the
/// value is an error unless the type marks it optional (it is then written as
/// null). Unknowns without refinements are written as extension 0; with
/// refinements as extension 12 (an unknown refined as "definitely null" is
/// written as null). A value at a `dynamic` position is written as
/// `[type JSON, value]`, using the type of [`Value::Dynamic`] or else the type
/// the value implies ([`Value::implied_type`]).
///
/// The variants of the value need not match the type exactly where the meaning is
/// clear: a `List` is accepted for a set or tuple, a `Tuple` for a list, a `Set`
/// for a list, an `Object` for a map and a `Map` for an object.
pub fn encode_msgpack(value: &Value, ty: &Type) -> Result<Vec<u8>, EncodeError> {
    let mut encoder = Encoder {
        writer: Writer::default(),
        path: AttributePath::root(),
    };
    encoder.value(value, ty, 0)?;
    Ok(encoder.writer.out)
}

struct Encoder {
    writer: Writer,
    path: AttributePath,
}

impl Encoder {
    fn error(&self, message: impl Into<String>) -> EncodeError {
        EncodeError::new(self.path.clone(), message)
    }

    fn check(&self, result: Result<(), WriteError>) -> Result<(), EncodeError> {
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
                self.writer.nil();
                Ok(())
            }
            (Value::Unknown(refinements), _) => self.unknown(refinements, ty),
            (Value::Bool(b), Type::Bool) => {
                self.writer.bool(*b);
                Ok(())
            }
            (Value::Number(n), Type::Number) => self.number(n),
            (Value::String(s), Type::String) => {
                let result = self.writer.str(s);
                self.check(result)
            }
            (Value::List(items) | Value::Tuple(items), Type::List(element))
            | (Value::Set(items) | Value::List(items), Type::Set(element)) => {
                self.elements(items, |_| Some(&**element), depth)
            }
            (Value::Tuple(items) | Value::List(items), Type::Tuple(elements)) => {
                if items.len() != elements.len() {
                    return Err(self.error(format!(
                        "expected a tuple of {} elements, found {}",
                        elements.len(),
                        items.len()
                    )));
                }
                self.elements(items, |i| elements.get(i), depth)
            }
            (Value::Map(entries) | Value::Object(entries), Type::Map(element)) => {
                let result = self.writer.map_len(entries.len());
                self.check(result)?;
                for (key, item) in entries {
                    let result = self.writer.str(key);
                    self.check(result)?;
                    self.at(PathStep::Key(key.clone()), |e| {
                        e.value(item, element, depth + 1)
                    })?;
                }
                Ok(())
            }
            (
                Value::Object(values) | Value::Map(values),
                Type::Object {
                    attributes,
                    optional,
                },
            ) => self.object(values, attributes, optional, depth),
            (other, _) => {
                Err(self.error(format!("expected {}, found {}", what(ty), other.describe())))
            }
        }
    }

    fn elements<'t>(
        &mut self,
        items: &[Value],
        element_type: impl Fn(usize) -> Option<&'t Type>,
        depth: usize,
    ) -> Result<(), EncodeError> {
        let result = self.writer.array_len(items.len());
        self.check(result)?;
        for (i, item) in items.iter().enumerate() {
            let Some(ty) = element_type(i) else {
                return Err(self.error("more elements than the type has"));
            };
            self.at(PathStep::Index(i as i64), |e| e.value(item, ty, depth + 1))?;
        }
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
        let result = self.writer.map_len(attributes.len());
        self.check(result)?;
        for (name, attr_ty) in attributes {
            let result = self.writer.str(name);
            self.check(result)?;
            match values.get(name) {
                Some(v) => self.at(PathStep::Attribute(name.clone()), |e| {
                    e.value(v, attr_ty, depth + 1)
                })?,
                None if optional.contains(name) => self.writer.nil(),
                None => return Err(self.error(format!("missing attribute {name:?}"))),
            }
        }
        Ok(())
    }

    fn number(&mut self, n: &Number) -> Result<(), EncodeError> {
        if let Some(i) = n.as_i64() {
            self.writer.int(i);
        } else if let Some(f) = (!n.is_integer()).then(|| n.to_f64_exact()).flatten() {
            self.writer.float(f);
        } else {
            let result = self.writer.str(n.as_str());
            self.check(result)?;
        }
        Ok(())
    }

    /// A value at a `dynamic` position: null, wholly unknown, or `[type JSON, value]`.
    fn dynamic(&mut self, value: &Value, depth: usize) -> Result<(), EncodeError> {
        let (ty, inner) = match value {
            Value::Null => {
                self.writer.nil();
                return Ok(());
            }
            // The type is not known either, so no refinement can apply.
            Value::Unknown(_) => {
                self.writer.out.extend_from_slice(&UNKNOWN);
                return Ok(());
            }
            Value::Dynamic(Type::Dynamic, inner) => return self.value(inner, &Type::Dynamic, depth),
            Value::Dynamic(ty, inner) => (ty.clone(), &**inner),
            other => match other.implied_type() {
                Some(ty) => (ty, other),
                None => {
                    return Err(self.error(format!(
                        "cannot tell the type of {} at a dynamic position (its elements differ in type); \
                         wrap it in Value::Dynamic with its type",
                        other.describe()
                    )))
                }
            },
        };
        let result = self.writer.array_len(2);
        self.check(result)?;
        let result = self.writer.bin(&ty.to_json_bytes());
        self.check(result)?;
        self.value(inner, &ty, depth + 1)
    }

    fn unknown(&mut self, refinements: &Refinements, ty: &Type) -> Result<(), EncodeError> {
        if refinements.is_null == Some(true) {
            // "Unknown but definitely null" is just null.
            self.writer.nil();
            return Ok(());
        }
        if refinements.string_prefix.is_some() && *ty != Type::String {
            return Err(self.error(format!(
                "a string prefix refinement does not apply to a {}",
                ty.kind_name()
            )));
        }
        if (refinements.number_lower.is_some() || refinements.number_upper.is_some())
            && *ty != Type::Number
        {
            return Err(self.error(format!(
                "number bound refinements do not apply to a {}",
                ty.kind_name()
            )));
        }
        if (refinements.length_lower.is_some() || refinements.length_upper.is_some())
            && !ty.is_collection()
        {
            return Err(self.error(format!(
                "length bound refinements do not apply to a {}",
                ty.kind_name()
            )));
        }
        let mut entries = 0;
        let mut body = Encoder {
            writer: Writer::default(),
            path: self.path.clone(),
        };
        if refinements.is_null == Some(false) {
            entries += 1;
            body.writer.int(1);
            body.writer.bool(false);
        }
        if let Some(prefix) = refinements
            .string_prefix
            .as_deref()
            .map(truncate_prefix)
            .filter(|p| !p.is_empty())
        {
            entries += 1;
            body.writer.int(2);
            let result = body.writer.str(prefix);
            body.check(result)?;
        }
        for (key, bound) in [
            (3, &refinements.number_lower),
            (4, &refinements.number_upper),
        ] {
            if let Some(NumberBound { value, inclusive }) = bound {
                entries += 1;
                body.writer.int(key);
                let result = body.writer.array_len(2);
                body.check(result)?;
                body.number(value)?;
                body.writer.bool(*inclusive);
            }
        }
        // Zero is no lower bound; bounds beyond i64 are dropped, which only weakens them.
        let lower = refinements.length_lower.filter(|n| *n > 0);
        for (key, bound) in [(5, lower), (6, refinements.length_upper)] {
            if let Some(bound) = bound.and_then(|b| i64::try_from(b).ok()) {
                entries += 1;
                body.writer.int(key);
                body.writer.int(bound);
            }
        }
        if entries == 0 {
            self.writer.out.extend_from_slice(&UNKNOWN);
            return Ok(());
        }
        let mut payload = Writer::default();
        let result = payload.map_len(entries);
        self.check(result)?;
        payload.out.extend_from_slice(&body.writer.out);
        let result = self.writer.ext(EXT_REFINED_UNKNOWN, &payload.out);
        self.check(result)
    }
}

/// A prefix short enough for Terraform's refinement size limit.
///
/// Cutting a known prefix shorter only weakens it, but the cut must not land
/// where the next character could combine with the last one kept, so one more
/// character is dropped after cutting at a character boundary.
fn truncate_prefix(prefix: &str) -> &str {
    if prefix.len() <= MAX_PREFIX_LEN {
        return prefix;
    }
    let mut end = MAX_PREFIX_LEN - 1;
    while !prefix.is_char_boundary(end) {
        end -= 1;
    }
    let kept = &prefix[..end];
    match kept.char_indices().next_back() {
        Some((last, _)) => &kept[..last],
        None => kept,
    }
}

/// What a type expects, for messages.
fn what(ty: &Type) -> String {
    match ty {
        Type::Bool | Type::Number | Type::String => format!("a {}", ty.kind_name()),
        Type::Object { .. } => "an object".into(),
        other => format!("a {}", other.kind_name()),
    }
}
