//! Round trips through every codec, for random types and values.

mod common;

use common::{arb_number, arb_type, arb_typed_value};
use proptest::prelude::*;
use tfvalue::{
    decode_json, decode_msgpack, encode_json, encode_msgpack, from_value, to_value, Number, Type,
    Value,
};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn msgpack_round_trips((ty, value) in arb_typed_value(true)) {
        let bytes = encode_msgpack(&value, &ty).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = decode_msgpack(&bytes, &ty).map_err(|e| TestCaseError::fail(format!("{e} in {bytes:02x?}")))?;
        prop_assert!(back.equal_semantics(&value));
        // The codec keeps set order and writes numbers canonically, so even strict equality holds.
        prop_assert_eq!(back, value);
    }

    #[test]
    fn json_round_trips((ty, value) in arb_typed_value(false)) {
        let bytes = encode_json(&value, &ty).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = decode_json(&bytes, &ty)
            .map_err(|e| TestCaseError::fail(format!("{e} in {}", String::from_utf8_lossy(&bytes))))?;
        prop_assert_eq!(back, value);
    }

    #[test]
    fn type_json_round_trips(ty in arb_type()) {
        prop_assert_eq!(Type::from_json_bytes(&ty.to_json_bytes()).ok(), Some(ty.clone()));
        prop_assert_eq!(Type::from_json(&ty.to_json()).ok(), Some(ty));
    }

    #[test]
    fn value_passes_through_serde((ty, value) in arb_typed_value(true)) {
        prop_assert_eq!(from_value::<Value>(&value).ok(), Some(value.clone()));
        prop_assert_eq!(to_value(&value, &ty).ok(), Some(value));
    }

    #[test]
    fn numbers_are_canonical_and_ordered(a in arb_number(), b in arb_number()) {
        prop_assert_eq!(Number::parse(a.as_str()), Some(a.clone()));
        prop_assert_eq!(a.cmp_numeric(&b) == std::cmp::Ordering::Equal, a == b);
        if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
            prop_assert_eq!(a.cmp_numeric(&b), x.cmp(&y));
        }
        if let (Some(x), Some(y)) = (a.to_f64_exact(), b.to_f64_exact()) {
            prop_assert_eq!(Some(a.cmp_numeric(&b)), x.partial_cmp(&y));
        }
    }

    #[test]
    fn sets_compare_without_order((_ty, value) in arb_typed_value(true)) {
        let shuffled = reverse_sets(&value);
        prop_assert!(shuffled.equal_semantics(&value));
        prop_assert!(value.equal_semantics(&shuffled));
    }
}

/// The value with every set's elements in reverse order.
fn reverse_sets(value: &Value) -> Value {
    match value {
        Value::Set(items) => Value::Set(items.iter().rev().map(reverse_sets).collect()),
        Value::List(items) => Value::List(items.iter().map(reverse_sets).collect()),
        Value::Tuple(items) => Value::Tuple(items.iter().map(reverse_sets).collect()),
        Value::Map(m) => Value::Map(
            m.iter()
                .map(|(k, v)| (k.clone(), reverse_sets(v)))
                .collect(),
        ),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), reverse_sets(v)))
                .collect(),
        ),
        Value::Dynamic(t, v) => Value::Dynamic(t.clone(), Box::new(reverse_sets(v))),
        other => other.clone(),
    }
}
