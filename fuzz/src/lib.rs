//! What each fuzz target checks, kept out of the `fuzz_target!` shims so the properties are plain
//! functions: decoding never panics, and whatever is accepted survives a round trip unchanged.

use backup_policy::PolicyDocument;
use tfvalue::{decode_json, decode_msgpack, encode_json, encode_msgpack, Type};

/// The types a `DynamicValue` is decoded against: the first input byte picks one, so every shape the
/// provider's schemas use (objects with optional attributes, nested collections, `dynamic`) is
/// reached from any input.
const TYPES: &[&str] = &[
    r#""dynamic""#,
    r#""string""#,
    r#""number""#,
    r#""bool""#,
    r#"["list","string"]"#,
    r#"["set","number"]"#,
    r#"["map","dynamic"]"#,
    r#"["tuple",["string","number",["list","bool"]]]"#,
    // The shape of a backup_app: nested objects, a dynamic rule map, optional attributes.
    r#"["object",{"id":"string","name":"string","parent":"string","policy_document":"string",
        "force_destroy":"bool",
        "policy":["object",{"rules":"dynamic","tags":["map","string"]}],
        "guardrails":["object",{"min_retention_days":"number","max_retention_days":"number",
            "require_copy":"bool","locked":["set","string"],"allow_new_rules":"bool"}],
        "aws":["object",{"vault_name":"string","kms_key_arn":"string",
            "vault_lock":["object",{"min_retention_days":"number","max_retention_days":"number",
                "changeable_for_days":"number"}],
            "allow_copy_from_accounts":["list","string"]}]},
        ["force_destroy","parent"]]"#,
    r#"["map",["object",{"retention_days":"number","copy_to":["list",["object",{"vault_arn":"string"}]]}]]"#,
];

/// Splits off the first byte to choose a type from [`TYPES`]; the rest is the encoded value.
fn typed_input(data: &[u8]) -> Option<(Type, &[u8])> {
    let (first, rest) = data.split_first()?;
    let json = TYPES[usize::from(*first) % TYPES.len()];
    let ty = Type::from_json_bytes(json.as_bytes()).expect("the fuzz types are valid type JSON");
    Some((ty, rest))
}

/// msgpack `DynamicValue`: decoding never panics; an accepted value re-encodes, and that encoding
/// decodes to the same value.
pub fn dynamic_value_msgpack(data: &[u8]) {
    let Some((ty, bytes)) = typed_input(data) else {
        return;
    };
    if let Ok(value) = decode_msgpack(bytes, &ty) {
        let again = encode_msgpack(&value, &ty).expect("an accepted value re-encodes");
        let back = decode_msgpack(&again, &ty).expect("our own encoding decodes");
        assert_eq!(back, value, "msgpack round trip changed the value");
    }
}

/// JSON `DynamicValue` (state and legacy clients): the same properties as msgpack.
pub fn dynamic_value_json(data: &[u8]) {
    let Some((ty, bytes)) = typed_input(data) else {
        return;
    };
    if let Ok(value) = decode_json(bytes, &ty) {
        let again = encode_json(&value, &ty).expect("an accepted value re-encodes");
        let back = decode_json(&again, &ty).expect("our own encoding decodes");
        assert_eq!(back, value, "JSON round trip changed the value");
    }
}

/// Type JSON (schemas, `dynamic` type headers): parsing never panics; an accepted type round-trips.
pub fn type_json(data: &[u8]) {
    if let Ok(ty) = Type::from_json_bytes(data) {
        let again = ty.to_json_bytes();
        let back = Type::from_json_bytes(&again).expect("our own type JSON parses");
        assert_eq!(back, ty, "type JSON round trip changed the type");
    }
}

/// A parent's `policy_document` as a child reads it: parsing never panics; an accepted document
/// writes back to JSON that parses to the same document.
pub fn policy_document(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(document) = PolicyDocument::parse(text) {
        let again = document.to_json();
        let back = PolicyDocument::parse(&again).expect("our own document parses");
        assert_eq!(back, document, "policy document round trip changed it");
    }
}
