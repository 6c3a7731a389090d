//! JSON bytes → [`Value`], driven by the [`Type`].

use std::collections::BTreeMap;

use super::tree::{self, Json};
use super::types::type_from_tree;
use crate::error::{name_list, DecodeError};
use crate::number::Number;
use crate::path::{AttributePath, PathStep};
use crate::types::Type;
use crate::value::Value;

/// Decodes a JSON `DynamicValue` (or raw state) of type `ty`, keeping every digit of numbers.
///
/// Follows Terraform's JSON rules: `null` is null at any type; a `dynamic` value
/// is `{"type": <type JSON>, "value": <value>}`. Like Terraform, it converts where
/// the meaning is clear: a string holding a number is accepted for a number,
/// `"true"`/`"false"` for a bool, and a number or bool for a string. Object
/// attributes the JSON omits read as null (state written before an attribute
/// existed has no entry for it); attributes the type lacks are an error. JSON
/// cannot express unknown values, so the result is wholly known.
pub fn decode_json(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    let json = tree::parse(bytes)?;
    let mut path = AttributePath::root();
    decode(&json, ty, &mut path)
}

fn error(path: &AttributePath, message: impl Into<String>) -> DecodeError {
    DecodeError::new(path.clone(), message)
}

fn mismatch(path: &AttributePath, expected: &str, found: &Json) -> DecodeError {
    error(path, format!("expected {expected}, found {}", found.kind()))
}

fn at<T>(
    path: &mut AttributePath,
    step: PathStep,
    f: impl FnOnce(&mut AttributePath) -> Result<T, DecodeError>,
) -> Result<T, DecodeError> {
    path.push(step);
    let result = f(path);
    path.pop();
    result
}

/// Recursion follows the tree, whose depth the parser already limited.
fn decode(json: &Json, ty: &Type, path: &mut AttributePath) -> Result<Value, DecodeError> {
    if *json == Json::Null {
        return Ok(Value::Null);
    }
    match ty {
        Type::Dynamic => dynamic(json, path),
        Type::Bool => match json {
            Json::Bool(b) => Ok(Value::Bool(*b)),
            Json::String(s) if s == "true" => Ok(Value::Bool(true)),
            Json::String(s) if s == "false" => Ok(Value::Bool(false)),
            other => Err(mismatch(path, "a bool", other)),
        },
        Type::Number => match json {
            Json::Number(text) | Json::String(text) => Number::parse(text)
                .map(Value::Number)
                .ok_or_else(|| error(path, format!("expected a number, found {text:?}"))),
            other => Err(mismatch(path, "a number", other)),
        },
        Type::String => match json {
            Json::String(s) | Json::Number(s) => Ok(Value::String(s.clone())),
            Json::Bool(b) => Ok(Value::String(b.to_string())),
            other => Err(mismatch(path, "a string", other)),
        },
        Type::List(element) | Type::Set(element) => {
            let Json::Array(items) = json else {
                return Err(mismatch(
                    path,
                    &format!("an array (for a {})", ty.kind_name()),
                    json,
                ));
            };
            let values = elements(items, |_| element, path)?;
            Ok(if matches!(ty, Type::Set(_)) {
                Value::Set(values)
            } else {
                Value::List(values)
            })
        }
        Type::Tuple(types) => {
            let Json::Array(items) = json else {
                return Err(mismatch(path, "an array (for a tuple)", json));
            };
            if items.len() != types.len() {
                return Err(error(
                    path,
                    format!(
                        "expected a tuple of {} elements, found an array of {}",
                        types.len(),
                        items.len()
                    ),
                ));
            }
            elements(items, |i| &types[i], path).map(Value::Tuple)
        }
        Type::Map(element) => {
            let Json::Object(members) = json else {
                return Err(mismatch(path, "an object (for a map)", json));
            };
            let mut entries = BTreeMap::new();
            for (key, item) in members {
                let value = at(path, PathStep::Key(key.clone()), |p| {
                    decode(item, element, p)
                })?;
                entries.insert(key.clone(), value);
            }
            Ok(Value::Map(entries))
        }
        Type::Object { attributes, .. } => {
            let Json::Object(members) = json else {
                return Err(mismatch(path, "an object", json));
            };
            let mut values = BTreeMap::new();
            for (name, item) in members {
                let Some(attr_ty) = attributes.get(name) else {
                    return Err(error(
                        path,
                        format!(
                            "unexpected attribute {name:?}; the object's attributes are {}",
                            name_list(attributes.keys())
                        ),
                    ));
                };
                let value = at(path, PathStep::Attribute(name.clone()), |p| {
                    decode(item, attr_ty, p)
                })?;
                values.insert(name.clone(), value);
            }
            for name in attributes.keys() {
                values.entry(name.clone()).or_insert(Value::Null);
            }
            Ok(Value::Object(values))
        }
    }
}

fn elements<'t>(
    items: &[Json],
    element_type: impl Fn(usize) -> &'t Type,
    path: &mut AttributePath,
) -> Result<Vec<Value>, DecodeError> {
    let mut values = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        values.push(at(path, PathStep::Index(i as i64), |p| {
            decode(item, element_type(i), p)
        })?);
    }
    Ok(values)
}

/// `{"type": …, "value": …}`
fn dynamic(json: &Json, path: &mut AttributePath) -> Result<Value, DecodeError> {
    let Json::Object(members) = json else {
        return Err(mismatch(
            path,
            "an object with \"type\" and \"value\" for a dynamic value",
            json,
        ));
    };
    let mut ty = None;
    let mut value = None;
    for (key, member) in members {
        match key.as_str() {
            "type" => {
                let parsed = type_from_tree(member).map_err(|e| {
                    error(
                        path,
                        format!("dynamic value has an invalid type: {}", e.message()),
                    )
                })?;
                ty = Some(parsed);
            }
            "value" => value = Some(member),
            other => {
                return Err(error(
                    path,
                    format!(
                    "unexpected key {other:?} in a dynamic value; expected \"type\" and \"value\""
                ),
                ))
            }
        }
    }
    let Some(ty) = ty else {
        return Err(error(path, "dynamic value has no \"type\""));
    };
    let Some(value) = value else {
        return Err(error(path, "dynamic value has no \"value\""));
    };
    let decoded = decode(value, &ty, path)?;
    Ok(if ty == Type::Dynamic {
        decoded
    } else {
        Value::Dynamic(ty, Box::new(decoded))
    })
}
