//! The JSON form of types, as Terraform writes it in schemas and dynamic values:
//! `"string"`, `["list","string"]`, `["object",{"a":"bool"},["a"]]`, `["tuple",["number"]]`, `"dynamic"`.

use std::collections::{BTreeMap, BTreeSet};

use super::tree::{self, Json};
use crate::error::DecodeError;
use crate::limits::MAX_DEPTH;
use crate::path::AttributePath;
use crate::types::Type;

impl Type {
    /// The type's JSON form (`["list","string"]`), as a `serde_json` value.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        let kind = |k: &str, arg: J| J::Array(vec![J::String(k.to_string()), arg]);
        match self {
            Type::Bool => J::String("bool".into()),
            Type::Number => J::String("number".into()),
            Type::String => J::String("string".into()),
            Type::Dynamic => J::String("dynamic".into()),
            Type::List(e) => kind("list", e.to_json()),
            Type::Set(e) => kind("set", e.to_json()),
            Type::Map(e) => kind("map", e.to_json()),
            Type::Tuple(elems) => {
                kind("tuple", J::Array(elems.iter().map(Type::to_json).collect()))
            }
            Type::Object {
                attributes,
                optional,
            } => {
                let attrs = attributes
                    .iter()
                    .map(|(k, t)| (k.clone(), t.to_json()))
                    .collect();
                let mut parts = vec![J::String("object".into()), J::Object(attrs)];
                if !optional.is_empty() {
                    parts.push(J::Array(optional.iter().cloned().map(J::String).collect()));
                }
                J::Array(parts)
            }
        }
    }

    /// The type's JSON form as compact bytes, the way schemas and dynamic values carry it.
    pub fn to_json_bytes(&self) -> Vec<u8> {
        self.to_json().to_string().into_bytes()
    }

    /// Reads a type from its JSON form.
    pub fn from_json(json: &serde_json::Value) -> Result<Type, DecodeError> {
        type_from_tree(&Json::from_serde(json, 0)?)
    }

    /// Reads a type from its JSON form given as bytes.
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Type, DecodeError> {
        type_from_tree(&tree::parse(bytes)?)
    }
}

/// Reads a type from a parsed JSON tree (already depth-limited by the parser).
pub(crate) fn type_from_tree(json: &Json) -> Result<Type, DecodeError> {
    parse_type(json, 0)
}

fn invalid(message: impl Into<String>) -> DecodeError {
    DecodeError::new(
        AttributePath::root(),
        format!("invalid type: {}", message.into()),
    )
}

fn parse_type(json: &Json, depth: usize) -> Result<Type, DecodeError> {
    if depth > MAX_DEPTH {
        return Err(invalid(format!("nested more than {MAX_DEPTH} levels deep")));
    }
    let items = match json {
        Json::String(name) => {
            return match name.as_str() {
                "bool" => Ok(Type::Bool),
                "number" => Ok(Type::Number),
                "string" => Ok(Type::String),
                "dynamic" => Ok(Type::Dynamic),
                other => Err(invalid(format!(
                    "unknown primitive type {other:?}; expected \"bool\", \"number\", \"string\" or \"dynamic\""
                ))),
            };
        }
        Json::Array(items) => items,
        other => {
            return Err(invalid(format!(
                "found {}; expected a type name string or a [kind, argument] array",
                other.kind()
            )))
        }
    };
    let (kind, args) = match items.split_first() {
        Some((Json::String(kind), args)) => (kind.as_str(), args),
        _ => {
            return Err(invalid(
                "a complex type must be an array starting with its kind name",
            ))
        }
    };
    let arity = if kind == "object" { 1..=2 } else { 1..=1 };
    if !arity.contains(&args.len()) {
        return Err(invalid(format!(
            "[{kind:?}, …] has {} arguments",
            args.len()
        )));
    }
    let element = || parse_type(&args[0], depth + 1).map(Box::new);
    match kind {
        "list" => Ok(Type::List(element()?)),
        "set" => Ok(Type::Set(element()?)),
        "map" => Ok(Type::Map(element()?)),
        "tuple" => match &args[0] {
            Json::Array(elems) => Ok(Type::Tuple(
                elems.iter().map(|e| parse_type(e, depth + 1)).collect::<Result<_, _>>()?,
            )),
            other => Err(invalid(format!("tuple element types must be an array, found {}", other.kind()))),
        },
        "object" => {
            let Json::Object(members) = &args[0] else {
                return Err(invalid(format!(
                    "object attribute types must be a JSON object, found {}",
                    args[0].kind()
                )));
            };
            let mut attributes = BTreeMap::new();
            for (name, ty) in members {
                attributes.insert(name.clone(), parse_type(ty, depth + 1)?);
            }
            let mut optional = BTreeSet::new();
            if let Some(names) = args.get(1) {
                let Json::Array(names) = names else {
                    return Err(invalid("optional attribute names must be an array of strings"));
                };
                for name in names {
                    let Json::String(name) = name else {
                        return Err(invalid("optional attribute names must be an array of strings"));
                    };
                    if !attributes.contains_key(name) {
                        return Err(invalid(format!("optional attribute {name:?} is not an attribute of the object")));
                    }
                    optional.insert(name.clone());
                }
            }
            Ok(Type::Object { attributes, optional })
        }
        other => Err(invalid(format!(
            "unknown type kind {other:?}; expected \"list\", \"set\", \"map\", \"object\" or \"tuple\""
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_terraform_type_json() {
        let ty = Type::object([
            ("b", Type::list(Type::String)),
            ("a", Type::Tuple(vec![Type::Number, Type::Dynamic])),
            ("c", Type::map(Type::set(Type::Bool))),
        ]);
        let text = String::from_utf8(ty.to_json_bytes()).unwrap();
        assert_eq!(
            text,
            r#"["object",{"a":["tuple",["number","dynamic"]],"b":["list","string"],"c":["map",["set","bool"]]}]"#
        );
        assert_eq!(Type::from_json_bytes(text.as_bytes()).unwrap(), ty);
    }

    #[test]
    fn optional_attributes() {
        let text = br#"["object",{"a":"string","b":"number"},["b"]]"#;
        let ty = Type::from_json_bytes(text).unwrap();
        let Type::Object { optional, .. } = &ty else {
            panic!("not an object")
        };
        assert!(optional.contains("b"));
        assert_eq!(ty.to_json_bytes(), text.to_vec());
        assert_eq!(Type::from_json(&ty.to_json()).unwrap(), ty);
    }

    #[test]
    fn rejects_bad_types() {
        for bad in [
            r#""str""#,
            r#"["list"]"#,
            r#"["list","string","x"]"#,
            r#"["object",["a"]]"#,
            r#"["object",{"a":"string"},["b"]]"#,
            r#"["tuple","string"]"#,
            r#"["array","string"]"#,
            r#"[]"#,
            r#"42"#,
        ] {
            assert!(
                Type::from_json_bytes(bad.as_bytes()).is_err(),
                "{bad} should be rejected"
            );
        }
    }
}
