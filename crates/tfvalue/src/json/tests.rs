//! JSON codec vectors.

use std::collections::BTreeMap;

use super::{decode_json, encode_json};
use crate::number::Number;
use crate::path::AttributePath;
use crate::types::Type;
use crate::value::Value;

fn num(text: &str) -> Value {
    Value::Number(Number::parse(text).unwrap())
}

#[test]
fn numbers_keep_every_digit() {
    let text = "123456789012345678901234567890.123456789012345678901234567891";
    let value = decode_json(text.as_bytes(), &Type::Number).unwrap();
    assert_eq!(value, num(text));
    assert_eq!(encode_json(&value, &Type::Number).unwrap(), text.as_bytes());
    assert_eq!(decode_json(b"1e400", &Type::Number).unwrap(), num("1e400"));
    assert_eq!(decode_json(b"-0.0", &Type::Number).unwrap(), Value::from(0));
}

#[test]
fn objects_read_missing_attributes_as_null_and_reject_unknown_ones() {
    let ty = Type::object([
        ("name", Type::String),
        ("size", Type::Number),
        ("tags", Type::map(Type::String)),
    ]);
    let value = decode_json(br#"{"name": "a", "tags": {"k": "v"}}"#, &ty).unwrap();
    let want = Value::Object(BTreeMap::from([
        ("name".to_string(), "a".into()),
        ("size".to_string(), Value::Null),
        (
            "tags".to_string(),
            Value::Map(BTreeMap::from([("k".to_string(), "v".into())])),
        ),
    ]));
    assert_eq!(value, want);
    assert_eq!(
        encode_json(&value, &ty).unwrap(),
        br#"{"name":"a","size":null,"tags":{"k":"v"}}"#
    );

    let err = decode_json(br#"{"name": "a", "colour": "red"}"#, &ty).unwrap_err();
    assert!(
        err.message().starts_with("unexpected attribute \"colour\""),
        "{err}"
    );
    let err = decode_json(br#"{"tags": {"k": 1.5, "j": [1]}}"#, &ty).unwrap_err();
    assert_eq!(err.path(), &AttributePath::attr("tags").key("j"));
    assert_eq!(err.message(), "expected a string, found an array");
}

#[test]
fn terraform_conversions() {
    assert_eq!(
        decode_json(br#""12.50""#, &Type::Number).unwrap(),
        num("12.5")
    );
    assert_eq!(
        decode_json(br#""true""#, &Type::Bool).unwrap(),
        Value::Bool(true)
    );
    assert_eq!(
        decode_json(b"1.50", &Type::String).unwrap(),
        Value::from("1.50")
    );
    assert_eq!(
        decode_json(b"false", &Type::String).unwrap(),
        Value::from("false")
    );
    assert!(decode_json(br#""yes""#, &Type::Bool).is_err());
    assert!(decode_json(b"{}", &Type::String).is_err());
}

#[test]
fn dynamic_values() {
    let value = decode_json(
        br#"{"type": ["list", "number"], "value": [1, 2]}"#,
        &Type::Dynamic,
    )
    .unwrap();
    let want = Value::Dynamic(
        Type::list(Type::Number),
        Box::new(Value::List(vec![Value::from(1), Value::from(2)])),
    );
    assert_eq!(value, want);
    assert_eq!(
        encode_json(&value, &Type::Dynamic).unwrap(),
        br#"{"value":[1,2],"type":["list","number"]}"#
    );
    assert_eq!(decode_json(b"null", &Type::Dynamic).unwrap(), Value::Null);
    assert!(decode_json(br#"{"value": 1}"#, &Type::Dynamic).is_err());
    assert!(decode_json(br#"{"type": "number"}"#, &Type::Dynamic).is_err());
    assert!(decode_json(br#"{"type": "number", "value": 1, "x": 2}"#, &Type::Dynamic).is_err());
}

#[test]
fn unknown_values_cannot_be_written() {
    let ty = Type::list(Type::String);
    let err = encode_json(&Value::List(vec![Value::unknown()]), &ty).unwrap_err();
    assert_eq!(err.path(), &AttributePath::root().index(0));
}

#[test]
fn strings_are_escaped() {
    let value = Value::from("a\"b\\c\n\u{1}é");
    let bytes = encode_json(&value, &Type::String).unwrap();
    assert_eq!(bytes, "\"a\\\"b\\\\c\\n\\u0001é\"".as_bytes());
    assert_eq!(decode_json(&bytes, &Type::String).unwrap(), value);
}

#[test]
fn deep_nesting_is_an_error() {
    let mut ty = Type::String;
    for _ in 0..100 {
        ty = Type::list(ty);
    }
    let deep = "[".repeat(100_000);
    assert!(decode_json(deep.as_bytes(), &ty).is_err());
}
