//! Byte-exact vectors, derived by hand from Terraform's wire-format description.

use std::collections::BTreeMap;

use super::{decode_msgpack, encode_msgpack};
use crate::number::Number;
use crate::path::AttributePath;
use crate::types::Type;
use crate::value::{NumberBound, Refinements, Value};

fn num(text: &str) -> Number {
    Number::parse(text).unwrap()
}

/// Encodes to exactly `bytes`, and `bytes` decode back to the value.
fn vector(value: Value, ty: &Type, bytes: &[u8]) {
    assert_eq!(
        encode_msgpack(&value, ty).unwrap(),
        bytes,
        "encoding {value:?}"
    );
    assert_eq!(
        decode_msgpack(bytes, ty).unwrap(),
        value,
        "decoding {bytes:02x?}"
    );
}

fn object(entries: &[(&str, Value)]) -> Value {
    Value::Object(
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

#[test]
fn primitives() {
    vector(Value::Null, &Type::String, &[0xc0]);
    vector("hi".into(), &Type::String, &[0xa2, b'h', b'i']);
    vector(true.into(), &Type::Bool, &[0xc3]);
    vector(Value::from(-5), &Type::Number, &[0xfb]);
    vector(Value::from(300), &Type::Number, &[0xcd, 0x01, 0x2c]);
    // 0.5 is exactly a float64, so it travels as one.
    vector(
        Value::Number(num("0.5")),
        &Type::Number,
        &[0xcb, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0],
    );
}

#[test]
fn numbers_that_fit_neither_int_nor_float_travel_as_strings() {
    // 0.1 has no exact float64, so Terraform sends (and expects) the decimal text.
    vector(
        Value::Number(num("0.1")),
        &Type::Number,
        &[0xa3, b'0', b'.', b'1'],
    );
    vector(
        Value::Number(num("1e400")),
        &Type::Number,
        &[0xa5, b'1', b'e', b'4', b'0', b'0'],
    );
    // Beyond i64, integers are strings too (current Terraform does this even when a float would be exact).
    let big = "123456789012345678901234567890";
    // (30 bytes: still a fixstr)
    let mut bytes = vec![0xa0 | 30];
    bytes.extend_from_slice(big.as_bytes());
    vector(Value::Number(num(big)), &Type::Number, &bytes);
    // Decoding accepts every form: u64, float32, float64 and strings in exponent form.
    let u64_max = [0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    assert_eq!(
        decode_msgpack(&u64_max, &Type::Number).unwrap(),
        Value::Number(num("18446744073709551615"))
    );
    assert_eq!(
        decode_msgpack(&[0xca, 0x3f, 0xc0, 0, 0], &Type::Number).unwrap(),
        Value::Number(num("1.5"))
    );
    let inexact = decode_msgpack(
        &[0xcb, 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a],
        &Type::Number,
    )
    .unwrap();
    assert_eq!(
        inexact,
        Value::Number(num(
            "0.1000000000000000055511151231257827021181583404541015625"
        ))
    );
    assert_eq!(
        decode_msgpack(b"\xa31e3", &Type::Number).unwrap(),
        Value::from(1000)
    );
    assert!(decode_msgpack(b"\xa3abc", &Type::Number).is_err());
    // Infinity has no place in a known number here.
    assert!(decode_msgpack(&[0xcb, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0], &Type::Number).is_err());
}

#[test]
fn unknown_without_refinements_is_extension_zero() {
    vector(Value::unknown(), &Type::String, &[0xd4, 0x00, 0x00]);
    vector(
        Value::unknown(),
        &Type::list(Type::Number),
        &[0xd4, 0x00, 0x00],
    );
    vector(Value::unknown(), &Type::Dynamic, &[0xd4, 0x00, 0x00]);
    // Any extension with at most one byte is a plain unknown, whatever its type code.
    assert_eq!(
        decode_msgpack(&[0xc7, 0x00, 0x05], &Type::Bool).unwrap(),
        Value::unknown()
    );
    assert_eq!(
        decode_msgpack(&[0xd4, 0x7f, 0x01], &Type::Bool).unwrap(),
        Value::unknown()
    );
    // A refinement that is "nothing known" is written the old way.
    let empty = Value::Unknown(Refinements {
        length_lower: Some(0),
        ..Default::default()
    });
    assert_eq!(
        encode_msgpack(&empty, &Type::set(Type::String)).unwrap(),
        [0xd4, 0x00, 0x00]
    );
}

#[test]
fn refined_unknowns() {
    // string, not null, prefix "ab": {1: false, 2: "ab"} in ext8 of type 12
    let refined = Value::Unknown(Refinements {
        is_null: Some(false),
        string_prefix: Some("ab".into()),
        ..Default::default()
    });
    vector(
        refined,
        &Type::String,
        &[0xc7, 0x07, 0x0c, 0x82, 0x01, 0xc2, 0x02, 0xa2, b'a', b'b'],
    );

    // a 4-byte payload uses fixext4: {2: "a"}
    let prefix_only = Value::Unknown(Refinements {
        string_prefix: Some("a".into()),
        ..Default::default()
    });
    vector(
        prefix_only,
        &Type::String,
        &[0xd6, 0x0c, 0x81, 0x02, 0xa1, b'a'],
    );

    // number in [0, 10): {1: false, 3: [0, true], 4: [10, false]}
    let bounded = Value::Unknown(Refinements {
        is_null: Some(false),
        number_lower: Some(NumberBound {
            value: num("0"),
            inclusive: true,
        }),
        number_upper: Some(NumberBound {
            value: num("10"),
            inclusive: false,
        }),
        ..Default::default()
    });
    let bytes = [
        0xc7, 0x0b, 0x0c, 0x83, 0x01, 0xc2, 0x03, 0x92, 0x00, 0xc3, 0x04, 0x92, 0x0a, 0xc2,
    ];
    vector(bounded, &Type::Number, &bytes);

    // list of 1 to 5 elements: {5: 1, 6: 5}
    let sized = Value::Unknown(Refinements {
        length_lower: Some(1),
        length_upper: Some(5),
        ..Default::default()
    });
    vector(
        sized,
        &Type::list(Type::String),
        &[0xc7, 0x05, 0x0c, 0x82, 0x05, 0x01, 0x06, 0x05],
    );

    // an object can only be refined as not null: {1: false}
    let not_null = Value::Unknown(Refinements {
        is_null: Some(false),
        ..Default::default()
    });
    vector(
        not_null,
        &Type::object([("a", Type::Bool)]),
        &[0xc7, 0x03, 0x0c, 0x81, 0x01, 0xc2],
    );
}

#[test]
fn refinement_decoding_edge_cases() {
    let number_unknown = |payload: &[u8]| {
        let mut bytes = vec![0xc7, payload.len() as u8, 0x0c];
        bytes.extend_from_slice(payload);
        decode_msgpack(&bytes, &Type::Number)
    };
    // Unknown refinement keys are skipped, whatever their value; trailing bytes are ignored.
    let got = number_unknown(&[
        0x82, 0x07, 0x92, 0x01, 0x81, 0xa1, b'x', 0xc0, 0x01, 0xc2, 0xff, 0xff,
    ])
    .unwrap();
    assert_eq!(
        got,
        Value::Unknown(Refinements {
            is_null: Some(false),
            ..Default::default()
        })
    );
    // An infinite bound (older Terraform wrote those) means no bound.
    let got =
        number_unknown(&[0x81, 0x03, 0x92, 0xcb, 0xff, 0xf0, 0, 0, 0, 0, 0, 0, 0xc3]).unwrap();
    assert_eq!(got, Value::unknown());
    // Bounds may be written as strings when they are not ints or exact floats.
    let got = number_unknown(&[0x81, 0x04, 0x92, 0xa3, b'0', b'.', b'1', 0xc3]).unwrap();
    let want = NumberBound {
        value: num("0.1"),
        inclusive: true,
    };
    assert_eq!(
        got,
        Value::Unknown(Refinements {
            number_upper: Some(want),
            ..Default::default()
        })
    );
    // "Definitely null" is null.
    assert_eq!(number_unknown(&[0x81, 0x01, 0xc3]).unwrap(), Value::Null);
    // Refinements that do not fit the type are errors.
    assert!(number_unknown(&[0x81, 0x02, 0xa1, b'a']).is_err());
    assert!(number_unknown(&[0x81, 0x05, 0x01]).is_err());
    // Not a map; not an integer key; a bad bound.
    assert!(number_unknown(&[0x91, 0x01, 0x01]).is_err());
    assert!(number_unknown(&[0x81, 0xa1, b'a', 0x01]).is_err());
    assert!(number_unknown(&[0x81, 0x03, 0x92, 0xc0, 0xc3]).is_err());
    // Other extension types may not carry a payload.
    assert!(decode_msgpack(&[0xd5, 0x05, 0x81, 0x01], &Type::Number).is_err());
    // Refinements of a dynamic-typed unknown are ignored, as Terraform does.
    assert_eq!(
        decode_msgpack(&[0xd6, 0x0c, 0x81, 0x02, 0xa1, b'a'], &Type::Dynamic).unwrap(),
        Value::unknown()
    );
}

#[test]
fn dynamic_values_carry_their_type() {
    let mut bytes = vec![0x92, 0xc4, 0x08];
    bytes.extend_from_slice(br#""string""#);
    bytes.extend_from_slice(&[0xa2, b'h', b'i']);
    vector(
        Value::Dynamic(Type::String, Box::new("hi".into())),
        &Type::Dynamic,
        &bytes,
    );

    let mut bytes = vec![0x92, 0xc4, 17];
    bytes.extend_from_slice(br#"["list","string"]"#);
    bytes.extend_from_slice(&[0x91, 0xa1, b'x']);
    let list = Value::Dynamic(
        Type::list(Type::String),
        Box::new(Value::List(vec!["x".into()])),
    );
    vector(list, &Type::Dynamic, &bytes);

    // A known type with a null or unknown value.
    let mut bytes = vec![0x92, 0xc4, 0x08];
    bytes.extend_from_slice(br#""number""#);
    bytes.extend_from_slice(&[0xd4, 0x00, 0x00]);
    vector(
        Value::Dynamic(Type::Number, Box::new(Value::unknown())),
        &Type::Dynamic,
        &bytes,
    );
    vector(Value::Null, &Type::Dynamic, &[0xc0]);

    // Terraform's decoder also takes the type as a str.
    let mut as_str = vec![0x92, 0xa8];
    as_str.extend_from_slice(br#""string""#);
    as_str.extend_from_slice(&[0xa2, b'h', b'i']);
    assert_eq!(
        decode_msgpack(&as_str, &Type::Dynamic).unwrap(),
        Value::Dynamic(Type::String, Box::new("hi".into()))
    );

    // A bare value at a dynamic position is written with the type it implies.
    let mut bytes = vec![0x92, 0xc4, 0x06];
    bytes.extend_from_slice(br#""bool""#);
    bytes.push(0xc3);
    assert_eq!(encode_msgpack(&true.into(), &Type::Dynamic).unwrap(), bytes);
    assert!(encode_msgpack(&Value::List(vec!["a".into(), true.into()]), &Type::Dynamic).is_err());
    assert!(decode_msgpack(&[0x91, 0xc0], &Type::Dynamic).is_err());
    assert!(decode_msgpack(&[0x92, 0xc4, 0x03, b'"', b'x', b'"', 0xc0], &Type::Dynamic).is_err());
}

#[test]
fn collections_and_structures() {
    let ty = Type::object([("a", Type::String), ("b", Type::Number)]);
    vector(
        object(&[("a", "x".into()), ("b", Value::Null)]),
        &ty,
        &[0x82, 0xa1, b'a', 0xa1, b'x', 0xa1, b'b', 0xc0],
    );

    let list = Value::List(vec!["a".into(), "b".into()]);
    vector(
        list,
        &Type::list(Type::String),
        &[0x92, 0xa1, b'a', 0xa1, b'b'],
    );
    let set = Value::Set(vec![Value::from(1), Value::from(2)]);
    vector(set, &Type::set(Type::Number), &[0x92, 0x01, 0x02]);
    let map = Value::Map(BTreeMap::from([("k".to_string(), Value::from(false))]));
    vector(map, &Type::map(Type::Bool), &[0x81, 0xa1, b'k', 0xc2]);
    let tuple = Value::Tuple(vec!["a".into(), Value::from(1)]);
    vector(
        tuple,
        &Type::Tuple(vec![Type::String, Type::Number]),
        &[0x92, 0xa1, b'a', 0x01],
    );
    vector(Value::List(vec![]), &Type::list(Type::String), &[0x90]);
}

#[test]
fn objects_must_match_their_type() {
    let ty = Type::object([("a", Type::String), ("b", Type::Number)]);
    let missing = decode_msgpack(&[0x81, 0xa1, b'a', 0xa1, b'x'], &ty).unwrap_err();
    assert_eq!(missing.to_string(), "missing attribute \"b\"");
    let extra = decode_msgpack(
        &[0x83, 0xa1, b'a', 0xc0, 0xa1, b'b', 0xc0, 0xa1, b'c', 0xc0],
        &ty,
    )
    .unwrap_err();
    assert_eq!(
        extra.to_string(),
        "unexpected attribute \"c\"; the object's attributes are \"a\", \"b\""
    );
    let twice = decode_msgpack(&[0x82, 0xa1, b'a', 0xc0, 0xa1, b'a', 0xc0], &ty).unwrap_err();
    assert!(twice.to_string().contains("twice"), "{twice}");
    assert!(encode_msgpack(&object(&[("a", Value::Null)]), &ty).is_err());

    // Attributes the type marks optional may be absent; they read as null.
    let Type::Object { attributes, .. } = ty else {
        unreachable!()
    };
    let optional_ty = Type::Object {
        attributes,
        optional: ["b".to_string()].into(),
    };
    let got = decode_msgpack(&[0x81, 0xa1, b'a', 0xa1, b'x'], &optional_ty).unwrap();
    assert_eq!(got, object(&[("a", "x".into()), ("b", Value::Null)]));
    let encoded = encode_msgpack(&object(&[("a", "x".into())]), &optional_ty).unwrap();
    assert_eq!(encoded, [0x82, 0xa1, b'a', 0xa1, b'x', 0xa1, b'b', 0xc0]);
}

#[test]
fn errors_point_at_the_place() {
    let ty = Type::object([("rules", Type::map(Type::list(Type::Number)))]);
    // {rules: {daily: [1, "x"]}}
    let bytes = [
        0x81, 0xa5, b'r', b'u', b'l', b'e', b's', 0x81, 0xa5, b'd', b'a', b'i', b'l', b'y', 0x92,
        0x01, 0xa1, b'x',
    ];
    let err = decode_msgpack(&bytes, &ty).unwrap_err();
    assert_eq!(
        err.path(),
        &AttributePath::attr("rules").key("daily").index(1)
    );
    assert_eq!(
        err.to_string(),
        r#"rules["daily"][1]: expected a number, found the string "x""#
    );

    let value = object(&[(
        "rules",
        Value::Map(BTreeMap::from([(
            "d".to_string(),
            Value::List(vec![true.into()]),
        )])),
    )]);
    let err = encode_msgpack(&value, &ty).unwrap_err();
    assert_eq!(err.path(), &AttributePath::attr("rules").key("d").index(0));
    assert_eq!(err.message(), "expected a number, found a bool");

    assert!(decode_msgpack(&[0xc0, 0xc0], &Type::String)
        .unwrap_err()
        .to_string()
        .contains("unexpected bytes"));
    assert!(decode_msgpack(&[0xa1, 0xff], &Type::String).is_err());
    assert!(decode_msgpack(&[], &Type::String).is_err());
    let tuple = Type::Tuple(vec![Type::String]);
    assert!(decode_msgpack(&[0x90], &tuple).is_err());
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let mut ty = Type::String;
    for _ in 0..100 {
        ty = Type::list(ty);
    }
    let bytes = vec![0x91u8; 100_000];
    let err = decode_msgpack(&bytes, &ty).unwrap_err();
    assert!(err.message().contains("nested"), "{err}");

    // Nesting through dynamic values: each level is a [type, value] pair.
    let mut bytes = Vec::new();
    for _ in 0..100_000 {
        bytes.extend_from_slice(&[0x92, 0xc4, 0x09]);
        bytes.extend_from_slice(br#""dynamic""#);
    }
    bytes.push(0xc0);
    assert!(decode_msgpack(&bytes, &Type::Dynamic).is_err());

    // A type JSON nested 100000 levels deep.
    let deep_type = format!(
        "{}\"string\"{}",
        "[\"list\",".repeat(100_000),
        "]".repeat(100_000)
    );
    let mut bytes = vec![0x92, 0xc6];
    bytes.extend_from_slice(&(deep_type.len() as u32).to_be_bytes());
    bytes.extend_from_slice(deep_type.as_bytes());
    bytes.push(0xc0);
    assert!(decode_msgpack(&bytes, &Type::Dynamic).is_err());
}
