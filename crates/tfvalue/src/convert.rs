//! Conversion of a value to a type, the way Terraform converts configuration.
//!
//! Used for `dynamic` attributes that nonetheless have an expected shape: HCL's
//! `{ ... }` and `[ ... ]` literals arrive as objects and tuples, and become the
//! maps, lists and objects the provider expects here, with errors at their paths.

use std::collections::BTreeMap;

use crate::error::DecodeError;
use crate::number::Number;
use crate::path::{AttributePath, PathStep};
use crate::types::Type;
use crate::value::Value;

/// Converts `value` to `target`: objects to maps, tuples and sets to lists,
/// strings to numbers and bools and back, and objects to objects whose missing
/// attributes become null (every attribute of `target` is treated as optional).
///
/// Null and unknown values convert to themselves. An attribute `target` does not
/// have is an error naming the ones it does.
pub fn convert(value: &Value, target: &Type) -> Result<Value, DecodeError> {
    convert_at(value, target, &mut AttributePath::root())
}

fn convert_at(
    value: &Value,
    target: &Type,
    path: &mut AttributePath,
) -> Result<Value, DecodeError> {
    let value = match value {
        Value::Dynamic(_, inner) => inner.as_ref(),
        other => other,
    };
    if matches!(value, Value::Null | Value::Unknown(_)) || *target == Type::Dynamic {
        return Ok(value.clone());
    }
    let mismatch = |what: &str| {
        DecodeError::new(
            path.clone(),
            format!("expected {}, found {what}", describe(target)),
        )
    };
    match (target, value) {
        (Type::String, Value::String(_))
        | (Type::Bool, Value::Bool(_))
        | (Type::Number, Value::Number(_)) => Ok(value.clone()),
        (Type::String, Value::Number(n)) => Ok(Value::String(n.to_string())),
        (Type::String, Value::Bool(b)) => Ok(Value::String(b.to_string())),
        (Type::Number, Value::String(s)) => Number::parse(s)
            .map(Value::Number)
            .ok_or_else(|| mismatch(&format!("the string {s:?}"))),
        (Type::Bool, Value::String(s)) => match s.as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(mismatch(&format!("the string {s:?}"))),
        },
        (
            Type::List(element) | Type::Set(element),
            Value::List(items) | Value::Set(items) | Value::Tuple(items),
        ) => {
            let converted = convert_items(items, element, path)?;
            Ok(if matches!(target, Type::Set(_)) {
                Value::Set(converted)
            } else {
                Value::List(converted)
            })
        }
        (Type::Map(element), Value::Map(entries) | Value::Object(entries)) => {
            let mut out = BTreeMap::new();
            for (key, item) in entries {
                path.push(PathStep::Key(key.clone()));
                let converted = convert_at(item, element, path);
                path.pop();
                out.insert(key.clone(), converted?);
            }
            Ok(Value::Map(out))
        }
        (Type::Object { attributes, .. }, Value::Map(entries) | Value::Object(entries)) => {
            if let Some(extra) = entries.keys().find(|k| !attributes.contains_key(*k)) {
                let valid = attributes
                    .keys()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", ");
                let at = path.clone().attribute(extra.clone());
                return Err(DecodeError::new(
                    at,
                    format!("unsupported attribute {extra:?}; valid attributes are: {valid}"),
                ));
            }
            let mut out = BTreeMap::new();
            for (name, attr_ty) in attributes {
                let item = entries.get(name).unwrap_or(&Value::Null);
                path.push(PathStep::Attribute(name.clone()));
                let converted = convert_at(item, attr_ty, path);
                path.pop();
                out.insert(name.clone(), converted?);
            }
            Ok(Value::Object(out))
        }
        (Type::Tuple(types), Value::List(items) | Value::Tuple(items))
            if types.len() == items.len() =>
        {
            let mut out = Vec::with_capacity(items.len());
            for (i, (item, ty)) in items.iter().zip(types).enumerate() {
                path.push(PathStep::Index(i as i64));
                let converted = convert_at(item, ty, path);
                path.pop();
                out.push(converted?);
            }
            Ok(Value::Tuple(out))
        }
        (_, other) => Err(mismatch(&describe_value(other))),
    }
}

fn convert_items(
    items: &[Value],
    element: &Type,
    path: &mut AttributePath,
) -> Result<Vec<Value>, DecodeError> {
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        path.push(PathStep::Index(i as i64));
        let converted = convert_at(item, element, path);
        path.pop();
        out.push(converted?);
    }
    Ok(out)
}

fn describe(ty: &Type) -> &'static str {
    match ty {
        Type::Bool => "a bool",
        Type::Number => "a number",
        Type::String => "a string",
        Type::Dynamic => "any value",
        Type::List(_) | Type::Set(_) | Type::Tuple(_) => "a list",
        Type::Map(_) => "a map",
        Type::Object { .. } => "an object",
    }
}

fn describe_value(value: &Value) -> String {
    match value {
        Value::Bool(b) => format!("the bool {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::List(_) | Value::Set(_) | Value::Tuple(_) => "a list".to_string(),
        Value::Map(_) | Value::Object(_) => "an object".to_string(),
        Value::Null => "null".to_string(),
        Value::Unknown(_) => "an unknown value".to_string(),
        Value::Dynamic(_, inner) => describe_value(inner),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule_type() -> Type {
        Type::map(Type::object([
            ("schedule", Type::String),
            ("retention_days", Type::Number),
            (
                "copy_to",
                Type::list(Type::object([("vault_arn", Type::String)])),
            ),
        ]))
    }

    fn object(pairs: &[(&str, Value)]) -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn hcl_literals_become_the_expected_shape() {
        let literal = object(&[(
            "daily",
            object(&[
                ("retention_days", Value::from("35")),
                (
                    "copy_to",
                    Value::Tuple(vec![object(&[("vault_arn", "arn:x".into())])]),
                ),
            ]),
        )]);
        let converted = convert(&literal, &rule_type()).unwrap();
        let daily = converted.get("daily").unwrap();
        assert!(matches!(converted, Value::Map(_)));
        assert_eq!(daily.get("retention_days"), Some(&Value::from(35)));
        assert_eq!(daily.get("schedule"), Some(&Value::Null));
        assert!(matches!(daily.get("copy_to"), Some(Value::List(items)) if items.len() == 1));
    }

    #[test]
    fn errors_point_at_the_bad_value() {
        let literal = object(&[("daily", object(&[("retention_days", Value::from("many"))]))]);
        let err = convert(&literal, &rule_type()).unwrap_err();
        assert_eq!(err.path().to_string(), r#"["daily"].retention_days"#);
        assert!(err.to_string().contains("expected a number"), "{err}");

        let literal = object(&[("daily", object(&[("retension_days", Value::from(3))]))]);
        let err = convert(&literal, &rule_type()).unwrap_err();
        assert!(
            err.to_string()
                .contains("unsupported attribute \"retension_days\""),
            "{err}"
        );
        assert!(err.to_string().contains("retention_days"), "{err}");
    }

    #[test]
    fn unknowns_and_nulls_pass_through() {
        assert_eq!(
            convert(&Value::unknown(), &rule_type()).unwrap(),
            Value::unknown()
        );
        let literal = object(&[("daily", Value::unknown())]);
        assert_eq!(
            convert(&literal, &rule_type()).unwrap().get("daily"),
            Some(&Value::unknown())
        );
    }
}
