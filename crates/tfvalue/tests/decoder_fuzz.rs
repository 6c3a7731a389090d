//! A stable-toolchain stand-in for a fuzz target: the decoders get arbitrary
//! and mutated input for random types, and must answer without panicking.
//! Whatever they accept must re-encode, and re-decode to the same value.

mod common;

use common::{arb_type, arb_typed_value};
use proptest::collection::vec;
use proptest::prelude::*;
use tfvalue::{decode_json, decode_msgpack, encode_json, encode_msgpack, Type, Value};

/// One edit of a valid encoding.
#[derive(Debug, Clone)]
enum Mutation {
    Set(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
}

fn arb_mutations() -> impl Strategy<Value = Vec<Mutation>> {
    let one = prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Truncate),
    ];
    vec(one, 1..4)
}

fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len();
        match *m {
            Mutation::Set(i, b) if len > 0 => bytes[i % len] = b,
            Mutation::Insert(i, b) => bytes.insert(i % (len + 1), b),
            Mutation::Delete(i) if len > 0 => {
                bytes.remove(i % len);
            }
            Mutation::Truncate(i) => bytes.truncate(i % (len + 1)),
            _ => {}
        }
    }
    bytes
}

/// Accepted msgpack is stable: re-encoding and decoding gives the same value.
fn check_msgpack(bytes: &[u8], ty: &Type) -> Result<(), TestCaseError> {
    if let Ok(value) = decode_msgpack(bytes, ty) {
        let again = encode_msgpack(&value, ty)
            .map_err(|e| TestCaseError::fail(format!("re-encode: {e}")))?;
        let back = decode_msgpack(&again, ty)
            .map_err(|e| TestCaseError::fail(format!("re-decode: {e}")))?;
        prop_assert_eq!(back, value);
    }
    Ok(())
}

fn check_json(bytes: &[u8], ty: &Type) -> Result<(), TestCaseError> {
    if let Ok(value) = decode_json(bytes, ty) {
        let again =
            encode_json(&value, ty).map_err(|e| TestCaseError::fail(format!("re-encode: {e}")))?;
        let back =
            decode_json(&again, ty).map_err(|e| TestCaseError::fail(format!("re-decode: {e}")))?;
        prop_assert_eq!(back, value);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn arbitrary_bytes(ty in arb_type(), bytes in vec(any::<u8>(), 0..200)) {
        check_msgpack(&bytes, &ty)?;
        check_json(&bytes, &ty)?;
        let _ = Type::from_json_bytes(&bytes);
    }

    #[test]
    fn mutated_msgpack((ty, value) in arb_typed_value(true), mutations in arb_mutations()) {
        let bytes = encode_msgpack(&value, &ty).map_err(|e| TestCaseError::fail(e.to_string()))?;
        check_msgpack(&mutate(bytes, &mutations), &ty)?;
    }

    #[test]
    fn mutated_json((ty, value) in arb_typed_value(false), mutations in arb_mutations()) {
        let bytes = encode_json(&value, &ty).map_err(|e| TestCaseError::fail(e.to_string()))?;
        check_json(&mutate(bytes, &mutations), &ty)?;
    }

    #[test]
    fn mutated_type_json(ty in arb_type(), mutations in arb_mutations()) {
        if let Ok(parsed) = Type::from_json_bytes(&mutate(ty.to_json_bytes(), &mutations)) {
            prop_assert_eq!(Type::from_json_bytes(&parsed.to_json_bytes()).ok(), Some(parsed));
        }
    }
}

#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    let mut ty = Type::String;
    for _ in 0..200 {
        ty = Type::list(ty);
    }
    let msgpack = vec![0x91u8; 100_000];
    assert!(decode_msgpack(&msgpack, &ty).is_err());
    assert!(decode_msgpack(&msgpack, &Type::Dynamic).is_err());
    let json = "[".repeat(100_000) + &"]".repeat(100_000);
    assert!(decode_json(json.as_bytes(), &ty).is_err());
    let deep_type = "[\"list\",".repeat(100_000);
    assert!(Type::from_json_bytes(deep_type.as_bytes()).is_err());
    // Deep but within the limit is fine.
    let mut shallow_ty = Type::String;
    let mut shallow = Value::from("x");
    for _ in 0..60 {
        shallow_ty = Type::list(shallow_ty);
        shallow = Value::List(vec![shallow]);
    }
    let bytes = encode_msgpack(&shallow, &shallow_ty).unwrap();
    assert_eq!(decode_msgpack(&bytes, &shallow_ty).unwrap(), shallow);
}
